"""Read the returns people actually send into indicator records, and account for every cell.

Layouts are tried in the order of :data:`LAYOUTS` on each sheet's recognised header; the first
whose ``sniff`` accepts it reads the sheet. To support a new layout, add a module with ``sniff``
and ``read`` (sharing :mod:`.rows`) and list it here. :func:`read_return` reads one file and
:func:`read_folder` a folder of returns; neither lets an exception escape.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from ..model import Finding, Indicator, Observation, Period, Severity, Source, SourceFile, parse_period
from . import measure_grid, template, wide
from .claims import PublishedClaim, check_claims
from .rows import ReadContext, SheetRecords
from .safety import DEFAULT_LIMITS, Limits
from .workbook import read_tables


class Layout(NamedTuple):
    """A return layout: its name, whether a recognised header is one of it, and its reader."""

    name: str
    sniff: Callable
    read: Callable[..., SheetRecords]


# Order matters: long values before the indicator sheet (both have ref and name), the wide
# layout (refs and value columns) before the grid (value columns, names but no refs).
LAYOUTS: tuple[Layout, ...] = (
    Layout(template.VALUES_NAME, template.sniff_values, template.read_values),
    Layout(template.INDICATORS_NAME, template.sniff_indicators, template.read_indicators),
    Layout(wide.NAME, wide.sniff, wide.read),
    Layout(measure_grid.NAME, measure_grid.sniff, measure_grid.read),
)


@dataclass(frozen=True)
class ReturnResult:
    """What one return gave: its indicators and observations, every finding, and the file's
    identity. ``claims`` are the results the return printed (variance, DOT), for checking."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    source_file: SourceFile | None
    claims: tuple[PublishedClaim, ...] = ()


@dataclass(frozen=True)
class FolderResult:
    """Every return in a folder, consolidated: the register applied, duplicates reported."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceFile, ...] = field(default=())

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def describe_file(path: Path) -> SourceFile:
    """Size, modification time and SHA-256 of a return, for the Sources sheet and for audit."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    stat = path.stat()
    return SourceFile(str(path), stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc),
                      digest.hexdigest())


def read_return(path: str | Path, *, period_hint: Period | str | None = None,
                register: "Register | None" = None, limits: Limits = DEFAULT_LIMITS) -> ReturnResult:
    """Read one return. Problems, including unexpected ones, come back as findings."""
    path = Path(path)
    try:
        hint = None if period_hint is None else parse_period(period_hint)
        return _read_return(path, hint, register, limits)
    except Exception as error:  # noqa: BLE001 - one odd file must never stop the other returns
        finding = Finding(Severity.ERROR, f"could not read this file: {type(error).__name__}: {error}",
                          Source(str(path)), action="file skipped; please report this to the xlscorecard maintainers")
        return ReturnResult((), (), (finding,), _describe_if_possible(path))


def _describe_if_possible(path: Path) -> SourceFile | None:
    try:
        return describe_file(path)
    except OSError:
        return None


def _read_return(path: Path, hint: Period | None, register, limits: Limits) -> ReturnResult:
    source_file = describe_file(path)
    outcome = read_tables(path, LAYOUTS, hint, limits)
    indicators, observations = list(outcome.indicators), list(outcome.observations)
    findings = list(outcome.findings)
    if register is not None:
        indicators, register_findings = register.apply(indicators)
        findings.extend(register_findings)
    # Claims are checked after the register is applied: its targets are the ones that count.
    by_ref = {indicator.ref: indicator for indicator in indicators}
    findings.extend(check_claims(outcome.claims, by_ref, observations))
    layout = ", ".join(outcome.layouts) or None
    source_file = SourceFile(source_file.path, source_file.size, source_file.modified, source_file.sha256,
                             len(observations), layout)
    return ReturnResult(tuple(indicators), tuple(observations), tuple(findings), source_file,
                        tuple(outcome.claims))


from .folder import Register, read_folder  # noqa: E402  (folder builds on read_return)

__all__ = ["FolderResult", "LAYOUTS", "Layout", "Limits", "Register", "ReturnResult", "read_folder",
           "read_return"]
