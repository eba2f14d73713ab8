"""Every period a history holds, as one records file: the time series Power BI draws.

Each run keeps its records rows as it scored them (:meth:`History.records`), so the export needs
no register of an earlier year and gives each period exactly what its scorecard showed. Runs
recorded before records were kept are named, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .core.model import Period
from .errors import UsageError
from .history import History, check_history_file
from .preflight import Input, check_outputs, output
from .outputs.records import check_records_path, write_records


@dataclass(frozen=True)
class Export:
    """What an export wrote: ``rows`` records for ``periods``; ``without_records`` are periods
    the history holds whose run stored no records (consolidate them again to include them)."""

    path: Path
    rows: int
    periods: tuple[Period, ...]
    without_records: tuple[Period, ...]


def export_history(history: str | Path, out: str | Path) -> Export:
    """Write the records of every period ``history`` holds to ``out`` (.csv, .json or .parquet),
    oldest period first, in the columns of the records file. The history is only read."""
    history, out = Path(history), Path(out)
    check_records_path(out)  # a wrong --out is a usage error whatever the history
    if not history.is_file():
        raise UsageError(f"there is no history file {history}; pass the one consolidate wrote with --history "
                         "(by default xlscorecard-history.sqlite beside the scorecard)")
    check_history_file(history)
    check_outputs([output("records", out, "--out")], [Input(history, f"the history {history}")])
    with History(history) as store:
        rows, missing = store.records()
        periods = tuple(run.period for run in store.runs() if run.period not in missing)
    write_records(rows, out)
    return Export(out, len(rows), periods, tuple(missing))
