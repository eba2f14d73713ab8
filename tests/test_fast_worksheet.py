"""The scorecard's worksheets render their rows themselves, for speed: the files must be the
same, byte for byte, as xlsxwriter's own worksheet writes, in both of the writer's modes."""

from __future__ import annotations

import zipfile

import pytest
from xlsxwriter.worksheet import Worksheet

import xlscorecard.outputs.scorecard as writer
from xlscorecard.pipeline import assess, returns_position
from xlscorecard.outputs.scorecard import ScorecardData, write_scorecard
from xlscorecard.outputs.scorecard.fast_worksheet import ScorecardWorksheet

from helpers import SAMPLES as ALL_SAMPLES


@pytest.fixture(scope="module")
def data() -> ScorecardData:
    result = assess(ALL_SAMPLES / "2020-21-Q3", period="2020/21 Q3")
    return ScorecardData(period=result.period, indicators=result.indicators, scores=result.scores,
                         observations=result.observations, findings=result.findings, sources=result.sources,
                         tolerance=result.tolerance, returns=returns_position(result),
                         benchmarks=result.benchmarks)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_fast_worksheet_is_the_default():
    assert writer.worksheet_class() is ScorecardWorksheet


def test_an_ordinary_scorecard_is_the_same_file_as_xlsxwriter_writes(data, tmp_path, monkeypatch):
    fast = write_scorecard(data, tmp_path / "fast.xlsx")
    monkeypatch.setattr(writer, "WORKSHEET_CLASS", Worksheet)
    plain = write_scorecard(data, tmp_path / "plain.xlsx")
    assert members(fast)["xl/worksheets/sheet2.xml"].count(b"<c r=") > 500
    assert fast.read_bytes() == plain.read_bytes()


def test_a_large_scorecard_has_the_same_parts_as_xlsxwriter_writes(data, tmp_path, monkeypatch):
    """Row by row (constant_memory) strings are written inline by xlsxwriter itself; numbers,
    blanks, row heights and spans by the fast rows. The zip's dates differ, so parts are compared."""
    monkeypatch.setattr(writer, "LARGE_SCORECARD_INDICATORS", 10)
    fast = members(write_scorecard(data, tmp_path / "fast.xlsx"))
    monkeypatch.setattr(writer, "WORKSHEET_CLASS", Worksheet)
    plain = members(write_scorecard(data, tmp_path / "plain.xlsx"))
    assert list(fast) == list(plain)
    for name in plain:
        assert fast[name] == plain[name], name
    assert b"inlineStr" in fast["xl/worksheets/sheet2.xml"]


AWKWARD_TEXTS = [" leading", "trailing ", "a & b < c > d \"q\"", "control\x01char", "_x0041_ literal",
                 "<r>looks rich</r>", "line\nbreak", "", "£ – ✓ 𝔘", "tab\tinside", "no-break space\u00a0",
                 "\u2003em space first", "plain text, nothing to escape"]


@pytest.mark.parametrize("constant_memory", [False, True])
def test_awkward_cells_are_written_as_xlsxwriter_writes_them(tmp_path, constant_memory):
    """Text needing escapes, whitespace kept, a formula, row and column formats, blanks."""
    import xlsxwriter

    def write(worksheet_class, path):
        book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "in_memory": not constant_memory,
                                             "nan_inf_to_errors": True})
        book.worksheet_class = worksheet_class
        sheet = book.add_worksheet("Awkward")
        bold, shaded = book.add_format({"bold": True}), book.add_format({"bg_color": "#C6EFCE"})
        sheet.set_column(3, 3, 12, shaded)
        for row, text in enumerate(AWKWARD_TEXTS):
            if row == 4:
                sheet.set_row(row, 30, bold)
            sheet.write_string(row, 0, text)
            sheet.write_number(row, 1, row * 1.1 - 2, bold if row % 2 else None)
            sheet.write_blank(row, 2, None, shaded)
            sheet.write_number(row, 3, 10 ** row)
            sheet.write_formula(row, 4, f"=B{row + 1}*2", None, row * 2.2)
            sheet.write_comment(row, 5, f"note {row}") if row % 3 == 0 else None
        codes = [sheet.write_string(len(AWKWARD_TEXTS), 0, "x" * 40_000),  # cut to Excel's limit: -2
                 sheet.write_number(len(AWKWARD_TEXTS), 1, float("nan")), sheet.write_number(0, 16_384, 1),
                 sheet.write_string(1_048_576, 0, "below the last row"), sheet.write_blank(2, 2, None, None),
                 sheet.write_number(1, 6, 7.0)]  # above the row being written, row by row: -1
        book.close()
        return members(path), codes

    (fast, fast_codes), (plain, plain_codes) = (write(ScorecardWorksheet, tmp_path / "fast.xlsx"),
                                                write(Worksheet, tmp_path / "plain.xlsx"))
    assert fast_codes == plain_codes == [-2, 0, -1, -1, 0, -1 if constant_memory else 0]
    assert fast["xl/worksheets/sheet1.xml"] == plain["xl/worksheets/sheet1.xml"]
    assert fast["xl/worksheets/sheet1.xml"].count(b"<c r=") >= 5 * len(AWKWARD_TEXTS)


def test_a_large_scorecard_is_zipped_fast_with_the_same_parts(data, tmp_path, monkeypatch):
    """Above FAST_ZIP_INDICATORS the parts are compressed at zlib level 1: the same parts, a
    larger file; below it, xlsxwriter's default level."""
    default = tmp_path / "default.xlsx"
    write_scorecard(data, default)
    monkeypatch.setattr(writer, "FAST_ZIP_INDICATORS", 10)
    fast = write_scorecard(data, tmp_path / "fast.xlsx")
    assert members(fast) == members(default)
    with zipfile.ZipFile(fast) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert fast.stat().st_size > default.stat().st_size * 1.05
    monkeypatch.setattr(writer, "LARGE_SCORECARD_INDICATORS", 10)  # the parts come from files on disk
    row_by_row = write_scorecard(data, tmp_path / "row-by-row.xlsx")
    monkeypatch.setattr(writer, "FAST_ZIP_INDICATORS", 10**9)
    row_by_row_default = write_scorecard(data, tmp_path / "row-by-row-default.xlsx")
    with zipfile.ZipFile(row_by_row) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert row_by_row.stat().st_size > row_by_row_default.stat().st_size * 1.05


def test_without_the_internals_it_needs_the_scorecard_is_written_by_stock_xlsxwriter(data, tmp_path, monkeypatch):
    """An xlsxwriter that lacks a private member the fast worksheet replaces: no error, and stock
    xlsxwriter's worksheet writes the scorecard (the same bytes, as the test above shows)."""
    from xlscorecard.outputs.scorecard import fast_worksheet

    assert fast_worksheet.rendering_ok() and fast_worksheet.zipping_ok()
    monkeypatch.delattr(Worksheet, "_calculate_spans")
    assert not fast_worksheet.rendering_ok() and writer.worksheet_class() is Worksheet
    monkeypatch.undo()
    monkeypatch.setattr(writer, "rendering_ok", lambda: False)
    assert writer.worksheet_class() is Worksheet
    written = write_scorecard(data, tmp_path / "stock.xlsx")
    assert members(written)["xl/worksheets/sheet2.xml"].count(b"<c r=") > 500
