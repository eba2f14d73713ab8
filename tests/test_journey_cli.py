"""Issue 17, items 1–3, 10 and 11: every command tells the same story. `explain`, `status`,
`watch` and `report` take the options `consolidate` takes where they matter, with the same
defaults; the history a run used is printed; the register is found by name or by what it holds
and never counted as a service's return, and its absence is a warning; exit codes mean one thing
in every command; `--debug` is accepted after the command's name."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import Q3_SAMPLES
from xlscorecard.cli import cli

SAMPLES = Q3_SAMPLES.parent
Q3 = "2020/21 Q3"


def invoke(*args, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, [str(a) for a in args])
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(cli, [str(a) for a in args])


def all_indicators_row(path: Path, ref: str) -> dict:
    sheet = openpyxl.load_workbook(path)["All indicators"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == ref)
    return dict(zip(header, row))


@pytest.fixture(scope="module")
def with_history(tmp_path_factory):
    """The illustrative 2019/20 history, then Q3 2020/21 into the same reports folder: the
    trend of Q3 comes from the history only."""
    reports = tmp_path_factory.mktemp("reports")
    first = invoke("consolidate", SAMPLES / "history-illustrative", "--period", "2019/20 Q4",
                   "--out", reports / "q4.xlsx")
    assert first.exit_code == 0, first.output
    second = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", reports / "q3.xlsx")
    assert second.exit_code == 0, second.output
    return reports, second


# -- 1. One set of defaults ---------------------------------------------------------------------

def test_explain_with_the_history_consolidate_used_says_what_the_scorecard_says(with_history):
    reports, _ = with_history
    history = reports / "xlscorecard-history.sqlite"
    explained = invoke("explain", "PH-25", Q3_SAMPLES, "--period", Q3, "--history", history)
    assert explained.exit_code == 0, explained.output
    cell = all_indicators_row(reports / "q3.xlsx", "PH-25")["Explanation"]
    assert "trend" in cell and "cannot be determined" not in cell.split("trend")[0][-60:]
    assert cell in explained.output  # the scorecard's words, to the character
    without = invoke("explain", "PH-25", Q3_SAMPLES, "--period", Q3, "--no-history")
    assert cell not in without.output and "so the trend cannot be determined" in without.output
    assert "History: none (--no-history)" in without.output


def test_explain_finds_the_history_in_the_current_folder_as_consolidate_leaves_it(tmp_path):
    made = invoke("consolidate", Q3_SAMPLES, "--period", "2020/21 Q2", cwd=tmp_path)
    assert made.exit_code == 0, made.output
    folder = next(tmp_path.iterdir())  # the isolated folder the run used
    runner = CliRunner()
    import os
    here = os.getcwd()
    try:
        os.chdir(folder)
        explained = runner.invoke(cli, ["explain", "PH-25", str(Q3_SAMPLES), "--period", Q3])
        missing = runner.invoke(cli, ["explain", "PH-25", str(Q3_SAMPLES), "--period", Q3,
                                      "--history", "elsewhere.sqlite"])
    finally:
        os.chdir(here)
    assert "History: xlscorecard-history.sqlite (holds 1 other period, 2020/21 Q2; compared with Quarter 2 " \
           "2020/21)" in explained.output
    assert missing.exit_code == 2 and "--history elsewhere.sqlite does not exist" in missing.output


def test_explain_takes_the_tolerance_and_template_the_scorecard_was_made_with(tmp_path):
    """CYP-40 is 7.82% off target: red within 5 points, amber within 10. A template setting 10
    and --tolerance 10 each make the scorecard and explain say amber."""
    template = tmp_path / "scorecard.toml"
    text = (Path(__file__).resolve().parents[1] / "templates" / "scorecard.toml").read_text(encoding="utf-8")
    template.write_text(text.replace("tolerance_pct = 5.0", "tolerance_pct = 10.0"), encoding="utf-8")
    for option in (["--template", template], ["--tolerance", "10"]):
        out = tmp_path / f"s{len(option[1].__str__())}.xlsx"
        made = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", out, "--no-history", *option)
        assert made.exit_code == 0, made.output
        assert all_indicators_row(out, "CYP-40")["Status"] == "Within 10%"
        explained = invoke("explain", "CYP-40", Q3_SAMPLES, "--period", Q3, "--no-history", *option)
        assert "within the 10% tolerance → amber" in explained.output, explained.output
    default = invoke("explain", "CYP-40", Q3_SAMPLES, "--period", Q3, "--no-history")
    assert "missed by more than the 5% tolerance → red" in default.output


def test_status_strict_exits_3_while_a_return_is_late(tmp_path):
    on_time = invoke("status", Q3_SAMPLES, "--period", Q3, "--strict")
    assert on_time.exit_code == 0, on_time.output
    late = invoke("status", Q3_SAMPLES, "--period", Q3, "--deadline-days", "0", "--strict")
    assert late.exit_code == 3 and "LATE" in late.output
    assert invoke("status", Q3_SAMPLES, "--period", Q3, "--deadline-days", "0").exit_code == 0


def test_watch_runs_the_consolidation_consolidate_runs_with_the_same_options(tmp_path, monkeypatch):
    import xlscorecard.watch

    def stop_at_once(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(xlscorecard.watch, "watch", stop_at_once)
    out = tmp_path / "watched.xlsx"
    watched = invoke("watch", Q3_SAMPLES, "--period", Q3, "--out", out, "--tolerance", "10", "--no-history",
                     "--deadline-days", "0")
    assert watched.exit_code == 130, watched.output
    made = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", tmp_path / "c.xlsx", "--tolerance", "10",
                  "--no-history", "--deadline-days", "0")
    counts = [line for line in made.output.splitlines() if line.startswith("Green")]
    assert counts and counts[0] in watched.output and counts[0] != "Green 29, amber 8, red 21, data gaps 2, no target 0"
    assert "History: none (--no-history)" in watched.output
    assert not (tmp_path / "xlscorecard-history.sqlite").exists()
    returns = openpyxl.load_workbook(out)["Returns"]
    assert any(c.value == "Late" for row in returns.iter_rows() for c in row)  # --deadline-days 0 reached it


# -- 2. The history is visible ----------------------------------------------------------------

def test_consolidate_says_which_history_it_used_and_what_it_compared_with(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    first = invoke("consolidate", Q3_SAMPLES, "--period", "2020/21 Q2", "--out", reports / "q2.xlsx")
    history = reports / "xlscorecard-history.sqlite"
    assert (f"History: {history} (new: no earlier periods, so no direction of travel from it; updated with this "
            "period)") in first.output
    second = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", reports / "q3.xlsx")
    assert (f"History: {history} (holds 1 other period, 2020/21 Q2; compared with Quarter 2 2020/21; updated "
            "with this period)") in second.output
    again = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", reports / "q3.xlsx")
    assert f"History: {history} (holds 1 other period, 2020/21 Q2; compared with" in again.output
    with sqlite3.connect(history) as db:
        assert sorted(p for (p,) in db.execute("SELECT period FROM runs")) == ["2020/21 Q2", "2020/21 Q3"]


def test_an_out_folder_that_does_not_exist_is_named_before_any_work(tmp_path):
    missing = tmp_path / "no-such-folder"
    run = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", missing / "q3.xlsx")
    assert run.exit_code == 1
    assert run.output.strip() == (f"Error: cannot write {missing / 'q3.xlsx'}: the folder {missing} does not exist "
                                  "(nothing was written)")
    assert "history" not in run.output


# -- 3. The register is found or missed out loud ----------------------------------------------

def test_a_register_with_another_name_is_recognised_by_what_it_holds(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, returns)
    (returns / "register-2020-21.xlsx").rename(returns / "performance-framework-2020-21.xlsx")
    out = tmp_path / "q3.xlsx"
    run = invoke("consolidate", returns, "--period", Q3, "--out", out, "--no-history")
    assert run.exit_code == 0, run.output
    assert "Returns read: 7 (and the register performance-framework-2020-21.xlsx); indicators: 60" in run.output
    assert "Green 29, amber 8, red 21, data gaps 2, no target 0" in run.output
    checked = invoke("validate", returns, "--period", Q3)
    [said] = [line for line in checked.output.splitlines() if "performance-framework" in line]
    assert said.startswith("info") and "read as the register" in said
    status = invoke("status", returns, "--period", Q3)
    assert "performance-framework" not in status.output
    book = openpyxl.load_workbook(out)
    assert not any("performance-framework" in str(c.value) for row in book["Returns"].iter_rows() for c in row)
    assert book["Sources"]["A1"].value == "Sources - 7 returns and the register read"


def test_a_blank_return_is_not_taken_for_the_register(tmp_path):
    """A template sent out and not yet filled in also describes indicators and holds no values;
    its Values sheet says it is a return."""
    returns = tmp_path / "returns"
    returns.mkdir()
    made = invoke("template", "--register", Q3_SAMPLES / "register-2020-21.xlsx", "--service", "Public Health",
                  "--period", Q3, "--out", returns / "public-health-Q3.xlsx")
    assert made.exit_code == 0, made.output
    checked = invoke("validate", returns, "--period", Q3)
    assert "read as the register" not in checked.output and "no register in" in checked.output


def test_no_register_is_a_warning_that_says_how_to_pass_one(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, returns, ignore=shutil.ignore_patterns("register*"))
    run = invoke("consolidate", returns, "--period", Q3, "--out", tmp_path / "q3.xlsx", "--no-history")
    assert run.exit_code == 0, run.output
    assert (f"Register: no register in {returns}: each indicator is scored on what its return says about it (name, "
            "polarity, target); put the register in the folder (a workbook named *register*) or pass --register "
            "FILE") in run.output
    assert "Returns read: 7; " in run.output
    checked = invoke("validate", returns, "--period", Q3)
    assert any(line.startswith("warning") and "no register in" in line for line in checked.output.splitlines())
    given = invoke("validate", returns, "--period", Q3, "--register", Q3_SAMPLES / "register-2020-21.xlsx")
    assert "no register in" not in given.output


# -- 10. Exit codes mean one thing ------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["consolidate", Q3_SAMPLES, "--records", "{tmp}/r.txt"], "use a .csv, .json or .parquet file name"),
    (["consolidate", Q3_SAMPLES, "--out", "{tmp}/s.csv"], "the scorecard is an Excel workbook; give it a .xlsx name"),
    (["watch", Q3_SAMPLES, "--out", "{tmp}/s.ods"], "the scorecard is an Excel workbook"),
    (["template", "--out", "{tmp}/t.csv"], "the template is an Excel workbook"),
    (["report", Q3_SAMPLES, "--out", "{tmp}/r.xlsx"], "the report is a Word document"),
    (["export", "--history", "{tmp}/h.sqlite", "--out", "{tmp}/all.txt"], "use a .csv, .json or .parquet"),
    (["explain", "XYZ-9", Q3_SAMPLES, "--period", Q3], "XYZ-9 is not an indicator of 2020/21"),
    (["period", "Q3 2020"], "did you mean 2020/21 Q3, October to December 2020, or for the calendar's Q3 2020, "
                            "2020/21 Q2, July to September 2020?"),
    (["status", Q3_SAMPLES, "--period", "Q3 2020"], "did you mean 2020/21 Q3"),
    (["template", "--out", "{tmp}/t.xlsx", "--period", "Q5"], "is not a period"),
    (["template", "--register", Q3_SAMPLES / "register-2020-21.xlsx", "--service", "Public Helth", "--out",
      "{tmp}/t.xlsx"], 'no indicator in the register belongs to service "Public Helth"'),
    (["consolidate", Q3_SAMPLES, "--period", "2021/22 Q3", "--out", "{tmp}/s.xlsx"],
     "is for 2021/22, the year of 2021/22 Q3: its register and returns describe 2020/21"),
    (["status", SAMPLES / "2021-22-Q2", "--period", Q3], "describe 2021/22 (did you mean a period of 2021/22?)"),
    (["explain", "PH-25", SAMPLES / "2021-22-Q2", "--period", Q3], "no indicator in"),
], ids=["records", "out", "watch-out", "template-out", "report-out", "export-out", "explain-ref", "period",
        "status-period", "template-period", "template-service", "wrong-year", "status-wrong-year",
        "explain-wrong-year"])
def test_usage_errors_exit_2_before_any_work(tmp_path, args, words):
    run = invoke(*[str(a).format(tmp=tmp_path) for a in args])
    assert run.exit_code == 2, run.output
    assert words in run.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, no history begun


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_lists_the_same_exit_codes_in_its_help(name):
    shown = invoke(name, "--help").output
    assert "Exit codes (the same in every command):" in shown
    for line in ("0    done", "1    nothing was written", "2    usage error", "3    error findings",
                 "4    partly written", "5    written, but a file was open in another program"):
        assert line in shown, (name, line)


# -- 11. --debug after the command ------------------------------------------------------------

def test_debug_is_accepted_after_the_command_and_shows_the_traceback(tmp_path):
    quiet = invoke("explain", "XYZ-9", Q3_SAMPLES, "--period", Q3)
    assert quiet.exit_code == 2 and quiet.exception is None or isinstance(quiet.exception, SystemExit)
    loud = invoke("explain", "XYZ-9", Q3_SAMPLES, "--period", Q3, "--debug")
    from xlscorecard.errors import UsageError
    assert isinstance(loud.exception, UsageError)
    assert invoke("validate", Q3_SAMPLES, "--period", Q3, "--debug").exit_code == 0
    assert isinstance(invoke("--debug", "explain", "XYZ-9", Q3_SAMPLES).exception, UsageError)


def test_all_indicators_shows_values_and_targets_to_each_indicators_decimals(tmp_path):
    """Item 12: a back-solved period target (CYP-02's 128.004808) is shown as the indicator's
    values are, to one decimal, as on its priority sheet, not as 128.004808."""
    out = tmp_path / "q3.xlsx"
    assert invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", out, "--no-history").exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book["All indicators"]
    header = [c.value for c in sheet[1]]
    columns = [header.index(name) for name in ("Latest value", "Target for value", "Previous value", "Annual target")]
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        used = {row[c].number_format for c in columns if row[c].value is not None}
        assert len(used) <= 1, (row[0].value, used)  # one number of decimals per indicator
        formats[row[0].value] = used
    assert formats["CYP-02"] == {"#,##0.0"}
    priority = book[book.sheetnames[1]]  # Priority 1's sheet
    assert priority.title.startswith("P1 ")
    shown = {c.number_format for r in priority.iter_rows() if r[0].value == "CYP-02" for c in r
             if isinstance(c.value, (int, float))}
    assert shown - {"0.00\"%\""} == {"#,##0.0"}, shown  # the variance is a percentage


def test_a_period_in_another_year_is_an_error_in_validate_not_an_empty_scorecard(tmp_path):
    checked = invoke("validate", SAMPLES / "2021-22-Q2", "--period", Q3)
    assert checked.exit_code == 3
    [line] = [line for line in checked.output.splitlines() if line.startswith("error")]
    assert "no indicator in" in line and "is for 2020/21" in line and "check --period" in line


def test_an_excel_lock_file_is_skipped_and_never_counted_as_a_return(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, returns)
    (returns / "~$public-health-Q3.xlsx").write_bytes(b"\x0bsomeone")
    run = invoke("consolidate", returns, "--period", Q3, "--out", tmp_path / "q3.xlsx", "--no-history")
    assert "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60" in run.output
    checked = invoke("validate", returns, "--period", Q3)
    assert any(line.startswith("info") and "Excel lock file" in line for line in checked.output.splitlines())
    assert "7 returns and the register, 60 indicators" in checked.output


def test_the_scorecard_is_the_same_however_the_folder_was_typed(tmp_path, monkeypatch):
    """File names in the workbook are the returns folder's (Sources, Data quality, All
    indicators, cell comments), not the path as typed, which would leak the drive's layout."""
    import hashlib

    returns = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, returns)
    monkeypatch.chdir(tmp_path)
    made = []
    for n, folder in enumerate(["returns", str(returns), "returns/."]):
        out = tmp_path / f"s{n}.xlsx"
        assert invoke("consolidate", folder, "--period", Q3, "--out", out, "--no-history").exit_code == 0
        made.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(set(made)) == 1
    sources = openpyxl.load_workbook(tmp_path / "s1.xlsx")["Sources"]
    assert str(tmp_path) not in " ".join(str(c.value) for row in sources.iter_rows() for c in row)


def test_consolidating_a_period_again_says_it_replaced_the_earlier_run(tmp_path):
    out = tmp_path / "q3.xlsx"
    invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--out", out)
    again = invoke("consolidate", SAMPLES / "layout-file" / "returns", "--period", Q3, "--out", out,
                   "--layouts", SAMPLES / "layout-file" / "housing-layouts.toml")
    assert again.exit_code == 0, again.output
    assert "this period's earlier run in it was replaced by this one's figures)" in again.output


def test_validate_after_init_says_the_register_needs_its_indicators_and_calls_it_no_return(tmp_path):
    assert invoke("init", tmp_path / "our-council").exit_code == 0
    checked = invoke("validate", tmp_path / "our-council" / "returns")
    lines = [line for line in checked.output.splitlines() if line.startswith(("error", "warning", "info"))]
    assert len(lines) == 2, lines
    assert lines[0].startswith("error") and "register.xlsx has no indicators yet: fill in its Indicators sheet" in lines[0]
    assert lines[1].startswith("warning") and "(it holds only the register)" in lines[1]
    assert "the return has a recognised header" not in checked.output


def test_history_edge_cases_are_said_as_they_are(tmp_path):
    """An empty history file is "empty" and stays unchanged for a command that only reads it;
    --history with --no-history is a usage error; report names where it looked."""
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    explained = invoke("explain", "CYP-01", Q3_SAMPLES, "--period", Q3, "--history", empty)
    assert f"History: {empty} (empty: no earlier periods" in explained.output
    assert empty.stat().st_size == 0  # only read: not given a schema
    for command in (["consolidate", Q3_SAMPLES, "--out", tmp_path / "s.xlsx"], ["explain", "CYP-01", Q3_SAMPLES]):
        both = invoke(*command, "--period", Q3, "--no-history", "--history", tmp_path / "h.sqlite")
        assert both.exit_code == 2 and "contradict each other" in both.output
    reported = invoke("report", Q3_SAMPLES, "--period", Q3, "--out", tmp_path / "r.docx")
    assert "History: none (xlscorecard-history.sqlite is not in the --out folder; pass --history FILE)" \
        in reported.output


def test_a_template_may_keep_other_braces_in_its_words(tmp_path):
    template = tmp_path / "t.toml"
    template.write_text('[rag.green]\nword = "Met {target}"\n', encoding="utf-8")
    out = tmp_path / "s.xlsx"
    made = invoke("consolidate", Q3_SAMPLES, "--period", Q3, "--template", template, "--out", out, "--no-history")
    assert made.exit_code == 0, made.output
    assert all_indicators_row(out, "CYP-01")["Status"] == "Met {target}"
