"""One sheet per priority, laid out like the reports' "Performance Indicator Summary" tables.

Indicators are grouped by tier and outcome under band rows. The values up to the reporting
period sit under a two-row header (``Q1`` over ``Apr May Jun``); the latest value, the %
variance and the status word carry the RAG fill, the DOT arrow takes the RAG colour, the
quartile cell its own colour and word. Notes from returns become cell comments, and a data gap
shows its reason across the empty value cells.

A large scorecard (a regional hub's, written row by row) has no cell comments: Excel becomes
slow to open a workbook with tens of thousands of them, and they were a fifth of the writing
time and most of the memory it took. Its explanations, notes and comparator details are the
All indicators sheet's columns, as in every scorecard.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from ...core.model import Indicator, Observation, Period, PeriodKind, Rag, Score, file_shown
from ...core.periods import MONTH_NAMES
from .data import PriorityGroup, Scorecard
from .formats import FLAG_MARKS, Formats
from .sheet import Sheet, sheet_name
from xlsxwriter.utility import xl_rowcol_to_cell
from .history_sheet import HistoryLayout
from .sparklines import SPARKLINE_HEIGHT, Sparklines
from .words import (comparative_text, dot_text, frequency_word, polarity_word, spc_key, spc_text, status_text,
                    trend_text)

TITLE_ROW, SUBTITLE_ROW, BAND_HEADER_ROW, HEADER_ROW = 0, 1, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1
INDICATOR_WIDTH = 44

# Fixed widths for columns whose header is longer than their values.
_WIDTHS = {"ref": 9, "frequency": 10, "polarity": 9, "outturn": 9, "target": 9, "values": 7,
           "period_target": 9, "variance": 10, "status": 11, "dot": 10, "trend": 12, "comparative": 12,
           "history": 16, "spc": 18}


@dataclass(frozen=True)
class ValueColumns:
    """The period columns of a priority sheet: months when any return is monthly, else quarters."""

    periods: tuple[Period, ...]

    @classmethod
    def for_period(cls, period: Period, observations: Iterable[Observation]) -> "ValueColumns":
        kinds = {o.period.kind for o in observations if o.period.fy == period.fy}
        last = period.last_fy_month
        if PeriodKind.MONTH in kinds or not kinds:
            return cls(tuple(Period(PeriodKind.MONTH, period.fy, m) for m in range(1, last + 1)))
        if PeriodKind.QUARTER in kinds:
            return cls(tuple(Period.quarter(period.fy, q) for q in range(1, math.ceil(last / 3) + 1)))
        return cls((Period.year(period.fy),))

    @property
    def monthly(self) -> bool:
        return self.periods[0].kind is PeriodKind.MONTH

    def index_of(self, period: Period | None) -> int | None:
        """The column a value for ``period`` goes in: a quarter's value under its last month."""
        if period is None:
            return None
        return self._index.get((period.fy, period.last_fy_month))

    @cached_property
    def _index(self) -> dict:
        positions = {}
        for index, column in enumerate(self.periods):
            positions.setdefault((column.fy, column.last_fy_month), index)
        return positions

    def header(self, column: Period) -> str:
        if column.kind is PeriodKind.MONTH:
            return MONTH_NAMES[column.calendar_month - 1][:3]
        return f"Q{column.number}" if column.kind is PeriodKind.QUARTER else column.fy.short_label

    def bands(self) -> list[tuple[str, int, int]]:
        """(label, first, last) column offsets of the quarter bands over month columns."""
        if not self.monthly:
            return [("Values", 0, len(self.periods) - 1)]
        return [(f"Q{q + 1}", q * 3, min(q * 3 + 2, len(self.periods) - 1))
                for q in range(math.ceil(len(self.periods) / 3))]


class PrioritySheet:
    """Writes one priority's table onto a sheet."""

    def __init__(self, sheet: Sheet, scorecard: Scorecard, formats: Formats, group: PriorityGroup,
                 history: HistoryLayout | None = None, placed: dict[str, tuple[str, int]] | None = None):
        self.history = history
        self.placed = placed if placed is not None else {}
        self.sheet = sheet
        self.card = scorecard
        self.formats = formats
        self.group = group
        self.template = scorecard.template
        observations = [o for i, _ in group.rows for o in scorecard.observations_by_ref.get(i.ref, ())]
        self.values = ValueColumns.for_period(scorecard.period, observations)
        self.columns = self._column_plan()
        self.col = {key: index for index, (key, _) in enumerate(self.columns)}
        self._sparklines = Sparklines()
        self.last_col = len(self.columns) - 1

    def _column_plan(self) -> list[tuple[str, str]]:
        fy = self.card.period.fy
        headers = {
            "ref": "Ref", "indicator": "Performance indicator", "frequency": "Frequency",
            "polarity": "Higher / lower is better?", "outturn": f"{fy.previous().short_label} Outturn",
            "target": f"{fy.short_label} Target", "period_target": "Target for latest value",
            "variance": "% Variance from target", "status": "Performance vs target",
            "dot": "DOT", "trend": "Trend", "comparative": "Comparative performance",
            "history": "Last 2 years (red: latest)", "spc": "Signal or noise (SPC)",
        }
        plan = []
        for key in self.template.priority_columns:
            if key == "values":
                plan.extend((f"value:{i}", self.values.header(p)) for i, p in enumerate(self.values.periods))
            else:
                plan.append((key, headers[key]))
        return plan

    @property
    def with_comments(self) -> bool:
        return not self.sheet.ws.constant_memory  # see the module's docstring

    def write(self) -> None:
        card, f = self.card, self.formats
        self.sheet.merge(TITLE_ROW, 0, self.last_col, f"{self.group.title} - {card.period.long_label}", f["title"])
        self.sheet.ws.set_row(TITLE_ROW, 24)
        where_notes = ("Notes from returns are cell comments (red corner)." if self.with_comments else
                       "Explanations and notes from returns are in the All indicators sheet.")
        self.sheet.merge(SUBTITLE_ROW, 0, self.last_col,
                         f"{card.council}. Values up to {card.period.long_label}; DOT compares with "
                         f"{card.period.previous().long_label}. {where_notes}", f["subtitle"])
        self._write_header()
        row = FIRST_DATA_ROW
        for tier, outcome, rows in _blocks(self.group.rows):
            if tier is not None:
                row = self._band(row, f"Tier {tier}", f["band"])
            if outcome:
                row = self._band(row, outcome, f["outcome"])
            for indicator, score in rows:
                self._write_indicator(row, indicator, score)
                row += 1
        self._finish(row)

    def _write_header(self) -> None:
        f, sheet = self.formats, self.sheet
        row_by_row = sheet.ws.constant_memory  # a large scorecard: rows strictly top to bottom
        for index, (key, header) in enumerate(self.columns):
            if not key.startswith("value:"):
                if row_by_row:  # a merge down two rows would write the lower row first: text goes below
                    sheet.put(BAND_HEADER_ROW, index, None, f["header"])
                    continue
                sheet.ws.merge_range(BAND_HEADER_ROW, index, HEADER_ROW, index, "", f["header"])
                sheet.put(BAND_HEADER_ROW, index, header, f["header"], measure=False)
        first_value = self.col.get("value:0")
        if first_value is not None:
            for label, first, last in self.values.bands():
                sheet.merge(BAND_HEADER_ROW, first_value + first, first_value + last, label, f["header"])
        sheet.ws.set_row(BAND_HEADER_ROW, 16)  # before the next row: a large scorecard's rows are final once left
        if row_by_row:
            for index, (key, header) in enumerate(self.columns):
                if not key.startswith("value:"):
                    sheet.put(HEADER_ROW, index, header, f["header"], measure=False)
        if first_value is not None:
            for index, period in enumerate(self.values.periods):
                sheet.put(HEADER_ROW, first_value + index, self.values.header(period), f["header"], measure=False)
        sheet.ws.set_row(HEADER_ROW, 42)

    def _band(self, row: int, text: str, fmt) -> int:
        self.sheet.merge(row, 0, self.last_col, text, fmt)
        return row + 1

    def _write_indicator(self, row: int, indicator: Indicator, score: Score) -> None:
        f, put, template = self.formats, self._put, self.template
        self._cells = []  # the row's cells, written in one call at the end
        link = self.history.link(indicator.ref) if self.history is not None else None
        if link is None:
            put(row, "ref", indicator.ref, f["text_bold"])
        self.placed[indicator.ref] = (self.sheet.ws.name, row)
        put(row, "indicator", indicator.name, f["text_wrap"])
        put(row, "frequency", frequency_word(indicator), f["text"])
        put(row, "polarity", polarity_word(indicator), f["centre"])
        places = self.card.decimals.get(indicator.ref)  # one number of decimals for the whole row
        put(row, "outturn", indicator.previous_outturn, f.shown("value", places))
        put(row, "target", indicator.annual_target, f.shown("value", places))
        gap_text = self._write_values(row, indicator, score)
        put(row, "period_target", score.target,
            f.number(score.target) if places is None else f.shown("decimal", places))
        put(row, "variance", score.variance, f["rag_variance", score.rag])
        forecast = self.card.forecasts.get(indicator.ref)
        status = template.word("rag", score.rag.value)
        if forecast is not None and forecast.warning:
            status += " (forecast miss)"
        put(row, "status", status, f["rag_status", score.rag])
        comments = self.with_comments
        series = self.card.series.get(indicator.ref)
        if comments and "status" in self.col:
            self.sheet.comment(row, self.col["status"], self.card.explanations[indicator.ref])
        put(row, "spc", spc_text(template, series), f["spc", spc_key(series)])
        put(row, "history", None, f["text"])
        put(row, "dot", dot_text(template, score.dot), f["dot", score.rag])
        put(row, "trend", trend_text(template, score.trend), f["centre"])
        benchmark = self.card.data.benchmarks.get(indicator.ref)
        # The quartile is about the comparator data's year, not this period: say which, beside it.
        comparative = comparative_text(template, score.quartile, benchmark)
        if benchmark is not None and comments:
            if "comparative" in self.col:
                self.sheet.comment(row, self.col["comparative"],
                                   f"Comparator data: {benchmark.label}. The quartile is the council's position "
                                   f"in that year, not in {self.card.period.long_label}.")
        put(row, "comparative", comparative, f.quartile(score.quartile))
        if comments and score.note and "indicator" in self.col:
            self.sheet.comment(row, self.col["indicator"], _comment(score, self.card.data.returns_dir))
        height = max(self.sheet.wrapped_height(indicator.name, INDICATOR_WIDTH),
                     self.sheet.wrapped_height(comparative, _WIDTHS["comparative"]))
        if gap_text:
            height = max(height, self.sheet.wrapped_height(gap_text, len(self.values.periods) * _WIDTHS["values"]))
        self.sheet.put_cells(row, self._cells)
        if link is not None and "ref" in self.col:
            self._write_link(row, indicator.ref, link)
        self._sparkline(row, indicator.ref, series)
        if "spc" in self.col:
            height = max(height, self.sheet.wrapped_height(spc_text(template, series), _WIDTHS["spc"]))
        if "history" in self.col:
            height = max(height, SPARKLINE_HEIGHT)
        self.sheet.ws.set_row(row, height)

    def _write_link(self, row: int, ref: str, link: str) -> None:
        """The ref, linked to the indicator's row on the Indicator history sheet."""
        col = self.col["ref"]
        if self.sheet.ws.write_url(row, col, link, self.formats["link"], ref, f"{ref}: every value held"):
            self.sheet.put(row, col, ref, self.formats["text_bold"])
        self.sheet.measure(col, ref)

    def _sparkline(self, row: int, ref: str, series) -> None:
        """The last 24 months (8 quarters), drawn from the Indicator history sheet's row."""
        if self.history is None or "history" not in self.col:
            return
        cells = self.history.sparkline_range(ref)
        if cells is not None:
            self._sparklines.add(xl_rowcol_to_cell(row, self.col["history"]), cells,
                                 [p.value for p in series.recent], bool(series.current))

    def _write_values(self, row: int, indicator: Indicator, score: Score) -> str | None:
        """The period values; a gap's reason across the empty cells after the last value."""
        first = self.col.get("value:0")
        if first is None:
            return None
        f = self.formats
        cells: dict[int, float] = {}
        flags: dict[int, str] = {}
        notes: dict[int, str] = {}
        for observation in self.card.observations_by_ref.get(indicator.ref, ()):
            index = self.values.index_of(observation.period)
            if index is None:
                continue
            if observation.value is not None:
                cells[index] = observation.value
                if observation.flag in FLAG_MARKS:
                    flags[index] = observation.flag
            if observation.note and observation.note != score.gap_reason:
                notes[index] = f"{observation.period.label}: {observation.note}"
        latest = self.values.index_of(score.value_period) if score.value is not None else None
        gap_from = max(cells, default=-1) + 1 if score.rag in (Rag.GAP, Rag.NOT_DUE) else None
        count = len(self.values.periods)
        places = self.card.decimals.get(indicator.ref)
        for index in range(count if gap_from is None else gap_from):
            flag = flags.get(index)
            if index == latest:
                role = ("rag_value", score.rag, flag) if flag else ("rag_value", score.rag)
            else:
                role = ("value", flag) if flag else "value"
            fmt = f.shown(role, places)
            self._cells.append((first + index, cells.get(index), fmt, False))
            if index in notes and index != latest and self.with_comments:  # against the month it was typed for
                self.sheet.comment(row, first + index, f"Note from the return for {notes[index]}")
        if gap_from is None or gap_from >= count:
            return None
        text = status_text(self.template, score)
        self.sheet.merge(row, first + gap_from, first + count - 1, text, f["gap"])
        return text

    def _put(self, row: int, key: str, value, fmt) -> None:
        if key in self.col:
            self._cells.append((self.col[key], value, fmt, key == "ref"))

    def _finish(self, end_row: int) -> None:
        self._sparklines.write(self.sheet.ws)
        widths = {}
        for index, (key, _) in enumerate(self.columns):
            widths[index] = INDICATOR_WIDTH if key == "indicator" else _WIDTHS["values" if key.startswith("value:") else key]
        self.sheet.fit_columns(widths)
        freeze_col = self.col.get("indicator", 0) + 1
        self.sheet.print_setup(header_rows=(BAND_HEADER_ROW, HEADER_ROW), freeze=(FIRST_DATA_ROW, freeze_col),
                               footer=f"{self.card.council} - {self.card.period.long_label}")
        self.sheet.ws.print_area(0, 0, max(end_row - 1, FIRST_DATA_ROW), self.last_col)


def _comment(score: Score, returns_dir=None) -> str:
    """The return's note, and where it is: the file as the returns folder names it, not as the
    folder was typed on the command line (the scorecard is the same however it was)."""
    source = score.source
    shown = replace(source, path=file_shown(source.path, returns_dir) or None) if source and source.path else source
    where = f" ({shown})" if shown and str(shown) else ""
    return f"Note from the return{where}:\n{score.note}"


def _blocks(rows: tuple[tuple[Indicator, Score], ...]):
    """Rows grouped by tier (1 before 2, none last) then by outcome in order of first appearance."""
    tiers = sorted({i.tier for i, _ in rows}, key=lambda t: (t is None, t or 0))
    for tier in tiers:
        in_tier = [(i, s) for i, s in rows if i.tier == tier]
        outcomes = list(dict.fromkeys(i.outcome for i, _ in in_tier))
        for outcome in outcomes:
            yield tier if outcome == outcomes[0] else None, outcome, [(i, s) for i, s in in_tier if i.outcome == outcome]


def write_priority_sheets(workbook, scorecard: Scorecard, formats: Formats, taken: set[str],
                          history: HistoryLayout | None = None,
                          placed: dict[str, tuple[str, int]] | None = None) -> list[str]:
    """Add one sheet per priority; returns their names in order. With ``history``, refs link to
    the Indicator history sheet and sparklines draw from it; ``placed`` is given each ref's
    sheet and row, for the links back."""
    names = []
    for group in scorecard.groups:
        name = sheet_name(group.label, taken)
        PrioritySheet(Sheet(workbook.add_worksheet(name)), scorecard, formats, group, history, placed).write()
        names.append(name)
    return names
