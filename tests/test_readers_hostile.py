"""Hostile and broken files each end in a finding, within seconds, and inputs are never modified."""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
from pathlib import Path

import pytest
from bad_inputs import BILLION_LAUGHS, EXTERNAL_ENTITY, SHEET, falsify_size, long_return, replace_member, zip_bomb

from xlscorecard.core.model import Severity
from xlscorecard.readers import Limits, read_folder, read_return
from xlscorecard.readers.safety import OLE_MAGIC

SECONDS = 5


def _timed_read(path: Path, **kwargs):
    started = time.perf_counter()
    result = read_return(path, **kwargs)
    assert time.perf_counter() - started < SECONDS
    return result


def _errors(result) -> list[str]:
    return [f.message for f in result.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["xml-bomb", "external-entity"])
def test_entity_declarations_are_refused_before_parsing(tmp_path, payload):
    path = replace_member(long_return(tmp_path / "hostile.xlsx"), "xl/worksheets/sheet1.xml", payload)
    result = _timed_read(path)
    assert not result.observations
    assert any("DTD/entity" in message for message in _errors(result))


def test_zip_bomb_is_refused_unopened(tmp_path):
    """A part that would expand to 300 MB (from a few hundred KB) is refused from the ZIP directory alone."""
    path = long_return(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/padding.xml", "w") as part:
        block = b"\0" * (1 << 20)
        for _ in range(300):
            part.write(block)
    result = _timed_read(path)
    assert not result.observations
    assert any("expand" in message for message in _errors(result))


def test_million_row_dimension_with_three_real_rows(tmp_path):
    """A sheet claiming A1:XFD1048576 is read by its real content: three rows, in well under a second or two."""
    path = long_return(tmp_path / "lying.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    assert b"XFD1048576" in sheet
    path = replace_member(path, "xl/worksheets/sheet1.xml", sheet)
    result = _timed_read(path)
    assert [o.value for o in result.observations] == [0, 1, 2]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("~$return.xlsx", b"\x0bsomeone", "lock file"),
        ("empty.xlsx", b"", "empty"),
        ("notes.txt", b"just some notes\n", "not a spreadsheet"),
        ("return.csv", b"\x89PNG\r\n\x1a\n\0\0\0binary", "not a spreadsheet"),
        ("old.xls", OLE_MAGIC + b"\0" * 1024, ".xls"),
        ("protected.xlsx", OLE_MAGIC + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"), "password-protected"),
        ("broken.xlsx", b"PK\x03\x04 this is not really a zip", "corrupt"),
    ],
)
def test_files_that_are_not_readable_returns_are_findings(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = _timed_read(path)
    assert not result.observations
    assert words in result.findings[0].message and result.findings[0].source.path == str(path)


def test_inputs_are_never_modified(tmp_path):
    """Reading a folder leaves every file byte-for-byte as it was."""
    from return_builders import build_csv_long, build_q3_wide
    build_q3_wide(tmp_path / "q3.xlsx")
    build_csv_long(tmp_path / "export.csv")
    (tmp_path / "~$q3.xlsx").write_bytes(b"lock")
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    read_folder(tmp_path)
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert before == after


def test_sheets_beyond_the_row_limit_are_read_up_to_it_and_reported(tmp_path):
    path = long_return(tmp_path / "long.xlsx", n_rows=50)
    result = read_return(path, limits=Limits(max_rows=21))
    assert len(result.observations) == 20
    assert any("larger than the reading limits" in f.message for f in result.findings)


def _padded_sheet(path: Path, megabytes: int) -> Path:
    """A return whose sheet XML carries ``megabytes`` of blank padding (compresses ~1000 times)."""
    with zipfile.ZipFile(long_return(path)) as archive:
        sheet = archive.read(SHEET)
    return replace_member(path, SHEET, sheet.replace(b"</worksheet>", b" " * (megabytes << 20) + b"</worksheet>"))


def test_a_falsified_zip_directory_does_not_unpack_past_its_claim(tmp_path):
    """The directory says the sheet is 2 KB; it really inflates to 64 MB. Nothing trusts the claim
    enough to unpack more than it declares: the file ends in one finding, quickly."""
    path = falsify_size(_padded_sheet(tmp_path / "liar.xlsx", 64), SHEET, 2048)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size == 2048
    result = _timed_read(path)
    assert not result.observations
    assert len(_errors(result)) == 1 and result.findings[0].source.path == str(path)


@pytest.mark.parametrize("limits, words", [
    (Limits(max_total_bytes=1_000_000), "workbook would expand to"),
    (Limits(max_member_bytes=1_000_000), "would expand to"),
    (Limits(max_compression_ratio=50, ratio_floor_bytes=1_000_000), "expands"),
], ids=["total", "member", "ratio"])
def test_zip_caps_are_configurable(tmp_path, limits, words):
    """A 3 MB sheet (of padding) passes the default caps and is refused by each lowered one."""
    path = _padded_sheet(tmp_path / "padded.xlsx", 3)
    assert [o.value for o in read_return(path).observations] == [0, 1, 2]
    result = read_return(path, limits=limits)
    assert not result.observations and words in _errors(result)[0]


def test_default_caps_refuse_a_bomb_before_unpacking(tmp_path):
    result = _timed_read(zip_bomb(tmp_path / "bomb.xlsx", megabytes=64))
    assert "over the 32,000,000 byte limit" in _errors(result)[0]


def _utf16(payload: bytes, encoding: str) -> bytes:
    """The XML re-encoded as UTF-16 with its byte-order mark, as Excel Mobile writes workbook.xml."""
    text = payload.decode("utf-8").replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    return ("\ufeff" + text).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["xml-bomb", "external-entity"])
def test_entity_declarations_in_utf16_are_refused_before_parsing(tmp_path, payload, encoding):
    """A DTD is no less a DTD in UTF-16: it is refused by name, not left to the parser's error."""
    path = replace_member(long_return(tmp_path / "hostile16.xlsx"), SHEET, _utf16(payload, encoding))
    result = _timed_read(path)
    assert not result.observations
    assert any("DTD/entity" in message for message in _errors(result)), _errors(result)


def test_a_utf16_workbook_without_a_dtd_is_still_read(tmp_path):
    """The UTF-16 markers must not refuse honest UTF-16 parts (the corpus has such a workbook.xml)."""
    path = long_return(tmp_path / "honest16.xlsx")
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    workbook = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-16"?>', workbook)
    path = replace_member(path, "xl/workbook.xml", ("\ufeff" + workbook).encode("utf-16-le"))
    assert [o.value for o in read_return(path).observations] == [0, 1, 2]


@pytest.mark.parametrize("megabytes, options, words", [
    (3, [], None),                                      # passes the default caps
    (3, ["--max-unpacked-mb", "2"], "would expand to"),  # lowered: refused
    (6, [], "expands"),                                 # 6 MB of blanks: ratio ~1000, over the default 200
    (6, ["--max-ratio", "5000"], None),                 # raised: read
], ids=["default-size", "lowered-size", "default-ratio", "raised-ratio"])
def test_zip_caps_are_set_on_the_command_line(tmp_path, megabytes, options, words):
    """The caps on the unpacked size and the compression ratio are the user's to set, on
    validate and consolidate alike."""
    from click.testing import CliRunner
    from xlscorecard.cli import cli

    folder = tmp_path / "returns"
    folder.mkdir()
    _padded_sheet(folder / "padded 2020-21.xlsx", megabytes)
    validate = CliRunner().invoke(cli, ["validate", str(folder), "--period", "2020/21 Q3", *options])
    consolidate = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3", "--no-history",
                                           "--out", str(tmp_path / "s.xlsx"), *options])
    if words is None:
        assert "padded" not in validate.output and validate.exit_code == 0, validate.output
        assert consolidate.exit_code == 0, consolidate.output
    else:
        assert validate.exit_code == 3 and words in validate.output, validate.output
        assert "run again with a higher --max-unpacked-mb or --max-ratio" in validate.output  # the way out
        assert consolidate.exit_code == 1 and words in consolidate.output, consolidate.output  # nothing readable
