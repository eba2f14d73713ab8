"""Stopping is clean (issue 14, item 6): SIGTERM is handled as Ctrl+C is. Stopped while its
reader processes work, or while it writes the scorecard, a run ends every process it started,
removes its temporary files, leaves the previous scorecard, records and history as they were,
says so in one sentence and exits 130 (SIGINT) or 143 (SIGTERM)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc")


@pytest.fixture(scope="module")
def many_returns(tmp_path_factory) -> Path:
    """Enough returns (169) for the reader processes to be at work for a while."""
    folder = tmp_path_factory.mktemp("many")
    for copy in range(24):
        for path in SAMPLES.iterdir():
            if "register" in path.name:
                if copy == 0:
                    shutil.copy(path, folder / path.name)
            else:
                shutil.copy(path, folder / f"{copy:02d}-{path.name}")
    return folder


def group_members(pgid: int) -> list[int]:
    """The processes of process group ``pgid`` (the run's session: it and all it started)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry))
    return members


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def start(returns: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "xlscorecard", "consolidate", str(returns), "--period", "2020/21 Q3",
                             "--out", str(out / "s.xlsx"), "--records", str(out / "r.csv"), "--tolerance", "10"],
                            cwd=out, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_until(condition, process, seconds=120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.fixture
def out(tmp_path) -> Path:
    """An output folder with an earlier run's scorecard, records and history."""
    first = subprocess.run([sys.executable, "-m", "xlscorecard", "consolidate", str(SAMPLES), "--period", "2020/21 Q3",
                            "--out", str(tmp_path / "s.xlsx"), "--records", str(tmp_path / "r.csv")],
                           cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    return tmp_path


@pytest.mark.parametrize("signum, code, name", [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl+C")],
                         ids=["SIGTERM", "SIGINT"])
def test_stopped_while_the_readers_work_ends_them_all_and_changes_nothing(many_returns, out, signum, code, name):
    os.environ.pop("XLSCORECARD_WORKERS", None)
    before = digest(out)
    process = start(many_returns, out)
    assert wait_until(lambda: len(group_members(process.pid)) > 1, process), "the reader processes never started"
    time.sleep(0.3)
    process.send_signal(signum)  # to the run alone, as a service manager or `kill` sends it
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.splitlines()[-1] == f"Stopped by {name} before the run finished: no file was changed."
    assert "Traceback" not in stderr
    assert wait_until(lambda: group_members(process.pid) == [], subprocess.Popen(["sleep", "10"]), 10), \
        f"processes left behind: {group_members(process.pid)}"
    assert digest(out) == before


def test_stopped_while_writing_the_scorecard_removes_its_temporary_file(out):
    before = digest(out)
    for _attempt in range(5):  # the signal must land while the temporary scorecard exists
        process = start(SAMPLES, out)
        assert wait_until(lambda: any(out.glob(".xlscorecard-tmp-*.xlsx")), process, 120) or process.poll() is not None
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        if process.returncode == 143:
            break
        before = digest(out)  # it finished first: its files are the previous ones now
    else:
        pytest.fail("could not catch the run while it wrote")
    assert stderr.splitlines()[-1] in ("Stopped by SIGTERM before the run finished: no file was changed.",
                                       "Stopped by SIGTERM once the run had written its files.")
    if stderr.splitlines()[-1].endswith("no file was changed."):
        assert digest(out) == before
    assert not list(out.glob(".xlscorecard-tmp-*"))
    assert wait_until(lambda: group_members(process.pid) == [], subprocess.Popen(["sleep", "10"]), 10)
