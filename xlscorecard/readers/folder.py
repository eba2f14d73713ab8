"""Read a whole folder of returns: apply the indicator register and catch conflicting values.

The register (the performance framework) is authoritative: where a return's metadata
disagrees with it, the register wins and the disagreement is reported. Indicators are keyed by
ref *and* framework year, so a ref reused with a new meaning in a new year (CYP-01) stays a
different indicator. Two returns giving different values for the same ref and period is an
error, and neither value is used.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import ReturnError
from ..model import FinancialYear, Finding, Indicator, Observation, Period, Severity, Source, parse_period
from .listing import Listing, display, list_folder, require_file
from .one_return import read_return
from .parallel import read_returns
from .results import FolderResult, ReturnResult
from .safety import DEFAULT_LIMITS, Limits

COMPARED_FIELDS = ("name", "polarity", "annual_target", "frequency", "profile")


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.lower().split()) == " ".join(b.lower().split())
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _shown(value: object) -> str:
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float)) else f"{value!r}"


class Register:
    """The framework's indicators, per financial year; an indicator with no year applies to any."""

    def __init__(self, indicators: Iterable[Indicator], path: str | None = None):
        self.path = path
        self._by_key: dict[tuple[str, FinancialYear | None], Indicator] = {}
        for indicator in indicators:
            self._by_key.setdefault((indicator.ref, indicator.framework_year), indicator)

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(self._by_key.values())

    def lookup(self, ref: str, year: FinancialYear | None) -> Indicator | None:
        return self._by_key.get((ref, year)) or self._by_key.get((ref, None))

    def apply(self, indicators: Iterable[Indicator], path: str | None = None,
              sources: Mapping[str, Source] | None = None,
              stated: Mapping[str, frozenset[str]] | None = None) -> tuple[list[Indicator], list[Finding]]:
        """The register's version of each indicator a return describes, with a finding per
        disagreement, placed at the indicator's row in ``sources`` when known. Only fields the
        return wrote (``stated``, per ref; all when unknown) can disagree: a frequency inferred
        from the months filled in, or a default profile, is not the return's claim."""
        sources = sources or {}
        stated = stated or {}
        merged, findings = [], []
        for indicator in indicators:
            known = self.lookup(indicator.ref, indicator.framework_year)
            if known is None:
                merged.append(indicator)
                continue
            for name in stated.get(indicator.ref, COMPARED_FIELDS):
                theirs, ours = getattr(indicator, name), getattr(known, name)
                if theirs is not None and ours is not None and not _same(theirs, ours):
                    findings.append(Finding(
                        Severity.WARNING, f"{name} in the return ({_shown(theirs)}) differs from the register "
                        f"({_shown(ours)})", sources.get(indicator.ref, Source(path)), indicator.ref, "register used"))
            # The register wins, but a return may add what the register leaves blank.
            merged.append(replace(known, **{
                name: getattr(indicator, name)
                for name in ("quartile", "previous_outturn", "outcome", "tier", "priority", "annual_target")
                if getattr(known, name) is None and getattr(indicator, name) is not None
            }))
        return merged, findings


def read_folder(folder: str | Path, *, period: Period | str | None = None,
                register_path: str | Path | None = None, limits: Limits = DEFAULT_LIMITS,
                on_file: Callable[[Path], None] | None = None, listing: Listing | None = None) -> FolderResult:
    """Read every return in ``folder`` (not its subfolders) into one :class:`FolderResult`.

    The register is ``register_path`` when given, else any file in the folder whose name
    contains "register". ``on_file`` is called with each file as it is about to be read (for a
    progress bar). ``listing`` is the folder's :func:`list_folder`, when the caller has it.
    Raises :class:`ReturnError` when ``register_path`` cannot be read or describes no indicator:
    scoring without the register it was given would be scoring against the wrong framework.
    """
    hint = None if period is None else parse_period(period)
    if register_path is not None:
        require_file(register_path, "register")
    listing = listing or list_folder(folder)
    files = list(listing.files)
    findings: list[Finding] = list(listing.findings)
    sources = []
    register_files = [Path(register_path)] if register_path else [p for p in files if "register" in p.stem.lower()]
    register = None
    if register_files:
        indicators, targets = [], []
        for path in register_files:
            result = _shown_as(read_return(path, period_hint=hint, limits=limits), listing.name_of(path))
            problem = unusable_register(result, listing.name_of(path))
            if problem and register_path:
                raise ReturnError(f"{problem}; nothing was scored without it")
            if problem and not any(f.severity is Severity.ERROR for f in result.findings):
                findings.append(Finding(Severity.ERROR, problem, Source(listing.name_of(path)),
                                        action="no register used"))
            values = [o for o in result.observations if o.value is not None]
            if values:
                findings.append(Finding(Severity.WARNING, f"the register holds {len(values)} values",
                                        Source(listing.name_of(path)), action="values in the register are not used; "
                                        "send them in a return"))
            indicators.extend(result.indicators)
            targets.extend(o for o in result.observations if o.period_target is not None)
            findings.extend(result.findings)
            sources.extend([result.source_file] if result.source_file else [])
        register = Register(with_period_targets(indicators, targets), listing.name_of(register_files[0]))
    described: dict[tuple[str, FinancialYear | None], Indicator] = {}
    observations: list[Observation] = []
    comparators: list = []
    registers = {os.path.realpath(path) for path in register_files}
    returns = [path for path in files if os.path.realpath(path) not in registers]
    results = read_returns(returns, hint, register, limits)
    try:  # closed at once if this stops (Ctrl+C): the reader processes end with it
        for path, result in results:
            name = listing.name_of(path)
            result = _shown_as(result, name)
            if on_file is not None:
                on_file(Path(name))
            findings.extend(result.findings)
            sources.extend([result.source_file] if result.source_file else [])
            observations.extend(result.observations)
            comparators.extend(result.comparators)
            for indicator in result.indicators:
                findings.extend(_describe_once(described, indicator, name))
    finally:
        results.close()
    if register is not None:
        for indicator in register.indicators:
            described.setdefault((indicator.ref, indicator.framework_year), indicator)
    observations, conflicts = resolve_duplicates(observations)
    findings.extend(conflicts)
    findings.extend(_undescribed(observations, described, display(folder)))
    findings.sort(key=Finding.sort_key)
    return FolderResult(tuple(described.values()), tuple(observations), tuple(findings), tuple(sources),
                        tuple(comparators))


def unusable_register(result: ReturnResult, name: str) -> str | None:
    """Why a register read as ``result`` cannot be used (it could not be read, or it describes
    no indicator), or ``None``."""
    errors = [finding for finding in result.findings if finding.severity is Severity.ERROR]
    if not result.indicators and errors:
        return f"the register {Path(name).name} could not be read: {errors[0].message}"
    if not result.indicators:
        return (f"the register {Path(name).name} describes no indicators; it needs an Indicators sheet "
                "with Ref, Name and Polarity columns (see templates/README.md)")
    return None


def _shown_as(result: ReturnResult, name: str) -> ReturnResult:
    """``result`` with its file named ``name`` (a file name that is not valid UTF-8 is shown with
    replacement characters) in every source; unchanged when the name is already printable."""
    old = result.source_file.path if result.source_file else None
    if old is None or old == name:
        return result

    def fix(source: Source | None) -> Source | None:
        if source is None or source.path != old:
            return source
        return Source(name, display(source.sheet) if source.sheet else source.sheet, source.cell)

    return replace(
        result, source_file=replace(result.source_file, path=name),
        observations=tuple(replace(o, source=fix(o.source)) for o in result.observations),
        findings=tuple(replace(f, source=fix(f.source), message=display(f.message)) for f in result.findings),
        comparators=tuple(replace(c, source=fix(c.source)) for c in result.comparators))


def with_period_targets(indicators: Iterable[Indicator], targets: Iterable[Observation]) -> list[Indicator]:
    """The register's indicators with the period targets its values sheet sets (a target
    belongs to the indicator of the same ref whose framework year holds the period)."""
    by_ref: dict[str, list[Observation]] = {}
    for o in targets:
        by_ref.setdefault(o.ref, []).append(o)
    return [replace(indicator, period_targets=indicator.period_targets + tuple(
                (o.period, o.period_target) for o in by_ref.get(indicator.ref, ())
                if indicator.framework_year in (None, o.period.fy)))
            for indicator in indicators]


def _describe_once(described: dict, indicator: Indicator, path: str) -> list[Finding]:
    key = (indicator.ref, indicator.framework_year)
    first = described.setdefault(key, indicator)
    if first is indicator:
        return []
    differing = [name for name in COMPARED_FIELDS if not _same(getattr(first, name), getattr(indicator, name))]
    if not differing:
        return []
    return [Finding(Severity.WARNING, f"two returns describe this indicator differently ({', '.join(differing)})",
                    Source(path), indicator.ref, "the first return read was used; add it to the register")]


def _undescribed(observations: list[Observation], described: dict, folder: str) -> list[Finding]:
    """One finding for the refs that have values but nothing to score them with."""
    known = {ref for ref, _ in described}
    refs = sorted({o.ref for o in observations} - known)
    if not refs:
        return []
    shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
    return [Finding(Severity.WARNING, f"values for refs that no return or register describes: {shown}",
                    Source(folder), action="values kept; they cannot be scored until the register describes them",
                    count=len(refs))]


def _combined(group: list[Observation]) -> Observation:
    """One observation from agreeing ones: the value, with the narrative or period target that
    another return (a commentary file, say) gave for the same indicator and period."""
    if len(group) == 1:
        return group[0]
    base = next((o for o in group if o.value is not None), group[0])
    commentary = base.commentary or next((o.commentary for o in group if o.commentary), ())
    target = base.period_target if base.period_target is not None else next(
        (o.period_target for o in group if o.period_target is not None), None)
    return replace(base, commentary=commentary, period_target=target)


def resolve_duplicates(observations: list[Observation]) -> tuple[list[Observation], list[Finding]]:
    """One observation per ref and period. Equal repeats collapse; different values are an error,
    and the pair becomes a gap whose reason names both cells (neither value is preferred)."""
    groups: dict[tuple[str, Period], list[Observation]] = {}
    for observation in observations:
        groups.setdefault((observation.ref, observation.period), []).append(observation)
    kept, findings = [], []
    for (ref, period), group in groups.items():
        values = {o.value for o in group if o.value is not None}
        if len(values) <= 1:
            kept.append(_combined(group))
            continue
        places = "; ".join(f"{o.value:g} in {o.source}" for o in group if o.value is not None)
        findings.append(Finding(Severity.ERROR, f"conflicting values for {period.label}: {places}",
                                group[0].source, ref, "no value used; correct one of the returns"))
        kept.append(Observation(ref, period, None, note=f"conflicting values in the returns: {places}",
                                source=group[0].source))
    return kept, findings
