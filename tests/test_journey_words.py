"""Issue 17 item 12: words and numbers. Plurals, a missing return said once, one way of writing
periods in titles, a dash where nothing could be counted, why Total PIs can be fewer than the
indicators listed, and a refused period that suggests the nearest accepted one."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli

from helpers import Q3_SAMPLES, find_row, header_columns


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def without_childrens(tmp_path_factory):
    """The Q3 samples with Children's Social Care's return missing (its 14 indicators, seed 003's P1)."""
    folder = tmp_path_factory.mktemp("words") / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    (folder / "childrens-social-care-Q3.xlsx").unlink()
    out = folder.parent / "q3.xlsx"
    result = run("consolidate", folder, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    return folder, result, load_workbook(out)


def test_a_service_that_sent_nothing_is_one_missing_return(without_childrens):
    folder, result, book = without_childrens
    assert "data gaps 16" in result.output  # the 2 published gaps and Children's Social Care's 14
    every = book["All indicators"]
    columns = header_columns(every, 1)
    row = find_row(every, "CYP-01")
    assert every.cell(row, columns["Gap reason"]).value == "no return from Children's Social Care for 2020/21 Q3"
    assert every.cell(row, columns["Explanation"]).value == \
        "No return from Children's Social Care for 2020/21 Q3 \u2192 data gap."
    sheet = book["P1 Children and young people"]
    assert find_row(sheet, "Data gap: no return from Children's Social Care for 2020/21 Q3", column=7)
    explained = run("explain", "CYP-01", folder, "--period", "2020/21 Q3")
    assert "No return from Children's Social Care for 2020/21 Q3 \u2192 data gap." in explained.output
    assert explained.output.count("2020/21 Q3") == 1 and "No usable value" not in explained.output  # said once
    # A gap with a reason of its own keeps it (ASC-20a's NHS note).
    asc = find_row(every, "ASC-20a")
    assert every.cell(asc, columns["Gap reason"]).value == "Data collection currently suspended by NHS"


def test_titles_write_the_period_one_way(without_childrens):
    _, _, book = without_childrens
    titles = {name: book[name]["A1"].value for name in book.sheetnames}
    assert titles["Summary"].endswith("Quarter 3 2020/21")
    assert titles["P1 Children and young people"].endswith(" - Quarter 3 2020/21")
    assert all("2020/21 Q3" not in (title or "") for title in titles.values())


def test_nothing_counted_is_a_dash_and_total_pis_is_explained(without_childrens):
    _, _, book = without_childrens
    ws = book["Summary"]
    header = find_row(ws, "Direction of travel (since the last reported period) and trend (since a year ago)") + 1
    columns = header_columns(ws, header)
    total = find_row(ws, "Total", start=header)
    assert ws.cell(total, columns["PIs where trend can be determined"]).value == 0
    assert ws.cell(total, columns["Trend improving"]).value == "\u2013"  # not "0% (0)"
    note = next(ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                if str(ws.cell(r, 1).value or "").startswith("Total PIs counts"))
    assert "the indicators due this period that have a target" in note


def test_counts_of_one_are_singular(tmp_path):
    """One warning (a comparator table without the council's row) and one error are singular."""
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    (folder / "comparators-CYP-01.csv").write_text("Area code,Area name,Value\nE1,Othertown,450\nE2,Elsewhere,500\n",
                                                   encoding="utf-8")
    result = run("consolidate", folder, "--period", "2020/21 Q3", "--out", tmp_path / "s.xlsx", "--no-history")
    assert "Findings: 0 errors, 1 warning, " in result.output
    (folder / "notes.docx").write_bytes(b"not a spreadsheet")
    validated = run("validate", folder, "--period", "2020/21 Q3")
    assert "(1 error)" in validated.output


@pytest.mark.parametrize("typed,suggested", [
    ("Q3 2020", "2020/21 Q3, October to December 2020, or for the calendar's Q3 2020, 2020/21 Q2, July to "
                "September 2020"),
    ("2021 Q1", "2021/22 Q1, April to June 2021, or for the calendar's Q1 2021, 2020/21 Q4, January to March 2021"),
    ("Quarter 4 2020", "2020/21 Q4, January to March 2021, or for the calendar's Q4 2020, 2020/21 Q3, October to "
                       "December 2020"),
])
def test_a_refused_period_suggests_the_nearest_accepted_one(typed, suggested):
    result = run("consolidate", Q3_SAMPLES, "--period", typed, "--no-history")
    assert result.exit_code == 2
    assert f"'{typed}' is not a period xlscorecard understands (did you mean {suggested}?)" in result.output
    assert f"(did you mean {suggested}?)" in run("period", typed).output


def _row_formats(ws, ref: str) -> list[str]:
    row = find_row(ws, ref)
    return [c.number_format for c in ws[row] if isinstance(c.value, (int, float))]


def test_values_and_targets_share_one_number_of_decimals_per_indicator(tmp_path):
    """CYP-01 was written with one decimal (459.4, 441.8) and its target as 485: the row shows
    every figure with one decimal. A register Decimals column of 2 for CYP-02 shows it with two,
    and a Decimals cell that is not 0-6 is a finding naming its cell."""
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    register = load_workbook(folder / "register-2020-21.xlsx")
    ws = register["Indicators"]
    col = ws.max_column + 1
    ws.cell(1, col, "Decimals")
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["CYP-02"], col, 2)
    ws.cell(rows["CYP-40"], col, "lots")
    register.save(folder / "register-2020-21.xlsx")
    out = tmp_path / "s.xlsx"
    result = run("consolidate", folder, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    assert "Green 29, amber 8, red 21, data gaps 2" in result.output  # display only: the figures stand
    sheet = load_workbook(out)["P1 Children and young people"]
    assert set(_row_formats(sheet, "CYP-01")) == {"#,##0.0", '0.00"%"'}  # figures, and the variance
    cyp01 = find_row(sheet, "CYP-01")
    assert [c.value for c in sheet[cyp01] if c.number_format == "#,##0.0"][:2] == [478, 485]
    assert "#,##0.00" in _row_formats(sheet, "CYP-02") and "#,##0.0" not in _row_formats(sheet, "CYP-02")
    validated = run("validate", folder, "--period", "2020/21 Q3")
    assert "decimals cell is not a whole number from 0 to 6" in validated.output
    assert "register-2020-21.xlsx" in validated.output and "CYP-40" in validated.output
