"""The ordered list of return layouts. To support a new layout, add a module with ``sniff(table)``
and ``read(table, context)`` (sharing :mod:`.rows`) and list it here, where its order says which
layout wins when two could read the same header."""

from __future__ import annotations

from typing import Callable, NamedTuple

from . import comparators, measure_grid, template, wide
from .header import Table
from .rows import ReadContext, SheetRecords


class Layout(NamedTuple):
    """A return layout: its name, whether a recognised header is one of it, and its reader."""

    name: str
    sniff: Callable[[Table], bool]
    read: Callable[[Table, ReadContext], SheetRecords]


# Order matters: comparator tables first (they may have a Ref and a Period as well as a Value),
# long values before the indicator sheet (both have ref and name), the wide layout (refs and
# value columns) before the grid (value columns, names but no refs).
LAYOUTS: tuple[Layout, ...] = (
    Layout(comparators.NAME, comparators.sniff, comparators.read),
    Layout(template.VALUES_NAME, template.sniff_values, template.read_values),
    Layout(template.INDICATORS_NAME, template.sniff_indicators, template.read_indicators),
    Layout(wide.NAME, wide.sniff, wide.read),
    Layout(measure_grid.NAME, measure_grid.sniff, measure_grid.read),
)
