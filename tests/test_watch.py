"""`xlscorecard watch`: re-consolidates after a settled change, ignoring lock and temporary files."""

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from xlscorecard.watch import is_return_candidate, watch

SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks" / "2020-21-Q3"


@pytest.mark.parametrize("name,expected", [
    ("public-health.xlsx", True), ("returns.csv", True), ("~$public-health.xlsx", False),
    (".~lock.public-health.xlsx#", False), (".xlscorecard-tmp-abc.xlsx", False), ("upload.part", False),
    ("xlscorecard-history.sqlite", False), ("backup.xlsx~", False),
])
def test_which_changes_trigger_a_run(name, expected):
    assert is_return_candidate(Path(name)) is expected


def test_own_outputs_never_trigger_a_run(tmp_path):
    assert not is_return_candidate(tmp_path / "scorecard.xlsx", ignore=[tmp_path / "scorecard.xlsx"])


def _wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_burst_of_changes_gives_one_run_and_lock_files_none(tmp_path):
    calls = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(tmp_path, calls.append),
                              kwargs={"debounce": 0.4, "stop": stop, "poll": 0.05}, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)
        (tmp_path / "~$cyp.xlsx").write_bytes(b"lock")
        time.sleep(1.0)
        assert calls == []
        for chunk in range(3):  # a return saved in several writes
            with (tmp_path / "cyp.csv").open("a", encoding="utf-8") as handle:
                handle.write(f"CYP-01,Dec 2020,{chunk}\n")
            time.sleep(0.1)
        assert _wait_for(lambda: len(calls) == 1)
        assert calls[0] == {tmp_path / "cyp.csv"}
        time.sleep(0.8)
        assert len(calls) == 1
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_watch_command_rewrites_the_scorecard_and_never_touches_the_returns(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(SAMPLES, folder)
    out = tmp_path / "scorecard.xlsx"
    process = subprocess.Popen(
        [sys.executable, "-m", "xlscorecard", "watch", str(folder), "--period", "2020/21 Q3", "--out", str(out),
         "--debounce", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(out.exists, 120), "the first consolidation did not write the scorecard"
        first = out.stat().st_mtime_ns
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        time.sleep(1.0)
        (folder / "late.csv").write_text("Ref,Period,Value\nCS-01,Dec 2020,78.9\n", encoding="utf-8")
        assert _wait_for(lambda: out.stat().st_mtime_ns != first, 120), "no re-consolidation after a change"
        after = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "late.csv"}
        assert after == before
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, errors = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, errors = process.communicate()
    assert "Changed: late.csv" in errors
    assert "Traceback" not in errors


def test_a_return_saved_before_watching_began_is_not_lost(tmp_path):
    """A return saved while the first consolidation was reading still triggers a run."""
    from xlscorecard.watch import snapshot
    (tmp_path / "early.csv").write_text("Ref,Period,Value\n", encoding="utf-8")
    (tmp_path / "scorecard.xlsx").write_bytes(b"first run's output")
    before = snapshot(tmp_path)
    (tmp_path / "early.csv").write_text("Ref,Period,Value\nCS-01,Dec 2020,1\n", encoding="utf-8")
    (tmp_path / "during.csv").write_text("Ref,Period,Value\n", encoding="utf-8")
    (tmp_path / "scorecard.xlsx").write_bytes(b"rewritten")
    calls, stop = [], threading.Event()
    thread = threading.Thread(target=watch, args=(tmp_path, calls.append),
                              kwargs={"debounce": 0.2, "stop": stop, "poll": 0.05, "since": before,
                                      "ignore": [tmp_path / "scorecard.xlsx"]}, daemon=True)
    thread.start()
    try:
        assert _wait_for(lambda: calls)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert calls == [{tmp_path / "early.csv", tmp_path / "during.csv"}]
