"""Checks on what was scored, that the scorecard must not keep quiet about (pure: no file I/O).

The value scored is the latest reported up to the end of the period (SPEC rule 2). When the
period's own later cell held something that is not a figure ("459.4 (pending)", an Excel error,
a note), an earlier month's value is scored instead: that is right by the rule, and wrong to do
silently, because the cell that was meant to be scored is the one with the problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from ..errors import XlscorecardError
from .scoring import period_target, score_indicator
from .model import (EARLIER_VALUE, NOT_IN_REGISTER, PARTLY_READ, RETURN_CAVEATS, Finding, Indicator, Observation,
                    PublishedClaim, Score, Severity, file_shown)


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
        findings.append(Finding(
            Severity.WARNING, f"{cell.period.label} {_why_no_figure(cell)}, so {score.value_period.label}'s "
            f"value ({score.value:g}) was scored for {score.period.label}", cell.source, score.ref,
            f"{score.value_period.label} scored; " + _what_to_do(cell), kind=EARLIER_VALUE))
    return findings


def period_target_findings(indicators: Iterable[Indicator], observations: Iterable[Observation],
                           registered: frozenset[str]) -> list[Finding]:
    """A period target a return gives that differs from the framework's own target for that
    period. The return's is used (SPEC rule 1), but the framework should not be overridden
    without anyone seeing it."""
    by_ref = {i.ref: i for i in indicators if i.ref in registered}
    findings = []
    for o in observations:
        indicator = by_ref.get(o.ref)
        if indicator is None or o.period_target is None:
            continue
        framework = period_target(indicator, o.period)
        if framework is not None and not math.isclose(framework, o.period_target, rel_tol=1e-6, abs_tol=1e-9):
            findings.append(Finding(
                Severity.WARNING, f"period target in the return ({o.period_target:g}) differs from the register's "
                f"target for {o.period.label} ({framework:g})", o.source, o.ref,
                "the return's period target used (a target given for the period wins); correct whichever is wrong"))
    return findings


# A percentage typed as a fraction (0.52 for 52%) sits about a hundred times below its target.
FRACTION_RATIO = (0.2, 5.0)


def fraction_findings(scores: Sequence[Score]) -> list[Finding]:
    """A value that looks like a percentage typed as a fraction: 0.52 against a target of 50."""
    findings = []
    for score in scores:
        value, target = score.value, score.target
        if value is None or not target or not 0 < abs(value) < 1.5 or abs(target) < 5:
            continue
        if FRACTION_RATIO[0] <= value * 100 / target <= FRACTION_RATIO[1]:
            findings.append(Finding(
                Severity.WARNING, f"value {value:g} against a target of {target:g}: a percentage typed as a "
                f"fraction?", score.source, score.ref,
                f"scored as {value:g}; if it is {value * 100:g}%, type {value * 100:g} or format the cell as a "
                "percentage"))
    return findings


def _why_no_figure(cell: Observation) -> str:
    if cell.flag == "suppressed":
        return f"is suppressed ({cell.raw!r})"
    if cell.flag == "conflict":
        return "has conflicting values in the returns"
    if cell.raw:
        return f"holds {cell.raw!r}, not a figure"
    return f"has no figure (the return's note: {cell.note!r})"


def _what_to_do(cell: Observation) -> str:
    if cell.flag == "suppressed":
        return f"{cell.period.label}'s figure is withheld; the scorecard shows the earlier month's"
    if cell.flag == "conflict":
        return "correct one of the returns"
    return f"put a figure in the cell (or '-' when there is none) to score {cell.period.label}"


def return_caveats(findings: Iterable[Finding]) -> list[tuple[str, dict[str, int]]]:
    """Per return (by path, in order), how many cells or refs each caveat covers: read only in
    part, refs not in the register, values scored from an earlier month (RETURN_CAVEATS)."""
    by_path: dict[str, dict[str, int]] = {}
    for finding in findings:
        if finding.kind in RETURN_CAVEATS and finding.source.path:
            kinds = by_path.setdefault(finding.source.path, {})
            kinds[finding.kind] = kinds.get(finding.kind, 0) + finding.count
    return sorted(by_path.items())


def caveat_line(path: str, kinds: dict[str, int], folder=None) -> str:
    """``housing.xlsx: only partly read (12 cells no rule could place); 2 refs or names not in
    the register``; a return in a subfolder of the returns ``folder`` is named by its path
    relative to it (``Housing/housing.xlsx``)."""
    words = {PARTLY_READ: ("only partly read (1 cell or row no rule could place)",
                           "only partly read ({} cells or rows no rule could place)"),
             NOT_IN_REGISTER: ("1 ref or name not in the register", "{} refs or names not in the register"),
             EARLIER_VALUE: ("1 indicator scored on an earlier month because the period's cell is not a figure",
                             "{} indicators scored on an earlier month because the period's cell is not a figure")}
    return f"{file_shown(path, folder)}: " + "; ".join(words[kind][count != 1].format(count) for kind, count in kinds.items())


# Variances are printed to two decimals; anything closer than this is the same figure.
VARIANCE_TOLERANCE = 0.01


def check_claims(claims: Iterable[PublishedClaim], indicators: Mapping[str, Indicator],
                 observations: list[Observation]) -> list[Finding]:
    """Compare each claim with the score computed from the same return's values."""
    findings = []
    by_ref: dict[str, list[Observation]] = {}
    for observation in observations:
        by_ref.setdefault(observation.ref, []).append(observation)
    for claim in claims:
        indicator = indicators.get(claim.ref)
        if indicator is None:
            continue
        try:
            score = score_indicator(indicator, by_ref.get(claim.ref, []), claim.period)
        except XlscorecardError:
            continue
        if claim.variance is not None and score.variance is not None \
                and abs(round(score.variance, 2) - claim.variance) > VARIANCE_TOLERANCE:
            findings.append(Finding(
                Severity.WARNING,
                f"published % variance {claim.variance:.2f} differs from computed {score.variance:.2f} "
                f"(value {score.value:g} for {score.value_period.label}, target {score.target:g})",
                claim.variance_source, claim.ref, "computed figure used; check the return's target or formula"))
        if claim.dot is not None and score.dot.value not in ("none", claim.dot):
            findings.append(Finding(
                Severity.WARNING, f"published DOT '{claim.dot}' differs from computed '{score.dot.value}'",
                claim.dot_source, claim.ref, "computed DOT used"))
        if claim.rag is not None and score.rag.value in ("green", "amber", "red") and score.rag.value != claim.rag:
            findings.append(Finding(
                Severity.WARNING, f"published RAG '{claim.rag}' differs from computed '{score.rag.value}'",
                claim.rag_source, claim.ref, "computed RAG used"))
        if claim.trend is not None and score.trend.value not in ("none", claim.trend):
            findings.append(Finding(
                Severity.WARNING, f"published trend '{claim.trend}' differs from computed '{score.trend.value}'",
                claim.trend_source, claim.ref, "computed trend used"))
    return findings
