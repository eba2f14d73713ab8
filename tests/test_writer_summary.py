"""The Summary sheet against the figures seed 003 (Q3 2020/21) publishes."""

from __future__ import annotations

import zipfile

import pytest

from helpers import assert_sheet_matches, bracket_count, find_row, header_columns
from q3_scorecard import PUBLISHED_COUNTS
from writer_fixtures import q3_book, q3_path  # noqa: F401  (pytest fixtures)

PRIORITY_LABELS = {
    "1": "1. Ensure children and young people have a positive start in life",
    "2": "2. Promote good health, independence and care across our communities",
    "3": "3. Create safe and strong communities for our residents",
    "4": "4. Support a strong, diverse and well-connected local economy",
    "5": "5. Create a green, thriving and vibrant place to be proud of",
    "6": "6. Be a modern, efficient and effective Council",
    "Total": "Total",
}


def test_title_names_council_period_and_newest_return(q3_book):
    """The title has the council and period; the date is the newest return's, not the clock's."""
    assert_sheet_matches(q3_book["Summary"], {
        "A1": {"value": "St Helens Borough Council - Performance Scorecard, Quarter 3 2020/21", "bold": True},
        "A2": {"value": "60 indicators in 6 priorities. Newest return's file date: 14 January 2021 "
                        "(no return records when it was saved)."},
    })


def test_headline_compares_with_the_previous_period(q3_book):
    """(29 on target + 8 within 5%) of 58 with data is 64%; the previous figure comes from the data."""
    assert q3_book["Summary"]["A4"].value == (
        "64% of indicator targets were exceeded, met or met within 95% of target. "
        "That is 37 of the 58 indicators with data (2 data gaps). "
        "This compares to 62% in Quarter 2 2020/21.")


@pytest.mark.parametrize("priority", list(PUBLISHED_COUNTS))
def test_performance_against_target_matches_the_published_counts(q3_book, priority):
    """Total PIs / on target / off target / within 5% / data gaps as seed 003 prints them."""
    ws = q3_book["Summary"]
    header = find_row(ws, "Performance against target") + 1
    columns = header_columns(ws, header)
    row = find_row(ws, PRIORITY_LABELS[priority])
    assert row < find_row(ws, "Direction of travel (since the last reported period) and trend (since a year ago)")
    total, on, off, within, gaps = PUBLISHED_COUNTS[priority]
    cell = lambda name: ws.cell(row, columns[name]).value  # noqa: E731
    assert (cell("Total PIs"), bracket_count(cell("On target (fully met)")),
            bracket_count(cell("Off target (not met)")), bracket_count(cell("Within 5% (met within 95%)")),
            bracket_count(cell("Data gaps"))) == (total, on, off, within, gaps)
    assert cell("PIs with data") == total - gaps


def test_shares_are_printed_as_in_the_reports(q3_book):
    """Percentages of the indicators with data, rounded half up, with the count: '50% (29)'."""
    ws = q3_book["Summary"]
    row = find_row(ws, "Total")
    columns = header_columns(ws, find_row(ws, "Performance against target") + 1)
    assert_sheet_matches(ws, {
        f"D{row}": {"value": "50% (29)", "bold": True},
        f"E{row}": {"value": "14% (8)"},
        f"F{row}": {"value": "36% (21)"},
        f"G{row}": {"value": "3% (2)"},
    })
    assert columns["On target (fully met)"] == 4


def test_dot_and_quartile_tables_have_a_row_per_priority_and_total(q3_book):
    ws = q3_book["Summary"]
    names = [ws.cell(row, 1).value for row in range(1, ws.max_row + 1)]
    for label in PRIORITY_LABELS.values():
        assert names.count(label) == 4, label  # four tables: target, DOT and trend, quartile, signals
    dot_header = find_row(ws, "Direction of travel (since the last reported period) and trend (since a year ago)") + 1
    columns = header_columns(ws, dot_header)
    total_row = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total"][1]
    assert ws.cell(total_row, columns["PIs where DOT can be determined"]).value == 55  # seed 003: 55


def test_key_explains_every_colour_and_symbol_in_words(q3_book):
    ws = q3_book["Summary"]
    row = find_row(ws, "Key")
    words = {ws.cell(r, 2).value: ws.cell(r, 3).value for r in range(row, ws.max_row + 1)}
    for label in ("On target", "Within 5%", "Off target", "No target", "Data gap", "▲ Better", "▼ Worse",
                  "► Same", "■ First", "↑ Improving", "↓ Declining", "1st Quartile", "4th Quartile", "N/A"):
        assert words.get(label), f"the key does not explain {label!r}"
    assert_sheet_matches(ws, {f"B{find_row(ws, 'On target', 2, row)}": {"fill": "FF00B050"},
                              f"B{find_row(ws, 'Off target', 2, row)}": {"fill": "FFFF0000", "font_color": "FFFFFFFF"},
                              f"B{find_row(ws, '2nd Quartile', 2, row)}": {"fill": "FFFFFF00"}})


def test_native_stacked_bar_chart_of_rag_by_priority(q3_path):
    """XML-level smoke test: one native bar chart, stacked, with a series per RAG state."""
    with zipfile.ZipFile(q3_path) as package:
        charts = [name for name in package.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = package.read(charts[0]).decode("utf-8")
    assert "<c:barChart>" in xml and '<c:barDir val="bar"/>' in xml and '<c:grouping val="stacked"/>' in xml
    assert xml.count("<c:ser>") == 4
    assert "00B050" in xml and "FFC000" in xml and "FF0000" in xml


def test_summary_print_setup(q3_book):
    ws = q3_book["Summary"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.row_breaks.brk, "the chart should start a new printed page"
