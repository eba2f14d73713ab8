"""The tidy indicator records: one row per indicator for the reporting period.

For Power BI, pivot tables and checks. Written as CSV, JSON or Parquet with exactly the columns
of :data:`COLUMNS`. Text from returns never becomes executable in a spreadsheet that opens the
CSV: a text field starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed
with a single quote, as OWASP's CSV-injection guidance recommends; numbers stay numbers.
"""

from __future__ import annotations

import csv
import importlib.util
import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import OutputError, WrongOutputType
from ..marks import PARQUET_KEY
from ..core.model import Dot, Indicator, Rag, Score, Trend
from .atomic import atomic_output

# The columns, in order, with the one type each has in every format (documented in
# templates/README.md, "The records file"): text, a whole number, a number, or a date (ISO
# 8601 text in CSV and JSON, a date in Parquet). A missing value is null in JSON and Parquet and
# an empty field in CSV, never the text "none".
COLUMN_TYPES = {
    "ref": "text", "indicator": "text", "service": "text", "priority": "text", "priority_name": "text",
    "outcome": "text", "tier": "integer", "polarity": "text", "frequency": "text",
    "reporting_period": "text", "reporting_period_start": "date", "reporting_period_end": "date",
    "period": "text", "period_start": "date", "period_end": "date",
    "value": "number", "target": "number", "variance_pct": "number", "rag": "text", "dot": "text",
    "trend": "text", "quartile": "integer", "note": "text",
    "source_file": "text", "source_sheet": "text", "source_cell": "text",
}
COLUMNS = tuple(COLUMN_TYPES)
# The columns of records written before version 0.2: still recognised as xlscorecard's own
# output (xlscorecard.marks), so an old records file in a returns folder is never read as a return.
EARLIER_COLUMNS = (
    ("ref", "indicator", "priority", "outcome", "tier", "polarity", "frequency", "period", "value",
     "target", "variance_pct", "rag", "dot", "trend", "quartile", "note", "source_file",
     "source_sheet", "source_cell"),
)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = (".csv", ".json", ".parquet")
PARQUET_NEEDS = "writing .parquet records needs pyarrow: pip install 'xlscorecard[parquet]'"
# "No direction of travel" and "no trend" are missing values, not words to filter on.
_NOT_GIVEN = {Dot.NONE, Trend.NONE}


def record_rows(indicators: Iterable[Indicator], scores: Iterable[Score], *,
                priority_names: Mapping[str, str] | None = None, base: str | Path | None = None) -> list[dict]:
    """One row per scored indicator, in the order of ``scores``; not-due indicators are left
    out (they have nothing to report for the period).

    ``priority_names`` names each priority key as the scorecard does. Source files inside
    ``base`` (the returns folder) are given relative to it, with ``/`` between folders, so the
    rows do not change when the folder is moved or read from another machine. The variance is
    the unrounded percentage: the scorecard rounds it for display, and a report built on the
    records rounds it once, not twice.
    """
    by_ref = {i.ref: i for i in indicators}
    names = priority_names or {}
    rows = []
    for score in scores:
        if score.rag is Rag.NOT_DUE:
            continue
        indicator = by_ref[score.ref]
        source = score.source
        reporting, own = score.period, score.value_period or score.period
        rows.append({
            "ref": score.ref, "indicator": indicator.name, "service": indicator.service,
            "priority": indicator.priority, "priority_name": names.get(indicator.priority or ""),
            "outcome": indicator.outcome, "tier": indicator.tier, "polarity": indicator.polarity.value,
            "frequency": indicator.frequency.value,
            "reporting_period": reporting.label, "reporting_period_start": reporting.start_date,
            "reporting_period_end": reporting.end_date,
            "period": own.label, "period_start": own.start_date, "period_end": own.end_date,
            "value": score.value, "target": score.target, "variance_pct": score.variance,
            "rag": score.rag.value, "dot": None if score.dot in _NOT_GIVEN else score.dot.value,
            "trend": None if score.trend in _NOT_GIVEN else score.trend.value,
            "quartile": score.quartile,
            "note": score.gap_reason if score.rag is Rag.GAP else _flagged(score),
            "source_file": relative_path(source.path, base) if source else None,
            "source_sheet": source.sheet if source else None,
            "source_cell": source.cell if source else None,
        })
    return rows


def relative_path(path: str | None, base: str | Path | None) -> str | None:
    """``path`` relative to ``base`` when it lies inside it, with ``/`` separators.

    >>> relative_path("/data/returns/Public Health/ph.xlsx", "/data/returns")
    'Public Health/ph.xlsx'
    >>> relative_path("/elsewhere/ph.xlsx", "/data/returns")
    '/elsewhere/ph.xlsx'
    """
    if path is None or base is None:
        return path
    try:
        inside = Path(os.path.abspath(path)).relative_to(os.path.abspath(base))
    except ValueError:
        return path
    return inside.as_posix()


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with a single quote.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Rate of S47s")
    ('\\'=HYPERLINK("http://x")', 'Rate of S47s')
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def check_records_path(path: str | Path) -> None:
    """Raise :class:`OutputError` if records cannot be written to ``path``: an unknown extension,
    or Parquet without pyarrow. A run checks this before any work."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise WrongOutputType(f"cannot write records to {path.name}: use a .csv, .json or .parquet file name "
                              "(nothing was written)")
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise OutputError(PARQUET_NEEDS)


def write_records(rows: Sequence[dict], path: str | Path) -> Path:
    """Write ``rows`` to ``path``; the format follows the extension (.csv, .json, .parquet)."""
    path = Path(path)
    check_records_path(path)
    with atomic_output(path) as temporary:
        write_records_to(rows, temporary, path.suffix)
    return path


def write_records_to(rows: Sequence[dict], path: Path, suffix: str) -> None:
    """Write ``rows`` to ``path`` (a temporary file) in the format of ``suffix``, with the mark
    that keeps xlscorecard from reading them back as a return (:mod:`xlscorecard.marks`): the
    CSV's header line, the JSON's keys, Parquet's file metadata."""
    suffix = suffix.lower()
    if suffix == ".csv":
        _write_csv(rows, path)
    elif suffix == ".json":
        _write_json(rows, path)
    else:
        _write_parquet(rows, path)


def _write_csv(rows, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(v) for k, v in as_plain(row).items()})


def _csv_cell(value):
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def as_plain(row: Mapping) -> dict:
    """``row`` with exactly :data:`COLUMNS`, each of its documented type, dates as ISO text: what
    CSV and JSON hold (and the history stores). A column ``row`` lacks (a row stored by an
    earlier version) is null."""
    plain = {}
    for name, kind in COLUMN_TYPES.items():
        value = row.get(name)
        if value is None:
            plain[name] = None
        elif kind == "date":
            plain[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        elif kind == "number":
            plain[name] = float(value)
        elif kind == "integer":
            plain[name] = int(value)
        else:
            plain[name] = str(value)
    return plain


def _write_json(rows, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump([as_plain(row) for row in rows], handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def _arrow_schema(pa):
    kinds = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    return pa.schema([(name, kinds[kind]) for name, kind in COLUMN_TYPES.items()],
                     metadata={PARQUET_KEY: b"records"})


def _write_parquet(rows, path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise OutputError(PARQUET_NEEDS) from error
    plain = [as_plain(row) for row in rows]
    columns = {name: [row[name] for row in plain] for name in COLUMNS}
    for name, kind in COLUMN_TYPES.items():
        if kind == "date":
            columns[name] = [None if v is None else dt.date.fromisoformat(v) for v in columns[name]]
    # An explicit schema: a column that is null in every row keeps its type, and integers with
    # gaps stay integers (pandas would make them floats).
    pq.write_table(pa.Table.from_pydict(columns, schema=_arrow_schema(pa)), path)


def _flagged(score) -> str | None:
    """The scored value's note, with its marker first when the return marked it (provisional)."""
    if score.flag in ("provisional", "revised", "estimated"):
        return f"{score.flag} figure" + (f"; {score.note}" if score.note else "")
    return score.note
