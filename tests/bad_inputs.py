"""Our own set of bad and hostile returns, built on the fly (nothing hostile is checked in).

Each builder writes one file into a folder; :func:`write_bad_inputs` writes them all and says
which words the finding about each must contain.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from return_builders import workbook_from_rows

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
SHEET = "xl/worksheets/sheet1.xml"
SHEET_WITH_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE worksheet [%s]>'
                     b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                     b'<row r="1"><c r="A1" t="inlineStr"><is><t>&%s;</t></is></c></row></sheetData></worksheet>')
BILLION_LAUGHS = SHEET_WITH_ENTITY % (
    b'<!ENTITY lol0 "lol">' + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)),
    b"lol9")
EXTERNAL_ENTITY = SHEET_WITH_ENTITY % (b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"xxe")


def long_return(path: Path, n_rows: int = 3) -> Path:
    """A minimal long-form return: Ref, Period, Value with values 0, 1, 2…"""
    return workbook_from_rows(path, [["Ref", "Period", "Value"], *[[f"A-{n}", "Dec 2020", n] for n in range(n_rows)]])


def replace_member(path: Path, member: str, content: bytes) -> Path:
    """Rewrite one part of a workbook package (openpyxl cannot write hostile XML itself)."""
    original = path.with_suffix(".orig")
    shutil.move(path, original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    original.unlink()
    return path


def with_dimension(path: Path, dimension: str) -> Path:
    """The workbook with its first sheet's declared dimension replaced (a lie about its size)."""
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    sheet, replaced = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % dimension.encode(), sheet)
    assert replaced == 1
    return replace_member(path, SHEET, sheet)


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A return with an extra part of ``megabytes`` of zeros (a few hundred KB compressed)."""
    long_return(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/padding.xml", "w") as part:
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            part.write(block)
    return path


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """Write every bad input into ``folder``: file name -> words its finding must contain
    (``None`` for files whose real content must be read despite a lying declaration)."""
    expected = {}
    for name, payload in (("bad-xml-bomb.xlsx", BILLION_LAUGHS), ("bad-external-entity.xlsx", EXTERNAL_ENTITY)):
        replace_member(long_return(folder / name), SHEET, payload)
        expected[name] = "DTD/entity"
    zip_bomb(folder / "bad-zip-bomb.xlsx")
    expected["bad-zip-bomb.xlsx"] = "expand"
    for name, content, words in (
        ("~$bad-lock.xlsx", b"\x0bsomeone", "lock file"),
        ("bad-empty.xlsx", b"", "empty"),
        ("bad-notes.xlsx", b"just some notes\n", "not a spreadsheet"),
        ("bad-binary.csv", b"\x89PNG\r\n\x1a\n\0\0\0binary", "not a spreadsheet"),
        ("bad-old.xls", OLE_MAGIC + b"\0" * 1024, ".xls"),
        ("bad-protected.xlsx", OLE_MAGIC + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"), "password-protected"),
        ("bad-broken.xlsx", b"PK\x03\x04 this is not really a zip", "corrupt"),
    ):
        (folder / name).write_bytes(content)
        expected[name] = words
    return expected


def write_lying_dimensions(folder: Path) -> dict[str, list[float]]:
    """Returns whose declared dimension over- or understates their content: name -> the values
    their real content holds."""
    over = with_dimension(long_return(folder / "lie-huge-dimension.xlsx"), "A1:XFD1048576")
    under = with_dimension(long_return(folder / "lie-a1-dimension.xlsx", n_rows=5), "A1")
    return {over.name: [0, 1, 2], under.name: [0, 1, 2, 3, 4]}


def falsify_size(path: Path, member: str, declared: int) -> Path:
    """Make the ZIP's local header and central directory both claim ``member`` unpacks to
    ``declared`` bytes, whatever it really holds (sizes and ratios checked from the directory
    alone would then pass)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_offset:name_offset + len(name)] == name:
                data[start + size_offset:start + size_offset + 4] = declared.to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))
    return path


def write_at_the_caps(folder: Path) -> dict[str, str]:
    """A genuine-looking return as large as the default caps allow (two sheets, about 39.6 MB of
    XML in all, the densest kind: short numeric cells): the slowest file a run may meet. Name ->
    words of its finding (its sheets pass the row limit)."""
    import xlsxwriter

    path = folder / "big-at-the-caps.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for number in (1, 2):
        sheet = workbook.add_worksheet(f"Values {number}")
        sheet.write_row(0, 0, ("Ref", "Period", "Value", "Note", *(f"Extra {n}" for n in range(16))))
        for row in range(1, 33_000):
            sheet.write_row(row, 0, (f"CAP-{number}-{row}", "Dec 2020", *range(18)))
    workbook.close()
    return {path.name: "larger than the reading limits"}
