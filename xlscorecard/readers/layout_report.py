"""How each table of a return was read, in words an officer can check at a glance.

``xlscorecard validate --layout`` prints these, and the scorecard's Sources sheet carries one
line per table: the layout, where the table is, which column names the indicators, the period
of every value column, and how its cells were accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .accounting import Ledger, Role
from .header import PeriodColumn, Table
from .sheets import a1, column_letter
from ..core.words import plural


@dataclass(frozen=True)
class TableReport:
    """One recognised table: what it was read as, and where every cell went."""

    sheet: str
    layout: str
    cells: str
    header_rows: str
    key: str
    columns: str
    rows_read: int
    values: int
    fields: int
    findings: int
    unplaced: int = 0
    field_names: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()

    @property
    def partly_read(self) -> bool:
        return self.unplaced > 0

    def line(self) -> str:
        """``Sheet 'Data' A3:Q40, legacy wide: header rows 3–4, ref in B; F–N = Apr 2020 … Dec 2020;
        38 rows; cells 342 values, 190 fields, 2 findings``."""
        partly = f"; ONLY PARTLY READ ({plural(self.unplaced, 'cell')} placed nowhere)" if self.unplaced else ""
        return (f"sheet {self.sheet!r} {self.cells}, {self.layout}: header {self.header_rows}, {self.key}; "
                f"{self.columns or 'no value columns'}; {self.rows_read} rows; cells {self.values} values, "
                f"{self.fields} fields, {self.findings} findings{partly}")


def table_report(table: Table, layout: str, ledger: Ledger, last_row: int, rows_read: int,
                 unplaced: int) -> TableReport:
    grid = table.grid
    cols = [col for (row, col) in grid.cells if table.header_row <= row <= last_row] or [1]
    top = table.header_top or table.header_row
    header = f"row {top}" if top == table.first_data_row - 1 else f"rows {top}\u2013{table.first_data_row - 1}"
    counts = ledger.counts()
    key_name = "ref" if table.has("ref") else "name" if table.has("name") else None
    key = f"{key_name} in {column_letter(table.col(key_name))}" if key_name else "no ref or name column"
    if table.has("measure_type"):  # target and actual rows
        key += f", target or actual in {column_letter(table.col('measure_type'))}"
    columns = describe_columns(table.period_columns, grid.hidden_cols)
    if not columns and table.has("period"):
        columns = f"each row's period in {column_letter(table.col('period'))}"
    return TableReport(grid.name, layout, f"{a1(top, min(cols))}:{a1(max(last_row, top), max(cols))}", header, key,
                       columns, rows_read, counts[Role.VALUE],
                       counts[Role.FIELD], counts[Role.FINDING], unplaced, tuple(table.fields),
                       tuple(text for _, text in sorted(table.header_texts.items())))


def header_report(table: Table) -> TableReport:
    """A header no layout took: what it has, so that a register can say what it lacks."""
    return TableReport(table.grid.name, "not recognised", a1(table.header_row, 1), f"row {table.header_row}", "", "",
                       0, 0, 0, 0, 0, tuple(table.fields),
                       tuple(text for _, text in sorted(table.header_texts.items())))


def describe_columns(columns: list[PeriodColumn], hidden: frozenset[int] | set[int] = frozenset()) -> str:
    """Runs of adjacent value columns with their periods: ``C–N = Apr 2019 … Mar 2020, hidden;
    O–Q = Apr 2020 … Jun 2020``; a column with no period says why."""
    runs: list[list[PeriodColumn]] = []
    for column in columns:
        last = runs[-1][-1] if runs else None
        if (last is not None and column.col == last.col + 1 and (column.col in hidden) == (last.col in hidden)
                and (column.period is None) == (last.period is None)
                and (column.period is None or column.period.fy == last.period.fy)):
            runs[-1].append(column)
        else:
            runs.append([column])
    parts = []
    for run in runs:
        first, last = run[0], run[-1]
        where = column_letter(first.col) if first is last else f"{column_letter(first.col)}\u2013{column_letter(last.col)}"
        if first.period is None:
            what = "not read (" + (first.problem or "no period") + ")"
        elif first is last:
            what = first.period.label
        else:
            what = f"{first.period.label} \u2026 {last.period.label}"
        measures = list(dict.fromkeys(c.measure for c in run if c.measure))
        if measures and first.period is not None:  # "E–V = Apr 2020 … Dec 2020 (target, actual)"
            what += f" ({', '.join(measures)})"
        parts.append(f"{where} = {what}" + (", hidden" if first.col in hidden else ""))
    return "; ".join(parts)
