"""The SQLite history: idempotent, transactional, refuses what it does not own."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from xlscorecard.history import SCHEMA_VERSION, History, HistoryError, merge_with_history
from xlscorecard.model import FinancialYear, Indicator, Observation, Period, Severity, Source
from xlscorecard.scoring import score_indicator

Q2, Q3 = Period.quarter(2020, 2), Period.quarter(2020, 3)
SEP, DEC = Period.month(2020, 9), Period.month(2020, 12)
CIN = Indicator("CYP-01", "Rate of Children in Need", "lower", frequency="monthly", annual_target=485)


def obs(period, value, path="cyp.xlsx"):
    return Observation("CYP-01", period, value, source=Source(path, "Returns", "B4"))


def test_next_quarters_dot_comes_from_history(tmp_path):
    """Q3's return carries only December; September comes from the Q2 run (seed 003: worse)."""
    with History(tmp_path / "h.sqlite") as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)], met_or_within_pct=73)
    with History(tmp_path / "h.sqlite") as history:
        merged = merge_with_history([obs(DEC, 459.4)], history.observations_for(CIN))
        assert history.run(Q2).met_or_within_pct == 73
    score = score_indicator(CIN, merged, Q3)
    assert (round(score.previous_variance, 2), score.dot.value) == (8.91, "worse")


def test_rerunning_a_period_is_idempotent(tmp_path):
    with History(tmp_path / "h.sqlite") as history:
        for _ in range(3):
            assert history.record(Q3, [CIN], [obs(SEP, 441.8), obs(DEC, 459.4)]) == []
        assert [o.value for o in history.observations_for(CIN)] == [441.8, 459.4]
        assert [r.period for r in history.runs()] == [Q3]


def test_a_restated_earlier_value_is_a_finding_and_the_new_value_is_kept(tmp_path):
    with History(tmp_path / "h.sqlite") as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
        findings = history.record(Q3, [CIN], [obs(SEP, 445.0), obs(DEC, 459.4)])
        assert [o.value for o in history.observations_for(CIN)] == [445.0, 459.4]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.WARNING and finding.ref == "CYP-01"
    assert "441.8" in finding.message and "445.0" in finding.message
    assert (finding.source.path, finding.source.cell) == ("cyp.xlsx", "B4")


def test_a_reused_reference_is_a_different_indicator(tmp_path):
    """CYP-01 named children in need in 2020/21 and early-help re-referrals in 2021/22."""
    early_help = Indicator("CYP-01", "Percentage of re-referrals into Early Help Services", "lower",
                           annual_target=16, framework_year=FinancialYear(2021))
    with History(tmp_path / "h.sqlite") as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
        assert history.observations_for(early_help) == []
        assert len(history.observations_for(CIN)) == 1


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"performance notes, not a database\n")
    with pytest.raises(HistoryError, match="not an SQLite history file"):
        History(path)
    assert path.read_bytes() == b"performance notes, not a database\n"


def test_another_applications_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="not an xlscorecard history"):
        History(path)
    assert path.read_bytes() == before


def test_a_corrupt_history_is_refused(tmp_path):
    path = tmp_path / "h.sqlite"
    History(path).close()
    data = bytearray(path.read_bytes())
    data[100:400] = b"\xff" * 300
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError):
        with History(path) as history:
            history.record(Q3, [CIN], [obs(DEC, 459.4)])


def test_a_history_from_a_newer_version_is_refused_not_downgraded(tmp_path):
    path = tmp_path / "h.sqlite"
    History(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer xlscorecard"):
        History(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_second_run_waits_then_fails_clearly_while_the_first_writes(tmp_path):
    path = tmp_path / "h.sqlite"
    History(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with History(path, timeout=0.2) as history:
            with pytest.raises(HistoryError, match="in use by another xlscorecard run"):
                history.record(Q3, [CIN], [obs(DEC, 459.4)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_run_killed_mid_write_leaves_the_previous_state(tmp_path):
    path = tmp_path / "h.sqlite"
    with History(path) as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
    child = textwrap.dedent(f"""
        import os, signal, sys
        import xlscorecard.history as h
        from xlscorecard.model import FinancialYear, Indicator, Observation, Period, Source
        history = h.History({str(path)!r})
        original = history._db.execute
        calls = []
        def execute(sql, *args):
            calls.append(sql)
            if sql.startswith("INSERT OR REPLACE INTO runs"):
                os.kill(os.getpid(), signal.SIGKILL)   # die inside the transaction
            return original(sql, *args)
        history._db = type("Db", (), {{"execute": staticmethod(execute),
                                       "executemany": history._db.executemany}})()
        ind = Indicator("CYP-01", "Rate of Children in Need", "lower", annual_target=485)
        history.record(Period.quarter(2020, 3), [ind],
                       [Observation("CYP-01", Period.month(2020, 9), 1.0, source=Source("cyp.xlsx")),
                        Observation("CYP-01", Period.month(2020, 12), 2.0, source=Source("cyp.xlsx"))])
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, timeout=60)
    assert result.returncode == -9, result.stderr.decode()
    with History(path) as history:
        assert [o.value for o in history.observations_for(CIN)] == [441.8]
        assert [r.period for r in history.runs()] == [Q2]
