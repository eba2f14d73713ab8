"""What an ``.ods`` (OpenDocument spreadsheet) says that calamine's values do not, read from its
``content.xml``: error cells, formulas with no value, percentages, booleans and merged ranges.

A cell is ``<table:table-cell>`` with an ``office:value-type``: ``percentage`` for a value
shown as a percentage (0.63 shown as 63%; a ``float`` whose cell style has a percentage data
style shows so too), ``boolean`` (or, as LibreOffice saves a TRUE typed in a cell, a ``float``
1 shown as ``TRUE``), and LibreOffice's ``calcext:value-type="error"`` for an error
(its text is ``#DIV/0!`` or ``Err:502``). calamine reads an error as an empty string, a boolean
as 1.0, a percentage as its fraction, and has no merged ranges for ``.ods``; a merge is a cell's
``table:number-columns-spanned`` / ``number-rows-spanned``. Rows and cells may be repeated
(``number-rows-repeated``, ``number-columns-repeated``): positions are counted, never expanded,
and a sheet whose content reaches too far is refused before calamine builds it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml.ElementTree import iterparse

from .fast_sheets import MAX_DENSE_CELLS
from .other_formats import FORMAT_NAMES, SheetScan, Unreadable
from .safety import FileKind, Limits
from .sheets import EXCEL_ERRORS, Merge

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
CELL, COVERED = f"{TABLE}table-cell", f"{TABLE}covered-table-cell"
NUMERIC_TYPES = {"float", "percentage", "currency"}


class _Styles:
    """Cell styles whose data style is a percentage, from styles.xml and content.xml."""

    def __init__(self):
        self.percent_data_styles: set[str] = set()
        self.data_style: dict[str, str] = {}
        self.parent: dict[str, str] = {}

    def note(self, element) -> bool:
        """Take a style element; True when it was one."""
        tag = element.tag
        if tag == f"{NUMBER}percentage-style":
            self.percent_data_styles.add(element.get(f"{STYLE}name", ""))
        elif tag == f"{STYLE}style" and element.get(f"{STYLE}family") == "table-cell":
            name = element.get(f"{STYLE}name", "")
            if element.get(f"{STYLE}data-style-name"):
                self.data_style[name] = element.get(f"{STYLE}data-style-name")
            if element.get(f"{STYLE}parent-style-name"):
                self.parent[name] = element.get(f"{STYLE}parent-style-name")
        else:
            return False
        return True

    def is_percent(self, name: str | None) -> bool:
        for _ in range(10):  # a parent chain, bounded (a loop of parents is not followed forever)
            if not name:
                return False
            if name in self.data_style:
                return self.data_style[name] in self.percent_data_styles
            name = self.parent.get(name)
        return False


def scan_ods(path: Path, limits: Limits) -> dict[str, SheetScan]:
    """Sheet name -> its :class:`SheetScan`, or :class:`Unreadable`."""
    styles = _Styles()
    try:
        with zipfile.ZipFile(path) as archive:
            if "styles.xml" in archive.namelist():
                with archive.open("styles.xml") as part:
                    for _event, element in iterparse(part, forbid_dtd=True):
                        styles.note(element)
            with archive.open("content.xml") as part:
                return _scan_content(part, styles, limits)
    except Unreadable:
        raise
    except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as error:
        raise Unreadable(f"{FORMAT_NAMES[FileKind.ODS]} is damaged or non-standard and could not be read "
                         f"({type(error).__name__}: {str(error)[:200]})") from error


def _scan_content(part, styles: _Styles, limits: Limits) -> dict[str, SheetScan]:
    scans: dict[str, SheetScan] = {}
    depth, scan, columns, row = 0, None, [], 0
    for event, element in iterparse(part, events=("start", "end"), forbid_dtd=True):
        tag = element.tag
        if tag == f"{TABLE}table":
            if event == "start":
                depth += 1
                if depth == 1:
                    scan, columns, row = SheetScan(merges=[]), [], 1
                    scans[element.get(f"{TABLE}name", "")] = scan
            else:
                depth -= 1
                element.clear()
        elif event == "start":
            continue
        elif depth == 0:
            styles.note(element)  # the automatic styles, before the body
        elif depth != 1:
            continue
        elif tag == f"{TABLE}table-row":
            row = _row(element, row, scan, columns, styles, limits)
            element.clear()
        elif tag == f"{TABLE}table-column":
            first = columns[-1][1] + 1 if columns else 1
            columns.append((first, first + _count(element, "number-columns-repeated") - 1,
                            element.get(f"{TABLE}default-cell-style-name")))
    return scans


def _count(element, attribute: str) -> int:
    value = element.get(f"{TABLE}{attribute}")
    if value is None:
        return 1
    count = int(value)  # a malformed count raises ValueError: the file is refused as damaged
    if count < 1:
        raise ValueError(f"{attribute}={value}")
    return count


def _column_style(columns, col: int) -> str | None:
    for first, last, style in columns:
        if first <= col <= last:
            return style
    return None


def _row(element, row: int, scan: SheetScan, columns, styles: _Styles, limits: Limits) -> int:
    """Take one ``<table:table-row>`` (at ``row``, perhaps repeated) into ``scan``; the next row number."""
    repeat = _count(element, "number-rows-repeated")
    row_style = element.get(f"{TABLE}default-cell-style-name")
    rows = range(row, min(row + repeat, limits.max_rows + 1))
    col = 1
    for cell in element:
        if cell.tag not in (CELL, COVERED):
            continue
        span = _count(cell, "number-columns-repeated")
        if _has_content(cell):
            last = row + repeat - 1
            scan.rows, scan.cols = max(scan.rows, last), max(scan.cols, col + span - 1)
            if scan.rows * scan.cols > MAX_DENSE_CELLS:
                raise Unreadable(f"{FORMAT_NAMES[FileKind.ODS]} whose sheet reaches row {scan.rows:,} and column "
                                 f"{scan.cols:,}, too large for xlscorecard to read in bounded memory")
            if cell.tag == CELL:
                _note_cell(cell, rows, range(col, min(col + span, limits.max_cols + 1)), scan, styles,
                           cell.get(f"{TABLE}style-name") or row_style or _column_style(columns, col))
        col += span
    return row + repeat


def _has_content(cell) -> bool:
    return (cell.get(f"{OFFICE}value-type") is not None or cell.get(f"{TABLE}formula") is not None
            or len(cell) > 0)


def _note_cell(cell, rows: range, cols: range, scan: SheetScan, styles: _Styles, style: str | None) -> None:
    value_type = cell.get(f"{OFFICE}value-type")
    formula = cell.get(f"{TABLE}formula")
    found = value = None
    if cell.get(f"{CALCEXT}value-type") == "error" or (formula and _error_text(cell)):
        found = ("error", _error_text(cell) or "#VALUE!")
    elif formula is not None and value_type is None:
        text = formula.split(":", 1)[1] if formula[:4] in ("of:=", "oooc") else formula
        found = ("formula", text if text.startswith("=") else f"={text}")
    elif value_type == "percentage" or (value_type in NUMERIC_TYPES and styles.is_percent(style)):
        found = ("percent", "0%")
    elif value_type == "boolean":
        value = cell.get(f"{OFFICE}boolean-value", "").strip().lower() == "true"
    elif value_type == "float" and cell.get(f"{OFFICE}value") in ("0", "1") and _shown_as_boolean(cell):
        value = cell.get(f"{OFFICE}value") == "1"  # LibreOffice saves TRUE typed in a cell as =TRUE() worth 1
    spanned_cols, spanned_rows = _count(cell, "number-columns-spanned"), _count(cell, "number-rows-spanned")
    for row in rows:
        for col in cols:
            if found is not None:
                scan.overlay[(row, col)] = found
            elif value is not None:
                scan.values[(row, col)] = value
            if spanned_cols > 1 or spanned_rows > 1:
                scan.merges.append(Merge(row, col, row + spanned_rows - 1, col + spanned_cols - 1))


def _shown_as_boolean(cell) -> bool:
    return " ".join("".join(cell.itertext()).split()).upper() in ("TRUE", "FALSE")


def _error_text(cell) -> str:
    text = " ".join("".join(cell.itertext()).split())
    return text if text in EXCEL_ERRORS or text.startswith("Err:") else ""
