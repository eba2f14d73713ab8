"""Our own return template (documented in ``templates/README.md``): an ``Indicators`` sheet with
one row of metadata per indicator, and a ``Values`` sheet in long form (ref, period, value,
optional period target, note). A CSV export in the long form reads through :func:`read_values`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..errors import PeriodError
from ..core.model import PARTLY_READ, Observation, Period, Severity, Source, parse_period
from .cells import read_cell
from .header import Table
from .rows import (METADATA_FIELDS, ReadContext, SheetRecords, data_rows, indicator_from_row, ledger_role, number_at,
                   observation_of, row_commentary)
from .sheets import a1

INDICATORS_NAME = "template indicators"
VALUES_NAME = "long values"
BAD_PERIOD = (Severity.ERROR, "period not understood (write e.g. 'Dec 2020' or '2020/21 Q3')", "row skipped",
              PARTLY_READ)
NO_REF = (Severity.WARNING, "value row has no indicator ref", "row skipped", PARTLY_READ)
NO_NAME = (Severity.WARNING, "indicator row has no ref", "row skipped", PARTLY_READ)


def sniff_indicators(table: Table) -> bool:
    # A "Code | Name" lookup table is not an indicator sheet: it must say something about targets.
    describes_targets = any(table.has(name) for name in ("polarity", "annual_target", "frequency", "profile"))
    return table.has("ref", "name") and describes_targets and not table.has("value") and not table.period_columns


def sniff_values(table: Table) -> bool:
    return table.has("ref", "period", "value")


def read_indicators(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    carried = context.carried
    for row in data_rows(table, records):
        ref = table.grid.text(row, table.col("ref"))
        if not ref:
            if not carried.heading(table.grid, row, context.ledger) and table.grid.text(row, table.col("name")):
                context.report_row(NO_NAME, table, row, table.col("ref"))
            continue
        indicator = indicator_from_row(table, row, ref, table.grid.text(row, table.col("name")),
                                       carried.update(table, row, context.ledger), [], context)
        if indicator is not None:
            records.indicators.append(indicator)
        records.rows_read += 1
    return records


def _period(value: object) -> Period:
    if isinstance(value, (dt.date, dt.datetime)):
        return Period.month(value.year, value.month)  # a date in the period column names its month
    return _period_of_text(" ".join(str(value).split()))


# Each return repeats a handful of period texts ("Dec 2020") on every row.
_period_of_text = lru_cache(maxsize=1024)(parse_period)


def single_value(table: Table, row: int, col: int, ref: str, period: Period, context: ReadContext, *,
                 target_col: int | None = None, note_col: int | None = None) -> Observation | None:
    """The observation of a row that holds one period's value in column ``col`` (a long-form row,
    a row of a sheet for one period), with the row's period target, note and narrative."""
    grid, ledger = table.grid, context.ledger
    reading = read_cell(grid.cell(row, col))
    if reading.problem:
        context.collector.problem(reading.problem, grid.name, row, col, ref=ref, raw=reading.raw)
    note = grid.text(row, note_col) if note_col else ""
    ledger.field(row, note_col)
    target = number_at(table, row, target_col, context, ref)
    observation = observation_of(reading, ref, period, Source(grid.path, grid.name, a1(row, col)), target,
                                 note or None, row_commentary(table, row, context))
    ledger.mark(row, col, ledger_role(observation))
    return observation


METADATA_REPEAT_DIFFERS = (Severity.WARNING, "indicator details differ from the first row for this ref",
                           "the first row's details used")


def _metadata_cols(table: Table) -> list[int]:
    return [table.col(name) for name in METADATA_FIELDS if table.has(name)]


def check_repeat(table: Table, row: int, ref: str, first_texts: dict, context: ReadContext,
                 skip: frozenset[int] = frozenset()) -> None:
    """An export repeats the indicator's details on every row: the first row describes it (its
    text in each metadata column is ``first_texts[(ref, column)]``), and a later row that says
    otherwise is reported (a target changed half way down, say). ``skip``: columns already
    accounted for (a tier written once carries down to the rows under it)."""
    for col in _metadata_cols(table):
        text = table.grid.text(row, col)
        if not text or col in skip:
            continue
        if text != first_texts.get((ref, col), text):
            context.report(METADATA_REPEAT_DIFFERS, table, row, col, ref=ref, raw=text)
        else:
            context.ledger.field(row, col)


def read_values(table: Table, context: ReadContext) -> SheetRecords:
    """Long-form rows; when rows also carry metadata (name, polarity…) they describe the indicator."""
    records = SheetRecords()
    grid = table.grid
    described: set[str] = set()
    observed: dict[str, list] = {}
    first_texts: dict[tuple[str, int], str] = {}
    ref_col, period_col, value_col = table.col("ref"), table.col("period"), table.col("value")
    note_col, target_col, name_col = table.col("note"), table.col("period_target"), table.col("name")
    describes = table.has("polarity")
    ledger = context.ledger
    for row in data_rows(table, records):
        ref = grid.text(row, ref_col)
        if not ref:
            context.report_row(NO_REF, table, row, ref_col)
            continue
        try:
            period = _period(grid.value(row, period_col))
        except PeriodError:
            context.report_row(BAD_PERIOD, table, row, period_col, ref=ref, raw=grid.text(row, period_col))
            continue
        context.saw_ref(table, row, ref_col, ref)
        ledger.field(row, period_col)
        ledger.field(row, name_col)
        observation = single_value(table, row, value_col, ref, period, context, target_col=target_col,
                                   note_col=note_col)
        if observation is not None:
            records.observations.append(observation)
            observed.setdefault(ref, []).append(observation)
        if ref not in described and describes:
            described.add(ref)
            indicator = indicator_from_row(table, row, ref, grid.text(row, name_col) if name_col else ref,
                                           context.carried.update(table, row, ledger), observed.get(ref, []), context)
            if indicator is not None:
                records.indicators.append(indicator)
            first_texts.update(((ref, col), grid.text(row, col)) for col in _metadata_cols(table))
        elif describes:
            check_repeat(table, row, ref, first_texts, context)
        records.rows_read += 1
    return records
