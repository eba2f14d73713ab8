"""End to end: `xlscorecard consolidate` on the bundled sample returns, and the officer's workflow.

Expected figures are the council's published ones (seed 003's per-priority counts, seed 000's
variances), never xlscorecard's own output.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli

from helpers import Q2_2122_SAMPLES, Q3_SAMPLES, ROOT, SAMPLES, bracket_count, find_row, header_columns
from reference import number, read_rows
from test_published_q3 import PUBLISHED_TARGET_SUMMARY



def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def records_by_priority(path: Path) -> dict[str, tuple[int, int, int, int, int]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {}
    for name in [*sorted({r["priority"] for r in rows}), "Total"]:
        mine = [r["rag"] for r in rows if name in ("Total", r["priority"])]
        counts[name] = (len(mine), mine.count("green"), mine.count("red"), mine.count("amber"), mine.count("gap"))
    return counts


@pytest.fixture(scope="module")
def q3_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("q3")
    result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", out / "scorecard.xlsx",
                 "--records", out / "records.csv")
    assert result.exit_code == 0, result.output
    return out, result


def test_sample_records_reproduce_the_published_q3_counts(q3_run):
    """Per priority: Total PIs / On target / Off target / Within 5% / Data gaps, and 60/29/21/8/2."""
    out, _ = q3_run
    assert records_by_priority(out / "records.csv") == PUBLISHED_TARGET_SUMMARY


def test_sample_scorecard_summary_sheet_reproduces_the_published_counts(q3_run):
    out, _ = q3_run
    ws = load_workbook(out / "scorecard.xlsx")["Summary"]
    columns = header_columns(ws, find_row(ws, "Performance against target") + 1)
    row = find_row(ws, "Total")
    cell = lambda name: ws.cell(row, columns[name]).value  # noqa: E731
    assert (cell("Total PIs"), bracket_count(cell("On target (fully met)")),
            bracket_count(cell("Off target (not met)")), bracket_count(cell("Within 5% (met within 95%)")),
            bracket_count(cell("Data gaps"))) == (60, 29, 21, 8, 2)


def test_summary_output_tells_the_officer_what_happened(q3_run):
    out, result = q3_run
    assert "Period: Quarter 3 2020/21" in result.output
    assert "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60" in result.output
    assert "Green 29, amber 8, red 21, data gaps 2" in result.output
    assert f"Scorecard: {out / 'scorecard.xlsx'}" in result.output


def test_sample_variances_match_the_published_ones_to_the_hundredth(q3_run):
    """Every scored row of the sample scorecard has the variance seed 003 prints."""
    out, _ = q3_run
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        records = {r["ref"]: r for r in csv.DictReader(handle)}
    published = {r["ref"]: number(r["published_variance"]) for r in read_rows("q3_2020_21_all_priorities.csv")}
    checked = 0
    for ref, pct in published.items():
        if pct is not None:
            assert float(records[ref]["variance_pct"]) == pytest.approx(pct, abs=0.01), ref
            checked += 1
    assert checked == 58


def test_period_is_chosen_from_the_returns_when_not_given(tmp_path):
    result = run("consolidate", Q3_SAMPLES, "--out", tmp_path / "s.xlsx")
    assert result.exit_code == 0
    assert "Period: Quarter 3 2020/21 (the latest period the returns agree on)" in result.output


def test_default_scorecard_name_comes_from_the_period(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("consolidate", Q3_SAMPLES, "--period", "Q3 20/21").exit_code == 0
    assert (tmp_path / "scorecard-2020-21-Q3.xlsx").exists()
    assert (tmp_path / "xlscorecard-history.sqlite").exists()


def test_q2_2021_22_samples_reproduce_seed_000s_variances(tmp_path):
    """The 2021/22 framework (CYP-01 is a different indicator there) with SC-01's per-period target."""
    result = run("consolidate", Q2_2122_SAMPLES, "--period", "2021/22 Q2", "--out", tmp_path / "s.xlsx",
                 "--records", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        records = {r["ref"]: r for r in csv.DictReader(handle)}
    assert len(records) == 30
    for row in read_rows("q2_2021_22_priority1.csv"):
        pct = number(row["published_variance"])
        if pct is not None:
            assert float(records[row["ref"]]["variance_pct"]) == pytest.approx(pct, abs=0.01), row["ref"]
    assert records["CYP-01"]["indicator"].startswith("Percentage of re-referrals into Early Help")
    assert sum(r["rag"] == "green" for r in records.values()) == 14   # seed 000: 47% (14)


def test_a_real_process_writes_the_scorecard(tmp_path):
    """As the README's first command runs it: the installed entry point, in a fresh process."""
    completed = subprocess.run(
        [sys.executable, "-m", "xlscorecard", "consolidate", str(Q3_SAMPLES), "--period", "2020/21 Q3",
         "--out", str(tmp_path / "scorecard.xlsx")], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "Green 29, amber 8, red 21, data gaps 2" in completed.stdout
    assert load_workbook(tmp_path / "scorecard.xlsx").sheetnames[0] == "Summary"


def _long_csv(path: Path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "Period", "Value"])
        writer.writerows(rows)


def test_two_periods_dot_from_history_and_headline_cites_the_previous_figure(tmp_path):
    """Q2 then Q3, each folder carrying only its own period's values: Q3's DOT comes from the
    history and the headline says how Q2 compared."""
    q2, q3 = tmp_path / "q2", tmp_path / "q3"
    for folder in (q2, q3):
        folder.mkdir()
        shutil.copy(Q3_SAMPLES / "register-2020-21.xlsx", folder)
    flat = [r for r in read_rows("q3_2020_21_all_priorities.csv")
            if r["ref"] in ("CYP-01", "CYP-40", "E&S-25a", "CYP-24", "ASC-12", "G&P-06")]
    _long_csv(q2 / "q2.csv", [(r["ref"], "Sep 2020", r["sep"]) for r in flat])
    _long_csv(q3 / "q3.csv", [(r["ref"], "Dec 2020", r["dec"]) for r in flat])
    history = tmp_path / "history.sqlite"
    common = ["--history", history, "--records"]
    assert run("consolidate", q2, "--period", "2020/21 Q2", "--out", tmp_path / "q2.xlsx",
               *common, tmp_path / "q2.csv").exit_code == 0
    result = run("consolidate", q3, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
                 *common, tmp_path / "q3.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "q3.csv").open(encoding="utf-8-sig", newline="") as handle:
        dots = {r["ref"]: r["dot"] for r in csv.DictReader(handle) if r["ref"] in {f["ref"] for f in flat}}
    arrows = {"↑": "improved", "↓": "worse", "↔": "same"}
    assert dots == {r["ref"]: arrows[r["published_dot"]] for r in flat}
    with (tmp_path / "q2.csv").open(encoding="utf-8-sig", newline="") as handle:
        q2_rows = [r for r in csv.DictReader(handle) if r["ref"] in dots]
    q2_met = sum(r["rag"] in ("green", "amber") for r in q2_rows)
    q2_pct = round(100 * q2_met / len(q2_rows))
    headline = load_workbook(tmp_path / "q3.xlsx")["Summary"]["A4"].value
    assert headline.endswith(f"This compares to {q2_pct}% in Quarter 2 2020/21.")
    assert f"; Quarter 2 2020/21: {q2_pct}%" in result.output


# -- exit codes -------------------------------------------------------------------------------

def test_exit_1_when_no_return_is_readable(tmp_path):
    (tmp_path / "notes.txt").write_text("not a return", encoding="utf-8")
    result = CliRunner().invoke(cli, ["consolidate", str(tmp_path), "--period", "2020/21 Q3",
                                      "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no readable return in")
    assert "Traceback" not in result.output and not (tmp_path / "s.xlsx").exists()


def test_exit_1_when_the_output_cannot_be_written(tmp_path):
    result = CliRunner().invoke(cli, ["consolidate", str(Q3_SAMPLES), "--period", "2020/21 Q3",
                                      "--out", str(tmp_path / "missing" / "s.xlsx"), "--no-history"])
    assert result.exit_code == 1
    assert "Error: cannot write" in result.output and "does not exist" in result.output


@pytest.mark.parametrize("args", [["consolidate"], ["consolidate", "no/such/folder"], ["consolidate", ".", "--tolerance", "-1"]])
def test_exit_2_on_usage_errors(args):
    assert CliRunner().invoke(cli, args).exit_code == 2


def test_bad_period_is_a_usage_error_naming_what_is_accepted(tmp_path):
    result = CliRunner().invoke(cli, ["consolidate", str(Q3_SAMPLES), "--period", "Q5 2020/21",
                                      "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2
    assert "Invalid value for '--period': 'Q5 2020/21' is not a period" in result.output
    assert "'2020/21 Q3'" in result.output and not (tmp_path / "s.xlsx").exists()


def test_strict_exits_3_when_error_findings_exist_but_still_writes(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    out = tmp_path / "s.xlsx"
    relaxed = CliRunner().invoke(cli, ["consolidate", str(folder), "--out", str(out), "--no-history"])
    assert relaxed.exit_code == 0
    strict = CliRunner().invoke(cli, ["consolidate", str(folder), "--out", str(out), "--no-history", "--strict"])
    assert strict.exit_code == 3 and out.exists()
    assert "Findings: 1 error," in strict.output


def test_debug_shows_the_traceback_instead_of_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--debug", "consolidate", str(tmp_path), "--period", "2020/21 Q3"])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "ReturnError"


def test_inputs_are_unchanged_by_consolidate(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert run("consolidate", folder, "--out", tmp_path / "s.xlsx").exit_code == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_same_inputs_give_byte_identical_outputs(tmp_path):
    outputs = []
    for n in (1, 2):
        result = run("consolidate", Q3_SAMPLES, "--out", tmp_path / f"s{n}.xlsx", "--no-history",
                     "--records", tmp_path / f"r{n}.csv")
        assert result.exit_code == 0
        outputs.append(((tmp_path / f"s{n}.xlsx").read_bytes(), (tmp_path / f"r{n}.csv").read_bytes()))
    assert outputs[0] == outputs[1]


def test_sample_workbooks_are_rebuilt_identically_by_their_script(tmp_path):
    """sample_workbooks/build_samples.py reproduces every committed sample cell for cell."""
    completed = subprocess.run([sys.executable, str(SAMPLES / "build_samples.py"), str(tmp_path)],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    for committed in sorted(p for p in SAMPLES.glob("*/**/*.*") if "__pycache__" not in p.parts):
        rebuilt = tmp_path / committed.relative_to(SAMPLES)
        if committed.suffix in (".csv", ".toml"):
            assert rebuilt.read_bytes() == committed.read_bytes()
            continue
        old, new = load_workbook(committed), load_workbook(rebuilt)
        assert old.sheetnames == new.sheetnames
        for name in old.sheetnames:
            assert [[c.value for c in row] for row in old[name].iter_rows()] == \
                   [[c.value for c in row] for row in new[name].iter_rows()], f"{committed.name}!{name}"
