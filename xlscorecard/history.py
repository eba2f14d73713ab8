"""The consolidation history: every run's observations and headline, in one SQLite file.

Next quarter's returns often carry only next quarter's value; the history supplies the earlier
values, so direction of travel and trend still work, and the headline can say "this compares to
73% in Quarter 1". Writes happen in one transaction, so a run killed mid-write leaves the
previous state; a second run at the same time waits for the first (up to ``timeout`` seconds)
and then fails clearly. The file is identified by SQLite's ``application_id`` and carries its
schema version in ``user_version``: a foreign file, a corrupt one or one written by a newer
xlscorecard is refused, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import XlscorecardError
from .model import Finding, Indicator, Observation, Period, Severity, Source, parse_period

APPLICATION_ID = 0x58534331  # "XSC1"
SCHEMA_VERSION = 2
SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA_V1 = """
CREATE TABLE indicators (
    framework_year TEXT NOT NULL,
    ref TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (framework_year, ref)
);
CREATE TABLE observations (
    framework_year TEXT NOT NULL,
    ref TEXT NOT NULL,
    period TEXT NOT NULL,
    period_end TEXT NOT NULL,
    source_path TEXT NOT NULL,
    value REAL,
    period_target REAL,
    note TEXT,
    source_sheet TEXT,
    source_cell TEXT,
    run_period TEXT NOT NULL,
    PRIMARY KEY (framework_year, ref, period, source_path)
);
CREATE TABLE restatements (
    framework_year TEXT NOT NULL,
    ref TEXT NOT NULL,
    period TEXT NOT NULL,
    old_value REAL,
    new_value REAL,
    source_path TEXT NOT NULL,
    run_period TEXT NOT NULL
);
CREATE TABLE runs (
    period TEXT PRIMARY KEY,
    period_end TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    met_or_within_pct INTEGER
);
"""

# Each entry upgrades the schema from version (index + 1) to the next; append, never edit.
_MIGRATIONS: tuple[str, ...] = (
    # 1 -> 2: reading an indicator's past values, and replacing a re-run period's rows, were
    # full-table scans per indicator (quadratic in the framework's size).
    """
    CREATE INDEX IF NOT EXISTS observations_by_ref ON observations (ref, period_end, source_path);
    CREATE INDEX IF NOT EXISTS observations_by_run ON observations (run_period)
    """,
)
# A new history file gets the first schema and every migration at once.
_SCHEMA = ";".join((_SCHEMA_V1, *_MIGRATIONS))


_NOTHING = object()
# A history holds a few dozen distinct period labels, read back once per stored value.
_period_of = lru_cache(maxsize=4096)(parse_period)


class HistoryError(XlscorecardError):
    """The history file is not one xlscorecard can safely use."""


@dataclass(frozen=True)
class PastRun:
    """A consolidation recorded in the history."""

    period: Period
    met_or_within_pct: int | None


class History:
    """An open history file; use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike, *, timeout: float = 30.0):
        self.path = Path(path)
        _refuse_foreign_file(self.path)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._prepare()
        except sqlite3.DatabaseError as error:
            raise HistoryError(f"{self.path} is not a usable xlscorecard history file ({error}); "
                               "pass another file with --history") from error

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
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
            raise HistoryError(f"{self.path} is an SQLite file but not an xlscorecard history; "
                               "it was left untouched. Pass another file with --history")
        if version > SCHEMA_VERSION:
            raise HistoryError(f"{self.path} was written by a newer xlscorecard (history schema "
                               f"{version}, this version reads up to {SCHEMA_VERSION}); upgrade "
                               "xlscorecard rather than risk downgrading it")
        for step in range(version, SCHEMA_VERSION):
            self._write(lambda db, step=step: self._identity()[1] == step  # not already done by another run
                        and _run_script(db, _MIGRATIONS[step - 1], APPLICATION_ID, step + 1))

    def _create_if_still_empty(self, db: sqlite3.Connection) -> None:
        """Create the schema, unless another run created it while this one waited for the lock."""
        if self._identity() == (0, 0, 0):
            _run_script(db, _SCHEMA, APPLICATION_ID, SCHEMA_VERSION)

    def _write(self, work, on_locked: Callable[[], None] | None = None):
        """Run ``work(db)`` in one immediate transaction: all of it lands, or none.
        ``on_locked`` is called once the file is this run's to write."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise HistoryError(f"{self.path} is in use by another xlscorecard run ({error}); "
                               "run again when it has finished") from error
        try:
            if on_locked is not None:
                on_locked()
            result = work(self._db)
        except sqlite3.DatabaseError as error:
            self._db.execute("ROLLBACK")
            raise HistoryError(f"{self.path} could not be updated ({error}); it was left as it was") from error
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return result

    # -- writing --------------------------------------------------------------------------
    def record(self, period: Period, indicators: Iterable[Indicator], observations: Iterable[Observation],
               *, met_or_within_pct: int | None = None, recorded_at: dt.datetime | None = None,
               on_locked: Callable[[], None] | None = None) -> list[Finding]:
        """Store one consolidation; return findings for values restated for earlier periods.

        Re-running the same period replaces that period's rows (it is idempotent). A value for
        an earlier period that differs from the one stored is recorded as a restatement and
        reported as a warning, and the new value is kept. ``on_locked`` is called once no
        other run can write the file until this one has.
        """
        fy_of = {i.ref: (i.framework_year or period.fy).label for i in indicators}
        names = {(fy_of[i.ref], i.ref): i.name for i in indicators}
        observations = [o for o in observations if o.ref in fy_of]
        stamp = (recorded_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")

        def work(db):
            findings = []
            db.executemany("INSERT INTO indicators VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET name = excluded.name",
                           [(fy, ref, name) for (fy, ref), name in names.items()])
            db.execute("DELETE FROM observations WHERE run_period = ?", (period.label,))
            earlier = _earlier_values(db, period)
            restated = []

            def rows():  # streamed into SQLite: a large run holds millions
                for o in observations:
                    key = (fy_of[o.ref], o.ref, o.period.label, o.source.path or "")
                    before = _restated_from(earlier, key, o, period)
                    if before is not _NOTHING:
                        restated.append((*key[:3], before, o.value, key[3], period.label))
                        findings.append(_restatement(o, before, period))
                    yield (*key[:3], o.period.end_date.isoformat(), key[3], o.value, o.period_target,
                           o.note, o.source.sheet, o.source.cell, period.label)

            db.executemany("INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
            db.executemany("INSERT INTO restatements VALUES (?, ?, ?, ?, ?, ?, ?)", restated)
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                       (period.label, period.end_date.isoformat(), stamp, met_or_within_pct))
            return findings

        return self._write(work, on_locked)

    # -- reading --------------------------------------------------------------------------
    def restatements(self, period: Period, indicators: Iterable[Indicator],
                     observations: Iterable[Observation]) -> list[Finding]:
        """The findings :meth:`record` would return for these observations, without writing:
        a run can show them in its scorecard while the history is being written."""
        fy_of = {i.ref: (i.framework_year or period.fy).label for i in indicators}
        earlier = _earlier_values(self._db, period, excluding_run=period)
        findings = []
        for o in observations:
            if o.ref in fy_of:
                before = _restated_from(earlier, (fy_of[o.ref], o.ref, o.period.label, o.source.path or ""), o, period)
                if before is not _NOTHING:
                    findings.append(_restatement(o, before, period))
        return findings

    def observations_for(self, indicator: Indicator, fy_label: str | None = None) -> list[Observation]:
        """Every stored observation of ``indicator``, across framework years, except those from a
        year in which its reference named a different indicator (CYP-01 in 2020/21 is not
        CYP-01 in 2021/22: no trend is computed across that change)."""
        return self.observations_of([indicator])[indicator.ref]

    def observations_of(self, indicators: Iterable[Indicator],
                        covered: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()
                        ) -> dict[str, list[Observation]]:
        """:meth:`observations_for` each of ``indicators`` at once, by ref: one pass over the
        history instead of one query per indicator. Rows whose (ref, period label) is in
        ``covered`` (the returns give that value again) are skipped, as
        :func:`merge_with_history` would drop them."""
        wanted = {indicator.ref: indicator for indicator in indicators}
        found: dict[str, list[Observation]] = {ref: [] for ref in wanted}
        only, arguments = ("WHERE o.ref = ? ", tuple(wanted)) if len(wanted) == 1 else ("", ())
        if covered and not only:
            # A re-run covers most rows: find the others from three columns first, and read in
            # full only those (their ids in a temporary table), instead of every row with its join.
            needed = [rowid for rowid, ref, period in self._db.execute("SELECT rowid, ref, period FROM observations")
                      if ref in wanted and (ref, period) not in covered]
            if not needed:
                return found
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS needed_rows (id INTEGER PRIMARY KEY)")
            self._db.execute("DELETE FROM temp.needed_rows")
            self._db.executemany("INSERT INTO temp.needed_rows VALUES (?)", ((rowid,) for rowid in needed))
            only = "WHERE o.rowid IN (SELECT id FROM temp.needed_rows) "
        rows = self._db.execute(
            "SELECT o.ref, o.period, o.value, o.period_target, o.note, o.source_path, "
            "o.source_sheet, o.source_cell, i.name FROM observations o LEFT JOIN indicators i "
            f"ON i.framework_year = o.framework_year AND i.ref = o.ref {only}"
            "ORDER BY o.period_end, o.source_path", arguments)
        for ref, period, value, target, note, path, sheet, cell, name in rows:
            indicator = wanted.get(ref)
            if indicator is None or (ref, period) in covered:
                continue
            if name is None or _same_name(name, indicator.name):
                found[ref].append(Observation(ref, _period_of(period), value, period_target=target, note=note,
                                              source=Source(path or None, sheet, cell)))
        return found

    def run(self, period: Period) -> PastRun | None:
        row = self._db.execute("SELECT period, met_or_within_pct FROM runs WHERE period = ?",
                               (period.label,)).fetchone()
        return PastRun(parse_period(row[0]), row[1]) if row else None

    def runs(self) -> list[PastRun]:
        rows = self._db.execute("SELECT period, met_or_within_pct FROM runs ORDER BY period_end").fetchall()
        return [PastRun(parse_period(p), pct) for p, pct in rows]


def _earlier_values(db: sqlite3.Connection, period: Period, excluding_run: Period | None = None) -> dict:
    """Values stored for periods up to ``period``'s end, by (framework year, ref, period, file),
    looked up in one pass; a run's own rows, being replaced, are not earlier values."""
    query = ("SELECT framework_year, ref, period, source_path, value FROM observations WHERE period_end <= ?"
             + (" AND run_period != ?" if excluding_run is not None else ""))
    arguments = (period.end_date.isoformat(),) + ((excluding_run.label,) if excluding_run is not None else ())
    return {tuple(row[:4]): row[4] for row in db.execute(query, arguments)}


def _restated_from(earlier: dict, key: tuple, o: Observation, period: Period):
    """The value stored before that ``o`` restates, or ``_NOTHING``."""
    before = earlier.get(key, _NOTHING)
    if before is not _NOTHING and o.period < period and before != o.value:
        return before
    return _NOTHING


def merge_with_history(current: Sequence[Observation], past: Iterable[Observation]) -> list[Observation]:
    """The returns' observations plus stored ones for periods the returns do not cover."""
    covered = {(o.ref, o.period) for o in current}
    return list(current) + [o for o in past if (o.ref, o.period) not in covered]


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _restatement(o: Observation, old: float | None, run: Period) -> Finding:
    return Finding(Severity.WARNING,
                   f"{o.ref} {o.period.label} restated: {old} before, {o.value} now",
                   source=o.source, ref=o.ref,
                   action=f"the new value is used; the old one is kept in the history for {run.label}")


def _refuse_foreign_file(path: Path) -> None:
    """Refuse a non-empty file that is not SQLite before sqlite3 could touch it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise HistoryError(f"{path} is not an SQLite history file; it was left untouched. "
                           "Pass another file with --history")


def _run_script(db: sqlite3.Connection, script: str, app_id: int, version: int) -> None:
    """Run a schema script statement by statement (``executescript`` would commit early and
    break the surrounding transaction), then stamp the file's identity and version."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA application_id = {app_id}")
    db.execute(f"PRAGMA user_version = {version}")
