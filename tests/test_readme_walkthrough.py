"""The README's quarter walkthrough, run as written: the commands between its
``<!-- walkthrough -->`` markers, in order, from a fresh folder holding only a copy of the
bundled samples, each through the real ``xlscorecard`` entry point in its own process. Every
command must succeed, and what it prints must be what the README and the published report
say (29 / 8 / 21 / 2 for Q3 2020/21); every other example command in the README must name
only files that exist in the checkout or that an earlier example writes."""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def walkthrough_commands() -> list[str]:
    match = re.search(r"<!-- walkthrough -->(.*?)<!-- /walkthrough -->", README, re.S)
    assert match, "the README has no walkthrough between <!-- walkthrough --> markers"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def run(command: str, folder: Path) -> subprocess.CompletedProcess:
    words = shlex.split(command)
    if words[0] == "mkdir":
        (folder / words[1]).mkdir()
        return subprocess.CompletedProcess(words, 0, "", "")
    assert words[0] == "xlscorecard", f"the walkthrough runs only xlscorecard and mkdir: {command}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "XLSCORECARD_WORKERS": "1"}
    return subprocess.run([sys.executable, "-m", "xlscorecard", *words[1:]], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fresh")
    shutil.copytree(REPO / "sample_workbooks", folder / "sample_workbooks")
    done = {}
    for command in walkthrough_commands():
        result = run(command, folder)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        done[command] = result
    return folder, done


def _output_of(done, starts: str) -> str:
    found = [r for c, r in done.items() if c.startswith(starts)]
    assert found, starts
    return found[0].stdout + found[0].stderr


def test_the_walkthrough_covers_the_quarter():
    verbs = [shlex.split(c)[1] for c in walkthrough_commands() if c.startswith("xlscorecard")]
    assert verbs == ["template", "status", "validate", "consolidate", "explain", "consolidate", "export"]


def test_the_template_is_public_healths_return_pre_filled_from_the_register(walked):
    folder, _ = walked
    sheet = openpyxl.load_workbook(folder / "reports" / "public-health-Q3.xlsx")["Values"]
    refs = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert "PH-25" in refs and not any(ref.startswith("CYP") for ref in refs)


def test_status_lists_each_service_and_validate_finds_no_error(walked):
    _, done = walked
    status = _output_of(done, "xlscorecard status")
    assert "- Public Health" in status and "public-health-Q3.xlsx" in status
    assert "register-2020-21.xlsx" not in status  # the register is not a service's return
    validate = _output_of(done, "xlscorecard validate")
    assert "(0 errors)" in validate


def test_the_first_quarter_gives_the_published_counts_and_a_new_history(walked):
    folder, done = walked
    first = _output_of(done, "xlscorecard consolidate sample_workbooks/2020-21-Q3")
    assert "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60" in first
    assert "Green 29, amber 8, red 21, data gaps 2, no target 0" in first
    assert (f"History: {Path('reports') / 'xlscorecard-history.sqlite'} (new: no earlier periods, so no "
            "direction of travel from it; updated with this period)") in first
    with open(folder / "reports" / "q3-records.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 60 and sum(row["rag"] == "green" for row in rows) == 29


def test_explain_reads_the_history_the_scorecard_used_and_says_what_the_scorecard_says(walked):
    folder, done = walked
    said = _output_of(done, "xlscorecard explain PH-25")
    assert f"History: {Path('reports') / 'xlscorecard-history.sqlite'}" in said
    assert "13 − 11.9) / 13 = +8.46%, target met → green" in said
    assert "direction of travel is better" in said
    sheet = openpyxl.load_workbook(folder / "reports" / "scorecard-2020-21-Q3.xlsx")["All indicators"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "PH-25")
    assert (row[header.index("Status")], row[header.index("DOT")]) == ("On target", "Better")
    assert row[header.index("Explanation")] in said  # the same words as the scorecard's


def test_the_next_quarter_finds_the_same_history_and_export_has_both_periods(walked):
    folder, done = walked
    second = _output_of(done, "xlscorecard consolidate sample_workbooks/2021-22-Q2")
    assert f"History: {Path('reports') / 'xlscorecard-history.sqlite'} (holds 1 other period, 2020/21 Q3;" in second
    exported = _output_of(done, "xlscorecard export")
    assert "Periods: 2020/21 Q3, 2021/22 Q2" in exported
    with open(folder / "reports" / "all-periods.csv", newline="", encoding="utf-8") as handle:
        periods = {row["reporting_period"] for row in csv.DictReader(handle)}
    assert periods == {"2020/21 Q3", "2021/22 Q2"}


def test_every_example_names_files_that_exist_or_that_an_example_writes():
    """The README's other examples (`xlscorecard … path`) name paths in the checkout, in
    reports/ (which the walkthrough makes), or files the reader writes first."""
    written = {"reports"}
    missing = []
    examples = re.findall(r"^\s*(?:\d+\.\s+)?(xlscorecard [^\n`]*)", README, re.M)
    examples += [" ".join(found.split()) for found in re.findall(r"`(xlscorecard [^`]*)`", README)]
    for line in examples:
        words = shlex.split(line.replace("\\", " "), posix=True)
        for before, word in zip(words[1:], words[2:]):
            if "/" not in word or word.startswith("-") or "<" in word or "*" in word or " " in word \
                    or before == "--period":
                continue
            path = word.rstrip(".,;:)")
            top = path.split("/")[0]
            if top in written or top.endswith("our-council"):
                continue
            if not (REPO / path).exists():
                missing.append(f"{path} (in: {line.strip()})")
    assert not missing, missing
