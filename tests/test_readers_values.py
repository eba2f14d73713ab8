"""The value rules: what a value cell means, and how problems in cells become grouped findings."""

from __future__ import annotations

import datetime as dt

import pytest
from return_builders import workbook_from_rows

from xlscorecard.core.model import Severity
from xlscorecard.readers import read_return
from xlscorecard.readers.cells import read_cell
from xlscorecard.readers.sheets import Cell


@pytest.mark.parametrize(
    # cell value, number format, expected value, expected note
    "value, number_format, expected, note",
    [
        ("-", "General", None, None),
        ("", "General", None, None),
        ("N/A", "General", None, None),
        ("NA", "General", None, None),
        ("n/a", "General", None, None),
        ("1,200,295", "General", 1200295.0, None),
        ("63%", "General", 63.0, None),
        (" 94 ", "General", 94.0, None),
        (0.63, "0%", 63.0, None),
        (0.0528, "0.00%", 5.28, None),
        (0.63, '0.00"%"', 0.63, None),
        (459.4, "General", 459.4, None),
        ("Data collection currently suspended by NHS", "General", None, "Data collection currently suspended by NHS"),
    ],
)
def test_value_cells_read_as_people_see_them(value, number_format, expected, note):
    """Placeholders are no value, numbers stored as text are numbers, percent fractions are
    the percentage shown, other text is a gap with that text as its reason."""
    reading = read_cell(Cell(value, number_format))
    assert (expected, note) == (reading.value, reading.note)


@pytest.mark.parametrize(
    "cell, problem_words",
    [
        (Cell("#DIV/0!", is_error=True), "Excel error"),
        (Cell("=A1/B1", formula_without_value=True), "no cached value"),
        (Cell(dt.datetime(2020, 12, 1)), "date"),
        (Cell(True), "TRUE/FALSE"),
    ],
)
def test_unusable_cells_are_problems_not_values(cell, problem_words):
    """Excel errors, formulas never calculated, dates and booleans give no value and a problem."""
    reading = read_cell(cell)
    assert reading.value is None and problem_words in reading.problem[1]


def _wide_return(path, values_by_row):
    header = [["Return for 2020/21"], ["Ref", "Indicator", "Polarity", "Target", "Apr", "May", "Jun"]]
    return workbook_from_rows(path, header + [[ref, f"Indicator {ref}", "Higher", 10, *values]
                                              for ref, values in values_by_row], "Data")


def test_problem_cells_are_findings_naming_sheet_and_cell(tmp_path):
    """An Excel error, a formula with no cached value and a date each name file, sheet and A1 cell."""
    path = _wide_return(tmp_path / "r.xlsx", [("A-1", ["#DIV/0!", "=1+1", dt.datetime(2020, 5, 1)])])
    result = read_return(path)
    problems = {f.source.cell: f for f in result.findings if f.severity is Severity.ERROR}
    assert set(problems) == {"E3", "F3", "G3"}
    assert all(f.source.path == str(path) and f.source.sheet == "Data" and f.ref == "A-1" for f in problems.values())
    # No figure from any of them: each is a gap marked unreadable, at its own cell and month.
    assert [(o.value, o.flag, o.source.cell, o.period.label) for o in result.observations] == [
        (None, "unreadable", "E3", "Apr 2020"), (None, "unreadable", "F3", "May 2020"),
        (None, "unreadable", "G3", "Jun 2020")]


def test_repeated_problems_are_grouped_with_five_examples_and_a_count(tmp_path):
    """Twelve error cells of one kind on one sheet are one finding: five example cells, count 12."""
    path = _wide_return(tmp_path / "r.xlsx", [(f"A-{n}", ["#N/A", "#N/A", "#N/A"]) for n in range(4)])
    [finding] = [f for f in read_return(path).findings if "Excel error" in f.message]
    assert finding.count == 12
    assert finding.source.cell == "E3, F3, G3, E4, F4"
    assert "and 7 more" in finding.message
