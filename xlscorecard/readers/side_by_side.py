"""Target and actual side by side: under each month or quarter a sub-header ``Target | Actual``
(``Tgt | Act``, ``Plan | Actual``, ``Target | Outturn``, optionally ``RAG``), or the two written
in one header cell (``Apr Target``, ``Apr Actual``). The header words are
:data:`.synonyms.MEASURE_WORDS`; :mod:`.header` gives each value column its measure.

The actuals are the values; each target is the explicit target for its period (SPEC rule 1),
compared with the register's own; a RAG under a period is the return's published claim for
that period, checked like any other (:mod:`.claims`). The rest of a row (ref, name, polarity,
notes merged across months) is read as the legacy wide layout reads it, in :mod:`.rows`.
"""

from __future__ import annotations

from dataclasses import replace

from ..core.model import Observation, PublishedClaim, Source
from .claims import report_period
from .header import Table
from .rows import ReadContext, SheetRecords, number_at
from .sheets import a1
from .synonyms import RAG_WORDS
from .wide import read_rows, wide_observations

NAME = "target and actual side by side"


def sniff(table: Table) -> bool:
    return (table.has("ref") or table.has("name")) and any(c.measure in ("target", "actual")
                                                           for c in table.period_columns)


def value_view(table: Table) -> Table:
    """The table as if its only value columns were the actuals (and any plain month columns
    beside them, which hold values as a wide table's do)."""
    return replace(table, period_columns=[c for c in table.period_columns if c.measure in (None, "actual")])


def with_targets(table: Table, row: int, ref: str, observations: list[Observation], context: ReadContext,
                 columns) -> list[Observation]:
    """``observations`` with the period target each of ``columns`` gives on ``row`` (a target
    with no actual beside it is an observation of its own: the period is still due)."""
    grid, by_period = table.grid, {o.period: index for index, o in enumerate(observations)}
    for column in columns:
        if column.period is None:
            context.ledger.finding(row, column.col)  # reported once for the column
            continue
        if grid.merge_at(row, column.col) is not None:
            continue  # a note merged across the months: read with the actuals
        target = number_at(table, row, column.col, context, ref)
        if target is None:
            continue
        if column.period in by_period:
            index = by_period[column.period]
            observations[index] = replace(observations[index], period_target=target)
        else:
            by_period[column.period] = len(observations)
            observations.append(Observation(ref, column.period, None, target,
                                            source=Source(grid.path, grid.name, a1(row, column.col))))
    return observations


def period_claims(table: Table, row: int, ref: str, context: ReadContext, columns=None) -> list[PublishedClaim]:
    """The RAG printed under each period (in ``columns``, by default the RAG columns): what the
    return claims, to be checked."""
    grid, claims = table.grid, []
    for column in [c for c in table.period_columns if c.measure == "rag"] if columns is None else columns:
        if column.period is None:
            context.ledger.finding(row, column.col)
            continue
        context.ledger.field(row, column.col)
        rag = RAG_WORDS.get(grid.text(row, column.col).lower())
        if rag is not None:
            claims.append(PublishedClaim(ref, column.period, rag=rag,
                                         rag_source=Source(grid.path, grid.name, a1(row, column.col))))
    return claims


def read(table: Table, context: ReadContext) -> SheetRecords:
    actuals = value_view(table)
    targets = [c for c in table.period_columns if c.measure == "target"]

    def observe(table: Table, row: int, ref: str, context: ReadContext) -> list[Observation]:
        return with_targets(table, row, ref, wide_observations(actuals, row, ref, context), context, targets)

    return read_rows(table, context, observe, report_period(actuals, context.period_hint), period_claims)
