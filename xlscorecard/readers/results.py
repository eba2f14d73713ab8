"""What reading gives back: per return, and for a whole folder of returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.framework import Framework
from ..core.model import PublishedClaim, ComparatorValue, Finding, Indicator, Observation, Severity, SourceFile
from .layout_report import TableReport


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
    tables: tuple[TableReport, ...] = ()
    unrecognised: tuple[TableReport, ...] = ()
    # Refs this return used that the register does not have (kept, scored apart).
    outside_register: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FolderResult:
    """Every return in a folder, consolidated: the register applied, duplicates reported."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceFile, ...] = field(default=())
    comparators: tuple[ComparatorValue, ...] = field(default=())
    # Indicators the returns describe or give values for that the register does not have, and
    # the refs the register has (empty without a register).
    outside_register: frozenset[str] = field(default=frozenset())
    registered: frozenset[str] = field(default=frozenset())
    # What the returns printed as their results, for the pipeline to check (core.checks).
    claims: tuple[PublishedClaim, ...] = field(default=())
    # The council's name and priorities from the register's Framework sheet (None without a register).
    framework: Framework | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)
