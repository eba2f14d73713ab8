"""Issue 17 items 6 and 7: the council's identity comes from its framework (the register's
Framework sheet), `xlscorecard init` starts a new council, and the scorecard follows the
framework's order, not the order files were read in."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli

from helpers import Q3_SAMPLES, find_row


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# Two priorities, listed "B" before "A" on purpose; the indicators' rows list them the other way.
PRIORITIES = [("2", "Thriving places", "Places"), ("1", "Healthy people", "People")]
INDICATORS = [
    # Ref, Name, Polarity, Frequency, Profile, Annual target, Tolerance, Priority, Outcome, Tier, ..., Service
    ["HP-01", "Adults active", "Higher", "Quarterly", "flat", 60, None, "1", "Active lives", 1, "%",
     None, None, "Public Health"],
    ["TP-02", "Empty homes returned", "Higher", "Quarterly", "flat", 40, None, "2", "Homes", 1, None,
     None, None, "Housing"],
    ["TP-01", "Streets clean", "Higher", "Quarterly", "flat", 90, None, "2", "Clean streets", 1, "%",
     None, None, "Housing"],
]


def new_council(tmp_path, council: str | None):
    """`init`, then the register filled in as a performance officer would."""
    result = run("init", tmp_path / "ourtown")
    assert result.exit_code == 0, result.output
    returns = tmp_path / "ourtown" / "returns"
    register = returns / "register.xlsx"
    wb = load_workbook(register)
    assert wb["Framework"]["A1"].value == "Council name" and wb["Framework"]["B1"].value is None
    if council:
        wb["Framework"]["B1"] = council
    for offset, row in enumerate(PRIORITIES):
        for col, value in enumerate(row, start=1):
            wb["Framework"].cell(5 + offset, col, value)
    for offset, row in enumerate(INDICATORS):
        for col, value in enumerate(row, start=1):
            wb["Indicators"].cell(2 + offset, col, value)
    wb.save(register)
    return returns


def fill_return(returns, service: str, values: dict[str, float], monkeypatch, name: str | None = None,
                reverse: bool = False):
    """The service's template, made in the returns folder (the register found there), filled in;
    with ``reverse``, its rows put in the opposite order to the register's, as an officer might."""
    monkeypatch.chdir(returns)
    out = returns / (name or f"{service.lower().replace(' ', '-')}-Q3.xlsx")
    made = run("template", "--service", service, "--period", "2020/21 Q3", "--out", out.name)
    assert made.exit_code == 0, made.output
    wb = load_workbook(out)
    for sheet in ("Indicators", "Values") if reverse else ():
        ws = wb[sheet]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=1 + len(values))]
        for offset, row in enumerate(reversed(rows)):
            for col, value in enumerate(row, start=1):
                ws.cell(2 + offset, col, value)
    ws = wb["Values"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value in values:
            ws.cell(row, 4, values[ws.cell(row, 1).value])
    wb.save(out)


def test_init_register_explains_its_columns_and_is_refused_twice(tmp_path):
    first = run("init", tmp_path / "c")
    assert first.exit_code == 0, first.output
    register = tmp_path / "c" / "returns" / "register.xlsx"
    assert f"Register: {register}" in first.output
    wb = load_workbook(register)
    assert wb.sheetnames == ["Instructions", "Indicators", "Period targets", "Framework"]
    headers = [c.value for c in wb["Indicators"][1]]
    assert headers[:3] == ["Ref", "Name", "Polarity"] and "Service" in headers
    text = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    for header in headers:
        assert f"- {header}: " in text  # every column explained
    assert "write your council's name" in text
    again = run("init", tmp_path / "c")
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_new_councils_scorecard_carries_its_name_and_priority_order(tmp_path, monkeypatch):
    returns = new_council(tmp_path, "Ourtown Borough Council")
    # Public Health's return is read first (its name sorts first) and Housing's lists TP-01 before
    # TP-02: neither order may reach the scorecard.
    fill_return(returns, "Public Health", {"HP-01": 61}, monkeypatch, name="a-public-health-Q3.xlsx")
    fill_return(returns, "Housing", {"TP-01": 92, "TP-02": 30}, monkeypatch, reverse=True)
    assert load_workbook(returns / "housing-Q3.xlsx")["Values"]["A2"].value == "TP-01"
    out = tmp_path / "s.xlsx"
    result = run("consolidate", returns, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    assert "Green 2, amber 0, red 1, data gaps 0" in result.output
    wb = load_workbook(out)
    assert wb["Summary"]["A1"].value == "Ourtown Borough Council - Performance Scorecard, Quarter 3 2020/21"
    # The framework lists priority 2 first: its sheet comes first, and its summary row.
    assert wb.sheetnames[1:3] == ["P2 Places", "P1 People"]
    summary = wb["Summary"]
    assert find_row(summary, "2. Thriving places") < find_row(summary, "1. Healthy people")
    # Outcomes and rows within a priority follow the register: Homes (TP-02, listed first) before
    # Clean streets (TP-01).
    places = wb["P2 Places"]
    assert find_row(places, "Homes") < find_row(places, "TP-02") < find_row(places, "Clean streets") \
        < find_row(places, "TP-01")
    every = wb["All indicators"]
    refs = [every.cell(r, 1).value for r in range(2, every.max_row + 1)]
    assert [r for r in refs if r in ("HP-01", "TP-01", "TP-02")] == ["TP-02", "TP-01", "HP-01"]
    assert "council's name is not set" not in result.output


def test_without_a_council_name_the_scorecard_says_council_and_a_finding_says_where(tmp_path, monkeypatch):
    returns = new_council(tmp_path, None)
    fill_return(returns, "Housing", {"TP-01": 92, "TP-02": 30}, monkeypatch)
    out = tmp_path / "s.xlsx"
    result = run("consolidate", returns, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb["Summary"]["A1"].value == "Council - Performance Scorecard, Quarter 3 2020/21"
    quality = wb["Data quality"]
    messages = [str(c.value) for row in quality.iter_rows() for c in row if c.value]
    assert any("the council's name is not set, so the scorecard says 'Council'" in m for m in messages)
    assert any("add a sheet named 'Framework'" in m and "'Council name'" in m for m in messages)


def test_the_sample_register_names_st_helens_and_its_six_priorities(tmp_path):
    """The bundled sample carries St Helens' identity in its register, not in the style template."""
    folder = tmp_path / "q3"
    shutil.copytree(Q3_SAMPLES, folder)
    out = tmp_path / "s.xlsx"
    result = run("consolidate", folder, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb["Summary"]["A1"].value == "St Helens Borough Council - Performance Scorecard, Quarter 3 2020/21"
    assert wb.sheetnames[1:7] == ["P1 Children and young people", "P2 Health, independence, care",
                                  "P3 Safe and strong communities", "P4 Local economy", "P5 Green and vibrant place",
                                  "P6 Modern, efficient Council"]
