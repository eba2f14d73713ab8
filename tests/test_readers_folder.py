"""Reading a folder: the register wins, conflicting values are errors, one bad file stops nothing."""

from __future__ import annotations

from return_builders import build_q2_wide, build_q3_wide, workbook_from_rows
from xlscorecard.core.model import Polarity, Severity
from xlscorecard.readers import read_folder, read_return


def _sheet(path, title, rows):
    return workbook_from_rows(path, rows, title)


def _values(path, ref, value):
    return _sheet(path, "Values", [["Ref", "Period", "Value"], [ref, "Dec 2020", value]])


def _register(path, rows):
    return _sheet(path, "Indicators", [["Ref", "Name", "Polarity", "Annual target", "Framework year"], *rows])


def test_same_ref_and_period_with_different_values_is_an_error_and_neither_is_used(tmp_path):
    _values(tmp_path / "a.xlsx", "CYP-01", 459.4)
    _values(tmp_path / "b.xlsx", "CYP-01", 460)
    result = read_folder(tmp_path)
    [conflict] = [f for f in result.findings if "conflicting values" in f.message]
    assert conflict.severity is Severity.ERROR and conflict.ref == "CYP-01"
    assert "a.xlsx" in conflict.message and "b.xlsx" in conflict.message
    [observation] = result.observations
    assert observation.value is None and "conflicting" in observation.note


def test_the_same_value_in_two_returns_is_kept_once(tmp_path):
    _values(tmp_path / "a.xlsx", "CYP-01", 459.4)
    _values(tmp_path / "b.xlsx", "CYP-01", 459.4)
    result = read_folder(tmp_path)
    assert [o.value for o in result.observations] == [459.4]
    assert not result.has_errors


def test_register_wins_and_disagreements_are_findings(tmp_path):
    """The return says CYP-01 is higher-is-better with target 500; the register says lower, 485."""
    _register(tmp_path / "framework register.xlsx", [["CYP-01", "Rate of Children in Need", "Lower", 485, "2020/21"]])
    _sheet(tmp_path / "return.xlsx", "Q3", [
        ["Ref", "Performance Indicator", "Higher / Lower is better?", "20/21 Target", "Dec"],
        ["CYP-01", "Rate of Children in Need", "Higher", 500, 459.4]])
    result = read_folder(tmp_path)
    [indicator] = [i for i in result.indicators if i.ref == "CYP-01"]
    assert (indicator.polarity, indicator.annual_target) == (Polarity.LOWER, 485)
    messages = [f.message for f in result.findings if f.ref == "CYP-01"]
    assert any(m.startswith("polarity in the return") for m in messages)
    [polarity] = [f for f in result.findings if f.message.startswith("polarity in the return")]
    assert (polarity.source.path, polarity.source.sheet, polarity.source.cell) == (
        str(tmp_path / "return.xlsx"), "Q3", "A2")
    assert any(m.startswith("annual_target in the return") for m in messages)


def test_register_passed_explicitly(tmp_path):
    register = _register(tmp_path / "framework.xlsx", [["X-1", "Something", "Higher", 10, "2020/21"]])
    returns = tmp_path / "returns"
    returns.mkdir()
    _values(returns / "a.xlsx", "X-1", 12)
    result = read_folder(returns, register_path=register)
    assert [(i.ref, i.annual_target) for i in result.indicators] == [("X-1", 10)]


def test_a_ref_reused_in_a_new_framework_year_is_a_different_indicator(tmp_path):
    """CYP-01 is 'Rate of Children in Need' in 2020/21 and re-referrals into Early Help in 2021/22."""
    build_q3_wide(tmp_path / "q3 2020-21.xlsx")
    build_q2_wide(tmp_path / "q2 2021-22.xlsx")
    result = read_folder(tmp_path)
    names = {i.framework_year.label: i.name for i in result.indicators if i.ref == "CYP-01"}
    assert names["2020/21"] == "Rate of Children in Need"
    assert names["2021/22"].startswith("Percentage of re-referrals into Early Help")
    assert not [f for f in result.findings if f.ref == "CYP-01" and "differently" in f.message]


def test_an_unexpected_exception_becomes_a_finding_naming_the_file(tmp_path, monkeypatch):
    """A bug or a file nobody foresaw must not stop the other returns."""
    from xlscorecard.readers import workbook

    _values(tmp_path / "a.xlsx", "X-1", 1)
    build_q3_wide(tmp_path / "q3.xlsx")

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(workbook, "load_csv", explode)
    (tmp_path / "export.csv").write_text("Ref,Period,Value\nX-2,Dec 2020,3\n", encoding="utf-8")
    result = read_folder(tmp_path)
    [finding] = [f for f in result.findings if "RuntimeError" in f.message]
    assert finding.severity is Severity.ERROR and finding.source.path.endswith("export.csv")
    assert {"X-1", "CYP-01"} <= {o.ref for o in result.observations}
    assert len(result.sources) == 3  # the failed file is still listed, with its checksum


def test_hidden_sheets_that_look_like_returns_are_reported_not_read(tmp_path):
    path = _values(tmp_path / "a.xlsx", "X-1", 1)
    from openpyxl import load_workbook
    wb = load_workbook(path)
    wb.active.sheet_state = "hidden"
    wb.create_sheet("Cover")["A1"] = "Nothing here"
    wb.save(path)
    result = read_return(path)
    assert not result.observations
    assert any("hidden sheet" in f.message for f in result.findings)


def test_values_nobody_describes_are_reported_once(tmp_path):
    _values(tmp_path / "a.xlsx", "X-1", 1)
    _values(tmp_path / "b.xlsx", "X-2", 2)
    [finding] = [f for f in read_folder(tmp_path).findings if "no return or register describes" in f.message]
    assert finding.count == 2 and "X-1, X-2" in finding.message
