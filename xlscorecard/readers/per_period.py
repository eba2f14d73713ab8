"""A sheet per period: one workbook per service with a tab per month or quarter (``Apr-20``,
``April 2020``, ``2020-04``, ``Q3 2020-21``, ``Dec``), each tab a table for that one period:
``Ref | Indicator | Value``, optionally with Target, Note and RAG columns.

The period is the tab's name, or a period cell above the table (``Period: December 2020``); a
tab that names only a month (``Dec``) takes its financial year from the workbook (its title
rows, the file name) or from ``--period``. A tab whose name and period cell disagree is not
read, and nor is a tab with no period at all: which period its values are for would be a guess.

Beside one period's value, ``Target`` is that period's target (SPEC rule 1: it wins over the
profile, and the register's own target for the period is compared with it); a column headed
``Annual target`` or ``20/21 Target`` stays the annual target.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import PeriodError
from ..core.model import PARTLY_READ, FinancialYear, Observation, Period, Severity
from .header import PeriodColumn, Table, period_label
from .rows import ReadContext, SheetRecords, data_rows
from .sheets import a1
from .synonyms import PERIOD_CELL_LABELS, header_key
from .template import single_value
from .wide import read_rows

NAME = "sheet per period"
_LABELLED = re.compile(r"(?P<label>[A-Za-z ]+?)\s*[:\-\u2013=]\s*(?P<period>\S.*)")
_CELL_LABELS = frozenset(header_key(label) for label in PERIOD_CELL_LABELS)


def sniff(table: Table) -> bool:
    """A table of values with no period in it: no period column, no month or quarter columns."""
    return (table.has("ref") or table.has("name")) and table.has("value") and not table.has("period") \
        and not table.period_columns


class SheetPeriod(NamedTuple):
    """The period a sheet's table is for, or why it has none (``problem``, at ``cell``)."""

    period: Period | None
    problem: str | None = None
    cell: tuple[int, int] | None = None


def as_period(text: str, fy: FinancialYear | None) -> Period | None:
    """The period a tab name or a period cell names, a bare month or quarter in year ``fy``.

    >>> as_period("Apr-20", None).label, as_period("Dec", FinancialYear(2020)).label, as_period("Data", None)
    ('Apr 2020', 'Dec 2020', None)
    """
    label = period_label(text) if text else None
    if isinstance(label, Period) or label is None:
        return label
    month, quarter = label
    if fy is None:
        return None
    try:
        if month is not None:
            return Period.month(fy.start if month >= 4 else fy.start + 1, month)
        return Period.quarter(fy, quarter)
    except PeriodError:
        return None


def period_cell(table: Table) -> tuple[str, tuple[int, int]] | None:
    """The period written above the table (``Period: December 2020``, or ``Month`` with
    ``Dec 2020`` in the next cell): its text and cell."""
    grid = table.grid
    for row in range(table.search_start, table.header_row):
        texts = grid.row_texts(row)
        for col, text in enumerate(texts, start=1):
            match = _LABELLED.fullmatch(text)
            if match and header_key(match["label"]) in _CELL_LABELS:
                return match["period"], (row, col)
            if text and header_key(text) in _CELL_LABELS:
                following = next(((c, t) for c, t in enumerate(texts[col:], start=col + 1) if t), None)
                if following is not None:
                    return following[1], (row, following[0])
    return None


def sheet_period(table: Table) -> SheetPeriod:
    """The period of a sheet's one table, from its tab name and any period cell above it."""
    grid, fy = table.grid, table.fy
    from_tab = as_period(grid.name, fy)
    written = period_cell(table)
    from_cell = as_period(written[0], fy) if written else None
    header = (table.header_row, table.col("value"))
    if written and from_tab is not None and from_cell is not None and from_tab != from_cell:
        return SheetPeriod(None, problem=f"the tab {grid.name!r} says {from_tab.label} but the period cell "
                           f"{a1(*written[1])} says {from_cell.label}", cell=written[1])
    if from_tab is not None:
        return SheetPeriod(from_tab)
    if from_cell is not None:
        return SheetPeriod(from_cell)
    if written:
        return SheetPeriod(None, problem=f"the period cell {a1(*written[1])} ({written[0]!r}) names no period "
                           + ("with its financial year" if period_label(written[0]) else "xlscorecard knows"),
                           cell=written[1])
    if period_label(grid.name):
        return SheetPeriod(None, problem=f"the tab {grid.name!r} names no financial year, and neither do the "
                           "title rows or the file name", cell=header)
    return SheetPeriod(None, problem=f"the tab name {grid.name!r} is no period, and there is no period cell "
                       "('Period: December 2020') above the table", cell=header)


def _with_period_target(table: Table) -> None:
    """A bare ``Target`` beside one period's value is that period's target."""
    col = table.col("annual_target")
    if col is None or table.has("period_target") or "annual_target" in table.field_years:
        return
    if header_key(table.header_texts.get(col, "")) == "target":
        table.fields["period_target"] = table.fields.pop("annual_target")


NO_PERIOD = "the sheet's period is unknown"


def read(table: Table, context: ReadContext) -> SheetRecords:
    grid = table.grid
    _with_period_target(table)
    found = sheet_period(table)
    if found.period is None:
        records = SheetRecords()
        rows = list(data_rows(table, records))
        if not rows:
            return records  # a header alone: nothing unread ("no values" is said for the file)
        for row in rows:
            context.ledger.report_row(row)
        context.collector.add(Severity.ERROR, f"{NO_PERIOD}: {found.problem}", sheet=grid.name, cell=a1(*found.cell),
                              count=len(rows), kind=PARTLY_READ,
                              action="nothing on this sheet read; name the tab for its period ('Dec 2020') or write "
                                     "'Period: December 2020' above the table")
        return records
    value_col = table.col("value")
    # The value column's period, for the layout report ("C = Dec 2020"), as a wide table's are.
    table.period_columns = [PeriodColumn(value_col, table.header_texts.get(value_col, ""), period=found.period)]

    def observe(table: Table, row: int, ref: str, context: ReadContext) -> list[Observation]:
        observation = single_value(table, row, value_col, ref, found.period, context,
                                   target_col=table.col("period_target"), note_col=table.col("note"))
        return [observation] if observation is not None else []

    return read_rows(table, context, observe, found.period)
