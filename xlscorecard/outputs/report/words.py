"""The report's sentences and figures, in the words the council's Performance Reports use.

Every count comes from :mod:`xlscorecard.core.summary` (the scorecard's own), so the report and
the scorecard cannot disagree; only the wording is the report's.
"""

from __future__ import annotations

from ...core.model import Period
from ...core.summary import TargetSummary, percent


def headline_points(target: TargetSummary, period: Period, tolerance: float,
                    previous_pct: int | None = None, previous_label: str | None = None) -> list[str]:
    """The executive summary's bullet points, as seed 000 words them.

    >>> from xlscorecard.core.model import Period
    >>> headline_points(TargetSummary(39, 9, 32), Period.quarter(2021, 2), 5, 73, "Quarter 1 2021/22")[0]
    '60% of indicator targets have been either exceeded, met fully, or met within 95% of target. This compares to 73% in Quarter 1 2021/22.'
    """
    within = f"{100 - tolerance:g}%"
    met = (f"{target.met_or_within_pct}% of indicator targets have been either exceeded, met fully, or met "
           f"within {within} of target.")
    if previous_pct is not None and previous_label:
        met += f" This compares to {previous_pct}% in {previous_label}."
    points = [met, f"{percent(target.off_target, target.with_data)}% of indicator targets were not met."]
    if target.gaps:
        points.append(f"{target.gaps} indicator{'s' * (target.gaps != 1)} due in {period.long_label} "
                      f"{'have' if target.gaps != 1 else 'has'} no data (data gaps).")
    return points


def indicators_with_data(target: TargetSummary, period: Period) -> str:
    """``'There are 58 performance indicators where data is available to be reported at Quarter 3 2020/21.'``"""
    count = target.with_data
    return (f"There {'are' if count != 1 else 'is'} {count} performance indicator{'s' * (count != 1)} where data "
            f"is available to be reported at {period.long_label}.")


def due_sentence(target: TargetSummary, period: Period) -> str:
    """The overview's first line: ``'A total of 13 indicators were due to be reported in Quarter 3 2020/21.'``"""
    count = target.total + target.no_target
    return (f"A total of {count} indicator{'s' * (count != 1)} {'were' if count != 1 else 'was'} due to be "
            f"reported in {period.long_label}.")


def number(value: float | None) -> str:
    """A figure as the tables print it: thousands separated, no trailing zeros, at most four decimals.

    >>> number(1200295), number(459.4), number(4.15), number(None), number(2.0)
    ('1,200,295', '459.4', '4.15', '', '2')
    """
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def variance(value: float | None) -> str:
    """``'5.28%'``; empty when there is none (no target, or a zero one)."""
    return "" if value is None else f"{value:.2f}%"
