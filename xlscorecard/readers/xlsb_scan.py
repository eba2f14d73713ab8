"""What an ``.xlsb`` (Excel binary workbook) says that calamine's values do not: error cells, the
cells formatted as percentages, and merged ranges, read from its binary records ([MS-XLSB]).

An ``.xlsb`` is a ZIP of record streams. A record is a type (1 or 2 bytes of 7 bits) and a size
(1 to 4 bytes of 7 bits), then its data. Cells follow a row header (BrtRowHdr, row first);
every cell record starts with its column (4 bytes) and its style index (3 bytes, into the
``cellXfs`` list of ``xl/styles.bin``). calamine gives every cell's value, but an error cell
(BrtCellError, BrtFmlaError) as empty, and no formats or merges; an ``.xlsb`` formula always
stores its last result. Sheet visibility comes from calamine.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from .cells import is_percent_format
from .fast_sheets import BUILTIN_PERCENT_FORMATS
from .other_formats import FORMAT_NAMES, SheetScan, Unreadable
from .safety import FileKind, Limits
from .sheets import Merge

ROW_HEADER = 0x0000
CELL_TYPES = range(0x0001, 0x000C)       # BrtCellBlank .. BrtFmlaError
NUMBER_CELLS = {0x0002, 0x0005, 0x0009}  # BrtCellRk, BrtCellReal, BrtFmlaNum
ERROR_CELLS = {0x0003, 0x000B}           # BrtCellError, BrtFmlaError
MERGE_CELL = 0x00B0
BUNDLE_SHEET = 0x009C                    # a sheet of the workbook: state, tab id, relationship id, name
END_BUNDLE_SHEETS = 0x0090
FORMAT = 0x002C                          # BrtFmt: format id, format code
XF = 0x002F
BEGIN_CELL_XFS, END_CELL_XFS = 0x0269, 0x026A
ERROR_TEXTS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
               0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
RELATIONSHIPS = "xl/_rels/workbook.bin.rels"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _Truncated(Exception):
    """A record runs past the end of its stream."""


def records(data: bytes):
    """(type, data) of every record of a stream."""
    position, end = 0, len(data)
    while position < end:
        kind = data[position]
        position += 1
        if kind & 0x80:
            if position >= end:
                raise _Truncated()
            kind = (kind & 0x7F) | ((data[position] & 0x7F) << 7)
            position += 1
        size, shift = 0, 0
        for _ in range(4):
            if position >= end:
                raise _Truncated()
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if position + size > end:
            raise _Truncated()
        yield kind, data[position:position + size]
        position += size


def scan_xlsb(path: Path, limits: Limits) -> dict[str, SheetScan]:
    """Sheet name -> its :class:`SheetScan`, or :class:`Unreadable`."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            percent_styles = _percent_styles(archive)
            return {name: _scan_sheet(archive.read(part), percent_styles, limits) for name, part in parts.items()}
    except Unreadable:
        raise
    except (_Truncated, KeyError, ValueError, SyntaxError, struct.error, IndexError, UnicodeDecodeError,
            zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as error:
        raise Unreadable(f"{FORMAT_NAMES[FileKind.XLSB]} is damaged or non-standard and could not be read "
                         f"({type(error).__name__}: {str(error)[:200] or 'a record runs past its part'})") from error


def _wide_string(data: bytes, offset: int) -> tuple[str, int]:
    """An XLWideString (a 4-byte length in characters, then UTF-16) and the offset after it."""
    (length,) = struct.unpack_from("<I", data, offset)
    start = offset + 4
    if length == 0xFFFFFFFF:  # XLNullableWideString: null
        return "", start
    if start + 2 * length > len(data):
        raise ValueError("a string runs past its record")
    return data[start:start + 2 * length].decode("utf-16-le"), start + 2 * length


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the ZIP member of its records, from the workbook's BrtBundleSh records."""
    rels = fromstring(archive.read(RELATIONSHIPS))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels if rel.tag.endswith("Relationship")}
    parts = {}
    for kind, data in records(archive.read("xl/workbook.bin")):
        if kind == END_BUNDLE_SHEETS:
            break
        if kind != BUNDLE_SHEET:
            continue
        rel_id, offset = _wide_string(data, 8)
        name, _ = _wide_string(data, offset)
        target = targets.get(rel_id, "")
        if target:
            parts[name] = (target.lstrip("/") if target.startswith("/")
                           else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes into ``cellXfs`` of the styles whose number format shows a percentage."""
    try:
        data = archive.read("xl/styles.bin")
    except KeyError:
        return set()
    percent_formats, styles, in_cell_xfs = set(BUILTIN_PERCENT_FORMATS), [], False
    for kind, record in records(data):
        if kind == FORMAT:
            (format_id,) = struct.unpack_from("<H", record, 0)
            code, _ = _wide_string(record, 2)
            if is_percent_format(code):
                percent_formats.add(format_id)
        elif kind == BEGIN_CELL_XFS:
            in_cell_xfs = True
        elif kind == END_CELL_XFS:
            break
        elif kind == XF and in_cell_xfs:
            styles.append(struct.unpack_from("<H", record, 2)[0])
    return {index for index, format_id in enumerate(styles) if format_id in percent_formats}


def _scan_sheet(data: bytes, percent_styles: set[int], limits: Limits) -> SheetScan:
    scan = SheetScan(merges=[])
    row, last_row, last_col = 0, 0, 0
    max_rows, max_cols = limits.max_rows, limits.max_cols
    for kind, record in records(data):
        if kind == ROW_HEADER:
            row = struct.unpack_from("<I", record, 0)[0] + 1
        elif kind in CELL_TYPES:
            col = struct.unpack_from("<I", record, 0)[0] + 1
            last_row, last_col = max(last_row, row), max(last_col, col)
            if row > max_rows or col > max_cols:
                continue
            if kind in ERROR_CELLS:
                scan.overlay[(row, col)] = ("error", ERROR_TEXTS.get(record[8], "#VALUE!"))
            elif kind in NUMBER_CELLS and percent_styles and (record[4] | record[5] << 8 | record[6] << 16) in percent_styles:
                scan.overlay[(row, col)] = ("percent", "0%")
        elif kind == MERGE_CELL:
            first_row, last, first_col, last_column = struct.unpack_from("<IIII", record, 0)
            scan.merges.append(Merge(first_row + 1, first_col + 1, last + 1, last_column + 1))
    scan.rows, scan.cols = last_row, last_col
    return scan
