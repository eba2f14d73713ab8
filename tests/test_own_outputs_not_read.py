"""The tool never reads what it wrote (issue 14, item 2): a scorecard, records or a history in
the returns folder are known by the mark they carry, whatever they are called, and skipped with
an information finding in ``consolidate``, ``validate``, ``status`` and ``watch``."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xlscorecard.marks import written_by_xlscorecard

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
SKIPPED = "skipped: an output is never read as a return"


def xlscorecard(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlscorecard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=180)


def info_lines(validate_output: str) -> dict[str, str]:
    """File name -> finding, for the findings that say a file is xlscorecard's own output."""
    found = {}
    for line in validate_output.splitlines():
        if SKIPPED in line:
            severity, name, *_ = line.split()
            found[name] = line
            assert severity == "info"
    return found


def records(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["ref"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "returns"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_consolidate_run_twice_from_inside_the_returns_folder_gives_the_same_records(returns):
    first = xlscorecard("consolidate", ".", "--period", "2020/21 Q3", "--records", "records.csv", cwd=returns)
    assert first.returncode == 0, first.stderr
    records_once = (returns / "records.csv").read_bytes()
    second = xlscorecard("consolidate", ".", "--period", "2020/21 Q3", "--records", "records.csv", cwd=returns)
    assert second.returncode == 0, second.stderr
    assert (returns / "records.csv").read_bytes() == records_once
    assert "Returns read: 7 (and the register register-2020-21.xlsx);" in second.stdout and "0 errors, 0 warnings" in second.stdout
    checked = xlscorecard("validate", ".", "--period", "2020/21 Q3", cwd=returns)
    assert checked.returncode == 0, checked.stdout
    assert sorted(info_lines(checked.stdout)) == ["records.csv", "scorecard-2020-21-Q3.xlsx",
                                                  "xlscorecard-history.sqlite"]
    assert "records written by xlscorecard" in info_lines(checked.stdout)["records.csv"]
    assert "scorecard written by xlscorecard" in info_lines(checked.stdout)["scorecard-2020-21-Q3.xlsx"]
    assert "history written by xlscorecard" in info_lines(checked.stdout)["xlscorecard-history.sqlite"]


def test_a_corrected_figure_is_scored_not_in_conflict_with_the_old_scorecard(returns):
    """The officer corrects a figure after a run; the scorecard of that run sits in the folder."""
    assert xlscorecard("consolidate", ".", "--period", "2020/21 Q3", cwd=returns).returncode == 0
    path = returns / "community-safety-Q3.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    [dec] = [n for n, line in enumerate(lines) if line.startswith("SC-01,Dec 2020,")]
    ref, period, value, *rest = lines[dec].split(",")
    lines[dec] = ",".join([ref, period, "12.5", *rest])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = xlscorecard("consolidate", ".", "--period", "2020/21 Q3", "--records", "records.csv", cwd=returns)
    assert again.returncode == 0, again.stderr
    assert "0 errors" in again.stdout
    assert records(returns / "records.csv")["SC-01"]["value"] == "12.5"
    assert records(returns / "records.csv")["SC-01"]["period"] == "Dec 2020"


def test_outputs_are_known_by_their_mark_whatever_they_are_called(returns, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run = xlscorecard("consolidate", returns, "--period", "2020/21 Q3", "--out", out / "s.xlsx", "--records",
                      out / "r.csv", cwd=out)
    assert run.returncode == 0, run.stderr
    assert xlscorecard("consolidate", returns, "--period", "2020/21 Q3", "--out", out / "s2.xlsx", "--records",
                       out / "r.json", "--no-history", cwd=out).returncode == 0
    assert xlscorecard("template", "--register", returns / "register-2020-21.xlsx", "--service", "Public Health",
                       "--out", out / "blank.xlsx", cwd=out).returncode == 0
    renamed = {"public-health-Q4.xlsx": out / "s.xlsx", "returns-Q4.csv": out / "r.csv",
               "data.json": out / "r.json", "backup.db": out / "xlscorecard-history.sqlite"}
    for name, source in renamed.items():
        shutil.copy(source, returns / name)
    shutil.copy(out / "blank.xlsx", returns / "public-health-template.xlsx")  # a template is an input
    assert [written_by_xlscorecard(returns / n) for n in renamed] == ["scorecard", "records", "records", "history"]
    assert written_by_xlscorecard(returns / "public-health-template.xlsx") is None
    checked = xlscorecard("validate", returns, "--period", "2020/21 Q3", cwd=out)
    assert sorted(info_lines(checked.stdout)) == sorted(renamed)
    assert checked.stderr.startswith("8 returns and the register, ")  # the 8 returns and the template: read
    assert "Traceback" not in checked.stderr


def test_status_does_not_count_a_scorecard_as_a_services_return(returns):
    assert xlscorecard("consolidate", ".", "--period", "2020/21 Q3", cwd=returns).returncode == 0
    status = xlscorecard("status", ".", "--period", "2020/21 Q3", cwd=returns)
    assert status.returncode == 0, status.stderr
    assert "public-health-Q3.xlsx" in status.stdout and "scorecard-2020-21-Q3.xlsx" not in status.stdout


def test_parquet_records_carry_the_mark(tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet records need pyarrow")
    from xlscorecard.outputs.records import write_records
    write_records([], tmp_path / "records.parquet")
    assert written_by_xlscorecard(tmp_path / "records.parquet") == "records"


def _wait_for(condition, seconds=120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_watch_with_its_outputs_in_the_folder_does_not_read_or_chase_them(returns):
    """Outputs written into the watched folder trigger no run; a changed return triggers one,
    which gives the same records as the first run."""
    log = returns.parent / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "xlscorecard", "watch", ".", "--period", "2020/21 Q3",
                                    "--records", "records.csv", "--debounce", "0.3"],
                                   cwd=returns, env=ENV, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        assert _wait_for(lambda: "Watching" in log.read_text()), log.read_text()
        first = (returns / "records.csv").read_bytes()
        written = (returns / "records.csv").stat().st_mtime_ns
        time.sleep(2.0)  # long enough for a run its own outputs triggered
        assert "Changed:" not in log.read_text()
        path = returns / "community-safety-Q3.csv"
        path.write_bytes(path.read_bytes())  # saved again, unchanged
        assert _wait_for(lambda: "Changed: community-safety-Q3.csv" in log.read_text()), log.read_text()
        assert _wait_for(lambda: (returns / "records.csv").stat().st_mtime_ns != written)
        time.sleep(0.5)
        assert (returns / "records.csv").read_bytes() == first
        time.sleep(2.0)
        assert log.read_text().count("Changed:") == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    assert process.returncode == 130
    assert "Traceback" not in log.read_text() and log.read_text().rstrip().endswith("Stopped.")
