"""The priority sheets' sparklines: a column per period held, the reporting period's in red.

Columns, not a line: LibreOffice (7.4) prints a line sparkline's markers but not its line, and a
column per period also shows a quarterly indicator's quarters as gaps between its columns. Each
sparkline's axis starts a quarter of its range below its lowest value (at zero for values that
are never negative and come near it): an axis at the lowest value, the default, draws that
value's column with no height, and when it is the reporting period's, its red goes unseen.

xlsxwriter builds every sparkline style's colours on each ``add_sparkline`` call (about 4 ms),
too slow to call once a row for thousands of rows: one call makes the first sparkline and the
others are copies of it with their own cells and axis. Where this xlsxwriter keeps its
sparklines otherwise, each gets its own call (slower, the same file).
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ...errors import OutputError

SPARKLINE = {"type": "column", "series_color": "#4472C4", "last_color": "#C00000"}
SPARKLINE_HEIGHT = 24.0  # points: a row of one line of text would flatten the columns
_COPIED = ("locations", "ranges", "count", "min")  # what a copy changes in xlsxwriter's record


def axis_floor(values: Sequence[float]) -> float:
    """Where the columns start: a quarter of the range below the lowest value, not below zero
    for values that are never negative; one below a series that does not vary."""
    low, high = min(values), max(values)
    floor = low - (high - low) / 4 if high > low else low - max(abs(low) * 0.1, 1)
    return max(floor, 0.0) if low >= 0 else floor


class Sparklines:
    """The sparklines of one sheet, gathered row by row and added at the end."""

    def __init__(self):
        self._wanted: list[tuple[str, str, float, bool]] = []

    def add(self, location: str, cells: str, values: Sequence[float], marked: bool) -> None:
        """A sparkline in ``location`` of ``cells``; ``marked`` colours its last column."""
        self._wanted.append((location, cells, axis_floor(values), marked))

    def write(self, worksheet: Worksheet) -> None:
        made: dict[bool, dict] = {}  # the first sparkline xlsxwriter made, marked or not
        for location, cells, floor, marked in self._wanted:
            if marked in made:
                worksheet.sparklines.append({**made[marked], "locations": [location], "ranges": [cells], "count": 1,
                                             "min": floor})
                continue
            options = {**SPARKLINE, "location": location, "range": cells, "last_point": marked, "min": floor}
            if worksheet.add_sparkline(0, 0, options):
                raise OutputError(f"could not add the sparkline in {location} to {worksheet.name}")
            kept = getattr(worksheet, "sparklines", None)
            if isinstance(kept, list) and kept and isinstance(kept[-1], dict) and all(k in kept[-1] for k in _COPIED):
                made[marked] = kept[-1]
