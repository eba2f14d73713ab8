"""The whole command line over every file of the shared corpus, our own bad inputs and the
sample returns, in one folder: ``validate`` and ``consolidate`` both finish, every file is
accounted for (records, or a finding naming it), no traceback reaches the user, no input is
changed, and each file stays within the written bounds (README, "Reliability").

Both commands run once, side by side (this machine has two cores), in subprocesses started
through tests/cli_harness.py, which times each file read and measures the run's peak memory.
The batch's peak bounds every single file's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from bad_inputs import write_at_the_caps, write_bad_inputs, write_lying_dimensions

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
PER_FILE_SECONDS = 10   # any single file, read by validate or consolidate
PEAK_RSS_MB = 500       # a whole run over the folder, so any single file too
RUN_SECONDS = 240       # the whole batch of ~390 files, both commands side by side


def corpus_files() -> list[Path]:
    return sorted(p for folder in ("real", "odd") if (CORPUS / folder).is_dir()
                  for p in (CORPUS / folder).iterdir() if p.is_file())


pytestmark = pytest.mark.skipif(not corpus_files(), reason=f"shared corpus not present at {CORPUS}")


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def start(report: Path, args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, str(TESTS / "cli_harness.py"), str(report), *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    returns = tmp_path_factory.mktemp("returns")
    for path in [*corpus_files(), *SAMPLES.iterdir()]:
        shutil.copy2(path, returns / path.name)
    bad = {**write_bad_inputs(returns), **write_at_the_caps(returns)}
    lying = write_lying_dimensions(returns)
    before = checksums(returns)
    out = tmp_path_factory.mktemp("out")
    validate = start(out / "validate.json", ["validate", str(returns), "--period", "2020/21 Q3"], out)
    consolidate = start(out / "consolidate.json",
                        ["consolidate", str(returns), "--period", "2020/21 Q3", "--out", str(out / "scorecard.xlsx"),
                         "--records", str(out / "records.csv")], out)
    results = {}
    for name, process in (("validate", validate), ("consolidate", consolidate)):
        try:
            stdout, stderr = process.communicate(timeout=RUN_SECONDS)
        except subprocess.TimeoutExpired:
            validate.kill()
            consolidate.kill()
            pytest.fail(f"{name} did not finish within {RUN_SECONDS} s")
        report = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        results[name] = {**report, "stdout": stdout, "stderr": stderr}
    return {"folder": returns, "out": out, "bad": bad, "lying": lying, "before": before, "after": checksums(returns),
            **results}


def test_both_commands_finish_with_a_sentence_not_a_traceback(runs):
    assert runs["validate"]["exit_code"] == 3  # the corpus holds error-level findings
    assert runs["consolidate"]["exit_code"] == 0, runs["consolidate"]["stderr"]
    for name in ("validate", "consolidate"):
        text = runs[name]["stdout"] + runs[name]["stderr"]
        assert "Traceback" not in text
        assert "could not read this file" not in text, "a reader failure fell through to the catch-all"
        assert "unexpected" not in text.lower()


def test_every_file_is_accounted_for(runs):
    """Each file gives records (Sources sheet) or a finding that names it, in both commands."""
    quality, sources = _scorecard_tables(runs)
    named = {Path(row[1]).name for row in quality}
    validate_output = runs["validate"]["stdout"]
    files = sorted(runs["before"])
    missing = [name for name in files if not (sources.get(name) or name in named)]
    assert not missing, f"consolidate: no records and no finding for {missing}"
    with_records = {name for name, records in sources.items() if records}
    missing = [name for name in files if name not in with_records and name not in validate_output]
    assert not missing, f"validate: no finding names {missing}"
    for name, words in runs["bad"].items():
        assert any(Path(row[1]).name == name and words in row[5] for row in quality), (name, words)
    assert {p.name for p in SAMPLES.iterdir()} - {"register-2020-21.xlsx"} <= with_records


def _scorecard_tables(runs) -> tuple[list[tuple], dict[str, int]]:
    """The Data quality rows, and file name -> records read from the Sources sheet."""
    book = openpyxl.load_workbook(runs["out"] / "scorecard.xlsx", read_only=True)
    quality = [row for row in book["Data quality"].iter_rows(min_row=5, values_only=True) if row[1]]
    sources = {Path(row[0]).name: row[2] for row in book["Sources"].iter_rows(min_row=5, values_only=True) if row[0]}
    book.close()
    return quality, sources


def _kind(message: str) -> str:
    """A finding's kind: its message without the particulars (numbers, names, details in brackets)."""
    head = re.split(r" \(|: |; ", message, maxsplit=1)[0]
    return re.sub(r"\d+(?:,\d{3})*", "N", head)[:70]


def test_a_lying_dimension_is_read_by_its_real_content(runs):
    _, sources = _scorecard_tables(runs)
    for name, values in runs["lying"].items():
        assert sources[name] == len(values), name


def test_inputs_are_not_modified(runs):
    assert runs["after"] == runs["before"]


def test_each_file_within_time_and_the_run_within_memory(runs):
    for name in ("validate", "consolidate"):
        per_file = runs[name]["per_file"]
        assert set(per_file) >= set(runs["before"]) - {n for n in runs["before"] if n.startswith((".", "~$"))}  # the listing skips these unread
        slowest_time, slowest = max((seconds, file) for file, seconds in per_file.items())
        assert slowest_time < PER_FILE_SECONDS, (name, slowest, slowest_time)
        assert runs[name]["peak_rss_mb"] < PEAK_RSS_MB, name
    figures = {name: (len(runs[name]["per_file"]), round(runs[name]["seconds"], 1),
                      max((round(s, 2), f) for f, s in runs[name]["per_file"].items()),
                      round(runs[name]["peak_rss_mb"])) for name in ("validate", "consolidate")}
    print(f"\ncorpus through the CLI (files, seconds, slowest file, peak RSS MB): {figures}")
    quality, sources = _scorecard_tables(runs)
    print(f"  files: {len(runs['before'])}, with records: {sum(1 for n in sources.values() if n)}; findings by kind:")
    kinds = Counter(f"{row[0].lower()}: {_kind(row[5])}" for row in quality)
    for kind, count in kinds.most_common():
        print(f"  {count:4d}  {kind}")
