"""The indicator register: read as strictly as it is trusted, and the returns' refs matched to it.

The register is the performance framework: every indicator's ref, name, polarity and targets.
A register whose Ref, Name or Polarity column cannot be found would make its indicators vanish
from the scorecard, so that is an error naming the sheet and the headers it has; a missing
optional column is a note saying which default is used. Returns type refs loosely (``cyp-01``,
``CYP 41``, an en dash pasted from Word) or name their indicators without a ref: each is matched
to the register's indicator when the match is certain, and what matches nothing is a warning
that says which register refs are nearest.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.framework import Framework
from ..core.model import same_words, NOT_IN_REGISTER, FinancialYear, Finding, Indicator, Observation, Severity, Source
from .layout_report import TableReport
from .layout_file import READ_BY_RULE
from .template import INDICATORS_NAME

COMPARED_FIELDS = ("name", "polarity", "annual_target", "frequency", "profile")
# Refs not in the register named one finding each, with the nearest register refs; beyond this
# many in one return, the rest are counted in one finding.
MAX_NAMED_OUTSIDE = 20
REQUIRED_COLUMNS = {"ref": "Ref", "name": "Name", "polarity": "Polarity"}
OPTIONAL_COLUMNS = {
    "priority": "every indicator is listed under no priority",
    "frequency": "frequencies are taken as quarterly",
    "annual_target": "no annual targets: indicators are coloured only where a period target is set",
    "service": "the returns tracker lists all indicators under one unnamed service",
}
_REF_NOISE = re.compile(r"[\s\u00a0\u2007\u202f_.\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+")
_WORDS = re.compile(r"[a-z0-9&]+")


def ref_key(ref: str) -> str:
    """A ref as compared with the register's: case, spaces, non-breaking spaces and every kind
    of hyphen or dash ignored.

    >>> ref_key("CYP 41") == ref_key("cyp-41") == ref_key("CYP\u201341") == ref_key("CYP-41")
    True
    """
    return _REF_NOISE.sub("", ref.casefold())


def name_key(name: str) -> str:
    """An indicator name as compared with the register's: case, punctuation and spacing ignored."""
    return " ".join(_WORDS.findall(name.casefold().replace("\u2013", "-")))


def same_text(a: object, b: object) -> bool:
    """Whether two register or return values say the same (texts ignoring case and spacing)."""
    if isinstance(a, str) and isinstance(b, str):
        return same_words(a, b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _shown(value: object) -> str:
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float)) else f"{value!r}"


class Register:
    """The framework's indicators, per financial year; an indicator with no year applies to any."""

    def __init__(self, indicators: Iterable[Indicator], path: str | None = None, framework: Framework | None = None):
        self.path = path
        # The council's name and priorities, from the register's Framework sheet.
        self.framework = framework or Framework(source=path)
        self._by_key: dict[tuple[str, FinancialYear | None], Indicator] = {}
        for indicator in indicators:
            self._by_key.setdefault((indicator.ref, indicator.framework_year), indicator)
        refs_by_key: dict[str, set[str]] = {}
        refs_by_name: dict[str, set[str]] = {}
        for ref, _ in self._by_key:
            refs_by_key.setdefault(ref_key(ref), set()).add(ref)
        for indicator in self._by_key.values():
            refs_by_name.setdefault(name_key(indicator.name), set()).add(indicator.ref)
        # Only certain matches: a key two register refs share matches neither.
        self._by_ref_key = {key: refs.pop() for key, refs in refs_by_key.items() if len(refs) == 1}
        self._refs = frozenset(ref for ref, _ in self._by_key)
        self._by_name_key = {key: refs.pop() for key, refs in refs_by_name.items() if len(refs) == 1 and key}

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(self._by_key.values())

    @property
    def refs(self) -> frozenset[str]:
        return self._refs

    def lookup(self, ref: str, year: FinancialYear | None) -> Indicator | None:
        return self._by_key.get((ref, year)) or self._by_key.get((ref, None))

    def match(self, text: str, by_name: bool = False) -> str | None:
        """The register ref that ``text`` (a return's ref, or with ``by_name`` its indicator
        name) stands for, or ``None``."""
        if not by_name and text in self._refs:
            return text
        if by_name:
            return self._by_name_key.get(name_key(text)) or self._by_ref_key.get(ref_key(text))
        return self._by_ref_key.get(ref_key(text))

    def nearest(self, text: str, count: int = 3) -> list[str]:
        """The register refs (or, for a name, the refs of the names) nearest to ``text``."""
        by_ref = {ref_key(ref): ref for ref, _ in self._by_key}
        close = difflib.get_close_matches(ref_key(text), list(by_ref), n=count, cutoff=0.6)
        if close:
            return [by_ref[key] for key in close]
        names = {name_key(i.name): i.ref for i in self._by_key.values()}
        return [names[key] for key in difflib.get_close_matches(name_key(text), list(names), n=count, cutoff=0.6)]

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
                same = name_key(theirs) == name_key(ours) if name == "name" else same_text(theirs, ours)
                if theirs is not None and ours is not None and not same:
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


def register_column_findings(path: str, tables: list[TableReport], unrecognised: list[TableReport]) -> list[Finding]:
    """What a register's indicator sheet lacks: an error for each required column (naming the
    sheet and the headers it has), a note for each optional one (naming the default used)."""
    indicator_tables = [t for t in tables if t.layout == INDICATORS_NAME or (  # or a layout file's indicator sheet
        t.layout.startswith(READ_BY_RULE) and not t.columns and {"ref", "name"} <= set(t.field_names))]
    candidates = indicator_tables or sorted(
        unrecognised, key=lambda t: len(set(t.field_names) & (set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS))), reverse=True)
    name = Path(path).name
    if not candidates:
        return [Finding(Severity.ERROR, f"{name} has no sheet with an indicator table (a header row with Ref, Name "
                        "and Polarity columns)", Source(path), action="no indicator read from the register; see "
                        "templates/README.md, 'The indicator register'")]
    findings = []
    fields = set().union(*(t.field_names for t in candidates[:1] if not indicator_tables), *(t.field_names for t in indicator_tables))
    best = candidates[0]
    headers = ", ".join(h for h in best.headers if h)[:300] or "none"
    for field_name, header in REQUIRED_COLUMNS.items():
        if field_name not in fields:
            findings.append(Finding(
                Severity.ERROR, f"{name}, sheet {best.sheet}: no column for the {field_name.replace('_', ' ')}; "
                f"its headers are {headers}", Source(path, best.sheet), action=f"call it {header!r} "
                "(templates/README.md lists the headers xlscorecard knows); no indicator read from this sheet"))
    if findings:
        return findings
    for field_name, default in OPTIONAL_COLUMNS.items():
        if field_name not in fields:
            findings.append(Finding(Severity.INFO, f"the register has no {field_name.replace('_', ' ')} column",
                                    Source(path, best.sheet), action=default))
    return findings


@dataclass(frozen=True)
class Reconciled:
    """A return's refs as the register knows them: ``renamed`` maps each ref as read to the
    register's; ``outside`` lists the refs that match nothing in it."""

    renamed: dict[str, str]
    outside: frozenset[str]
    findings: tuple[Finding, ...]


def reconcile(refs: Iterable[str], register: Register, names: set[str], sources: Mapping[str, Source],
              path: str) -> Reconciled:
    """Match each ref a return used to the register (``names`` are refs that are the
    indicator's name, from tables with no ref column)."""
    renamed, outside, findings, loose = {}, set(), [], []
    for ref in dict.fromkeys(refs):
        matched = register.match(ref, by_name=ref in names)
        if matched is None:
            outside.add(ref)
            if len(outside) > MAX_NAMED_OUTSIDE:
                continue  # counted in one finding below
            nearest = register.nearest(ref)
            hint = f" (did you mean {' or '.join(nearest)}?)" if nearest else ""
            what = "indicator name" if ref in names else "ref"
            findings.append(Finding(
                Severity.WARNING, f"{what} {ref!r} is not in the register{hint}", sources.get(ref, Source(path)), ref,
                "kept and scored on the return's own details, listed apart as not in the register; correct the "
                "return or add the indicator to the register", kind=NOT_IN_REGISTER))
        elif matched != ref:
            renamed[ref] = matched
            loose.append(f"{ref!r} as {matched}")
    if len(outside) > MAX_NAMED_OUTSIDE:
        extra = len(outside) - MAX_NAMED_OUTSIDE
        findings.append(Finding(Severity.WARNING, f"{extra} more refs or names are not in the register",
                                Source(path), action="kept and listed apart as not in the register; is this "
                                "return for this framework?", count=extra, kind=NOT_IN_REGISTER))
    if loose:
        shown = ", ".join(loose[:5]) + (f" and {len(loose) - 5} more" if len(loose) > 5 else "")
        findings.append(Finding(Severity.INFO, f"refs and names matched to the register: {shown}", Source(path),
                                action="values read as the register's indicators", count=len(loose)))
    return Reconciled(renamed, frozenset(outside), tuple(findings))
