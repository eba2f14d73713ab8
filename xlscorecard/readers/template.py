"""Our own return template (documented in ``templates/README.md``): an ``Indicators`` sheet with
one row of metadata per indicator, and a ``Values`` sheet in long form (ref, period, value,
optional period target, note). A CSV export in the long form reads through :func:`read_values`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..errors import PeriodError
from ..model import Observation, Period, Severity, Source, parse_period
from .cells import read_cell, read_number
from .header import Table
from .rows import ReadContext, SheetRecords, data_rows, indicator_from_row, row_commentary
from .sheets import a1

INDICATORS_NAME = "template indicators"
VALUES_NAME = "long values"
BAD_PERIOD = (Severity.ERROR, "period not understood (write e.g. 'Dec 2020' or '2020/21 Q3')", "row skipped")
NO_REF = (Severity.WARNING, "value row has no indicator ref", "row skipped")


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
            continue
        indicator = indicator_from_row(table, row, ref, table.grid.text(row, table.col("name")),
                                       carried.update(table, row), [], context)
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


def read_values(table: Table, context: ReadContext) -> SheetRecords:
    """Long-form rows; when rows also carry metadata (name, polarity…) they describe the indicator."""
    records = SheetRecords()
    grid = table.grid
    described: set[str] = set()
    observed: dict[str, list[Observation]] = {}
    ref_col, period_col, value_col = table.col("ref"), table.col("period"), table.col("value")
    note_col, target_col, name_col = table.col("note"), table.col("period_target"), table.col("name")
    describes = table.has("polarity")
    for row in data_rows(table, records):
        ref = grid.text(row, ref_col)
        if not ref:
            context.collector.problem(NO_REF, grid.name, row, ref_col)
            continue
        try:
            period = _period(grid.value(row, period_col))
        except PeriodError:
            context.collector.problem(BAD_PERIOD, grid.name, row, period_col, ref=ref, raw=grid.text(row, period_col))
            continue
        reading = read_cell(grid.cell(row, value_col))
        if reading.problem:
            context.collector.problem(reading.problem, grid.name, row, value_col, ref=ref, raw=reading.raw)
        note = (grid.text(row, note_col) if note_col else "") or reading.note
        target = read_number(grid, row, target_col)
        commentary = row_commentary(table, row)
        if reading.value is not None or note or target is not None or commentary:
            observation = Observation(ref, period, reading.value, target, note or None,
                                      Source(grid.path, grid.name, a1(row, value_col)), reading.raw, commentary)
            records.observations.append(observation)
            observed.setdefault(ref, []).append(observation)
        if ref not in described and describes:
            described.add(ref)
            indicator = indicator_from_row(table, row, ref, grid.text(row, name_col) if name_col else ref,
                                           {}, observed.get(ref, []), context)
            if indicator is not None:
                records.indicators.append(indicator)
        records.rows_read += 1
    return records
