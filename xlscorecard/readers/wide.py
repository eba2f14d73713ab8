"""The council's legacy wide layout (seed 003 and seed 000 tables): one row per indicator with its
metadata, then a column per month or quarter, then the published results.

``Tier 1`` and outcomes are written once per block (or merged over rows); notes may be merged
across months. Everything row-level is shared in :mod:`.rows`; this module only says how the
layout is recognised and walks its rows (:func:`read_rows`, which the other one-row-per-indicator
layouts walk their rows with too).
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.model import Observation, Period, PublishedClaim
from .claims import claim_from_row, report_period
from .header import Table
from .rows import (UNREFERENCED_VALUES, ReadContext, SheetRecords, data_rows, has_values, indicator_from_row,
                   observations_from_row, row_commentary, row_ref, with_row_note)

NAME = "legacy wide"

# What a layout makes of one indicator row: its observations, and any claims besides the row's
# published results (a RAG printed under each month).
RowObservations = Callable[[Table, int, str, ReadContext], list[Observation]]
RowClaims = Callable[[Table, int, str, ReadContext], list[PublishedClaim]]


def sniff(table: Table) -> bool:
    return table.has("ref") and bool(table.period_columns)


def read(table: Table, context: ReadContext) -> SheetRecords:
    return read_rows(table, context, wide_observations, report_period(table, context.period_hint))


def wide_observations(table: Table, row: int, ref: str, context: ReadContext) -> list[Observation]:
    """A value per month or quarter column, the row's note and narrative on the reporting period."""
    return with_row_note(table, row, ref, observations_from_row(table, row, ref, context), context,
                         table.col("note"), row_commentary(table, row, context))


def read_rows(table: Table, context: ReadContext, observe: RowObservations, period: Period | None,
              more_claims: RowClaims | None = None) -> SheetRecords:
    """Walk a table of one row per indicator, named by its ref or, with no ref column, by its
    name (matched to the register by name); ``observe`` reads each row's values."""
    records = SheetRecords()
    carried, grid = context.carried, table.grid
    key_col = table.col("ref") or table.col("name")
    name_col = table.col("name")
    for row in data_rows(table, records):
        if carried.heading(grid, row, context.ledger):
            continue  # "Tier 2" written across the row: a heading, not an indicator
        block = carried.update(table, row, context.ledger)
        ref = row_ref(table, row) if table.has("ref") else (grid.text(row, key_col) or None)
        if ref is None:
            if has_values(table, row):
                context.report_row(UNREFERENCED_VALUES, table, row, key_col)
            continue
        if not table.has("ref"):
            context.named_by_name.add(ref)
        context.saw_ref(table, row, key_col, ref)
        observations = observe(table, row, ref, context)
        name = grid.text(row, name_col) if name_col else ref
        indicator = indicator_from_row(table, row, ref, name, block, observations, context)
        if indicator is not None:
            records.indicators.append(indicator)
        records.observations.extend(observations)
        if more_claims is not None:
            records.claims.extend(more_claims(table, row, ref, context))
        claim = claim_from_row(table, row, ref, period, context.ledger)
        if claim is not None:
            records.claims.append(claim)
        records.rows_read += 1
    return records
