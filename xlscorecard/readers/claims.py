"""Published results in a return (``% Variance from Target``, ``DOT``, ``Trend``) are claims, not inputs.

They are read beside the values and compared with what the scoring core computes from those
values; a disagreement is a finding, so an officer can see a stale formula or a typed-over
figure. Our computed figure is what the scorecard uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import XlscorecardError
from ..model import Finding, Indicator, Observation, Period, PeriodKind, Severity, Source
from ..scoring import score_indicator
from .cells import read_cell
from .header import Table
from .sheets import a1
from .synonyms import DOT_SYMBOLS, RAG_WORDS, TREND_SYMBOLS

# Variances are printed to two decimals; anything closer than this is the same figure.
VARIANCE_TOLERANCE = 0.01
CLAIM_FIELDS = ("published_variance", "published_dot", "published_trend", "published_rag")


@dataclass(frozen=True)
class PublishedClaim:
    """What a return printed for one indicator at ``period``: variance, DOT and trend, each
    optional, with the cell each was printed in."""

    ref: str
    period: Period
    variance: float | None = None
    dot: str | None = None
    trend: str | None = None
    variance_source: Source | None = None
    dot_source: Source | None = None
    trend_source: Source | None = None
    rag: str | None = None
    rag_source: Source | None = None


def report_period(table: Table, period_hint: Period | None) -> Period | None:
    """The period the return's published results are for: the one given, else the last value
    column (a quarter when its last month ends a quarter: a December column reports Q3)."""
    if period_hint is not None and (table.fy is None or period_hint.fy == table.fy):
        return period_hint
    periods = [c.period for c in table.period_columns if c.period is not None]
    if not periods:
        return None
    last = max(periods)
    if last.kind is PeriodKind.MONTH and last.number % 3 == 0:
        return Period.quarter(last.fy, last.number // 3)
    return last


def _symbol(table: Table, row: int, name: str, symbols: Mapping[str, str]) -> tuple[str | None, Source | None]:
    col = table.col(name)
    meaning = symbols.get(table.grid.text(row, col).lower()) if col is not None else None
    return meaning, (Source(table.grid.path, table.grid.name, a1(row, col)) if meaning else None)


def claim_from_row(table: Table, row: int, ref: str, period: Period | None, ledger=None) -> PublishedClaim | None:
    """What the row printed as its results; each claim cell is a field of the indicator."""
    if ledger is not None:
        for name in CLAIM_FIELDS:
            ledger.field(row, table.col(name))
    if period is None:
        return None
    grid = table.grid
    variance = variance_source = None
    col = table.col("published_variance")
    if col is not None:
        variance = read_cell(grid.cell(row, col)).value
        variance_source = Source(grid.path, grid.name, a1(row, col)) if variance is not None else None
    dot, dot_source = _symbol(table, row, "published_dot", DOT_SYMBOLS)
    trend, trend_source = _symbol(table, row, "published_trend", TREND_SYMBOLS)
    rag, rag_source = _symbol(table, row, "published_rag", RAG_WORDS)
    if variance is None and dot is None and trend is None and rag is None:
        return None
    return PublishedClaim(ref, period, variance, dot, trend, variance_source, dot_source, trend_source, rag,
                          rag_source)


def check_claims(claims: Iterable[PublishedClaim], indicators: Mapping[str, Indicator],
                 observations: list[Observation]) -> list[Finding]:
    """Compare each claim with the score computed from the same return's values."""
    findings = []
    by_ref: dict[str, list[Observation]] = {}
    for observation in observations:
        by_ref.setdefault(observation.ref, []).append(observation)
    for claim in claims:
        indicator = indicators.get(claim.ref)
        if indicator is None:
            continue
        try:
            score = score_indicator(indicator, by_ref.get(claim.ref, []), claim.period)
        except XlscorecardError:
            continue
        if claim.variance is not None and score.variance is not None \
                and abs(round(score.variance, 2) - claim.variance) > VARIANCE_TOLERANCE:
            findings.append(Finding(
                Severity.WARNING,
                f"published % variance {claim.variance:.2f} differs from computed {score.variance:.2f} "
                f"(value {score.value:g} for {score.value_period.label}, target {score.target:g})",
                claim.variance_source, claim.ref, "computed figure used; check the return's target or formula"))
        if claim.dot is not None and score.dot.value not in ("none", claim.dot):
            findings.append(Finding(
                Severity.WARNING, f"published DOT '{claim.dot}' differs from computed '{score.dot.value}'",
                claim.dot_source, claim.ref, "computed DOT used"))
        if claim.rag is not None and score.rag.value in ("green", "amber", "red") and score.rag.value != claim.rag:
            findings.append(Finding(
                Severity.WARNING, f"published RAG '{claim.rag}' differs from computed '{score.rag.value}'",
                claim.rag_source, claim.ref, "computed RAG used"))
        if claim.trend is not None and score.trend.value not in ("none", claim.trend):
            findings.append(Finding(
                Severity.WARNING, f"published trend '{claim.trend}' differs from computed '{score.trend.value}'",
                claim.trend_source, claim.ref, "computed trend used"))
    return findings
