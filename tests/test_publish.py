"""Publishing a run: the history records it, the scorecard and records are written before the
history commits (with the restatements the recording found), then moved into place."""

from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

import xlscorecard.publish as publish_module
from xlscorecard.pipeline import consolidate
from xlscorecard.history import History, HistoryError

from test_consolidate import SAMPLES

Q3_SAMPLES = SAMPLES / "2020-21-Q3"


def test_consolidate_records_the_history_and_writes_the_scorecard(tmp_path):
    result = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", history=tmp_path / "h.sqlite")
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


def test_restated_values_reach_the_scorecard(tmp_path):
    """A Q3 run that gives September differently from the Q2 run: the finding the recording
    gives is in the result and on the Data quality sheet, written before the history commits."""
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
    quality = load_workbook(tmp_path / "b.xlsx")["Data quality"]
    assert any("restated" in str(cell.value) for row in quality.iter_rows() for cell in row)
