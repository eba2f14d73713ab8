"""Checks on what was scored, that the scorecard must not keep quiet about (pure: no file I/O).

The value scored is the latest reported up to the end of the period (SPEC rule 2). When the
period's own later cell held something that is not a figure ("459.4 (pending)", an Excel error,
a note), an earlier month's value is scored instead: that is right by the rule, and wrong to do
silently, because the cell that was meant to be scored is the one with the problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath as Path

from .model import EARLIER_VALUE, NOT_IN_REGISTER, PARTLY_READ, RETURN_CAVEATS, Finding, Observation, Score, Severity


def earlier_value_findings(scores: Sequence[Score], observations: Iterable[Observation]) -> list[Finding]:
    """A warning for each score whose value comes from an earlier month than a cell of the
    period that held something other than a figure, naming that cell."""
    later: dict[str, list[Observation]] = {}
    for o in observations:
        if o.value is None and (o.note or o.flag):
            later.setdefault(o.ref, []).append(o)
    findings = []
    for score in scores:
        if score.value is None or score.value_period is None or score.ref not in later:
            continue
        blocked = [o for o in later[score.ref]
                   if score.period.contains(o.period) and score.value_period < o.period]
        if not blocked:
            continue
        cell = max(blocked, key=lambda o: o.period)
        what = cell.raw if cell.raw else cell.note
        findings.append(Finding(
            Severity.WARNING, f"{cell.period.label} holds {what!r}, not a figure, so {score.value_period.label}'s "
            f"value ({score.value:g}) was scored for {score.period.label}", cell.source, score.ref,
            f"{score.value_period.label} scored; put a figure in the cell (or '-' when there is none) to score "
            f"{cell.period.label}", kind=EARLIER_VALUE))
    return findings


def return_caveats(findings: Iterable[Finding]) -> list[tuple[str, dict[str, int]]]:
    """Per return (by path, in order), how many cells or refs each caveat covers: read only in
    part, refs not in the register, values scored from an earlier month (RETURN_CAVEATS)."""
    by_path: dict[str, dict[str, int]] = {}
    for finding in findings:
        if finding.kind in RETURN_CAVEATS and finding.source.path:
            kinds = by_path.setdefault(finding.source.path, {})
            kinds[finding.kind] = kinds.get(finding.kind, 0) + finding.count
    return sorted(by_path.items())


def caveat_line(path: str, kinds: dict[str, int]) -> str:
    """``housing.xlsx: only partly read (12 cells no rule could place); 2 refs or names not in
    the register``."""
    words = {PARTLY_READ: "only partly read ({} cells or rows no rule could place)",
             NOT_IN_REGISTER: "{} refs or names not in the register",
             EARLIER_VALUE: "{} indicators scored on an earlier month because the period's cell is not a figure"}
    return f"{Path(path).name}: " + "; ".join(words[kind].format(count) for kind, count in kinds.items())
