"""An xlsxwriter worksheet that writes its cells' XML a row at a time.

xlsxwriter renders each cell through a general routine (attribute lists, escaping checks, one
file write per cell) that costs about 5 µs a cell; a scorecard of 5,000 indicators has 300,000
cells. Numbers, shared strings and blanks, nearly every cell here, are rendered by this class in
one string per row instead, with xlsxwriter's own escaping; anything else (formulas, rich
strings) goes to xlsxwriter's own routine. The bytes written are the same as xlsxwriter's
(tests/test_fast_worksheet.py compares whole files).
"""

from __future__ import annotations

import math
import re
import threading
import zipfile

import xlsxwriter.workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# This module overrides xlsxwriter's private rendering (setup.cfg bounds xlsxwriter to the minor
# versions tests/test_fast_worksheet.py compares byte for byte). Where a version lacks what it
# needs, the scorecard is written by stock xlsxwriter instead, with no error (rendering_ok()).
try:
    from xlsxwriter.utility import _preserve_whitespace
    from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple
except ImportError:  # pragma: no cover - only on an xlsxwriter outside the tested range
    _preserve_whitespace = None
    CellBlankTuple = CellDatetimeTuple = CellNumberTuple = CellStringTuple = None

_NUMBER_KINDS = (CellNumberTuple, CellDatetimeTuple)
# The private members of xlsxwriter's Worksheet the fast rendering calls or replaces.
WORKSHEET_INTERNALS = ("_write_string", "_write_number", "_write_blank", "_write_rows", "_write_single_row",
                       "_calculate_spans", "_write_cell", "_write_row", "_write_empty_row", "_escape_data",
                       "_escape_control_characters")
WORKSHEET_ATTRIBUTES = ("table", "row_spans", "row_info", "col_info", "comments", "str_table", "previous_row",
                        "dim_rowmin", "dim_rowmax", "dim_colmin", "dim_colmax", "constant_memory", "fh")


def rendering_ok() -> bool:
    """Whether this xlsxwriter has the internals the fast worksheet uses."""
    if _preserve_whitespace is None or CellStringTuple is None:
        return False
    if not all(callable(getattr(Worksheet, name, None)) for name in WORKSHEET_INTERNALS):
        return False
    probe = Worksheet()
    return all(hasattr(probe, name) for name in WORKSHEET_ATTRIBUTES)


def zipping_ok() -> bool:
    """Whether this xlsxwriter zips through ``xlsxwriter.workbook.ZipFile`` in ``_store_workbook``."""
    return hasattr(xlsxwriter.workbook, "ZipFile") and callable(getattr(xlsxwriter.workbook.Workbook,
                                                                        "_store_workbook", None))
_COLUMN_NAMES: list[str] = [xl_col_to_name(col) for col in range(702)]  # A to ZZ


# Text that xlsxwriter would change when writing it inline: control characters and literal
# "_xHHHH_" (escaped), XML specials (escaped), whitespace at either end (kept by an attribute).
# Anything else is written as it is.
_NEEDS_CARE = re.compile(r'[\x00-\x08\x0b-\x1f"&<>\n]|_x[0-9a-fA-F]{4}_|^\s|\s$')
_PLAIN: dict[str, bool] = {}  # short texts repeat (status words, frequencies): checked once each


def _is_plain(text: str) -> bool:
    plain = _PLAIN.get(text)
    if plain is None:
        plain = not _NEEDS_CARE.search(text)
        if len(text) <= 40 and len(_PLAIN) < 50_000:
            _PLAIN[text] = plain
    return plain


_new_tuple = tuple.__new__
# Below this a string cannot exceed Excel's 32,767 UTF-16 units (xlsxwriter checks longer ones).
_SURELY_SHORT = 16_384


class ScorecardWorksheet(Worksheet):
    """A worksheet whose rows are rendered by :meth:`_write_cells`, byte for byte as xlsxwriter would.

    The typed writers take a shorter road for the common case (a cell inside the sheet, a
    finite number, a short string, a row-at-a-time sheet not in use) and leave the rest to
    xlsxwriter; they store the same cell tuples.
    """

    def _write_string(self, row, col, string, cell_format=None):
        if len(string) >= _SURELY_SHORT or not self._note_cell(row, col):
            return super()._write_string(row, col, string, cell_format)
        if self.constant_memory:
            self.table[row][col] = _new_tuple(CellStringTuple, (string, cell_format))  # written inline
        else:
            self.table[row][col] = _new_tuple(CellStringTuple, (self.str_table._get_shared_string_index(string),
                                                                cell_format))
        return 0

    def _write_number(self, row, col, number, cell_format=None):
        if (number.__class__ not in (int, float) or not math.isfinite(number)
                or not self._note_cell(row, col)):
            return super()._write_number(row, col, number, cell_format)
        self.table[row][col] = _new_tuple(CellNumberTuple, (number, cell_format))
        return 0

    def _write_blank(self, row, col, blank, cell_format=None):
        if cell_format is None or not self._note_cell(row, col):
            return super()._write_blank(row, col, blank, cell_format)
        self.table[row][col] = _new_tuple(CellBlankTuple, (cell_format,))
        return 0

    def store_plain_cells(self, row: int, cells: list) -> list:
        """Store a row's ``(col, value, format, ...)`` cells that are text, finite numbers or
        formatted blanks, as the typed writers would; return the others, for those writers."""
        if not 0 <= row < 1_048_576 or (self.constant_memory and row < self.previous_row):
            return cells
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)
        row_cells = self.table[row]
        shared = None if self.constant_memory else self.str_table._get_shared_string_index
        others, used = [], []
        for cell in cells:
            col, value, fmt = cell[0], cell[1], cell[2]
            kind = value.__class__
            if not 0 <= col < 16_384:
                others.append(cell)
            elif kind is str and len(value) < _SURELY_SHORT:
                row_cells[col] = _new_tuple(CellStringTuple, (value if shared is None else shared(value), fmt))
            elif (kind is float and math.isfinite(value)) or kind is int:
                row_cells[col] = _new_tuple(CellNumberTuple, (value, fmt))
            elif value is None and fmt is not None:
                row_cells[col] = _new_tuple(CellBlankTuple, (fmt,))
            elif value is not None:
                others.append(cell)
                continue
            else:
                continue  # an unformatted blank: nothing to store, as xlsxwriter
            used.append(col)
        if used:
            self._note_cell(row, min(used))
            self._note_cell(row, max(used))
        return others

    def _note_cell(self, row: int, col: int) -> bool:
        """Widen the sheet's used range to the cell; False (nothing noted) outside the sheet or,
        row by row, above the row being written. Row by row, a new row first sends out the last."""
        if not (0 <= row < 1_048_576 and 0 <= col < 16_384):
            return False
        if self.constant_memory:
            if row < self.previous_row:
                return False
            if row > self.previous_row:
                self._write_single_row(row)
        # As xlsxwriter's _check_dimensions: set_row() may have set the rows' range but not the columns'.
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or col < self.dim_colmin:
            self.dim_colmin = col
        if self.dim_colmax is None or col > self.dim_colmax:
            self.dim_colmax = col
        return True

    def _write_rows(self) -> None:
        self._calculate_spans()
        table, row_info, comments, spans = self.table, self.row_info, self.comments, self.row_spans
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if cells:
                self._write_row(row, spans.get(row // 16), row_info.get(row))
                self._write_cells(row, cells)
                self.fh.write("</row>")
            elif row in row_info or row in comments:
                self._write_empty_row(row, spans.get(row // 16), row_info.get(row))

    def _write_single_row(self, current_row_num=0) -> None:
        row = self.previous_row
        self.previous_row = current_row_num
        cells = self.table.get(row)
        if cells:
            self._write_row(row, None, self.row_info.get(row))
            self._write_cells(row, cells)
            self.fh.write("</row>")
        elif row in self.row_info or row in self.comments:
            self._write_empty_row(row, None, self.row_info.get(row))
        self.table.clear()

    def _calculate_spans(self) -> None:
        # Each block of 16 rows carries the first and last column used in it ("spans"): optional
        # in the format, but written as xlsxwriter writes it so that files compare equal.
        spans: dict[int, str] = {}
        low = high = None
        first, last = self.dim_colmin, self.dim_colmax
        table, comments = self.table, self.comments
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            used = list(table.get(row) or ())
            if row in comments:
                used += [col for col in comments[row] if first <= col <= last]
            if used:
                row_low, row_high = min(used), max(used)
                if low is None:
                    low, high = row_low, row_high
                else:
                    low, high = min(low, row_low), max(high, row_high)
            if (row + 1) % 16 == 0 or row == self.dim_rowmax:
                if low is not None:
                    spans[row // 16] = f"{low + 1}:{high + 1}"
                    low = high = None
        self.row_spans = spans

    def _write_cells(self, row: int, cells: dict) -> None:
        parts: list[str] = []
        number = str(row + 1)
        row_info = self.row_info.get(row)
        row_format = row_info.row_format if row_info else None
        shared_strings = not self.constant_memory
        styles = self.__dict__.setdefault("_styles", {})  # id(format) -> ' s="n"': a sheet has a few dozen
        for col in sorted(cells):
            cell = cells[col]
            kind = cell.__class__
            fmt = cell.format or row_format
            if fmt is None and col in self.col_info:
                fmt = self.col_info[col].column_format
            if fmt is None:
                style = ""
            else:
                style = styles.get(id(fmt))
                if style is None:
                    style = styles[id(fmt)] = f' s="{fmt._get_xf_index()}"'
            ref = (_COLUMN_NAMES[col] if col < 702 else xl_col_to_name(col)) + number
            if kind in _NUMBER_KINDS:
                parts.append(f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>')
            elif kind is CellStringTuple and shared_strings:
                parts.append(f'<c r="{ref}"{style} t="s"><v>{cell.string}</v></c>')
            elif kind is CellStringTuple and _is_plain(cell.string):
                # constant_memory: the text itself, "inline" (no shared string table is kept).
                parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{cell.string}</t></is></c>')
            elif kind is CellStringTuple and not cell.string.startswith("<r>"):
                text = self._escape_control_characters(cell.string)
                keep = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
                parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{keep}>{self._escape_data(text)}</t></is></c>')
            elif kind is CellBlankTuple:
                parts.append(f'<c r="{ref}"{style}/>')
            else:
                self.fh.write("".join(parts))
                parts.clear()
                self._write_cell(row, col, cell)
        self.fh.write("".join(parts))


class ScorecardWorkbook(xlsxwriter.workbook.Workbook):
    """A workbook of :class:`ScorecardWorksheet` sheets, zipped at ``compress_level`` (zlib's 1 to 9).

    xlsxwriter zips at zlib's default level 6 and offers no setting; a large scorecard's 19 MB
    of XML take 0.27 s at level 6 and 0.08 s at level 1, for a file about a third larger.
    """

    worksheet_class = ScorecardWorksheet

    def __init__(self, filename, options=None, *, compress_level: int | None = None):
        super().__init__(filename, options)
        self.compress_level = compress_level

    def _store_workbook(self) -> None:
        # xlsxwriter makes its ZipFile by its module's name for it, and the members' ZipInfo
        # (whose level wins over the archive's); both are swapped for the call, under a lock.
        if not zipping_ok():  # pragma: no cover - only on an xlsxwriter outside the tested range
            return super()._store_workbook()
        level = self.compress_level
        with _ZIP_SWAP:
            original = xlsxwriter.workbook.ZipFile
            xlsxwriter.workbook.ZipFile = lambda *args, **kwargs: _LevelledZipFile(*args, compresslevel=level,
                                                                                    **kwargs)
            try:
                return super()._store_workbook()
            finally:
                xlsxwriter.workbook.ZipFile = original


_ZIP_SWAP = threading.Lock()


class _LevelledZipFile(zipfile.ZipFile):
    """A zip file whose members given as ZipInfo are also compressed at the archive's level
    (``None``: zlib's default, as xlsxwriter's), and that is abandoned, not finished, when a
    write fails (a full disk): finishing it later, from its destructor, would fail again and
    print a traceback on the way out."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        try:
            return super().writestr(zinfo_or_arcname, data, compress_type,
                                    self.compresslevel if compresslevel is None else compresslevel)
        except BaseException:
            self._abandon()
            raise

    def write(self, *args, **kwargs):
        try:
            return super().write(*args, **kwargs)
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        handle, self.fp = self.fp, None  # close() and the destructor then have nothing left to do
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass
