"""Comparator tables, as councils get them from LG Inform or the DfE's LAIT: one row per
authority of the comparator group, with its area code, name and value for one indicator and year.

The indicator is the table's Ref column, else a ref in a title row above the header ("CYP-01 Rate
of children in need"), else the file name (``comparators-CYP-01.csv``). The group and data year
come from their columns or title rows.
"""

from __future__ import annotations

import re

from ..core.model import ComparatorValue, Severity, Source
from .cells import read_cell
from .header import Table
from .rows import ReadContext, SheetRecords, data_rows
from .sheets import a1

NAME = "comparator table"
NO_REF = (Severity.ERROR, "comparator table names no indicator (no Ref column, title or file name with a ref)",
          "table skipped; add a Ref column")
NO_VALUE = (Severity.WARNING, "comparator row has no usable value", "authority left out of the ranking")
ROW_FIELDS = ("ref", "area_code", "area_name", "data_year", "period", "framework_year", "comparator_group")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[/-]\s*\d{2}(?!\d)")
_REF = re.compile(r"\b([A-Z]{1,4}(?:&[A-Z]{1,3})?-\d{1,3}[a-z]?)\b")


def sniff(table: Table) -> bool:
    return table.has("value") and (table.has("area_code") or table.has("area_name")) and not table.period_columns


def _titles(table: Table) -> list[str]:
    grid = table.grid
    return [text for row in range(1, table.header_row) for col in range(1, grid.n_cols + 1)
            if (text := grid.text(row, col))]


def _table_ref(table: Table) -> str | None:
    for text in [*_titles(table), str(table.grid.path).rsplit("/", 1)[-1]]:
        match = _REF.search(text)
        if match:
            return match.group(1)
    return None


def _title_year(table: Table) -> str | None:
    return next((match.group(0) for text in _titles(table) if (match := _YEAR.search(text))), None)


def read(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    grid = table.grid
    default_ref, default_year = _table_ref(table), _title_year(table)

    def text(row: int, name: str) -> str | None:
        return grid.text(row, table.col(name)) if table.has(name) else None

    for row in data_rows(table, records):
        ref = text(row, "ref") or default_ref
        area_code, area_name = text(row, "area_code"), text(row, "area_name")
        if not (area_code or area_name):
            continue
        if ref is None:
            context.report_row(NO_REF, table, row, table.col("value"))
            continue
        for name in ROW_FIELDS:
            context.ledger.field(row, table.col(name))
        reading = read_cell(grid.cell(row, table.col("value")))
        if reading.value is None:
            if reading.note or reading.problem:  # a blank or "-" just means no data for that authority
                context.report(reading.problem or NO_VALUE, table, row, table.col("value"), ref=ref, raw=reading.raw)
            else:
                context.ledger.value(row, table.col("value"))
            continue
        context.ledger.value(row, table.col("value"))
        year = text(row, "data_year") or text(row, "period") or text(row, "framework_year") or default_year
        records.comparators.append(ComparatorValue(
            ref, area_code, area_name, reading.value, year, text(row, "comparator_group"),
            Source(grid.path, grid.name, a1(row, table.col("value")))))
        records.rows_read += 1
    return records
