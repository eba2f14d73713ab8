"""Formula injection, byte-for-byte determinism, write errors and the template."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter import Workbook

from q3_scorecard import q3_data
from xlscorecard.errors import OutputError
from xlscorecard.core.model import Indicator, Observation, Period, Rag
from xlscorecard.core.scoring import score_indicator
from xlscorecard.outputs.scorecard import WORKBOOK_OPTIONS, load_template, write_scorecard
from xlscorecard.outputs.scorecard.sheet import Sheet

HOSTILE_NAME = '=HYPERLINK("http://x")'


def _hostile_data():
    """Return text that Excel would take for formulas, numbers or links if written with write()."""
    period = Period.quarter(2020, 3)
    indicators = [Indicator("=1+1", HOSTILE_NAME, "higher", frequency="monthly", annual_target=5, priority="1",
                            tier=1, outcome="@SUM(A1:A2)"),
                  Indicator("-CYP", "http://example.com", "lower", frequency="monthly", annual_target=5,
                            priority="1", tier=1, outcome="@SUM(A1:A2)")]
    observations = [Observation("=1+1", Period.month(2020, 12), 6, note="+1"),
                    Observation("-CYP", Period.month(2020, 12), None, note="=cmd|' /C calc'!A0")]
    scores = [score_indicator(i, observations, period) for i in indicators]
    return dataclasses.replace(q3_data(), indicators=indicators, observations=observations, scores=scores,
                               council="Smith & Sons =Council")


def test_return_text_is_never_a_formula(tmp_path):
    path = write_scorecard(_hostile_data(), tmp_path / "s.xlsx")
    book = openpyxl.load_workbook(path)
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                # The only links are the scorecard's own, from a ref to its row on another sheet.
                link = cell.hyperlink
                assert link is None or (link.target is None and link.location.split("!")[0].strip("'")
                                        in book.sheetnames), f"{ws.title}!{cell.coordinate} became a link"
    assert {HOSTILE_NAME, "=1+1", "-CYP", "http://example.com", "@SUM(A1:A2)", "+1"} <= seen
    assert "Data gap: =cmd|' /C calc'!A0" in seen
    ws = book["P1 Children and young people"]
    assert [ws.cell(r, 1).value for r in (6, 7, 8)] == ["Tier 1", "@SUM(A1:A2)", "=1+1"]  # tier, outcome, ref
    assert ws["B8"].value == HOSTILE_NAME and ws["B8"].data_type == "s"
    assert ws["B8"].comment.text.endswith("+1")
    with zipfile.ZipFile(path) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in package.read(n) for n in sheets)


def test_ampersand_in_the_council_name_is_escaped_in_footers(tmp_path):
    ws = openpyxl.load_workbook(write_scorecard(_hostile_data(), tmp_path / "s.xlsx"))["Summary"]
    assert ws.oddFooter.left.text == "Smith && Sons =Council - Quarter 3 2020/21"  # && prints one &


def test_same_records_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_scorecard(q3_data(), tmp_path / "a.xlsx").read_bytes()
    second = write_scorecard(q3_data(), tmp_path / "b.xlsx").read_bytes()
    assert first == second
    created = openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created
    assert created == dt.datetime(2020, 12, 31)  # the period end, not the clock


def test_source_date_epoch_sets_the_creation_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1610000000")
    path = write_scorecard(q3_data(), tmp_path / "a.xlsx")
    assert openpyxl.load_workbook(path).properties.created == dt.datetime(2021, 1, 7, 6, 13, 20)
    assert path.read_bytes() == write_scorecard(q3_data(), tmp_path / "b.xlsx").read_bytes()


def test_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="Check that the folder exists"):
        write_scorecard(q3_data(), tmp_path / "no" / "such" / "s.xlsx")


def test_default_template_ships_in_the_package():
    """(tests/test_package.py checks it is templates/scorecard.toml.)"""
    template = load_template()
    assert template.tolerance == 5.0
    assert template.style("rag", Rag.GREEN.value)["fill"] == "00B050"
    # The council's name and priorities are the framework's (the register's), never the bundled style's.
    assert template.priorities == () and template.council is None


def test_a_council_template_only_needs_what_it_changes(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[rag.green]\nfill = "2E7D32"\n[council]\nname = "Anytown Council"\n', encoding="utf-8")
    template = load_template(own)
    assert template.style("rag", "green")["fill"] == "2E7D32"
    assert template.style("rag", "green")["word"] == "On target"  # kept from the default
    assert template.council == "Anytown Council" and template.tolerance == 5.0
    data = dataclasses.replace(q3_data(), council=None)
    ws = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx", template))["P1 Children and young people"]
    assert ws["A2"].value.startswith("Anytown Council.")
    assert ws["R7"].fill.fgColor.rgb == "FF2E7D32"


def test_bad_templates_are_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\npriority = ["ref", "colour"]\n', encoding="utf-8")
    with pytest.raises(OutputError, match="unknown columns \\['colour'\\]"):
        load_template(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[rag\n", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot read the template"):
        load_template(broken)


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40),
                      min_size=1, max_size=20),
       lead=st.sampled_from(["=", "+", "-", "@", "http://", ""]))
def test_any_text_reads_back_as_the_same_string(tmp_path_factory, texts, lead):
    """Whatever a return says, the cell holds exactly that text, never a formula, number or link."""
    path = tmp_path_factory.mktemp("put") / "t.xlsx"
    workbook = Workbook(str(path), WORKBOOK_OPTIONS)
    sheet = Sheet(workbook.add_worksheet("T"))
    written = [lead + text for text in texts]
    for row, text in enumerate(written):
        sheet.put(row, 0, text)
    workbook.close()
    ws = openpyxl.load_workbook(path)["T"]
    assert [(ws.cell(r + 1, 1).value, ws.cell(r + 1, 1).data_type) for r in range(len(written))] == \
        [(text, "s") for text in written]
