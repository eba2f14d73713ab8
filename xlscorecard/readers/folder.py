"""Read a whole folder of returns: apply the indicator register and catch conflicting values.

The register (the performance framework) is authoritative: where a return's metadata
disagrees with it, the register wins and the disagreement is reported. Indicators are keyed by
ref *and* framework year, so a ref reused with a new meaning in a new year (CYP-01) stays a
different indicator. Two returns giving different values for the same ref and period is an
error, and neither value is used.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import ReturnError
from ..core.model import FinancialYear, Finding, Indicator, Observation, Period, Severity, Source, SourceFile, parse_period
from .framework import has_framework_sheet, read_framework
from .layout_file import LAYOUTS_NAME, folder_layout_file
from .listing import Listing, display, list_folder, require_file
from .one_return import read_return
from .parallel import read_returns
from .register import COMPARED_FIELDS, Register, register_column_findings, same_text, with_period_targets
from .results import FolderResult, ReturnResult
from .safety import DEFAULT_LIMITS, Limits
from .workbook import EMPTY_TABLE, NO_HEADER
from ..core.words import plural

CONFLICT = "conflict"
# Sheet names a register's indicator table goes by: a workbook with one of these (or a Framework
# sheet), describing indicators and holding no value, is the register whatever it is called.
REGISTER_SHEETS = ("indicators", "indicator register", "register", "pi register", "kpi register",
                   "performance framework", "framework")
# The kind of the warning that a folder holds no return, only (perhaps) the register and the
# layout file: validate shows it; consolidate, with nothing to score, stops on it.
NO_RETURNS = "no returns"


def read_folder(folder: str | Path, *, period: Period | str | None = None,
                register_path: str | Path | None = None, limits: Limits = DEFAULT_LIMITS,
                on_file: Callable[[Path], None] | None = None, listing: Listing | None = None,
                layouts_path: str | Path | None = None) -> FolderResult:
    """Read every return in ``folder`` and its subfolders into one :class:`FolderResult`.

    The returns a layout file's rule matches are read by the rule (``layouts_path``, else the
    folder's ``xlscorecard-layouts.toml``; see :mod:`.layout_file`), the others by detection.

    The register is ``register_path`` when given, else any file in the folder whose name
    contains "register", in the folder or a subfolder. A folder with no return to read (empty, or
    holding only the register or the layout file) has a :data:`NO_RETURNS` warning. ``on_file`` is called with each file as it is about to be read (for a
    progress bar). ``listing`` is the folder's :func:`list_folder`, when the caller has it.
    Raises :class:`ReturnError` when ``register_path`` cannot be read or describes no indicator:
    scoring without the register it was given would be scoring against the wrong framework.
    """
    hint = None if period is None else parse_period(period)
    if register_path is not None:
        require_file(register_path, "register")
    if layouts_path is not None:
        require_file(layouts_path, "layouts")
    listing = listing or list_folder(folder)
    files = list(listing.files)
    findings: list[Finding] = list(listing.findings)
    sources = []
    register_files = [Path(register_path)] if register_path else [p for p in files if "register" in p.stem.lower()]
    register = None
    top = [path for path in files if path.parent == listing.folder]  # the layout file is looked for at the top only
    layouts, layout_findings, layouts_in_folder = folder_layout_file(top, layouts_path, listing.name_of)
    findings.extend(layout_findings)
    nested_layouts = [path for path in files if path.name.casefold() == LAYOUTS_NAME and path not in top]
    findings.extend(Finding(Severity.INFO, f"a layout file in a subfolder is not used: {LAYOUTS_NAME} is looked for "
                            "at the top of the returns folder", Source(listing.name_of(path)), action="not read")
                    for path in nested_layouts)
    if register_files:
        register, register_findings, register_sources = read_register(
            register_files, hint, limits, listing.name_of, required=register_path is not None, layouts=layouts)
        findings.extend(register_findings)
        sources.extend(register_sources)
        if not len(register):
            register = None  # its error says why; the returns describe their own indicators
    described: dict[tuple[str, FinancialYear | None], Indicator] = {}
    observations: list[Observation] = []
    comparators: list = []
    registers = {os.path.realpath(path) for path in register_files}
    returns = [path for path in files if os.path.realpath(path) not in registers and path not in layouts_in_folder
               and path not in nested_layouts]
    if not returns:
        findings.append(no_returns(folder, any(os.path.realpath(path) in registers for path in files),
                                   bool(layouts_in_folder)))
    outside: set[str] = set()
    claims: list = []
    results = read_returns(returns, hint, register, limits, layouts)
    read_results = []
    try:  # closed at once if this stops (Ctrl+C): the reader processes end with it
        for path, result in results:
            read_results.append((path, result))
            name = listing.name_of(path)
            result = _shown_as(result, name)
            if on_file is not None:
                on_file(Path(name))
            outside |= result.outside_register
            claims.extend(result.claims)
            findings.extend(result.findings)
            sources.extend([result.source_file] if result.source_file else [])
            observations.extend(result.observations)
            comparators.extend(result.comparators)
            for indicator in result.indicators:
                findings.extend(_describe_once(described, indicator, name))
    finally:
        results.close()
    if register is None and register_path is None and not register_files:
        found = _registers_by_content(read_results, listing.name_of)
        if len(found) == 1:
            again = read_folder(folder, period=period, register_path=found[0], limits=limits, listing=listing,
                                layouts_path=layouts_path)
            said = Finding(Severity.INFO, "read as the register: it describes indicators on an Indicators or "
                           "Framework sheet and holds no values", Source(listing.name_of(found[0])),
                           action="name it *register* (or pass --register) to say so")
            return replace(again, findings=tuple(sorted([*again.findings, said], key=Finding.sort_key)))
        if found:
            findings.append(_several_registers([listing.name_of(p) for p in found], display(folder)))
    if register is not None:
        # The framework's order, not the order the files were read in: the register's indicators
        # first, as it lists them, then those only the returns describe.
        from_returns = described
        described = {(i.ref, i.framework_year): from_returns.get((i.ref, i.framework_year), i)
                     for i in register.indicators}
        for key, indicator in from_returns.items():
            described.setdefault(key, indicator)
    observations, conflicts = resolve_duplicates(observations)
    findings.extend(conflicts)
    findings.extend(_undescribed(observations, described, display(folder), outside))
    findings.sort(key=Finding.sort_key)
    return FolderResult(tuple(described.values()), tuple(observations), tuple(findings), tuple(sources),
                        tuple(comparators), frozenset(outside - (register.refs if register else frozenset())),
                        register.refs if register else frozenset(), tuple(claims),
                        register.framework if register else None)


def _registers_by_content(results, name_of) -> list[Path]:
    """The returns read that are a register in all but name (see :data:`REGISTER_SHEETS`)."""
    found = []
    for path, result in results:
        if not result.indicators or not result.tables or any(o.value is not None for o in result.observations):
            continue
        # Value columns only on a period-targets sheet: a blank return (a template not yet filled
        # in, its Values sheet empty) describes indicators and holds no values too.
        if any(table.values or (table.columns and "target" not in table.sheet.casefold()) for table in result.tables):
            continue
        if any(table.sheet.strip().casefold() in REGISTER_SHEETS for table in result.tables) \
                or has_framework_sheet(path):
            found.append(path)
    return found


def _several_registers(names: list[str], folder: str) -> Finding:
    return Finding(Severity.WARNING, f"{' and '.join(names)} each look like a register, so none was used as the "
                   "register", Source(folder), action="pass the register with --register FILE")


def no_returns(folder: str | Path, register: bool, layouts: bool) -> Finding:
    """The warning for a folder with no return to read, saying what it does hold: the register
    (``register``), the layout file (``layouts``)."""
    held = " and ".join(name for name, there in (("the register", register), ("the layout file", layouts)) if there)
    return Finding(Severity.WARNING, f"no returns in {display(folder)}" + (f" (it holds only {held})" if held else ""),
                   Source(display(folder)), action="nothing to score; put the services' returns in the folder",
                   kind=NO_RETURNS)


def read_register(paths: list[Path], hint: Period | None, limits: Limits, name_of=str,
                  required: bool = False, layouts=None) -> tuple[Register, list[Finding], list[SourceFile]]:
    """The register from its file(s), with what it lacks and the values it should not hold.

    ``name_of`` gives a file's name as shown (not valid UTF-8: with replacement characters).
    Raises :class:`ReturnError` when a ``required`` register (given with ``--register``) cannot
    be read or describes no indicator: scoring without the register it was given would be
    scoring against the wrong framework. ``layouts`` is the folder's layout file, which may
    describe the register too."""
    indicators, targets, findings, sources = [], [], [], []
    for path in paths:
        name = name_of(path)
        result = _shown_as(read_return(path, period_hint=hint, limits=limits, layouts=layouts), name)
        columns = register_column_findings(name, list(result.tables), list(result.unrecognised))
        problem = unusable_register(result, name, columns)
        if problem and required:
            raise ReturnError(f"{problem}; nothing was scored without it")
        if problem and not any(f.severity is Severity.ERROR for f in [*result.findings, *columns]):
            findings.append(Finding(Severity.ERROR, problem, Source(name), action="no register used"))
        values = [o for o in result.observations if o.value is not None]
        if values:
            findings.append(Finding(Severity.WARNING, f"the register holds {plural(len(values), 'value')}",
                                    Source(name), action="values in the register are not used; "
                                    "send them in a return"))
        indicators.extend(result.indicators)
        targets.extend(o for o in result.observations if o.period_target is not None)
        # A register is not a return: "no header recognised" says less than its column findings,
        # and "a recognised header but nothing under it" less than "no indicators yet".
        said_better = (NO_HEADER,) if any(f.severity is Severity.ERROR for f in columns) else ()
        said_better += (EMPTY_TABLE,) if problem else ()
        findings.extend(f for f in result.findings if not (said_better and f.message.startswith(said_better)))
        findings.extend(columns)
        sources.extend([replace(result.source_file, role="register")] if result.source_file else [])
    framework, framework_findings = read_framework(paths[0], name_of(paths[0]))
    findings.extend(framework_findings)
    register = Register(with_period_targets(indicators, targets), name_of(paths[0]), framework)
    return register, findings, sources


def unusable_register(result: ReturnResult, name: str, columns: list[Finding] = ()) -> str | None:
    """Why a register read as ``result`` cannot be used (it could not be read, or it describes
    no indicator), or ``None``; ``columns`` are its :func:`register_column_findings`."""
    # The file's own error first (not a spreadsheet), then what its indicator sheet lacks, which
    # says more than "no header recognised".
    found = [f for f in result.findings if not f.message.startswith(NO_HEADER)] + list(columns) + list(result.findings)
    errors = [finding for finding in found if finding.severity is Severity.ERROR]
    if not result.indicators and errors:
        return f"the register {Path(name).name} could not be read: {errors[0].message}"
    if not result.indicators and result.tables:  # its Indicators sheet is there, with no row yet (`init`'s)
        return (f"the register {Path(name).name} has no indicators yet: fill in its Indicators sheet, one row per "
                "indicator (Ref, Name and Polarity are required; see templates/README.md)")
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


def _describe_once(described: dict, indicator: Indicator, path: str) -> list[Finding]:
    key = (indicator.ref, indicator.framework_year)
    first = described.setdefault(key, indicator)
    if first is indicator:
        return []
    differing = [name for name in COMPARED_FIELDS if not same_text(getattr(first, name), getattr(indicator, name))]
    if not differing:
        return []
    return [Finding(Severity.WARNING, f"two returns describe this indicator differently ({', '.join(differing)})",
                    Source(path), indicator.ref, "the first return read was used; add it to the register")]


def _undescribed(observations: list[Observation], described: dict, folder: str,
                 outside: set[str]) -> list[Finding]:
    """One finding for the refs that have values but nothing to score them with (refs not in
    the register have a warning each already)."""
    known = {ref for ref, _ in described} | outside
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
                                source=group[0].source, flag=CONFLICT))
    return kept, findings
