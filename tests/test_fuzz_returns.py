"""Generated returns, in our long template (as a workbook or a CSV export) and the council's wide
layout, with random title rows, values, text, placeholders, blank rows and merged notes: reading
never raises and never falls through to the catch-all, and every numeric value cell shows up as a
record (an observation at that cell, with that value) or in a finding naming its row."""

from __future__ import annotations

import csv
import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from xlscorecard.readers import read_return

MONTHS = ["April", "May", "June", "July", "Aug", "Sept"]
NUMBERS = st.one_of(st.integers(-10**9, 10**9),
                    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
TEXT_VALUES = st.sampled_from(["-", "N/A", "n/a", "NA", "1,200", "63%", " 94 ", "#DIV/0!", "tbc", "Data suspended",
                               "=1+1", "12.5.3", "£40", "↑", "Q3"])
VALUES = st.one_of(NUMBERS, NUMBERS, TEXT_VALUES, st.none())
REFS = st.one_of(st.from_regex(r"[A-Z]{2,3}-[0-9]{2}[a-z]?", fullmatch=True), st.sampled_from(["", "?", "=X1"]))
PERIODS = st.sampled_from(["Dec 2020", "2020/21 Q3", "Nov 2020", "2020-10", "Q2 20/21", "December 2020", "soon", ""])
TITLES = st.lists(st.sampled_from(["Performance return", "Priority 1", "Tier 2", "2020/21", "", "Notes: see below"]),
                  max_size=3)


def _long_rows(draw):
    rows = draw(st.lists(st.tuples(REFS, PERIODS, VALUES, st.sampled_from(["", "estimate", "-"])),
                         min_size=1, max_size=12))
    blank_at = draw(st.none() | st.integers(0, len(rows)))
    return rows, blank_at


@st.composite
def long_returns(draw):
    rows, blank_at = _long_rows(draw)
    return {"layout": "long", "as_csv": draw(st.booleans()), "titles": draw(TITLES), "rows": rows,
            "blank_at": blank_at}


@st.composite
def wide_returns(draw):
    n_months = draw(st.integers(1, len(MONTHS)))
    rows = draw(st.lists(st.tuples(REFS, st.sampled_from(["Higher", "Lower", "", "higher is better"]),
                                   st.one_of(NUMBERS, st.none(), TEXT_VALUES),
                                   st.lists(VALUES, min_size=n_months, max_size=n_months),
                                   st.none() | st.tuples(st.integers(0, n_months - 1), st.integers(1, 3))),
                         min_size=1, max_size=8))
    return {"layout": "wide", "titles": draw(TITLES), "months": MONTHS[:n_months], "rows": rows}


def write_long(spec, path):
    """(path, [(row, col, number)]) for a long return; numbers are the Value cells."""
    table = [[title] for title in spec["titles"]] + [["Ref", "Period", "Value", "Note"]]
    numeric = []
    for index, (ref, period, value, note) in enumerate(spec["rows"]):
        if index == spec["blank_at"]:
            table.append([])
        table.append([ref, period, value, note])
        if _is_number(value):
            numeric.append((len(table), 3, value))
    if spec["as_csv"]:
        path = path.with_suffix(".csv")
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([["" if v is None else repr(v) if isinstance(v, float) else v for v in row]
                                          for row in table])
    else:
        wb = Workbook()
        for row in table:
            wb.active.append([_literal(v) for v in row])
        wb.save(path)
    return path, numeric


def write_wide(spec, path):
    """A wide return: Ref, name, polarity, '20/21 Target', then one column per month; a note may
    be merged across some months of a row (the cells under the merge hold nothing)."""
    wb = Workbook()
    ws = wb.active
    for title in spec["titles"]:
        ws.append([title])
    ws.append(["Ref", "Performance Indicator", "Higher / Lower is better?", "20/21 Target", *spec["months"]])
    numeric = []
    for ref, polarity, target, values, merge in spec["rows"]:
        row = ws.max_row + 1
        ws.append([_literal(ref), f"Indicator {ref}", polarity, _literal(target), *[_literal(v) for v in values]])
        if merge is not None:
            first = 5 + merge[0]
            last = min(first + merge[1] - 1, 4 + len(values))
            for col in range(first, last + 1):
                ws.cell(row, col).value = None
            ws.cell(row, first, "Collection suspended")
            if last > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        numeric += [(row, col, ws.cell(row, col).value) for col in range(5, 5 + len(values))
                    if _is_number(ws.cell(row, col).value)]
    wb.save(path)
    return path, numeric


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _literal(value):
    """openpyxl turns text starting '=' into a formula; a return's text is text."""
    return value if not (isinstance(value, str) and value.startswith("=")) else " " + value


CELL = re.compile(r"\b[A-Z]{1,3}(\d+)\b")


def _rows_named(finding) -> set[int]:
    return {int(m) for m in CELL.findall(finding.source.cell or "")}


def _cells_not_named(finding) -> int:
    """How many of a grouped finding's cells it counts without naming them (it names five)."""
    return max(finding.count - len(CELL.findall(finding.source.cell or "")), 0)


def assert_accounted_for(result, path, numeric):
    catch_all = [f for f in result.findings if f.message.startswith("could not read this file")]
    assert not catch_all, catch_all[0].message
    assert all(f.source.path == str(path) for f in result.findings)
    if any(f.source.cell is None and f.severity.label == "error" for f in result.findings):
        return  # the whole file was refused, in a finding that names it
    named_rows = set().union(*(_rows_named(f) for f in result.findings))
    counted_unnamed = sum(_cells_not_named(f) for f in result.findings)
    recorded = {o.source.cell: o.value for o in result.observations if o.value is not None}
    unnamed = []
    for row, col, number in numeric:
        cell = f"{get_column_letter(col)}{row}"
        if cell in recorded:
            assert math.isclose(recorded[cell], float(number), rel_tol=1e-9, abs_tol=1e-9), (cell, number)
        elif row not in named_rows:
            unnamed.append(f"{cell} = {number!r}")
    # A grouped finding names five cells and counts the rest: only that many may go unnamed.
    assert len(unnamed) <= counted_unnamed, f"neither a record nor in a finding: {unnamed}"


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(spec=long_returns())
def test_long_returns_account_for_every_number(tmp_path_factory, spec):
    path, numeric = write_long(spec, tmp_path_factory.mktemp("long") / "service 2020-21.xlsx")
    assert_accounted_for(read_return(path, period_hint="2020/21 Q3"), path, numeric)


@SETTINGS
@given(spec=wide_returns())
def test_wide_returns_account_for_every_number(tmp_path_factory, spec):
    path, numeric = write_wide(spec, tmp_path_factory.mktemp("wide") / "service 2020-21.xlsx")
    assert_accounted_for(read_return(path), path, numeric)
