"""The consolidation history: every run's observations and headline, in one SQLite file.

Next quarter's returns often carry only next quarter's value; the history supplies the earlier
values, so direction of travel and trend still work, and the headline can say "this compares to
73% in Quarter 1". Writes happen in one transaction, so a run killed mid-write leaves the
previous state; a second run at the same time waits for the first (up to ``timeout`` seconds)
and then fails clearly. The file is identified by SQLite's ``application_id`` and carries its
schema version in ``user_version``: a foreign file, a corrupt one or one written by a newer
xlscorecard is refused, never overwritten.

What it keeps: each run (one per reporting period) keeps the values it was given, one per
indicator and period, whatever file or folder they came from. A re-run of a period replaces
that run's values, and reads the others' only: a return removed from the folder does not come
back from the rows being replaced. Where several runs gave a value for the same period, the
latest run's (by its period) is the one read back, so a restated value is not silently undone
by a later run that does not give that period again. Each run also keeps its records rows as
scored, so that ``xlscorecard export`` can give every period in the records' columns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import HistoryError, XlscorecardError  # noqa: F401 (HistoryError: raised and re-exported here)
from .history_schema import _MIGRATIONS, _SCHEMA, _SCHEMA_V1, SCHEMA_VERSION, _run_script  # noqa: F401 (re-exported)
from .marks import APPLICATION_ID, SQLITE_MAGIC
from .core.model import same_words, FinancialYear, Finding, Indicator, Observation, Period, Severity, Source, parse_period

_NOTHING = object()
# A history holds a few dozen distinct period labels, read back once per stored value.
_period_of = lru_cache(maxsize=4096)(parse_period)
# The runs, earliest first: the order in which one run's value supersedes another's.
_RUN_ORDER = "SELECT period FROM runs ORDER BY period_end, recorded_at, period"
# What SQLite's messages mean to the person running the tool.
_SQLITE_REASONS = (("disk is full", "the disk is full"), ("readonly", "the file or its folder is read-only"),
                   ("disk i/o error", "a disk input/output error"), ("unable to open", "it cannot be opened"))


@dataclass(frozen=True)
class PastRun:
    """A consolidation recorded in the history."""

    period: Period
    met_or_within_pct: int | None
    # How many indicators had data (the headline's base); None in runs recorded before it was kept.
    with_data: int | None = None


class History:
    """An open history file; use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike, *, timeout: float = 30.0):
        self.path = Path(path)
        _refuse_foreign_file(self.path)
        self._db = None
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._prepare()
        except sqlite3.DatabaseError as error:
            self.close()
            raise HistoryError(f"{self.path} is not a usable xlscorecard history file ({error}); "
                               "pass another file with --history") from error
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    # -- schema ---------------------------------------------------------------------------
    def _identity(self) -> tuple[int, int, int]:
        """The file's application id, schema version and number of schema objects, read in one
        statement so that another run creating the file cannot be seen half-way."""
        return self._db.execute("SELECT (SELECT application_id FROM pragma_application_id), "
                                "(SELECT user_version FROM pragma_user_version), "
                                "(SELECT count(*) FROM sqlite_master)").fetchone()

    def _prepare(self) -> None:
        app_id, version, tables = self._identity()
        if app_id == 0 and version == 0 and tables == 0:
            self._write(self._create_if_still_empty)
            app_id, version, tables = self._identity()
        if app_id != APPLICATION_ID:
            raise _not_a_history(self.path)
        if version > SCHEMA_VERSION:
            raise _too_new(self.path, version)
        for step in range(version, SCHEMA_VERSION):
            self._write(lambda db, step=step: self._identity()[1] == step  # not already done by another run
                        and _run_script(db, _MIGRATIONS[step - 1], APPLICATION_ID, step + 1))

    def _create_if_still_empty(self, db: sqlite3.Connection) -> None:
        """Create the schema, unless another run created it while this one waited for the lock."""
        if self._identity() == (0, 0, 0):
            _run_script(db, _SCHEMA, APPLICATION_ID, SCHEMA_VERSION)

    def _write(self, work, before_commit: Callable[[object], None] | None = None):
        """Run ``work(db)`` in one immediate transaction: all of it lands, or none.
        ``before_commit`` is called with the work's result once it is done, and the transaction
        is rolled back if it raises."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise HistoryError(f"{self.path} is in use by another xlscorecard run ({error}); "
                                   "run again when it has finished") from error
            raise HistoryError(self._not_updated(error)) from error
        try:
            result = work(self._db)
            if before_commit is not None:
                before_commit(result)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self._rollback()
            raise HistoryError(self._not_updated(error)) from error
        except BaseException:
            self._rollback()
            raise
        return result

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk): a second rollback would
        # fail with "no transaction is active" and hide the error that matters.
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _not_updated(self, error: sqlite3.Error) -> str:
        text = str(error).lower()
        reason = next((said for found, said in _SQLITE_REASONS if found in text), str(error))
        return f"{self.path} could not be updated ({reason}); it was left as it was"

    # -- writing --------------------------------------------------------------------------
    def record(self, period: Period, indicators: Iterable[Indicator], observations: Iterable[Observation],
               *, met_or_within_pct: int | None = None, with_data: int | None = None,
               recorded_at: dt.datetime | None = None, records: Sequence[Mapping] | None = None,
               before_commit: Callable[[list[Finding]], None] | None = None) -> list[Finding]:
        """Store one consolidation; return findings for values restated for earlier periods.

        Re-running the same period replaces that period's rows (it is idempotent). One value is
        kept per indicator and period (a second one for the same period replaces the first). A
        value for an earlier period that differs from the one the history holds (whatever file
        gave either) is recorded as a restatement and reported as a warning, and the new value
        is kept. ``before_commit`` is called with those findings when everything is written but
        not yet committed: if it raises, nothing is. ``records`` are the run's records rows
        (:func:`xlscorecard.outputs.records.record_rows`, as plain values), kept for ``export``.
        """
        indicators = list(indicators)
        fy_of = _years(indicators, period)
        names = {(fy_of[i.ref], i.ref): i.name for i in indicators}
        observations = [o for o in observations if o.ref in fy_of]
        stamp = (recorded_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")

        def work(db):
            findings = []
            db.executemany("INSERT INTO indicators VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET name = excluded.name",
                           [(fy, ref, name) for (fy, ref), name in names.items()])
            db.execute("DELETE FROM observations WHERE run_period = ?", (period.label,))
            db.execute("DELETE FROM names WHERE run_period = ?", (period.label,))
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)",
                           [(fy, ref, period.label, name) for (fy, ref), name in names.items()])
            restated_from = _restater(db, period, indicators)
            restated = []

            def rows():  # streamed into SQLite: a large run holds millions
                for o in observations:
                    fy = fy_of[o.ref]
                    before = restated_from(o)
                    if before is not _NOTHING:
                        restated.append((fy, o.ref, o.period.label, before, o.value, o.source.path or "",
                                         period.label))
                        findings.append(_restatement(o, before, period))
                    yield (fy, o.ref, o.period.label, o.period.end_date.isoformat(), o.source.path or "", o.value,
                           o.period_target, o.note, o.source.sheet, o.source.cell, period.label)

            db.executemany("INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
            db.executemany("INSERT INTO restatements VALUES (?, ?, ?, ?, ?, ?, ?)", restated)
            db.execute("DELETE FROM records WHERE run_period = ?", (period.label,))
            db.executemany("INSERT INTO records VALUES (?, ?, ?)",
                           [(period.label, n, json.dumps(row, ensure_ascii=False, sort_keys=True))
                            for n, row in enumerate(records or ())])
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?)",
                       (period.label, period.end_date.isoformat(), stamp, met_or_within_pct, with_data))
            return findings

        return self._write(work, before_commit)

    # -- reading --------------------------------------------------------------------------
    def renamed(self, period: Period, indicators: Iterable[Indicator]) -> list[Finding]:
        """A finding for each indicator whose name differs from the one the latest other run
        recorded for it in the same framework year: it is still the same indicator, and keeps
        its history (a ref reused in a new framework year is a different one)."""
        last: dict[tuple[str, str], tuple[str, str]] = {}
        for fy, ref, name, run in self._db.execute(
                "SELECT n.framework_year, n.ref, n.name, n.run_period FROM names n LEFT JOIN runs r "
                "ON r.period = n.run_period WHERE n.run_period != ? ORDER BY r.period_end, r.recorded_at, r.period",
                (period.label,)):
            last[(fy, ref)] = (name, run)
        findings = []
        for indicator in indicators:
            fy = (indicator.framework_year or period.fy).label
            before = last.get((fy, indicator.ref))
            if before is not None and not same_words(before[0], indicator.name):
                findings.append(Finding(
                    Severity.WARNING, f"name changed within {fy}: {before[0]!r} in the history (run for "
                    f"{before[1]}), {indicator.name!r} now", Source(str(self.path)), indicator.ref,
                    "its history is kept as the same indicator's; give a different indicator a new ref"))
        return findings

    def observations_for(self, indicator: Indicator, year: FinancialYear | None = None) -> list[Observation]:
        """Every stored observation of ``indicator``, across framework years, except those from a
        year in which its reference named a different indicator (CYP-01 in 2020/21 is not
        CYP-01 in 2021/22: no trend is computed across that change)."""
        return self.observations_of([indicator], year=year)[indicator.ref]

    def observations_of(self, indicators: Iterable[Indicator],
                        covered: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(), *,
                        year: FinancialYear | None = None, excluding_run: Period | None = None
                        ) -> dict[str, list[Observation]]:
        """:meth:`observations_for` each of ``indicators`` at once, by ref: one pass over the
        history instead of one query per indicator, one value per period (the latest run's).

        Rows whose (ref, period label) is in ``covered`` (the returns give that value again) are
        skipped, as :func:`merge_with_history` would drop them, and so are the rows of
        ``excluding_run`` (the run being made again, whose rows it replaces). An indicator of
        ``year`` (or of its own framework year) keeps the rows of that year whatever name they
        were stored under: a name changed within a year is still the same indicator.
        """
        wanted = {indicator.ref: indicator for indicator in indicators}
        found: dict[str, list[Observation]] = {ref: [] for ref in wanted}
        rank = {run: n for n, (run,) in enumerate(self._db.execute(_RUN_ORDER))}
        skip = excluding_run.label if excluding_run is not None else None
        same = _SameIndicator(self._db, wanted, year)
        only, arguments = ("WHERE ref = ? ", tuple(wanted)) if len(wanted) == 1 else ("", ())
        # The rows to read are chosen from four columns first; only those are read in full (their
        # ids in a temporary table), instead of every row.
        best: dict[tuple[str, str], tuple[int, int]] = {}
        for rowid, fy, ref, label, run in self._db.execute(
                f"SELECT rowid, framework_year, ref, period, run_period FROM observations {only}", arguments):
            if run == skip or ref not in wanted or (ref, label) in covered or not same(fy, ref):
                continue
            order = rank.get(run, -1)
            if best.get((ref, label), (-2, 0))[0] <= order:
                best[(ref, label)] = (order, rowid)
        if not best:
            return found
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS needed_rows (id INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM temp.needed_rows")
        self._db.executemany("INSERT INTO temp.needed_rows VALUES (?)", ((rowid,) for _, rowid in best.values()))
        rows = self._db.execute(
            "SELECT ref, period, value, period_target, note, source_path, source_sheet, source_cell "
            "FROM observations WHERE rowid IN (SELECT id FROM temp.needed_rows) "
            "ORDER BY period_end, period, source_path")
        for ref, label, value, target, note, path, sheet, cell in rows:
            found[ref].append(Observation(ref, _period_of(label), value, period_target=target, note=note,
                                          source=Source(path or None, sheet, cell)))
        return found

    def run(self, period: Period) -> PastRun | None:
        row = self._db.execute("SELECT period, met_or_within_pct, with_data FROM runs WHERE period = ?",
                               (period.label,)).fetchone()
        return PastRun(parse_period(row[0]), row[1], row[2]) if row else None

    def records(self) -> tuple[list[dict], list[Period]]:
        """Every run's records rows, oldest period first, and the runs that stored none (recorded
        by an xlscorecard before records were kept, or with nothing to report)."""
        stored: dict[str, list[dict]] = {}
        for run, text in self._db.execute("SELECT run_period, record FROM records ORDER BY run_period, position"):
            stored.setdefault(run, []).append(json.loads(text))
        rows, missing = [], []
        for past in self.runs():
            if past.period.label in stored:
                rows += stored[past.period.label]
            else:
                missing.append(past.period)
        return rows, missing

    def runs(self) -> list[PastRun]:
        rows = self._db.execute("SELECT period, met_or_within_pct, with_data FROM runs ORDER BY period_end").fetchall()
        return [PastRun(parse_period(p), pct, base) for p, pct, base in rows]


class _SameIndicator:
    """Whether rows stored under a framework year are the wanted indicator's: always in its own
    year, and in another year only if that year's name for the ref is the same."""

    def __init__(self, db: sqlite3.Connection, wanted: dict[str, Indicator], year: FinancialYear | None):
        self._names = {(fy, ref): name for fy, ref, name in db.execute("SELECT framework_year, ref, name FROM indicators")}
        self._wanted = wanted
        self._own = {ref: (i.framework_year or year).label for ref, i in wanted.items() if i.framework_year or year}
        self._known: dict[tuple[str, str], bool] = {}

    def __call__(self, fy: str, ref: str) -> bool:
        known = self._known.get((fy, ref))
        if known is None:
            name = self._names.get((fy, ref))
            known = (fy == self._own.get(ref) or name is None or same_words(name, self._wanted[ref].name))
            self._known[(fy, ref)] = known
        return known


def _years(indicators: Iterable[Indicator], period: Period) -> dict[str, str]:
    return {i.ref: (i.framework_year or period.fy).label for i in indicators}


def _restater(db: sqlite3.Connection, period: Period, indicators: Sequence[Indicator]):
    """A function giving, for an observation, the value the history holds that it restates, or
    ``_NOTHING``. Stored values for periods up to ``period``'s end are looked up in one pass, by
    indicator and period, the latest run's winning; the run being made is not among them."""
    wanted = {i.ref: i for i in indicators}
    same = _SameIndicator(db, wanted, period.fy)
    earlier: dict[tuple[str, str], float | None] = {}
    for fy, ref, label, value in db.execute(
            "SELECT o.framework_year, o.ref, o.period, o.value FROM observations o LEFT JOIN runs r "
            "ON r.period = o.run_period WHERE o.period_end <= ? AND o.run_period != ? "
            "ORDER BY r.period_end, r.recorded_at, r.period", (period.end_date.isoformat(), period.label)):
        if ref in wanted and same(fy, ref):
            earlier[(ref, label)] = value

    def restated_from(o: Observation):
        before = earlier.get((o.ref, o.period.label), _NOTHING)
        if before is not _NOTHING and o.period < period and before != o.value and o.ref in wanted:
            return before
        return _NOTHING

    return restated_from


def merge_with_history(current: Sequence[Observation], past: Iterable[Observation]) -> list[Observation]:
    """The returns' observations plus stored ones for periods the returns do not cover."""
    covered = {(o.ref, o.period) for o in current}
    return list(current) + [o for o in past if (o.ref, o.period) not in covered]




def _restatement(o: Observation, old: float | None, run: Period) -> Finding:
    return Finding(Severity.WARNING,
                   f"{o.ref} {o.period.label} restated: {old} before, {o.value} now",
                   source=o.source, ref=o.ref,
                   action=f"the new value is used; the old one is kept in the history for {run.label}")


def check_history_file(path: str | os.PathLike) -> None:
    """Raise :class:`HistoryError` if ``path`` is a file that opening as a history would refuse
    (not SQLite, another program's database, a newer xlscorecard's), from its header alone: a
    run checks this before any work, without creating or changing anything."""
    path = Path(path)
    _refuse_foreign_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(100)
    version, app_id = int.from_bytes(header[60:64], "big"), int.from_bytes(header[68:72], "big")
    if app_id not in (0, APPLICATION_ID):  # 0: an empty database, which a first run makes a history
        raise _not_a_history(path)
    if app_id == APPLICATION_ID and version > SCHEMA_VERSION:
        raise _too_new(path, version)


def _not_a_history(path: Path) -> HistoryError:
    return HistoryError(f"{path} is an SQLite file but not an xlscorecard history; "
                        "it was left untouched. Pass another file with --history")


def _too_new(path: Path, version: int) -> HistoryError:
    return HistoryError(f"{path} was written by a newer xlscorecard (history schema {version}, this version "
                        f"reads up to {SCHEMA_VERSION}); upgrade xlscorecard rather than risk downgrading it")


def _refuse_foreign_file(path: Path) -> None:
    """Refuse a non-empty file that is not SQLite, or something that is not a file at all (a pipe
    would block), before sqlite3 could touch it."""
    if path.exists() and not path.is_file():
        raise HistoryError(f"{path} is not a file (a folder, a pipe or a device); pass a history file with --history")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise HistoryError(f"{path} is not an SQLite history file; it was left untouched. "
                           "Pass another file with --history")
