"""Reading on several cores gives exactly what reading in one process gives, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xlscorecard.readers import read_folder
from xlscorecard.readers import parallel

SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks" / "2020-21-Q3"


@pytest.fixture()
def many_returns(tmp_path):
    """The sample returns three times over under different names: enough files for the pool."""
    folder = tmp_path / "returns"
    folder.mkdir()
    for copy in range(3):
        for path in SAMPLES.iterdir():
            name = path.name if "register" in path.name else f"{copy}-{path.name}"
            shutil.copy2(path, folder / name)
    return folder


def test_workers_and_one_process_agree(monkeypatch, many_returns):
    """Same observations, findings and sources in the same order, whichever way the files are read."""
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert parallel.worker_count(20) == 2
    pooled = read_folder(many_returns, period="2020/21 Q3")
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.worker_count(20) == 1
    single = read_folder(many_returns, period="2020/21 Q3")
    assert len(pooled.sources) == 22  # 21 returns and the register
    assert pooled.observations == single.observations
    assert pooled.findings == single.findings
    assert [s.path for s in pooled.sources] == [s.path for s in single.sources]


def test_few_files_are_read_in_this_process(monkeypatch):
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    assert parallel.worker_count(parallel.PARALLEL_MIN_FILES - 1) == 1


def test_a_dead_worker_does_not_lose_files(monkeypatch, many_returns):
    """If the pool breaks (a worker killed, out of memory), the files not yet returned are each
    read again in a process of their own."""
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, *args, **kwargs):
            raise BrokenProcessPool("worker died")

    real_pool = parallel._pool
    pools = iter([Broken()])
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel, "_pool", lambda workers: next(pools, None) or real_pool(workers))
    result = read_folder(many_returns, period="2020/21 Q3")
    assert len(result.sources) == 22
    assert not [f for f in result.findings if "stopped the process" in f.message]
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert result.observations == read_folder(many_returns, period="2020/21 Q3").observations


def test_a_file_that_kills_its_reader_becomes_a_finding(monkeypatch, many_returns):
    """A return whose reading ends the process (as a native library running out of memory
    would) is reported by name; every other return is still read, and this process survives."""
    import os

    deadly = "1-public-health-Q3.xlsx"
    real_read = parallel.read_return

    def read_or_die(path, **kwargs):
        if os.path.basename(str(path)) == deadly:
            os._exit(134)
        return real_read(path, **kwargs)

    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel, "read_return", read_or_die)
    result = read_folder(many_returns, period="2020/21 Q3")
    [finding] = [f for f in result.findings if "stopped the process" in f.message]
    assert finding.source.path.endswith(deadly)
    assert len(result.sources) == 22  # the dead file is still listed, with its checksum
    read_ok = {s.path.rsplit("/", 1)[-1] for s in result.sources if s.records}
    assert deadly not in read_ok and "2-public-health-Q3.xlsx" in read_ok
