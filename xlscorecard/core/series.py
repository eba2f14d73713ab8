"""Each indicator's values over time, from the returns and the history together.

A scorecard is a snapshot; the series behind it is what lets a manager see whether a red is a
blip or a decline. :func:`indicator_series` gathers one indicator's values up to the reporting
period, one per period at the indicator's frequency, oldest first, each with the target and RAG
it had for its own period, and assesses the series by statistical process control
(:mod:`xlscorecard.core.spc`) where an XmR chart means something.

Pure functions over model types: the pipeline builds the series once (pipeline.py), the
scorecard draws them (sparklines, the Indicator history sheet, the signals) and ``xlscorecard
explain`` explains the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .model import Frequency, Indicator, Observation, Period, PeriodKind, Polarity, Rag, Score, TargetProfile
from .scoring import DEFAULT_TOLERANCE, period_target, rag

from . import spc

# How many of the latest points a sparkline shows: two years of a monthly or quarterly indicator.
WINDOW = {Frequency.MONTHLY: 24, Frequency.QUARTERLY: 8, Frequency.ANNUAL: 8}
UNIT = {Frequency.MONTHLY: "months", Frequency.QUARTERLY: "quarters", Frequency.ANNUAL: "years"}
YEAR_TO_DATE = ("its values are year to date (they build up over the year and start again each April), "
                "and an XmR chart needs one value per period")


@dataclass(frozen=True)
class Point:
    """One value of a series: its period, the target for that period and the RAG it had.

    A value of an earlier framework year is coloured only against a target held for it (the
    return's period target, kept in the history): this year's register does not know last
    year's targets, so without one its RAG is ``NO_TARGET``.
    """

    period: Period
    value: float
    target: float | None
    rag: Rag
    flag: str | None = None


@dataclass(frozen=True)
class Series:
    """One indicator's values up to the reporting period, oldest first.

    ``window`` is how many of the latest points the sparkline shows (:data:`WINDOW`).
    ``current`` says whether the last point is the value scored for the reporting period (a
    data gap now has none). ``spc`` is the statistical process control result for all the
    points (``None`` when not assessed); ``spc_note`` says why it was not.
    """

    ref: str
    points: tuple[Point, ...]
    window: int
    current: bool
    spc: spc.SpcResult | None = None
    spc_note: str | None = None
    unit: str = "periods"

    @property
    def recent(self) -> tuple[Point, ...]:
        """The points the sparkline shows."""
        return self.points[-self.window:]

    @property
    def signal(self) -> bool:
        """Whether the latest point is special cause (more than noise), in either direction."""
        return self.spc is not None and self.current and self.spc.is_signal()


def _at_frequency(indicator: Indicator, period: Period) -> bool:
    """Whether a value for ``period`` is one of the indicator's own periods: a quarterly
    indicator's value at a quarter end (the quarter, or its last month), an annual one's at the
    year end; a monthly indicator's months."""
    if indicator.frequency is Frequency.MONTHLY:
        return period.kind is PeriodKind.MONTH
    if indicator.frequency is Frequency.QUARTERLY:
        return period.kind is not PeriodKind.YEAR and period.last_fy_month % 3 == 0
    return period.last_fy_month == 12


def indicator_series(indicator: Indicator, observations: Iterable[Observation], period: Period,
                     score: Score | None = None, tolerance: float = DEFAULT_TOLERANCE) -> Series:
    """The series of ``indicator`` up to the end of ``period`` from every observation held.

    One point per period end: where a month and its quarter are both held, the longer period
    (the quarter) is the point, as a quarterly return states it. The RAG of a point of the
    reporting period's framework year uses the target the scoring would (SPEC rule 1); an
    earlier year's uses only a target held for that period.
    """
    year = indicator.framework_year or period.fy
    tol = indicator.tolerance if indicator.tolerance is not None else tolerance
    chosen: dict = {}
    for o in observations:
        if (o.ref != indicator.ref or o.value is None or not o.period.ends_no_later_than(period)
                or not _at_frequency(indicator, o.period)):
            continue
        held = chosen.get(o.period.end_date)
        if held is None or o.period.kind.months > held.period.kind.months:
            chosen[o.period.end_date] = o
    points = []
    for end in sorted(chosen):
        o = chosen[end]
        target = period_target(indicator, o.period, o.period_target) if o.period.fy == year else o.period_target
        points.append(Point(o.period, o.value, target, rag(o.value, target, indicator.polarity, tol), o.flag))
    current = bool(points) and score is not None and score.value_period is not None \
        and points[-1].period.end_date == score.value_period.end_date
    result = Series(indicator.ref, tuple(points), WINDOW[indicator.frequency], current,
                    unit=UNIT[indicator.frequency])
    return _assessed(result, indicator, score)


def looks_year_to_date(indicator: Indicator, points: Sequence[Point]) -> bool:
    """Whether the values are year to date: the register says cumulative, or the values never
    fall within a financial year and fall back at each new year the series crosses."""
    if indicator.profile is TargetProfile.CUMULATIVE:
        return True
    by_year: dict = {}
    for point in points:
        by_year.setdefault(point.period.fy, []).append(point.value)
    years = [by_year[fy] for fy in sorted(by_year)]
    if len(years) < 2 or not any(len(values) >= 3 for values in years):
        return False
    rising = all(a <= b for values in years for a, b in zip(values, values[1:]))
    restarting = all(after[0] < before[-1] for before, after in zip(years, years[1:]))
    return rising and restarting


def _assessed(series: Series, indicator: Indicator, score: Score | None) -> Series:
    if not series.points:
        return series
    if looks_year_to_date(indicator, series.points):
        return replace(series, spc_note=YEAR_TO_DATE)
    higher = {Polarity.HIGHER: True, Polarity.LOWER: False}.get(indicator.polarity)
    target = score.target if score is not None else None
    result = spc.assess([p.value for p in series.points], higher_is_better=higher, target=target)
    note = None if result is not None else (f"{len(series.points)} value{'s' * (len(series.points) != 1)} held; "
                                            f"a signal needs at least {spc.MINIMUM_POINTS}")
    return replace(series, spc=result, spc_note=note)


def explain_series(series: Series) -> str:
    """The signal in words with its arithmetic, for ``xlscorecard explain`` and the scorecard's
    comments; or why there is none."""
    if series.spc is None:
        if series.spc_note:
            return f"No signal is assessed: {series.spc_note}."
        return "No signal is assessed."
    values = [p.value for p in series.points]
    labels = [p.period.long_label for p in series.points]
    text = spc.explain_spc(series.spc, values, labels, unit=series.unit)
    if not series.current:
        text += " (There is no value for the reporting period: the verdict is about the latest value held.)"
    return text


def all_series(indicators: Iterable[Indicator], observations: Iterable[Observation], period: Period,
               scores: Mapping[str, Score] | Sequence[Score] = (), tolerance: float = DEFAULT_TOLERANCE
               ) -> dict[str, Series]:
    """:func:`indicator_series` of every indicator, by ref, with one pass over the observations."""
    by_score = scores if isinstance(scores, Mapping) else {s.ref: s for s in scores}
    by_ref: dict[str, list[Observation]] = {}
    for o in observations:
        by_ref.setdefault(o.ref, []).append(o)
    return {i.ref: indicator_series(i, by_ref.get(i.ref, ()), period, by_score.get(i.ref), tolerance)
            for i in indicators}
