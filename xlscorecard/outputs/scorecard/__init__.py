"""The scorecard workbook: what managers, cabinet and scrutiny committees open.

``write_scorecard(data, path)`` lays a scored framework out as a Summary sheet, one sheet per
priority, Indicator history, Exceptions, Signals this period, All indicators, Data quality and
Sources, styled from the template.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from ...errors import OutputError
from ...marks import WORKBOOK_PROPERTY
from .data import ScorecardData, Scorecard
from .fast_worksheet import ScorecardWorkbook, ScorecardWorksheet, rendering_ok
from .formats import Formats
from .sheet import sheet_name
from .history_sheet import SHEET_NAME as HISTORY_SHEET, HistoryLayout, write_history_sheet
from .priority_sheets import write_priority_sheets
from .signals_sheet import write_signals
from .summary_sheet import write_summary_sheet
from .tables import (write_all_indicators, write_commentary, write_data_quality, write_exceptions, write_returns,
                     write_sources)
from .style import Template, load_template

__all__ = ["ScorecardData", "Template", "load_template", "write_scorecard"]

# Text from returns must stay text: no formulas or links made out of "=..." or "http://...".
# in_memory keeps the zip entries' timestamps fixed (1980), so the bytes do not depend on the
# clock or time zone. constant_memory is not used for a scorecard of ordinary size: xlsxwriter
# cannot add an Excel table in that mode, and the All indicators sheet is one.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "nan_inf_to_errors": True, "in_memory": True}
# Above this many indicators (a regional hub's consolidation, not a council's) the workbook is
# written row by row: xlsxwriter then holds one row, not every cell (about 1 KB an indicator), and
# the All indicators sheet is a filtered range instead of an Excel table. Every sheet writer
# writes its rows top to bottom, which that mode needs (tests/test_writer_large.py).
LARGE_SCORECARD_INDICATORS = 20_000
LARGE_WORKBOOK_OPTIONS = {**WORKBOOK_OPTIONS, "in_memory": False, "constant_memory": True}
# Renders rows several times faster than xlsxwriter's own worksheet, to the same bytes; stock
# xlsxwriter's worksheet where this xlsxwriter lacks the internals it needs.
WORKSHEET_CLASS = None


def worksheet_class() -> type:
    """The worksheet the scorecard is written with (WORKSHEET_CLASS when set, for tests)."""
    if WORKSHEET_CLASS is not None:
        return WORKSHEET_CLASS
    return ScorecardWorksheet if rendering_ok() else Worksheet
# Above this many indicators the parts are zipped at zlib's fastest level: compressing is then
# a tenth of the writing time, and the file about a third larger. A council's scorecard keeps
# xlsxwriter's default, where the difference is a few milliseconds.
FAST_ZIP_INDICATORS = 1_000


def write_scorecard(data: ScorecardData, path: str | Path, template: Template | None = None) -> Path:
    """Write the scorecard workbook for ``data`` to ``path``; returns the path written.

    The same data and template always give the same bytes. Raises :class:`OutputError` when the
    file cannot be created (most often because it is open in Excel).
    """
    path = Path(path)
    card = Scorecard(data, template or load_template())
    large = len(card.data.indicators) > LARGE_SCORECARD_INDICATORS
    workbook = ScorecardWorkbook(str(path), LARGE_WORKBOOK_OPTIONS if large else WORKBOOK_OPTIONS,
                                 compress_level=1 if len(card.data.indicators) > FAST_ZIP_INDICATORS else None)
    workbook.worksheet_class = worksheet_class()
    workbook.set_properties({
        "title": f"Performance Scorecard, {card.period.long_label}",
        "subject": f"{card.council} performance against target",
        "author": card.council, "company": card.council,
        "comments": "Written by xlscorecard", "created": card.created,
    })
    workbook.set_custom_property(WORKBOOK_PROPERTY, "scorecard")  # never read back as a return (marks.py)
    formats = Formats(workbook, card.template)
    taken: set[str] = set()
    write_summary_sheet(workbook, card, formats, taken)
    # The history sheet's name and rows are fixed first: the priority sheets link to it and draw
    # their sparklines from it, and it links back to the rows they placed.
    history = HistoryLayout(card, sheet_name(HISTORY_SHEET, taken)) if card.groups else None
    placed: dict[str, tuple[str, int]] = {}
    write_priority_sheets(workbook, card, formats, taken, history, placed)
    if history is not None:
        write_history_sheet(workbook, card, formats, history, placed)
    write_exceptions(workbook, card, formats, taken)
    write_signals(workbook, card, formats, taken, history)
    write_commentary(workbook, card, formats, taken)
    write_all_indicators(workbook, card, formats, taken)
    write_returns(workbook, card, formats, taken)
    write_data_quality(workbook, card, formats, taken)
    write_sources(workbook, card, formats, taken)
    close_workbook(workbook, path)
    return path


def close_workbook(workbook, path: Path) -> None:
    """Write the workbook out, as an :class:`OutputError` naming the file when it cannot be."""
    try:
        workbook.close()
    except (FileCreateError, OSError) as error:
        raise cannot_write(path, error) from error


def cannot_write(path: Path, error: Exception) -> OutputError:
    """The error to raise when ``path`` cannot be written, saying what to do."""
    cause = error.__cause__ if isinstance(error, FileCreateError) else error
    if isinstance(cause, PermissionError):
        return OutputError(f"cannot write {path}: permission denied. If the scorecard is open in Excel, "
                           f"close {path.name} and run again.")
    return OutputError(f"cannot write {path}: {cause or error}. Check that the folder exists.")
