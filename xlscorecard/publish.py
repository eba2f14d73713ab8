"""Writing a run's outputs all or nothing, once its returns are read and scored.

The history records the run in one transaction. Before it commits, the scorecard and the
records are written to temporary files beside their targets, with the restated values the
recording found among their findings; only when both are written does the history commit, and
only once it has are the files moved into place. So if any step fails, no file is replaced and
the history is not changed. A file that cannot replace its target because a colleague opened the
target in Excel during the run is saved beside it under a free name, and the run says where: every
output was written, one under another name. The one case where part is written, a file that
cannot be placed at all after the history committed, is a
:class:`~xlscorecard.errors.PartlyWritten` whose one sentence says what was written and what not.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OutputError, PartlyWritten
from .history import History
from .core.model import Finding, Observation, Period
from .outputs.atomic import Staged
from .outputs.records import as_plain, record_rows, write_records_to
from .outputs.scorecard.style import load_template
from .stopping import HeldStops

if TYPE_CHECKING:
    from .pipeline import Assessment
    from .core.deadlines import ServiceReturn


def publish(result: "Assessment", returned: list[Observation], out: Path, records: Path | None,
            history_path: Path | None, template,
            returns_of: Callable[["Assessment"], Sequence["ServiceReturn"]],
            profile: str = "print") -> tuple["Assessment", list[tuple[Path, Path]]]:
    """Record the run in the history; before it commits, write the scorecard and records to
    temporary files (with the restatements the recording found); then move them into place.
    A stop (Ctrl+C, SIGTERM) is held back from the commit until the files are placed. Returns
    the assessment as written, its findings including the restatements, and the files kept
    under another name because their target was open: (target, kept)."""
    held = HeldStops()
    staged: list[Staged] = []
    written = result
    loaded = load_template(template) if template is not None else None
    # The same rows go to the records file and into the history (for `export`); restatements
    # change the findings, never the scores, so they are made once, before recording.
    rows = [as_plain(row) for row in record_rows(result.indicators, result.scores, base=result.returns_dir,
                                                 priority_names=_priority_names(result, loaded))]

    def write_outputs(restated: list[Finding]) -> None:
        nonlocal written
        if restated:
            written = replace(result, findings=tuple(sorted([*result.findings, *restated], key=Finding.sort_key)))
        with staged[0].writing() as temporary:
            _write_scorecard(temporary, written, loaded, returns_of(written), profile)
        if records is not None:
            with staged[1].writing() as temporary:
                write_records_to(rows, temporary, records.suffix)
        held.start()  # from the commit to the last file placed, a stop waits

    creating = HeldStops()  # a stop between making a temporary file and listing it would leave it behind
    try:
        creating.start()
        try:
            staged.append(Staged(out))
            if records is not None:
                staged.append(Staged(records))
        finally:
            creating.release()
        if history_path is None:
            write_outputs([])
        else:
            _record_history(history_path, result, returned, rows, write_outputs)
        kept = _place(staged, history_path, result.period)
    finally:
        for file in staged:
            file.discard()
        committed = held.holding
        try:
            held.release()
        except KeyboardInterrupt as stop:  # it came once the history was let commit: the files were placed
            stop.finished = committed
            raise
    return written, kept


def _record_history(path: Path, result: "Assessment", returned: list[Observation], rows: list[dict],
                    before_commit: Callable[[list[Finding]], None]) -> None:
    """Record the run in the history at ``path``, calling ``before_commit`` with the findings
    the recording gives before it commits. A history this run created is removed again if the
    run records nothing in it."""
    created = not path.exists()
    try:
        with History(path) as store:
            store.record(result.period, result.indicators, returned, before_commit=before_commit,
                         met_or_within_pct=result.total.target.met_or_within_pct,
                         with_data=result.total.target.with_data, records=rows)
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


def _place(staged: Sequence, history_path: Path | None, period: Period) -> list[tuple[Path, Path]]:
    """Move each new file into place, or beside its target under a free name when the target is
    open in another program (returned as (target, kept)); if one cannot be placed at all, say in
    one sentence what was written (the history, the files placed or kept) and what was not."""
    placed, failed, kept = [], [], []
    for file in staged:
        try:
            file.place()
            placed.append(file.target)
        except OutputError as error:
            if error.kept is not None:
                kept.append((file.target, Path(error.kept)))
            else:
                failed.append(error)
    if not failed:
        return kept
    written = ([f"the history {history_path} was updated for {period.label}"] if history_path else []) + [
        f"{target} was written" for target in placed] + [f"the new {target.name} was saved as {copy}"
                                                          for target, copy in kept]
    if not written:
        raise failed[0]
    raise PartlyWritten("; ".join(str(error) for error in failed) + f"; {' and '.join(written)}")


def scorecard_data(result: "Assessment", returns: Sequence["ServiceReturn"] = ()):
    """What the scorecard (and the committee report, from the same consolidation) lays out."""
    from .outputs.scorecard import ScorecardData

    previous = result.previous
    return ScorecardData(
        period=result.period, indicators=result.indicators, scores=result.scores,
        observations=result.observations, findings=result.findings, sources=result.sources,
        tolerance=result.tolerance,
        previous_headline_pct=previous.met_or_within_pct if previous else None,
        previous_with_data=previous.with_data if previous else None,
        previous_label=previous.period.long_label if previous else None, returns=returns,
        benchmarks=result.benchmarks, outside_register=result.outside_register, series=result.series,
        council=result.framework.council, priority_order=result.framework.priority_order,
        priority_names=result.framework.priority_names, priority_shorts=result.framework.priority_shorts,
        returns_dir=str(result.returns_dir) if result.returns_dir is not None else None,
    )


def _priority_names(result: "Assessment", template) -> dict[str, str]:
    """Each priority's name as the scorecard's sheets give it."""
    from .outputs.scorecard.data import Scorecard

    card = Scorecard(scorecard_data(result), template or load_template())
    return {group.key: group.name for group in card.groups}


def _write_scorecard(path: Path, result: "Assessment", template, returns: Sequence["ServiceReturn"],
                     profile: str = "print") -> None:
    data = scorecard_data(result, returns)
    if profile == "publish":  # the accessible workbook for the council's website (outputs/publish_workbook)
        from .outputs.publish_workbook import write_publish_workbook
        write_publish_workbook(data, path, template)
    else:
        from .outputs.scorecard import write_scorecard
        write_scorecard(data, path, template)
