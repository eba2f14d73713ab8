"""The layout file: a return described once, in TOML beside the returns, and read every quarter.

For a return detection cannot read (or reads in a way the council does not want), an officer
writes ``xlscorecard-layouts.toml`` in the returns folder (or passes ``--layouts FILE``)::

    [[rule]]
    name = "housing"                  # shown by `validate --layout`
    files = "housing*.xlsx"           # which returns the rule reads (a glob, on the file name)
    sheet = "Data"                    # a sheet name or a pattern (default: the first sheet)
    header_rows = [6, 7]              # or one row: header_rows = 7
    values = "E:M"                    # the value columns: a range, or a list ["E", "G"]
    periods = ["Apr 2020", "May 2020", ...]   # one per value column; or periods_row = 7
    columns = { ref = "A", name = "B", target = "C", polarity = "D", note = "N", rag = "O" }

This module loads and checks the file: every mistake is a finding naming the file, the rule
and the key. A rule with mistakes still claims the files it matches, which are then not read
(read by detection instead, they might be read wrongly, which is what the rule was written to
prevent). :mod:`.layout_file_reader` reads the returns a rule matches.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PeriodError
from ..core.model import Finding, Severity, Source
from ..core.periods import FinancialYear, Period, parse_period
from .sheets import column_letter, column_number
from .synonyms import HEADER_SYNONYMS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LAYOUTS_NAME = "xlscorecard-layouts.toml"
MAX_COLUMN = 16384  # XFD, Excel's last column

# What a rule's ``columns`` may name: the words an officer would use, then every field the
# header synonyms know by its own name (``annual_target``, ``frequency``, ``tier``...).
COLUMN_ALIASES = {"target": "annual_target", "rag": "published_rag", "variance": "published_variance",
                  "dot": "published_dot", "trend": "published_trend", "outturn": "previous_outturn",
                  "owner": "data_owner"}
_COMPARATOR_FIELDS = {"area_code", "area_name", "comparator_group", "data_year"}
COLUMN_FIELDS = {**COLUMN_ALIASES, **{name: name for name in HEADER_SYNONYMS if name not in _COMPARATOR_FIELDS}}
# The friendly word for a field, to write a starting layout file with (``xlscorecard layout``).
FIELD_KEYS = {name: key for key, name in COLUMN_ALIASES.items()}

RULE_KEYS = ("name", "files", "sheet", "header_rows", "first_data_row", "last_data_row", "columns", "values",
             "periods", "periods_row", "year", "ignore")
READ_BY_RULE = "read by the layout file, rule"
RULE_NOT_USED = "rule not used: the files it matches are not read until it is corrected"
_LETTERS = re.compile(r"[A-Za-z]{1,3}")


@dataclass(frozen=True)
class Rule:
    """One ``[[rule]]`` of a layout file: which files, which sheet, and where each thing is.

    ``columns`` pairs each field with its column number; ``values`` are the value columns and
    ``periods`` their periods (empty when they come from ``periods_row``, or from the header
    rows when neither is given). ``mistakes`` says what is wrong with the rule (it is then not
    used); ``layout_file`` is the file the rule was written in."""

    name: str
    files: str
    layout_file: str
    sheet: str | None = None
    header_rows: tuple[int, ...] = ()
    first_data_row: int = 0
    last_data_row: int | None = None
    columns: tuple[tuple[str, int], ...] = ()
    values: tuple[int, ...] = ()
    periods: tuple[Period, ...] = ()
    periods_row: int | None = None
    year: FinancialYear | None = None
    ignore: tuple[int, ...] = ()
    mistakes: tuple[str, ...] = ()

    @property
    def layout_name(self) -> str:
        """How the Sources sheet and ``validate --layout`` say the table was read."""
        return f"{READ_BY_RULE} {self.name!r}"

    def where(self, key: str) -> str:
        """``xlscorecard-layouts.toml, rule 'housing', key 'sheet'``: where a finding points."""
        return f"{Path(self.layout_file).name}, rule {self.name!r}, key {key!r}"

    def matches(self, file_name: str) -> bool:
        return fnmatch.fnmatch(Path(file_name).name.casefold(), self.files.casefold())

    def chosen_sheets(self, titles: list[str]) -> list[str]:
        """The sheets the rule reads: the one named (any case), else those its pattern matches;
        the first sheet when the rule names none."""
        if self.sheet is None:
            return titles[:1]
        named = [t for t in titles if t.strip().casefold() == self.sheet.strip().casefold()]
        return named or [t for t in titles if fnmatch.fnmatch(t.casefold(), self.sheet.casefold())]


@dataclass(frozen=True)
class LayoutFile:
    """The rules of one layout file, in the order written: every rule matching a file reads its
    table of it, and detection reads none of it."""

    path: str
    rules: tuple[Rule, ...] = field(default=())

    def rules_for(self, path: str | Path) -> tuple[Rule, ...]:
        """The rules that read the file at ``path`` (one per table: an indicator sheet and a
        values sheet, say), none when detection reads it."""
        return tuple(rule for rule in self.rules if rule.matches(str(path)))


def load_layout_file(path: str | Path, file_names: list[str] | None = None) -> tuple[LayoutFile, list[Finding]]:
    """The layout file at ``path`` and the findings about it. ``file_names`` are the returns
    folder's files: a rule matching none of them is a warning. A file that is not TOML gives
    an error and no rules."""
    path = Path(path)
    where = Source(str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return LayoutFile(str(path)), [Finding(Severity.ERROR, f"the layout file {path.name} cannot be read: {error}",
                                               where, action="no layout file used")]
    except tomllib.TOMLDecodeError as error:
        return LayoutFile(str(path)), [Finding(Severity.ERROR, f"the layout file {path.name} is not valid TOML: {error}",
                                               where, action="no layout file used; every return is read by detection")]
    findings = [Finding(Severity.ERROR, f"{path.name}: unknown key {key!r}{_suggest(key, ['rule'])}; a layout file "
                        "holds [[rule]] tables", where, action="key ignored") for key in data if key != "rule"]
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        findings.append(Finding(Severity.ERROR, f"{path.name}: key 'rule' must be written as [[rule]] tables",
                                where, action="no layout file used"))
        return LayoutFile(str(path)), findings
    rules = []
    for index, entry in enumerate(entries, start=1):
        rule = _rule(entry, index, str(path))
        findings += [Finding(Severity.ERROR, mistake, where, action=RULE_NOT_USED) for mistake in rule.mistakes]
        if rule.files and file_names is not None and not any(rule.matches(name) for name in file_names):
            findings.append(Finding(Severity.WARNING, f"{rule.where('files')}: {rule.files!r} matches no file in the "
                                    "returns folder", where, action="rule not used this time"))
        rules.append(rule)
    return LayoutFile(str(path), tuple(rules)), findings


def _suggest(key: str, valid) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


class _Checker:
    """Collects a rule's mistakes, each naming the key."""

    def __init__(self, layout_file: str, name: str):
        self.prefix = f"{Path(layout_file).name}, rule {name!r}"
        self.mistakes: list[str] = []

    def wrong(self, key: str, problem: str) -> None:
        self.mistakes.append(f"{self.prefix}, key {key!r}: {problem}")

    def row(self, key: str, value) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(key, f"should be a row number, not {value!r} ({_type_name(value)})")
            return None
        if value < 1:
            self.wrong(key, f"row {value} is not a row (rows start at 1)")
            return None
        return value

    def column(self, key: str, value) -> int | None:
        if not isinstance(value, str) or not _LETTERS.fullmatch(value.strip()):
            self.wrong(key, f"{value!r} is not a column letter (write e.g. 'B' or 'AA')")
            return None
        number = column_number(value.strip())
        if number > MAX_COLUMN:
            self.wrong(key, f"{value!r} is past the last column a sheet has ({column_letter(MAX_COLUMN)})")
            return None
        return number

    def period(self, key: str, value) -> Period | None:
        if not isinstance(value, str):
            self.wrong(key, f"{value!r} is not a period; write it as text, e.g. 'Dec 2020' or '2020/21 Q3'")
            return None
        try:
            return parse_period(value)
        except PeriodError:
            self.wrong(key, f"{value!r} is not a period (write e.g. 'Dec 2020', '2020/21 Q3' or '2020/21')")
            return None


def _rule(entry: dict, index: int, layout_file: str) -> Rule:
    name = entry.get("name") if isinstance(entry.get("name"), str) and entry.get("name").strip() else f"rule {index}"
    check = _Checker(layout_file, name)
    for key in entry:
        if key not in RULE_KEYS:
            check.wrong(key, f"unknown key{_suggest(key, RULE_KEYS) or '; a rule has ' + ', '.join(RULE_KEYS)}")
    for key in ("name", "files", "sheet", "year"):
        if key in entry and not isinstance(entry[key], str):
            check.wrong(key, f"should be text, not {entry[key]!r} ({_type_name(entry[key])})")
    files = entry.get("files") if isinstance(entry.get("files"), str) else ""
    if "files" not in entry:
        check.wrong("files", "missing: which returns the rule reads, e.g. files = \"housing*.xlsx\"")
    header_rows = _header_rows(check, entry)
    first = check.row("first_data_row", entry["first_data_row"]) if "first_data_row" in entry else None
    if first is not None and header_rows and first <= header_rows[-1]:
        check.wrong("first_data_row", f"row {first} is not below the header rows ({header_rows[-1]})")
    first = first or (header_rows[-1] + 1 if header_rows else 0)
    last = check.row("last_data_row", entry["last_data_row"]) if "last_data_row" in entry else None
    if last is not None and first and last < first:
        check.wrong("last_data_row", f"row {last} is above the first data row ({first})")
    columns = _columns(check, entry)
    values = _column_list(check, "values", entry["values"]) if "values" in entry else ()
    long_form = any(name == "period" for name, _ in columns)
    if long_form and "values" in entry:
        check.wrong("values", "give either columns.period and columns.value (one row per value) or values "
                              "(a column per period), not both")
    elif not long_form and "values" not in entry and "columns" in entry:
        check.wrong("values", "missing: which columns hold the values, e.g. values = \"E:M\" (values = [] for an "
                              "indicator sheet, which has none)")
    elif not long_form and entry.get("values") == [] and not _describes_indicators(columns):
        check.wrong("values", "is empty, but the columns describe no indicator (ref, name and polarity or target); "
                              "give the columns that hold the values")
    if long_form and not any(name == "value" for name, _ in columns):
        check.wrong("columns", "columns.period is given but not columns.value (the column of the figures)")
    periods = _periods(check, entry, values)
    periods_row = check.row("periods_row", entry["periods_row"]) if "periods_row" in entry else None
    if periods_row is not None and first and periods_row >= first:
        check.wrong("periods_row", f"row {periods_row} is not above the first data row ({first})")
    year = None
    if isinstance(entry.get("year"), str):
        try:
            year = FinancialYear.parse(entry["year"])
        except PeriodError:
            check.wrong("year", f"{entry['year']!r} is not a financial year (write e.g. '2020/21')")
    ignore = _column_list(check, "ignore", entry["ignore"]) if "ignore" in entry else ()
    _check_overlaps(check, columns, values, ignore)
    return Rule(name, files, layout_file, entry.get("sheet") if isinstance(entry.get("sheet"), str) else None,
                header_rows, first, last, columns, values, periods, periods_row, year, ignore, tuple(check.mistakes))


def _describes_indicators(columns) -> bool:
    """An indicator sheet (ref, name and their targets or polarity), which holds no values."""
    names = {name for name, _ in columns}
    return {"ref", "name"} <= names and bool(names & {"polarity", "annual_target", "frequency", "profile"})


def _header_rows(check: _Checker, entry: dict) -> tuple[int, ...]:
    if "header_rows" not in entry:
        check.wrong("header_rows", "missing: the row (or rows) of the table's header, e.g. header_rows = 7")
        return ()
    value = entry["header_rows"]
    if isinstance(value, list):
        if not value:
            check.wrong("header_rows", "the list is empty; give the row (or rows) of the table's header")
            return ()
        rows = [check.row("header_rows", item) for item in value]
        if None in rows:
            return ()
        if rows != list(range(rows[0], rows[0] + len(rows))):
            check.wrong("header_rows", f"{value} are not consecutive rows in order (e.g. [6, 7])")
            return ()
        return tuple(rows)
    row = check.row("header_rows", value)
    return (row,) if row is not None else ()


def _columns(check: _Checker, entry: dict) -> tuple[tuple[str, int], ...]:
    if "columns" not in entry:
        check.wrong("columns", "missing: at least the ref or the name column, e.g. columns = { ref = \"A\" }")
        return ()
    given = entry["columns"]
    if not isinstance(given, dict):
        check.wrong("columns", f"should be a table such as {{ ref = \"A\", name = \"B\" }}, not {given!r}")
        return ()
    found, mistakes = [], len(check.mistakes)
    for key, letter in given.items():
        name = COLUMN_FIELDS.get(key)
        if name is None:
            check.wrong(f"columns.{key}", "unknown column" + (_suggest(key, COLUMN_FIELDS) or "; known: " + ", ".join(
                ["ref", "name", "polarity", "note", *sorted(COLUMN_ALIASES), "…"]) + " (templates/README.md)"))
            continue
        col = check.column(f"columns.{key}", letter)
        if col is not None:
            found.append((name, col))
    if not any(name in ("ref", "name") for name, _ in found) and len(check.mistakes) == mistakes:
        # (a misspelt ref = ... has a finding already, which says what was meant)
        check.wrong("columns", "needs the ref column or the name column (what each row is about), e.g. ref = \"A\"")
    return tuple(found)


def _column_list(check: _Checker, key: str, value) -> tuple[int, ...]:
    """``"E:M"``, ``"E"`` or ``["E", "G"]`` as column numbers."""
    if isinstance(value, str) and ":" in value:
        start_text, _, end_text = value.partition(":")
        start, end = check.column(key, start_text), check.column(key, end_text)
        if start is None or end is None:
            return ()
        if end < start:
            check.wrong(key, f"{value!r} runs backwards; write the range left to right ({end_text}:{start_text})")
            return ()
        return tuple(range(start, end + 1))
    if isinstance(value, str):
        col = check.column(key, value)
        return (col,) if col is not None else ()
    if isinstance(value, list):  # (empty: an indicator sheet's values, or nothing ignored)
        cols = [check.column(key, item) for item in value]
        return tuple(cols) if None not in cols else ()
    check.wrong(key, f"should be a range such as \"E:M\" or a list such as [\"E\", \"G\"], not {value!r} "
                     f"({_type_name(value)})")
    return ()


def _periods(check: _Checker, entry: dict, values: tuple[int, ...]) -> tuple[Period, ...]:
    if "periods" not in entry:
        return ()
    if "periods_row" in entry:
        check.wrong("periods", "give either periods (written in the file) or periods_row (read from the sheet), "
                               "not both")
    given = entry["periods"]
    if not isinstance(given, list):
        check.wrong("periods", f"should be a list such as [\"Apr 2020\", \"May 2020\"], not {given!r}")
        return ()
    periods = [check.period(f"periods[{index}]", text) for index, text in enumerate(given, start=1)]
    if None in periods:
        return ()
    if values and len(periods) != len(values):
        check.wrong("periods", f"{len(periods)} periods for {len(values)} value columns "
                               f"({column_letter(values[0])}\u2013{column_letter(values[-1])}); give one per column")
    repeated = sorted({p.label for p in periods if periods.count(p) > 1})
    if repeated:
        check.wrong("periods", f"{', '.join(repeated)} given twice; each value column needs its own period")
    return tuple(periods)


def _check_overlaps(check: _Checker, columns, values, ignore) -> None:
    uses: dict[int, list[str]] = {}
    for name, col in columns:
        key = FIELD_KEYS.get(name, name)
        uses.setdefault(col, []).append(f"columns.{key}")
    for key, cols in (("values", values), ("ignore", ignore)):
        for col in cols:
            uses.setdefault(col, []).append(key)
    for col, keys in sorted(uses.items()):
        if len(keys) > 1:
            check.wrong(keys[-1], f"column {column_letter(col)} is given twice ({' and '.join(keys)})")


def folder_layout_file(files: list[Path], given: str | Path | None = None,
                       name_of=str) -> tuple[LayoutFile | None, list[Finding], frozenset[Path]]:
    """The layout file for a folder of returns: ``given`` (``--layouts``), else the folder's
    ``xlscorecard-layouts.toml``; with its findings, and the folder's files that are layout
    files (the default one, and ``given`` when it sits in the folder: never read as returns).
    ``(None, [], frozenset())`` when there is none."""
    import os

    in_folder = next((path for path in files if path.name.casefold() == LAYOUTS_NAME), None)
    chosen = Path(given) if given is not None else in_folder
    if chosen is None:
        return None, [], frozenset()
    wanted = os.path.realpath(chosen)
    layout_files = frozenset(path for path in files if path == in_folder or os.path.realpath(path) == wanted)
    names = [Path(name_of(path)).name for path in files if path not in layout_files]
    layouts, findings = load_layout_file(chosen, names)
    return layouts, findings, layout_files
