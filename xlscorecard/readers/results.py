"""What reading gives back: per return, and for a whole folder of returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ComparatorValue, Finding, Indicator, Observation, Severity, SourceFile
from .claims import PublishedClaim


@dataclass(frozen=True)
class ReturnResult:
    """What one return gave: its indicators and observations, every finding, and the file's
    identity. ``claims`` are the results the return printed (variance, DOT), for checking."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    source_file: SourceFile | None
    claims: tuple[PublishedClaim, ...] = ()
    comparators: tuple[ComparatorValue, ...] = ()


@dataclass(frozen=True)
class FolderResult:
    """Every return in a folder, consolidated: the register applied, duplicates reported."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceFile, ...] = field(default=())
    comparators: tuple[ComparatorValue, ...] = field(default=())

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)
