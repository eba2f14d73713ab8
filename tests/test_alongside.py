"""The history is written by a forked process while the scorecard is: its errors still reach
the run, in the same order as when the steps ran one after another, and it commits only once
the scorecard is written."""

from __future__ import annotations

import os
import signal
import sqlite3

import pytest

import xlscorecard.alongside as alongside
import xlscorecard.publish as publish_module
from xlscorecard.alongside import Alongside
from xlscorecard.pipeline import consolidate
from xlscorecard.errors import OutputError, PeriodError, XlscorecardError
from xlscorecard.history import History, HistoryError

from test_consolidate import SAMPLES

Q3_SAMPLES = SAMPLES / "2020-21-Q3"
pytestmark = pytest.mark.skipif(not alongside.can_fork(), reason="needs fork (POSIX) and no other thread")


def test_the_block_runs_while_the_job_does(tmp_path):
    marker = tmp_path / "job-done"

    def job(ready, go):
        ready()
        marker.write_text(str(os.getpid()))

    with Alongside(job):
        in_block = os.getpid()
    assert marker.read_text() != str(in_block)  # another process did it, and had finished on leaving


def test_an_error_before_ready_stops_the_block_from_running(tmp_path):
    ran = []

    def job(ready, go):
        raise HistoryError("in use by another xlscorecard run")

    with pytest.raises(HistoryError, match="in use"):
        with Alongside(job):
            ran.append(True)
    assert ran == []


def test_an_error_after_ready_is_raised_on_leaving():
    def job(ready, go):
        ready()
        raise OutputError("disk full")

    with pytest.raises(OutputError, match="disk full"):
        with Alongside(job):
            pass


def test_the_blocks_own_error_wins():
    def job(ready, go):
        ready()
        raise OutputError("from the job")

    with pytest.raises(ValueError, match="from the block"):
        with Alongside(job):
            raise ValueError("from the block")


def test_an_error_that_cannot_cross_processes_arrives_as_one_saying_the_same():
    def job(ready, go):
        ready()
        raise PeriodError("Q9", "Q1 to Q4")  # its __init__ takes two arguments: pickling loses them

    with pytest.raises(XlscorecardError, match="'Q9' is not a period"):
        with Alongside(job):
            pass


def test_a_job_whose_process_dies_is_reported():
    def job(ready, go):
        ready()
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(XlscorecardError, match=f"stopped \\(ended by signal {int(signal.SIGKILL)}\\)"):
        with Alongside(job):
            pass


def test_without_fork_the_job_runs_after_the_block_in_this_process(monkeypatch):
    monkeypatch.setattr(alongside, "can_fork", lambda: False)
    seen = []
    with Alongside(lambda ready, go: seen.append(os.getpid())):
        seen.append("block")
    assert seen == ["block", os.getpid()]
    with pytest.raises(ValueError):
        with Alongside(lambda ready, go: seen.append("job after a failed block")):
            raise ValueError("the scorecard could not be written")
    assert seen == ["block", os.getpid()]


@pytest.mark.parametrize("block_fails", [False, True], ids=["block-succeeds", "block-fails"])
def test_the_job_goes_on_past_go_only_once_the_block_has_succeeded(tmp_path, block_fails):
    """The job's go() waits for the block: it returns when the block succeeded, after the block's
    last step, and raises Cancelled when the block failed (the history is then rolled back)."""
    order = tmp_path / "order"

    def job(ready, go):
        ready()
        try:
            go()
        except alongside.Cancelled:
            with order.open("a") as handle:
                handle.write("job cancelled\n")
            raise
        with order.open("a") as handle:
            handle.write("job committed\n")

    try:
        with Alongside(job, on_go=lambda: order.open("a").write("on_go\n")):
            with order.open("a") as handle:
                handle.write("block done\n")
            if block_fails:
                raise ValueError("the scorecard could not be written")
    except ValueError:
        pass
    expected = ["block done", "job cancelled"] if block_fails else ["block done", "on_go", "job committed"]
    assert order.read_text().splitlines() == expected


def test_consolidate_records_the_history_alongside_the_scorecard(tmp_path, monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(alongside.os, "fork", lambda: forks.append(1) or real_fork())
    result = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", history=tmp_path / "h.sqlite")
    assert forks == [1]
    assert result.scorecard.exists()
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        stored = db.execute("SELECT count(*) FROM observations WHERE run_period = '2020/21 Q3'").fetchone()[0]
    assert stored == len({(o.ref, o.period, o.source.path) for o in result.observations if o.source.path}) > 100


def test_a_history_in_use_stops_the_run_before_the_scorecard(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite"
    History(path).close()
    monkeypatch.setattr(publish_module, "History", lambda file: History(file, timeout=0.2))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(HistoryError, match="in use by another xlscorecard run"):
            consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", history=path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not (tmp_path / "s.xlsx").exists()


def test_restated_values_reach_the_scorecard_when_recorded_alongside(tmp_path):
    """A Q3 run that gives September differently from the Q2 run: the finding is in the result
    (and so the Data quality sheet) although the history is written by the other process."""
    from xlscorecard.core.model import Observation, Period
    path = tmp_path / "h.sqlite"
    first = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "a.xlsx", history=path)
    september = next(o for o in first.observations if o.period == Period.month(2020, 9) and o.value)
    indicator = next(i for i in first.indicators if i.ref == september.ref)
    with History(path) as history:  # as if the Q2 run had stored another September value
        history.record(Period.quarter(2020, 2), [indicator],
                       [Observation(september.ref, september.period, september.value + 1, source=september.source)])
    again = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "b.xlsx", history=path)
    restated = [f for f in again.findings if "restated" in f.message]
    assert [f.ref for f in restated] == [september.ref]
    assert f"{september.value + 1}" in restated[0].message


def test_a_very_large_consolidation_records_the_history_in_this_process(tmp_path, monkeypatch):
    """Above ALONGSIDE_MAX_INDICATORS two processes would hold about twice the memory."""
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(alongside.os, "fork", lambda: forks.append(1) or real_fork())
    monkeypatch.setattr(publish_module, "ALONGSIDE_MAX_INDICATORS", 10)
    result = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", history=tmp_path / "h.sqlite")
    assert forks == [] and len(result.indicators) > 10
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("SELECT count(*) FROM observations").fetchone()[0] > 100
