"""What the publish workbook's tables hold, taken from the print scorecard's own objects.

Every figure comes from :class:`~xlscorecard.outputs.scorecard.data.Scorecard` (its priority
groups, summaries, explanations and forecasts) and the core's summary functions, so the
published workbook and the scorecard can never disagree. Notes are numbered "[note 1]" in the
order the sheets first refer to them.
"""

from __future__ import annotations

from dataclasses import replace

from ...core.checks import caveat_line, return_caveats
from ...core.model import COMMENTARY_HEADINGS, Rag, file_shown
from ...core.summary import percent, requires_improvement, strong_performance
from ..scorecard.data import Scorecard
from ..scorecard.priority_sheets import ValueColumns
from ..scorecard.sheet import sheet_name
from ..scorecard.tables import COMMENTARY_TABLES, RECORD_FIELDS, utc_naive
from ..scorecard.words import quartile_word, rag_word
from .layout import (NOT_APPLICABLE, NOT_AVAILABLE, ONE_TABLE, SHORTHAND_STATEMENT, Column, Missing, Status,
                     TableSheet, long_date)
from .notes import Notes

_FIELDS = {name: (kind, get) for name, kind, get in RECORD_FIELDS}


def _word(card: Scorecard, table: str, key: str) -> str:
    return card.template.word(table, key)


class PublishContent:
    """The table sheets of one scorecard, in workbook order, and the notes they refer to."""

    def __init__(self, card: Scorecard, taken: set[str]):
        self.card = card
        self.taken = taken
        self.notes = Notes(card)
        self.in_period = card.period.long_label

    def sheets(self) -> list[TableSheet]:
        card = self.card
        built = [self.target_summary(), self.direction_summary(), self.comparative_summary(), self.indicators(),
                 self.exceptions(), self.commentary()]
        if card.data.returns:
            built.append(self.returns())
        built.append(self.data_quality())
        if card.data.outside_register:
            built.append(self.outside_register())
        return [sheet for sheet in built if sheet is not None]

    def _sheet(self, name: str, table_name: str, title: str, about: str, statements, columns, rows) -> TableSheet:
        sheet = TableSheet(sheet_name(name, self.taken), table_name, title, about, (ONE_TABLE, *statements),
                           columns, rows)
        if sheet.uses_shorthand():
            sheet = replace(sheet, statements=(*sheet.statements, SHORTHAND_STATEMENT))
        return sheet

    # -- the three summary tables ------------------------------------------------------------

    @staticmethod
    def _shares(base: tuple[str, int] | None, parts, of: int) -> tuple[list[Column], list]:
        """Columns and cells for the ``base`` count (when given) then, for each (header, count)
        of ``parts``, the count and its whole-number percentage of ``of``."""
        headers, values = ([Column(base[0], "count")], [base[1]]) if base else ([], [])
        for header, count in parts:
            headers += [Column(header, "count"), Column(f"{header} (%)", "percent", NOT_APPLICABLE)]
            values += [count, percent(count, of) if of else Missing(NOT_APPLICABLE)]
        return headers, values

    def _summary_sheet(self, name, table_name, title, about, statements, cells) -> TableSheet:
        columns, rows = [Column("Priority", width=50)], []
        for summary in self.card.summaries:
            headers, values = cells(summary)
            if len(columns) == 1:
                columns += headers
            rows.append([summary.name, *values])
        return self._sheet(name, table_name, title, about, statements, columns, rows)

    def target_summary(self) -> TableSheet:
        card, n = self.card, self.notes
        words = {rag: rag_word(card.template, rag) for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GAP, Rag.NO_TARGET)}

        def cells(s):
            t = s.target
            headers, values = self._shares(("Indicators", t.total), [], 0)
            more_headers, more = self._shares(("Indicators with data", t.with_data), [
                (words[Rag.GREEN], t.on_target), (words[Rag.AMBER], t.within_tolerance),
                (words[Rag.RED], t.off_target)], t.with_data)
            gap_headers, gaps = self._shares(None, [(words[Rag.GAP], t.gaps)], t.total)  # of all indicators
            return [*headers, *more_headers, *gap_headers, Column(words[Rag.NO_TARGET], "count")], \
                [*values, *more, *gaps, t.no_target]

        return self._summary_sheet(
            "Target summary", "Performance_against_target",
            f"Performance against target by priority, {self.in_period}",
            "the number and percentage of indicators on target, within tolerance, off target and with data gaps",
            [f"One row per priority, and the total of all priorities in the last row {n.mark('status')}.",
             f"Percentages of {words[Rag.GREEN]}, {words[Rag.AMBER]} and {words[Rag.RED]} are of the indicators with "
             f"data; the percentage of {words[Rag.GAP].lower()}s is of all indicators {n.mark('percentages')}.",
             card.headline], cells)

    def direction_summary(self) -> TableSheet:
        card, n = self.card, self.notes

        def cells(s):
            dot_headers, dots = self._shares(
                ("Indicators where direction of travel can be determined", s.dot.determinable),
                [("Direction of travel better", s.dot.improved), ("Direction of travel worse", s.dot.worse),
                 ("Direction of travel same", s.dot.same)], s.dot.determinable)
            trend_headers, trends = self._shares(
                ("Indicators where trend can be determined", s.trend.determinable),
                [("Trend improving", s.trend.improved), ("Trend declining", s.trend.worse),
                 ("Trend same", s.trend.same)], s.trend.determinable)
            return dot_headers + trend_headers, dots + trends

        return self._summary_sheet(
            "Direction summary", "Direction_of_travel_and_trend",
            f"Direction of travel and trend by priority, {self.in_period}",
            "how many indicators improved or worsened since the last period and since a year earlier",
            ["One row per priority, and the total of all priorities in the last row.",
             f"Direction of travel compares the latest value with {card.period.previous().long_label}; "
             f"trend compares it with the same period a year earlier {n.mark('direction')}.",
             f"Percentages are of the indicators where each can be determined {n.mark('percentages')}."], cells)

    def comparative_summary(self) -> TableSheet:
        n = self.notes

        def cells(s):
            return self._shares(("Indicators with a quartile", s.quartiles.with_data),
                                [(quartile_word(self.card.template, number), count)
                                 for number, count in enumerate(s.quartiles.counts, start=1)], s.quartiles.with_data)

        return self._summary_sheet(
            "Comparative summary", "Comparative_performance",
            f"Comparative performance by priority, {self.in_period}",
            "how many indicators are in each quartile of their comparator group",
            ["One row per priority, and the total of all priorities in the last row.",
             f"The quartile is the council's place in its comparator group {n.mark('quartile')}.",
             f"Percentages are of the indicators with a quartile {n.mark('percentages')}."], cells)

    # -- one row per indicator ---------------------------------------------------------------

    def indicators(self) -> TableSheet:
        card, n = self.card, self.notes
        values = ValueColumns.for_period(card.period, card.data.observations)
        fy = card.period.fy
        renamed = {"Previous outturn": f"{fy.previous().label} outturn", "Annual target": f"{fy.label} target",
                   "Target for value": "Target for the latest value", "Variance %": "Variance from target (%)",
                   "Quartile": "Comparator quartile (1 is best)", "Previous value": "Value in the previous period",
                   "Previous variance %": "Variance in the previous period (%)"}
        before = ("Ref", "Indicator", "Priority", "Priority name", "Tier", "Outcome", "Frequency", "Polarity", "Unit",
                  "Previous outturn", "Annual target")
        after = ("Reporting period", "Latest value", "Value period", "Target for value", "Variance %", "Status",
                 "DOT", "Trend", "Quartile", "Comparator rank", "Comparator group", "Comparator data year",
                 "Previous value", "Previous variance %", "Value a year earlier", "Year-end forecast", "Forecast",
                 "Gap reason", "Note", "Explanation")
        gap_dependent = {"Latest value", "Value period", "Target for value", "Variance %"}
        not_known = {"Quartile", "DOT", "Trend", "Previous value", "Previous variance %", "Value a year earlier"}
        headers = {"DOT": "Direction of travel"}

        always = {"Ref", "Indicator", "Priority", "Priority name", "Frequency", "Polarity", "Annual target",
                  "Reporting period", "Latest value", "Value period", "Target for value", "Variance %", "Status",
                  "DOT", "Trend", "Quartile"}

        widths = {"Indicator": 40, "Priority name": 30, "Outcome": 30, "Gap reason": 36, "Note": 40, "Explanation": 70}

        def column(name: str) -> Column:
            kind = _FIELDS[name][0]
            return Column(renamed.get(name, headers.get(name, name)), "status" if name == "Status" else kind,
                          NOT_AVAILABLE if name in not_known else NOT_APPLICABLE, widths.get(name),
                          optional=name not in always)

        columns = [*map(column, before), *(Column(f"Value {values.header(p)} {p.label[-4:]}"
                                                  if values.monthly else f"Value {p.label}", "value", NOT_APPLICABLE)
                                           for p in values.periods),
                   *map(column, after[:3]), Column("Value marked as", optional=True), *map(column, after[3:])]
        rows = []
        for group in card.groups:
            for indicator, score in group.rows:
                gap = Missing(NOT_AVAILABLE if score.rag is Rag.GAP else NOT_APPLICABLE)

                def field(name):
                    if name == "Status":
                        return Status(rag_word(card.template, score.rag), score.rag)
                    if name in ("DOT", "Trend"):  # the word only: no arrows or symbols
                        return _word(card, name.lower(), getattr(score, name.lower()).value) or None
                    got = _FIELDS[name][1](card, group, indicator, score)
                    return gap if got is None and name in gap_dependent else got

                by_period = {}
                for observation in card.observations_by_ref.get(indicator.ref, ()):
                    index = values.index_of(observation.period)
                    if index is not None and observation.value is not None:
                        by_period[index] = observation.value
                period_values = [by_period.get(index, Missing(NOT_AVAILABLE if indicator.frequency.is_due(p)
                                                               else NOT_APPLICABLE))
                                 for index, p in enumerate(values.periods)]
                flag = score.flag if score.value is not None else None
                rows.append([*map(field, before), *period_values, *map(field, after[:3]), flag,
                             *map(field, after[3:])])
        statements = [f"One row per indicator, in the order of the register, by priority {n.mark('status')}.",
                      f"Variance from target is positive when the target was beaten {n.mark('variance')}.",
                      f"The latest value is the latest reported up to {long_date(card.period.end_date)} "
                      f"{n.mark('latest')}.",
                      f"Direction of travel and trend are explained in {n.mark('direction')}; the quartile in "
                      f"{n.mark('quartile')}."]
        if card.forecasts:
            statements.append(f"The year-end forecast is for cumulative indicators only {n.mark('forecast')}.")
        return self._sheet("Indicators", "All_indicators", f"All indicators, {self.in_period}",
                           "every indicator with its values, target, variance, status, direction of travel and trend",
                           statements, columns, rows)

    # -- exceptions and commentary -----------------------------------------------------------

    def exceptions(self) -> TableSheet:
        card, n = self.card, self.notes
        scores = [s for g in card.groups for _, s in g.rows]
        lists = [("Strong performance", strong_performance(scores)),
                 ("Requires improvement", requires_improvement(scores)),
                 (f"{rag_word(card.template, Rag.RED)}", [s for s in scores if s.rag is Rag.RED])]
        columns = [Column("Exception list", width=24), Column("Priority", width=30), Column("Ref"),
                   Column("Indicator", width=45), Column("Status", "status"),
                   Column("Direction of travel", missing=NOT_AVAILABLE), Column("Comparator quartile", missing=NOT_AVAILABLE),
                   Column("Comparator data", missing=NOT_AVAILABLE, optional=True),
                   Column("Note from the return", optional=True)]
        rows = []
        for heading, chosen in lists:
            for score in chosen:
                benchmark = card.data.benchmarks.get(score.ref)
                where = ", ".join(p for p in (benchmark.group, benchmark.year) if p) if benchmark else None
                rows.append([heading, card.group_of[score.ref].title, score.ref, card.indicator[score.ref].name,
                             Status(rag_word(card.template, score.rag), score.rag),
                             _word(card, "dot", score.dot.value) or None,
                             quartile_word(card.template, score.quartile) if score.quartile else None, where,
                             score.note or score.gap_reason])
        return self._sheet(
            "Exceptions", "Exceptions", f"Exceptions, {self.in_period}",
            "the indicators performing strongly, those requiring improvement and those off target",
            ["One row per indicator in each exception list; an indicator can be in more than one list.",
             f"Strong performance: 1st or 2nd quartile, and direction of travel better or the same "
             f"{n.mark('quartile')}.",
             "Requires improvement: 3rd or 4th quartile, and direction of travel not better.",
             f"{rag_word(card.template, Rag.RED)}: target missed by more than {card.tolerance:g}% {n.mark('status')}."],
            columns, rows)

    def commentary(self) -> TableSheet | None:
        card = self.card
        rows = []
        for group in card.groups:
            for heading, fields in COMMENTARY_TABLES:
                for _, score in group.rows:
                    said = dict(score.commentary)
                    for question in (COMMENTARY_HEADINGS[f] for f in fields):
                        if question in said:
                            rows.append([group.title, heading, score.ref, card.indicator[score.ref].name, question,
                                         said[question]])
        if not rows:
            return None
        columns = [Column("Priority", width=30), Column("Section", width=30), Column("Ref"),
                   Column("Indicator", width=40), Column("Question", width=30), Column("Answer from the service", width=60)]
        return self._sheet("Commentary", "Commentary", f"Commentary from the services, {self.in_period}",
                           "what the services say about their indicators, as they wrote it",
                           ["One row per answer a service gave in its return, as it wrote it."], columns, rows)

    # -- returns and data quality ------------------------------------------------------------

    def returns(self) -> TableSheet:
        tracked = self.card.data.returns
        status = {True: ("On time", Rag.GREEN), False: ("Late", Rag.RED), None: ("Not received", Rag.RED)}
        columns = [Column("Service", width=26), Column("Data owner", width=26), Column("Indicators due", width=40),
                   Column("Return received", width=36, missing=NOT_AVAILABLE),
                   Column("Saved (UTC)", "datetime", NOT_AVAILABLE), Column("Deadline", "date"),
                   Column("On time", "status"), Column("Still without a value", width=30)]
        rows = [[s.service, ", ".join(s.data_owners), ", ".join(s.due), ", ".join(file_shown(f, self.card.data.returns_dir) for f in s.files),
                 utc_naive(s.received) if s.received else None, s.deadline, Status(*status[s.on_time]),
                 ", ".join(s.missing)] for s in tracked]
        return self._sheet(
            "Returns", "Returns", f"Returns from the services, {self.in_period}",
            "for each service, the indicators due, the return received, when it was saved and whether it was on time",
            [f"One row per service. Returns were due by {long_date(tracked[0].deadline)}, counting working days after "
             "the period ended (bank holidays excluded).", f"Saved is when each return was last saved {self.notes.mark('saved')}."],
            columns, rows)

    def data_quality(self) -> TableSheet:
        card = self.card
        findings = sorted(card.data.findings, key=lambda finding: finding.sort_key())
        caveats = [caveat_line(path, kinds, card.data.returns_dir) for path, kinds in return_caveats(card.data.findings)]
        columns = [Column("Severity"), Column("File", width=36), Column("Sheet"), Column("Cell"), Column("Ref"),
                   Column("What was found", width=50), Column("What xlscorecard did", width=36), Column("Cells", "count")]
        # The file's name (in a subfolder: its path relative to the returns folder), not its full
        # path: the path is the council's own drive, not for the website.
        rows = [[f.severity.label.capitalize(), file_shown(f.source.path, card.data.returns_dir) or None, f.source.sheet, f.source.cell, f.ref, f.message, f.action,
                 f.count] for f in findings]
        statements = [f"One row per problem found while reading the returns, worst first: {len(findings)} in all."]
        if caveats:
            statements += ["Returns read with caveats:", *caveats]
        return self._sheet("Data quality", "Data_quality", f"Data quality of the returns, {self.in_period}",
                           "every problem found while reading the returns, naming the file, sheet and cell",
                           statements, columns, rows)

    def outside_register(self) -> TableSheet:
        card = self.card
        columns = [Column("Ref"), Column("Indicator", width=40), Column("Period"), Column("Value", "value", NOT_AVAILABLE),
                   Column("Target", "value"), Column("Status", "status"), Column("Why", width=36, optional=True),
                   Column("Return and cell", width=36)]
        rows = [[ref, name, s.value_period.label if s.value_period else s.period.label, s.value, s.target,
                 Status(rag_word(card.template, s.rag), s.rag), s.gap_reason, str(s.source) if s.source else None]
                for ref, name, s in card.data.outside_register]
        return self._sheet("Not in the register", "Not_in_the_register",
                           f"Indicators not in the register, {self.in_period}",
                           "indicators the returns gave that the register does not have",
                           [f"One row per indicator a return gave that the register does not have "
                            f"{self.notes.mark('outside')}."], columns, rows)

