"""Returns made the way other councils' officers make them: each family is read as the officer
meant, or a finding says why not (issue "Never misread a return").

Every return here is built with openpyxl inside the test from the published Q3 2020/21 rows
(tests/data); the expected figures are the published ones, not the code's own output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from return_builders import Q3_CSV, cell_value, rows
from xlscorecard.pipeline import assess
from xlscorecard.errors import ReturnError
from xlscorecard.cli import cli
from xlscorecard.core.model import EARLIER_VALUE, NOT_IN_REGISTER, PARTLY_READ, Severity
from xlscorecard.readers import read_folder, read_return

ROOT = Path(__file__).resolve().parents[1]
REGISTER = ROOT / "sample_workbooks" / "2020-21-Q3" / "register-2020-21.xlsx"
MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
HEADERS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
REFERENCE = {r["ref"]: r for r in rows(Q3_CSV)}
CYP = [REFERENCE[ref] for ref in ("CYP-01", "CYP-02", "CYP-40", "CYP-41")]
Q3 = "2020/21 Q3"


def published_variance(ref: str) -> float:
    return float(REFERENCE[ref]["published_variance"].rstrip("%"))


def score_of(folder: Path, ref: str):
    result = assess(folder, period=Q3)
    return next(s for s in result.scores if s.ref == ref), result


def with_register(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    shutil.copy(REGISTER, folder / REGISTER.name)
    return folder


def last_year(record: dict, month: int) -> float:
    """A made-up 2019/20 value: it must never be scored as 2020/21's."""
    return 1000 + month


# -- two financial years side by side -----------------------------------------------------------

def _two_years(path: Path, *, band: str, hide: bool = True) -> Path:
    """Ref | Indicator | Polarity | 20/21 Target | twelve 2019/20 months | nine 2020/21 months."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Performance"
    ws["A1"] = "Children's services performance return"
    first, second = 5, 17
    if band == "merged":
        ws.cell(3, first, "2019/20")
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + 11)
        ws.cell(3, second, "2020/21")
        ws.merge_cells(start_row=3, start_column=second, end_row=3, end_column=second + 8)
    elif band == "written once":
        ws.cell(3, first, "2019/20")
        ws.cell(3, second, "2020/21")
    for col, text in enumerate(("Ref", "Indicator", "Polarity", "20/21 Target"), start=1):
        ws.cell(4, col, text)
    for offset, month in enumerate(HEADERS):
        ws.cell(4, first + offset, month)
    for offset, month in enumerate(HEADERS[:9]):
        ws.cell(4, second + offset, month)
    for row, record in enumerate(CYP, start=5):
        for col, value in enumerate((record["ref"], record["indicator"], record["polarity"],
                                     cell_value(record["target_2020_21"])), start=1):
            ws.cell(row, col, value)
        for offset in range(12):
            ws.cell(row, first + offset, last_year(record, offset))
        for offset, month in enumerate(MONTHS):
            value = cell_value(record[month])
            if value not in (None, "-"):
                ws.cell(row, second + offset, value)
    if hide:
        for col in range(first, first + 12):
            ws.column_dimensions[ws.cell(4, col).column_letter].hidden = True
    wb.save(path)
    return path


@pytest.mark.parametrize("band", ["merged", "written once"])
def test_last_years_months_are_last_years_and_this_years_are_scored(tmp_path, band):
    _two_years(tmp_path / "childrens-two-years.xlsx", band=band)
    score, result = score_of(tmp_path, "CYP-01")
    assert (score.value, score.value_period.label, round(score.variance, 2)) == (459.4, "Dec 2020", 5.28)
    assert score.rag.value == "green" and score.dot.value == "worse"  # September's 441.8 gave +8.91%
    # Last year's December is the trend's comparison: 459.4 against 1008, lower is better.
    assert (score.last_year_value, score.trend.value) == (last_year(CYP[0], 8), "improving")
    periods = {o.period.label: o.value for o in result.observations if o.ref == "CYP-01"}
    assert periods["Apr 2019"] == 1000 and periods["Mar 2020"] == 1011 and periods["Apr 2020"] == 444
    hidden = [f for f in result.findings if "hidden value columns" in f.message]
    assert len(hidden) == 1 and "Apr 2019 … Mar 2020" in hidden[0].message and hidden[0].source.cell == "E4"
    assert not [f for f in result.findings if f.severity is not Severity.INFO and not f.message.startswith(
        "no register in")]  # the folder has no register on purpose, and the warning says so


def test_two_years_with_nothing_to_tell_them_apart_are_an_error_and_neither_is_used(tmp_path):
    _two_years(tmp_path / "childrens-2020-21.xlsx", band="none")
    score, result = score_of(tmp_path, "CYP-01")
    assert score.value is None and score.rag.value == "gap"
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert "same period" in error.message and "E4 'Apr' and Q4 'Apr'" in error.message
    # April to December are written twice; January to March once, in one block or the other.
    assert error.count == 21 and error.kind == PARTLY_READ and "the year of N4 'Jan', O4 'Feb', P4 'Mar'," in error.message
    # The months written once (Jan-Mar 2020, before the second block) are last year's: no guess at them either.
    assert not [o for o in result.observations if o.value is not None and o.period.fy.start == 2020]


def test_a_month_written_twice_in_one_header_is_an_error_naming_both_cells(tmp_path):
    path = tmp_path / "dup-2020-21.xlsx"
    wb = Workbook()
    wb.active.append(["Ref", "Indicator", "Polarity", "Target", "Oct", "Nov", "Dec", "Dec"])
    wb.active.append(["CYP-01", "Rate of Children in Need", "Lower", 485, 453.7, 467, 459.4, 470])
    wb.save(path)
    result = read_return(path, period_hint=Q3)
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert error.source.cell == "G1, H1" and "G1 'Dec' and H1 'Dec'" in error.message
    assert not [o for o in result.observations if o.period.label == "Dec 2020"]
    assert [o.value for o in result.observations] == [453.7, 467]


def test_a_calendar_year_over_january_to_march_gives_those_months_that_year(tmp_path):
    path = tmp_path / "calendar.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["E1"], ws["H1"] = "2020", "2021"
    ws.append([])
    ws.delete_rows(2)
    for col, text in enumerate(("Ref", "Indicator", "Polarity", "Target", "Oct", "Nov", "Dec", "Jan", "Feb"), 1):
        ws.cell(2, col, text)
    for col, value in enumerate(("CYP-01", "Rate", "Lower", 485, 1, 2, 3, 4, 5), 1):
        ws.cell(3, col, value)
    wb.save(path)
    result = read_return(path)
    assert [o.period.label for o in result.observations] == ["Oct 2020", "Nov 2020", "Dec 2020", "Jan 2021",
                                                             "Feb 2021"]


# -- refs typed differently from the register, and names only ----------------------------------

SPELLINGS = {"CYP-01": "cyp-01", "CYP-02": "CYP 02", "CYP-40": "CYP\u201340", "CYP-41": "CYP\u00a041"}


def _wide(path: Path, records, refs: dict[str, str | None], *, with_ref=True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Q3"
    ws.append(["Performance return 2020/21"])
    ws.append((["Ref"] if with_ref else []) + ["Indicator", *HEADERS[:9]])
    for record in records:
        values = [cell_value(record[m]) for m in MONTHS]
        values = [None if v == "-" else v for v in values]
        ws.append(([refs.get(record["ref"], record["ref"])] if with_ref else []) + [record["indicator"], *values])
    wb.save(path)
    return path


def test_refs_typed_loosely_are_the_registers_indicators(tmp_path):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", CYP, SPELLINGS)
    result = assess(folder, period=Q3)
    scores = {s.ref: s for s in result.scores}
    for ref in SPELLINGS:
        assert scores[ref].variance is not None and round(scores[ref].variance, 2) == published_variance(ref), ref
    assert {i.ref for i in result.indicators} >= set(SPELLINGS)
    assert not {"cyp-01", "CYP 02"} & {i.ref for i in result.indicators}
    assert not [f for f in result.findings if f.kind == NOT_IN_REGISTER]
    [matched] = [f for f in result.findings if "matched to the register" in f.message]
    assert "'cyp-01' as CYP-01" in matched.message and matched.count == 4


def test_a_ref_not_in_the_register_is_a_warning_with_the_nearest_and_is_kept_apart(tmp_path):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", CYP[:1], {"CYP-01": "CYP-011"})
    result = assess(folder, period=Q3)
    [warning] = [f for f in result.findings if f.kind == NOT_IN_REGISTER]
    assert warning.severity is Severity.WARNING and "CYP-011" in warning.message
    assert "did you mean CYP-01" in warning.message and warning.source.cell == "A3"
    # The register's CYP-01 is a gap; the stray ref is kept, apart from the framework's indicators.
    assert next(s for s in result.scores if s.ref == "CYP-01").rag.value == "gap"
    assert "CYP-011" not in {s.ref for s in result.scores}
    assert "CYP-011" in {ref for ref, _, _ in result.outside_register}


def test_a_return_with_no_ref_column_is_matched_by_name(tmp_path):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens-by-name.xlsx", CYP, {}, with_ref=False)
    result = assess(folder, period=Q3)
    scores = {s.ref: s for s in result.scores}
    for record in CYP:
        assert round(scores[record["ref"]].variance, 2) == published_variance(record["ref"]), record["ref"]
    assert not [f for f in result.findings if f.kind == NOT_IN_REGISTER]


def test_a_name_that_matches_nothing_says_which_it_might_be(tmp_path):
    folder = with_register(tmp_path / "returns")
    record = {**CYP[0], "indicator": "Rate of Childen in Need"}  # a typo
    _wide(folder / "childrens-by-name.xlsx", [record], {}, with_ref=False)
    result = read_folder(folder, period=Q3)
    [warning] = [f for f in result.findings if f.kind == NOT_IN_REGISTER]
    assert "'Rate of Childen in Need'" in warning.message and "CYP-01" in warning.message
    assert warning.source.cell == "A3"


# -- marked-up figures, suppression, and values scored from an earlier month -------------------

@pytest.mark.parametrize("typed, value, flag", [
    ("459.4 (p)", 459.4, "provisional"), ("459.4*", 459.4, "provisional"), ("459.4 prov", 459.4, "provisional"),
    ("459.4 (provisional)", 459.4, "provisional"), ("459.4r", 459.4, "revised"), ("459.4 (r)", 459.4, "revised"),
    ("459.4 revised", 459.4, "revised"), ("459.4 est", 459.4, "estimated"), ("459.4 (e)", 459.4, "estimated"),
])
def test_a_marked_up_figure_is_read_as_the_figure_with_its_marker(tmp_path, typed, value, flag):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", [{**CYP[0], "dec": typed}], {})
    score, result = score_of(folder, "CYP-01")
    assert (score.value, score.value_period.label, score.flag) == (value, "Dec 2020", flag)
    assert round(score.variance, 2) == 5.28
    assert not [f for f in result.findings if f.severity is not Severity.INFO and not f.message.startswith(
        "no register in")]  # the folder has no register on purpose, and the warning says so


@pytest.mark.parametrize("typed", ["<5", "*", "c", "[c]", "[x]", "[z]", ".."])
def test_a_suppressed_figure_is_a_gap_with_the_reason_suppressed(tmp_path, typed):
    record = {**CYP[0], **{m: "-" for m in MONTHS[:8]}, "dec": typed}
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", [record], {})
    score, _ = score_of(folder, "CYP-01")
    assert (score.rag.value, score.gap_reason) == ("gap", "suppressed")


@pytest.mark.parametrize("typed", ["459.4 (pending)", "#DIV/0!", "awaiting data"])
def test_an_earlier_month_scored_because_the_periods_cell_is_not_a_figure_is_a_warning(tmp_path, typed):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", [{**CYP[0], "dec": typed}], {})
    score, result = score_of(folder, "CYP-01")
    assert (score.value, score.value_period.label) == (467, "Nov 2020")  # the latest figure up to December
    [warning] = [f for f in result.findings if f.kind == EARLIER_VALUE]
    assert warning.severity is Severity.WARNING and warning.source.cell == "K3" and warning.ref == "CYP-01"
    assert "Dec 2020" in warning.message and "Nov 2020" in warning.message


def test_a_note_beside_an_empty_december_stays_decembers(tmp_path):
    """The template's Values rows: November has a figure, December only a note. November is
    scored (with a warning), and the note is December's, not shown as November's."""
    path = tmp_path / "childrens-2020-21.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Values"
    ws.append(["Ref", "Period", "Value", "Note"])
    ws.append(["CYP-01", "Nov 2020", 467, None])
    ws.append(["CYP-01", "Dec 2020", None, "December's figure arrives on 20 January"])
    indicators = wb.create_sheet("Indicators")
    indicators.append(["Ref", "Name", "Polarity", "Frequency", "Annual target"])
    indicators.append(["CYP-01", "Rate of Children in Need", "Lower", "Monthly", 485])
    wb.save(path)
    score, result = score_of(tmp_path, "CYP-01")
    assert (score.value, score.value_period.label, score.note) == (467, "Nov 2020", None)
    [warning] = [f for f in result.findings if f.kind == EARLIER_VALUE]
    assert warning.source.cell == "C3" and "arrives on 20 January" in warning.message
    dec = next(o for o in result.observations if o.period.label == "Dec 2020")
    assert dec.note == "December's figure arrives on 20 January" and dec.value is None


# -- quarterly values against a register's monthly period target -------------------------------

def test_a_quarter_column_finds_the_target_the_register_sets_for_its_last_month(tmp_path):
    """PH-48: the register sets 523 for Dec 2020; a 'Q3 20/21' column is scored against it:
    (523 - 466) / 523 = +10.90%, as published, not +54.93% against the annual 1,034."""
    folder = with_register(tmp_path / "returns")
    wb = Workbook()
    wb.active.append(["Ref", "Performance Indicator", "Q1 20/21", "Q2 20/21", "Q3 20/21"])
    wb.active.append(["PH-48", "Hospital admittance for alcohol specific conditions", None, 214, 466])
    wb.save(folder / "public-health.xlsx")
    score, _ = score_of(folder, "PH-48")
    assert (score.value, score.value_period.label, round(score.target, 2)) == (466, "2020/21 Q3", 523.01)
    assert round(score.variance, 2) == published_variance("PH-48")


def test_a_template_row_for_the_quarter_finds_the_registers_december_target(tmp_path):
    folder = with_register(tmp_path / "returns")
    wb = Workbook()
    wb.active.title = "Values"
    wb.active.append(["Ref", "Period", "Value"])
    wb.active.append(["PH-48", "2020/21 Q3", 466])
    wb.save(folder / "public-health.xlsx")
    score, _ = score_of(folder, "PH-48")
    assert round(score.variance, 2) == 10.90 and score.rag.value == "green"


# -- the register, read as strictly as it is trusted ---------------------------------------------

def _register(path: Path, header: list[str], records=CYP) -> Path:
    wb = Workbook()
    wb.active.title = "Indicators"
    wb.active.append(header)
    fields = {"Ref": "ref", "Measure ID": "ref", "Indicator key": "ref", "Name": "indicator",
              "Polarity": "polarity", "Annual target": "target_2020_21", "Priority": "priority"}
    for record in records:
        wb.active.append([cell_value(record[fields[h]]) if h in fields else "Quarterly" for h in header])
    wb.save(path)
    return path


def test_a_register_headed_measure_id_is_read(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    _register(folder / "register-2020-21.xlsx", ["Measure ID", "Name", "Polarity", "Frequency", "Annual target",
                                                 "Priority"])
    _wide(folder / "childrens.xlsx", CYP, {})
    score, result = score_of(folder, "CYP-01")
    assert round(score.variance, 2) == 5.28
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_a_register_with_no_ref_column_is_an_error_naming_its_headers_and_fails_strict(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    _register(folder / "register-2020-21.xlsx", ["Indicator key", "Name", "Polarity", "Frequency", "Annual target"])
    _wide(folder / "childrens.xlsx", CYP, {})
    result = read_folder(folder, period=Q3)
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert error.source.sheet == "Indicators" and "no column for the ref" in error.message
    assert "Indicator key, Name, Polarity" in error.message and "call it 'Ref'" in error.action
    out = tmp_path / "scorecard.xlsx"
    run = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", Q3, "--out", str(out), "--strict",
                                   "--no-history"])
    assert run.exit_code == 3, run.output


def test_a_register_with_no_polarity_column_is_an_error(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    path = _register(folder / "register.xlsx", ["Ref", "Name", "Annual target"])
    result = read_folder(folder)
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == [
        "register.xlsx, sheet Indicators: no column for the polarity; its headers are Ref, Name, Annual target"]
    # Given with --register, a register that gives no indicator stops the run, saying why.
    with pytest.raises(ReturnError, match="no column for the polarity; its headers are Ref, Name, Annual target"):
        read_folder(folder, register_path=path)


def test_a_missing_optional_register_column_is_a_note_naming_the_default(tmp_path):
    path = _register(tmp_path / "register.xlsx", ["Ref", "Name", "Polarity", "Annual target"])
    result = read_folder(tmp_path, register_path=path)
    notes = {f.message: f.action for f in result.findings if f.severity is Severity.INFO}
    assert notes["the register has no frequency column"] == "frequencies are taken as quarterly"
    assert "the register has no priority column" in notes and "the register has no service column" in notes
    assert len(result.indicators) == 4


# -- every cell accounted for, and said so ---------------------------------------------------------

def test_values_in_a_column_no_rule_knows_make_the_return_partly_read_and_validate_fail(tmp_path):
    path = _wide(tmp_path / "childrens-2020-21.xlsx", CYP, {})
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(2, 12, "Jan (est.)")  # a header nobody taught the readers
    for row in range(3, 7):
        ws.cell(row, 12, 470)
    wb.save(path)
    result = read_folder(tmp_path, period=Q3)
    [partly] = [f for f in result.findings if f.kind == PARTLY_READ]
    assert partly.severity is Severity.WARNING and partly.count == 4 and partly.source.cell == "L3, L4, L5, L6"
    assert "under 'Jan (est.)'" in partly.message
    run = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", Q3])
    assert run.exit_code == 3 and "only partly read (4 cells" in run.output
    out = CliRunner().invoke(cli, ["consolidate", str(tmp_path), "--period", Q3, "--out", str(tmp_path / "s.xlsx"),
                                   "--no-history"])
    assert out.exit_code == 0 and "childrens-2020-21.xlsx: only partly read (4 cells" in out.output
    strict = CliRunner().invoke(cli, ["consolidate", str(tmp_path), "--period", Q3, "--out",
                                      str(tmp_path / "t.xlsx"), "--no-history", "--strict"])
    assert strict.exit_code == 3


def test_stacked_and_reordered_tables_read_each_with_its_own_columns(tmp_path):
    path = tmp_path / "two-tables-2020-21.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Ref", "Indicator", "Oct", "Nov", "Dec"])
    ws.append(["CYP-01", "Rate of Children in Need", 453.7, 467, 459.4])
    ws.append([])
    ws.append(["Dec", "Nov", "Oct", "Indicator", "Ref"])  # the next table, columns the other way round
    ws.append([6, 5, 4, "Rate of Looked After Children", "CYP-02"])
    wb.save(path)
    result = read_return(path, period_hint=Q3)
    got = {(o.ref, o.period.label): o.value for o in result.observations}
    assert got == {("CYP-01", "Oct 2020"): 453.7, ("CYP-01", "Nov 2020"): 467, ("CYP-01", "Dec 2020"): 459.4,
                   ("CYP-02", "Dec 2020"): 6, ("CYP-02", "Nov 2020"): 5, ("CYP-02", "Oct 2020"): 4}
    assert [t.cells for t in result.tables] == ["A1:E2", "A4:E5"]


def test_validate_layout_shows_how_each_table_was_read(tmp_path):
    _two_years(tmp_path / "childrens-two-years.xlsx", band="merged")
    run = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", Q3, "--layout"])
    assert run.exit_code == 0, run.output
    line = next(line for line in run.output.splitlines() if "legacy wide" in line and "sheet" in line)
    assert "header rows 3\u20134" in line and "ref in A" in line
    assert "E\u2013P = Apr 2019 \u2026 Mar 2020, hidden" in line and "Q\u2013Y = Apr 2020 \u2026 Dec 2020" in line
    # 4 rows: 4 refs, names, polarities and targets are fields; 12 months of last year's values
    # each, and this year's where the report printed a figure.
    this_year = sum(1 for r in CYP for m in MONTHS if r[m] not in ("", "-"))
    assert f"4 rows; cells {48 + this_year} values, 16 fields, 0 findings" in line


# -- what the scorecard shows ------------------------------------------------------------------------

def _consolidated(folder: Path, tmp_path: Path):
    out = tmp_path / "scorecard.xlsx"
    records = tmp_path / "records.csv"
    run = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", Q3, "--out", str(out), "--records",
                                   str(records), "--no-history"])
    assert run.exit_code == 0, run.output
    return load_workbook(out), records.read_text(encoding="utf-8-sig"), run.output


def test_the_scorecard_shows_a_marked_figure_with_its_marker_and_the_caveats_and_strays(tmp_path):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", [{**CYP[0], "dec": "459.4 (p)"}, {**CYP[1], "dec": "awaiting data"}],
          {"CYP-02": "CYP-002"})
    book, records, output = _consolidated(folder, tmp_path)
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("P1"))
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == 459.4]
    assert cell.number_format.endswith('" (p)"') and isinstance(cell.value, float)
    assert "CYP-01,Rate of Children in Need" in records and "provisional figure" in records
    quality = book["Data quality"]
    texts = [str(c.value) for row in quality.iter_rows() for c in row if c.value is not None]
    assert "Returns read with caveats (details in the findings below):" in texts
    assert any(t.startswith("childrens.xlsx: ") and "1 ref or name not in the register" in t for t in texts)
    assert any(t.startswith("Not in the register (1)") for t in texts) and "CYP-002" in texts
    assert "childrens.xlsx: 1 ref or name not in the register" in output
    sources = book["Sources"]
    how = [str(c.value) for row in sources.iter_rows() for c in row if c.value and "legacy wide: header" in str(c.value)]
    assert len(how) == 1 and "C\u2013K = Apr 2020 \u2026 Dec 2020" in how[0]


# -- found by probing with unseen returns ---------------------------------------------------------

def _sheet(path: Path, rows_, title: str = "Return") -> Path:
    wb = Workbook()
    wb.active.title = title
    for values in rows_:
        wb.active.append(list(values))
    wb.save(path)
    return path


NINE = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def test_a_longer_table_below_does_not_swallow_the_table_above(tmp_path):
    path = _sheet(tmp_path / "two.xlsx", [
        ["Ref", "Indicator", "Polarity", *NINE], ["CYP-01", "Rate", "Lower", *range(1, 10)], [], [],
        ["Ref", "Indicator", "Polarity", *HEADERS], ["CYP-02", "Rate", "Lower", *range(11, 23)]])
    result = read_return(path, period_hint=Q3)
    got = {(o.ref, o.period.label): o.value for o in result.observations}
    assert got[("CYP-01", "Dec 2020")] == 9 and got[("CYP-02", "Mar 2021")] == 22
    assert [t.cells for t in result.tables] == ["A1:L2", "A5:O6"]


def test_a_title_line_above_a_table_gives_it_its_year(tmp_path):
    path = _sheet(tmp_path / "growth.xlsx", [
        ["Growth performance 2020/21"], ["Ref", "Indicator", "Polarity", *NINE],
        ["CYP-01", "Rate", "Lower", *range(1, 10)], [],
        ["Last year (2019/20) for comparison"], ["Ref", "Indicator", "Polarity", *NINE],
        ["CYP-01", "Rate", "Lower", *range(101, 110)]])
    result = read_return(path, period_hint=Q3)
    got = {o.period.label: o.value for o in result.observations}
    assert got["Dec 2020"] == 9 and got["Dec 2019"] == 109
    assert not [f for f in result.findings if f.severity is not Severity.INFO and not f.message.startswith(
        "no register in")]  # the folder has no register on purpose, and the warning says so


def test_a_table_beside_another_is_reported_not_given_to_its_rows(tmp_path):
    path = _sheet(tmp_path / "side.xlsx", [
        ["Ref", "Indicator", "Oct", "Nov", "Dec", None, "Ref", "Indicator", "Q2 20/21", "Q3 20/21"],
        ["CYP-01", "Rate", 453.7, 467, 459.4, None, "PH-48", "Admissions", 214, 466]])
    result = read_return(path, period_hint=Q3)
    assert {(o.ref, o.value) for o in result.observations} == {("CYP-01", 453.7), ("CYP-01", 467),
                                                              ("CYP-01", 459.4)}
    [beside] = [f for f in result.findings if "second table" in f.message]
    assert beside.source.cell == "G1" and beside.kind == PARTLY_READ


@pytest.mark.parametrize("sheet, expected", [("Dec 2019", "Dec 2019"), ("December 2019", "Dec 2019"),
                                             ("Dec-19", "Dec 2019"), ("2019", "Dec 2019"),
                                             ("Q3 2019-20", "Dec 2019")])
def test_a_month_or_year_in_the_sheet_name_gives_the_months_their_year(tmp_path, sheet, expected):
    path = _sheet(tmp_path / "return.xlsx", [["Ref", "Indicator", "Polarity", *NINE],
                                             ["CYP-01", "Rate", "Lower", *range(1, 10)]], title=sheet)
    result = read_return(path, period_hint=Q3)
    assert max(result.observations, key=lambda o: o.period).period.label == expected


def test_a_header_year_that_disagrees_with_the_file_name_leaves_the_months_unread(tmp_path):
    path = _sheet(tmp_path / "corporate Q3 2020-21.xlsx", [["Ref", "Indicator", "Polarity", "Target 19/20", *NINE],
                                                           ["CYP-01", "Rate", "Lower", 485, *range(1, 10)]])
    result = read_return(path)
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert "'Target 19/20'" in error.message and "file name says 2020/21" in error.message
    assert error.source.cell == "E1" and not [o for o in result.observations if o.value is not None]


def test_of_two_target_columns_this_years_is_read(tmp_path):
    path = _sheet(tmp_path / "return 2020-21.xlsx", [
        ["Ref", "Indicator", "Polarity", "Target 2019/20", "Target 2020/21", *NINE],
        ["CYP-01", "Rate", "Lower", 470, 485, *range(1, 10)]])
    result = read_return(path)
    [indicator] = result.indicators
    assert indicator.annual_target == 485 and indicator.framework_year.label == "2020/21"
    assert not [f for f in result.findings if f.severity is not Severity.INFO and not f.message.startswith(
        "no register in")]  # the folder has no register on purpose, and the warning says so


def test_a_period_target_that_differs_from_the_registers_is_a_warning(tmp_path):
    folder = with_register(tmp_path / "returns")
    _sheet(folder / "ph.xlsx", [["Ref", "Period", "Value", "Period target"], ["PH-48", "2020/21 Q3", 560, 600]],
           title="Values")
    score, result = score_of(folder, "PH-48")
    assert score.target == 600  # SPEC rule 1: the return's period target wins ...
    [warning] = [f for f in result.findings if "period target in the return" in f.message]
    assert "(600)" in warning.message and "(523.008)" in warning.message and warning.source.cell == "C2"


def test_a_percentage_typed_as_a_fraction_is_a_warning(tmp_path):
    folder = with_register(tmp_path / "returns")
    _sheet(folder / "cyp.xlsx", [["Ref", "Period", "Value"], ["CYP-29", "2020/21 Q3", 0.52]], title="Values")
    _, result = score_of(folder, "CYP-29")
    [warning] = [f for f in result.findings if "typed as a fraction" in f.message]
    assert warning.ref == "CYP-29" and "type 52" in warning.action


def test_a_blank_name_or_polarity_the_register_supplies_says_nothing(tmp_path):
    folder = with_register(tmp_path / "returns")
    _sheet(folder / "cyp.xlsx", [["Ref", "Indicator", "Polarity", *NINE], ["CYP-01", None, None, *range(1, 10)]])
    result = read_folder(folder, period=Q3)
    assert not [f for f in result.findings if f.severity is not Severity.INFO], result.findings


def test_a_text_column_no_rule_knows_is_noted_and_a_quarter_can_be_written_as_its_months(tmp_path):
    path = _sheet(tmp_path / "cyp 2020-21.xlsx", [
        ["Ref", "Indicator", "Polarity", "Jul-Sep 2020", "Oct - Dec 2020", "Progress update"],
        ["CYP-01", "Rate", "Lower", 441.8, 459.4, "On track"]])
    result = read_return(path)
    assert {o.period.label: o.value for o in result.observations} == {"2020/21 Q2": 441.8, "2020/21 Q3": 459.4}
    [note] = [f for f in result.findings if "Progress update" in f.message]
    assert note.severity is Severity.INFO and not [f for f in result.findings if f.kind == PARTLY_READ]


def test_a_suppressed_period_says_so_when_an_earlier_month_is_scored(tmp_path):
    folder = with_register(tmp_path / "returns")
    _wide(folder / "childrens.xlsx", [{**CYP[0], "dec": "<5"}], {})
    _, result = score_of(folder, "CYP-01")
    [warning] = [f for f in result.findings if f.kind == EARLIER_VALUE]
    assert "Dec 2020 is suppressed ('<5')" in warning.message and "withheld" in warning.action
