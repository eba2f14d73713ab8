"""Published results in a return (``% Variance from Target``, ``DOT``, ``Trend``, ``RAG``) are
claims, not inputs: read here beside the values, and checked against what the scoring core
computes by :func:`xlscorecard.core.checks.check_claims` in the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core.model import Period, PeriodKind, PublishedClaim, Source
from .cells import read_cell
from .header import Table
from .sheets import a1
from .synonyms import DOT_SYMBOLS, RAG_WORDS, TREND_SYMBOLS

CLAIM_FIELDS = ("published_variance", "published_dot", "published_trend", "published_rag")


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
