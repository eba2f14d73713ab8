"""The contract every layout reader keeps: empty files, header-only files, placeholder values and
text in numeric cells never raise, never invent values, and never lose a cell silently."""

from __future__ import annotations

import csv
import itertools

import pytest
from return_builders import workbook_from_rows

from xlscorecard.core.model import Severity
from xlscorecard.readers import LAYOUTS, read_return

# Rows of the target and actual layout are one indicator each only when their refs differ.
ROW_NUMBERS = itertools.count(1)
# One header per layout, and one data row builder: (ref or name, value cells) -> row.
HEADERS = {
    "long values": (["Ref", "Period", "Value", "Note"], lambda values: ["A-1", "Dec 2020", values[0], None]),
    "template indicators": (["Ref", "Name", "Polarity", "Annual target"],
                            lambda values: ["A-1", "Indicator", "Higher", values[0]]),
    "legacy wide": (["Ref", "Performance Indicator", "Higher / Lower is better?", "20/21 Target", "Oct", "Nov", "Dec"],
                    lambda values: ["A-1", "Indicator", "Higher", 10, *values]),
    "monthly measure grid": (["Measure", "October", "November", "December", "RAG"],
                             lambda values: ["No. of audits", *values]),
    "comparator table": (["Ref", "Area code", "Area name", "Value"],
                         lambda values: ["A-1", "E08000013", "St Helens", values[0]]),
    "sheet per period": (["Ref", "Indicator", "Value", "Target", "Note"],
                         lambda values: ["A-1", "Indicator", values[0], None, None]),
    "target and actual side by side": (["Ref", "Indicator", "Oct Target", "Oct Actual", "Nov Tgt", "Nov Act",
                                        "Dec Plan", "Dec Outturn"],
                                       lambda values: ["A-1", "Indicator", None, values[0], None, values[1], None,
                                                       values[2]]),
    "target and actual rows": (["Ref", "Indicator", "Measure type", "Oct", "Nov", "Dec"],
                               lambda values: [f"A-{next(ROW_NUMBERS)}", "Indicator", "Actual", *values]),
}
# A sheet per period says its period above the table (a CSV has no tab name to say it).
TITLES = {"sheet per period": "Period: December 2020"}
FORMATS = ("xlsx", "csv")


def test_every_registered_layout_is_covered_by_the_contract():
    assert {layout.name for layout in LAYOUTS} == set(HEADERS)


def _write(path, rows):
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        return path
    return workbook_from_rows(path, rows, "Return")


def _build(tmp_path, layout, fmt, data_rows):
    header, row_of = HEADERS[layout]
    title = TITLES.get(layout, "Title 2020/21")
    return _write(tmp_path / f"return 2020-21.{fmt}", [[title], header, *[row_of(v) for v in data_rows]])


def _layouts_read(result):
    return result.source_file.layout or ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_file_is_a_finding(tmp_path, fmt):
    path = tmp_path / f"empty.{fmt}"
    path.write_bytes(b"")
    result = read_return(path)
    assert not result.observations and result.findings[0].severity is Severity.ERROR
    assert "empty" in result.findings[0].message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", HEADERS)
def test_header_only_reads_nothing_and_does_not_fail(tmp_path, layout, fmt):
    result = read_return(_build(tmp_path, layout, fmt, []))
    assert not result.observations
    [finding] = result.findings
    assert finding.severity is Severity.WARNING and "no values or indicators" in finding.message


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", HEADERS)
def test_placeholders_are_no_value_and_no_problem(tmp_path, layout, fmt):
    rows = [["-", "N/A", ""], ["n/a", "NA", "-"]]
    result = read_return(_build(tmp_path, layout, fmt, rows))
    assert layout in _layouts_read(result)
    assert not result.observations
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", [name for name in HEADERS if name not in ("template indicators", "comparator table")])
def test_text_in_numeric_cells_is_a_gap_with_its_text_as_reason(tmp_path, layout, fmt):
    result = read_return(_build(tmp_path, layout, fmt, [["awaiting data", "awaiting data", "awaiting data"]]))
    assert result.observations and all(o.value is None and o.note == "awaiting data" for o in result.observations)
    [finding] = [f for f in result.findings if "text in a value cell" in f.message]
    assert finding.source.sheet and finding.source.cell


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_in_a_target_cell_is_reported_not_lost(tmp_path, fmt):
    """An indicator sheet's target 'tbc' leaves the target unset, and says so."""
    result = read_return(_build(tmp_path, "template indicators", fmt, [["tbc"]]))
    assert result.indicators and result.indicators[0].annual_target is None
    [finding] = [f for f in result.findings if "not a number" in f.message]
    assert (finding.source.cell, finding.ref) == ("D3", "A-1") and "'tbc'" in finding.message
