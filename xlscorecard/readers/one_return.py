"""Read one return: check it is safe, find its tables, apply the register, check its claims."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from dataclasses import replace

from ..errors import ReturnError
from ..core.model import Finding, Period, Severity, Source, SourceFile, parse_period
from .properties import workbook_saved_time
from .register import Register, reconcile
from .layout_file import LayoutFile
from .layout_file_reader import sheets_reader
from .registry import LAYOUTS
from .results import ReturnResult
from .safety import DEFAULT_LIMITS, Limits
from .workbook import TablesOutcome, read_tables


def describe_file(path: Path) -> SourceFile:
    """Size, modification time and SHA-256 of a return, for the Sources sheet and for audit."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    stat = path.stat()
    return SourceFile(str(path), stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc),
                      digest.hexdigest(), saved=workbook_saved_time(path))


def read_return(path: str | Path, *, period_hint: Period | str | None = None,
                register: "Register | None" = None, limits: Limits = DEFAULT_LIMITS,
                layouts: "LayoutFile | None" = None) -> ReturnResult:
    """Read one return (by the first rule of ``layouts`` that matches it, else by detection).
    Problems, including unexpected ones, come back as findings."""
    path = Path(path)
    try:
        hint = None if period_hint is None else parse_period(period_hint)
        return _read_return(path, hint, register, limits, layouts)
    except PermissionError as error:
        finding = Finding(Severity.ERROR, f"cannot be read: permission denied ({error.strerror or error})",
                          Source(str(path)), action="file skipped; give the account running xlscorecard read "
                          "access to it, or ask the sender to save it again in the folder")
        return ReturnResult((), (), (finding,), describe_if_possible(path))
    except OSError as error:
        finding = Finding(Severity.ERROR, f"cannot be read: {error.strerror or error}", Source(str(path)),
                          action="file skipped; check the disk or the network drive and run again")
        return ReturnResult((), (), (finding,), describe_if_possible(path))
    except ReturnError as error:  # a problem the readers describe themselves (a file changing while read)
        finding = Finding(Severity.ERROR, str(error), Source(str(path)), action="file skipped")
        return ReturnResult((), (), (finding,), describe_if_possible(path))
    except Exception as error:  # noqa: BLE001 - one odd file must never stop the other returns
        finding = Finding(Severity.ERROR, f"could not read this file: {type(error).__name__}: {error}",
                          Source(str(path)), action="file skipped; please report this to the xlscorecard maintainers")
        return ReturnResult((), (), (finding,), describe_if_possible(path))


def describe_if_possible(path: Path) -> SourceFile | None:
    try:
        return describe_file(path)
    except OSError:
        return None


def _read_return(path: Path, hint: Period | None, register, limits: Limits, layouts=None) -> ReturnResult:
    source_file = describe_file(path)
    known = None if register is None else (lambda ref: register.match(ref) is not None
                                           or register.match(ref, by_name=True) is not None)
    by_rule, rule_mistake = sheets_reader(layouts, path)
    if rule_mistake is not None:
        return ReturnResult((), (), (rule_mistake,), source_file)
    outcome = read_tables(path, LAYOUTS, hint, limits, known, by_rule)
    findings = list(outcome.findings)
    outside: frozenset[str] = frozenset()
    if register is not None:
        sources = {**{o.ref: o.source for o in reversed(outcome.observations)}, **outcome.indicator_sources}
        matched = reconcile([*(i.ref for i in outcome.indicators), *(o.ref for o in outcome.observations)],
                            register, outcome.named_by_name, sources, str(path))
        findings.extend(matched.findings)
        outside = matched.outside
        if matched.renamed:
            _rename(outcome, matched.renamed)
    indicators, observations = list(outcome.indicators), list(outcome.observations)
    if register is not None:
        indicators, register_findings = register.apply(indicators, str(path), outcome.indicator_sources,
                                                         outcome.stated_fields)
        findings.extend(register_findings)
    layout = ", ".join(outcome.layouts) or None
    source_file = replace(source_file, records=len(observations), layout=layout,
                          tables=tuple(table.line() for table in outcome.tables))
    return ReturnResult(tuple(indicators), tuple(observations), tuple(findings), source_file,
                        tuple(outcome.claims), tuple(outcome.comparators), tuple(outcome.tables),
                        tuple(outcome.unrecognised), outside)


def _rename(outcome: TablesOutcome, renamed: dict[str, str]) -> None:
    """The outcome with every ref as the register spells it (``cyp 01`` read as CYP-01)."""
    def new(ref: str) -> str:
        return renamed.get(ref, ref)
    outcome.indicators = [replace(i, ref=new(i.ref)) if i.ref in renamed else i for i in outcome.indicators]
    outcome.observations = [replace(o, ref=new(o.ref)) if o.ref in renamed else o for o in outcome.observations]
    outcome.claims = [replace(c, ref=new(c.ref)) if c.ref in renamed else c for c in outcome.claims]
    outcome.indicator_sources = {new(ref): source for ref, source in outcome.indicator_sources.items()}
    outcome.stated_fields = {new(ref): fields for ref, fields in outcome.stated_fields.items()}
