"""Issue 17 item 8: the return template officers fill in. Narrative columns with the Commentary
sheet's headings, each row's target beside its value, a '-' that the validation accepts as the
instructions ask, no overwriting without --force, a register found (or asked for) when a service's
template is wanted, and an Instructions sheet whose lines fit their rows and the page."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.model import COMMENTARY_HEADINGS
from xlscorecard.readers import read_folder

from helpers import Q3_SAMPLES

REGISTER = Q3_SAMPLES / "register-2020-21.xlsx"
WELL = "Smoking quit service moved online and reached more mothers"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1] if cell.value}


@pytest.fixture()
def public_health(tmp_path):
    out = tmp_path / "returns" / "public-health-Q3.xlsx"
    out.parent.mkdir()
    result = run("template", "--register", REGISTER, "--service", "Public Health", "--period", "2020/21 Q3",
                 "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_narrative_columns_are_there_unlocked_and_reach_the_commentary_sheet(public_health, tmp_path):
    """An officer writes a value, a '-' and the narrative; consolidate shows the narrative on the
    Commentary sheet under the same heading, and '-' is a gap with no finding."""
    wb = load_workbook(public_health)
    ws = wb["Values"]
    cols = columns(ws)
    for heading in COMMENTARY_HEADINGS.values():
        assert heading in cols
        assert not ws.cell(2, cols[heading]).protection.locked
    rows = {(ws.cell(r, 1).value, ws.cell(r, 3).value): r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    ws.cell(rows[("PH-15", "Dec 2020")], cols["Value"], 9.0)   # lower is better, well under target
    ws.cell(rows[("PH-15", "Dec 2020")], cols["Why is it performing well?"], WELL)
    ws.cell(rows[("PH-04", "2020/21 Q3")], cols["Value"], "-")
    ws.cell(rows[("PH-04", "2020/21 Q3")], cols["Note"], "Published by ONS in March")
    wb.save(public_health)
    shutil.copy(REGISTER, public_health.parent / REGISTER.name)

    read = read_folder(public_health.parent, period="2020/21 Q3")
    assert [f for f in read.findings if "public-health" in str(f.source.path)] == []
    ph04 = [o for o in read.observations if o.ref == "PH-04"]
    assert [(o.value, o.note) for o in ph04] == [(None, "Published by ONS in March")]

    result = run("consolidate", public_health.parent, "--period", "2020/21 Q3", "--out", tmp_path / "s.xlsx",
                 "--no-history")
    assert result.exit_code == 0, result.output
    commentary = load_workbook(tmp_path / "s.xlsx")["Commentary"]
    cells = [c.value for row in commentary.iter_rows() for c in row if c.value]
    assert WELL in cells and "Why is it performing well?" in cells


def test_each_row_shows_the_target_it_is_scored_against(public_health):
    """PH-04 (flat, annual 28 in the register) shows 28 beside its Q3 value; the column is not read."""
    ws = load_workbook(public_health)["Values"]
    cols = columns(ws)
    assert cols["Target (for reference)"] == cols["Value"] + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "PH-04")
    assert ws.cell(row, cols["Target (for reference)"]).value == 28


def test_the_value_validation_accepts_the_dash_the_instructions_ask_for(public_health):
    wb = load_workbook(public_health)
    value = next(dv for dv in wb["Values"].data_validations.dataValidation if str(dv.sqref).startswith("D2"))
    assert (value.type, value.formula1) == ("custom", 'OR(ISNUMBER(D2),D2="-")')
    text = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert "write - (a dash) when there is no data" in text
    assert "'Why is it performing well?'" in text and "Commentary sheet" in text


def test_an_existing_file_is_not_replaced_without_force(public_health):
    before = public_health.read_bytes()
    again = run("template", "--register", REGISTER, "--service", "Public Health", "--out", public_health)
    assert again.exit_code == 2
    assert again.output.strip().endswith("already exists; pass --force to replace it, or choose another --out")
    assert public_health.read_bytes() == before
    forced = run("template", "--register", REGISTER, "--service", "Children's Social Care", "--out", public_health,
                 "--force")
    assert forced.exit_code == 0, forced.output
    assert load_workbook(public_health)["Indicators"]["A2"].value == "CYP-01"


def test_a_service_template_without_a_register_finds_one_here_or_asks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = run("template", "--service", "Public Health", "--out", "ph.xlsx")
    assert missing.exit_code == 2
    assert "no register in the current folder" in missing.output and "--register FILE" in missing.output
    assert not (tmp_path / "ph.xlsx").exists()
    shutil.copy(REGISTER, tmp_path / REGISTER.name)
    found = run("template", "--service", "Public Health", "--period", "2020/21 Q3", "--out", "ph.xlsx")
    assert found.exit_code == 0, found.output
    assert "Register: register-2020-21.xlsx" in found.output
    refs = [c.value for c in load_workbook(tmp_path / "ph.xlsx")["Indicators"]["A"][1:] if c.value]
    assert refs == ["PH-04", "PH-05", "PH-15", "PH-22", "PH-25", "PH-48", "PH-52"]


def test_instructions_lines_have_room_and_the_sheet_fits_the_page_width(public_health):
    """Every line's row is tall enough for its wrapped text at the column's width (LibreOffice
    overlapped them when the rows had no height), and the page is one page wide, portrait."""
    ws = load_workbook(public_health)["Instructions"]
    width = ws.column_dimensions["A"].width
    assert width <= 80  # a portrait A4 page
    for row in range(3, ws.max_row + 1):
        text = ws.cell(row, 1).value or ""
        height = ws.row_dimensions[row].height
        assert height is not None, row
        # about 1.25 characters of 10-point Arial per unit of width, 13 points per line
        assert height >= 13 * -(-len(text) // int(width * 1.25)), (row, text[:40])
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
