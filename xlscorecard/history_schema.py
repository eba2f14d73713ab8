"""The history file's tables, and the steps that upgrade an older file in place.

A file carries its schema version in SQLite's ``user_version`` and xlscorecard's mark in its
``application_id`` (:data:`xlscorecard.marks.APPLICATION_ID`).
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 5

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
    # 2 -> 3: each run keeps what it was told, one value per indicator and period, whatever file
    # gave it (keyed on the file, a value restated from another folder stood beside the one it
    # replaced, and a re-run replacing a row of an earlier run lost that run's value); and the
    # name each run gave each indicator, to say when a name changed within a framework year.
    """
    CREATE TABLE observations_v3 (
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
        PRIMARY KEY (framework_year, ref, period, run_period)
    );
    INSERT OR REPLACE INTO observations_v3 SELECT * FROM observations ORDER BY rowid;
    DROP TABLE observations;
    ALTER TABLE observations_v3 RENAME TO observations;
    CREATE INDEX observations_by_ref ON observations (ref, period_end, source_path);
    CREATE INDEX observations_by_run ON observations (run_period);
    CREATE TABLE names (
        framework_year TEXT NOT NULL,
        ref TEXT NOT NULL,
        run_period TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (framework_year, ref, run_period)
    );
    INSERT OR IGNORE INTO names SELECT DISTINCT o.framework_year, o.ref, o.run_period, i.name
        FROM observations o JOIN indicators i ON i.framework_year = o.framework_year AND i.ref = o.ref
    """,
    # 3 -> 4: each run's records as it scored them (JSON, the records file's columns), so that
    # `xlscorecard export` gives every period in the same columns without the registers of
    # earlier years. Runs recorded before this have none (export names them).
    """
    CREATE TABLE records (
        run_period TEXT NOT NULL,
        position INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (run_period, position)
    )
    """,
    # 4 -> 5: the headline's base (how many indicators had data) beside its percentage, so the
    # next period can say when the two figures are not of the same coverage.
    """
    ALTER TABLE runs ADD COLUMN with_data INTEGER
    """,
)
# A new history file gets the first schema and every migration at once.
_SCHEMA = ";".join((_SCHEMA_V1, *_MIGRATIONS))


def _run_script(db: sqlite3.Connection, script: str, app_id: int, version: int) -> None:
    """Run a schema script statement by statement (``executescript`` would commit early and
    break the surrounding transaction), then stamp the file's identity and version."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA application_id = {app_id}")
    db.execute(f"PRAGMA user_version = {version}")
