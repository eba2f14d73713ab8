"""Whatever a person types into a cell or a sheet, reading gives values or findings, never a traceback."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from return_builders import workbook_from_rows
from xlscorecard.readers import read_return
from xlscorecard.readers.cells import read_cell
from xlscorecard.readers.sheets import Cell

HEADER_WORDS = ["Ref", "PI Ref", "Measure", "Performance Indicator", "Polarity", "Higher / Lower is better?",
                "20/21 Target", "Target", "Period", "Value", "Note", "Q1", "April", "Sept", "Q2 Sept", "Dec 2020",
                "Tier", "Outcome", "Trend", "DOT", "% Variance from Target", "Reporting Frequency"]
CELL_VALUES = st.one_of(
    st.none(), st.sampled_from(HEADER_WORDS), st.text(max_size=12),
    st.sampled_from(["-", "N/A", "1,200,295", "63%", " 94 ", "#DIV/0!", "Tier 1", "Lower", "Higher", "CYP-01",
                     "Quarterly from Q2", "4th Quartile", "↑", "2020/21 Q3", "TRUE"]),
    st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)
# Characters openpyxl refuses to write (control characters) are not something a return can hold.
PRINTABLE = CELL_VALUES.filter(lambda v: not isinstance(v, str) or all(ch >= " " for ch in v))


@given(value=CELL_VALUES, number_format=st.sampled_from(["General", "0%", "0.00%", '0"%"', "mmm-yy", "@"]),
       is_error=st.booleans(), formula=st.booleans())
def test_reading_a_cell_never_raises(value, number_format, is_error, formula):
    reading = read_cell(Cell(value, number_format, is_error, formula))
    assert reading.value is None or isinstance(reading.value, float)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(PRINTABLE, max_size=8), max_size=8)
       | st.lists(st.sampled_from(HEADER_WORDS), min_size=2, max_size=8).map(lambda header: [header]))
def test_any_small_sheet_reads_to_values_or_findings(tmp_path, rows):
    path = workbook_from_rows(tmp_path / "return 2020-21.xlsx", rows)
    result = read_return(path)
    assert not [f for f in result.findings if f.message.startswith("could not read this file")]
    assert result.observations or result.indicators or result.findings
