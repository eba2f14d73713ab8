"""Three layouts councils commonly use (issue 16, "Layouts to read"): a sheet per period, target
and actual side by side under each month, and target and actual as rows. Each is built here from
the published Q3 2020/21 rows (tests/data), and read back to the published values, periods and
targets; where a layout is ambiguous a finding names the cell and nothing is guessed.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from layout_builders import (BUILDERS, MONTHS, build_samples, published_rows, q3_samples_in, sheet_per_period,
                             side_by_side, target_actual_rows, target_for)
from xlscorecard.cli import cli
from xlscorecard.core.model import PARTLY_READ, Severity
from xlscorecard.pipeline import assess
from xlscorecard.readers import read_folder, read_return

Q3 = "2020/21 Q3"
REFERENCE = {r["ref"]: r for r in published_rows()}
CYP = [REFERENCE[ref] for ref in ("CYP-01", "CYP-02", "CYP-40", "CYP-41")]
MONTH_LABELS = [f"{m.title()} {2020}" for m in MONTHS]


def published_values(records) -> dict[tuple[str, str], float]:
    """Every figure the report printed, by ref and month."""
    return {(r["ref"], MONTH_LABELS[i]): build_samples.number(r[m]) for r in records for i, m in enumerate(MONTHS)
            if build_samples.number(r[m]) is not None}


def published_targets(records) -> dict[tuple[str, str], float]:
    """The target each printed figure was scored against, by ref and month."""
    return {(r["ref"], MONTH_LABELS[i]): target_for(r, i) for r in records for i, m in enumerate(MONTHS)
            if build_samples.number(r[m]) is not None}


def values_read(result) -> dict[tuple[str, str], float]:
    return {(o.ref, o.period.label): o.value for o in result.observations if o.value is not None}


def targets_read(result) -> dict[tuple[str, str], float]:
    return {(o.ref, o.period.label): o.period_target for o in result.observations if o.period_target is not None}


def published_variance(ref: str) -> float:
    return float(REFERENCE[ref]["published_variance"].rstrip("%"))


def not_info(result):
    return [f for f in result.findings if f.severity is not Severity.INFO]


def _book(path, sheets: dict[str, list[list]]):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for values in rows:
            ws.append(values)
    wb.save(path)
    return path


# -- a sheet per period ---------------------------------------------------------------------------

def test_a_tab_per_month_is_read_as_each_tabs_month(tmp_path):
    """Tabs 'Apr-20', 'May 2020', '2020-06', 'Jul 20', 'August 2020', … and a 'Dec' whose period
    cell says December 2020: every printed figure, at its month, from its tab's Value cell."""
    result = read_return(sheet_per_period(tmp_path / "childrens.xlsx", CYP))
    assert values_read(result) == published_values(CYP)
    apr = next(o for o in result.observations if (o.ref, o.period.label) == ("CYP-01", "Apr 2020"))
    assert (apr.source.sheet, apr.source.cell) == ("Apr-20", "C5")
    assert [t.layout for t in result.tables] == ["sheet per period"] * 9
    assert "C = Dec 2020" in result.tables[-1].line()
    assert not not_info(result)


@pytest.mark.parametrize("tab, file_name, period", [
    ("Apr-20", "return.xlsx", "Apr 2020"), ("April 2020", "return.xlsx", "Apr 2020"),
    ("Apr 20", "return.xlsx", "Apr 2020"), ("2020-04", "return.xlsx", "Apr 2020"),
    ("Q3 2020-21", "return.xlsx", "2020/21 Q3"), ("Dec", "childrens 2020-21.xlsx", "Dec 2020"),
    ("Jan", "childrens 2020-21.xlsx", "Jan 2021"), ("Q3", "childrens 2020-21.xlsx", "2020/21 Q3"),
])
def test_the_tab_name_gives_the_period_and_a_bare_month_the_workbooks_year(tmp_path, tab, file_name, period):
    path = _book(tmp_path / file_name, {tab: [["Ref", "Indicator", "Value"], ["CYP-01", "Rate of Children in Need",
                                                                              459.4]]})
    result = read_return(path)
    [observation] = result.observations
    assert (observation.period.label, observation.value, observation.source.cell) == (period, 459.4, "C2")


def test_a_bare_month_takes_the_year_of_the_period_asked_for(tmp_path):
    path = _book(tmp_path / "childrens.xlsx", {"Dec": [["Ref", "Indicator", "Value"], ["CYP-01", "Rate", 459.4]]})
    [observation] = read_return(path, period_hint=Q3).observations
    assert observation.period.label == "Dec 2020"


@pytest.mark.parametrize("above", [["Period: December 2020"], ["Reporting period - Q3 2020/21"],
                                   ["Month", "Dec 2020"], ["Period:", None, "December 2020"]])
def test_a_period_cell_above_the_table_gives_the_period_of_a_tab_named_otherwise(tmp_path, above):
    table = [above, [], ["Ref", "Indicator", "Value"], ["CYP-01", "Rate", 459.4]]
    result = read_return(_book(tmp_path / "return.xlsx", {"Data": table}))
    [observation] = result.observations
    assert observation.value == 459.4 and observation.source.cell == "C4"
    assert observation.period.label == ("2020/21 Q3" if "Q3" in above[0] else "Dec 2020")
    assert not not_info(result)


def test_a_tab_that_disagrees_with_its_own_period_cell_is_an_error_and_not_read(tmp_path):
    path = _book(tmp_path / "return.xlsx", {"Nov-20": [["Childrens services"], ["Period: December 2020"],
                                                       ["Ref", "Indicator", "Value"], ["CYP-01", "Rate", 459.4],
                                                       ["CYP-02", "Rate", 127.8]]})
    result = read_return(path)
    assert not result.observations
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert error.kind == PARTLY_READ
    assert (error.source.sheet, error.source.cell) == ("Nov-20", "A2") and error.count == 2
    assert "'Nov-20' says Nov 2020" in error.message and "A2 says Dec 2020" in error.message


@pytest.mark.parametrize("tab, file_name, why", [
    ("Data", "return 2020-21.xlsx", "the tab name 'Data' is no period"),
    ("Dec", "return.xlsx", "the tab 'Dec' names no financial year"),
])
def test_a_tab_with_no_period_is_an_error_naming_the_sheet_and_nothing_is_guessed(tmp_path, tab, file_name, why):
    path = _book(tmp_path / file_name, {tab: [["Ref", "Indicator", "Value"], ["CYP-01", "Rate", 459.4]]})
    result = read_return(path)
    assert not result.observations
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert why in error.message and (error.source.sheet, error.source.cell) == (tab, "C1")
    assert error.kind == PARTLY_READ


def test_the_target_beside_one_periods_value_is_that_periods_target(tmp_path):
    """CYP-41 is cumulative (600 for the year): December's target is 450, and the return's 450
    is scored as given, with no register: (450 − 505.1) / 450 = −12.24%, as published. CYP-02's
    published +0.16% needs the council's target for December (127.6), not the printed 125."""
    sheet_per_period(tmp_path / "childrens.xlsx", CYP, polarity=True)
    result = assess(tmp_path, period=Q3, record=False)
    scores = {s.ref: s for s in result.scores}
    assert scores["CYP-41"].target == 450 and round(scores["CYP-41"].variance, 2) == published_variance("CYP-41")
    assert round(scores["CYP-02"].variance, 2) == published_variance("CYP-02") == 0.16
    assert targets_read(result)[("CYP-41", "Dec 2020")] == target_for(REFERENCE["CYP-41"], 8) == 450


def test_an_annual_target_column_stays_the_annual_target(tmp_path):
    path = _book(tmp_path / "return.xlsx", {"Dec-20": [["Ref", "Indicator", "Polarity", "Annual target", "Value"],
                                                       ["CYP-41", "Referrals", "Lower", 600, 505.1]]})
    result = read_return(path)
    assert result.indicators[0].annual_target == 600
    assert [o.period_target for o in result.observations] == [None]


def test_a_published_rag_on_a_periods_tab_is_checked(tmp_path):
    records = [{**CYP[0], "published_variance": "-8%"}]  # printed as Red; 459.4 against 485 is green
    sheet_per_period(tmp_path / "childrens.xlsx", records, polarity=True)
    result = assess(tmp_path, period=Q3, record=False)
    [claim] = [f for f in result.findings if "published RAG" in f.message]
    assert "'red' differs from computed 'green'" in claim.message
    assert (claim.source.sheet, claim.source.cell) == ("Dec", "F5")


# -- target and actual side by side ------------------------------------------------------------------

@pytest.mark.parametrize("words", [("Target", "Actual"), ("Tgt", "Act"), ("Target", "Outturn"), ("Plan", "Actual")])
def test_target_and_actual_under_each_month_are_the_value_and_its_period_target(tmp_path, words):
    result = read_return(side_by_side(tmp_path / "childrens.xlsx", CYP, words=words))
    assert values_read(result) == published_values(CYP)
    assert targets_read(result) == published_targets(CYP)
    dec = next(o for o in result.observations if (o.ref, o.period.label) == ("CYP-01", "Dec 2020"))
    assert dec.source.cell == "V5"  # December's Actual, beside its Target in U
    assert result.tables[0].layout == "target and actual side by side"
    assert not not_info(result)


def test_side_by_side_targets_are_explicit_and_score_as_published_without_a_register(tmp_path):
    side_by_side(tmp_path / "childrens.xlsx", CYP)
    result = assess(tmp_path, period=Q3, record=False)
    for record in CYP:
        score = next(s for s in result.scores if s.ref == record["ref"])
        assert round(score.variance, 2) == published_variance(record["ref"]), record["ref"]
    [no_register] = [f for f in result.findings if f.severity is not Severity.INFO]
    assert no_register.message.startswith("no register in")  # the targets are the return's own


def _one_row_header(path, header, row):
    return _book(path, {"Q3 2020-21": [header, row]})


def test_period_and_measure_in_one_header_cell_and_the_month_written_once(tmp_path):
    path = _one_row_header(tmp_path / "return 2020-21.xlsx",
                           ["Ref", "Indicator", "Polarity", "Nov Target", "Nov Actual", "Dec Target", "Dec Actual"],
                           ["CYP-01", "Rate", "Lower", 485, 467, 485, 459.4])
    result = read_return(path)
    assert values_read(result) == {("CYP-01", "Nov 2020"): 467, ("CYP-01", "Dec 2020"): 459.4}
    assert targets_read(result) == {("CYP-01", "Nov 2020"): 485, ("CYP-01", "Dec 2020"): 485}
    written_once = _book(tmp_path / "once 2020-21.xlsx", {"Q3": [
        ["Ref", "Indicator", "Nov", None, "Dec", None], [None, None, "Target", "Actual", "Target", "Actual"],
        ["CYP-01", "Rate", 485, 467, 485, 459.4]]})
    assert targets_read(read_return(written_once)) == targets_read(result)
    assert read_return(written_once).tables[0].headers[-1] == "Dec Actual"
    assert values_read(read_return(written_once)) == values_read(result)


def test_all_targets_then_all_actuals_are_one_year(tmp_path):
    """'Oct Target … Dec Target' then 'Oct Actual … Dec Actual': the actuals' October is 2020's,
    not a month after the targets' December."""
    path = _one_row_header(tmp_path / "return 2020-21.xlsx",
                           ["Ref", "Indicator", "Oct Target", "Nov Target", "Dec Target", "Oct Actual", "Nov Actual",
                            "Dec Actual"], ["CYP-01", "Rate", 485, 485, 485, 453.7, 467, 459.4])
    result = read_return(path)
    assert values_read(result) == {("CYP-01", "Oct 2020"): 453.7, ("CYP-01", "Nov 2020"): 467,
                                   ("CYP-01", "Dec 2020"): 459.4}


def test_a_rag_under_each_month_is_a_published_claim_checked_like_the_others(tmp_path):
    path = side_by_side(tmp_path / "childrens.xlsx", [{**CYP[0], "published_variance": "-8%"}])
    result = assess(tmp_path, period=Q3, record=False)
    [claim] = [f for f in result.findings if "published RAG" in f.message]
    assert "'red' differs from computed 'green'" in claim.message and claim.source.cell == "W5"
    assert load_workbook(path).active["W4"].value == "RAG"


def test_two_actual_columns_under_one_month_are_an_error_and_neither_is_read(tmp_path):
    path = _one_row_header(tmp_path / "return 2020-21.xlsx",
                           ["Ref", "Indicator", "Dec Target", "Dec Actual", "Dec Actual"],
                           ["CYP-01", "Rate", 485, 459.4, 470])
    result = read_return(path)
    assert not values_read(result)
    [error] = [f for f in result.findings if f.severity is Severity.ERROR]
    assert "D1 'Dec Actual' and E1 'Dec Actual'" in error.message and error.kind == PARTLY_READ


# -- target and actual as rows ----------------------------------------------------------------------

@pytest.mark.parametrize("style", ["column", "label"])
def test_a_target_row_and_an_actual_row_per_indicator(tmp_path, style):
    result = read_return(target_actual_rows(tmp_path / "childrens.xlsx", CYP, style=style))
    assert values_read(result) == published_values(CYP)
    assert targets_read(result) == published_targets(CYP)
    assert {i.ref for i in result.indicators} == {r["ref"] for r in CYP}
    assert result.tables[0].layout == "target and actual rows"
    assert ("ref in A, target or actual in C" in result.tables[0].line()) == (style == "column")
    assert not not_info(result)


def test_rows_score_against_their_own_targets_without_a_register(tmp_path):
    target_actual_rows(tmp_path / "childrens.xlsx", CYP, style="label")
    result = assess(tmp_path, period=Q3, record=False)
    for record in CYP:
        score = next(s for s in result.scores if s.ref == record["ref"])
        assert round(score.variance, 2) == published_variance(record["ref"]), record["ref"]


def _rows(path, rows, header=("Ref", "Indicator", "Measure type", "Oct", "Nov", "Dec")):
    return _book(path, {"Performance 2020-21": [list(header), *rows]})


def test_a_ref_written_once_over_its_target_and_actual_rows(tmp_path):
    result = read_return(_rows(tmp_path / "r.xlsx", [["CYP-01", "Rate", "Tgt", 485, 485, 485],
                                                     [None, None, "Actual", 453.7, 467, 459.4]]))
    assert values_read(result) == {("CYP-01", "Oct 2020"): 453.7, ("CYP-01", "Nov 2020"): 467,
                                   ("CYP-01", "Dec 2020"): 459.4}
    assert set(targets_read(result).values()) == {485}


def test_the_label_set_off_in_the_name_when_there_is_no_ref_column(tmp_path):
    result = read_return(_rows(tmp_path / "r.xlsx", [["Rate of Children in Need - Target", 485, 485, 485],
                                                     ["Rate of Children in Need - Actual", 453.7, 467, 459.4],
                                                     ["Calls answered within target", 90, 91, 92]],
                               header=("Indicator", "Oct", "Nov", "Dec")))
    assert values_read(result)[("Rate of Children in Need", "Dec 2020")] == 459.4
    assert targets_read(result)[("Rate of Children in Need", "Dec 2020")] == 485
    assert values_read(result)[("Calls answered within target", "Dec 2020")] == 92  # a name, not a label


def test_a_target_row_with_no_actual_row_is_a_finding_and_not_used(tmp_path):
    result = read_return(_rows(tmp_path / "r.xlsx", [["CYP-01", "Rate", "Target", 485, 485, 485],
                                                     ["CYP-01", "Rate", "Actual", 453.7, 467, 459.4],
                                                     ["CYP-02", "Rate", "Target", 125, 125, 125]]))
    assert ("CYP-02", "Dec 2020") not in targets_read(result)
    [finding] = not_info(result)
    assert "Target row with no Actual row" in finding.message and finding.source.cell == "C4"
    assert finding.ref == "CYP-02" and finding.kind == PARTLY_READ


def test_two_actual_rows_for_one_ref_are_an_error_and_neither_is_read(tmp_path):
    result = read_return(_rows(tmp_path / "r.xlsx", [["CYP-01", "Rate", "Target", 485, 485, 485],
                                                     ["CYP-01", "Rate", "Actual", 453.7, 467, 459.4],
                                                     ["CYP-01", "Rate", "Actual", 450, 460, 470],
                                                     ["CYP-02", "Rate", "Actual", 130.5, 129.7, 127.8]]))
    assert set(values_read(result)) == {("CYP-02", "Oct 2020"), ("CYP-02", "Nov 2020"), ("CYP-02", "Dec 2020")}
    [error] = not_info(result)
    assert error.severity is Severity.ERROR and "CYP-01 has 2 actual rows (rows 3, 4)" in error.message
    assert error.source.cell == "C2, C3, C4" and error.kind == PARTLY_READ


def test_a_measure_type_that_is_neither_target_nor_actual_is_a_finding(tmp_path):
    result = read_return(_rows(tmp_path / "r.xlsx", [["CYP-01", "Rate", "Forecast", 450, 460, 470],
                                                     ["CYP-01", "Rate", "Actual", 453.7, 467, 459.4]]))
    assert values_read(result)[("CYP-01", "Dec 2020")] == 459.4
    [finding] = not_info(result)
    assert "neither Target nor Actual" in finding.message and "'Forecast'" in finding.message
    assert finding.source.cell == "C2"


# -- the Q3 samples, rebuilt in each layout --------------------------------------------------------

@pytest.mark.parametrize("layout", BUILDERS)
def test_the_q3_samples_rebuilt_in_each_layout_give_the_published_counts(tmp_path, layout):
    folder = q3_samples_in(layout, tmp_path / "returns")
    run = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", Q3, "--out", str(tmp_path / "s.xlsx"),
                                   "--no-history"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60" in run.output
    assert "Green 29, amber 8, red 21, data gaps 2" in run.output
    assert "0 errors, 0 warnings" in run.output
    read = read_folder(folder, period=Q3)
    assert {s.layout for s in read.sources if "register" not in s.path} == {layout.split(",")[0]}
    assert len(published_values(published_rows())) == len([o for o in read.observations if o.value is not None])


def test_a_rag_row_is_the_published_rag_of_each_month_and_is_checked(tmp_path):
    _rows(tmp_path / "r.xlsx", [["CYP-01", "Rate", "Target", "Lower", 485, 485, 485],
                                ["CYP-01", "Rate", "Actual", "Lower", 453.7, 467, 459.4],
                                ["CYP-01", "Rate", "RAG", None, "Green", "Green", "Red"]],
          header=("Ref", "Indicator", "Measure type", "Polarity", "Oct", "Nov", "Dec"))
    result = assess(tmp_path, period=Q3, record=False)
    [claim] = [f for f in result.findings if "published RAG" in f.message]
    assert "'red' differs from computed 'green'" in claim.message and claim.source.cell == "G4"
    assert not [f for f in result.findings if f.severity is not Severity.INFO and f is not claim
                and not f.message.startswith("no register in")]
