"""Read a workbook's sheets with python-calamine, about ten times faster than openpyxl.

calamine (Rust) gives cell values only: an Excel error, a formula with no cached value and a
percent format all come back as something else (an empty cell, or 0.63 for 63%). Those three
are what the value rules need (readers/cells.py), so each sheet's XML is scanned once with
byte patterns (C speed, no XML tree) for error cells, formulas without a value and cells
styled as percentages, and the grid is corrected from them.

calamine holds a sheet as a dense rectangle, so a hostile sheet with one cell at A1 and one at
XFD1048576 would ask it for billions of cells. The same scan measures each sheet's real extent
first; a workbook whose cells this scan cannot place (no ``r=`` attributes), whose extent is too
large, or which calamine cannot open is read by the openpyxl path instead (:class:`NotForCalamine`),
which streams every sheet within the reading limits.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from .cells import is_percent_format
from .safety import Limits
from .sheets import EXCEL_ERRORS, Cell, Merge, SheetGrid, column_number

try:  # the fast reader is optional: without it every workbook goes through openpyxl
    import python_calamine
except ImportError:  # pragma: no cover - exercised where python-calamine is not installed
    python_calamine = None

# calamine holds rows x columns cells (about 32 bytes each) for a sheet it reads; larger sheets
# are streamed by openpyxl within the row and cell limits instead.
MAX_DENSE_CELLS = 4_000_000
# Builtin number formats 9 and 10 are 0% and 0.00%.
BUILTIN_PERCENT_FORMATS = {9, 10}

_NS = r"(?:[A-Za-z_][\w.-]*:)?"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(rb'\sr=["\']([A-Z]{1,3})(\d{1,7})["\']')
_ALL_CELL_REFS = re.compile(rb"<" + _NS.encode() + rb'c\s[^>]*?\br=["\']([A-Z]{1,3})(\d{1,7})["\']')
_PLAIN_CELL_REFS = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>/]")
_CELL_OPENINGS = re.compile(rb"<" + _NS.encode() + rb"c[\s>/]")
# (?<!/) keeps a self-closing <c .../> from reaching into the next cell's content.
_ERROR_CELL = re.compile(rb"<" + _NS.encode() + rb'c\s[^>]*?\bt=["\']e["\'][^>]*(?<!/)>(.*?)</' + _NS.encode() +
                         rb"c>", re.DOTALL)
# A formula is a cell's first child (the schema orders f, v, is), so formula cells open "<c ...><f".
_FORMULA_CELL = re.compile(rb"<" + _NS.encode() + rb"c(\s[^>]*)(?<!/)>\s*<" + _NS.encode() + rb"f[\s>/]")
_CELL_CLOSE = re.compile(rb"</" + _NS.encode() + rb"c>|<" + _NS.encode() + rb"c\s")
_XML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_VALUE = re.compile(rb"<" + _NS.encode() + rb"v(?:\s[^>]*)?>([^<]+)</")
_HIDDEN_ROW = re.compile(rb"<" + _NS.encode() + rb'row\s[^>]*?\br=["\'](\d+)["\'][^>]*?\bhidden=["\'](?:1|true)["\']|'
                         rb"<" + _NS.encode() + rb'row\s[^>]*?\bhidden=["\'](?:1|true)["\'][^>]*?\br=["\'](\d+)["\']')
_HIDDEN_COL = re.compile(rb"<" + _NS.encode() + rb'col\s[^>]*?\bhidden=["\'](?:1|true)["\'][^>]*>')
_COL_MIN = re.compile(rb'\bmin=["\'](\d+)["\']')
_COL_MAX = re.compile(rb'\bmax=["\'](\d+)["\']')
_FORMULA_TEXT = re.compile(rb"<" + _NS.encode() + rb"f(?:\s[^>]*)?>([^<]*)</")


class NotForCalamine(Exception):
    """This workbook is read by the openpyxl path instead (the reason is in the message)."""


def available() -> bool:
    return python_calamine is not None


class CalamineSheet:
    """One worksheet read through calamine, loaded on demand like the openpyxl sheets."""

    def __init__(self, path: Path, sheet, title: str, hidden: bool, overlay: dict, rows: int, cols: int,
                 hidden_lines: tuple[set[int], set[int]] = (set(), set())):
        self.path, self._sheet, self.title, self.hidden = path, sheet, title, hidden
        self._overlay, self._rows, self._cols = overlay, rows, cols
        self._hidden_rows, self._hidden_cols = hidden_lines

    def load(self, limits: Limits, max_rows: int | None = None, with_structure: bool = False) -> SheetGrid:
        cap = min(max_rows or limits.max_rows, limits.max_rows)
        grid = SheetGrid(str(self.path), self.title, hidden=self.hidden)
        rows = self._sheet.to_python(skip_empty_area=False, nrows=min(cap + 1, self._rows))
        cells, max_cols, max_chars = grid.cells, limits.max_cols, limits.max_cell_chars
        for row_index, row in enumerate(rows):
            if row_index >= cap or len(cells) > limits.max_cells:
                grid.truncated = max_rows is None
                break
            for col_index, value in enumerate(row[:max_cols]):
                if value == "" or value is None:
                    continue
                if type(value) is float and value.is_integer() and abs(value) < 1e15:
                    value = int(value)  # as openpyxl gives a whole number, so both readers agree
                elif isinstance(value, str):
                    if not value.strip():
                        continue
                    if len(value) > max_chars:
                        value = value[:max_chars] + "…"
                cells[(row_index + 1, col_index + 1)] = Cell(value, "General", isinstance(value, str)
                                                             and value in EXCEL_ERRORS)
        self._apply_overlay(grid, cap, max_cols)
        grid.n_rows = max((r for r, _ in cells), default=0)
        grid.n_cols = max((c for _, c in cells), default=0)
        grid.hidden_rows = {r for r in self._hidden_rows if r <= cap}
        grid.hidden_cols = {c for c in self._hidden_cols if c <= max_cols}
        if with_structure:
            grid.merges = [Merge(r0 + 1, c0 + 1, min(r1 + 1, cap), min(c1 + 1, max_cols))
                           for (r0, c0), (r1, c1) in (self._sheet.merged_cell_ranges or ())
                           if r0 < cap and c0 < max_cols]
        return grid

    def _apply_overlay(self, grid: SheetGrid, cap: int, max_cols: int) -> None:
        for (row, col), (kind, text) in self._overlay.items():
            if row > cap or col > max_cols:
                continue
            if kind == "error":
                grid.cells[(row, col)] = Cell(text, "General", is_error=True)
            elif kind == "formula":
                grid.cells[(row, col)] = Cell(text, formula_without_value=True)
            elif (row, col) in grid.cells and isinstance(grid.cells[(row, col)].value, (int, float)):
                grid.cells[(row, col)] = grid.cells[(row, col)]._replace(number_format=text)


def open_sheets(path: Path, limits: Limits) -> list[CalamineSheet]:
    """The worksheets of ``path`` ready to load, or :class:`NotForCalamine`."""
    if python_calamine is None:
        raise NotForCalamine("python-calamine is not installed")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            percent_styles = _percent_styles(archive)
            scans = {name: _scan(archive.read(part), percent_styles, limits) for name, part in parts.items()}
    except (KeyError, ValueError, zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as error:
        raise NotForCalamine(f"workbook parts unreadable here: {type(error).__name__}: {error}") from error
    # calamine holds every sheet at once: the cap is on all of them together.
    total = sum(rows * cols for _, rows, cols, _ in scans.values())
    if total > MAX_DENSE_CELLS:
        raise NotForCalamine(f"its sheets span {total:,} cells, too many for a dense read")
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chartsheets and dialog sheets hold no cells to read
            if meta.name not in scans:
                raise NotForCalamine(f"no worksheet part found for sheet {meta.name!r}")
            overlay, rows, cols, hidden_lines = scans[meta.name]
            # get_sheet_by_name parses the whole sheet: any calamine error surfaces here, before reading.
            sheet = workbook.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            if sheet.height and (start[0] + sheet.height > rows or start[1] + sheet.width > cols):
                raise NotForCalamine(f"sheet {meta.name!r} has cells the scan did not place")
            sheets.append(CalamineSheet(path, sheet, meta.name,
                                        meta.visible != python_calamine.SheetVisibleEnum.Visible, overlay, rows, cols,
                                        hidden_lines))
    except NotForCalamine:
        raise
    except Exception as error:  # noqa: BLE001 - calamine's own errors (XmlError, ZipError, ...) mean: use openpyxl
        raise NotForCalamine(f"calamine could not read it: {type(error).__name__}: {error}") from error
    return sheets


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the ZIP member holding its XML, from the workbook part and its relationships."""
    try:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError, ValueError) as error:
        raise NotForCalamine(f"workbook part unreadable here: {error}") from error
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels if rel.tag.endswith("Relationship")}
    parts = {}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = part
    return parts


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (``s=`` on a cell) whose number format shows a percentage."""
    try:
        styles = fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    except (SyntaxError, ValueError) as error:
        raise NotForCalamine(f"styles part unreadable here: {error}") from error
    custom = {int(fmt.get("numFmtId", -1)): fmt.get("formatCode", "") for fmt in styles.iter()
              if fmt.tag.endswith("}numFmt")}  # a malformed id raises ValueError: openpyxl reads the file
    percent_ids = BUILTIN_PERCENT_FORMATS | {i for i, code in custom.items() if is_percent_format(code)}
    cell_xfs = next((element for element in styles.iter() if element.tag.endswith("}cellXfs")), None)
    if cell_xfs is None:
        return set()
    return {index for index, xf in enumerate(x for x in cell_xfs if x.tag.endswith("}xf"))
            if int(xf.get("numFmtId", 0) or 0) in percent_ids}


def _cell_references(xml: bytes) -> list[tuple[bytes, bytes]]:
    """(column letters, row digits) of every cell, or :class:`NotForCalamine` when a cell has
    none this scan can read (placed by position, or by an odd reference calamine still follows)."""
    openings = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
    if not _PREFIXED_CELL.search(xml):
        refs = _PLAIN_CELL_REFS.findall(xml)  # what Excel and most tools write: r= first, in C speed
        if len(refs) == openings:
            return refs
    refs = _ALL_CELL_REFS.findall(xml)
    if len(refs) != len(_CELL_OPENINGS.findall(xml)):
        raise NotForCalamine("cells without plain r= references")
    return refs


def _position(opening: bytes) -> tuple[int, int]:
    found = _CELL_REF.search(opening)
    if found is None:
        raise NotForCalamine("cells without plain r= references")
    return int(found.group(2)), column_number(found.group(1).decode())


def _hidden_lines(xml: bytes, max_cols: int) -> tuple[set[int], set[int]]:
    """The sheet's hidden rows and columns (``<row r="5" hidden="1">``, ``<col min max hidden>``)."""
    if b"hidden" not in xml:
        return set(), set()
    rows = {int(m.group(1) or m.group(2)) for m in _HIDDEN_ROW.finditer(xml)}
    cols: set[int] = set()
    for match in _HIDDEN_COL.finditer(xml):
        tag = match.group(0)
        first, last = _COL_MIN.search(tag), _COL_MAX.search(tag)
        if first and last:
            cols.update(range(int(first.group(1)), min(int(last.group(1)), max_cols) + 1))
    return rows, cols


def _scan(xml: bytes, percent_styles: set[int], limits: Limits) -> tuple[dict, int, int, tuple[set[int], set[int]]]:
    """(overlay, rows, columns, hidden rows and columns) of one sheet part: the cells calamine
    cannot describe, by (row, column), and the sheet's real extent (whatever its declared
    dimension says)."""
    if b"<!--" in xml:  # Excel writes no comments, but a hand-made file may hide cell-like text in one
        xml = _XML_COMMENT.sub(b"", xml)
    refs = _cell_references(xml)
    last_col = max((column_number(c.decode()) for c in {col for col, _ in refs}), default=0)
    last_row = max(map(int, {row for _, row in refs}), default=0)
    if last_row * last_col > MAX_DENSE_CELLS:
        raise NotForCalamine(f"sheet extent {last_row:,} rows x {last_col:,} columns is too large for a dense read")
    overlay: dict[tuple[int, int], tuple[str, str]] = {}
    # The patterns below look at every cell: skip them where a quick search finds nothing to match.
    errors = _ERROR_CELL.finditer(xml) if (b't="e"' in xml or b"t='e'" in xml) else ()
    for match in errors:
        value = _VALUE.search(match.group(1))
        text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#VALUE!"
        overlay[_position(match.group(0))] = ("error", text)
    formulas = _FORMULA_CELL.finditer(xml) if (b"<f" in xml or b":f" in xml) else ()
    for match in formulas:
        end = _CELL_CLOSE.search(xml, match.end())
        cell = xml[match.start(): end.start() if end else len(xml)]
        if _VALUE.search(cell):
            continue
        formula = _FORMULA_TEXT.search(cell)
        text = html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else ""
        position = _position(match.group(1))
        if position not in overlay:
            overlay[position] = ("formula", f"={text}" if text else "=(shared formula)")
    if percent_styles:
        styled = re.compile(rb"<" + _NS.encode() + rb'c\s[^>]*?\bs=["\'](?:' +
                            b"|".join(str(s).encode() for s in sorted(percent_styles)) + rb')["\'][^>]*>')
        for match in styled.finditer(xml):
            overlay.setdefault(_position(match.group(0)), ("percent", "0%"))
    return overlay, last_row, last_col, _hidden_lines(xml, limits.max_cols)
