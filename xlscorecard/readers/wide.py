"""The council's legacy wide layout (seed 003 and seed 000 tables): one row per indicator with its
metadata, then a column per month or quarter, then the published results.

``Tier 1`` and outcomes are written once per block (or merged over rows); notes may be merged
across months. Everything row-level is shared in :mod:`.rows`; this module only says how the
layout is recognised and walks its rows.
"""

from __future__ import annotations

from ..core.model import PARTLY_READ, Severity
from .claims import claim_from_row, report_period
from .header import Table
from .rows import (ReadContext, SheetRecords, data_rows, has_values, indicator_from_row, observations_from_row,
                   row_commentary, with_row_note)

NAME = "legacy wide"
MAX_REF_LENGTH = 30
UNREFERENCED_VALUES = (Severity.WARNING, "row has values but no indicator ref", "row skipped", PARTLY_READ)


def sniff(table: Table) -> bool:
    return table.has("ref") and bool(table.period_columns)


def row_ref(table: Table, row: int) -> str | None:
    """The row's indicator ref; long text in the ref column is a note or a heading, not a ref."""
    text = table.grid.text(row, table.col("ref"))
    return text if text and len(text) <= MAX_REF_LENGTH else None


def read(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    carried = context.carried
    period = report_period(table, context.period_hint)
    name_col = table.col("name")
    for row in data_rows(table, records):
        if carried.heading(table.grid, row, context.ledger):
            continue  # "Tier 2" written across the row: a heading, not an indicator
        block = carried.update(table, row, context.ledger)
        ref = row_ref(table, row)
        if ref is None:
            if has_values(table, row):
                context.report_row(UNREFERENCED_VALUES, table, row, table.col("ref"))
            continue
        context.saw_ref(table, row, table.col("ref"), ref)
        observations = with_row_note(table, row, ref, observations_from_row(table, row, ref, context), context,
                                     table.col("note"), row_commentary(table, row, context))
        name = table.grid.text(row, name_col) if name_col else ref
        indicator = indicator_from_row(table, row, ref, name, block, observations, context)
        if indicator is not None:
            records.indicators.append(indicator)
        records.observations.extend(observations)
        claim = claim_from_row(table, row, ref, period, context.ledger)
        if claim is not None:
            records.claims.append(claim)
        records.rows_read += 1
    return records
