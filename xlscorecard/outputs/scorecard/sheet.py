"""A thin layer over an xlsxwriter worksheet: typed, checked writes, widths and print setup.

Every value goes through :meth:`Sheet.put`, which picks the typed ``write_*`` call, so text
from a return is always written as text (never a formula or a link) and a failed write raises
instead of returning xlsxwriter's silent ``-1``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...errors import OutputError

MAX_SHEET_NAME = 31
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# Column widths are in characters of the default font; wrapped text lines hold about this many.
MIN_WIDTH, MAX_WIDTH = 6, 60
LINE_HEIGHT = 13.0  # points per line of 10-point text
# Widths count the digit "0"; words in a proportional font fit about this many more characters.
CHARS_PER_WIDTH = 1.35


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters, not already taken
    (compared without case, as Excel does), cut at a word boundary where possible.

    >>> sheet_name("Priority 1 - Ensure children and young people have a positive start", set())
    'Priority 1 - Ensure children'
    >>> sheet_name("Summary", {"summary"})
    'Summary (2)'
    """
    clean = _INVALID_SHEET_CHARS.sub("-", wanted).strip().strip("'") or "Sheet"
    for n in range(1, 1000):
        suffix = "" if n == 1 else f" ({n})"
        name = _shorten(clean, MAX_SHEET_NAME - len(suffix)) + suffix
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
    raise OutputError(f"cannot find a free sheet name for {wanted!r}")  # pragma: no cover


def _shorten(text: str, limit: int) -> str:
    """Cut at the last whole word that fits, dropping a dangling "and" or "of"."""
    if len(text) <= limit:
        return text
    words = text[:limit + 1].split(" ")[:-1]
    while words and (words[-1].lower() in _DANGLING or not words[-1].strip(" -,")):
        words.pop()
    cut = " ".join(words).rstrip(" -,")
    return cut if len(cut) >= limit // 2 else text[:limit].rstrip()


_DANGLING = {"a", "an", "and", "the", "of", "in", "for", "to", "with", "on", "&", "-"}


def footer_text(text: str) -> str:
    """Header/footer text is a small language where ``&`` starts a code: escape it."""
    return text.replace("&", "&&")


class Sheet:
    """A worksheet with checked, typed writes and a record of the text width of each column."""

    def __init__(self, worksheet: Worksheet):
        self.ws = worksheet
        self.widths: dict[int, int] = {}
        # xlsxwriter's public write_string/write_number first parse "A1"-style arguments; cells here
        # are always (row, col), so the typed writers behind them are called directly where present.
        self._write_string = getattr(worksheet, "_write_string", worksheet.write_string)
        self._write_number = getattr(worksheet, "_write_number", worksheet.write_number)
        self._write_blank = getattr(worksheet, "_write_blank", worksheet.write_blank)

    def put(self, row: int, col: int, value, fmt: Format | None = None, *, measure: bool = True) -> None:
        """Write ``value`` with the write call for its type; ``None`` writes a formatted blank."""
        kind = type(value)
        # The common types first, straight to the typed writers (this runs once per cell).
        if kind is str:
            result = self._write_string(row, col, value, fmt)
        elif (kind is float and math.isfinite(value)) or kind is int:
            result = self._write_number(row, col, value, fmt)
        elif value is None:
            result = self._write_blank(row, col, None, fmt)
        elif isinstance(value, float) and not math.isfinite(value):  # NaN or infinity: no number to show
            result = self.ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            result = self.ws.write_string(row, col, "Yes" if value else "No", fmt)
        elif isinstance(value, (int, float)):
            result = self.ws.write_number(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            result = self.ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
        elif isinstance(value, dt.date):
            result = self.ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
        else:
            result = self.ws.write_string(row, col, str(value), fmt)
        # -2 means a string over Excel's 32,767 characters was cut: still written, so not fatal.
        if result and result != -2:
            raise OutputError(f"could not write {value!r} to {self.ws.name} row {row + 1} column {col + 1} "
                              f"(xlsxwriter returned {result})")
        if measure and value is not None:
            self.measure(col, value if kind is str else _display_text(value))

    def put_cells(self, row: int, cells: list[tuple[int, object, Format | None, bool]]) -> None:
        """:meth:`put` each ``(col, value, format, measure)`` of one row, in one call for the row."""
        store = getattr(self.ws, "store_plain_cells", None)
        others = store(row, cells) if store is not None else cells  # the cells the fast road did not take
        handed_back = {id(cell) for cell in others}
        for cell in cells:
            col, value, _, measure = cell
            if measure and value is not None and id(cell) not in handed_back:
                self.measure(col, value if value.__class__ is str else _display_text(value))
        for col, value, fmt, measure in others:
            self.put(row, col, value, fmt, measure=measure)  # measures what it writes

    def put_row(self, row: int, first_col: int, values: Iterable, fmt: Format | None = None) -> None:
        for col, value in enumerate(values, start=first_col):
            self.put(row, col, value, fmt)

    def merge(self, row: int, first_col: int, last_col: int, text: str, fmt: Format) -> None:
        """Merge cells across a row and write ``text`` as a string into them."""
        if last_col > first_col:
            self.ws.merge_range(row, first_col, row, last_col, "", fmt)
        self.put(row, first_col, text, fmt, measure=False)

    def comment(self, row: int, col: int, text: str) -> None:
        if self.ws.write_comment(row, col, text, {"x_scale": 2, "y_scale": 2}) != 0:
            raise OutputError(f"could not add a comment to {self.ws.name} row {row + 1}")

    def measure(self, col: int, text: str) -> None:
        longest = len(text) if "\n" not in text else max((len(line) for line in text.splitlines()), default=0)
        if longest > self.widths.get(col, 0):
            self.widths[col] = longest

    def fit_columns(self, fixed: dict[int, float] | None = None, *, padding: int = 2) -> None:
        """Set each column to the width of its longest text, within sensible bounds;
        ``fixed`` columns (long wrapped text) get the width given."""
        fixed = fixed or {}
        for col in sorted(set(self.widths) | set(fixed)):
            width = fixed.get(col) or min(max(self.widths[col] + padding, MIN_WIDTH), MAX_WIDTH)
            self.ws.set_column(col, col, width)

    def wrapped_height(self, text: str, width: float, lines_at_least: int = 1) -> float:
        """The row height that shows ``text`` wrapped in a column ``width`` characters wide."""
        per_line = max((width - 1) * CHARS_PER_WIDTH, 1)
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        return LINE_HEIGHT * max(lines, lines_at_least) + 2

    def print_setup(self, *, header_rows: tuple[int, int] | None, freeze: tuple[int, int],
                    footer: str, fit_tall: int = 0) -> None:
        """Landscape A4, one page wide, repeated header rows, frozen panes, a footer."""
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.fit_to_pages(1, fit_tall)
        if header_rows is not None:
            ws.repeat_rows(*header_rows)
        ws.freeze_panes(*freeze)
        ws.set_footer(f"&L&8{footer_text(footer)}&C&8&A&R&8Page &P of &N")


def _display_text(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (dt.date, dt.datetime)):
        return "00 Mmm 0000 00:00" if isinstance(value, dt.datetime) else "00 Mmm 0000"
    return str(value)
