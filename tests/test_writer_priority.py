"""The priority sheets: values, RAG fills per state, arrows, quartiles, gaps, comments, printing."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from helpers import assert_sheet_matches, find_row, header_columns
from q3_scorecard import q3_data
from writer_fixtures import q3_book, q3_path  # noqa: F401  (pytest fixtures)
from xlscorecard.core.model import Indicator, Observation, Period, Rag
from xlscorecard.core.scoring import score_indicator
from xlscorecard.outputs.scorecard import load_template, write_scorecard
from xlscorecard.outputs.scorecard.sheet import MAX_SHEET_NAME, sheet_name

P1, P2 = "P1 Children and young people", "P2 Health, independence, care"
HEADER_ROW = 4  # "Ref", "Performance indicator", … (month names on row 5)

# Fill and font colour of each RAG state, from the default template, as openpyxl reads them.
RAG_FILLS = {"On target": "FF00B050", "Within 5%": "FFFFC000", "Off target": "FFFF0000"}


def cell(ws, ref: str, header: str):
    return ws.cell(find_row(ws, ref), header_columns(ws, HEADER_ROW)[header])


def test_sheet_names_and_order(q3_book):
    assert q3_book.sheetnames == [
        "Summary", P1, P2, "P3 Safe and strong communities", "P4 Local economy",
        "P5 Green and vibrant place", "P6 Modern, efficient Council", "Indicator history",
        "Exceptions", "Signals this period", "All indicators", "Data quality", "Sources"]


def test_header_has_quarters_over_months_up_to_the_period(q3_book):
    ws = q3_book[P1]
    assert [ws.cell(5, c).value for c in range(7, 16)] == ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert [ws.cell(4, c).value for c in (7, 10, 13)] == ["Q1", "Q2", "Q3"]
    assert {str(r) for r in ws.merged_cells.ranges} >= {"G4:I4", "J4:L4", "M4:O4", "A4:A5"}


def test_cyp01_row_is_the_worked_example(q3_book):
    """SPEC's worked example: 459.4 against 485, lower is better: +5.28%, green, DOT worse (▼) in green."""
    ws = q3_book[P1]
    row = find_row(ws, "CYP-01")
    assert [ws.cell(row, c).value for c in range(1, 7)] == ["CYP-01", "Rate of Children in Need", "Monthly",
                                                            "Lower", 478, 485]
    assert_sheet_matches(ws, {
        f"O{row}": {"value": 459.4, "fill": "FF00B050"},          # December, the latest value
        f"N{row}": {"value": 467, "fill": None},            # November: no fill
        f"R{row}": {"value": 5.278350515463922, "fill": "FF00B050", "number_format": '0.00"%"'},
        f"S{row}": {"value": "On target", "fill": "FF00B050"},
        f"U{row}": {"value": "▼ Worse", "font_color": "FF00803A", "bold": True},
        f"V{row}": {"value": "↑ Improving"},
        f"W{row}": {"value": "4th Quartile", "fill": "FFFF0000", "font_color": "FFFFFFFF"},
    })


@pytest.mark.parametrize("sheet, ref, status, dot_colour", [
    # sheet, ref, status word, DOT arrow colour (the RAG's symbol colour)
    (P1, "CYP-02", "On target", "FF00803A"),
    (P1, "CYP-27a", "Within 5%", "FFC55A11"),
    (P1, "CYP-40", "Off target", "FFC00000"),
])
def test_rag_fill_on_latest_value_variance_and_status(q3_book, sheet, ref, status, dot_colour):
    ws = q3_book[sheet]
    fill = RAG_FILLS[status]
    for header in ("Dec", "% Variance from target", "Performance vs target"):
        column = header_columns(ws, HEADER_ROW) | header_columns(ws, 5)
        got = ws.cell(find_row(ws, ref), column[header])
        assert got.fill.fgColor.rgb == fill, f"{ref} {header}"
    assert cell(ws, ref, "Performance vs target").value == status
    assert cell(ws, ref, "DOT").font.color.rgb == dot_colour


def test_value_from_an_earlier_month_is_filled_where_it_is(q3_book):
    """HS-01 has only a November value: that cell carries the RAG, December stays empty."""
    ws = q3_book["P4 Local economy"]
    row = find_row(ws, "HS-01")
    assert_sheet_matches(ws, {f"N{row}": {"value": 1217, "fill": "FFFF0000"}, f"O{row}": {"value": None}})


def test_data_gap_shows_its_reason_across_the_value_cells(q3_book):
    ws = q3_book[P2]
    row = find_row(ws, "ASC-20a")
    assert f"G{row}:O{row}" in {str(r) for r in ws.merged_cells.ranges}
    assert_sheet_matches(ws, {
        f"G{row}": {"value": "Data gap: Data collection currently suspended by NHS", "fill": "FFD9D9D9"},
        f"S{row}": {"value": "Data gap", "fill": "FFD9D9D9"},
        f"W{row}": {"value": "1st Quartile", "fill": "FF00B050"},
    })


def test_quartile_colours_and_words(q3_book):
    ws = q3_book[P1]
    expected = {"CYP-27a": ("1st Quartile", "FF00B050"), "CYP-40": ("3rd Quartile", "FFFFC000"),
                "CYP-01": ("4th Quartile", "FFFF0000"), "CYP-43": ("N/A", "00000000")}
    for ref, (word, fill) in expected.items():
        got = cell(ws, ref, "Comparative performance")
        assert (got.value, got.fill.fgColor.rgb) == (word, fill), ref
    got = cell(q3_book[P2], "ASC-18", "Comparative performance")
    assert (got.value, got.fill.fgColor.rgb) == ("2nd Quartile", "FFFFFF00")


def test_notes_from_returns_are_cell_comments(q3_book):
    ws = q3_book[P2]
    comment = cell(ws, "PH-48", "Performance indicator").comment
    assert comment is not None and "CCG currently unable to provide data" in comment.text
    assert cell(ws, "ASC-11", "Performance indicator").comment is None


def test_grouped_by_tier_with_band_rows(q3_book):
    ws = q3_book[P1]
    assert find_row(ws, "Tier 1") < find_row(ws, "CYP-01") < find_row(ws, "Tier 2") < find_row(ws, "CYP-04")


def test_priority_print_setup(q3_book):
    ws = q3_book[P1]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$4:$5"
    assert ws.freeze_panes == "C6"
    assert ws.column_dimensions["B"].width > 40  # the indicator name is readable


def test_no_target_and_not_due_states(tmp_path):
    """An indicator with data but no target is uncoloured and says so; an annual one is not due."""
    period = Period.quarter(2020, 3)
    indicators = [Indicator("NT-1", "No target yet", "higher", frequency="monthly", priority="1", tier=1),
                  Indicator("AN-1", "Annual survey", "higher", frequency="annual", annual_target=50, priority="1",
                            tier=1)]
    observations = [Observation("NT-1", Period.month(2020, 12), 12.0)]
    scores = [score_indicator(i, observations, period) for i in indicators]
    assert [s.rag for s in scores] == [Rag.NO_TARGET, Rag.NOT_DUE]
    data = dataclasses.replace(q3_data(), indicators=indicators, observations=observations, scores=scores)
    ws = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx"))[P1]
    assert_sheet_matches(ws, {
        f"S{find_row(ws, 'NT-1')}": {"value": "No target", "fill": "FFFFFFFF"},
        f"O{find_row(ws, 'NT-1')}": {"value": 12},
        f"S{find_row(ws, 'AN-1')}": {"value": "Not due", "fill": "FFF2F2F2"},
        f"G{find_row(ws, 'AN-1')}": {"value": "Not due in 2020/21 Q3 (annual)"},
    })


def test_long_priority_names_give_valid_unique_sheet_names(tmp_path):
    """Without short names, sheet names are cut to 31 characters at a word and stay unique."""
    template_file = tmp_path / "council.toml"
    template_file.write_text(
        '[[priorities]]\nkey = "1"\nname = "Ensure children and young people have a positive start in life"\n'
        '[[priorities]]\nkey = "2"\nname = "Ensure children and young people have a positive start in work"\n',
        encoding="utf-8")
    data = dataclasses.replace(q3_data(priority_order=(), priority_names={}, priority_shorts={}), indicators=[i for i in q3_data().indicators if i.priority in "12"])
    path = write_scorecard(data, tmp_path / "s.xlsx", load_template(template_file))
    names = openpyxl.load_workbook(path).sheetnames
    assert names[1:3] == ["Priority 1 - Ensure children", "Priority 2 - Ensure children"]
    assert len({n.lower() for n in names}) == len(names)


@pytest.mark.parametrize("wanted, taken, expected", [
    # wanted name, names already used, the name given
    ("Summary", set(), "Summary"),
    ("Summary", {"summary"}, "Summary (2)"),
    ("Health: care/support [adults]?", set(), "Health- care-support -adults--"),
    ("P2 Promote good health, independence and care", set(), "P2 Promote good health"),
    ("x" * 40, set(), "x" * 31),
])
def test_sheet_name(wanted, taken, expected):
    """Sheet names drop []:*?/\\, fit 31 characters, and are unique ignoring case."""
    assert expected == sheet_name(wanted, set(taken))
    assert len(expected) <= MAX_SHEET_NAME


def test_priority_missing_from_the_template_gets_a_plain_name(tmp_path):
    data = q3_data()
    moved = [dataclasses.replace(i, priority="7") if i.priority == "6" else i for i in data.indicators]
    book = openpyxl.load_workbook(write_scorecard(dataclasses.replace(data, indicators=moved), tmp_path / "s.xlsx"))
    assert book.sheetnames[6] == "Priority 7"
    assert book["Priority 7"]["A1"].value == "Priority 7 - Quarter 3 2020/21"  # titles write periods one way


def test_an_empty_framework_still_writes_every_list_sheet(tmp_path):
    data = dataclasses.replace(q3_data(), indicators=[], scores=[], observations=[], sources=[])
    book = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx"))
    assert book.sheetnames == ["Summary", "Exceptions", "All indicators", "Data quality", "Sources"]
    assert book["Sources"]["A5"].value == "No returns were listed."
