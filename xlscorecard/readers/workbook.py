"""Walk a return's sheets, find the tables in them and hand each to the layout that knows it.

Sheets are first read shallowly (the header search rows only) to decide whether any layout
applies, so a workbook of unrelated statistics costs little; only recognised sheets are read
in full, with their merged cells and formulas.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReturnError
from ..model import Finding, Indicator, Observation, Period, Severity, Source
from . import fast_sheets
from .cells import FindingCollector
from .header import Table, find_table, resolve_periods
from .rows import CarriedValues, ReadContext
from .safety import FileKind, Limits, classify
from .sheets import SheetGrid, a1, load_csv, workbook_sheets

# What openpyxl raises on a damaged or non-standard package: missing parts (KeyError), malformed
# XML (ParseError is a SyntaxError), attributes of the wrong type (TypeError/ValueError).
OPENPYXL_FAILURES = (KeyError, TypeError, ValueError, AttributeError, IndexError, SyntaxError, EOFError,
                     zipfile.BadZipFile)

# Set to "openpyxl" to read every workbook with openpyxl, python-calamine or not (to compare the paths).
READER_ENV = "XLSCORECARD_READER"
# The share of the unpacked-size cap that a workbook the fast reader cannot take may unpack to.
SLOW_READER_SHARE = 0.3
# A sheet can hold several tables one under another (one per priority, or per printed page).
MAX_TABLES_PER_SHEET = 50


class DamagedWorkbook(ReturnError):
    """openpyxl could not parse a workbook that passed the safety checks."""


@contextmanager
def _openpyxl_errors():
    try:
        yield
    except OPENPYXL_FAILURES as error:
        raise DamagedWorkbook(f"{type(error).__name__}: {error}") from error


@dataclass
class TablesOutcome:
    """Everything read from one file, before the register and claim checks."""

    indicators: list[Indicator] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    claims: list = field(default_factory=list)
    comparators: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)
    indicator_sources: dict[str, Source] = field(default_factory=dict)
    stated_fields: dict[str, frozenset[str]] = field(default_factory=dict)


def read_tables(path: Path, layouts, period_hint: Period | None, limits: Limits) -> TablesOutcome:
    outcome = TablesOutcome()
    verdict = classify(path, limits)
    if verdict.finding is not None:
        outcome.findings.append(verdict.finding)
        return outcome
    collector = FindingCollector(str(path))
    context = ReadContext(collector, period_hint)
    if verdict.kind is FileKind.CSV:
        grid = load_csv(path, limits)
        outcome.findings.extend(grid.findings)  # lines too long to be rows
        _read_grid(grid, layouts, context, limits, outcome)
    else:
        try:
            _read_workbook(path, layouts, context, limits, outcome)
        except DamagedWorkbook as error:
            collector.add(Severity.ERROR, f"workbook is damaged or non-standard and could not be parsed ({error})",
                          action="file skipped; open it in Excel, save it again and re-send")
            return _finish(outcome, context)
    if outcome.layouts and not outcome.observations and not outcome.indicators and not outcome.comparators:
        collector.add(Severity.WARNING, f"the return has a recognised header ({', '.join(outcome.layouts)}) "
                      "but no values or indicators under it", action="nothing read from this file")
    if not outcome.layouts:
        tried = ", ".join(layout.name for layout in layouts)
        collector.add(Severity.ERROR,
                      f"no sheet has a header xlscorecard recognises (layouts tried: {tried}); a return needs "
                      "a header row with a Ref or Measure column and value or metadata columns",
                      action="file skipped; see templates/README.md for the return format")
    return _finish(outcome, context)


def _finish(outcome: TablesOutcome, context: ReadContext) -> TablesOutcome:
    outcome.findings.extend(context.collector.findings())
    outcome.indicator_sources = context.indicator_sources
    outcome.stated_fields = context.stated_fields
    return outcome


def _read_workbook(path: Path, layouts, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    if fast_sheets.available() and os.environ.get(READER_ENV, "").lower() != "openpyxl":
        try:
            sheets = fast_sheets.open_sheets(path, limits)
        except fast_sheets.NotForCalamine as reason:
            if _too_big_for_the_slow_reader(path, limits, str(reason), context):
                return
            # otherwise read below by openpyxl, which streams any sheet within the limits
        else:
            _read_sheets(sheets, layouts, context, limits, outcome)
            return
    from openpyxl import load_workbook  # imported here: runs that never need it never pay for it

    with warnings.catch_warnings():
        # openpyxl warns about unsupported extensions (data validation, slicers): not the officer's problem.
        warnings.simplefilter("ignore")
        # A file handle, not the path: openpyxl then trusts the bytes (already checked), not the
        # extension, and the return is opened read-only.
        with path.open("rb") as handle:
            with _openpyxl_errors():
                workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                _read_sheets(workbook_sheets(path, workbook), layouts, context, limits, outcome)
            finally:
                workbook.close()


def _too_big_for_the_slow_reader(path: Path, limits: Limits, reason: str, context: ReadContext) -> bool:
    """openpyxl parses about 2 MB of sheet XML a second here, a quarter of calamine's speed, so
    the workbooks it reads instead are held to a smaller size, to keep every file under 10 s."""
    cap = int(limits.max_total_bytes * SLOW_READER_SHARE)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked <= cap:
        return False
    context.collector.add(Severity.ERROR, f"workbook needs the slower reader ({reason}) and unpacks to "
                          f"{unpacked:,} bytes, more than the {cap:,} it reads in bounded time",
                          action="file skipped; open it in Excel and save it again (Excel writes what the fast "
                                 "reader needs), or run again with a higher --max-unpacked-mb")
    return True


def _read_sheets(sheets, layouts, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    for sheet in sheets:
        with _openpyxl_errors():
            shallow = sheet.load(limits, max_rows=limits.header_search_rows + 2)
        if _layout_for(shallow, layouts, context, limits) is None:
            continue
        if shallow.hidden:
            context.collector.add(Severity.WARNING, "hidden sheet looks like a return; not read",
                                  sheet=sheet.title, action="unhide it if its values should count")
            continue
        with _openpyxl_errors():
            grid = sheet.load(limits, with_structure=True)
        _read_grid(grid, layouts, context, limits, outcome)


def _layout_for(grid: SheetGrid, layouts, context: ReadContext, limits: Limits, start_row: int = 1):
    table = find_table(grid, limits.header_search_rows, start_row)
    if table is None:
        return None
    table = resolve_periods(table, context.period_hint)
    layout = next((layout for layout in layouts if layout.sniff(table)), None)
    return None if layout is None else (layout, table)


def _read_grid(grid: SheetGrid, layouts, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    if grid.truncated:
        context.collector.add(Severity.WARNING, f"sheet is larger than the reading limits ({limits.max_rows:,} rows, "
                              f"{limits.max_cells:,} cells); the rest was not read",
                              sheet=grid.name, action="split the return or raise the row limit")
    context.carried = CarriedValues()
    start_row = 1
    for _ in range(MAX_TABLES_PER_SHEET):
        found = _layout_for(grid, layouts, context, limits, start_row)
        if found is None:
            return
        layout, table = found
        for title_row in range(start_row, table.header_row):  # "Priority 1", "Tier 1" above the header
            context.carried.heading(grid, title_row)
        _check_year(table, context)
        records = layout.read(table, context)
        outcome.indicators.extend(records.indicators)
        outcome.observations.extend(records.observations)
        outcome.claims.extend(records.claims)
        outcome.comparators.extend(records.comparators)
        if layout.name not in outcome.layouts:
            outcome.layouts.append(layout.name)
        if records.next_table_row is None or records.next_table_row <= start_row:
            return
        start_row = records.next_table_row


def _check_year(table: Table, context: ReadContext) -> None:
    if table.fy is None and any(column.period is None for column in table.period_columns):
        context.collector.add(
            Severity.ERROR, "value columns name months or quarters but no financial year could be found",
            sheet=table.grid.name, cell=a1(table.header_row, table.period_columns[0].col),
            action="values skipped; write the year in the header ('20/21 Target'), the sheet or file name, "
                   "or pass --period")
