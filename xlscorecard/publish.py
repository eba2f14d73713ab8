"""Writing a run's outputs all or nothing, once its returns are read and scored.

The scorecard and the records are written to temporary files beside their targets while the
history records the run (in a second process when that is safe and pays: alongside.py). Only
when both files are written is the history let commit, and only once it has are the files
moved into place. So if any step fails, no file is replaced and the history is not changed.
The one case where part is written, a file that cannot be moved into place after the history
committed (a colleague opened the scorecard in Excel during the run), is a
:class:`~xlscorecard.errors.PartlyWritten` whose one sentence says what was written and what not.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .alongside import Alongside
from .errors import OutputError, PartlyWritten
from .history import History
from .core.model import Observation, Period
from .outputs.atomic import Staged
from .outputs.records import record_rows, write_records_to
from .stopping import HeldStops

if TYPE_CHECKING:
    from .pipeline import Assessment
    from .core.deadlines import ServiceReturn

# Up to this many indicators the history is written by a second process while the scorecard is
# (alongside.py). Above it, a hub's consolidation of hundreds of councils, the two processes'
# memory would grow to about twice one's (2.0 GB against 1.3 GB at 200,000 indicators, bench/),
# so the history is written after the scorecard, in this process.
ALONGSIDE_MAX_INDICATORS = 20_000


def publish(result: "Assessment", returned: list[Observation], out: Path, records: Path | None,
                   history_path: Path | None, template, returns: Sequence["ServiceReturn"]) -> None:
    """Write the scorecard and records to temporary files while the history is recorded (in a
    second process, alongside.py), let the history commit once both are written, then move them
    into place. A stop (Ctrl+C, SIGTERM) is held back from the commit until the files are placed."""
    held = HeldStops()
    staged: list[Staged] = []

    def record(ready: Callable[[], None], go: Callable[[], None]) -> None:
        if history_path is None:
            ready()
            go()
            return
        _record_history(history_path, result, returned, ready, go)

    creating = HeldStops()  # a stop between making a temporary file and listing it would leave it behind
    try:
        creating.start()
        try:
            staged.append(Staged(out))
            if records is not None:
                staged.append(Staged(records))
        finally:
            creating.release()
        with Alongside(record, fork=len(result.indicators) <= ALONGSIDE_MAX_INDICATORS, on_go=held.start):
            with staged[0].writing() as temporary:
                _write_scorecard(temporary, result, template, returns)
            if records is not None:
                with staged[1].writing() as temporary:
                    write_records_to(record_rows(result.indicators, result.scores), temporary, records.suffix)
        _place(staged, history_path, result.period)
    finally:
        for file in staged:
            file.discard()
        committed = held.holding
        try:
            held.release()
        except KeyboardInterrupt as stop:  # it came once the history was let commit: the files were placed
            stop.finished = committed
            raise


def _record_history(path: Path, result: "Assessment", returned: list[Observation], ready, go) -> None:
    """Record the run in the history at ``path``, committing only if ``go()`` returns. A history
    this run created is removed again if the run records nothing in it."""
    created = not path.exists()
    try:
        with History(path) as store:
            store.record(result.period, result.indicators, returned, on_locked=ready, before_commit=go,
                         met_or_within_pct=result.total.target.met_or_within_pct)
    except BaseException:
        if created:
            _remove_if_unused(path)
        raise


def _remove_if_unused(path: Path) -> None:
    if not path.exists():
        return
    try:  # read-only: connecting must not make the file it looks for
        with contextlib.closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
            used = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    except sqlite3.Error:  # no tables yet: nothing was recorded in it
        used = 0
    if not used:
        with contextlib.suppress(OSError):
            path.unlink()


def _place(staged: Sequence, history_path: Path | None, period: Period) -> None:
    """Move each new file into place; if one cannot be, say in one sentence what was written
    (the history, the files placed, a copy kept under another name) and what was not."""
    placed, failed = [], []
    for file in staged:
        try:
            file.place()
            placed.append(file.target)
        except OutputError as error:
            failed.append(error)
    if not failed:
        return
    written = ([f"the history {history_path} was updated for {period.label}"] if history_path else []) + [
        f"{target} was written" for target in placed]
    if not written and not any(error.kept for error in failed):
        raise failed[0]
    done = " and ".join(written) if written else "nothing else was written"
    raise PartlyWritten("; ".join(str(error) for error in failed) + f"; {done}")


def _write_scorecard(path: Path, result: "Assessment", template, returns: Sequence["ServiceReturn"]) -> None:
    from .outputs.scorecard import ScorecardData, load_template, write_scorecard

    previous = result.previous
    data = ScorecardData(
        period=result.period, indicators=result.indicators, scores=result.scores,
        observations=result.observations, findings=result.findings, sources=result.sources,
        tolerance=result.tolerance,
        previous_headline_pct=previous.met_or_within_pct if previous else None,
        previous_label=previous.period.long_label if previous else None, returns=returns,
        benchmarks=result.benchmarks, outside_register=result.outside_register,
    )
    loaded = load_template(template) if template is not None else None
    write_scorecard(data, path, loaded)
