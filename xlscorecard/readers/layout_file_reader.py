"""Read a return the way a layout file's rule describes it, instead of detecting its layout.

The rule says where the header, the ref or name column and the value columns are, so this
module only builds the :class:`~.header.Table` that detection would have found, and hands it
to the reader of the matching layout (a column per period: :mod:`.wide`, or :mod:`.measure_grid`
when rows are named but have no ref; one row per value: :mod:`.template`). Rows, cells, the
cell accounting and the Sources sheet's line are therefore those of every other table.
"""

from __future__ import annotations

import copy
from pathlib import Path

from ..core.model import PARTLY_READ, Finding, Period, Severity, Source
from . import measure_grid, template, wide
from .column_periods import assign_periods, resolve_periods
from .header import PeriodColumn, Table, period_label
from .layout_file import LayoutFile, Rule
from .registry import Layout
from .rows import CarriedValues, ReadContext
from .sheets import SheetGrid, a1
from .workbook import read_table


def sheets_reader(layouts: LayoutFile | None, path: Path):
    """How to read the return at ``path``: ``(None, None)`` by detection (no rule matches it);
    ``(read_sheets, None)`` by the matching rules; ``(None, finding)`` when one of them has
    mistakes, so the return is not read at all."""
    rules = layouts.rules_for(path) if layouts is not None else ()
    if not rules:
        return None, None
    for rule in rules:
        if rule.mistakes:
            mistakes = f"{len(rule.mistakes)} mistakes" if len(rule.mistakes) > 1 else "a mistake"
            return None, Finding(
                Severity.ERROR, f"not read: rule {rule.name!r} of {Path(rule.layout_file).name} matches this file "
                f"and has {mistakes}", Source(str(path)),
                action=f"file skipped; correct the rule (its findings, under {Path(rule.layout_file).name}, say how)")

    def by_rules(sheets, context, limits, outcome):
        sheets = [_LoadedOnce(sheet) for sheet in sheets]  # several rules may read one sheet's tables
        for rule in rules:
            read_sheets(rule, sheets, context, limits, outcome)
    return by_rules, None


class _LoadedOnce:
    """A sheet read in full the first time a rule needs it, then the same grid for the next rule."""

    def __init__(self, sheet):
        self.sheet, self.title, self.hidden = sheet, sheet.title, sheet.hidden
        self.grid: SheetGrid | None = None

    def load(self, limits, max_rows=None, with_structure=False) -> SheetGrid:
        if self.grid is None:
            self.grid = self.sheet.load(limits, with_structure=True)
        return self.grid


def rule_layout(rule: Rule) -> Layout:
    """The reader the rule's table needs, under the rule's name."""
    fields = {name for name, _ in rule.columns}
    if "period" in fields:
        read = template.read_values
    elif not rule.values:
        read = template.read_indicators
    elif "ref" in fields:
        read = wide.read
    else:
        read = measure_grid.read
    return Layout(rule.layout_name, lambda table: True, read)


def read_sheets(rule: Rule, sheets, context: ReadContext, limits, outcome) -> None:
    """Read the sheets ``rule`` chooses from ``sheets``; a sheet it names that is not there is an error."""
    titles = [sheet.title for sheet in sheets]
    chosen = rule.chosen_sheets(titles)
    file_name = Path(context.collector.path).name
    if not chosen:
        shown = ", ".join(repr(title) for title in titles) or "none"
        context.collector.add(Severity.ERROR, f"{rule.where('sheet')}: sheet {rule.sheet!r} not in {file_name}; "
                              f"its sheets are {shown}", action="file not read; correct the sheet in the layout file")
        return
    layout = rule_layout(rule)
    for sheet in sheets:
        if sheet.title not in chosen:
            continue
        grid = sheet.load(limits, with_structure=True)
        if grid.truncated:
            context.collector.add(Severity.WARNING, f"sheet is larger than the reading limits ({limits.max_rows:,} "
                                  "rows); the rest was not read", sheet=grid.name, kind=PARTLY_READ,
                                  action="split the return or raise the row limit")
        table = rule_table(rule, grid, context)
        if table is None:
            continue
        context.carried = CarriedValues()
        for title_row in range(1, table.header_row):  # "Tier 1" above the header carries down, as detected
            context.carried.heading(grid, title_row)
        records = read_table(table, layout, context, outcome)
        if records.next_table_row is not None:
            context.collector.add(
                Severity.WARNING, f"{rule.where('last_data_row')}: the table ends at row {records.next_table_row - 1} "
                f"(row {records.next_table_row} starts another header or title); rows below it are not read by the "
                "rule", sheet=grid.name, cell=a1(records.next_table_row, 1), kind=PARTLY_READ,
                action="not read: describe the table below with a rule of its own, or remove the repeated header")


def rule_table(rule: Rule, grid: SheetGrid, context: ReadContext) -> Table | None:
    """The table ``rule`` describes in ``grid``, with the period of every value column; ``None``
    (with a finding) when the sheet has no such rows."""
    if rule.header_rows[-1] > grid.n_rows:
        context.collector.add(Severity.ERROR, f"{rule.where('header_rows')}: row {rule.header_rows[-1]} is below the "
                              f"last row of the sheet ({grid.n_rows})", sheet=grid.name,
                              action="sheet not read; correct the header rows in the layout file")
        return None
    if rule.last_data_row is not None and rule.last_data_row < grid.n_rows:
        grid = copy.copy(grid)  # the rows below the table are no part of it: not read, not swept
        grid.n_rows = rule.last_data_row
    top = rule.header_rows[0]
    table = Table(grid, top, rule.first_data_row, fields=dict(rule.columns), header_texts=_header_texts(rule, grid),
                  header_top=top)
    table.other_year_cols = set(rule.ignore)
    for col in rule.ignore:  # the cell accounting's note names each ignored column by its header
        table.header_texts.setdefault(col, "no header")
    if rule.periods:
        table.period_columns = [PeriodColumn(col, table.header_texts.get(col) or period.label, period=period)
                                for col, period in zip(rule.values, rule.periods)]
        table.fy = rule.year or max(rule.periods).fy
        return table
    table.period_columns = _columns_from_row(rule, grid, context)
    if rule.year is not None:
        table.fy = rule.year
        table.period_columns = assign_periods(table.period_columns, rule.year)
        return table
    return resolve_periods(table, context.period_hint)  # the year as detection finds it: title, sheet, file name


def _header_texts(rule: Rule, grid: SheetGrid) -> dict[int, str]:
    """Each column's header, the texts of its header rows top to bottom (a merged text once)."""
    texts: dict[int, str] = {}
    for col in range(1, grid.n_cols + 1):
        parts: list[str] = []
        for row in rule.header_rows:
            text = grid.text(row, col)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        if parts:
            texts[col] = " ".join(parts)
    return texts


def _columns_from_row(rule: Rule, grid: SheetGrid, context: ReadContext) -> list[PeriodColumn]:
    """The value columns with what the periods row (by default the last header row) writes over
    each; a text that names no period is an error, and its column is not read."""
    row = rule.periods_row or rule.header_rows[-1]
    key = "periods_row" if rule.periods_row else "header_rows"
    columns, unnamed = [], []
    for col in rule.values:
        text = grid.text(row, col)
        label = period_label(text) if text else None
        if isinstance(label, Period):
            columns.append(PeriodColumn(col, text, period=label))
        elif isinstance(label, tuple):
            month, quarter = label
            columns.append(PeriodColumn(col, text, month, quarter, quarter is not None))
        else:
            unnamed.append(f"{a1(row, col)} {text!r}")
            columns.append(PeriodColumn(col, text, problem="no period in the periods row"))
    if unnamed:
        context.collector.add(
            Severity.ERROR, f"{rule.where(key)}: row {row} names no period over value column(s): "
            + ", ".join(unnamed[:5]) + (f" and {len(unnamed) - 5} more" if len(unnamed) > 5 else ""),
            sheet=grid.name, cell=a1(row, rule.values[0]), count=len(unnamed), kind=PARTLY_READ,
            action=f"those columns not read; give their periods in the layout file (periods = [...]) "
                   f"or the row that names them (periods_row)")
    return columns


__all__ = ["read_sheets", "rule_layout", "rule_table", "sheets_reader"]
