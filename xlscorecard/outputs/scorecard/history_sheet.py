"""The Indicator history sheet: every value held for each indicator, oldest left.

One row of values per indicator and, below it, the target each value was scored against. A
value is filled with the RAG it had for its own period and carries the RAG's letter (G, A, R:
colour is never the only cue); a value of an earlier framework year with no target held has
neither. The ref links back to the indicator's row on its priority sheet, whose ref links here;
the priority sheets' sparklines draw from these rows (:class:`HistoryLayout` places them before
any sheet is written, so both sides can link).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from ...core.model import Period, PeriodKind
from ...core.periods import MONTH_NAMES
from .data import Scorecard
from .formats import RAG_LETTERS, Formats
from .sheet import Sheet

SHEET_NAME = "Indicator history"
TITLE_ROW, NOTE_ROW, KEY_ROW, YEAR_ROW, HEADER_ROW = 0, 1, 2, 3, 4
FIRST_ROW = HEADER_ROW + 1
FIRST_PERIOD_COL = 3  # A ref, B indicator, C "Value" / "Target"
NAME_WIDTH, PERIOD_WIDTH = 40, 8
# Excel keeps at most 65,530 links on a sheet; a scorecard past that links its first indicators.
MAX_LINKS = 65_530
# Only a ref that reads as one is linked: a return's text never goes into a link's attributes.
_LINKABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9&._ -]{0,39}")


class HistoryLayout:
    """Where each indicator's row and each period's column are on the Indicator history sheet."""

    def __init__(self, card: Scorecard, name: str):
        self.card = card
        self.name = name
        refs = [i.ref for g in card.groups for i, _ in g.rows]
        held = {point.period for ref in refs if ref in card.series for point in card.series[ref].points}
        self.periods: tuple[Period, ...] = tuple(sorted(held, key=lambda p: (p.end_date, -p.kind.months)))
        self.col_of = {period: FIRST_PERIOD_COL + n for n, period in enumerate(self.periods)}
        self.row_of = {ref: FIRST_ROW + 2 * n for n, ref in enumerate(refs)}

    @property
    def wanted(self) -> bool:
        return bool(self.row_of)

    def link(self, ref: str) -> str | None:
        """The internal hyperlink to the indicator's row, or ``None`` past Excel's link limit."""
        row = self.row_of.get(ref)
        if row is None or row >= FIRST_ROW + 2 * MAX_LINKS or not _LINKABLE.fullmatch(ref):
            return None
        return f"internal:{quote_sheetname(self.name)}!{xl_rowcol_to_cell(row, 0)}"

    def sparkline_range(self, ref: str) -> str | None:
        """The cells of the indicator's latest points (up to 24 months or 8 quarters)."""
        series = self.card.series.get(ref)
        if series is None or not series.recent or ref not in self.row_of:
            return None
        row = self.row_of[ref]
        first, last = self.col_of[series.recent[0].period], self.col_of[series.recent[-1].period]
        return f"{quote_sheetname(self.name)}!{xl_rowcol_to_cell(row, first)}:{xl_rowcol_to_cell(row, last)}"


def period_header(period: Period) -> str:
    if period.kind is PeriodKind.MONTH:
        return MONTH_NAMES[period.calendar_month - 1][:3]
    return f"Q{period.number}" if period.kind is PeriodKind.QUARTER else "Year"


def write_history_sheet(workbook, card: Scorecard, formats: Formats, layout: HistoryLayout,
                        placed: dict[str, tuple[str, int]]) -> None:
    """Write the sheet ``layout`` planned; ``placed`` gives each ref's priority sheet and row."""
    if not layout.wanted:
        return
    f = formats
    sheet = Sheet(workbook.add_worksheet(layout.name))
    last_col = max(FIRST_PERIOD_COL + len(layout.periods) - 1, FIRST_PERIOD_COL)
    sheet.merge(TITLE_ROW, 0, last_col, f"Indicator history - up to {card.period.long_label}", f["title"])
    sheet.ws.set_row(TITLE_ROW, 24)
    # The notes wrap within the first page's width: merged across every period they would run
    # off the printed page.
    note_col = min(last_col, FIRST_PERIOD_COL + 14)
    sheet.merge(NOTE_ROW, 0, note_col, _note(card), f["note"])
    sheet.ws.set_row(NOTE_ROW, 30)
    letters = ", ".join(f"{letter} {card.template.word('rag', rag.value).lower()}" for rag, letter in RAG_LETTERS.items())
    sheet.merge(KEY_ROW, 0, note_col, f"Each value is filled with the RAG it had for its own period, with its letter: "
                f"{letters}; no fill and no letter: no target held for that period. Click a ref to go back to its "
                "priority sheet.", f["note"])
    sheet.ws.set_row(KEY_ROW, 30)
    _header(sheet, f, layout)
    links = 0
    for group in card.groups:
        for indicator, _ in group.rows:
            row = layout.row_of[indicator.ref]
            back = placed.get(indicator.ref)
            if back is not None and links < MAX_LINKS and _LINKABLE.fullmatch(indicator.ref):
                url = f"internal:{quote_sheetname(back[0])}!{xl_rowcol_to_cell(back[1], 0)}"
                if sheet.ws.write_url(row, 0, url, f["link"], indicator.ref, f"Back to {indicator.ref} on {back[0]}"):
                    sheet.put(row, 0, indicator.ref, f["text_bold"])
                sheet.measure(0, indicator.ref)
                links += 1
            else:
                sheet.put(row, 0, indicator.ref, f["text_bold"])
            series = card.series.get(indicator.ref)
            points = {p.period: p for p in series.points} if series is not None else {}
            values = [(1, indicator.name, f["text_wrap"], False), (2, "Value", f["text"], False)]
            targets = [(0, None, f["text"], False), (1, None, f["text"], False), (2, "Target", f["history_target"], False)]
            for period, col in layout.col_of.items():
                point = points.get(period)
                values.append((col, point.value if point else None,
                               f["history_value", point.rag] if point else f["text"], True))
                target = point.target if point else None
                long = target is not None and round(target, 2) != target  # a back-solved or profiled target
                targets.append((col, target, f["history_target", "decimal"] if long else f["history_target"], True))
            sheet.put_cells(row, values)
            sheet.ws.set_row(row, sheet.wrapped_height(indicator.name, NAME_WIDTH))
            sheet.put_cells(row + 1, targets)
    widths = {0: None, 1: NAME_WIDTH, 2: 8, **{col: PERIOD_WIDTH for col in layout.col_of.values()}}
    sheet.fit_columns({col: w for col, w in widths.items() if w})
    sheet.print_setup(header_rows=(YEAR_ROW, HEADER_ROW), freeze=(FIRST_ROW, FIRST_PERIOD_COL),
                      footer=f"{card.council} - {card.period.long_label}")
    sheet.ws.fit_to_pages(max(1, math.ceil(len(layout.periods) / 18)), 0)  # about 18 periods a page wide
    sheet.ws.repeat_columns(0, 2)


def _header(sheet: Sheet, f: Formats, layout: HistoryLayout) -> None:
    for col in range(FIRST_PERIOD_COL):  # row by row (a large scorecard) the upper row is written first
        sheet.put(YEAR_ROW, col, None, f["header"])
    years: dict = {}
    for period, col in layout.col_of.items():
        years.setdefault(period.fy, []).append(col)
    for fy, cols in years.items():
        sheet.merge(YEAR_ROW, min(cols), max(cols), fy.label, f["header"])
    sheet.ws.set_row(YEAR_ROW, 16)
    for col, text in enumerate(("Ref", "Performance indicator", "")):
        sheet.put(HEADER_ROW, col, text, f["header"], measure=False)
    for period, col in layout.col_of.items():
        sheet.put(HEADER_ROW, col, period_header(period), f["header"], measure=False)
    sheet.ws.set_row(HEADER_ROW, 18)


def _note(card: Scorecard) -> str:
    """What the sheet holds and where values not in this period's returns came from."""
    read = {s.path for s in card.data.sources}
    earlier = sorted({Path(o.source.path).name for o in card.data.observations
                      if o.source.path and o.source.path not in read and o.value is not None})
    where = ""
    if earlier:
        named = ", ".join(earlier[:4]) + (f" and {len(earlier) - 4} more" if len(earlier) > 4 else "")
        where = f" Values not in this period's returns come from the history, as earlier runs read them from: {named}."
    return (f"{card.council}. Every value held for each indicator up to {card.period.long_label}, one per period "
            f"at its frequency, oldest left; the target each was scored against is below it.{where}")
