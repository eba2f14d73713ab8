"""Every status in words, with its arithmetic, so anyone can check the scorecard by hand.

"December 459.4 against a target of 485 (lower is better): (485 − 459.4) / 485 = +5.28%,
target met → green. September gave +8.91%, so the direction of travel is worse."

Pure functions over an :class:`~xlscorecard.core.model.Indicator` and its
:class:`~xlscorecard.core.model.Score`; used for the scorecard's cell comments, its flat table and
``xlscorecard explain``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Dot, Indicator, Period, PeriodKind, Polarity, Rag, Score, TargetProfile, Trend
from .periods import MONTH_NAMES
from .scoring import DEFAULT_TOLERANCE, target_met
from .series import Series, explain_series

MINUS = "\u2212"


def number(value: float) -> str:
    """A figure as people write it: ``459.4``, ``1,350,000``, ``128`` (at most two decimals).

    >>> number(459.4), number(1350000.0), number(128.0048)
    ('459.4', '1,350,000', '128')
    """
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def signed_percent(value: float) -> str:
    """``+5.28%``, ``−7.82%``, ``0.00%``."""
    text = f"{value:+.2f}%" if round(value, 2) != 0 else "0.00%"
    return text.replace("-", MINUS)


def period_name(period: Period) -> str:
    """``December`` for a month (the year is clear from the scorecard), else the period's label."""
    if period.kind is PeriodKind.MONTH:
        return MONTH_NAMES[period.calendar_month - 1]
    return period.label


def _direction(indicator: Indicator) -> str:
    return "higher is better" if indicator.polarity is Polarity.HIGHER else "lower is better"


def describe_target(indicator: Indicator, score: Score) -> str:
    """Where the target for the scored value came from, with the profiling arithmetic."""
    target, period = score.target, score.value_period
    if indicator.target_set_for(period) == target:
        return f"the target of {number(target)} set for {period_name(period)}"
    annual = indicator.annual_target
    if annual is not None:
        months = period.months_elapsed if indicator.profile is TargetProfile.CUMULATIVE else period.kind.months
        if indicator.profile is TargetProfile.FLAT and target == annual:
            return f"a target of {number(target)}"
        if indicator.profile is not TargetProfile.FLAT and target == annual * months / 12:
            kind = "a year-to-date target" if indicator.profile is TargetProfile.CUMULATIVE else "a target"
            return f"{kind} of {number(target)}, {months}/12 of {number(annual)}"
    return f"a target of {number(target)} given for {period_name(period)}"


def explain_status(indicator: Indicator, score: Score, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """The RAG status and the arithmetic behind it."""
    if score.rag is Rag.NOT_DUE:
        return f"Not due in {score.period.label}, and nothing reported yet: {score.gap_reason}."
    if score.rag is Rag.GAP:
        reason = score.gap_reason or ""
        if score.period.label in reason:  # the reason names what was missing: say it once
            return f"{reason[:1].upper()}{reason[1:]} \u2192 data gap."
        return f"No usable value for {score.period.label}: {reason} \u2192 data gap."
    value = f"{period_name(score.value_period)} {number(score.value)}"
    if score.rag is Rag.NO_TARGET:
        return f"{value}: no target was set, so no colour."
    tol = indicator.tolerance if indicator.tolerance is not None else tolerance
    lead = f"{value} against {describe_target(indicator, score)} ({_direction(indicator)})"
    if score.variance is None:  # a zero (or vanishing) target: no percentage, met or not
        met = target_met(score.value, score.target, indicator.polarity)
        return (f"{lead}: there is no percentage of a zero target; the target is "
                f"{'met' if met else 'not met'} \u2192 {score.rag.value}.")
    actual, target = number(score.value), number(abs(score.target))
    if indicator.polarity is Polarity.HIGHER:
        sum_ = f"({actual} {MINUS} {number(score.target)}) / {target}"
    else:
        sum_ = f"({number(score.target)} {MINUS} {actual}) / {target}"
    verdict = {
        Rag.GREEN: "target met",
        Rag.AMBER: f"missed, but within the {number(tol)}% tolerance",
        Rag.RED: f"missed by more than the {number(tol)}% tolerance",
    }[score.rag]
    return f"{lead}: {sum_} = {signed_percent(score.variance)}, {verdict} \u2192 {score.rag.value}."


def explain_dot(score: Score) -> str:
    """The direction of travel and what it compared with."""
    if score.dot is Dot.FIRST:
        # "Earlier" within the year the direction of travel looks in, not the history's older years.
        before = score.period.previous()
        return (f"There is no earlier value in {before.fy.label} (up to {before.label}), so this is the first "
                "reported period and there is no direction of travel.")
    if score.dot is Dot.NONE:
        if score.value is None:
            return "With no value now, the direction of travel cannot be determined."
        if score.previous_variance is None and score.previous_value is not None:
            return (f"{period_name(score.previous_period)} gave {number(score.previous_value)} but no variance "
                    "from target, so the direction of travel cannot be determined.")
        return "Without a variance from target, the direction of travel cannot be determined."
    word = {Dot.IMPROVED: "better", Dot.WORSE: "worse", Dot.SAME: "the same"}[score.dot]
    return (f"{period_name(score.previous_period)} gave {signed_percent(score.previous_variance)}, "
            f"so the direction of travel is {word}.")


def explain_trend(indicator: Indicator, score: Score) -> str:
    """The trend and the value a year earlier it compared with."""
    if score.value_period is None:
        return "With no value now, the trend cannot be determined."
    earlier = score.value_period.same_period_last_year()
    if score.trend is Trend.NONE:
        return f"There is no value for {earlier.label}, so the trend cannot be determined."
    word = {Trend.IMPROVING: "improving", Trend.DECLINING: "declining", Trend.SAME: "the same"}[score.trend]
    return f"{earlier.label} was {number(score.last_year_value)}, so the trend is {word} ({_direction(indicator)})."


@dataclass(frozen=True)
class Forecast:
    """A straight-line projection of a year-to-date value to the end of the financial year.

    ``value`` is the year-to-date value × 12 ÷ months elapsed: the year ends as it has run so
    far. ``met`` says whether that beats the annual target; ``warning`` is set when the forecast
    misses while the indicator is still green or amber, the case a committee needs told.
    """

    ref: str
    year_to_date: float
    months_elapsed: int
    value: float
    annual_target: float
    met: bool
    warning: bool


def year_end_forecast(indicator: Indicator, score: Score) -> Forecast | None:
    """The forecast for a cumulative indicator with a value and an annual target, else ``None``.

    >>> ind = Indicator("CYP-41", "Referrals", "lower", profile="cumulative", annual_target=600)
    >>> score = Score("CYP-41", Period.quarter(2020, 3), Rag.RED, value=505.1,
    ...               value_period=Period.month(2020, 12))
    >>> round(year_end_forecast(ind, score).value, 1)
    673.5
    """
    if (indicator.profile is not TargetProfile.CUMULATIVE or score.value is None or score.value_period is None
            or indicator.annual_target is None):
        return None
    months = score.value_period.months_elapsed
    projected = score.value * 12 / months
    met = target_met(projected, indicator.annual_target, indicator.polarity)
    return Forecast(indicator.ref, score.value, months, projected, indicator.annual_target, met,
                    warning=not met and score.rag in (Rag.GREEN, Rag.AMBER))


def explain_forecast(indicator: Indicator, forecast: Forecast) -> str:
    verdict = "on course to meet it" if forecast.met else "a forecast miss"
    if forecast.warning:
        verdict += ", although the indicator is on target or within tolerance today"
    return (f"At this rate ({number(forecast.year_to_date)} in {forecast.months_elapsed} months) the year ends at "
            f"{number(forecast.value)} against an annual target of {number(forecast.annual_target)} "
            f"({_direction(indicator)}): {verdict}.")


def explain(indicator: Indicator, score: Score, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """Status, direction of travel, trend and, for cumulative indicators, the year-end forecast."""
    parts = [explain_status(indicator, score, tolerance)]
    if score.rag not in (Rag.GAP, Rag.NOT_DUE):
        parts += [explain_dot(score), explain_trend(indicator, score)]
    forecast = year_end_forecast(indicator, score)
    if forecast is not None:
        parts.append(explain_forecast(indicator, forecast))
    return " ".join(parts)


def explain_with_signal(indicator: Indicator, score: Score, series: Series | None,
                        tolerance: float = DEFAULT_TOLERANCE) -> str:
    """:func:`explain`, then whether the latest value is a signal or noise, with the XmR
    chart's arithmetic (``xlscorecard explain``)."""
    text = explain(indicator, score, tolerance)
    if series is None:
        return text
    return f"{text}\nSignal or noise ({len(series.points)} values held): {explain_series(series)}"
