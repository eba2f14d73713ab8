"""The SQLite history: idempotent, transactional, refuses what it does not own."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from xlscorecard.history import SCHEMA_VERSION, History, HistoryError, merge_with_history
from xlscorecard.core.model import FinancialYear, Indicator, Observation, Period, Severity, Source
from xlscorecard.core.scoring import score_indicator

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


def stored_rows(path) -> set[tuple]:
    with sqlite3.connect(path) as db:
        return set(db.execute("SELECT * FROM observations"))


def test_a_re_run_leaves_the_history_as_replacing_every_row_would(tmp_path):
    """A re-run replaces its period's rows: a new value, a new note and cell, a value from
    another file, and a value no longer given (deleted); the other runs' rows stay as they were.
    The result is the same rows as a history that only ever saw the last run of each period."""
    oct_, nov = Period.month(2020, 10), Period.month(2020, 11)
    first = [obs(SEP, 441.8), obs(oct_, 450.0), obs(nov, 455.0), obs(DEC, 459.4)]
    again = [obs(SEP, 441.8), obs(oct_, 451.0, path="late-correction.xlsx"),
             Observation("CYP-01", DEC, 459.4, note="provisional", source=Source("cyp.xlsx", "Returns", "B5"))]
    with History(tmp_path / "rerun.sqlite") as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
        history.record(Q3, [CIN], first)
        history.record(Q3, [CIN], again)
    with History(tmp_path / "once.sqlite") as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
        history.record(Q3, [CIN], again)
    rerun = stored_rows(tmp_path / "rerun.sqlite")
    assert rerun == stored_rows(tmp_path / "once.sqlite")
    assert {(row[2], row[4], row[5], row[7], row[9], row[10]) for row in rerun} == {
        ("Sep 2020", "cyp.xlsx", 441.8, None, "B4", "2020/21 Q2"), ("Sep 2020", "cyp.xlsx", 441.8, None, "B4", "2020/21 Q3"),
        ("Oct 2020", "late-correction.xlsx", 451.0, None, "B4", "2020/21 Q3"),
        ("Dec 2020", "cyp.xlsx", 459.4, "provisional", "B5", "2020/21 Q3")}


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


def test_reading_past_values_skips_the_covered_ones_and_keeps_the_order(tmp_path):
    """The returns give some periods again: only the others are read, in period order, the
    same as reading everything and dropping the covered ones."""
    other = Indicator("CYP-02", "Rate of Looked After Children", "lower", frequency="monthly", annual_target=125)
    oct_, nov = Period.month(2020, 10), Period.month(2020, 11)
    with History(tmp_path / "h.sqlite") as history:
        history.record(Q2, [CIN, other], [obs(SEP, 441.8),
                                          Observation("CYP-02", SEP, 130.0, source=Source("cyp.xlsx", "R", "C4"))])
        history.record(Period.month(2020, 10), [CIN], [obs(SEP, 440.0, path="late.xlsx")])  # restated in October
        history.record(Q3, [CIN, other], [obs(DEC, 459.4), obs(nov, 455.0), obs(oct_, 450.0),
                                          Observation("CYP-02", DEC, 127.0, source=Source("cyp.xlsx", "R", "C5"))])
        everything = history.observations_of([CIN, other])
        covered = {("CYP-01", "Nov 2020"), ("CYP-02", "Dec 2020")}
        some = history.observations_of([CIN, other], covered)
        assert history.observations_of([CIN, other], {(o.ref, o.period.label) for v in everything.values()
                                                      for o in v}) == {"CYP-01": [], "CYP-02": []}
    # One value per period, the latest run's: September as October's run restated it.
    assert [(o.period.label, o.value, o.source.path) for o in everything["CYP-01"]] == [
        ("Sep 2020", 440.0, "late.xlsx"), ("Oct 2020", 450.0, "cyp.xlsx"), ("Nov 2020", 455.0, "cyp.xlsx"),
        ("Dec 2020", 459.4, "cyp.xlsx")]
    assert some == {ref: [o for o in found if (o.ref, o.period.label) not in covered]
                    for ref, found in everything.items()}
    assert [o.value for o in some["CYP-02"]] == [130.0]


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
        from xlscorecard.core.model import FinancialYear, Indicator, Observation, Period, Source
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


def test_a_second_run_waits_for_the_first_and_then_records(tmp_path):
    """Two runs at once: the second waits while the first writes, then records its own period."""
    import threading
    import time

    path = tmp_path / "h.sqlite"
    with History(path) as history:
        history.record(Q2, [CIN], [obs(SEP, 441.8)])
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    try:
        with History(path, timeout=20) as history:
            history.record(Q3, [CIN], [obs(DEC, 459.4)])
    finally:
        releaser.join()
        holder.close()
    assert time.monotonic() - started >= 0.4  # it waited for the first run
    with History(path) as history:
        assert [r.period for r in history.runs()] == [Q2, Q3]


RECORDER = textwrap.dedent("""
    import sys
    from xlscorecard.history import History
    from xlscorecard.core.model import Indicator, Observation, Period, Source
    path, quarter, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    period = Period.quarter(2020, quarter)
    months = [Period.month(2020, 3 * q) for q in range(1, quarter + 1)]
    indicators = [Indicator(f"X-{n:02d}", f"Indicator {n}", "higher", annual_target=10) for n in range(40)]
    for attempt in range(times):
        observations = [Observation(i.ref, month, float(quarter), source=Source(f"q{quarter}.xlsx", "S", "B2"))
                        for i in indicators for month in months]
        with History(path) as history:
            history.record(period, indicators, observations, met_or_within_pct=quarter)
""")


@pytest.mark.parametrize("existing", [True, False], ids=["existing-history", "first-ever-run"])
def test_two_processes_writing_at_once_do_not_corrupt_it(tmp_path, existing):
    """Two processes, each recording its own quarter 15 times over, into one history at the same
    time (even a brand-new one both find empty): both finish, and the file holds both runs whole."""
    path = tmp_path / "h.sqlite"
    if existing:
        History(path).close()
    processes = [subprocess.Popen([sys.executable, "-c", RECORDER, str(path), str(quarter), "15"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for quarter in (2, 3)]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = dict(db.execute("SELECT run_period, count(*) FROM observations GROUP BY run_period").fetchall())
    assert counts == {Q2.label: 40 * 2, Q3.label: 40 * 3}
    with History(path) as history:
        assert [(r.period, r.met_or_within_pct) for r in history.runs()] == [(Q2, 2), (Q3, 3)]


def test_two_first_runs_at_once_both_get_the_history_the_first_created(tmp_path):
    """Both find no history; the first creates it while the second waits for the lock. The second
    must then use it, not try to create the tables again and fail."""
    import threading

    from xlscorecard.history import APPLICATION_ID, _SCHEMA, _run_script

    path = tmp_path / "h.sqlite"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")  # the first run has the lock but has not yet written

    def create_and_commit():
        _run_script(first, _SCHEMA, APPLICATION_ID, SCHEMA_VERSION)
        first.execute("COMMIT")

    creator = threading.Timer(0.3, create_and_commit)
    creator.start()
    try:
        with History(path, timeout=20) as history:  # saw an empty file, then waited for the lock
            history.record(Q3, [CIN], [obs(DEC, 459.4)])
    finally:
        creator.join()
        first.close()
    with History(path) as history:
        assert [r.period for r in history.runs()] == [Q3]


def test_a_version_1_history_is_upgraded_in_place_and_keeps_its_values(tmp_path):
    """A history written before the indexes existed (schema 1) gets them on first use, with
    every stored value kept."""
    from xlscorecard.history import APPLICATION_ID, _SCHEMA_V1, _run_script

    path = tmp_path / "h.sqlite"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN IMMEDIATE")
    _run_script(old, _SCHEMA_V1, APPLICATION_ID, 1)
    old.execute("INSERT INTO indicators VALUES ('2020/21', 'CYP-01', 'Rate of Children in Need')")
    old.execute("INSERT INTO observations VALUES ('2020/21', 'CYP-01', 'Sep 2020', '2020-09-30', 'r.xlsx', 441.8, "
                "NULL, NULL, 'Q2', 'K7', '2020/21 Q2')")
    old.execute("COMMIT")
    old.close()
    with History(path) as history:
        assert [o.value for o in history.observations_for(CIN)] == [441.8]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"observations_by_ref", "observations_by_run"} <= indexes
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"records", "names"} <= tables
    db.close()
