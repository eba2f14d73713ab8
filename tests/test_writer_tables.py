"""Exceptions, All indicators, Data quality and Sources."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl

from helpers import find_row, header_columns
from q3_scorecard import q3_data
from writer_fixtures import q3_book, q3_path  # noqa: F401  (pytest fixtures)
from xlscorecard.core.model import Finding, Severity, Source, SourceFile
from xlscorecard.outputs.scorecard import write_scorecard
from xlscorecard.outputs.scorecard.tables import ALL_INDICATOR_HEADERS

# Seed 003's exception tables (Q3 2020/21).
STRONG = ["CYP-27a", "CYP-42", "ASC-17", "ASC-26", "G&P-12"]
REQUIRES_IMPROVEMENT = ["CYP-01", "CYP-40", "CYP-41", "CYP-04", "CYP-29", "PH-04", "PH-05", "PH-15", "PH-22",
                        "PH-48", "ASC-13", "CC-01"]


def _section_refs(ws, heading: str) -> list[str]:
    row = find_row(ws, heading) + 2
    refs = []
    while ws.cell(row, 2).value:
        refs.append(ws.cell(row, 2).value)
        row += 1
    return refs


def test_exceptions_match_the_published_lists(q3_book):
    """Strong performance is exactly seed 003's list. Requires improvement holds all of the seed's;
    the only extras are Priority 5 indicators, for which the report printed no DOT at all."""
    ws = q3_book["Exceptions"]
    assert _section_refs(ws, "Strong performance: 1st or 2nd quartile, and DOT improving or the same") == STRONG
    needing = _section_refs(ws, "Requires improvement: 3rd or 4th quartile, and DOT not improving")
    assert set(REQUIRES_IMPROVEMENT) <= set(needing)
    assert set(needing) - set(REQUIRES_IMPROVEMENT) <= {"ENV-02", "ENV-07"}


def test_exceptions_carry_notes_colours_and_words(q3_book):
    ws = q3_book["Exceptions"]
    row = find_row(ws, "PH-48", 2)
    assert [ws.cell(row, c).value for c in range(2, 8)] == [
        "PH-48", "Hospital admittance for alcohol specific conditions", "On target", "▼ Worse", "4th Quartile",
        "CCG currently unable to provide data"]
    assert ws.cell(row, 4).fill.fgColor.rgb == "FF00B050"


def test_all_indicators_is_an_excel_table_of_plain_values(q3_book):
    ws = q3_book["All indicators"]
    assert list(ws.tables) == ["AllIndicators"]
    table = ws.tables["AllIndicators"]
    assert table.ref == f"A1:{openpyxl.utils.get_column_letter(len(ALL_INDICATOR_HEADERS))}61"
    assert table.autoFilter is not None
    assert not ws.merged_cells.ranges
    assert [c.value for c in ws[1]] == list(ALL_INDICATOR_HEADERS)
    columns = header_columns(ws, 1)
    row = find_row(ws, "CYP-01")
    record = {name: ws.cell(row, col).value for name, col in columns.items()}
    assert record["Latest value"] == 459.4 and record["Value period"] == "Dec 2020"
    assert round(record["Variance %"], 2) == 5.28 and record["Status"] == "On target"
    assert record["DOT"] == "Worse" and record["Quartile"] == 4 and record["Priority"] == "1"
    gap = find_row(ws, "SC-12")
    assert ws.cell(gap, columns["Status"]).value == "Data gap"
    assert ws.cell(gap, columns["Gap reason"]).value == "Data collection currently suspended by Ministry of Justice"
    assert ws.freeze_panes == "C2" and ws.print_title_rows == "$1:$1"


def test_data_quality_sorted_by_severity_then_file(tmp_path):
    findings = [
        Finding(Severity.INFO, "Title rows above the header", Source("b.xlsx", "Data", "A1")),
        Finding(Severity.ERROR, "Not a spreadsheet", Source("z.txt")),
        Finding(Severity.WARNING, "Text in a numeric cell", Source("b.xlsx", "Data", "F7"), ref="CYP-01",
                action="treated as a data gap", count=3),
        Finding(Severity.ERROR, "Excel lock file", Source("a.xlsx")),
    ]
    data = dataclasses.replace(q3_data(), findings=findings)
    ws = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx"))["Data quality"]
    assert ws["A1"].value == "Data quality - 4 findings"
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(5, 9)] == [
        ("Error", "a.xlsx"), ("Error", "z.txt"), ("Warning", "b.xlsx"), ("Info", "b.xlsx")]
    assert [ws.cell(7, c).value for c in range(3, 9)] == ["Data", "F7", "CYP-01", "Text in a numeric cell",
                                                          "treated as a data gap", 3]
    assert ws.auto_filter.ref == "A4:H8"


def test_empty_data_quality_says_so(q3_book):
    ws = q3_book["Data quality"]
    assert ws["A5"].value == "No problems were found in the returns."


def test_sources_list_each_return_with_its_checksum(tmp_path):
    later = dt.datetime(2021, 1, 20, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    sources = [SourceFile("returns/p2.xlsx", 1024, later, "cd" * 32, records=12, layout="quarterly register"),
               SourceFile("returns/notes.docx", 99, later, "ef" * 32)]
    data = dataclasses.replace(q3_data(), sources=[*q3_data().sources, *sources])
    book = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx"))
    ws = book["Sources"]
    assert ws["A1"].value == "Sources - 3 returns read"
    rows = [[ws.cell(r, c).value for c in range(1, 8)] for r in range(5, 8)]
    assert rows[0] == ["notes.docx", "not understood", 0, 99, dt.datetime(2021, 1, 20, 15, 5), "file date",
                       "ef" * 32]
    assert rows[1][:4] == ["p2.xlsx", "quarterly register", 12, 1024]  # named as the returns folder names them
    assert rows[2][0] == "q3.xlsx"
    assert ws.cell(5, 5).number_format == "d mmm yyyy hh:mm"
    # The Summary's date is the newest return's (20 January), not the clock's.
    assert book["Summary"]["A2"].value.endswith(
        "Newest return's file date: 20 January 2021 (no return records when it was saved).")
