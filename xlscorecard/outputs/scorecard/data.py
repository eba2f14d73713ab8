"""What the writer needs to lay out a scorecard, and the lookups every sheet shares."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ...core.ranking import Benchmark
from ...core.explain import Forecast, explain, year_end_forecast
from ...core.framework import DEFAULT_COUNCIL
from ...core.deadlines import ServiceReturn
from ...core.model import Finding, Indicator, Observation, Period, Score, SourceFile
from ...core.series import Series, all_series, explain_series
from ...core.summary import GroupSummary, headline, summarise
from ...core.words import decimals_shown, plural
from .style import Template


@dataclass(frozen=True)
class ScorecardData:
    """Everything one scorecard shows: the scored framework and where it came from.

    ``council`` is the council's name from its framework (the register); ``None`` uses a
    ``--template``'s ``[council]`` name, else "Council". ``scores`` hold one score per
    indicator for ``period``; ``observations`` are the values behind them (the priority sheets
    print the values up to the period). ``previous_headline_pct`` and ``previous_label`` give
    the headline its comparison ("This compares to 73% in Quarter 1"); both ``None`` when the
    previous period is unknown; ``previous_with_data`` is how many indicators had data then, so
    that the headline can say when the two figures are not of the same coverage (``None`` when the
    history did not keep it). ``priority_order``, ``priority_names`` and ``priority_shorts`` (sheet
    names) are the framework's priorities (keys as in ``Indicator.priority``), over any a
    ``--template`` gives; without either, the priorities follow the indicators' order. ``tolerance`` is the framework
    default, for the words of the headline and key; ``None`` uses the template's. ``returns`` is
    the returns tracker's position per service; the Returns sheet is left out when it is empty.
    ``benchmarks`` are the council's ranks in comparator tables, by ref, shown with the quartile.
    ``outside_register`` are indicators the returns gave that the register does not have, with
    their scores: listed on the Data quality sheet, never in the priority sheets or the counts.
    ``series`` are each indicator's values over time by ref (core.series, built by the pipeline
    from the returns and the history); left empty, they are built from ``observations``.
    ``returns_dir`` is the folder the returns were read from (``None``: files named by name).
    """

    period: Period
    indicators: Sequence[Indicator]
    scores: Sequence[Score]
    observations: Sequence[Observation] = ()
    findings: Sequence[Finding] = ()
    sources: Sequence[SourceFile] = ()
    council: str | None = None
    previous_headline_pct: int | None = None
    previous_label: str | None = None
    previous_with_data: int | None = None
    priority_order: Sequence[str] = ()
    priority_names: Mapping[str, str] = field(default_factory=dict)
    priority_shorts: Mapping[str, str] = field(default_factory=dict)
    tolerance: float | None = None
    returns: Sequence[ServiceReturn] = ()
    benchmarks: Mapping[str, Benchmark] = field(default_factory=dict)
    outside_register: Sequence[tuple[str, str, Score]] = ()
    series: Mapping[str, Series] = field(default_factory=dict)
    # The returns folder: a return in a subfolder of it is named by its path relative to it.
    returns_dir: str | None = None

    def __post_init__(self):
        for name in ("indicators", "scores", "observations", "findings", "sources", "priority_order", "returns",
                     "outside_register"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "priority_names", dict(self.priority_names))
        object.__setattr__(self, "priority_shorts", dict(self.priority_shorts))
        object.__setattr__(self, "benchmarks", dict(self.benchmarks))
        object.__setattr__(self, "series", dict(self.series))


@dataclass(frozen=True)
class PriorityGroup:
    """One priority's indicators with their scores, in the register's order."""

    key: str
    number: int
    name: str
    short: str | None
    rows: tuple[tuple[Indicator, Score], ...]

    @property
    def label(self) -> str:
        """A short label for charts, sheet names and lists: ``P1 Children and young people``."""
        return f"P{self.key} {self.short}" if self.short else self.title

    @property
    def title(self) -> str:
        plain = f"Priority {self.key}"
        return f"{plain} - {self.name}" if self.key.isdigit() and self.name != plain else self.name


class Scorecard:
    """The data and template together, with the lookups and figures the sheets share."""

    def __init__(self, data: ScorecardData, template: Template):
        self.data = data
        self.period = data.period
        self.council = data.council or template.council or DEFAULT_COUNCIL
        self.tolerance = data.tolerance if data.tolerance is not None else template.tolerance
        self.template = template.with_tolerance(self.tolerance)  # "Within 10%" for a run with --tolerance 10
        self.indicator = {i.ref: i for i in data.indicators}
        self.score = {s.ref: s for s in data.scores}

    @cached_property
    def groups(self) -> tuple[PriorityGroup, ...]:
        styles = {p.key: p for p in self.template.priorities}
        order = list(self.data.priority_order or styles)
        for indicator in self.data.indicators:
            key = indicator.priority or "(no priority)"
            if key not in order:
                order.append(key)
        groups = []
        for number, key in enumerate(order, start=1):
            rows = tuple((i, self.score[i.ref]) for i in self.data.indicators
                         if (i.priority or "(no priority)") == key and i.ref in self.score)
            if not rows:
                continue
            style = styles.get(key)
            plain = f"Priority {key}" if key.isdigit() else key
            name = self.data.priority_names.get(key) or (style.name if style else plain)
            short = self.data.priority_shorts.get(key) or (style.short if style else None)
            groups.append(PriorityGroup(key, number, name, short, rows))
        return tuple(groups)

    @cached_property
    def group_of(self) -> dict[str, PriorityGroup]:
        return {indicator.ref: group for group in self.groups for indicator, _ in group.rows}

    @cached_property
    def summaries(self) -> list[GroupSummary]:
        """One summary row per priority (named as on the summary sheet) and the total."""
        order = [g.key for g in self.groups]
        rows = summarise([s for g in self.groups for _, s in g.rows],
                         lambda score: self.group_of[score.ref].key, order)
        labels = {g.key: f"{g.key}. {g.name}" if g.key.isdigit() else g.name for g in self.groups}
        return [GroupSummary(labels.get(r.name, r.name), r.target, r.dot, r.trend, r.quartiles)
                for r in rows]

    @property
    def headline(self) -> str:
        return headline(self.summaries[-1].target, self.data.previous_headline_pct,
                        self.data.previous_label, self.tolerance, self.data.previous_with_data)

    @cached_property
    def explanations(self) -> dict[str, str]:
        """Each indicator's status, DOT, trend and forecast in words, with the arithmetic."""
        return {ref: explain(self.indicator[ref], score, self.tolerance) for ref, score in self.score.items()
                if ref in self.indicator}

    @cached_property
    def forecasts(self) -> dict[str, Forecast]:
        """Year-end forecasts of the cumulative indicators that have one."""
        found = {ref: year_end_forecast(self.indicator[ref], score) for ref, score in self.score.items()
                 if ref in self.indicator}
        return {ref: forecast for ref, forecast in found.items() if forecast is not None}

    @property
    def as_of(self) -> str:
        """When the newest return was saved, as the Summary says it: "Newest return saved: 12
        January 2021", naming how many returns have only a file date; the period end when no
        return is listed."""
        returns = [s for s in self.data.sources if s.role != "register"]  # the register is not a return
        if not returns:
            return f"No return listed; period end {self.period.end_date:%d %B %Y}"
        saved = [s.last_saved for s in returns if not s.only_file_date]
        file_dated = len(returns) - len(saved)
        if not saved:
            newest = max(s.last_saved for s in returns)
            return f"Newest return's file date: {newest:%d %B %Y} (no return records when it was saved)"
        # The Returns sheet, which both the print and the publish workbooks have, says which.
        only = (f" ({plural(file_dated, 'return')} with only a file date: see Returns)" if file_dated else "")
        return f"Newest return saved: {max(saved):%d %B %Y}{only}"

    @property
    def created(self) -> dt.datetime:
        """The workbook's creation time: SOURCE_DATE_EPOCH when set (reproducible builds), else
        the end of the period, never the clock, so the same records give the same bytes."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
        return dt.datetime.combine(self.period.end_date, dt.time())

    @cached_property
    def series(self) -> dict[str, Series]:
        """Each indicator's series: the pipeline's, else built from the observations given."""
        if self.data.series:
            return self.data.series
        return all_series(self.data.indicators, self.data.observations, self.period, self.score, self.tolerance)

    @cached_property
    def signal_explanations(self) -> dict[str, str]:
        """Each series' signal, or why it has none, with the arithmetic (core.series)."""
        return {ref: explain_series(series) for ref, series in self.series.items()}

    @property
    def signals(self) -> list[tuple[PriorityGroup, Indicator, Score, Series]]:
        """The indicators whose latest point is special cause, in the priority sheets' order."""
        return [(g, i, s, self.series[i.ref]) for g in self.groups for i, s in g.rows
                if i.ref in self.series and self.series[i.ref].signal]

    @cached_property
    def decimals(self) -> dict[str, int | None]:
        """Decimal places per indicator for its values and targets: the register's Decimals,
        else as its values were written (``None``: no value to go on, shown as General)."""
        return {i.ref: decimals_shown(i.decimals, [o.value for o in self.observations_by_ref.get(i.ref, ())
                                                   if o.value is not None])
                for i in self.data.indicators}

    @cached_property
    def observations_by_ref(self) -> dict[str, list[Observation]]:
        by_ref: dict[str, list[Observation]] = {}
        for observation in self.data.observations:
            by_ref.setdefault(observation.ref, []).append(observation)
        return by_ref
