"""Save an openpyxl workbook as ``.xlsb`` (Excel binary workbook), for tests only.

LibreOffice reads ``.xlsb`` but cannot write it, so the tests of readers/xlsb_scan.py make their
own, following [MS-XLSB]: the Q3 samples and the fixture of odd cells, with their values, number
formats (percentages, dates), Excel errors, merged ranges and hidden sheets. Only what a return
holds is written: no shared strings (cells carry their text), no formulas (their cached values),
no column widths.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

from openpyxl import load_workbook

ERROR_CODES = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D, "#NUM!": 0x24,
               "#N/A": 0x2A, "#GETTING_DATA": 0x2B}
EPOCH = dt.datetime(1899, 12, 30)
FIRST_CUSTOM_FORMAT = 164
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>{sheets}'
                 '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>')
REL = '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{type}" ' \
      'Target="{target}"/>'


def _varint(value: int, limit: int) -> bytes:
    out = bytearray()
    for _ in range(limit):
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
    raise ValueError("too large for a record header")


def record(kind: int, data: bytes = b"") -> bytes:
    """One record: its type (1 or 2 bytes of 7 bits), its size (up to 4), its data."""
    return _varint(kind, 2) + _varint(len(data), 4) + data


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _cell(col: int, style: int) -> bytes:
    return struct.pack("<I", col) + struct.pack("<I", style)[:3] + b"\x00"


class _Styles:
    def __init__(self):
        self.formats: dict[str, int] = {}  # custom format code -> its id
        self.xfs: list[int] = [0]          # cellXfs: format id of each style (0: General)

    def index(self, number_format: str) -> int:
        if not number_format or number_format == "General":
            return 0
        format_id = self.formats.setdefault(number_format, FIRST_CUSTOM_FORMAT + len(self.formats))
        if format_id not in self.xfs:
            self.xfs.append(format_id)
        return self.xfs.index(format_id)

    def part(self) -> bytes:
        out = record(0x0267, struct.pack("<I", len(self.formats)))  # BrtBeginFmts
        for code, format_id in self.formats.items():
            out += record(0x002C, struct.pack("<H", format_id) + wide(code))  # BrtFmt
        out += record(0x0268)
        out += record(0x0269, struct.pack("<I", len(self.xfs)))  # BrtBeginCellXFs
        for format_id in self.xfs:
            out += record(0x002F, struct.pack("<HH", 0, format_id) + bytes(12))  # BrtXF
        return out + record(0x026A)


def _sheet_part(ws, styles: _Styles) -> bytes:
    cells = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                cells.append(cell)
    last_row = max((c.row for c in cells), default=1)
    last_col = max((c.column for c in cells), default=1)
    out = record(0x0081) + record(0x0094, struct.pack("<IIII", 0, last_row - 1, 0, last_col - 1))
    out += record(0x0091)  # BrtBeginSheetData
    row_written = None
    for cell in cells:
        if cell.row != row_written:
            out += record(0x0000, struct.pack("<IIHBBBI", cell.row - 1, 0, 300, 0, 0, 0, 0))  # BrtRowHdr
            row_written = cell.row
        col, value = cell.column - 1, cell.value
        style = styles.index(cell.number_format)
        if cell.data_type == "e" or (isinstance(value, str) and value in ERROR_CODES):
            out += record(0x0003, _cell(col, style) + bytes([ERROR_CODES.get(value, 0x0F)]))
        elif isinstance(value, bool):
            out += record(0x0004, _cell(col, style) + bytes([value]))
        elif isinstance(value, (int, float)):
            out += record(0x0005, _cell(col, style) + struct.pack("<d", value))
        elif isinstance(value, (dt.datetime, dt.date)):
            moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            serial = (moment - EPOCH) / dt.timedelta(days=1)
            out += record(0x0005, _cell(col, styles.index(cell.number_format if cell.is_date else "yyyy-mm-dd"))
                          + struct.pack("<d", serial))
        else:
            out += record(0x0006, _cell(col, style) + wide(str(value)))
    out += record(0x0092)  # BrtEndSheetData
    merges = list(ws.merged_cells.ranges)
    if merges:
        out += record(0x00B1, struct.pack("<I", len(merges)))
        for merge in merges:
            out += record(0x00B0, struct.pack("<IIII", merge.min_row - 1, merge.max_row - 1,
                                               merge.min_col - 1, merge.max_col - 1))
        out += record(0x00B2)
    return out + record(0x0082)


def save_as_xlsb(source: Path, target: Path) -> Path:
    """``source`` (an .xlsx) written as the .xlsb ``target``, cached values in place of formulas."""
    workbook = load_workbook(source, data_only=True)
    styles = _Styles()
    sheets = [(ws.title, ws.sheet_state, _sheet_part(ws, styles)) for ws in workbook.worksheets]
    book = record(0x0083) + record(0x008F)  # BrtBeginBook, BrtBeginBundleShs
    for index, (title, state, _) in enumerate(sheets, start=1):
        hidden = {"visible": 0, "hidden": 1, "veryHidden": 2}[state]
        book += record(0x009C, struct.pack("<II", hidden, index) + wide(f"rId{index}") + wide(title))
    book += record(0x0090) + record(0x0084)  # BrtEndBundleShs, BrtEndBook
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
            for i in range(1, len(sheets) + 1))))
        archive.writestr("_rels/.rels", RELS.format(REL.format(
            id="rId1", type="officeDocument", target="xl/workbook.bin")))
        archive.writestr("xl/_rels/workbook.bin.rels", RELS.format("".join(
            [REL.format(id=f"rId{i}", type="worksheet", target=f"worksheets/sheet{i}.bin")
             for i in range(1, len(sheets) + 1)]
            + [REL.format(id=f"rId{len(sheets) + 1}", type="styles", target="styles.bin")])))
        archive.writestr("xl/workbook.bin", book)
        archive.writestr("xl/styles.bin", styles.part())
        for index, (_, _, part) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{index}.bin", part)
    return target
