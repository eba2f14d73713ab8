"""The scoring core: pure functions from indicator records to RAG, DOT, trend and quartile.

Each function implements one of SPEC.md's scoring rules and can be read and tested alone;
nothing here touches a file, openpyxl or pandas. The figures they produce are checked against
the council's published Q3 2020/21 and Q2 2021/22 tables in ``tests/``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..errors import ScoringInputError
from .model import Dot, Indicator, Observation, Period, Polarity, Rag, Score, TargetProfile, Trend

DEFAULT_TOLERANCE = 5.0
"""Percentage points below target that still count as amber ("met within 95% of target")."""

# Float noise (96.3 − 96 is not exactly 0.3) must not move a value across a RAG boundary that
# the unrounded arithmetic sits on: 1e-9 percentage points is far below any printed precision.
_EPSILON = 1e-9


def _finite(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScoringInputError(name, value)
    return float(value)


def period_target(indicator: Indicator, period: Period, explicit: float | None = None) -> float | None:
    """The target for ``period`` (SPEC rule 1): an explicit period target from the return wins,
    then one the framework set for that period, else the profile of the annual target.

    >>> ind = Indicator("CYP-41", "Referrals", "lower", profile="cumulative", annual_target=600)
    >>> period_target(ind, Period.month(2020, 12))
    450.0
    >>> sc01 = Indicator("SC-01", "First-time entrants", "lower", profile="per-period", annual_target=174)
    >>> period_target(sc01, Period.quarter(2021, 2))
    43.5
    """
    explicit = _finite("period target", explicit)
    if explicit is not None:
        return explicit
    framework = indicator.target_set_for(period)
    if framework is not None:
        return framework
    annual = _finite("annual target", indicator.annual_target)
    if annual is None:
        return None
    if indicator.profile is TargetProfile.CUMULATIVE:
        return annual * period.months_elapsed / 12
    if indicator.profile is TargetProfile.PER_PERIOD:
        return annual * period.kind.months / 12
    return annual


def variance(actual: float, target: float | None, polarity: Polarity) -> float | None:
    """% variance from target (SPEC rule 2); positive is always good.

    Higher is better: ``(actual − target) / |target| × 100``; lower is better:
    ``(target − actual) / |target| × 100``. Dividing by the size of the target keeps the sign
    meaning "good" for a negative target (a net reduction, say). A zero target has no percentage
    variance: the result is ``None`` and :func:`rag` decides from whether the target is met; so
    does a target so close to zero that the percentage would overflow.

    >>> round(variance(459.4, 485, Polarity.LOWER), 2)
    5.28
    >>> variance(3, 0, Polarity.LOWER) is None
    True
    """
    actual = _finite("actual", actual)
    target = _finite("target", target)
    if actual is None or target is None or target == 0:
        return None
    difference = actual - target if polarity is Polarity.HIGHER else target - actual
    result = difference / abs(target) * 100
    # A target so near zero that the percentage overflows is no more usable than a zero target.
    return result if math.isfinite(result) else None


def target_met(actual: float, target: float, polarity: Polarity) -> bool:
    """Whether ``actual`` meets or beats ``target`` in the indicator's direction."""
    return actual >= target if polarity is Polarity.HIGHER else actual <= target


def rag(actual: float | None, target: float | None, polarity: Polarity,
        tolerance: float = DEFAULT_TOLERANCE) -> Rag:
    """RAG status (SPEC rule 3), computed on unrounded figures.

    Green when the target is met or beaten, amber when missed by no more than ``tolerance``
    percentage points of the target, red otherwise. No value is a ``GAP``; no target is
    ``NO_TARGET`` (no colour). With a zero target there is no percentage band, so a met target
    is green and any miss is red.

    >>> rag(459.4, 485, Polarity.LOWER).value, rag(94, 95, Polarity.HIGHER).value
    ('green', 'amber')
    """
    tolerance = _finite("tolerance", tolerance)
    if tolerance is None or tolerance < 0:
        raise ScoringInputError("tolerance", tolerance)
    actual = _finite("actual", actual)
    target = _finite("target", target)
    if actual is None:
        return Rag.GAP
    if target is None:
        return Rag.NO_TARGET
    pct = variance(actual, target, polarity)
    if pct is None:
        return Rag.GREEN if target_met(actual, target, polarity) else Rag.RED
    if pct >= -_EPSILON:
        return Rag.GREEN
    if pct >= -tolerance - _EPSILON:
        return Rag.AMBER
    return Rag.RED


def direction_of_travel(current: float | None, previous: float | None, *, first: bool = False) -> Dot:
    """DOT (SPEC rule 4): the variance now against the variance at the previous reporting period.

    The variances are compared as the report prints them, to two decimals, so 0.00% against
    0.00% is ``SAME``. ``first=True`` says the indicator has no earlier value at all (the report's
    square); otherwise a missing variance on either side makes the DOT undeterminable (``NONE``).

    >>> direction_of_travel(5.278, 8.914).value
    'worse'
    """
    if first:
        return Dot.FIRST if current is not None else Dot.NONE
    current = _finite("current variance", current)
    previous = _finite("previous variance", previous)
    if current is None or previous is None:
        return Dot.NONE
    now, before = round(current, 2), round(previous, 2)
    if now > before:
        return Dot.IMPROVED
    if now < before:
        return Dot.WORSE
    return Dot.SAME


def trend(current: float | None, last_year: float | None, polarity: Polarity) -> Trend:
    """Trend (SPEC rule 5): the value now against the same period twelve months earlier.

    >>> trend(459.4, 470, Polarity.LOWER).value
    'improving'
    """
    current = _finite("current value", current)
    last_year = _finite("last year's value", last_year)
    if current is None or last_year is None:
        return Trend.NONE
    if math.isclose(current, last_year, rel_tol=0, abs_tol=_EPSILON):
        return Trend.SAME
    better = current > last_year if polarity is Polarity.HIGHER else current < last_year
    return Trend.IMPROVING if better else Trend.DECLINING


def quartile(own: float, comparators: Iterable[float], polarity: Polarity) -> int | None:
    """Comparative quartile (SPEC rule 6) of ``own`` among the comparator group.

    The council is ranked among the group and itself, best first by the indicator's polarity.
    Ties share the best rank they span (``1, 2, 2, 4``), so an authority level with others is
    never placed below them. The quartile is ``ceil(rank × 4 / n)`` for a group of ``n``
    including the council: in a group of 12, ranks 1–3 are the 1st quartile, 10–12 the 4th.
    ``None`` when there are no comparators. The order of ``comparators`` does not matter.

    >>> quartile(10, [1, 2, 3], Polarity.HIGHER), quartile(10, [1, 2, 3], Polarity.LOWER)
    (1, 4)
    """
    own = _finite("own value", own)
    values = [_finite("comparator value", v) for v in comparators]
    if own is None or not values:
        return None
    if polarity is Polarity.HIGHER:
        better = sum(1 for v in values if v > own)
    else:
        better = sum(1 for v in values if v < own)
    rank = better + 1
    return math.ceil(rank * 4 / (len(values) + 1))


def latest_observation(observations: Iterable[Observation], period: Period) -> Observation | None:
    """The latest observation with a value in ``period``'s financial year, up to its end."""
    candidates = [
        o for o in observations
        if o.value is not None and o.period.fy == period.fy and o.period.ends_no_later_than(period)
    ]
    return max(candidates, key=lambda o: o.period, default=None)


def score_indicator(indicator: Indicator, observations: Sequence[Observation], period: Period,
                    tolerance: float = DEFAULT_TOLERANCE) -> Score:
    """Score one indicator for the reporting ``period`` from all its observations.

    The value scored is the latest in the financial year up to the end of the period (SPEC
    rule 2). A value from an earlier period is carried forward only while the indicator is not
    due; when it is due and the period has no value, it is a data gap, with the return's note as
    the reason when there was one. The DOT compares with the latest value up to the end of the
    previous reporting period; the trend with the value of the same period a year earlier.
    ``tolerance`` is the framework default; the indicator's own tolerance wins.
    """
    own = [o for o in observations if o.ref == indicator.ref]
    tol = indicator.tolerance if indicator.tolerance is not None else tolerance
    due = indicator.frequency.is_due(period)
    latest = latest_observation(own, period)
    in_period = latest is not None and period.contains(latest.period)
    notes = [o for o in own if o.note and period.contains(o.period)]
    noted = max(notes, key=lambda o: o.period) if notes else None
    note = noted.note if noted else None
    narrated = [o for o in own if o.commentary and period.contains(o.period)]
    commentary = max(narrated, key=lambda o: o.period).commentary if narrated else ()
    quartile_now = indicator.quartile
    if quartile_now is None and latest is not None and indicator.comparator_values:
        quartile_now = quartile(latest.value, indicator.comparator_values, indicator.polarity)

    if latest is None or (due and not in_period):
        if due:
            status, reason = Rag.GAP, _gap_reason(note, latest, period)
        else:
            status, reason = Rag.NOT_DUE, f"not due in {period.label} ({indicator.frequency.value})"
        # The cell to look at: the note that explains the gap, else the last value seen.
        where = noted.source if noted else (latest.source if latest else None)
        return Score(indicator.ref, period, status, quartile=quartile_now, gap_reason=reason, note=note,
                     source=where, commentary=commentary, flag=noted.flag if noted else None)

    target = period_target(indicator, latest.period, latest.period_target)
    pct = variance(latest.value, target, indicator.polarity)
    status = rag(latest.value, target, indicator.polarity, tol)

    before = latest_observation(own, period.previous())
    if before is None:
        dot, previous_variance = direction_of_travel(pct, None, first=True), None
    else:
        previous_target = period_target(indicator, before.period, before.period_target)
        previous_variance = variance(before.value, previous_target, indicator.polarity)
        dot = direction_of_travel(pct, previous_variance)

    last_year = next((o for o in own if o.value is not None
                      and o.period == latest.period.same_period_last_year()), None)
    return Score(
        indicator.ref, period, status, dot=dot,
        trend=trend(latest.value, last_year.value if last_year else None, indicator.polarity),
        value=latest.value, value_period=latest.period, target=target, variance=pct,
        previous_value=before.value if before else None, previous_period=before.period if before else None,
        previous_variance=previous_variance,
        last_year_value=last_year.value if last_year else None, quartile=quartile_now,
        note=latest.note, source=latest.source, commentary=commentary, flag=latest.flag,
    )


def _gap_reason(note: str | None, latest: Observation | None, period: Period) -> str:
    if note:
        return note
    if latest is not None:
        return f"no value for {period.label}; the latest is for {latest.period.label}"
    return f"no value for {period.label}"
