"""One consolidation: read a folder of returns, score every indicator, write the outputs.

This is the library function behind ``xlscorecard consolidate``; the command line only parses
arguments and prints what this returns.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReturnError, UsageError
from .history import History, PastRun, merge_with_history
from .core.model import (Finding, Indicator, Observation, Period, PeriodKind, Rag, Score, Severity, Source,
                         SourceFile, file_shown, parse_period)
from .core.scoring import DEFAULT_TOLERANCE, score_indicator
from .core.ranking import Benchmark, benchmarks
from .core.checks import check_claims, earlier_value_findings, fraction_findings, period_target_findings
from .core.series import Series, all_series
from .core.summary import GroupSummary, summarise_group
from .core.framework import Framework, unnamed_council_finding
from .core.deadlines import DEFAULT_DEADLINE_DAYS, ServiceReturn, file_dated, saved_times, silent_services, track_returns

if TYPE_CHECKING:
    from .readers.safety import Limits

HISTORY_NAME = "xlscorecard-history.sqlite"
# The scorecard's layouts: "print" for managers, cabinet and paper; "publish" for the website,
# following the Government Analysis Function's guidance on accessible spreadsheets.
PROFILES = ("print", "publish")


def without_cycle_collection(function):
    """Run ``function`` with Python's cycle collector paused, then restore it.

    A consolidation makes millions of small objects that live to the end (cells, observations,
    scores) and few reference cycles; the collector would walk every one of them again and again
    as they are made, about a fifth of the run (4.6 s against 3.8 s at 100 returns x 50
    indicators, bench/). Memory freed by reference counting is unaffected; cycles left behind
    are collected after the run. Forked reader processes inherit the pause.
    """
    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()
    return paused


def default_scorecard_name(period: Period) -> str:
    """``scorecard-2020-21-Q3.xlsx``."""
    return f"scorecard-{period.slug}.xlsx"


@dataclass(frozen=True)
class Assessment:
    """A folder of returns read and scored, before anything is written.

    ``period_inferred`` is True when the period was taken from the returns rather than given.
    ``previous`` is the previous reporting period's run from the history, when there was one.
    """

    period: Period
    period_inferred: bool
    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    scores: tuple[Score, ...]
    findings: tuple[Finding, ...]
    sources: tuple[SourceFile, ...]
    previous: PastRun | None
    tolerance: float
    benchmarks: Mapping[str, Benchmark] = field(default_factory=dict)
    # Refs the returns gave that the register does not have, as (ref, name, score): scored on the
    # return's own details when it gives them, kept apart from the framework's (Data quality sheet).
    outside_register: tuple[tuple[str, str, Score], ...] = ()
    # The folder the returns were read from: the records give source files relative to it.
    returns_dir: Path | None = None
    # Each indicator's values over time (returns and history), by ref: sparklines, the Indicator
    # history sheet, the signals, and `explain`, all from the same series.
    series: Mapping[str, Series] = field(default_factory=dict)
    # The council's name and its priorities' names and order, from the register.
    framework: Framework = field(default_factory=Framework)
    # Which history was read and what it held: consolidate and explain print it.
    history_use: "HistoryUse | None" = None

    @property
    def total(self) -> GroupSummary:
        return summarise_group("Total", self.scores)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(frozen=True)
class HistoryUse:
    """The history a run read: ``None`` ``path`` when none was (``--no-history``, or none
    found); the periods it held before this run, other than this one; and the previous
    period's run, which the headline and the direction of travel compare with, when it held one."""

    path: Path | None
    existed: bool = False
    periods: tuple[Period, ...] = ()
    compared_with: Period | None = None
    updated: bool = False
    # The history already held a run of this period, which this run replaces (when it records).
    replaces: bool = False


@dataclass(frozen=True)
class Consolidation(Assessment):
    """An assessment, written: where the scorecard, the records and the history went."""

    scorecard: Path | None = None
    records: Path | None = None
    history: Path | None = None
    # Files open in another program when they were to be replaced: (the file left as it was,
    # the name the new one was saved under).
    kept_elsewhere: tuple[tuple[Path, Path], ...] = ()


@without_cycle_collection
def assess(returns_dir: str | Path, *, period: Period | str | None = None, register: str | Path | None = None,
           history: str | Path | None = None, record: bool = True, tolerance: float | None = None,
           on_file: Callable[[Path], None] | None = None, area: str | None = None,
           limits: "Limits | None" = None, layouts: str | Path | None = None,
           template: str | Path | None = None) -> Assessment:
    """Read every return in ``returns_dir`` and score the reporting period.

    With a ``history`` file, earlier values come from it (for direction of travel and trend) and,
    when ``record`` is true, this run is stored in it. Comparator tables among the returns give
    each indicator's quartile, ranking the council (``area``: its area code or name; by default
    the council the register's Framework sheet names) among its comparator group. ``limits`` caps what one return
    may unpack to and how much of it is read (default: the readers' ``DEFAULT_LIMITS``).
    ``layouts`` is a layout file describing returns detection cannot read (default: the
    folder's ``xlscorecard-layouts.toml``, when it has one). Without ``tolerance``, the
    ``template``'s is used (as the scorecard uses it), else the default 5 points.
    Raises :class:`~xlscorecard.errors.ReturnError` when nothing readable was found.
    """
    return _assess(returns_dir, period=period, register=register, history=history, record=record,
                   tolerance=scoring_tolerance(tolerance, template), on_file=on_file, area=area, limits=limits,
                   layouts=layouts)[0]


def scoring_tolerance(tolerance: float | None, template: str | Path | None) -> float:
    """The amber tolerance a run scores with: the one given, else the template's (the
    framework-wide tolerance a council sets in its scorecard.toml), else 5 points."""
    if tolerance is not None:
        return tolerance
    from .outputs.scorecard import load_template
    return load_template(template).tolerance


def history_to_read(history: str | Path | None, use_history: bool = True, folder: Path = Path(".")) -> Path | None:
    """The history a command that only reads it uses: ``history`` when given (a usage error when
    it does not exist: a mistyped name would silently drop the direction of travel), else the
    file ``consolidate`` keeps in ``folder``, when there is one."""
    refuse_history_clash(history, use_history)
    if not use_history:
        return None
    if history is not None:
        if not Path(history).is_file():
            raise UsageError(f"--history {history} does not exist; pass the history consolidate keeps "
                             f"(by default {HISTORY_NAME} beside the scorecard), or --no-history")
        return Path(history)
    default = folder / HISTORY_NAME
    return default if default.is_file() else None


def refuse_history_clash(history: str | Path | None, use_history: bool) -> None:
    """``--history FILE`` with ``--no-history``: a usage error, not one silently dropped."""
    if history is not None and not use_history:
        raise UsageError(f"--history {history} and --no-history contradict each other; give one of them")


def _assess(returns_dir, *, period, register, history, record: bool, tolerance, on_file, area,
            limits, listing=None, layouts=None) -> tuple[Assessment, list[Observation]]:
    """:func:`assess`, and the returns' own observations (what a run records). With ``record``
    false an existing history is only read: :func:`consolidate` records the run itself, once
    its outputs are written (publish.py)."""
    from .readers import DEFAULT_LIMITS, read_folder  # imported here: `xlscorecard --help` stays fast
    from .readers.folder import NO_RETURNS

    folder = Path(returns_dir)
    read = read_folder(folder, period=period, register_path=register, on_file=on_file,
                       limits=limits or DEFAULT_LIMITS, listing=listing, layouts_path=layouts)
    empty = next((f for f in read.findings if f.kind == NO_RETURNS), None)
    if not read.indicators and not read.observations:
        if empty is not None:
            raise ReturnError(f"{empty.message}: {empty.action}")
        raise ReturnError(f"no readable return in {folder}: "
                          f"{_first_problem(read.findings, folder) or 'the folder has no spreadsheet or CSV files'}")
    if period is None and empty is not None:  # only a register: no value to choose a period by
        raise ReturnError(f"{empty.message}, so no reporting period can be chosen; put the services' returns in "
                          "the folder, or pass --period")
    chosen = parse_period(period) if period is not None else infer_period(read.observations, folder)
    indicators = indicators_for(read.indicators, chosen)
    wrong_year = other_year_problem(read.indicators, chosen, folder)
    if wrong_year:
        raise UsageError(f"{wrong_year}; nothing was scored")
    outside = [i for i in indicators if i.ref in read.outside_register]
    indicators = [i for i in indicators if i.ref not in read.outside_register]
    tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
    findings = list(read.findings) + no_register_findings(read, folder)
    framework = read.framework or Framework()
    unnamed = unnamed_council_finding(framework)
    findings += [unnamed] if unnamed else []
    ranked, benchmark_findings = _benchmark(indicators, read.comparators, area or framework.council)
    indicators = [replace(i, quartile=ranked[i.ref].quartile) if i.ref in ranked else i for i in indicators]
    findings += benchmark_findings
    observations = list(read.observations)
    previous = None
    history_use = (HistoryUse(None) if history is None else
                   HistoryUse(Path(history), existed=Path(history).exists(), updated=record))
    # A history only read is opened only when it holds something: opening an empty file would
    # give it the schema, changing a file the command said it only reads.
    if history is not None and (record or (Path(history).is_file() and Path(history).stat().st_size > 0)):
        with History(history) as store:
            observations = _with_history(store, indicators, observations, chosen)
            findings += store.renamed(chosen, indicators)
            previous = store.run(chosen.previous())
            runs = store.runs()
            held = tuple(run.period for run in runs if run.period != chosen)
            history_use = replace(history_use, periods=held,
                                  replaces=any(run.period == chosen for run in runs),
                                  compared_with=previous.period if previous else None)
            scores = _score(indicators, observations, chosen, tolerance)
            if record:
                total = summarise_group("Total", scores).target
                findings += store.record(chosen, indicators, read.observations,
                                         met_or_within_pct=total.met_or_within_pct, with_data=total.with_data)
    else:
        scores = _score(indicators, observations, chosen, tolerance)
    outside_scores = _score(outside, observations, chosen, tolerance)
    findings += claim_findings(read, [*indicators, *outside])
    findings += earlier_value_findings([*scores, *outside_scores], read.observations)
    findings += period_target_findings(indicators, read.observations, read.registered)
    findings += fraction_findings(scores)
    outside_register = [(i.ref, i.name, s) for i, s in zip(outside, outside_scores)]
    outside_register += unscored(read.outside_register - {i.ref for i in outside}, read.observations, chosen)
    findings.sort(key=Finding.sort_key)
    series = all_series(indicators, observations, chosen, scores, tolerance)
    return (Assessment(chosen, period is None, tuple(indicators), tuple(observations), tuple(scores),
                       tuple(findings), tuple(read.sources), previous, tolerance, ranked,
                       tuple(outside_register), returns_dir=folder, series=series, framework=framework,
                       history_use=history_use),
            read.observations)


def _benchmark(indicators: Sequence[Indicator], comparators, area: str | None):
    """Benchmarks from the comparator tables, with findings where a table cannot be used or
    disagrees with a quartile a return gave."""
    if not comparators:
        return {}, []
    by_ref = {i.ref: i for i in indicators}
    ranked = benchmarks(comparators, {ref: i.polarity for ref, i in by_ref.items()}, area) if area else {}
    findings = []
    for ref in dict.fromkeys(c.ref for c in comparators):
        source = next(c.source for c in comparators if c.ref == ref)
        if ref not in by_ref:
            findings.append(Finding(Severity.WARNING, f"comparator table for {ref}, which the framework does not have",
                                    source, ref, "table not used"))
        elif ref not in ranked:
            findings.append(Finding(Severity.WARNING, f"comparator table for {ref} has no row for "
                                    f"{area or 'the council (the register does not name it)'}",
                                    source, ref, "table not used; pass --area with the council's area code"))
        elif by_ref[ref].quartile not in (None, ranked[ref].quartile):
            findings.append(Finding(Severity.INFO, f"the return gives quartile {by_ref[ref].quartile}; the comparator "
                                    f"table gives {ranked[ref].quartile} ({ranked[ref].label})", source, ref,
                                    "the comparator table's quartile is used"))
    return ranked, findings


@without_cycle_collection
def consolidate(returns_dir: str | Path, *, period: Period | str | None = None, register: str | Path | None = None,
                out: str | Path | None = None, records: str | Path | None = None,
                history: str | Path | None = None, use_history: bool = True, tolerance: float | None = None,
                template: str | Path | None = None, on_file: Callable[[Path], None] | None = None,
                deadline_days: int = DEFAULT_DEADLINE_DAYS, area: str | None = None,
                limits: "Limits | None" = None, on_listed: Callable[[int], None] | None = None,
                profile: str = "print", layouts: str | Path | None = None) -> Consolidation:
    """Read every return in ``returns_dir``, score the reporting period and write the scorecard.

    ``profile`` is the scorecard's layout: ``"print"`` (the scorecard for managers and committees)
    or ``"publish"`` (the accessible workbook for the council's website, :data:`PROFILES`).

    ``period`` may be omitted when the returns agree on one latest period. ``out`` defaults to
    :func:`default_scorecard_name` in the current folder and ``history`` to a file beside it.
    ``on_listed`` is called with the number of files to read, before reading them.

    All or nothing: every output is checked before any work (:mod:`xlscorecard.preflight`); the
    scorecard and records are written to temporary files, the history is committed, and only
    then are the files moved into place. If a step fails, no file is replaced and the history is
    not changed. Raises :class:`~xlscorecard.errors.UsageError` when an output is an input,
    :class:`~xlscorecard.errors.ReturnError` when nothing readable was found,
    :class:`~xlscorecard.errors.OutputError` when an output cannot be written, and
    :class:`~xlscorecard.errors.PartlyWritten` in the one case where something was: the history
    was committed but a file could not then be moved into place.
    """
    from .preflight import check_outputs, inputs_of, output
    from .publish import publish
    from .readers.listing import list_folder

    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    refuse_history_clash(history, use_history)
    folder = Path(out).parent if out is not None else Path(".")  # the default name is in the current folder
    history_path = (Path(history) if history is not None else folder / HISTORY_NAME) if use_history else None
    listing = list_folder(returns_dir)
    inputs = inputs_of(listing, register=register, template=template, layouts=layouts)
    outputs = [output("scorecard", out, "--out"), output("records", records, "--records"),
               output("history", history, "--history", history_path) if use_history else None]
    check_outputs(outputs, inputs)
    if on_listed is not None:
        on_listed(len(listing.files))
    result, returned = _assess(returns_dir, period=period, register=register, history=history_path,
                               record=False, tolerance=scoring_tolerance(tolerance, template),
                               on_file=on_file, area=area, limits=limits, listing=listing, layouts=layouts)
    if out is None:  # its name was known only once the period was: checked now, still before writing
        out = folder / default_scorecard_name(result.period)
        check_outputs([*outputs, output("scorecard", None, "--out", out)], inputs)
    out = Path(out)
    records_path = Path(records) if records is not None else None
    result, kept = publish(result, returned, out, records_path, history_path, template,
                           lambda written: returns_position(written, deadline_days), profile)
    if history_path is not None:  # _assess only read it; publish recorded the run
        result = replace(result, history_use=replace(result.history_use, updated=True))
    return Consolidation(**{f.name: getattr(result, f.name) for f in fields(Assessment)}, scorecard=out,
                         records=records_path, history=history_path, kept_elsewhere=tuple(kept))


def infer_period(observations: Iterable[Observation], folder: str | Path | None = None) -> Period:
    """The reporting period the returns agree on: the latest period any of them reports,
    when every return reaches it. A month that closes a quarter gives that quarter (the
    committee cycle is quarterly); another month gives a monthly scorecard. A return in a
    subfolder of the returns ``folder`` is named by its path relative to it."""
    latest: dict[str, Period] = {}
    for o in observations:
        if o.value is None:
            continue
        path = o.source.path or "?"
        if path not in latest or latest[path] < o.period:
            latest[path] = o.period
    if not latest:
        raise ReturnError("the returns hold no values, so no reporting period can be chosen; pass --period")
    ends = {p.end_date for p in latest.values()}
    if len(ends) > 1:
        listed = ", ".join(f"{file_shown(path, folder)} up to {p.label}" for path, p in sorted(latest.items()))
        raise ReturnError(f"the returns do not agree on one latest period ({listed}); pass --period")
    period = max(latest.values())
    if period.kind is PeriodKind.MONTH and period.last_fy_month % 3 == 0:
        return Period.quarter(period.fy, period.last_fy_month // 3)
    return period


def indicators_for(indicators: Iterable[Indicator], period: Period) -> list[Indicator]:
    """The framework for the period's financial year: one indicator per ref, the one of that
    year before one with no year, in the order read."""
    chosen: dict[str, Indicator] = {}
    for indicator in indicators:
        if indicator.framework_year not in (None, period.fy):
            continue
        if indicator.ref not in chosen or (chosen[indicator.ref].framework_year is None
                                           and indicator.framework_year is not None):
            chosen[indicator.ref] = indicator
    return list(chosen.values())


def _with_history(store: History, indicators: Sequence[Indicator], observations: list[Observation], period: Period):
    """The returns' observations and the history's for the periods they do not give. The rows
    of an earlier run of this same period are not read: this run replaces them."""
    by_ref: dict[str, list[Observation]] = {}
    for o in observations:
        by_ref.setdefault(o.ref, []).append(o)
    stored = store.observations_of(indicators, {(o.ref, o.period.label) for o in observations},
                                   year=period.fy, excluding_run=period)
    merged = []
    for indicator in indicators:
        merged += merge_with_history(by_ref.get(indicator.ref, []), stored[indicator.ref])
    known = {i.ref for i in indicators}
    return merged + [o for o in observations if o.ref not in known]


def claim_findings(read, indicators: Iterable[Indicator]) -> list[Finding]:
    """The results the returns printed (variance, DOT, trend, RAG) checked against the scores
    computed from their values, with the register's targets."""
    return check_claims(read.claims, {i.ref: i for i in indicators}, list(read.observations))


def validate_folder(returns_dir: str | Path, *, period: Period | str | None = None,
                    register: str | Path | None = None, limits: "Limits | None" = None,
                    layouts: str | Path | None = None):
    """``xlscorecard validate``: the folder read, with the returns' printed results checked."""
    from .readers import DEFAULT_LIMITS, read_folder

    read = read_folder(returns_dir, period=period, register_path=register, limits=limits or DEFAULT_LIMITS,
                       layouts_path=layouts)
    added = claim_findings(read, read.indicators) + no_register_findings(read, Path(returns_dir))
    wrong_year = other_year_problem(read.indicators, parse_period(period), Path(returns_dir)) if period else None
    if wrong_year:
        from .readers.listing import display
        added.append(Finding(Severity.ERROR, wrong_year, Source(display(returns_dir)),
                             action="check --period: nothing in the folder would be scored"))
    return replace(read, findings=tuple(sorted([*read.findings, *added], key=Finding.sort_key))) if added else read


NO_REGISTER = "no register"


def other_year_problem(indicators: Sequence[Indicator], period: Period, folder: Path) -> str | None:
    """Why no indicator is scored for ``period`` when the folder describes indicators of other
    financial years only (a period typed in the wrong year), naming the years it does describe."""
    from .readers.listing import display

    years = sorted({i.framework_year for i in indicators if i.framework_year is not None}, key=lambda y: y.label)
    if not indicators or not years or any(i.framework_year in (None, period.fy) for i in indicators):
        return None
    said = " and ".join(y.label for y in years)
    return (f"no indicator in {display(folder)} is for {period.fy.label}, the year of {period.label}: its register "
            f"and returns describe {said} (did you mean a period of {said}?)")


def no_register_findings(read, folder: Path) -> list[Finding]:
    """A warning when returns were read and no register was found (none named *register*, none
    recognised by what it holds, none given): the returns' own details are all there is."""
    from .readers.listing import display

    if any(s.role == "register" for s in read.sources) or not read.sources:
        return []
    if any(f.message.endswith("each look like a register, so none was used as the register") for f in read.findings):
        return []
    return [Finding(Severity.WARNING, f"{NO_REGISTER} in {display(folder)}: each indicator is scored on what its "
                    "return says about it (name, polarity, target)", Source(display(folder)),
                    action="put the register in the folder (a workbook named *register*) or pass --register FILE")]


def unscored(refs, observations: Iterable[Observation], period: Period) -> list[tuple[str, str, Score]]:
    """Refs with values and nothing to score them with (no polarity): their latest value up to
    the period, shown as read."""
    latest: dict[str, Observation] = {}
    for o in observations:
        if o.ref in refs and o.value is not None and o.period.fy == period.fy and o.period.ends_no_later_than(period):
            if o.ref not in latest or latest[o.ref].period < o.period:
                latest[o.ref] = o
    return [(ref, ref, Score(ref, period, Rag.NO_TARGET, value=o.value, value_period=o.period, source=o.source,
                             gap_reason="not scored: no polarity or target"))
            for ref, o in sorted(latest.items())]


def _score(indicators, observations, period, tolerance) -> list[Score]:
    by_ref: dict[str, list[Observation]] = {}
    for o in observations:
        by_ref.setdefault(o.ref, []).append(o)
    scores = [score_indicator(i, by_ref.get(i.ref, []), period, tolerance) for i in indicators]
    silent = silent_services(indicators, observations, period)
    if not silent:
        return scores
    # A service that sent nothing: each of its gaps says that, once, instead of "no value".
    missing = f"no value for {period.label}"
    return [replace(s, gap_reason=f"no return from {i.service} for {period.label}{s.gap_reason[len(missing):]}")
            if s.rag is Rag.GAP and i.service in silent and (s.gap_reason or "").startswith(missing) else s
            for i, s in zip(indicators, scores)]


def returns_position(result: Assessment, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> list[ServiceReturn]:
    """The returns tracker for an assessment: per service, due, received, on time, missing."""
    return track_returns(result.indicators, result.observations, saved_times(result.sources), result.period,
                         deadline_days, file_dated(result.sources))


def _first_problem(findings: Iterable[Finding], folder: str | Path | None = None) -> str | None:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return None
    first = errors[0]
    return f"{file_shown(first.source.path, folder)}: {first.message}".strip(": ")


# -- the return form: the register read, the form written -----------------------------------

def load_register(path: str | Path) -> tuple[Indicator, ...]:
    """The indicators of a register workbook, read as ``consolidate`` reads it.

    Raises :class:`ReturnError` when the register cannot be read or describes no indicator.
    """
    from .readers import DEFAULT_LIMITS, read_register  # the readers are only needed when a register is given
    from .readers.listing import require_file

    require_file(path, "register")

    register, findings, _ = read_register([Path(path)], None, DEFAULT_LIMITS)
    errors = [finding for finding in findings if finding.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        raise ReturnError(f"the register {Path(path).name} could not be read: {first.message}"
                          + (f" ({first.action})" if first.action else ""))
    if not len(register):
        raise ReturnError(f"the register {Path(path).name} describes no indicators; it needs an Indicators sheet "
                          "with Ref, Name and Polarity columns (see templates/README.md)")
    return register.indicators


def make_return_template(out: str | Path, *, register_path: str | Path | None = None, service: str | None = None,
                         period: Period | str | None = None, force: bool = False,
                         on_register: Callable[[Path], None] | None = None) -> Path:
    """``xlscorecard template``: a return for ``service``, pre-filled from the register when given.
    The template is never written over the register (a usage error, before any work), nor over
    any existing file unless ``force``. A template for a service or a period needs a register:
    without ``register_path`` one is looked for in the current folder (``on_register`` is told
    which), and a usage error says to pass ``--register`` when there is none, rather than write
    a return with no rows that looks pre-filled."""
    from .errors import UsageError
    from .outputs.return_form import write_return_template
    from .preflight import check_outputs, inputs_of, output
    if register_path is None and (service is not None or period is not None):
        register_path = find_register(Path("."))
        if register_path is None:
            wanted = f"the indicators of {service}" if service else "the rows due in the period"
            raise UsageError(f"no register in the current folder to take {wanted} from; pass the register with "
                             "--register FILE (or leave out --service and --period for a blank template)")
        if on_register is not None:
            on_register(register_path)
    check_outputs([output("template", out, "--out")], inputs_of(register=register_path))
    if Path(out).exists() and not force:
        raise UsageError(f"{out} already exists; pass --force to replace it, or choose another --out")
    indicators = load_register(register_path) if register_path is not None else ()
    return write_return_template(out, indicators=indicators, service=service, period=period)


REGISTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def find_register(folder: Path) -> Path | None:
    """The one workbook in ``folder`` named like a register (``register-2020-21.xlsx``), or
    ``None`` when there is none or there are several (guessing between them could pre-fill the
    wrong framework year)."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and "register" in p.stem.lower()
                   and p.suffix.lower() in REGISTER_SUFFIXES and not p.name.startswith("~$"))
    return found[0] if len(found) == 1 else None


STARTING_REGISTER = "register.xlsx"


def start_council(folder: str | Path, *, force: bool = False) -> tuple[Path, Path]:
    """``xlscorecard init``: a returns folder in ``folder`` holding a starting register (columns
    explained, the council's name to fill in); returns (register, returns folder). An existing
    register is kept unless ``force``."""
    from .errors import UsageError
    from .outputs.register_form import write_starting_register
    returns = Path(folder) / "returns"
    register = returns / STARTING_REGISTER
    if register.exists() and not force:
        raise UsageError(f"{register} already exists; pass --force to replace it with an empty one")
    returns.mkdir(parents=True, exist_ok=True)
    return write_starting_register(register), returns
