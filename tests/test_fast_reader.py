"""The fast (python-calamine) and plain (openpyxl) reading paths give the same records.

calamine reads values only; the byte scan in readers/fast_sheets.py adds back what the value
rules need (Excel errors, formulas with no cached value, percent formats), and any workbook it
cannot place safely goes to openpyxl. These tests read the same files both ways and compare
everything a return yields: observations with their cells, indicators and findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from return_builders import build_q2_wide, build_q3_wide, build_template, workbook_from_rows
from xlscorecard.readers import DEFAULT_LIMITS, read_folder, read_return
from xlscorecard.readers import fast_sheets
from xlscorecard.readers.workbook import READER_ENV

pytestmark = pytest.mark.skipif(not fast_sheets.available(), reason="python-calamine is not installed")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (REPO / "sample_workbooks").iterdir() if p.is_dir())
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def everything(result) -> tuple:
    observations = sorted((o.ref, o.period.label, o.value, o.note, str(o.source), o.raw, o.period_target,
                           o.commentary) for o in result.observations)
    indicators = sorted(repr(i) for i in result.indicators)
    findings = sorted((f.severity.value, f.message, str(f.source), f.ref, f.count) for f in result.findings)
    return observations, indicators, findings


def both_ways(monkeypatch, read):
    monkeypatch.delenv(READER_ENV, raising=False)
    fast = read()
    monkeypatch.setenv(READER_ENV, "openpyxl")
    plain = read()
    monkeypatch.delenv(READER_ENV)
    return fast, plain


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_sample_folders_read_the_same_both_ways(monkeypatch, folder):
    """Every record of the bundled sample returns is the same from either reader (the
    layout-file sample's returns read with its layout file)."""
    layouts = next(folder.glob("*.toml"), None)
    returns = folder / "returns" if layouts else folder
    fast, plain = both_ways(monkeypatch, lambda: read_folder(returns, layouts_path=layouts))
    assert len(fast.observations) > 40
    assert everything(fast) == everything(plain)


@pytest.mark.parametrize("build", [build_q3_wide, build_q2_wide, build_template], ids=lambda f: f.__name__)
def test_built_layouts_read_the_same_both_ways(monkeypatch, tmp_path, build):
    """The legacy wide layouts (merged notes, two-row headers, percent-formatted variances) and
    the template read the same either way."""
    path = build(tmp_path / "return.xlsx")
    fast, plain = both_ways(monkeypatch, lambda: read_return(path))
    assert fast.observations
    assert everything(fast) == everything(plain)


def test_percent_error_and_uncalculated_formula_cells(monkeypatch, tmp_path):
    """What calamine alone cannot see is put back: 0.63 under a percent format is 63, an Excel
    error and a formula never calculated are findings naming their cells."""
    path = tmp_path / "cells.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Values"
    for values in (("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 0.63), ("PI-02", "Dec 2020", "#DIV/0!"),
                   ("PI-03", "Dec 2020", "=1/0"), ("PI-04", "Dec 2020", 12.5)):
        ws.append(values)
    ws["C2"].number_format = "0.0%"
    wb.save(path)
    fast, plain = both_ways(monkeypatch, lambda: read_return(path))
    assert everything(fast) == everything(plain)
    values = {o.ref: o.value for o in fast.observations}
    assert values == {"PI-01": 63.0, "PI-02": None, "PI-03": None, "PI-04": 12.5}
    assert {o.ref for o in fast.observations if o.flag == "unreadable"} == {"PI-02", "PI-03"}
    messages = {f.message for f in fast.findings}
    assert any(m.startswith("Excel error value in a value cell: C3 '#DIV/0!'") for m in messages), messages
    assert any(m.startswith("formula with no cached value") and "C4 '=1/0'" in m for m in messages), messages


def test_a_sheet_too_large_for_a_dense_read_goes_to_openpyxl(tmp_path):
    """One cell at A1 and one at XFD1048576 would ask calamine for 17 billion cells: the scan
    sends that workbook to openpyxl, which streams it within the row limits."""
    path = tmp_path / "far.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Ref"
    wb.active["XFD1048576"] = "far away"
    wb.save(path)
    with pytest.raises(fast_sheets.NotForCalamine, match="too large"):
        fast_sheets.open_sheets(path, DEFAULT_LIMITS)
    result = read_return(path)
    assert [f.message for f in result.findings if "could not read this file" in f.message] == []


def test_hidden_sheets_are_hidden_on_the_fast_path(tmp_path):
    """A hidden sheet that looks like a return is reported, not read, whichever reader runs."""
    path = workbook_from_rows(tmp_path / "hidden.xlsx", [("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 5)])
    wb = __import__("openpyxl").load_workbook(path)
    wb.create_sheet("Visible")["A1"] = "nothing here"
    wb["Sheet1"].sheet_state = "hidden"
    wb.save(path)
    [sheet, _] = fast_sheets.open_sheets(path, DEFAULT_LIMITS)
    assert sheet.hidden
    result = read_return(path)
    assert not result.observations
    assert any(f.message == "hidden sheet looks like a return; not read" for f in result.findings)


def corpus_files() -> list[Path]:
    return sorted(p for folder in ("real", "odd") if (CORPUS / folder).is_dir()
                  for p in (CORPUS / folder).iterdir() if p.is_file())


@pytest.mark.skipif(not corpus_files(), reason=f"shared corpus not present at {CORPUS}")
def test_corpus_reads_the_same_both_ways(monkeypatch):
    """Over every corpus file the two readers agree, except where openpyxl cannot parse a
    workbook at all: calamine may read those, and then the file still yields a finding."""
    disagreements = []
    for path in corpus_files():
        fast, plain = both_ways(monkeypatch, lambda: read_return(path, period_hint="2020/21 Q3"))
        if everything(fast) == everything(plain):
            continue
        damaged = any("damaged or non-standard" in f.message for f in plain.findings)
        if not (damaged and fast.findings and not fast.observations):
            disagreements.append(path.name)
    assert disagreements == []


def test_a_big_workbook_the_fast_reader_cannot_place_is_refused_not_crawled(tmp_path):
    """Cells without ``r=`` references go to openpyxl, four times slower: past 30% of the
    unpacked-size cap such a workbook is refused with a finding that says what to do."""
    from bad_inputs import SHEET, long_return, replace_member
    from xlscorecard.readers import Limits
    import re
    import zipfile

    path = long_return(tmp_path / "no-refs.xlsx", n_rows=200)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    replace_member(path, SHEET, re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", sheet))
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    roomy = read_return(path, limits=Limits(max_total_bytes=unpacked * 4))
    assert len(roomy.observations) == 200  # read by openpyxl, every value
    tight = read_return(path, limits=Limits(max_total_bytes=unpacked + 1))
    assert not tight.observations
    [finding] = [f for f in tight.findings if "slower reader" in f.message]
    assert "cells without plain r= references" in finding.message
    assert "--max-unpacked-mb" in finding.action


def test_a_self_closing_error_cell_does_not_swallow_the_next_cell(monkeypatch, tmp_path):
    """``<c r="D2" t="e"/>`` (an error cell with no value, as hostile or hand-made files have)
    must not be read as an error carrying the next cell's value."""
    from bad_inputs import SHEET, replace_member
    import zipfile

    path = workbook_from_rows(tmp_path / "odd.xlsx", [("Ref", "Period", "Value", "Note"),
                                                      ("PI-01", "Dec 2020", 5, None), ("PI-02", "Dec 2020", 7, None)])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(SHEET)
    end_of_row_2 = sheet.index(b"</row>", sheet.index(b'<row r="2"'))
    replace_member(path, SHEET, sheet[:end_of_row_2] + b'<c r="D2" t="e"/>' + sheet[end_of_row_2:])
    fast, plain = both_ways(monkeypatch, lambda: read_return(path))
    assert everything(fast) == everything(plain)
    assert {o.ref: o.value for o in fast.observations} == {"PI-01": 5.0, "PI-02": 7.0}


def _rewrite_sheet(path, change, member="xl/worksheets/sheet1.xml"):
    from bad_inputs import replace_member
    import zipfile

    with zipfile.ZipFile(path) as archive:
        replace_member(path, member, change(archive.read(member)))
    return path


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace(b'r="C3"', b'r="c200000"'),     # a lower-case, far-off reference
    lambda xml: xml.replace(b' r="C3"', b' r = "C3"'),       # spaces around the equals sign
    lambda xml: xml.replace(b' r="A3"', b"", 1),             # one cell placed by position only
], ids=["lower-case", "spaced", "no-reference"])
def test_cells_the_scan_cannot_place_send_the_workbook_to_openpyxl(tmp_path, change):
    """calamine would place (or allocate for) cells the byte scan cannot measure: such a
    workbook is read by openpyxl instead, never by a dense read of an unknown extent."""
    path = workbook_from_rows(tmp_path / "odd.xlsx", [("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 5),
                                                       ("PI-02", "Dec 2020", 7)])
    _rewrite_sheet(path, change)
    with pytest.raises(fast_sheets.NotForCalamine, match="plain r= references"):
        fast_sheets.open_sheets(path, DEFAULT_LIMITS)
    assert not [f for f in read_return(path).findings if "could not read this file" in f.message]


def test_the_dense_cap_counts_every_sheet_together(tmp_path):
    """Each sheet alone fits the cap; all of them together would not, and calamine holds them all."""
    path = tmp_path / "wide-apart.xlsx"
    wb = Workbook()
    for number in range(3):
        ws = wb.active if number == 0 else wb.create_sheet()
        ws["A1"] = "Ref"
        ws["D900000"] = 1
    wb.save(path)
    with pytest.raises(fast_sheets.NotForCalamine, match="too many for a dense read"):
        fast_sheets.open_sheets(path, DEFAULT_LIMITS)


def test_a_missing_sheet_part_goes_to_openpyxl_not_to_the_catch_all(tmp_path):
    from bad_inputs import replace_member
    import zipfile

    path = workbook_from_rows(tmp_path / "parts.xlsx", [("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 5)])
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    replace_member(path, "xl/_rels/workbook.xml.rels", rels.replace(b"worksheets/sheet1.xml", b"worksheets/Sheet9.xml"))
    with pytest.raises(fast_sheets.NotForCalamine):
        fast_sheets.open_sheets(path, DEFAULT_LIMITS)
    assert not [f for f in read_return(path).findings if "could not read this file" in f.message]


def test_an_escaped_percent_sign_is_not_a_percent_format(monkeypatch, tmp_path):
    """``0\\%`` shows 63 as "63%" without scaling it: both readers read 63."""
    path = tmp_path / "escaped.xlsx"
    wb = Workbook()
    for values in (("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 63), ("PI-02", "Dec 2020", 0.5)):
        wb.active.append(values)
    wb.active["C2"].number_format = "0\\%"
    wb.active["C3"].number_format = "0%"
    wb.save(path)
    fast, plain = both_ways(monkeypatch, lambda: read_return(path))
    assert everything(fast) == everything(plain)
    assert {o.ref: o.value for o in fast.observations} == {"PI-01": 63.0, "PI-02": 50.0}


@pytest.mark.parametrize("change", [
    # an error-looking cell inside an XML comment is no cell
    lambda xml: xml.replace(b"<sheetData>", b'<sheetData><!-- <c r="Z9" t="e"><v>#N/A</v></c> -->', 1),
    # a cached value with an attribute is still a cached value, not "never calculated"
    lambda xml: xml.replace(b'<c r="C2" t="n"><v>5</v></c>',
                            b'<c r="C2"><f>2+3</f><v xml:space="preserve">5</v></c>', 1),
], ids=["xml-comment", "value-with-attribute"])
def test_odd_but_valid_sheet_xml_reads_the_same_both_ways(monkeypatch, tmp_path, change):
    path = workbook_from_rows(tmp_path / "odd.xlsx", [("Ref", "Period", "Value"), ("PI-01", "Dec 2020", 5),
                                                       ("PI-02", "Dec 2020", 7)])
    before = path.read_bytes()
    _rewrite_sheet(path, change)
    assert path.read_bytes() != before
    fast, plain = both_ways(monkeypatch, lambda: read_return(path))
    assert everything(fast) == everything(plain)
    assert {o.ref: o.value for o in fast.observations} == {"PI-01": 5.0, "PI-02": 7.0}
    assert not [f for f in fast.findings if f.severity.value >= 2]
