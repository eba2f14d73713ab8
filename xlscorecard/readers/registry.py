"""The ordered list of return layouts. To support a new layout, add a module with ``sniff(table)``
and ``read(table, context)`` (sharing :mod:`.rows`) and list it here, where its order says which
layout wins when two could read the same header."""

from __future__ import annotations

from typing import Callable, NamedTuple

from . import comparators, measure_grid, measure_rows, per_period, side_by_side, template, wide
from .header import Table
from .rows import ReadContext, SheetRecords


class Layout(NamedTuple):
    """A return layout: its name, whether a recognised header is one of it, and its reader."""

    name: str
    sniff: Callable[[Table], bool]
    read: Callable[[Table, ReadContext], SheetRecords]


# Order matters: comparator tables first (they may have a Ref and a Period as well as a Value),
# long values before the indicator sheet (both have ref and name), the wide layout (refs and
# value columns) before the grid (value columns, names but no refs). A sheet per period has a
# value column but no period in its header; target and actual side by side, and as rows, are
# wide tables said more precisely, so they come before it.
LAYOUTS: tuple[Layout, ...] = (
    Layout(comparators.NAME, comparators.sniff, comparators.read),
    Layout(template.VALUES_NAME, template.sniff_values, template.read_values),
    Layout(template.INDICATORS_NAME, template.sniff_indicators, template.read_indicators),
    Layout(per_period.NAME, per_period.sniff, per_period.read),
    Layout(side_by_side.NAME, side_by_side.sniff, side_by_side.read),
    Layout(measure_rows.NAME, measure_rows.sniff, measure_rows.read),
    Layout(wide.NAME, wide.sniff, wide.read),
    Layout(measure_grid.NAME, measure_grid.sniff, measure_grid.read),
)
