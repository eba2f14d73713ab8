"""Disk full is one sentence (issue 14, item 7): whichever output meets the full disk (the
scorecard, the records, the history), the run exits 1 with one sentence, no traceback (not even
one printed by a destructor on the way out), no error that hides the real one (SQLite's
"cannot rollback - no transaction is active"), and every previous file is as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mounts import fill, small_disk

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def consolidate(scorecard: Path, records: Path, history: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlscorecard", "consolidate", str(SAMPLES), "--period", "2020/21 Q3",
                           "--out", str(scorecard), "--records", str(records), "--history", str(history), *extra],
                          cwd=scorecard.parent, env=ENV, capture_output=True, text=True, timeout=180)


def state(*paths: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders for p in folder.iterdir()
                  if p.name.startswith(".xlscorecard-tmp") or p.name.endswith("-journal"))


@pytest.mark.parametrize("full", ["scorecard", "records", "history", "everything"])
def test_a_full_disk_is_one_sentence_and_the_previous_files_stay(tmp_path, full):
    roomy = tmp_path / "roomy"
    roomy.mkdir()
    with small_disk(tmp_path / "small", 1024) as small:
        where = {name: small if full in (name, "everything") else roomy for name in ("scorecard", "records", "history")}
        paths = (where["scorecard"] / "s.xlsx", where["records"] / "r.csv", where["history"] / "h.sqlite")
        first = consolidate(*paths)
        assert first.returncode == 0, first.stderr
        before = state(*paths)
        fill(small)
        run = consolidate(*paths, "--tolerance", "10")  # a different scorecard, if it could be written
        assert run.returncode == 1
        [sentence] = [line for line in run.stderr.splitlines() if line != "Reading returns"]
        # The history is recorded first (the files are written before it commits): with every
        # disk full, it is what says so.
        target = {"scorecard": paths[0], "records": paths[1], "history": paths[2], "everything": paths[2]}[full]
        if full in ("history", "everything"):
            assert sentence == f"Error: {target} could not be updated (the disk is full); it was left as it was"
        else:
            assert sentence == (f"Error: cannot write {target}: the disk is full (No space left on device); "
                                "nothing was written")
        assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
        assert "cannot rollback" not in run.stderr
        assert state(*paths) == before
        assert leftovers(small, roomy) == []
