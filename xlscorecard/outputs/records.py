"""The tidy indicator records: one row per indicator for the reporting period.

For Power BI, pivot tables and checks. Written as CSV, JSON or Parquet with exactly the columns
of :data:`COLUMNS`. Text from returns never becomes executable in a spreadsheet that opens the
CSV: a text field starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed
with a single quote, as OWASP's CSV-injection guidance recommends; numbers stay numbers.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import OutputError
from ..marks import PARQUET_KEY
from ..core.model import Indicator, Rag, Score
from .atomic import atomic_output

COLUMNS = (
    "ref", "indicator", "priority", "outcome", "tier", "polarity", "frequency", "period", "value",
    "target", "variance_pct", "rag", "dot", "trend", "quartile", "note", "source_file",
    "source_sheet", "source_cell",
)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = (".csv", ".json", ".parquet")
PARQUET_NEEDS = "writing .parquet records needs pyarrow: pip install 'xlscorecard[parquet]'"


def record_rows(indicators: Iterable[Indicator], scores: Iterable[Score]) -> list[dict]:
    """One row per scored indicator, in the order of ``scores``; not-due indicators are left
    out (they have nothing to report for the period)."""
    by_ref = {i.ref: i for i in indicators}
    rows = []
    for score in scores:
        if score.rag is Rag.NOT_DUE:
            continue
        indicator = by_ref[score.ref]
        source = score.source
        rows.append({
            "ref": score.ref, "indicator": indicator.name, "priority": indicator.priority,
            "outcome": indicator.outcome, "tier": indicator.tier, "polarity": indicator.polarity.value,
            "frequency": indicator.frequency.value,
            "period": (score.value_period or score.period).label,
            "value": score.value, "target": score.target,
            "variance_pct": None if score.variance is None else round(score.variance, 4),
            "rag": score.rag.value, "dot": score.dot.value, "trend": score.trend.value,
            "quartile": score.quartile,
            "note": score.gap_reason if score.rag is Rag.GAP else _flagged(score),
            "source_file": source.path if source else None,
            "source_sheet": source.sheet if source else None,
            "source_cell": source.cell if source else None,
        })
    return rows


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
        raise OutputError(f"cannot write records to {path.name}: use a .csv, .json or .parquet file name")
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
            writer.writerow({k: _csv_cell(row[k]) for k in COLUMNS})


def _csv_cell(value):
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def _write_json(rows, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump([{k: row[k] for k in COLUMNS} for row in rows], handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def _write_parquet(rows, path: Path) -> None:
    try:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise OutputError(PARQUET_NEEDS) from error
    frame = pd.DataFrame([{k: row[k] for k in COLUMNS} for row in rows], columns=list(COLUMNS))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), PARQUET_KEY: b"records"})
    pq.write_table(table, path)


def _flagged(score) -> str | None:
    """The scored value's note, with its marker first when the return marked it (provisional)."""
    if score.flag in ("provisional", "revised", "estimated"):
        return f"{score.flag} figure" + (f"; {score.note}" if score.note else "")
    return score.note
