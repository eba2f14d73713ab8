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
    """If the pool breaks (a worker killed, out of memory), the remaining files are read here."""
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, *args, **kwargs):
            raise BrokenProcessPool("worker died")

    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Broken)
    result = read_folder(many_returns, period="2020/21 Q3")
    assert len(result.sources) == 22
