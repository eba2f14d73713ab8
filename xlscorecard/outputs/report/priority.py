"""One priority's part of the report: its Performance Indicator Summary table, the overview of
its performance, and the officers' commentary under "What is performing well" and "What
requires improvement and what is being done about it" (as the scorecard's Commentary sheet)."""

from __future__ import annotations

from ...core.model import Indicator, Rag, Score
from ...core.summary import GroupSummary
from ..scorecard.data import PriorityGroup
from ..scorecard.formats import FLAG_MARKS
from ..scorecard.priority_sheets import ValueColumns, _blocks  # the scorecard's columns and tier blocks
from ..scorecard.tables import commentary_tables
from ..scorecard.words import polarity_word, status_text
from .context import ReportContext
from .summary import overview_tables
from .tables import Grid, Look
from .words import due_sentence, number, variance

# The report's table prints what the seed's does, in the template's order (a column the
# template leaves out stays out); relative widths.
COLUMN_WIDTHS = {"ref": 1.5, "indicator": 3.7, "polarity": 1.2, "outturn": 1.45, "target": 1.45,
                 "variance": 1.5, "status": 2.2, "dot": 1.5, "trend": 1.6, "comparative": 2.2}
VALUE_WIDTH = 1.25
NO_COMMENTARY = "The returns gave no commentary under this heading for this priority."


def priority_section(report: ReportContext, group: PriorityGroup, summary: GroupSummary) -> None:
    card = report.card
    report.new_page_section(landscape=True)
    report.heading(group.title, 1)
    report.heading("Performance Indicator Summary", 2)
    report.paragraph(f"{group.name} - {card.period.fy.label}", bold=True)
    IndicatorTable(report, group).write()
    report.paragraph("NB - The 'Trend' column compares performance in the current period to performance in the "
                     "same period in the previous year.", italic=True, size=8)
    _overview(report, group, summary)
    _commentary(report, group)


def _overview(report: ReportContext, group: PriorityGroup, summary: GroupSummary) -> None:
    report.heading("Overview of Priority Performance", 2)
    sentence = due_sentence(summary.target, report.card.period)
    gaps = [(i, s) for i, s in group.rows if s.rag is Rag.GAP]
    if gaps:
        sentence += (f" Data cannot currently be provided for {len(gaps)} of the measures: "
                     + "; ".join(f"{i.ref} ({s.gap_reason or 'no value'})" for i, s in gaps) + ".")
    report.paragraph(sentence)
    overview_tables(report, summary)


def _commentary(report: ReportContext, group: PriorityGroup) -> None:
    card = report.card
    for heading, questions, chosen in commentary_tables(group):
        report.heading(heading, 2)
        if not chosen:
            report.paragraph(NO_COMMENTARY, italic=True)
            continue
        grid = report.grid([1.4, 4] + [6.5] * len(questions), font_size=8)
        grid.header(["Ref", "Indicator description", *questions])
        for score, said in chosen:
            grid.row([(score.ref, Look(bold=True)), (card.indicator[score.ref].name, Look()),
                      *((said.get(q), Look()) for q in questions)], keep_together=False)
        report.paragraph()


class IndicatorTable:
    """The priority's indicators under a two-row header (``Q1`` over ``April May June``), in
    tier blocks; the latest value, % variance and status carry the RAG fill and the status its
    word; a data gap's reason spans the value cells it leaves empty."""

    def __init__(self, report: ReportContext, group: PriorityGroup):
        self.report = report
        self.card = report.card
        self.group = group
        observations = [o for i, _ in group.rows for o in self.card.observations_by_ref.get(i.ref, ())]
        self.values = ValueColumns.for_period(self.card.period, observations)
        keys = [k for k in self.card.template.priority_columns if k in COLUMN_WIDTHS or k == "values"]
        self.columns: list[str] = []
        for key in keys:
            self.columns += [f"value:{n}" for n in range(len(self.values.periods))] if key == "values" else [key]

    def write(self) -> None:
        widths = [VALUE_WIDTH if c.startswith("value:") else COLUMN_WIDTHS[c] for c in self.columns]
        grid = self.report.grid(widths, font_size=7)
        self._header(grid)
        for tier, outcome, rows in _blocks(self.group.rows):
            if tier is not None:
                grid.band(f"Tier {tier}", self.report.band)
            if outcome:
                grid.band(outcome, Look(fill=self.report.band.fill, italic=True))
            for indicator, score in rows:
                self._row(grid, indicator, score)

    def _header(self, grid: Grid) -> None:
        fy = self.card.period.fy
        names = {"ref": "Ref", "indicator": "Performance Indicator", "polarity": "Higher / Lower is better?",
                 "outturn": f"{fy.previous().short_label} Outturn", "target": f"{fy.short_label} Target",
                 "variance": "% Variance from Target", "status": "Performance vs target", "dot": "DOT",
                 "trend": "Trend", "comparative": "Comparative Performance"}
        months = [self.values.header(p) for p in self.values.periods]
        top = grid.header([names.get(c, "") for c in self.columns])
        bottom = grid.header([months[int(c[6:])] if c.startswith("value:") else "" for c in self.columns])
        first_value = next((n for n, c in enumerate(self.columns) if c.startswith("value:")), None)
        for n, column in enumerate(self.columns):
            if not column.startswith("value:"):
                grid.fill(top.cells[n].merge(bottom.cells[n]), names[column], grid.header_look)
        if first_value is not None:
            for label, first, last in self.values.bands():
                grid.merge(top, first_value + first, first_value + last, label, grid.header_look)

    def _row(self, grid: Grid, indicator: Indicator, score: Score) -> None:
        report = self.report
        values, gap_from = self._values(indicator, score)
        cells = {"ref": (indicator.ref, Look(bold=True)), "indicator": (indicator.name, Look()),
                 "polarity": (polarity_word(indicator), Look(align="center")),
                 "outturn": (number(indicator.previous_outturn), Look(align="right")),
                 "target": (number(indicator.annual_target), Look(align="right")),
                 "variance": (variance(score.variance), report.rag_look(score.rag, "right")),
                 "trend": (report.trend(score), Look(align="center"))}
        status, dot, comparative = report.status_cells(score)
        cells.update(status=status, dot=dot, comparative=comparative)
        row = grid.row([values[int(c[6:])] if c.startswith("value:") else cells[c] for c in self.columns])
        if gap_from is not None:
            offset = next(n for n, c in enumerate(self.columns) if c.startswith("value:"))
            last = offset + len(self.values.periods) - 1
            gap = Look(fill=self.card.template.style("rag", "gap")["fill"], italic=True, align="center")
            grid.merge(row, offset + gap_from, last, status_text(self.card.template, score), gap)

    def _values(self, indicator: Indicator, score: Score) -> tuple[list[tuple[str, Look]], int | None]:
        """Each value column's text and look, and where a gap's reason starts (``None``: no gap text)."""
        shown: dict[int, str] = {}
        for observation in self.card.observations_by_ref.get(indicator.ref, ()):
            index = self.values.index_of(observation.period)
            if index is not None and observation.value is not None:
                mark = FLAG_MARKS.get(observation.flag)
                shown[index] = number(observation.value) + (f" ({mark})" if mark else "")
        latest = self.values.index_of(score.value_period) if score.value is not None else None
        cells = [(shown.get(n, "-"), self.report.rag_look(score.rag, "right") if n == latest else Look(align="right"))
                 for n in range(len(self.values.periods))]
        gap_from = max(shown, default=-1) + 1 if score.rag in (Rag.GAP, Rag.NOT_DUE) else None
        return cells, gap_from if gap_from is not None and gap_from < len(cells) else None
