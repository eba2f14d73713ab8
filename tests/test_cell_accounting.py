"""The readers' invariant: every non-empty cell of a recognised table ends in exactly one place
(an observation, a field of the indicator, or a finding), over generated returns in every layout.

Each example builds a return with openpyxl: one layout's header, extra columns of every kind
(fields, columns known to be unused, headers nobody taught the readers, more months), rows of
cells of every kind (figures, marked-up figures, notes, placeholders, Excel errors, dates), and
stray cells. Reading must account for every cell, give no cell two places, and read every
figure in a month column as that month's value at that cell.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from xlscorecard.readers.accounting import Role
from xlscorecard.readers.registry import LAYOUTS
from xlscorecard.readers.safety import DEFAULT_LIMITS
from xlscorecard.readers.sheets import a1
from xlscorecard.readers.workbook import read_tables

MONTHS = ["Oct", "Nov", "Dec"]
MONTH_NUMBERS = {"Oct": 10, "Nov": 11, "Dec": 12}
LAYOUT_HEADERS = {
    "legacy wide": ["Ref", "Performance Indicator", "Higher / Lower is better?", "20/21 Target", *MONTHS],
    "monthly measure grid": ["Measure", *MONTHS, "RAG"],
    "long values": ["Ref", "Period", "Value", "Note"],
    "template indicators": ["Ref", "Name", "Polarity", "Frequency", "Annual target"],
    "comparator table": ["Area code", "Area name", "Value"],
    "sheet per period": ["Ref", "Indicator", "Value", "Target", "Note", "RAG"],
    # "Oct|Target": "Oct" over "Target", a two-row header; "Nov Tgt": both in one cell.
    "target and actual side by side": ["Ref", "Indicator", "Oct|Target", "|Actual", "Nov Tgt", "Nov Act",
                                       "Dec|Plan", "Dec|Outturn", "Dec|RAG"],
    "target and actual rows": ["Ref", "Indicator", "Measure type", *MONTHS],
}
# The sheet's name: a period for a sheet per period, else a name that only gives the year.
SHEET_TITLES = {"sheet per period": "Dec"}
MEASURE_LABELS = st.sampled_from(["Target", "Actual", "Actual", "Tgt", "RAG", "Forecast", None])
EXTRA_HEADERS = ["Data source", "Numerator", "Comments", "Tier", "Outcome", "Unit", "Lead officer", "Jan (est.)",
                 "Trend", "DOT", "% Variance from Target", "Comparative Performance", "Baseline", None]
CELLS = st.one_of(
    st.none(), st.integers(0, 2000), st.floats(0, 1000, allow_nan=False).map(lambda f: round(f, 1)),
    st.sampled_from(["-", "N/A", "459.4 (p)", "312r", "<5", "[c]", "awaiting data", "#DIV/0!", "1,200", "63%",
                     "Lower", "Higher", "Monthly", "Tier 2", "Dec 2020", "CYP-01", "4th Quartile", "\u2191", "x"]),
    st.dates(dt.date(2019, 1, 1), dt.date(2022, 1, 1)),
)


def _key_cell(layout: str, row: int):
    return {"legacy wide": f"PI-{row:02d}", "monthly measure grid": f"Measure number {row}",
            "long values": f"PI-{row:02d}", "template indicators": f"PI-{row:02d}",
            "comparator table": f"E080000{row:02d}", "sheet per period": f"PI-{row:02d}",
            "target and actual side by side": f"PI-{row:02d}",
            "target and actual rows": f"PI-{row // 2:02d}"}[layout]  # a target and an actual row each


@st.composite
def returns(draw):
    layout = draw(st.sampled_from(sorted(LAYOUT_HEADERS)))
    header = list(LAYOUT_HEADERS[layout]) + draw(st.lists(st.sampled_from(EXTRA_HEADERS), max_size=3, unique=True))
    n_rows = draw(st.integers(1, 6))
    body = []
    for row in range(n_rows):
        cells = [draw(CELLS) for _ in header]
        cells[0] = draw(st.sampled_from([_key_cell(layout, row), _key_cell(layout, row), None]))
        if layout == "long values":
            cells[1] = draw(st.sampled_from(["Oct 2020", "Nov 2020", "2020/21 Q3", "Dec 2020", "sometime"]))
        if layout == "target and actual rows":
            cells[2] = draw(MEASURE_LABELS)
        body.append(cells)
    strays = draw(st.lists(st.tuples(st.integers(0, n_rows + 1), st.integers(0, len(header) + 1), CELLS),
                           max_size=3))
    return layout, header, body, strays


def _write(path, header, body, strays, title_rows: int, title: str = "Return 2020-21"):
    """The return; a header text ``'Oct|Target'`` is ``Oct`` with ``Target`` in the row under it."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.cell(1, 1, "CYP-01 Performance return 2020/21")
    top = 1 + title_rows
    two_rows = any(text and "|" in text for text in header)
    for col, text in enumerate(header, start=1):
        if text is None:
            continue
        above, _, below = text.partition("|") if "|" in text else (text, "", "")
        if above:
            ws.cell(top, col, above)
        if below:
            ws.cell(top + 1, col, below)
    top += 1 if two_rows else 0
    for offset, cells in enumerate(body, start=1):
        for col, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(top + offset, col, value)
    for row, col, value in strays:
        if value is not None:
            ws.cell(top + 1 + row, col + 1, value)
    wb.save(path)
    return top


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(generated=returns(), title_rows=st.integers(1, 3))
# A tier on the Target row only: carried down as a tier written once is, not also a finding.
@example(generated=("target and actual rows", ["Ref", "Indicator", "Measure type", "Oct", "Nov", "Dec", "Tier"],
                    [["PI-00", None, "Actual", None, None, None, None], ["PI-00", None, "Target", None, None, None, 0]],
                    []), title_rows=1)
def test_every_cell_of_a_recognised_table_ends_in_exactly_one_place(tmp_path, generated, title_rows):
    layout, header, body, strays = generated
    path = tmp_path / "return.xlsx"
    _write(path, header, body, strays, title_rows, SHEET_TITLES.get(layout, "Return 2020-21"))
    outcome = read_tables(path, LAYOUTS, None, DEFAULT_LIMITS)
    assert outcome.ledgers, (layout, header, [f.message for f in outcome.findings])
    assert layout in outcome.layouts, (layout, header, outcome.layouts)
    for table, ledger, last_row in outcome.ledgers:
        grid = table.grid
        cells = [key for key in grid.cells if table.first_data_row <= key[0] <= last_row]
        unplaced = [a1(*key) for key in cells if key not in ledger.roles]
        assert not unplaced, (layout, header, unplaced)
        assert not ledger.doubles, (layout, [a1(*key) for key in ledger.doubles])
        # A cell a finding names is a finding, and one that gave a figure is a value.
        for observation in outcome.observations:
            if observation.source.sheet == grid.name and observation.value is not None:
                col = "".join(ch for ch in observation.source.cell if ch.isalpha())
                row = int(observation.source.cell[len(col):])
                key = grid.anchor(row, sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(col))))
                assert ledger.roles.get(key) is Role.VALUE or table.first_data_row > row or row > last_row
    counted = sum(t.values + t.fields + t.findings for t in outcome.tables)
    assert counted == sum(len(ledger.roles) for _, ledger, _ in outcome.ledgers)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.lists(st.one_of(st.none(), st.integers(0, 999), st.sampled_from(["459.4 (p)", "-"])),
                                min_size=3, max_size=3), min_size=1, max_size=5),
       hidden=st.booleans())
def test_every_figure_in_a_month_column_is_that_months_value_at_that_cell(tmp_path, values, hidden):
    """The wide layout, with last year's three months beside this year's under year rows."""
    wb = Workbook()
    ws = wb.active
    ws["E1"], ws["H1"] = "2019/20", "2020/21"
    for col, text in enumerate(["Ref", "Indicator", "Polarity", "Target", *MONTHS, *MONTHS], start=1):
        ws.cell(2, col, text)
    for row, months in enumerate(values, start=3):
        ws.cell(row, 1, f"PI-{row}")
        ws.cell(row, 3, "Higher")
        for offset, value in enumerate(months):
            ws.cell(row, 5 + offset, 100 + offset)  # last year
            if value is not None:
                ws.cell(row, 8 + offset, value)
    if hidden:
        for letter in "EFG":
            ws.column_dimensions[letter].hidden = True
    path = tmp_path / "r.xlsx"
    wb.save(path)
    outcome = read_tables(path, LAYOUTS, None, DEFAULT_LIMITS)
    got = {(o.ref, o.period.label, o.source.cell): o.value for o in outcome.observations if o.value is not None}
    expected = {}
    for row, months in enumerate(values, start=3):
        for offset, month in enumerate(MONTHS):
            expected[(f"PI-{row}", f"{month} 2019", a1(row, 5 + offset))] = 100 + offset
            value = months[offset]
            if isinstance(value, int):
                expected[(f"PI-{row}", f"{month} 2020", a1(row, 8 + offset))] = value
            elif value == "459.4 (p)":
                expected[(f"PI-{row}", f"{month} 2020", a1(row, 8 + offset))] = 459.4
    assert got == expected
