"""``xlscorecard template``: the return workbook a service fills in, and that the readers read back
with no findings once it is filled in correctly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reference import q3_rows
from return_builders import workbook_from_rows
from xlscorecard.cli import cli
from xlscorecard.errors import OutputError, ReturnError
from xlscorecard.core.model import Indicator, Period, parse_period
from xlscorecard.core.scoring import period_target
from xlscorecard.readers import read_folder
from xlscorecard.outputs.return_form import (INDICATOR_COLUMNS, SPARE_ROWS, VALUE_COLUMNS, due_periods,
                                         write_return_template)
from xlscorecard.pipeline import load_register, make_return_template

DEC_2020 = Period.month(2020, 12)
# A gap the officer explains with a note (the value cell left blank), for a row the CSV leaves empty.
GAP_NOTE = "Figures delayed by the new case system"


def _q3_indicators() -> list[Indicator]:
    return [row.indicator for row in q3_rows()]


def _validations(ws) -> dict[str, object]:
    """Data validations by the first column letter of their range."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}


def _headers(ws) -> list[str]:
    return [cell.value for cell in ws[1]]


def test_blank_template_has_instructions_and_both_sheets_with_readme_headers(tmp_path):
    """A blank template: Instructions, an empty Indicators sheet and an empty Values sheet, headed
    with the README's column names."""
    path = write_return_template(tmp_path / "blank.xlsx", service="Children's Services")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Indicators", "Values"]
    assert wb["Instructions"]["A1"].value == "Children's Services performance return"
    text = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert "Leave the Value blank or write - (a dash) when there is no data" in text
    assert "Write a note instead of a value to explain a gap" in text
    assert _headers(wb["Indicators"]) == [
        "Ref", "Name", "Polarity", "Frequency", "Target profile", "Annual target", "Tolerance", "Priority",
        "Outcome", "Tier", "Unit", "Comparative quartile", "Previous outturn", "Data owner", "Framework year"]
    assert _headers(wb["Values"]) == ["Ref", "Indicator name (for reference)", "Period", "Value",
                                      "Target (for reference)", "Period target", "Note",
                                      "Why is it performing well?",
                                      "How will performance be sustained? Are there any risks to performance?",
                                      "Context and action to date", "What will be done to improve performance?",
                                      "What is the expected impact?"]
    assert wb["Indicators"].max_row == wb["Values"].max_row == 1 + SPARE_ROWS  # only formatted blank rows
    assert all(cell.value is None for row in wb["Values"].iter_rows(min_row=2) for cell in row)


def test_dropdowns_and_number_checks_with_input_messages(tmp_path):
    """Polarity, frequency and profile are dropdowns; numbers are checked; every column has an
    input message within Excel's limits."""
    wb = load_workbook(write_return_template(tmp_path / "blank.xlsx"))
    indicators, values = _validations(wb["Indicators"]), _validations(wb["Values"])
    # column, type, formula1
    expected = [
        (indicators["C"], "list", '"Higher,Lower"'),
        (indicators["D"], "list", '"Monthly,Quarterly,Annual"'),
        (indicators["E"], "list", '"flat,cumulative,per-period"'),
        (indicators["L"], "list", '"1st Quartile,2nd Quartile,3rd Quartile,4th Quartile,N/A"'),
        (indicators["F"], "decimal", str(-10**15)),
        (indicators["G"], "decimal", "0"),
        (indicators["J"], "whole", "1"),
        (indicators["M"], "decimal", str(-10**15)),
        (values["A"], "list", f"'Indicators'!$A$2:$A${1 + SPARE_ROWS}"),
        (values["D"], "custom", 'OR(ISNUMBER(D2),D2="-")'),
        (values["F"], "decimal", str(-10**15)),
    ]
    for dv, kind, formula1 in expected:
        assert (dv.type, dv.formula1) == (kind, formula1), dv.sqref
    assert str(indicators["C"].sqref) == f"C2:C{1 + SPARE_ROWS}"
    # A note typed in a value cell is allowed after a warning; a bad target is refused.
    assert values["D"].errorStyle == "warning" and indicators["F"].errorStyle in (None, "stop")
    for ws, columns in ((wb["Indicators"], INDICATOR_COLUMNS), (wb["Values"], VALUE_COLUMNS)):
        dvs = ws.data_validations.dataValidation
        assert len(dvs) == len(columns)
        for dv in dvs:
            assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32
            assert dv.allow_blank


def test_headers_are_protected_without_a_password_and_input_cells_unlocked(tmp_path):
    """Sheet protection guards the header row against accidental edits; data cells stay unlocked."""
    wb = load_workbook(write_return_template(tmp_path / "t.xlsx", indicators=_q3_indicators(), period=DEC_2020))
    for name in ("Indicators", "Values"):
        ws = wb[name]
        assert ws.protection.sheet and not ws.protection.password
        assert ws.freeze_panes == "A2"
        assert all(cell.protection.locked for cell in ws[1])
        for row in (2, 61, 61 + SPARE_ROWS):
            assert not any(cell.protection.locked for cell in ws[row]), (name, row)
        assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert wb["Instructions"].protection.sheet and not wb["Instructions"].protection.password


def test_prefilled_template_lists_the_indicators_and_one_row_per_due_period(tmp_path):
    """Pre-filled from the Q3 2020/21 indicators: one Indicators row each, and for Dec 2020 one
    Values row each (every indicator is monthly or quarterly, so all are due), value blank."""
    indicators = _q3_indicators()
    wb = load_workbook(write_return_template(tmp_path / "t.xlsx", indicators=indicators, period=DEC_2020))
    sheet = wb["Indicators"]
    assert [sheet.cell(r, 1).value for r in range(2, 62)] == [i.ref for i in indicators]
    assert [c.value for c in sheet[2]] == ["CYP-01", "Rate of Children in Need", "Lower", "Monthly", "flat", 485,
                                           None, "1", None, 1, None, None, 478, None, "2020/21"]
    values = wb["Values"]
    rows = [[c.value for c in row] for row in values.iter_rows(min_row=2, max_row=61)]
    # The target beside each value: CYP-01's 485 (flat); CYP-41 is cumulative, 600 x 9/12 in December.
    targets = {i.ref: period_target(i, DEC_2020) for i in indicators}
    assert targets["CYP-01"] == 485 and targets["CYP-41"] == 450
    assert rows == [[i.ref, i.name, "Dec 2020", None, targets[i.ref], *[None] * 7] for i in indicators]
    assert values.cell(62, 1).value is None
    assert wb.active.title == "Values"


def test_service_filter_matches_case_insensitively_and_refuses_an_unknown_service(tmp_path):
    indicators = [replace(i, service="Children's Services" if i.ref.startswith("CYP") else "Public Health")
                  for i in _q3_indicators()]
    path = write_return_template(tmp_path / "t.xlsx", indicators=indicators, service="children's  SERVICES")
    refs = [c.value for c in load_workbook(path)["Indicators"]["A"][1:] if c.value]
    assert refs and all(ref.startswith("CYP") for ref in refs)
    with pytest.raises(ReturnError, match="\"Housing\".*: Children's Services; Public Health$"):
        write_return_template(tmp_path / "u.xlsx", indicators=indicators, service="Housing")


# indicator frequency, reporting period, expected period labels
DUE = [
    ("monthly", "2020/21 Q3", ["Oct 2020", "Nov 2020", "Dec 2020"]),
    ("quarterly", "2020/21 Q3", ["2020/21 Q3"]),
    ("quarterly", "Nov 2020", []),
    ("quarterly", "2020/21", ["2020/21 Q1", "2020/21 Q2", "2020/21 Q3", "2020/21 Q4"]),
    ("annual", "2020/21 Q4", ["2020/21 Q4"]),
    ("annual", "2020/21", ["2020/21"]),
]


@pytest.mark.parametrize("frequency, period, expected", DUE)
def test_due_periods_lie_inside_the_reporting_period(frequency, period, expected):
    """A value is labelled with its own period unless that is longer than the reporting period."""
    indicator = Indicator("X-1", "x", "higher", frequency=frequency)
    assert expected == [p.label for p in due_periods(indicator, parse_period(period))]


def _fill_december(path) -> list[tuple]:
    """Type the published Dec 2020 figures into a pre-filled template as an officer would, with a
    note for each gap; return what was filled as (ref, period, value, period target, note)."""
    by_ref = {row.ref: row for row in q3_rows()}
    wb = load_workbook(path)
    ws = wb["Values"]
    filled = []
    for row in range(2, ws.max_row + 1):
        ref = ws.cell(row, 1).value
        if ref is None:
            break
        published = by_ref[ref]
        december = next((o.value for o in published.observations if o.period == DEC_2020), None)
        note = published.note or (None if december is not None else GAP_NOTE)
        if ref == "CYP-41":
            ws.cell(row, 6, 450)  # a period target typed by hand
        if december is not None:
            ws.cell(row, 4, december)
        ws.cell(row, 7, note)
        filled.append((ref, DEC_2020, december, 450.0 if ref == "CYP-41" else None, note))
    wb.save(path)
    return filled


def test_a_filled_in_template_reads_back_with_no_findings(tmp_path):
    """template → fill → read_folder: no findings at all, and the observations are what was typed."""
    indicators = _q3_indicators()
    path = write_return_template(tmp_path / "childrens-return.xlsx", indicators=indicators, period=DEC_2020)
    filled = _fill_december(path)
    assert any(value is None and note == GAP_NOTE for _, _, value, _, note in filled)

    result = read_folder(tmp_path, period="2020/21 Q3")
    assert result.findings == ()
    read = sorted((o.ref, o.period, o.value, o.period_target, o.note) for o in result.observations)
    assert read == sorted(filled)
    by_ref = {i.ref: i for i in result.indicators}
    for indicator in indicators:  # the register's own framework year is the reporting year
        assert by_ref[indicator.ref] == replace(indicator, framework_year=DEC_2020.fy)


def test_validate_command_finds_nothing_in_a_filled_in_template(tmp_path):
    path = write_return_template(tmp_path / "return.xlsx", indicators=_q3_indicators(), period=DEC_2020)
    _fill_december(path)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", "2020/21 Q3"])
    assert result.exit_code == 0, result.output
    [finding] = [line for line in result.output.splitlines() if line.startswith(("info", "warning", "error"))]
    assert finding.startswith("warning") and "no register in" in finding  # only that: the template is clean


def test_make_return_template_prefills_from_a_register(tmp_path):
    """The register is read by the ordinary readers; its Service column selects the indicators."""
    register = workbook_from_rows(tmp_path / "register.xlsx", [
        ["Ref", "Name", "Polarity", "Frequency", "Annual target", "Service", "Framework year"],
        ["CYP-01", "Rate of Children in Need", "Lower", "Quarterly", 485, "Children", "2020/21"],
        ["PH-25", "Smoking quitters", "Higher", "Monthly", 600, "Public Health", "2020/21"],
    ], "Indicators")
    out = make_return_template(tmp_path / "ph.xlsx",
                               register_path=register, service="public health", period="2020/21 Q3")
    wb = load_workbook(out)
    assert [c.value for c in wb["Indicators"][2]][:6] == ["PH-25", "Smoking quitters", "Higher", "Monthly",
                                                          "flat", 600]
    assert wb["Indicators"]["A3"].value is None
    assert [wb["Values"].cell(r, 3).value for r in range(2, 5)] == ["Oct 2020", "Nov 2020", "Dec 2020"]


def test_a_register_with_no_indicators_is_refused(tmp_path):
    empty = workbook_from_rows(tmp_path / "register.xlsx", [["Nothing", "here"]], "Sheet1")
    with pytest.raises(ReturnError, match="register.xlsx"):
        load_register(empty)


def test_output_must_be_xlsx_and_writable(tmp_path):
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_return_template(tmp_path / "return.xls")
    with pytest.raises(OutputError, match="cannot write .*: the folder .*no such folder does not exist"):
        write_return_template(tmp_path / "no such folder" / "return.xlsx")


def test_the_same_inputs_give_the_same_cells(tmp_path):
    """Deterministic contents: two runs give identical cells and validations."""
    def snapshot(path):
        wb = load_workbook(path)
        return [(ws.title, [[c.value for c in row] for row in ws.iter_rows()],
                 [(str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation]) for ws in wb]
    first = write_return_template(tmp_path / "a.xlsx", indicators=_q3_indicators(), period=DEC_2020)
    second = write_return_template(tmp_path / "b.xlsx", indicators=_q3_indicators(), period=DEC_2020)
    assert snapshot(first) == snapshot(second)
    assert load_workbook(first).properties.created == load_workbook(second).properties.created


def test_a_quarter_template_reads_back_with_quarter_and_month_periods(tmp_path):
    """For 2020/21 Q3 a monthly indicator gets Oct–Dec rows and a quarterly one a '2020/21 Q3' row;
    filled in, they read back as those periods with no findings."""
    indicators = [Indicator("A-1", "Monthly count", "higher", frequency="monthly", profile="per-period"),
                  Indicator("B-1", "Quarterly rate", "lower", frequency="quarterly", annual_target=12.5)]
    path = write_return_template(tmp_path / "q3.xlsx", indicators=indicators, period="2020/21 Q3")
    wb = load_workbook(path)
    ws = wb["Values"]
    for row, value in zip(range(2, 6), (10, 11, 12, 13.5)):
        ws.cell(row, 4, value)
    wb.save(path)
    result = read_folder(tmp_path)
    assert result.findings == ()
    assert sorted((o.ref, o.period.label, o.value) for o in result.observations) == [
        ("A-1", "Dec 2020", 12), ("A-1", "Nov 2020", 11), ("A-1", "Oct 2020", 10), ("B-1", "2020/21 Q3", 13.5)]
