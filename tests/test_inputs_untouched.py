"""Inputs are never modified: every file in the returns folder keeps its bytes and its
modification time through ``validate``, ``consolidate`` and ``watch``, whether they succeed or
fail (bad returns, --strict, an output folder that does not exist, a scorecard open in Excel,
a folder with nothing readable)."""

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
from click.testing import CliRunner

from bad_inputs import write_bad_inputs, write_lying_dimensions
from xlscorecard.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def bad_only(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    write_bad_inputs(folder)
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, bad_only) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    for path in [*SAMPLES.iterdir(), *bad_only.iterdir()]:
        shutil.copy2(path, folder / path.name)
    write_lying_dimensions(folder)
    return folder


@pytest.mark.parametrize("folder_name, args, exit_code", [
    ("mixed", ["validate", "{folder}", "--period", "2020/21 Q3"], 3),
    ("mixed", ["consolidate", "{folder}", "--period", "2020/21 Q3", "--out", "{out}/s.xlsx",
               "--records", "{out}/r.csv"], 0),
    ("mixed", ["consolidate", "{folder}", "--period", "2020/21 Q3", "--out", "{out}/s.xlsx", "--strict"], 3),
    ("mixed", ["consolidate", "{folder}", "--period", "2020/21 Q3", "--out", "{out}/nowhere/s.xlsx"], 1),
    ("mixed", ["consolidate", "{folder}", "--period", "2020/21 Q3", "--out", "{out}/locked.xlsx"], 1),
    ("bad_only", ["consolidate", "{folder}", "--out", "{out}/s.xlsx"], 1),
    ("bad_only", ["validate", "{folder}"], 3),
], ids=["validate", "consolidate", "strict", "no-output-folder", "open-in-excel", "nothing-readable",
        "validate-bad"])
def test_commands_never_change_the_returns(request, tmp_path, folder_name, args, exit_code):
    folder = request.getfixturevalue(folder_name)
    (tmp_path / "~$locked.xlsx").write_bytes(b"lock")
    before = fingerprint(folder)
    result = CliRunner().invoke(cli, [a.format(folder=folder, out=tmp_path) for a in args])
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert fingerprint(folder) == before


def _wait_for(condition, seconds=60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("folder_name", ["mixed", "bad_only"])
def test_watch_never_changes_the_returns(request, tmp_path, folder_name):
    """Watching a folder, through a good run or a failing one and a newly dropped broken return."""
    folder = tmp_path / "returns"
    shutil.copytree(request.getfixturevalue(folder_name), folder)
    before = fingerprint(folder)
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "xlscorecard", "watch", str(folder), "--period", "2020/21 Q3",
             "--out", str(tmp_path / "s.xlsx"), "--records", str(tmp_path / "r.csv"), "--debounce", "0.3"],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        assert _wait_for(lambda: "Watching" in log.read_text()), log.read_text()
        (folder / "late-broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
        assert _wait_for(lambda: "Changed: late-broken.xlsx" in log.read_text()), log.read_text()
        time.sleep(1.0)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    assert "Traceback" not in log.read_text()
    after = fingerprint(folder)
    after.pop("late-broken.xlsx")
    assert after == before
