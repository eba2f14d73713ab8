"""The executive summary: the headline, the overview position, the three summary tables by
priority with their totals, and the comparative exceptions (strong performance, requires
improvement). Every figure is the scorecard's own (``Scorecard.summaries``)."""

from __future__ import annotations

from ...core.summary import GroupSummary, requires_improvement, share, strong_performance
from .context import ReportContext
from .tables import Look
from .words import headline_points, indicators_with_data

OVERVIEW_WIDTH_CM = 17.0  # the three small tables stay their portrait width on a landscape page
TARGET_HEADERS = ("Total PIs", "On target", "Off target", "Within {tolerance} of target", "Data gaps")


def overview_tables(report: ReportContext, summary: GroupSummary) -> None:
    """Seed 003's three small tables of one group: against target, DOT, trend (counts)."""
    target, dot, trend = summary.target, summary.dot, summary.trend
    tolerance = f"{report.card.tolerance:g}%"
    grid = report.grid([3, 2, 2, 2, 2], font_size=9, max_width_cm=OVERVIEW_WIDTH_CM)
    grid.header([h.format(tolerance=tolerance) for h in TARGET_HEADERS])
    grid.row([(str(n), Look(align="center")) for n in (target.total, target.on_target, target.off_target,
                                                       target.within_tolerance, target.gaps)])
    for heading, counts in (("Total PIs where DOT can be determined", dot),
                            ("Total PIs where Trend can be determined", trend)):
        grid.merge(grid.header([heading, "", "Improving", "Worsening", "Same"], repeat=False), 0, 1, heading,
                   grid.header_look)
        grid.merge(grid.row([(None, Look())] * 2 + [(str(n), Look(align="center"))
                                                    for n in (counts.improved, counts.worse, counts.same)]),
                   0, 1, str(counts.determinable), Look(align="center"))
    report.paragraph()


def executive_summary(report: ReportContext) -> None:
    card = report.card
    period = card.period.long_label
    total = card.summaries[-1]
    report.heading(f"Executive Summary of {period} Performance", 1)
    report.paragraph(indicators_with_data(total.target, card.period) + " Of these:")
    report.bullets(headline_points(total.target, card.period, card.tolerance, card.data.previous_headline_pct,
                                   card.data.previous_label))
    report.paragraph(f"The table below provides an overview position of all performance measures across the "
                     f"council's {len(card.groups)} priorities at {period}: performance against target, Direction "
                     "of Travel (DOT), i.e. whether performance has improved or worsened since last reported, and "
                     "Trend, i.e. whether performance has improved or worsened since the same period 12 months "
                     "ago.")
    overview_tables(report, total)
    _by_priority(report)
    _exceptions(report)


def _by_priority(report: ReportContext) -> None:
    card = report.card
    within = f"{100 - card.tolerance:g}%"
    report.heading("Performance Against Target", 2)
    report.paragraph(f"The percentage of indicators by priority where targets have been fully met or exceeded, "
                     f"that have not fully met target but are within {within} of target, and that have failed to "
                     f"meet the target by more than {card.tolerance:g}%; data gaps as a share of all indicators due.")
    _table(report, ["Priority", "Number of indicators with data", "% target fully met",
                    f"% target met within {within}", "% target not met", "Data gaps"],
           lambda s: [s.target.with_data, share(s.target.on_target, s.target.with_data),
                      share(s.target.within_tolerance, s.target.with_data),
                      share(s.target.off_target, s.target.with_data), share(s.target.gaps, s.target.total)])
    report.heading("Direction of Travel and Trend", 2)
    report.paragraph("Direction of travel compares the latest % variance from target with the previously reported "
                     "period; the trend compares the latest value with the same period 12 months earlier.")
    _table(report, ["Priority", "PIs with a DOT", "Improved", "Worse", "Same", "PIs with a trend", "Improving",
                    "Declining", "Same"],
           lambda s: [s.dot.determinable, share(s.dot.improved, s.dot.determinable),
                      share(s.dot.worse, s.dot.determinable), share(s.dot.same, s.dot.determinable),
                      s.trend.determinable, share(s.trend.improved, s.trend.determinable),
                      share(s.trend.worse, s.trend.determinable), share(s.trend.same, s.trend.determinable)],
           bands=[("Direction of travel (since the last reported period)", 1, 4),
                  ("Trend (since the same period last year)", 5, 8)])
    report.heading("Inter Authority Comparison", 2)
    report.paragraph("The council's quartile among its comparator group of similar authorities: the top 25% are in "
                     "the first quartile and the bottom 25% in the fourth.")
    _table(report, ["Priority", "Number of indicators with data", "% in 1st quartile", "% in 2nd quartile",
                    "% in 3rd quartile", "% in 4th quartile"],
           lambda s: [s.quartiles.with_data, *(share(n, s.quartiles.with_data) for n in s.quartiles.counts)])


def _table(report: ReportContext, headers: list[str], cells, bands=()) -> None:
    """A row per priority and the total, as the Summary sheet lays them out; ``bands`` are
    (label, first, last) columns grouped under a header row above."""
    grid = report.grid([4.2] + [1.6] * (len(headers) - 1))
    if bands:
        top = grid.header(headers)
        for label, first, last in bands:
            grid.merge(top, first, last, label, grid.header_look)
    bottom = grid.header(headers)
    if bands:
        grid.fill(top.cells[0].merge(bottom.cells[0]), headers[0], grid.header_look)
    for summary in report.card.summaries:
        total = summary is report.card.summaries[-1]
        grid.row([(summary.name, report.total_name if total else Look()),
                  *((str(value), report.total if total else Look(align="center")) for value in cells(summary))])
    report.paragraph()


def _exceptions(report: ReportContext) -> None:
    card = report.card
    scores = [s for g in card.groups for _, s in g.rows]
    sections = [("Strong performance",
                 "Measures where the latest comparative performance is 1st or 2nd quartile, and where direction "
                 "of travel is showing improvement or remaining the same.", strong_performance(scores)),
                ("Areas requiring improvement",
                 "Measures where the latest comparative performance is 3rd or 4th quartile, and where direction "
                 "of travel is not showing improvement.", requires_improvement(scores))]
    for heading, words, chosen in sections:
        report.heading(heading, 2)
        report.paragraph(words)
        if not chosen:
            report.paragraph("None this period.", italic=True)
            continue
        grid = report.grid([3.4, 1.5, 4.6, 2.2, 1.7, 2.4])
        grid.header(["Priority", "Ref", "Performance indicator", "Performance vs target", "DOT",
                     "Comparative performance"])
        for n, score in enumerate(chosen):
            group = card.group_of[score.ref]
            first = n == 0 or card.group_of[chosen[n - 1].ref] is not group
            grid.row([(group.name if first else None, Look(bold=True)), (score.ref, Look(bold=True)),
                      (card.indicator[score.ref].name, Look()), *report.status_cells(score)])
        report.paragraph()
