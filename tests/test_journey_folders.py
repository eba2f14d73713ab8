"""Issue 17, item 11: folders as officers keep them.

Returns kept in a folder per service are read as if they sat side by side, and a file in a
subfolder is named by its path in the returns folder wherever it is shown. A hidden subfolder is
not read, a link back up the folder does not loop, and a folder with no return to read (empty,
or holding only the register) gives the same "no returns" warning in `validate` and
`consolidate`. Every test drives the command line in a subprocess, as an officer runs it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xlscorecard.watch import snapshot

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
REGISTER = "register-2020-21.xlsx"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
PERIOD = ("--period", "2020/21 Q3")
needs_links = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                 reason="folder links need POSIX")


def xlscorecard(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Run the command line; a run that loops on a linked folder fails the test by its timeout."""
    return subprocess.run([sys.executable, "-m", "xlscorecard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)


def service_of(name: str) -> str:
    """``adult-social-care-Q3.xlsx`` -> ``Adult social care``: the folder a service keeps."""
    return name.rsplit("-Q3", 1)[0].replace("-", " ").capitalize()


def by_service(folder: Path) -> Path:
    """The sample returns, each in its service's folder; the register at the top."""
    folder.mkdir(parents=True)
    for sample in sorted(SAMPLES.iterdir()):
        if sample.name == REGISTER:
            shutil.copy(sample, folder / sample.name)
        else:
            (folder / service_of(sample.name)).mkdir()
            shutil.copy(sample, folder / service_of(sample.name) / sample.name)
    return folder


def rows_of(validate_output: str) -> dict[str, list[str]]:
    """validate's findings table, by its file column (names may hold spaces: the columns are
    cut where the header's are): each row as its severity and the words after the file."""
    header, *rows = validate_output.splitlines()
    file_at, where_at = header.index("file"), header.index("where")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row[file_at:where_at].strip(), []).append(
            " ".join([row[:file_at].strip(), *row[where_at:].split()]))
    return found


def line(output: str, start: str) -> str:
    return next(row for row in output.splitlines() if row.startswith(start))


def consolidate(folder: Path, out: Path, *extra) -> subprocess.CompletedProcess:
    out.mkdir(exist_ok=True)
    return xlscorecard("consolidate", folder, *PERIOD, "--out", out / "scorecard.xlsx", "--records",
                       out / "records.csv", "--no-history", *extra, cwd=out)


def records(out: Path) -> dict[str, dict]:
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["ref"]: row for row in csv.DictReader(handle)}


def test_returns_kept_by_service_score_as_the_flat_folder_does(tmp_path):
    nested = by_service(tmp_path / "returns")
    flat = consolidate(SAMPLES, tmp_path / "flat")
    kept = consolidate(nested, tmp_path / "kept")
    assert flat.returncode == 0 and kept.returncode == 0, kept.stderr
    assert line(kept.stdout, "Returns read: ") == line(flat.stdout, "Returns read: ") == "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60"
    assert line(kept.stdout, "Green ") == line(flat.stdout, "Green ")
    assert line(kept.stdout, "Headline: ") == line(flat.stdout, "Headline: ")
    flat_records, kept_records = records(tmp_path / "flat"), records(tmp_path / "kept")
    assert {ref: (r["value"], r["rag"]) for ref, r in kept_records.items()} == \
        {ref: (r["value"], r["rag"]) for ref, r in flat_records.items()}
    public_health = next(r for r in kept_records.values() if r["source_file"].endswith("public-health-Q3.xlsx"))
    assert public_health["source_file"] == "Public health/public-health-Q3.xlsx"  # relative to the returns folder
    book = load_workbook(tmp_path / "kept" / "scorecard.xlsx", read_only=True)
    sources = {str(row[0]) for row in book["Sources"].iter_rows(values_only=True) if row[0]}
    assert "Public health/public-health-Q3.xlsx" in sources  # by its path in the returns folder, not the drive
    returns_sheet = {str(cell) for row in book["Returns"].iter_rows(values_only=True) for cell in row if cell}
    assert "Public health/public-health-Q3.xlsx" in returns_sheet
    status = xlscorecard("status", nested, *PERIOD, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert any(row.startswith("- Public Health") and "Public health/public-health-Q3.xlsx, saved " in row
               for row in status.stdout.splitlines()), status.stdout


def test_a_finding_about_a_file_in_a_subfolder_names_its_path_in_the_folder(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    (returns / "Sub").mkdir()
    book = Workbook()
    sheet = book.active
    sheet.title = "Extra"
    for row in (("Ref", "Period", "Value"), ("CC-01", "Dec 2020", "not collected")):
        sheet.append(row)
    book.save(returns / "Sub" / "file.xlsx")
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "file.xlsx" not in rows_of(checked.stdout)
    said = rows_of(checked.stdout)["Sub/file.xlsx"]
    assert any(row.startswith("info Extra!C2") and "'not collected'" in row for row in said), said
    assert checked.stderr.startswith("8 returns and the register, ")


def test_a_hidden_subfolder_is_not_read(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    os.unlink(returns / "environment-and-culture-Q3.xlsx")  # CC-01's own return: only the hidden file gives it
    (returns / ".old").mkdir()
    (returns / ".old" / "late.csv").write_text("Ref,Period,Value\nCC-01,Dec 2020,1\n", encoding="utf-8")
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    assert rows_of(checked.stdout)[".old"] == ["info hidden folder skipped -> its files are not read"]
    assert checked.stderr.startswith("6 returns and the register, ")
    run = consolidate(returns, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert records(tmp_path / "out")["CC-01"]["value"] == ""


@needs_links
def test_a_link_back_up_the_folder_is_reported_and_nothing_is_read_twice(tmp_path):
    returns = by_service(tmp_path / "returns")
    (returns / "Public health" / "up").symlink_to("..")  # a loop: the returns folder again
    (returns / "Public health" / "here").symlink_to(".")
    (returns / "Shortcut").symlink_to("Public health")  # the same folder by another name
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    seen = rows_of(checked.stdout)
    assert seen["Public health/up"] == ["warning a link back to the returns folder, which holds it (a loop) -> "
                                        "not followed: its files are read once, where they are"]
    assert seen["Public health/here"] == ["warning a link back to Public health, which holds it (a loop) -> not "
                                          "followed: its files are read once, where they are"]
    assert seen["Shortcut"] == ["info a link to the folder Public health, which is read as itself -> not read twice"]
    assert checked.stderr.startswith("7 returns and the register, ")  # each sample once
    run = consolidate(returns, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert line(run.stdout, "Returns read: ") == "Returns read: 7 (and the register register-2020-21.xlsx); indicators: 60"
    assert line(run.stdout, "Findings: ") == "Findings: 0 errors, 2 warnings, 3 for information"


@needs_links
def test_a_linked_folder_outside_the_returns_folder_is_not_followed(tmp_path):
    returns = by_service(tmp_path / "returns")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.csv").write_text("Ref,Period,Value\nCS-01,Dec 2020,999\n", encoding="utf-8")
    (returns / "Community safety" / "shared").symlink_to(elsewhere)
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    assert rows_of(checked.stdout)["Community safety/shared"] == [
        f"error a link to {elsewhere}, outside the returns folder -> not followed; copy the return into the folder"]
    assert checked.returncode == 3 and checked.stderr.startswith("7 returns and the register, ")


def test_a_folder_deeper_than_eight_levels_is_reported_not_read(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    eighth = returns.joinpath(*[f"level {n}" for n in range(1, 9)])
    eighth.mkdir(parents=True)
    (eighth / "kept.csv").write_text("Ref,Period,Value\nCC-01,Dec 2020,429\n", encoding="utf-8")
    (eighth / "level 9").mkdir()
    (eighth / "level 9" / "lost.csv").write_text("Ref,Period,Value\nCC-01,Dec 2020,1\n", encoding="utf-8")
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    ninth = "/".join([f"level {n}" for n in range(1, 10)])
    deep = [row for row in checked.stdout.splitlines() if "a folder more than 8 levels below the returns folder" in row]
    assert len(deep) == 1 and deep[0].startswith(f"warning   {ninth}  ") and "its files are not read" in deep[0]
    assert checked.stderr.startswith("8 returns and the register, ")  # the samples and kept.csv, eight levels down


def test_the_layout_file_is_looked_for_at_the_top_of_the_folder_only(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    (returns / "Sub").mkdir()
    (returns / "Sub" / "xlscorecard-layouts.toml").write_text("this is not TOML [", encoding="utf-8")
    checked = xlscorecard("validate", returns, *PERIOD, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert rows_of(checked.stdout)["Sub/xlscorecard-layouts.toml"] == [
        "info a layout file in a subfolder is not used: xlscorecard-layouts.toml is looked for at the top of the "
        "returns folder -> not read"]


@pytest.mark.parametrize("held", ["nothing", "the register"])
def test_a_folder_with_no_returns_says_so_in_validate_and_consolidate(tmp_path, held):
    returns = tmp_path / "returns"
    returns.mkdir()
    said = f"no returns in {returns}"
    if held == "the register":
        shutil.copy(SAMPLES / REGISTER, returns / REGISTER)
        said += " (it holds only the register)"
    checked = xlscorecard("validate", returns, cwd=tmp_path)
    assert checked.returncode == 0
    assert rows_of(checked.stdout)["returns"] == [
        f"warning {said} -> nothing to score; put the services' returns in the folder"]
    unperiodic = xlscorecard("consolidate", returns, "--out", tmp_path / "s.xlsx", "--no-history", cwd=tmp_path)
    assert unperiodic.returncode == 1 and unperiodic.stderr.startswith(f"Error: {said}")
    run = consolidate(returns, tmp_path / "out")
    if held == "nothing":  # nothing to score at all
        assert run.returncode == 1 and run.stderr.splitlines()[-1] == (
            f"Error: {said}: nothing to score; put the services' returns in the folder")
        assert not (tmp_path / "out" / "scorecard.xlsx").exists()
        return
    assert run.returncode == 0, run.stderr
    assert line(run.stdout, "Green ") == "Green 0, amber 0, red 0, data gaps 60, no target 0"
    assert line(run.stdout, "Findings: ") == "Findings: 0 errors, 1 warning, 0 for information"
    book = load_workbook(tmp_path / "out" / "scorecard.xlsx", read_only=True)
    quality = [cell for row in book["Data quality"].iter_rows(values_only=True) for cell in row if cell]
    assert said in quality


def test_without_a_period_a_register_only_folder_says_it_has_no_returns(tmp_path):
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(SAMPLES / REGISTER, returns / REGISTER)
    run = xlscorecard("consolidate", returns, "--out", tmp_path / "s.xlsx", "--no-history", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == (f"Error: no returns in {returns} (it holds only the register), so no "
                                           "reporting period can be chosen; put the services' returns in the "
                                           "folder, or pass --period")


def test_watch_sees_a_return_saved_in_a_subfolder(tmp_path):
    returns = by_service(tmp_path / "returns")
    (returns / ".old").mkdir()
    (returns / ".old" / "late.csv").write_text("Ref,Period,Value\n", encoding="utf-8")
    before = snapshot(returns)
    saved = returns / "Public health" / "public-health-Q3.xlsx"
    assert saved in before and returns / ".old" / "late.csv" not in before
    os.utime(saved, ns=(before[saved][1] + 10**9, before[saved][1] + 10**9))
    assert snapshot(returns)[saved] != before[saved]
