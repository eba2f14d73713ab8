"""The Summary sheet: title, headline, the three summary tables, a RAG chart and the key.

The tables follow the council's reports: one row per priority and a total, each cell a share
written as the report prints it ("49% (39)"). Percentages of the target outcomes are of the
indicators with data, as in the Q2 2021/22 report; data gaps are a share of all indicators.
"""

from __future__ import annotations

from ...core.model import Rag
from ...core.summary import share
from ...core.words import plural
from .data import Scorecard
from .formats import Formats
from .sheet import Sheet, sheet_name
from .words import spc_key

NAME_WIDTH = 60
FIGURE_WIDTH = 12
LAST_COL = 9
CHART_ROWS = 18
CHARTED = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GAP)


class SummarySheet:
    def __init__(self, workbook, sheet: Sheet, scorecard: Scorecard, formats: Formats):
        self.workbook = workbook
        self.sheet = sheet
        self.card = scorecard
        self.f = formats
        self.template = scorecard.template
        self.row = 0

    def write(self) -> None:
        card, f, sheet = self.card, self.f, self.sheet
        sheet.merge(0, 0, LAST_COL, f"{card.council} - Performance Scorecard, {card.period.long_label}", f["title"])
        sheet.ws.set_row(0, 26)
        indicators = sum(len(g.rows) for g in card.groups)
        sheet.merge(1, 0, LAST_COL, f"{plural(indicators, 'indicator')} in {plural(len(card.groups), 'priority', 'priorities')}. {card.as_of}.",
                    f["subtitle"])
        sheet.merge(3, 0, LAST_COL, card.headline, f["headline"])
        sheet.ws.set_row(3, 30)
        self.row = 5
        tolerance = f"{card.tolerance:g}%"
        self._table("Performance against target",
                    ["Total PIs", "PIs with data", "On target (fully met)",
                     f"Within {tolerance} (met within {100 - card.tolerance:g}%)", "Off target (not met)",
                     "Data gaps"],
                    lambda s: [s.target.total, s.target.with_data,
                               share(s.target.on_target, s.target.with_data),
                               share(s.target.within_tolerance, s.target.with_data),
                               share(s.target.off_target, s.target.with_data),
                               share(s.target.gaps, s.target.total)],
                    {3: f["header", Rag.GREEN], 4: f["header", Rag.AMBER], 5: f["header", Rag.RED],
                     6: f["header", Rag.GAP]})
        self._note(total_pis_note(card))
        self._table("Direction of travel (since the last reported period) and trend (since a year ago)",
                    ["PIs where DOT can be determined", "DOT improved", "DOT worse", "DOT same",
                     "PIs where trend can be determined", "Trend improving", "Trend declining", "Trend same"],
                    lambda s: [s.dot.determinable, share(s.dot.improved, s.dot.determinable),
                               share(s.dot.worse, s.dot.determinable), share(s.dot.same, s.dot.determinable),
                               s.trend.determinable, share(s.trend.improved, s.trend.determinable),
                               share(s.trend.worse, s.trend.determinable), share(s.trend.same, s.trend.determinable)])
        self._table("Comparative performance (quartile in the comparator group)",
                    ["PIs with a quartile", "1st quartile", "2nd quartile", "3rd quartile", "4th quartile"],
                    lambda s: [s.quartiles.with_data,
                               *(share(n, s.quartiles.with_data) for n in s.quartiles.counts)],
                    {q + 1: f["header", "quartile", str(q)] for q in range(1, 5)})
        signals = signal_counts(card)
        self._table("Signal or noise: the latest value on each indicator's XmR chart (statistical process control)",
                    ["PIs assessed", "Improving (special cause)", "Concerning (special cause)",
                     "Special cause, no polarity", "Common cause"],
                    lambda s: signals[s.name], {2: f["spc", "improving"], 3: f["spc", "concerning"],
                                                4: f["spc", "higher"], 5: f["spc", "common"]})
        if card.groups:
            self.sheet.ws.set_h_pagebreaks([self.row])  # the chart starts a new page: tables stay whole
            self._chart()
        self._key()
        self._finish()

    def _table(self, title: str, headers: list[str], cells, coloured: dict | None = None) -> None:
        """A summary table: a row per priority and the total. ``coloured`` gives some header
        columns (1-based, after "Priority") the colour of the status they count."""
        f, sheet = self.f, self.sheet
        coloured = coloured or {}
        sheet.put(self.row, 0, title, f["heading"], measure=False)
        self.row += 1
        sheet.put(self.row, 0, "Priority", f["header_left"], measure=False)
        for col, header in enumerate(headers, start=1):
            sheet.put(self.row, col, header, coloured.get(col, f["header"]), measure=False)
        sheet.ws.set_row(self.row, 42)
        self.row += 1
        for summary in self.card.summaries:
            total = summary is self.card.summaries[-1]
            sheet.put(self.row, 0, summary.name, f["total"] if total else f["text_wrap"], measure=False)
            for col, value in enumerate(cells(summary), start=1):
                fmt = (f["total_count"] if total else f["count"]) if isinstance(value, int) else \
                      (f["total_share"] if total else f["share"])
                sheet.put(self.row, col, value, fmt, measure=False)
            if not total:
                sheet.ws.set_row(self.row, sheet.wrapped_height(summary.name, NAME_WIDTH))
            self.row += 1
        self.row += 1

    def _note(self, text: str) -> None:
        """A line of explanation under the table above (it took the blank row after it)."""
        self.sheet.merge(self.row - 1, 0, LAST_COL, text, self.f["note"])
        self.sheet.ws.set_row(self.row - 1, self.sheet.wrapped_height(text, NAME_WIDTH + LAST_COL * FIGURE_WIDTH))
        self.row += 1

    def _chart(self) -> None:
        """A stacked bar of RAG counts by priority, over a small table of the numbers it plots."""
        f, sheet, card = self.f, self.sheet, self.card
        sheet.put(self.row, 0, "Performance against target by priority (number of indicators)", f["heading"],
                  measure=False)
        chart_row = self.row + 1
        data_row = chart_row + CHART_ROWS
        sheet.put(data_row, 0, "Priority", f["header_left"], measure=False)
        for col, rag in enumerate(CHARTED, start=1):
            sheet.put(data_row, col, self.template.word("rag", rag.value), f["header"], measure=False)
        for offset, (group, summary) in enumerate(zip(card.groups, card.summaries), start=1):
            counts = summary.target
            label = group.label
            sheet.put(data_row + offset, 0, label, f["text_wrap"], measure=False)
            sheet.put_row(data_row + offset, 1, [counts.on_target, counts.within_tolerance, counts.off_target,
                                                 counts.gaps], f["count"])
            sheet.ws.set_row(data_row + offset, sheet.wrapped_height(label, NAME_WIDTH))
        first, last = data_row + 1, data_row + len(card.groups)
        chart = self.workbook.add_chart({"type": "bar", "subtype": "stacked"})
        for col, rag in enumerate(CHARTED, start=1):
            chart.add_series({
                "name": [sheet.ws.name, data_row, col],
                "categories": [sheet.ws.name, first, 0, last, 0],
                "values": [sheet.ws.name, first, col, last, col],
                "fill": {"color": f.colour("rag", rag.value)},
                "border": {"color": "#404040", "width": 0.5},
                "data_labels": {"value": True, "num_format": "0;;;", "font": {"color": f.colour("rag", rag.value, "font"), "size": 8}},
                "gap": 60,
            })
        chart.set_title({"none": True})
        chart.set_x_axis({"name": "Number of indicators", "major_gridlines": {"visible": True}})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 900, "height": CHART_ROWS * 19})
        sheet.ws.insert_chart(chart_row, 0, chart, {"x_offset": 4, "y_offset": 4, "object_position": 1})
        self.row = last + 2

    def _key(self) -> None:
        f, sheet, template = self.f, self.sheet, self.template
        sheet.put(self.row, 0, "Key", f["heading"], measure=False)
        self.row += 1
        entries = [("Performance vs target (fill of the latest value, % variance and status)", [
            (template.word("rag", rag.value), f["rag_status", rag], template.style("rag", rag.value)["key"])
            for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.NO_TARGET, Rag.GAP)])]
        entries.append(("Direction of travel (DOT): the arrow takes the colour of performance vs target", [
            (f"{template.symbol('dot', key)} {template.word('dot', key)}", f["centre"],
             template.style("dot", key)["key"]) for key in ("improved", "worse", "same", "first")]))
        entries.append(("Trend: the value now against the same period a year earlier", [
            (f"{template.symbol('trend', key)} {template.word('trend', key)}", f["centre"],
             template.style("trend", key)["key"]) for key in ("improving", "declining", "same")]))
        entries.append(("Comparative performance: quartile in the comparator group", [
            (template.word("quartile", key), f.quartile(int(key) if key.isdigit() else None),
             template.style("quartile", key)["key"]) for key in ("1", "2", "3", "4", "none")]))
        for heading, items in entries:
            sheet.put(self.row, 0, heading, f["bold"], measure=False)
            self.row += 1
            for label, fmt, meaning in items:
                sheet.put(self.row, 1, label, fmt, measure=False)
                sheet.merge(self.row, 2, LAST_COL, meaning, f["text"])
                self.row += 1
        self.row += 1

    def _finish(self) -> None:
        self.sheet.fit_columns({0: NAME_WIDTH, **{col: FIGURE_WIDTH for col in range(1, LAST_COL + 1)}})
        self.sheet.print_setup(header_rows=None, freeze=(2, 0),
                               footer=f"{self.card.council} - {self.card.period.long_label}")


def signal_counts(card: Scorecard) -> dict[str, list]:
    """Per summary row (each priority and the total): the indicators assessed, then the shares
    of them improving, concerning, special cause with no polarity and common cause."""
    kinds = (("improving",), ("concerning",), ("higher", "lower"), ("common",))
    rows = [[spc_key(card.series.get(i.ref)) for i, _ in g.rows] for g in card.groups]
    rows.append([key for keys in rows for key in keys])
    counts = {}
    for summary, keys in zip(card.summaries, rows):
        assessed = sum(1 for key in keys if key != "none")
        counts[summary.name] = [assessed, *(share(sum(1 for key in keys if key in kind), assessed) for kind in kinds)]
    return counts
def total_pis_note(card: Scorecard) -> str:
    """Why Total PIs can be fewer than the indicators the priority sheets list."""
    scores = [score for group in card.groups for _, score in group.rows]
    not_due = sum(1 for score in scores if not score.counted)
    no_target = card.summaries[-1].target.no_target
    text = ("Total PIs counts the indicators due this period that have a target: those with data (on target, "
            "within tolerance or off target) and the data gaps.")
    left_out = [part for part in (plural(not_due, "indicator") + " not due this period" if not_due else "",
                                  plural(no_target, "indicator") + " with data but no target" if no_target else "")
                if part]
    if left_out:
        text += (f" Of the {plural(len(scores), 'indicator')} listed, {' and '.join(left_out)} "
                 f"{'is' if not_due + no_target == 1 else 'are'} not counted.")
    return text


def write_summary_sheet(workbook, scorecard: Scorecard, formats: Formats, taken: set[str]) -> None:
    worksheet = workbook.add_worksheet(sheet_name("Summary", taken))
    SummarySheet(workbook, Sheet(worksheet), scorecard, formats).write()
