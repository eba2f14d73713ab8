"""Monthly measure grids (seed 004's improvement-plan tables, seed 002's monthly scorecards):
``Measure | September … April | RAG``, with section rows ("Workforce") between blocks and no refs.

A measure is identified by its name, which becomes its ref. Grids carry no polarity or target,
so they give values only; the register supplies the rest.
"""

from __future__ import annotations

from ..core.model import Severity
from .claims import claim_from_row, report_period
from .header import Table
from .sheets import a1
from .rows import (ReadContext, SheetRecords, data_rows, indicator_from_row, observations_from_row, row_commentary,
                   with_row_note)

NAME = "monthly measure grid"


def sniff(table: Table) -> bool:
    return table.has("name") and not table.has("ref") and any(c.calendar_month for c in table.period_columns)


def read(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    carried = context.carried
    name_col = table.col("name")
    period = report_period(table, context.period_hint)
    for row in data_rows(table, records):
        name = table.grid.text(row, name_col)
        if not name:
            continue
        if _is_section_heading(table, row):
            if not carried.heading(table.grid, row, context.ledger):
                carried.values["service"] = name  # "Workforce", "Partnerships": the block's heading
                context.ledger.field(row, name_col)
            continue
        context.named_by_name.add(name)
        context.saw_ref(table, row, name_col, name)
        observations = with_row_note(table, row, name, observations_from_row(table, row, name, context), context,
                                     table.col("note"), row_commentary(table, row, context))
        indicator = indicator_from_row(table, row, name, name, carried.update(table, row, context.ledger),
                                       observations, context) if table.has("polarity") else None
        if indicator is None:
            carried.update(table, row, context.ledger)
            for column in ("ref", "annual_target", "unit", "frequency", "profile", "tolerance", "quartile",
                           "previous_outturn", "data_owner"):
                if table.has(column):
                    context.ledger.field(row, table.col(column))  # the register's to say; kept as read
        if indicator is not None:
            records.indicators.append(indicator)
        records.observations.extend(observations)
        claim = claim_from_row(table, row, name, period, context.ledger)
        if claim is not None:
            records.claims.append(claim)
        records.rows_read += 1
    if records.observations and not table.has("polarity"):
        context.collector.add(Severity.INFO, f"{records.rows_read} measures have no polarity or target in this grid",
                              sheet=table.grid.name, cell=a1(table.header_row, name_col),
                              action="values read; scoring needs the measures in the register")
    return records


def _is_section_heading(table: Table, row: int) -> bool:
    name_col = table.col("name")
    return not any(table.grid.text(row, col) for col in range(1, table.grid.n_cols + 1) if col != name_col)
