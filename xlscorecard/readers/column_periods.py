"""Give a table its financial year and every value column its period, from the whole header block.

A month header alone does not say which year it is: ``Apr`` may be this year's or last year's
April. The year comes, most specific first, from the column's own header (``Apr-20``,
``Q3 20/21``, a real date), a year written over the column in the header block (``2019/20``
merged over last year's months, or written once at the start of its block), and only then from
the table as a whole (``20/21 Target``, the title rows, the sheet or file name, ``--period``),
with months that wrap past March moving on a year. Two value columns that end up with the same
period, with nothing in the header to tell them apart, are not guessed between: both are left
unread and reported (:func:`duplicate_columns`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..periods import FinancialYear, Period, calendar_month_to_fy_month
from .header import PeriodColumn, Table, find_financial_year, year_label

# How far above the header row a year written over the months is looked for.
BAND_SEARCH_ROWS = 4
REPEATED_MONTH = "month written twice with no year over it"
SAME_PERIOD = "same period as another column"


def resolve_periods(table: Table, period_hint: Period | None) -> Table:
    """Give the table its financial year and every value column its period."""
    columns, band_rows = _with_bands(table)
    fy = _table_year(table, columns, period_hint, band_rows)
    table.fy = fy
    table.period_columns = assign_periods(columns, fy)
    return table


def _table_year(table: Table, columns: list[PeriodColumn], period_hint: Period | None,
                band_rows: set[int]) -> FinancialYear | None:
    if "annual_target" in table.field_years:
        return table.field_years["annual_target"]
    if "previous_outturn" in table.field_years:
        # "19/20 Outturn" is last year's figure, so the framework year is the one after.
        return FinancialYear(table.field_years["previous_outturn"].start + 1)
    titles = (" ".join(table.grid.row_texts(row)) for row in range(table.search_start, table.header_row)
              if row not in band_rows)
    fy = find_financial_year(*titles, strict=True)
    if fy is None:
        fy = find_financial_year(table.grid.name) or find_financial_year(Path(table.grid.path).stem)
    banded = [c.band_fy for c in columns if c.band_fy is not None and c.period is None]
    if fy is None and banded:
        return max(banded)  # this year's block: last year's sits beside it for comparison
    explicit = [c.period for c in columns if c.period is not None]
    if fy is None and explicit:
        fy = max(explicit).fy
    if fy is None and period_hint is not None:
        fy = period_hint.fy
    return fy


def _with_bands(table: Table) -> tuple[list[PeriodColumn], set[int]]:
    """The value columns with the year written over each in the rows above the header, and the
    rows that wrote them."""
    grid = table.grid
    columns = table.period_columns
    needing = [c for c in columns if c.period is None and c.band_fy is None and c.band_calendar_year is None]
    band_rows: set[int] = set()
    if not needing:
        return columns, band_rows
    span = range(min(c.col for c in columns), max(c.col for c in columns) + 1)
    top = table.header_row
    years: dict[int, FinancialYear | int] = {}
    first_band_row = None
    for row in range(table.header_row - 1, max(table.search_start, table.header_row - BAND_SEARCH_ROWS) - 1, -1):
        labels = _band_row(grid, row, span)
        if not labels:
            continue
        first_band_row = row
        band_rows.add(row)
        for column in needing:
            if column.col not in years and column.col in labels:
                years[column.col] = labels[column.col]
    if first_band_row is not None and years:
        table.header_top = first_band_row
    elif table.header_top is None:
        table.header_top = top
    if not years:
        return columns, band_rows
    return [replace(c, band_fy=years[c.col] if isinstance(years.get(c.col), FinancialYear) else c.band_fy,
                    band_calendar_year=years[c.col] if isinstance(years.get(c.col), int) else c.band_calendar_year)
            if c.col in years else c for c in columns], band_rows


def _band_row(grid, row: int, span: range) -> dict[int, FinancialYear | int]:
    """The year over each column of ``span`` when row ``row`` is a row of years (every text it
    has over the value columns is a year); a year written once runs right to the next one."""
    texts = {col: grid.text(row, col) for col in span}
    written = {col: text for col, text in texts.items() if text}
    if not written:
        return {}
    parsed = {col: year_label(text) for col, text in written.items()}
    if any(year is None for year in parsed.values()):
        return {}
    labels, current = {}, None
    for col in span:
        if col in parsed:
            current = parsed[col]
        if current is not None:
            labels[col] = current
    return labels


def _is_quarterly(columns: list[PeriodColumn]) -> bool:
    months = [c for c in columns if c.calendar_month is not None and c.period is None]
    quarters = [c.quarter for c in months]
    return bool(months) and all(
        c.quarter_in_label and c.quarter is not None
        and calendar_month_to_fy_month(c.calendar_month) == c.quarter * 3 for c in months
    ) and len(set(quarters)) == len(quarters)


def _descending(columns: list[PeriodColumn]) -> bool:
    """Months written newest first (``Dec Nov Oct …``)."""
    months = [calendar_month_to_fy_month(c.calendar_month) for c in columns
              if c.calendar_month is not None and c.period is None]
    steps = [b - a for a, b in zip(months, months[1:])]
    return sum(1 for s in steps if s < 0) > sum(1 for s in steps if s > 0)


def assign_periods(columns: list[PeriodColumn], fy: FinancialYear | None) -> list[PeriodColumn]:
    quarterly = _is_quarterly(columns)
    descending = _descending(columns)
    resolved, current_fy, last_fy_month = [], fy, None
    for column in columns:
        if column.period is not None:
            resolved.append(column)
            continue
        own_fy = column.band_fy
        if column.band_calendar_year is not None and column.calendar_month is not None:
            resolved.append(replace(column, period=Period.month(column.band_calendar_year, column.calendar_month)))
            continue
        if own_fy is None and current_fy is None:
            resolved.append(replace(column, problem="no financial year"))
            continue
        if column.calendar_month is None or quarterly:
            if column.quarter is None:
                resolved.append(replace(column, problem="no month or quarter"))
                continue
            resolved.append(replace(column, period=Period.quarter(own_fy or current_fy, column.quarter)))
            continue
        fy_month = calendar_month_to_fy_month(column.calendar_month)
        if own_fy is None:
            if last_fy_month is not None:
                wrapped = fy_month > last_fy_month if descending else fy_month < last_fy_month
                if wrapped:  # past March (September … April), or back past April when newest first
                    current_fy = FinancialYear(current_fy.start + (-1 if descending else 1))
            last_fy_month = fy_month
        year_of = own_fy or current_fy
        calendar_year = year_of.start if column.calendar_month >= 4 else year_of.start + 1
        resolved.append(replace(column, period=Period.month(calendar_year, column.calendar_month)))
    return _without_wrapped_repeats(columns, resolved)


def _without_wrapped_repeats(columns: list[PeriodColumn], resolved: list[PeriodColumn]) -> list[PeriodColumn]:
    """Months that only the wrap past March told apart are not told apart: a month written twice
    with no year over either (``Apr … Mar Apr … Dec``, last year's months often hidden) is two
    columns for one month, and which is which is a guess; so is the year of every other month
    written without one (January to March above belong to one of the two blocks)."""
    bare = [c for c in columns if c.period is None and c.band_fy is None and c.band_calendar_year is None
            and c.calendar_month is not None]
    months = [c.calendar_month for c in bare]
    if len(set(months)) == len(months):
        return resolved
    fy_months = [calendar_month_to_fy_month(m) for m in months]
    steps = [b - a for a, b in zip(fy_months, fy_months[1:])]
    wrapped = any(s > 0 for s in steps) if _descending(columns) else any(s < 0 for s in steps)
    doubtful = {c.col for c in bare} if wrapped else {c.col for c in bare if months.count(c.calendar_month) > 1}
    return [replace(c, period=None, problem=REPEATED_MONTH) if c.col in doubtful else c for c in resolved]


def duplicate_columns(table: Table) -> list[list[PeriodColumn]]:
    """Groups of value columns that give the same period, or the same month with no year over
    either; none of them is read, and the table's columns say so."""
    groups: dict[object, list[PeriodColumn]] = {}
    for column in table.period_columns:
        if column.period is not None:
            groups.setdefault(column.period, []).append(column)
        elif column.problem == REPEATED_MONTH:
            groups.setdefault(("month", column.calendar_month), []).append(column)
    clashes = [group for group in groups.values() if len(group) > 1 or group[0].problem == REPEATED_MONTH]
    clashing = {c.col for group in clashes for c in group}
    if clashing:
        table.period_columns = [replace(c, period=None, problem=SAME_PERIOD) if c.col in clashing else c
                                for c in table.period_columns]
    return clashes
