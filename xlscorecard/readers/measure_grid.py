"""Monthly measure grids (seed 004's improvement-plan tables, seed 002's monthly scorecards):
``Measure | September … April | RAG``, with section rows ("Workforce") between blocks and no refs.

A measure is identified by its name, which becomes its ref. Grids carry no polarity or target,
so they give values only; the register supplies the rest.
"""

from __future__ import annotations

from ..model import Severity
from .header import Table
from .sheets import a1
from .rows import ReadContext, SheetRecords, data_rows, indicator_from_row, observations_from_row

NAME = "monthly measure grid"


def sniff(table: Table) -> bool:
    return table.has("name") and not table.has("ref") and any(c.calendar_month for c in table.period_columns)


def read(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    carried = context.carried
    name_col = table.col("name")
    for row in data_rows(table, records):
        name = table.grid.text(row, name_col)
        if not name:
            continue
        observations = observations_from_row(table, row, name, context)
        if not observations and _is_section_heading(table, row):
            if not carried.heading(table.grid, row):
                carried.values["service"] = name  # "Workforce", "Partnerships": the block's heading
            continue
        indicator = indicator_from_row(table, row, name, name, carried.update(table, row), observations, context) \
            if table.has("polarity") else None
        if indicator is not None:
            records.indicators.append(indicator)
        records.observations.extend(observations)
        records.rows_read += 1
    if records.observations and not table.has("polarity"):
        context.collector.add(Severity.INFO, f"{records.rows_read} measures have no polarity or target in this grid",
                              sheet=table.grid.name, cell=a1(table.header_row, name_col),
                              action="values read; scoring needs the measures in the register")
    return records


def _is_section_heading(table: Table, row: int) -> bool:
    name_col = table.col("name")
    return not any(table.grid.text(row, col) for col in range(1, table.grid.n_cols + 1) if col != name_col)
