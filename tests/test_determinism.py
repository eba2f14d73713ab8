"""Two runs over the same returns give byte-identical scorecard and records files, whatever order
the operating system lists the folder in, whatever Python's string-hash seed (set and dict order),
and whether or not the history already holds the period."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bad_inputs import write_bad_inputs, write_lying_dimensions
from xlscorecard.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
OUTPUTS = ("scorecard.xlsx", "records.csv", "records.json")


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    """The sample returns with our bad inputs beside them, so findings of every kind are sorted too."""
    folder = tmp_path_factory.mktemp("returns")
    for path in SAMPLES.iterdir():
        shutil.copy2(path, folder / path.name)
    write_bad_inputs(folder)
    write_lying_dimensions(folder)
    (folder / "late.csv").write_text("Ref,Period,Value\nCS-01,Dec 2020,78.9\nZZ-9,Dec 2020,1\n", encoding="utf-8")
    return folder


def _args(returns: Path, out: Path, records: str) -> list[str]:
    return ["consolidate", str(returns), "--period", "2020/21 Q3", "--out", str(out / "scorecard.xlsx"),
            "--records", str(out / records)]


def _run_in_process(returns: Path, out: Path) -> dict[str, bytes]:
    out.mkdir(exist_ok=True)
    for records in ("records.csv", "records.json"):
        result = CliRunner().invoke(cli, _args(returns, out, records))
        assert result.exit_code == 0, result.output
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_the_folder_listing_order_does_not_matter(tmp_path, returns, monkeypatch):
    forwards = _run_in_process(returns, tmp_path / "forwards")
    listed = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(sorted(listed(self), reverse=True)))
    backwards = _run_in_process(returns, tmp_path / "backwards")
    again = _run_in_process(returns, tmp_path / "backwards")  # the history now holds this period
    for name in OUTPUTS:
        assert backwards[name] == forwards[name], name
        assert again[name] == forwards[name], f"{name} changed on a re-run"


def test_the_hash_seed_does_not_matter(tmp_path, returns):
    """Separate processes, different string hashing: set and dict order must never reach the output."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed}
        for records in ("records.csv", "records.json"):
            process = subprocess.run([sys.executable, "-m", "xlscorecard", *_args(returns, out, records)],
                                     cwd=out, env=env, capture_output=True, text=True, timeout=120)
            assert process.returncode == 0, process.stderr
        outputs.append({name: (out / name).read_bytes() for name in OUTPUTS})
    for name in OUTPUTS:
        assert outputs[0][name] == outputs[1][name], name
