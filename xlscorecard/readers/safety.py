"""Decide whether a file in the returns folder is safe to open, and as what, before any parser sees it.

Returns come from many hands: lock files, password-protected workbooks, ZIP bombs and XML
with entity tricks all turn up, besides the formats read (``.xlsx``/``.xlsm``, ``.xls``,
``.xlsb``, ``.ods`` and CSV). Each is recognised here from its bytes, not its extension, and
turned into a finding instead of being handed to a parser. The ZIP caps apply to every ZIP
format; an ``.xls`` (not compressed, read whole) is held to a share of the unpacked-size cap.
"""

from __future__ import annotations

import enum
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.model import Finding, Severity, Source

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
# Excel 2.x to 4.0 saved a worksheet as a bare BIFF stream, starting with its BOF record.
OLD_BIFF_MAGIC = (b"\x09\x00", b"\x09\x02", b"\x09\x04")
# An encrypted .xlsx or .xlsb is an OLE container holding this stream (named in UTF-16). An
# encrypted .xls is found by its reader (readers/xls_scan.py), which knows where to look.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ENCRYPTED = "workbook is password-protected (encrypted)"
ENCRYPTED_ACTION = "file skipped; ask the sender for an unprotected copy"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# XML declarations that enable entity expansion or external fetches: never legitimate in OOXML.
# Parts may be UTF-16 (Excel Mobile writes workbook.xml so), so the markers are sought in both
# byte orders too; the parsers refuse DTDs as well (defusedxml), this catches them first.
DTD_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                    for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
TEXT_EXTENSIONS = {".csv"}
# An .xls is decoded in Python (xlrd, readers/xls_scan.py), about 0.2 s and 20 MB a megabyte, and is
# read whole: it may be as large as this share of the unpacked-size cap (12 MB by default), which
# keeps it within the 10 s and 500 MB tests/test_corpus_cli.py holds every file to.
XLS_SHARE = 0.3
SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Caps that keep one hostile or enormous return from exhausting time or memory.

    Sizes are bytes. ``max_compression_ratio`` applies only to members larger than
    ``ratio_floor_bytes``, because tiny repetitive XML parts legitimately compress very well.
    ``max_rows``, ``max_cols`` and ``max_cells`` bound how much of one sheet is read (and held in
    memory), whatever its declared dimension.

    Time follows the XML parsed. python-calamine reads a file built to the default caps (two
    sheets, 39.6 MB of short numeric cells) in about 6 seconds and 350 MB on the 2-core test
    machine; openpyxl, which reads the workbooks calamine cannot take, parses 0.5 to 0.8
    seconds a megabyte, so those may unpack to 30% of ``max_total_bytes`` (readers/workbook.py).
    Both keep a file under the 10 seconds tests/test_corpus_cli.py holds every file to. The
    largest real return seen (a DLUHC Towns Fund return) unpacks to 6.4 MB.
    """

    max_file_bytes: int = 100_000_000
    max_member_bytes: int = 32_000_000
    max_total_bytes: int = 40_000_000
    max_compression_ratio: float = 200.0
    ratio_floor_bytes: int = 5_000_000
    max_rows: int = 20_000
    max_cols: int = 200
    max_cells: int = 500_000
    header_search_rows: int = 30
    max_cell_chars: int = 10_000

    def with_caps(self, unpacked_mb: float | None = None, ratio: float | None = None) -> "Limits":
        """These limits with the ZIP caps a user can set (``--max-unpacked-mb``, ``--max-ratio``):
        the total a workbook may unpack to, in MB (one part may take four fifths of it, as by
        default), and the compression ratio. ``None`` keeps a cap as it is.

        >>> Limits().with_caps(100).max_member_bytes, Limits().with_caps(ratio=50).max_compression_ratio
        (80000000, 50)
        """
        changed = {}
        if unpacked_mb is not None:
            total = int(unpacked_mb * 1_000_000)
            changed.update(max_total_bytes=total, max_member_bytes=total * 4 // 5)
        if ratio is not None:
            changed.update(max_compression_ratio=ratio)
        return replace(self, **changed)


DEFAULT_LIMITS = Limits()


class FileKind(enum.Enum):
    """What a file turned out to be, for the readers that can handle it."""

    XLSX = "xlsx"
    CSV = "csv"
    XLS = "xls"
    XLSB = "xlsb"
    ODS = "ods"


@dataclass(frozen=True)
class Verdict:
    """Either a kind to read the file as, or the finding that explains why it will not be read."""

    kind: FileKind | None
    finding: Finding | None = None


def _refuse(path: Path, message: str, action: str = "file skipped",
            severity: Severity = Severity.ERROR) -> Verdict:
    return Verdict(None, Finding(severity, message, Source(str(path)), action=action))


def classify(path: Path, limits: Limits = DEFAULT_LIMITS) -> Verdict:
    """Look at ``path``'s name, size and bytes and say how (or whether) to read it."""
    if path.name.startswith("~$"):
        return _refuse(path, "Excel lock file (someone has the workbook open)", severity=Severity.INFO)
    size = path.stat().st_size
    if size == 0:
        return _refuse(path, "empty file (0 bytes)")
    if size > limits.max_file_bytes:
        return _refuse(path, f"file is {size:,} bytes, over the {limits.max_file_bytes:,} byte limit")
    with path.open("rb") as handle:
        head = handle.read(SCAN_CHUNK)
    if head.startswith(OLE_MAGIC):
        return _classify_ole(path, head, size, limits)
    if head.startswith(ZIP_MAGIC):
        return _classify_zip(path, limits)
    if path.suffix.lower() in TEXT_EXTENSIONS and _looks_like_text(head):
        return Verdict(FileKind.CSV)
    if head.startswith(OLD_BIFF_MAGIC) and path.suffix.lower() == ".xls":
        return _refuse(path, "Excel 2.x-4.0 worksheet (before Excel 97), which xlscorecard does not read",
                       action="file skipped; open it in Excel or LibreOffice and save it as .xlsx")
    return _refuse(path, f"not a spreadsheet xlscorecard can read ({_describe(path, head)})",
                   action="file skipped; save the return as .xlsx, .xls, .ods or .csv")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Excel's "Unicode Text")
        return _decodes_as_utf16(head[:4096])
    if b"\x00" in head[:4096]:
        return False
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is still text.
        return error.start > 4090 or _decodes_as_cp1252(head[:4096])
    return True


def _decodes_as_utf16(sample: bytes) -> bool:
    try:
        text = sample[: len(sample) // 2 * 2].decode("utf-16")
    except UnicodeDecodeError as error:
        return error.start >= len(sample) - 4  # a character cut at the end of the sample
    return "\x00" not in text


def _decodes_as_cp1252(sample: bytes) -> bool:
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _describe(path: Path, head: bytes) -> str:
    if _looks_like_text(head):
        return f"a text file with extension {path.suffix or '(none)'!r}"
    return f"unrecognised binary content, extension {path.suffix or '(none)'!r}"


def _classify_ole(path: Path, head: bytes, size: int, limits: Limits) -> Verdict:
    with path.open("rb") as handle:
        content = handle.read(4 * SCAN_CHUNK)
    if ENCRYPTION_STREAM in content or ENCRYPTION_STREAM in head:
        return _refuse(path, ENCRYPTED, action=ENCRYPTED_ACTION)
    cap = int(limits.max_total_bytes * XLS_SHARE)  # an .xls is not compressed: its size is what it unpacks to
    if size > cap:
        return _refuse(path, f"binary Excel workbook (.xls) is {size:,} bytes, over the {cap:,} byte limit for an "
                       ".xls (30% of --max-unpacked-mb)", action="file skipped unopened; save it as .xlsx, or if "
                       "it is a genuine return, run again with a higher --max-unpacked-mb")
    return Verdict(FileKind.XLS)


def _classify_zip(path: Path, limits: Limits) -> Verdict:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {info.filename for info in members}
            problem = _zip_size_problem(members, limits)
            if problem:
                return _refuse(path, problem, action="file skipped unopened (possible ZIP bomb); if it is a "
                               "genuine return, run again with a higher --max-unpacked-mb or --max-ratio")
            kind = _zip_kind(path, archive, names)
            if isinstance(kind, Verdict):
                return kind
            problem = _xml_problem(archive, members, limits)
            if problem:
                return _refuse(path, problem, action="file skipped unparsed")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        return _refuse(path, f"corrupt workbook (damaged ZIP container: {error})")
    except NotImplementedError as error:  # e.g. an unsupported compression method
        return _refuse(path, f"workbook uses a ZIP feature that cannot be read ({error})")
    return Verdict(kind)


def _zip_kind(path: Path, archive: zipfile.ZipFile, names: set[str]) -> FileKind | Verdict:
    """Which ZIP format this is, from its parts; a refusal when it is none xlscorecard reads."""
    if "xl/workbook.xml" in names:
        return FileKind.XLSX
    if "xl/workbook.bin" in names:
        return FileKind.XLSB
    if "mimetype" in names or "content.xml" in names:
        mimetype = archive.read("mimetype")[:200].strip() if "mimetype" in names else ODS_MIMETYPE
        if not mimetype.startswith(ODS_MIMETYPE):  # a template (.ots) is "...spreadsheet-template"
            return _refuse(path, "an OpenDocument file that is not a spreadsheet "
                           f"({mimetype.decode('ascii', 'replace')})", action="file skipped; save the return as .xlsx or .ods")
        manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        if b"encryption-data" in manifest:
            return _refuse(path, ENCRYPTED, action=ENCRYPTED_ACTION)
        return FileKind.ODS
    return _refuse(path, "a ZIP file that is not a workbook (no xl/workbook.xml, xl/workbook.bin or content.xml)")


def _zip_size_problem(members: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.max_member_bytes:
            return (f"workbook part {info.filename} would expand to {info.file_size:,} bytes, "
                    f"over the {limits.max_member_bytes:,} byte limit")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_compression_ratio:
            return (f"workbook part {info.filename} expands {ratio:,.0f} times "
                    f"(limit {limits.max_compression_ratio:,.0f})")
    if total > limits.max_total_bytes:
        return f"workbook would expand to {total:,} bytes, over the {limits.max_total_bytes:,} byte limit"
    return None


def _xml_problem(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    """Stream every XML part once, looking for DTDs and for parts larger than they declared."""
    for info in members:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        seen, tail = 0, b""
        with archive.open(info) as part:
            while chunk := part.read(SCAN_CHUNK):
                seen += len(chunk)
                if seen > max(info.file_size, 0) + SCAN_CHUNK or seen > limits.max_member_bytes:
                    return f"workbook part {info.filename} expands past its declared size"
                window = tail + chunk
                for marker in DTD_MARKERS:
                    if marker in window:
                        return (f"workbook part {info.filename} declares an XML DTD/entity "
                                "(XML bomb or external-entity attack)")
                tail = chunk[-32:]
    return None
