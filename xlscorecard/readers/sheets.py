"""Load a sheet (of a workbook or a CSV file) into a bounded grid of cells that layouts read.

openpyxl's read-only mode keeps memory flat, but it trusts the declared sheet dimension and
hides merged cells and formulas with no cached value. So the dimension is reset and rows are
capped here, and the sheet's XML is streamed once (through defusedxml) for merges and
formulas, only for sheets a layout has recognised.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from defusedxml.ElementTree import iterparse

from ..errors import ReturnError
from ..core.model import Finding, Severity, Source
from .safety import Limits

SPREADSHEETML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Stands in the CSV stream for a line too long to read (a private-use character no return holds).
_OVERLONG = "\ue000"
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})


class Cell(NamedTuple):
    """One non-empty cell: its value as openpyxl gives it, its number format, and two flags
    openpyxl's values alone cannot express. (A named tuple: a large sheet makes a million.)"""

    value: object
    number_format: str = "General"
    is_error: bool = False
    formula_without_value: bool = False


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


@dataclass
class SheetGrid:
    """A sheet's cells by (row, column), 1-based like Excel, with its merged ranges.

    ``truncated`` says rows beyond the reading cap were left unread (a finding reports it).
    """

    path: str
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    truncated: bool = False
    hidden: bool = False
    # Hidden rows and columns are read like the others; a finding says they were hidden.
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    _merges_by_row: dict[int, list[Merge]] | None = field(default=None, repr=False)
    _texts: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    _filled_rows: set[int] | None = field(default=None, repr=False)
    _row_counts: dict[int, int] | None = field(default=None, repr=False)
    # Findings about the file itself (a CSV line too long to be a row), for the file's findings.
    findings: list = field(default_factory=list, repr=False)

    def cell(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> object:
        found = self.cells.get((row, col))
        return None if found is None else found.value

    def text(self, row: int, col: int) -> str:
        """The cell as a person reads it, stripped; merged cells read as their top-left cell."""
        key = self.anchor(row, col) if self.merges else (row, col)
        known = self._texts.get(key)
        if known is not None:
            return known
        cell = self.cells.get(key)
        if cell is None:
            return ""
        if key not in self._texts:
            value = cell.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, dt.datetime):
                value = value.date()  # a month header typed as a date ("Apr-20") reads "2020-04-01"
            self._texts[key] = " ".join(str(value).split())
        return self._texts[key]

    def merge_at(self, row: int, col: int) -> Merge | None:
        if self._merges_by_row is None:
            self._merges_by_row = {}
            for merge in self.merges:
                for merged_row in range(merge.min_row, merge.max_row + 1):
                    self._merges_by_row.setdefault(merged_row, []).append(merge)
        for merge in self._merges_by_row.get(row, ()):
            if merge.min_col <= col <= merge.max_col:  # the row is covered: _merges_by_row says so
                return merge
        return None

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merge covering (row, col), or the cell itself."""
        merge = self.merge_at(row, col) if self.merges else None
        return (merge.min_row, merge.min_col) if merge else (row, col)

    def row_texts(self, row: int) -> list[str]:
        if self.merges:
            return [self.text(row, col) for col in range(1, self.n_cols + 1)]
        # As text() for each cell, without a call per cell: the header search reads whole rows.
        known, cells, text = self._texts, self.cells, self.text
        return [known.get((row, col)) or ("" if (row, col) not in cells else text(row, col))
                for col in range(1, self.n_cols + 1)]

    def cells_on_row(self, row: int) -> int:
        """How many non-empty cells the row holds (a merged range counts once)."""
        if self._row_counts is None:
            self._row_counts = {}
            for r, _ in self.cells:
                self._row_counts[r] = self._row_counts.get(r, 0) + 1
        return self._row_counts.get(row, 0)

    def is_blank_row(self, row: int) -> bool:
        if self._filled_rows is None:
            self._filled_rows = {r for r, _ in self.cells}
        if row in self._filled_rows:
            return False  # every cell held is non-blank text or a value
        # A row of empty cells still reads a merged text from the row above (an outcome merged over rows).
        return not (self.merges and any(self.text(row, col) for col in range(1, self.n_cols + 1)))

    def _put(self, row: int, col: int, cell: Cell) -> None:
        self.cells[(row, col)] = cell
        self._filled_rows = self._row_counts = None
        self.n_rows = max(self.n_rows, row)
        self.n_cols = max(self.n_cols, col)


def column_letter(col: int) -> str:
    """1 -> ``A``, 28 -> ``AB`` (openpyxl is not imported for this: it costs 0.15 s to load)."""
    letters = ""
    while col > 0:
        col, remainder = divmod(col - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """``A`` -> 1, ``AB`` -> 28."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def a1(row: int, col: int) -> str:
    """The A1 reference of a cell.

    >>> a1(7, 28)
    'AB7'
    """
    return f"{column_letter(col)}{row}"


class OpenpyxlSheet:
    """One worksheet of a read-only openpyxl workbook, loaded on demand (as readers/fast_sheets.py's)."""

    def __init__(self, path: Path, worksheet):
        self.path, self._worksheet = path, worksheet
        self.title = worksheet.title
        self.hidden = worksheet.sheet_state != "visible"

    def load(self, limits: Limits, max_rows: int | None = None, with_structure: bool = False) -> SheetGrid:
        return load_worksheet(self.path, self._worksheet, limits, max_rows, with_structure)


def workbook_sheets(path: Path, workbook) -> list[OpenpyxlSheet]:
    """The worksheets of a read-only workbook (chartsheets have no cells to read)."""
    return [OpenpyxlSheet(path, ws) for ws in workbook.worksheets if hasattr(ws, "iter_rows")]


def load_worksheet(path: Path, worksheet, limits: Limits, max_rows: int | None = None,
                   with_structure: bool = False) -> SheetGrid:
    """Read up to ``max_rows`` rows (default ``limits.max_rows``) of a read-only worksheet.

    ``with_structure`` also streams the sheet XML for merged ranges and formulas with no
    cached value; sniffing does without, reading a recognised sheet needs it.
    """
    cap = min(max_rows or limits.max_rows, limits.max_rows)
    grid = SheetGrid(str(path), worksheet.title, hidden=worksheet.sheet_state != "visible")
    worksheet.reset_dimensions()  # never trust the declared dimension (it may claim a million rows)
    for row_number, row in enumerate(worksheet.iter_rows(max_col=limits.max_cols), start=1):
        if row_number > cap or len(grid.cells) > limits.max_cells:
            grid.truncated = max_rows is None
            break
        for col_number, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                # A megabyte-long string (a known attack) is no ref, name or note anyone typed.
                value = value[: limits.max_cell_chars] + "…"
            is_error = getattr(cell, "data_type", None) == "e" or (isinstance(value, str) and value in EXCEL_ERRORS)
            grid._put(row_number, col_number,
                      Cell(value, getattr(cell, "number_format", None) or "General", is_error))
    if with_structure:
        _add_structure(grid, worksheet, cap, limits.max_cols)
    return grid


def _add_structure(grid: SheetGrid, worksheet, max_row: int, max_col: int) -> None:
    """Stream the sheet part for ``<mergeCell>`` and for ``<c>`` with ``<f>`` but no ``<v>``."""
    from openpyxl.utils.cell import range_boundaries
    archive: zipfile.ZipFile = worksheet.parent._archive
    with archive.open(worksheet._worksheet_path) as source:
        for _event, element in iterparse(source, events=("end",), forbid_dtd=True):
            tag = element.tag
            if tag == f"{SPREADSHEETML}c":
                _note_formula(grid, element, max_row, max_col, range_boundaries)
                element.clear()
            elif tag == f"{SPREADSHEETML}row":
                if is_hidden(element.get("hidden")) and (element.get("r") or "").isdigit():
                    grid.hidden_rows.add(int(element.get("r")))
                element.clear()
            elif tag == f"{SPREADSHEETML}col":
                if is_hidden(element.get("hidden")):
                    grid.hidden_cols.update(_col_span(element.get("min"), element.get("max"), max_col))
            elif tag == f"{SPREADSHEETML}mergeCell":
                _note_merge(grid, element.get("ref", ""), max_row, max_col, range_boundaries)


def is_hidden(flag: str | None) -> bool:
    return (flag or "").lower() in ("1", "true")


def _col_span(first: str | None, last: str | None, max_col: int) -> range:
    try:
        return range(max(1, int(first or 0)), min(int(last or first or 0), max_col) + 1)
    except ValueError:
        return range(0)


def _note_formula(grid: SheetGrid, element, max_row: int, max_col: int, range_boundaries) -> None:
    formula = element.find(f"{SPREADSHEETML}f")
    if formula is None:
        return
    cached = element.find(f"{SPREADSHEETML}v")
    if cached is not None and (cached.text or "") != "":
        return
    try:
        col, row, _, _ = range_boundaries(element.get("r", ""))
    except (ValueError, TypeError):
        return
    if row <= max_row and col <= max_col:
        text = f"={formula.text}" if formula.text else "=(shared formula)"
        grid._put(row, col, Cell(text, formula_without_value=True))


def _note_merge(grid: SheetGrid, ref: str, max_row: int, max_col: int, range_boundaries) -> None:
    try:
        min_col, min_row, last_col, last_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return
    if min_row <= max_row and min_col <= max_col:
        grid.merges.append(Merge(min_row, min_col, min(last_row, max_row), min(last_col, max_col)))


def load_csv(path: Path, limits: Limits) -> SheetGrid:
    """Read a CSV return into a grid named after the file (CSV has no sheets).

    The file is streamed, never read whole: only the rows within the limits are held. UTF-8,
    Windows' cp1252 and UTF-16 with a byte-order mark (Excel's "Unicode Text", tab-separated)
    are read. A line longer than a whole row of cells can be is one finding in ``grid.findings``
    and an empty row, not a run of phantom rows. A file that changes while it is read (still
    being saved) is read once more; if it changes again, :class:`ReturnError` says so.
    """
    for _attempt in range(2):
        before = _state(path)
        grid = _load_any_encoding(path, limits)
        if _state(path) == before:
            return grid
    raise ReturnError("the file changed while it was being read (it is probably still being saved), so it was not "
                      "read; run again once it is saved")


def _state(path: Path) -> tuple[int, int, int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev


def _load_any_encoding(path: Path, limits: Limits) -> SheetGrid:
    with path.open("rb") as handle:
        if handle.read(2) in UTF16_BOMS:
            return _load_csv(path, limits, "utf-16", "replace")
    try:
        return _load_csv(path, limits, "utf-8-sig", "strict")
    except UnicodeDecodeError:
        return _load_csv(path, limits, "cp1252", "replace")  # Excel on Windows saves CSV as cp1252


def _load_csv(path: Path, limits: Limits, encoding: str, errors: str) -> SheetGrid:
    grid = SheetGrid(str(path), path.stem)
    longest_line = limits.max_cols * (limits.max_cell_chars + 3)
    # A long field is cut to max_cell_chars like a workbook cell, not refused (the limit only rises).
    csv.field_size_limit(max(csv.field_size_limit(), longest_line))
    overlong: list[int] = []
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        try:
            dialect = csv.Sniffer().sniff(handle.read(4096), delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        handle.seek(0)
        rows = csv.reader(_bounded_lines(handle, longest_line), dialect)
        row_number = 0
        while row_number < limits.max_rows and len(grid.cells) <= limits.max_cells:
            row_number += 1
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error:  # a quoted field longer than any line: the row cannot be read
                grid.truncated = True
                continue
            if row == [_OVERLONG]:
                overlong.append(row_number)
                continue
            for col_number, value in enumerate(row[: limits.max_cols], start=1):
                if value.strip():
                    grid._put(row_number, col_number, Cell(value[: limits.max_cell_chars]))
        else:
            try:
                grid.truncated = grid.truncated or next(rows, None) is not None
            except csv.Error:
                grid.truncated = True
    if overlong:
        shown = ", ".join(a1(row, 1) for row in overlong[:5])
        grid.findings.append(Finding(
            Severity.ERROR, f"{len(overlong)} line{'s' if len(overlong) > 1 else ''} longer than {longest_line:,} "
            f"characters (a row of {limits.max_cols} cells of {limits.max_cell_chars:,} characters at most)",
            Source(str(path), grid.name, shown), action="not read; check that the file is a CSV return with a line "
            "break at the end of each row", count=len(overlong)))
    return grid


def _bounded_lines(handle, longest: int):
    """The file's lines, none longer than ``longest`` characters: a longer one (a file with no line
    breaks) is skipped without being held in memory, and stands as the line :data:`_OVERLONG`."""
    while line := handle.readline(longest):
        if len(line) < longest or line.endswith(("\n", "\r")):
            yield line
            continue
        while (rest := handle.readline(longest)) and not rest.endswith(("\n", "\r")):
            pass
        yield _OVERLONG + "\n"


def is_date_like(value: object) -> bool:
    return isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta))
