"""What the command line prints: a run's summary, a findings table, a progress bar."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from .core.checks import caveat_line, return_caveats
from .core.model import Severity, file_shown
from .core.summary import coverage_changed
from .core.words import plural

class Progress:
    """A progress bar on stderr while reading, once the run knows there are more than a few files."""

    def __init__(self):
        self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def start(self, count: int) -> None:
        if count > 5:
            self._bar = click.progressbar(length=count, label="Reading returns", file=sys.stderr,
                                          item_show_func=lambda path: path.name if path else "")
            self._bar.__enter__()

    def advance(self, path: Path) -> None:
        if self._bar is not None:
            self._bar.update(1, path)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def consolidation_summary(result) -> str:
    """The few lines a performance officer reads after a run."""
    counts = result.total.target
    chosen = " (the latest period the returns agree on)" if result.period_inferred else ""
    registers = [s for s in result.sources if s.role == "register"]
    register = (f" (and the register {', '.join(file_shown(s.path, result.returns_dir) for s in registers)})"
                if registers else "")
    lines = [
        f"Period: {result.period.long_label}{chosen}",
        f"Returns read: {len(result.sources) - len(registers)}{register}; indicators: {len(result.scores)}",
        f"Green {counts.on_target}, amber {counts.within_tolerance}, red {counts.off_target}, "
        f"data gaps {counts.gaps}, no target {counts.no_target}",
        f"Findings: {plural(result.count(Severity.ERROR), 'error')}, "
        f"{plural(result.count(Severity.WARNING), 'warning')}, {result.count(Severity.INFO)} for information",
    ]
    from .pipeline import NO_REGISTER

    lines += [f"Register: {f.message}; {f.action}" for f in result.findings if f.message.startswith(NO_REGISTER)]
    caveats = return_caveats(result.findings)
    if caveats:
        lines.append("Returns read with caveats (see the Data quality sheet):")
        lines.extend(f"  {caveat_line(path, kinds, getattr(result, 'returns_dir', None))}" for path, kinds in caveats)
    kept = dict(result.kept_elsewhere)
    lines.append(history_line(result.history_use))
    lines.append(f"Scorecard: {kept.get(result.scorecard, result.scorecard)}")
    if result.records:
        lines.append(f"Records: {kept.get(result.records, result.records)}")
    lines.insert(3, headline_line(counts, result.previous, result.tolerance))
    return "\n".join(lines)


def history_line(use, looked_for: str | None = None) -> str:
    """Which history a run used and what it gave: "History: reports/xlscorecard-history.sqlite
    (new: no earlier periods, so no direction of travel from it)". ``looked_for`` names where
    the default history was looked for, when a command found none there."""
    from .pipeline import HISTORY_NAME

    if use is None or use.path is None:
        if looked_for:
            return (f"History: none ({HISTORY_NAME} is not in {looked_for}; pass --history FILE): direction of "
                    "travel only from the periods the returns give")
        return "History: none (--no-history): direction of travel only from the periods the returns give"
    if not use.periods:
        state = "it holds no period but this one" if use.replaces else "empty" if use.existed else "new"
        said = f"History: {use.path} ({state}: no earlier periods, so no direction of travel from it"
    else:
        held = use.periods[0].label if len(use.periods) == 1 else f"{use.periods[0].label} to {use.periods[-1].label}"
        compared = (f"compared with {use.compared_with.long_label}" if use.compared_with else
                    "none for the previous period, so the headline has no comparison")
        said = f"History: {use.path} (holds {plural(len(use.periods), 'other period')}, {held}; {compared}"
    if use.updated and use.replaces:
        return said + "; this period's earlier run in it was replaced by this one's figures)"
    return said + ("; updated with this period)" if use.updated else ")")


def kept_elsewhere_lines(kept) -> list[str]:
    """One sentence per output saved under another name because its file was open."""
    return [f"{target} is open in another program (Excel?), so it was left as it was; the new file was saved as "
            f"{copy}: close {target.name} and rename the new file, or run again" for target, copy in kept]


def headline_line(counts, previous, tolerance: float) -> str:
    """The headline with its base, and the previous period's figure with its own base when the
    coverage changed: "Headline: 64% of the 58 indicators with data met or were within 5% of
    target (2 data gaps); Quarter 2 2020/21: 62%"."""
    gaps = f" ({plural(counts.gaps, 'data gap')})" if counts.gaps else ""
    line = (f"Headline: {counts.met_or_within_pct}% of the {plural(counts.with_data, 'indicator')} with data "
            f"met or were within {tolerance:g}% of target{gaps}" if counts.with_data else
            f"Headline: no indicator has data and a target{gaps}, so no share of targets met can be given")
    if previous is None or previous.met_or_within_pct is None:
        return line
    before = f"{previous.period.long_label}: {previous.met_or_within_pct}%"
    if previous.with_data is not None and coverage_changed(previous.with_data, counts.with_data):
        before += f" of {plural(previous.with_data, 'indicator')} with data (not like for like)"
    return f"{line}; {before}"


def format_layouts(sources, folder=None) -> str:
    """How each return was read: one line per table, under the file's name (its path relative
    to the returns ``folder`` when it is in a subfolder)."""
    lines = []
    for source in sorted(sources, key=lambda s: s.path):
        lines.append(f"{file_shown(source.path, folder)}: {source.layout or 'no table recognised'}")
        lines.extend(f"  {line}" for line in source.tables)
    return "\n".join(lines)


def format_findings(findings, folder=None) -> str:
    """Findings as a plain-text table: severity, file, sheet!cell, ref, message and action. A file
    in a subfolder of the returns ``folder`` is named by its path relative to it."""
    header = ("severity", "file", "where", "ref", "finding")
    rows = [header] + [
        (f.severity.label, file_shown(f.source.path, folder),
         str(replace(f.source, path=None)),
         f.ref or "", f.message + (f" -> {f.action}" if f.action else ""))
        for f in findings
    ]
    widths = [min(max(len(row[i]) for row in rows), 40) for i in range(len(header) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
                     for row in rows) if findings else "No findings."
