"""Turn one value cell into a number, a gap with a reason, or a problem; and group the problems.

The rules are the issue's: ``-``, blank and ``N/A`` are no value; ``1,200,295``, ``63%`` and
`` 94 `` are numbers; 0.63 under a percent format is the 63 a person sees; Excel errors, formulas
with no cached value, dates and booleans are problems; any other text is a note explaining a gap.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..core.model import Finding, Severity, Source
from .sheets import Cell, a1, is_date_like
from .synonyms import FIGURE_MARKERS, PLACEHOLDERS, SUPPRESSED_BELOW, SUPPRESSION_MARKERS

_NUMBER_TEXT = re.compile(r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
# A figure with a marker after it ("459.4 (p)", "505.1*", "28.4 prov", "312r") or before it
# ("est. 94", "(p) 459.4"); the marker's words are looked up in synonyms.FIGURE_MARKERS.
_MARKER = r"[\(\[]?\s*(?:[A-Za-z]+\.?|\*{1,2})\s*[\)\]]?"
_MARKED_AFTER = re.compile(r"(?P<number>[^A-Za-z*()\[\]]*\d[^A-Za-z*()\[\]]*?)\s*(?P<marker>" + _MARKER + ")")
_MARKED_BEFORE = re.compile(r"(?P<marker>" + _MARKER + r"):?\s+(?P<number>[^A-Za-z*()\[\]]*\d[^A-Za-z*()\[\]]*)")
_MARKER_PUNCTUATION = re.compile(r"[\s().\[\]]")
# Quoted text, [colour] or [condition] sections and backslash-escaped characters ("0\\%" shows
# a literal per-cent sign without scaling) are not format codes.
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
# Float noise from scaling a fraction (0.63 * 100 = 63.00000000000001) is far below any printed figure.
_PERCENT_DIGITS = 10

# Problem kinds: (severity, what was found, what was done). Grouped per sheet by kind.
EXCEL_ERROR = (Severity.ERROR, "Excel error value in a value cell", "no value used")
NO_CACHED_VALUE = (Severity.ERROR, "formula with no cached value (the file was never recalculated and saved in Excel)",
                   "no value used; open and save the return in Excel")
DATE_VALUE = (Severity.ERROR, "date where a number belongs", "no value used")
BOOLEAN_VALUE = (Severity.ERROR, "TRUE/FALSE where a number belongs", "no value used")
NOT_FINITE = (Severity.ERROR, "number that is not finite", "no value used")
TEXT_NOTE = (Severity.INFO, "text in a value cell", "read as a data gap with the text as its reason")
SUPPRESSED = "suppressed"

# (severity, what was found, what was done), and optionally a finding kind (model.RETURN_CAVEATS).
Problem = tuple


@dataclass(frozen=True)
class Reading:
    """What one value cell says: a ``value``, or a ``note`` (a gap with a reason), or a ``problem``.

    ``flag`` qualifies it: a figure marked ``provisional``, ``revised`` or ``estimated``, or a
    gap that is ``suppressed`` (a small number withheld).
    """

    value: float | None = None
    note: str | None = None
    problem: Problem | None = None
    raw: str | None = None
    flag: str | None = None


def parse_number_text(text: str) -> float | None:
    """``'1,200,295'`` -> 1200295.0, ``'63%'`` -> 63.0, ``' 94 '`` -> 94.0, ``'1.5E+06'`` (as CSV
    exports write large and small numbers) -> 1500000.0; other text -> None."""
    clean = text.strip().replace("\u00a3", "").replace(" ", "")
    if clean.endswith("%"):
        clean = clean[:-1]
    if not clean or not _NUMBER_TEXT.fullmatch(clean) or not any(ch.isdigit() for ch in clean):
        return None
    return float(clean.replace(",", ""))


def parse_marked_figure(text: str) -> tuple[float, str] | None:
    """A figure with a provisional, revised or estimated marker: ``(number, flag)``, else None.

    >>> parse_marked_figure("459.4 (p)"), parse_marked_figure("312r"), parse_marked_figure("est. 94")
    ((459.4, 'provisional'), (312.0, 'revised'), (94.0, 'estimated'))
    >>> parse_marked_figure("awaiting data") is None, parse_marked_figure("12 months") is None
    (True, True)
    """
    for pattern in (_MARKED_AFTER, _MARKED_BEFORE):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        flag = FIGURE_MARKERS.get(_MARKER_PUNCTUATION.sub("", match["marker"]).lower())
        number = parse_number_text(match["number"]) if flag else None
        if number is not None:
            return number, flag
    return None


def is_suppressed(text: str) -> bool:
    """``<5``, ``[c]``, ``*`` alone, ``..``: a figure withheld to protect small numbers."""
    key = text.strip().lower()
    return key in SUPPRESSION_MARKERS or bool(SUPPRESSED_BELOW.match(key))


@lru_cache(maxsize=1024)  # a workbook has a few formats, asked about for every value cell
def is_percent_format(number_format: str) -> bool:
    """Whether a number format shows the value as a percentage (a ``%`` outside quoted text)."""
    return "%" in _QUOTED.sub("", number_format or "")


def read_cell(cell: Cell | None) -> Reading:
    """Read one value cell by the rules above."""
    if cell is None:
        return Reading()
    value = cell.value
    raw = None if value is None else str(value)
    if cell.formula_without_value:
        return Reading(problem=NO_CACHED_VALUE, raw=raw)
    if cell.is_error:
        return Reading(problem=EXCEL_ERROR, raw=raw)
    if isinstance(value, bool):
        return Reading(problem=BOOLEAN_VALUE, raw=raw)
    if is_date_like(value):
        return Reading(problem=DATE_VALUE, raw=raw)
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            return Reading(problem=NOT_FINITE, raw=raw)
        if is_percent_format(cell.number_format):
            number = round(number * 100, _PERCENT_DIGITS)
        return Reading(value=number, raw=raw)
    text = " ".join(str(value).split())
    if text.lower() in PLACEHOLDERS:
        return Reading(raw=raw)
    number = parse_number_text(text)
    if number is not None and not math.isfinite(number):
        return Reading(problem=NOT_FINITE, raw=raw)
    if number is not None:
        return Reading(value=number, raw=raw)
    if is_suppressed(text):
        return Reading(note=SUPPRESSED, raw=raw, flag=SUPPRESSED)
    marked = parse_marked_figure(text)
    if marked is not None:
        if not math.isfinite(marked[0]):
            return Reading(problem=NOT_FINITE, raw=raw)
        return Reading(value=marked[0], raw=raw, flag=marked[1])
    return Reading(note=text, problem=TEXT_NOTE, raw=raw)


class FindingCollector:
    """Collects findings for one file, grouping repeated problems: one finding per kind per
    sheet, naming up to five example cells and the total count (STYLE item 4)."""

    EXAMPLES = 5

    def __init__(self, path: str):
        self.path = path
        self._single: list[Finding] = []
        self._groups: dict[tuple, list[tuple[str, str | None, str | None]]] = defaultdict(list)

    def add(self, severity: Severity, message: str, *, sheet: str | None = None, cell: str | None = None,
            ref: str | None = None, action: str | None = None, count: int = 1, kind: str | None = None) -> None:
        self._single.append(Finding(severity, message, Source(self.path, sheet, cell), ref, action, count, kind))

    def problem(self, problem: Problem, sheet: str, row: int, col: int, *, ref: str | None = None,
                raw: str | None = None) -> None:
        """Record one cell with a grouped problem kind."""
        self._groups[(problem, sheet)].append((a1(row, col), ref, raw))

    def findings(self) -> list[Finding]:
        grouped = []
        for ((severity, message, action, *kind), sheet), cells in self._groups.items():
            examples = cells[: self.EXAMPLES]
            refs = {ref for _, ref, _ in cells}
            shown = ", ".join(f"{cell} {raw!r}" if raw is not None else cell for cell, _, raw in examples)
            more = f" and {len(cells) - len(examples)} more" if len(cells) > len(examples) else ""
            grouped.append(Finding(
                severity, f"{message}: {shown}{more}",
                Source(self.path, sheet, ", ".join(cell for cell, _, _ in examples)),
                refs.pop() if len(refs) == 1 else None, action, len(cells), kind[0] if kind else None))
        return self._single + grouped
