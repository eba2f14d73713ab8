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

import re

from ..errors import PeriodError
from ..core.periods import MONTH_SPELLINGS, FinancialYear, Period, calendar_month_to_fy_month
from .header import PeriodColumn, Table, find_financial_year, year_label

# How far above the header row a year written over the months is looked for.
BAND_SEARCH_ROWS = 4
REPEATED_MONTH = "month written twice with no year over it"
SAME_PERIOD = "same period as another column"
UNCERTAIN_YEAR = "its year is uncertain"


def resolve_periods(table: Table, period_hint: Period | None) -> Table:
    """Give the table its financial year and every value column its period."""
    columns, band_rows = _with_bands(table)
    fy = _table_year(table, columns, period_hint, band_rows)
    table.fy = fy
    _choose_year_columns(table)
    table.period_columns = assign_periods(columns, fy, table.calendar_year, table.year_problem)
    return table


def _header_years(table: Table) -> dict[FinancialYear, str]:
    """The framework years the field headers write (``20/21 Target``; ``19/20 Outturn`` is
    last year's, so it says the year after), with the header that says each."""
    years = {}
    for col, year in table.field_alternatives.get("annual_target", ()):
        years.setdefault(year, table.header_texts.get(col, ""))
    for col, year in table.field_alternatives.get("previous_outturn", ()):
        years.setdefault(FinancialYear(year.start + 1), table.header_texts.get(col, ""))
    return years


def _named_year(table: Table, band_rows: set[int]) -> tuple[FinancialYear | int | None, str]:
    """The year the title rows, the sheet name or the file name give (a financial year, the
    one holding a month they name, or a calendar year alone), and where it was written."""
    titles = [" ".join(table.grid.row_texts(row)) for row in range(table.search_start, table.header_row)
              if row not in band_rows]
    places = [("title rows", text, True) for text in titles] + [
        ("sheet name", table.grid.name, False), ("file name", Path(table.grid.path).stem, False)]
    for where, text, strict in places:
        year = find_financial_year(text, strict=strict) or _month_year(text)
        if year is not None:
            return year, where
        if not strict and (calendar := year_label(text)) is not None and isinstance(calendar, int):
            return calendar, where
    for where, text, _ in places[:-2]:  # a title that is only a calendar year ("2019")
        calendar = year_label(text)
        if isinstance(calendar, int):
            return calendar, where
    return None, ""


_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTH_SPELLINGS, key=len, reverse=True)) +
                         r")\b[\s,'/-]*((?:19|20)\d{2}|\d{2})\b", re.IGNORECASE)


def _month_year(text: str) -> FinancialYear | None:
    """The financial year holding a month a title or name writes (``December 2019``, ``Dec-19``).

    >>> _month_year("Performance return - December 2019"), _month_year("Apr 21 data")
    (FinancialYear(start=2019), FinancialYear(start=2021))
    """
    match = _MONTH_YEAR.search(text or "")
    if match is None:
        return None
    year = int(match.group(2))
    year = year + 2000 if year < 100 else year
    month = MONTH_SPELLINGS[match.group(1).lower()]
    try:
        return FinancialYear(year if month >= 4 else year - 1)
    except PeriodError:
        return None


def _table_year(table: Table, columns: list[PeriodColumn], period_hint: Period | None,
                band_rows: set[int]) -> FinancialYear | None:
    """The table's year. The field headers and the title or name must agree: when they do not
    (a ``Target 19/20`` left from last year's return in a file named for 2020-21), the year of
    its months is uncertain, and :attr:`Table.year_problem` says why."""
    header = _header_years(table)
    named, where = _named_year(table, band_rows)
    if isinstance(named, int):
        table.calendar_year, named = named, None
    if header and named is not None and named not in header:
        said = ", ".join(f"{text!r}" for text in header.values())
        table.year_problem = f"the header says {said} but the {where} says {named.label}"
        return named
    if len(header) > 1 and named is None:
        table.year_problem = "the header gives several years (" + ", ".join(repr(t) for t in header.values()) + ")"
        return max(header)
    if header:
        return named or next(iter(header))
    if named is not None:
        return named
    banded = [c.band_fy for c in columns if c.band_fy is not None and c.period is None]
    if banded:
        return max(banded)  # this year's block: last year's sits beside it for comparison
    explicit = [c.period for c in columns if c.period is not None]
    if explicit:
        return max(explicit).fy
    if table.calendar_year is not None:
        return None
    return period_hint.fy if period_hint is not None else None


def _choose_year_columns(table: Table) -> None:
    """Of fields written for several years, the table's year's column is read; the others are
    kept as read but not used (``other_year_cols``)."""
    if table.fy is None:
        return
    wanted = {"annual_target": table.fy, "previous_outturn": FinancialYear(table.fy.start - 1)}
    for name, year in wanted.items():
        choices = table.field_alternatives.get(name, ())
        if len(choices) < 2:
            continue
        matching = [col for col, written in choices if written == year]
        if matching:
            table.fields[name] = matching[0]
        table.other_year_cols.update(col for col, _ in choices if col != table.fields.get(name))


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


def _one_measure(columns: list[PeriodColumn]) -> list[PeriodColumn]:
    """The columns of one measure (the first written), so that a month's Target and Actual
    columns count as one month when the layout of the months is worked out."""
    first = columns[0].measure if columns else None
    return [c for c in columns if c.measure == first]


def _is_quarterly(columns: list[PeriodColumn]) -> bool:
    months = [c for c in _one_measure(columns) if c.calendar_month is not None and c.period is None]
    quarters = [c.quarter for c in months]
    return bool(months) and all(
        c.quarter_in_label and c.quarter is not None
        and calendar_month_to_fy_month(c.calendar_month) == c.quarter * 3 for c in months
    ) and len(set(quarters)) == len(quarters)


def _descending(columns: list[PeriodColumn]) -> bool:
    """Months written newest first (``Dec Nov Oct …``)."""
    months = [calendar_month_to_fy_month(c.calendar_month) for c in _one_measure(columns)
              if c.calendar_month is not None and c.period is None]
    steps = [b - a for a, b in zip(months, months[1:])]
    return sum(1 for s in steps if s < 0) > sum(1 for s in steps if s > 0)


def assign_periods(columns: list[PeriodColumn], fy: FinancialYear | None, calendar_year: int | None = None,
                   year_problem: str | None = None) -> list[PeriodColumn]:
    """Each value column's period; months with no year of their own take the table's (moving
    on a year past March), or ``calendar_year``; with a ``year_problem`` they take none."""
    columns = [replace(c, band_calendar_year=calendar_year) if calendar_year is not None and c.period is None
               and c.band_fy is None and c.band_calendar_year is None and c.calendar_month is not None else c
               for c in columns]
    if year_problem is not None:
        columns = [replace(c, problem=UNCERTAIN_YEAR) if c.period is None and c.band_fy is None
                   and c.band_calendar_year is None else c for c in columns]
    quarterly = _is_quarterly(columns)
    descending = _descending(columns)
    # Each measure's months run on their own ("Apr … Dec Target" then "Apr … Dec Actual" is one year).
    resolved, years, last_months = [], {}, {}
    for column in columns:
        current_fy, last_fy_month = years.get(column.measure, fy), last_months.get(column.measure)
        if column.period is not None or column.problem is not None:
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
            years[column.measure], last_months[column.measure] = current_fy, last_fy_month
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
    months = [(c.calendar_month, c.measure) for c in bare]
    if len(set(months)) == len(months):
        return resolved
    fy_months = [calendar_month_to_fy_month(c.calendar_month) for c in _one_measure(bare)]
    steps = [b - a for a, b in zip(fy_months, fy_months[1:])]
    wrapped = any(s > 0 for s in steps) if _descending(columns) else any(s < 0 for s in steps)
    doubtful = {c.col for c in bare} if wrapped else {
        c.col for c in bare if months.count((c.calendar_month, c.measure)) > 1}
    return [replace(c, period=None, problem=REPEATED_MONTH) if c.col in doubtful else c for c in resolved]


def duplicate_columns(table: Table) -> list[list[PeriodColumn]]:
    """Groups of value columns that give the same period, or the same month with no year over
    either; none of them is read, and the table's columns say so."""
    groups: dict[object, list[PeriodColumn]] = {}
    for column in table.period_columns:
        if column.period is not None:
            groups.setdefault((column.period, column.measure), []).append(column)
        elif column.problem == REPEATED_MONTH:
            groups.setdefault(("month", column.calendar_month, column.measure), []).append(column)
    clashes = [group for group in groups.values() if len(group) > 1 or group[0].problem == REPEATED_MONTH]
    clashing = {c.col for group in clashes for c in group}
    if clashing:
        table.period_columns = [replace(c, period=None, problem=SAME_PERIOD) if c.col in clashing else c
                                for c in table.period_columns]
    return clashes
