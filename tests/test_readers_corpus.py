"""Every file of the shared corpus of real and odd spreadsheets gives records or findings, in
bounded time, and no exception escapes (the hostile ones included)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from xlscorecard.readers import read_return

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PER_FILE_SECONDS = 10
TOTAL_SECONDS = 120


def corpus_files() -> list[Path]:
    return sorted(p for folder in ("real", "odd") if (CORPUS / folder).is_dir()
                  for p in (CORPUS / folder).iterdir() if p.is_file())


@pytest.mark.skipif(not corpus_files(), reason=f"shared corpus not present at {CORPUS}")
def test_every_corpus_file_gives_records_or_findings_in_bounded_time(capsys):
    tally, timings, unexpected = Counter(), [], []
    started = time.perf_counter()
    for path in corpus_files():
        begin = time.perf_counter()
        result = read_return(path)  # read_return itself must not raise: no try here on purpose
        timings.append((time.perf_counter() - begin, path.name))
        assert result.observations or result.indicators or result.findings, path.name
        tally["files with records" if result.observations or result.indicators else "files with findings only"] += 1
        tally["records"] += len(result.observations)
        tally["findings"] += len(result.findings)
        unexpected += [path.name for f in result.findings if f.message.startswith("could not read this file")]
    total = time.perf_counter() - started
    slowest_time, slowest = max(timings)
    with capsys.disabled():
        print(f"\ncorpus: {len(timings)} files, {dict(tally)}, {total:.1f}s in all, "
              f"slowest {slowest} {slowest_time:.2f}s, unexpected exceptions caught: {unexpected}")
    assert not unexpected, "read_return caught exceptions it should have turned into specific findings"
    assert slowest_time < PER_FILE_SECONDS, slowest
    assert total < TOTAL_SECONDS
