"""The folder's files and its subfolders' are read (issue 14, item 5; issue 17, item 11): a link
is followed only to a file inside the returns folder; pipes, devices, broken and looping links
each get a finding and never block a run; a file in a subfolder is read and named by its path
relative to the returns folder; --register and --template naming a pipe are usage errors; a file
name that is not UTF-8 is read and shown with replacement characters."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and links need POSIX")


def xlscorecard(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Run the command line; a run blocked on a pipe would fail the test by its timeout."""
    return subprocess.run([sys.executable, "-m", "xlscorecard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)


def findings(validate_output: str) -> dict[str, str]:
    rows = validate_output.splitlines()[1:]
    return {row.split()[1]: row for row in rows if row.split()}


@pytest.fixture
def folder(tmp_path) -> Path:
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "secret.csv"
    secret.write_text("Ref,Period,Value\nCS-01,Dec 2020,999\n", encoding="utf-8")
    (returns / "outside.csv").symlink_to(secret)
    (returns / "shadow.csv").symlink_to("/etc/shadow" if Path("/etc/shadow").exists() else "/etc/passwd")
    (returns / "broken.csv").symlink_to(returns / "gone.csv")
    (returns / "loop-a.csv").symlink_to(returns / "loop-b.csv")
    (returns / "loop-b.csv").symlink_to(returns / "loop-a.csv")
    os.mkfifo(returns / "pipe.csv")
    (returns / "archive").mkdir()
    (returns / "archive" / "late.csv").write_text("Ref,Period,Value\nCC-01,Dec 2020,1\n", encoding="utf-8")
    (returns / "linked.csv").symlink_to(returns / "archive" / "late.csv")  # inside the folder: followed
    (returns / "again.xlsx").symlink_to(returns / "public-health-Q3.xlsx")  # the same file twice: read once
    return returns


def test_each_entry_that_is_not_read_has_a_finding_and_nothing_blocks(folder):
    checked = xlscorecard("validate", folder, "--period", "2020/21 Q3", cwd=folder.parent)
    seen = findings(checked.stdout)
    outside = os.path.realpath(folder / "shadow.csv")
    assert seen["outside.csv"].split(None, 2)[2] == (f"a link to {folder.parent / 'elsewhere' / 'secret.csv'}, "
                                                    "outside the returns folder -> not followed; copy the return "
                                                    "into the folder")
    assert seen["shadow.csv"].startswith("error") and f"a link to {outside}, outside the returns folder" in \
        seen["shadow.csv"]
    assert seen["broken.csv"].startswith("warning") and f"a broken link (to {folder / 'gone.csv'})" in \
        seen["broken.csv"]
    assert "a link that loops back on itself" in seen["loop-a.csv"] and "loops back" in seen["loop-b.csv"]
    assert seen["pipe.csv"].startswith("warning") and "not a file (a named pipe) -> not read" in seen["pipe.csv"]
    assert "archive" not in seen  # walked: its file is read
    assert seen["linked.csv"].startswith("info") and "a link to archive/late.csv, which is read as itself" \
        in seen["linked.csv"]
    assert seen["again.xlsx"].startswith("info") and "a link to public-health-Q3.xlsx, which is read as itself" \
        in seen["again.xlsx"]
    # Read (its CC-01 differs from the sample's), and named by its path in the returns folder.
    assert "late.csv" not in seen and "conflicting values for Dec 2020: 1 in " in seen["archive/late.csv"]
    assert checked.stderr.startswith("8 returns and the register, ")  # the 8 sample files and the file in the subfolder


def test_a_link_outside_the_folder_gives_nothing_to_the_scorecard(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.unlink(folder / "environment-and-culture-Q3.xlsx")  # CC-01's own return: only the linked file gives it
    run = xlscorecard("consolidate", folder, "--period", "2020/21 Q3", "--out", out / "s.xlsx", "--records",
                      out / "r.csv", "--no-history", cwd=out)
    assert run.returncode == 0, run.stderr
    with (out / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["ref"]: row for row in csv.DictReader(handle)}
    assert rows["CS-01"]["value"] != "999"
    assert rows["CC-01"]["value"] == "1.0" and rows["CC-01"]["source_file"] == "archive/late.csv"
    from openpyxl import load_workbook
    sources = [row[0] for row in load_workbook(out / "s.xlsx")["Sources"].iter_rows(values_only=True) if row[0]]
    shadow = Path(os.path.realpath(folder / "shadow.csv"))
    assert not [s for s in sources if "secret" in str(s) or str(s) == str(shadow)]
    if os.access(shadow, os.R_OK):
        digest = hashlib.sha256(shadow.read_bytes()).hexdigest()
        assert digest not in {c for row in load_workbook(out / "s.xlsx")["Sources"].iter_rows(values_only=True)
                              for c in row}


@pytest.mark.parametrize("option", ["--register", "--template"])
def test_a_pipe_given_as_register_or_template_is_a_usage_error(tmp_path, option):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    run = xlscorecard("consolidate", SAMPLES, "--period", "2020/21 Q3", option, pipe, "--out", tmp_path / "s.xlsx",
                      cwd=tmp_path)
    assert run.returncode == 2
    name = option.lstrip("-")
    assert run.stderr.splitlines() == [f"Error: {option} {pipe} is a named pipe, not a file; pass the {name} file "
                                       "itself"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_device_in_the_folder_is_never_opened(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    try:
        os.mknod(returns / "zero.csv", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: endless
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here ({error.strerror})")
    checked = xlscorecard("validate", returns, "--period", "2020/21 Q3", cwd=tmp_path)
    assert "not a file (a character device) -> not read" in findings(checked.stdout)["zero.csv"]


def test_a_file_name_that_is_not_utf8_is_read_and_shown_with_replacement_characters(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    raw = os.path.join(os.fsencode(returns), b"r\xe9sum\xe9-Q3.csv")  # Latin-1 bytes, as an old share names it
    with open(raw, "wb") as handle:
        handle.write(b"Ref,Period,Value\nCC-01,Dec 2020,1\n")
    os.unlink(returns / "environment-and-culture-Q3.xlsx")  # CC-01's own return: only the odd name gives it
    out = tmp_path / "out"
    out.mkdir()
    run = xlscorecard("consolidate", returns, "--period", "2020/21 Q3", "--out", out / "s.xlsx", "--records",
                      out / "r.csv", "--no-history", cwd=out)
    assert run.returncode == 0, run.stderr
    with (out / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["ref"] == "CC-01")
    assert (row["value"], row["source_file"]) == ("1.0", "r\ufffdsum\ufffd-Q3.csv")  # relative to the returns folder
    checked = xlscorecard("validate", returns, "--period", "2020/21 Q3", cwd=out)
    assert checked.returncode in (0, 1) and "Traceback" not in checked.stderr + checked.stdout
    assert "UnicodeEncodeError" not in checked.stdout
