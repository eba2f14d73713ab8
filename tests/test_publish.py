"""Publishing a run: the history records it, the scorecard and records are written before the
history commits (with the restatements the recording found), then moved into place."""

from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

import xlscorecard.publish as publish_module
from xlscorecard.pipeline import consolidate
from xlscorecard.history import History, HistoryError

from helpers import SAMPLES

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


def test_the_templates_tolerance_and_council_reach_the_scoring_and_the_ranking(tmp_path):
    """[scoring] tolerance_pct = 50 makes every red within 50% amber; without --tolerance the
    template's setting is the framework default (the samples give 29 / 8 / 21 / 2 at 5)."""
    template = tmp_path / "wide.toml"
    template.write_text('[scoring]\ntolerance_pct = 50.0\n[council]\nname = "Anytown Council"\n', encoding="utf-8")
    plain = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "a.xlsx", use_history=False)
    wide = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "b.xlsx", use_history=False,
                       template=template)
    within_50 = [s for s in plain.scores if s.rag.value == "red" and s.variance is not None and s.variance >= -50]
    assert (plain.total.target.within_tolerance, plain.total.target.off_target) == (8, 21)
    assert wide.total.target.within_tolerance == 8 + len(within_50) > 8
    assert wide.total.target.off_target == 21 - len(within_50)
    given = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "c.xlsx", use_history=False,
                        template=template, tolerance=5)
    assert given.total.target.off_target == 21  # --tolerance wins over the template


def test_the_council_named_by_the_register_is_found_in_a_comparator_table(tmp_path):
    """The council's name comes from the register's Framework sheet (issue 17 item 6)."""
    from openpyxl import load_workbook

    returns = tmp_path / "returns"
    returns.mkdir()
    for path in Q3_SAMPLES.iterdir():
        (returns / path.name).write_bytes(path.read_bytes())
    (returns / "comparators-CYP-01.csv").write_text(
        "Area code,Area name,Value\nE1,Anytown Council,400\nE2,Othertown,450\nE3,Elsewhere,500\nE4,Faraway,550\n",
        encoding="utf-8")
    plain = consolidate(returns, period="2020/21 Q3", out=tmp_path / "a.xlsx", use_history=False)
    assert [f.ref for f in plain.findings if "has no row for St Helens" in f.message] == ["CYP-01"]
    register = load_workbook(returns / "register-2020-21.xlsx")
    register["Framework"]["B1"] = "Anytown Council"
    register.save(returns / "register-2020-21.xlsx")
    result = consolidate(returns, period="2020/21 Q3", out=tmp_path / "s.xlsx", use_history=False)
    assert not [f for f in result.findings if "has no row for" in f.message]
    # Anytown's 400 is the lowest of the four, and lower is better for CYP-01: the 1st quartile.
    assert next(s for s in result.scores if s.ref == "CYP-01").quartile == 1
