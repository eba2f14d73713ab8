"""Find a table's header in a sheet and say what each column means, for every layout.

A header may sit on any of the first rows under title rows, and may take two rows (``Q1``
merged above ``April May June``, or ``21/22`` above ``Target``). Columns are recognised by
meaning through :mod:`.synonyms`; value columns by the period they name (``April``, ``Sept``,
``Q1 June``, ``Q2``, ``Dec 2020``). Periods get their financial year from the header
(``20/21 Target``), the title rows above it, the sheet name, the file name or the period the
user gave, in that order.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from pathlib import Path

from ..errors import PeriodError
from ..core.periods import MONTH_SPELLINGS, FinancialYear, Period, PeriodKind, calendar_month_to_fy_month, parse_period
from .sheets import SheetGrid
from .synonyms import MEASURE_WORDS, field_for, header_key

_ISO_DATE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-\d{2}")
_QUARTER_WORD = re.compile(r"^(?:q|qtr|quarter)\s?([1-4])$")


@dataclass(frozen=True)
class PeriodColumn:
    """A value column: the month and/or quarter its header names, and the period once resolved.

    ``quarter_in_label`` is true when the quarter was written in the column's own header cell
    (``Q1 June``), which with quarter-end months only marks a quarterly layout.
    """

    col: int
    label: str
    calendar_month: int | None = None
    quarter: int | None = None
    quarter_in_label: bool = False
    period: Period | None = None
    # A year written over the column in the header block ("2019/20" over its months), and why
    # the column has no period when it has none.
    band_fy: FinancialYear | None = None
    band_calendar_year: int | None = None
    problem: str | None = None
    # What the column holds when a period has several ("target", "actual", "rag": a
    # "Target | Actual" sub-header under each month); ``None`` for a plain value column.
    measure: str | None = None


@dataclass
class Table:
    """A recognised header: which column holds which field, and the value columns."""

    grid: SheetGrid
    header_row: int
    first_data_row: int
    fields: dict[str, int] = field(default_factory=dict)
    field_years: dict[str, FinancialYear] = field(default_factory=dict)
    period_columns: list[PeriodColumn] = field(default_factory=list)
    fy: FinancialYear | None = None
    search_start: int = 1
    # Each column's header text (both rows of a two-row header), and the first row of the
    # header block (a year row above the months, say) once resolved.
    header_texts: dict[int, str] = field(default_factory=dict)
    header_top: int | None = None
    # The last column of this table when another starts beside it; a field written for several
    # years (column, year each), and the columns of the years not read.
    end_col: int | None = None
    field_alternatives: dict[str, list[tuple[int, FinancialYear]]] = field(default_factory=dict)
    other_year_cols: set[int] = field(default_factory=set)
    # A year every bare month takes when the table's title or name gives only a calendar year;
    # why the year of its months is uncertain, when the header and the title or name disagree.
    calendar_year: int | None = None
    year_problem: str | None = None

    def col(self, name: str) -> int | None:
        return self.fields.get(name)

    def has(self, *names: str) -> bool:
        return all(name in self.fields for name in names)

    @property
    def framework_year(self) -> FinancialYear | None:
        return self.fy


def period_label(text: str) -> tuple[int | None, int | None] | Period | None:
    """What a value column's header names: ``(calendar_month, quarter)`` or an explicit Period.

    >>> period_label("Q1 June"), period_label("Sept"), period_label("Quarter 3")
    ((6, 1), (9, None), (None, 3))
    >>> period_label("Dec 2020").label, period_label("Update October"), period_label("1899-12-31")
    ('Dec 2020', None, None)
    """
    months = _MONTH_RANGE.fullmatch(text.strip().lower())
    if months and months[1] in MONTH_SPELLINGS and months[2] in MONTH_SPELLINGS:
        return _quarter_of_range(MONTH_SPELLINGS[months[1]], MONTH_SPELLINGS[months[2]], months[3])
    iso_date = _ISO_DATE.fullmatch(text)
    if iso_date:  # a header cell holding a date names its month
        try:
            return Period.month(int(iso_date[1]), int(iso_date[2]))
        except PeriodError:  # a date out of any plausible range (year 1899, 7430) names no period
            return None
    key = " ".join(_WORD.findall(text.lower()))
    key = _QUARTER_WORDS.sub(r"q\1", key)
    quarter = month = None
    rest = []
    for word in key.split():
        q = _QUARTER_WORD.match(word)
        if q and quarter is None:
            quarter = int(q[1])
        elif word in MONTH_SPELLINGS and month is None:
            month = MONTH_SPELLINGS[word]
        else:
            rest.append(word)
    if not rest and (month or quarter):
        return month, quarter
    try:
        return parse_period(text)
    except PeriodError:
        return None


_WORD = re.compile(r"[a-z0-9]+")
# "Oct-Dec 2020", "Apr – Jun 20", "Jan to Mar": a quarter written as its months.
_MONTH_RANGE = re.compile(r"([a-z]+)\.?\s*(?:-|\u2013|\u2014|to)\s*([a-z]+)\.?,?\s*((?:19|20)?\d{2})?")


def _quarter_of_range(first: int, last: int, year: str | None):
    """The quarter a month range names, as ``(None, quarter)`` or, with a year, the Period."""
    start, end = calendar_month_to_fy_month(first), calendar_month_to_fy_month(last)
    if end - start != 2 or end % 3:
        return None
    if year is None:
        return None, end // 3
    calendar = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return Period.quarter(FinancialYear(calendar if last >= 4 else calendar - 1), end // 3)
    except PeriodError:
        return None


_QUARTER_WORDS = re.compile(r"\b(?:quarter|qtr) ([1-4])\b")

# Header texts repeat across rows, sheets and returns: what each says is worked out once.
_period_label = lru_cache(maxsize=8192)(period_label)
names_a_period = _period_label


class _Heading(NamedTuple):
    """What one header column says: a field, or a value column (a month and/or quarter, or an
    explicit period). ``used_below`` when the row under the header was needed to say it."""

    text: str
    used_below: bool = False
    field: str | None = None
    month: int | None = None
    quarter: int | None = None
    quarter_in_label: bool = False
    period: Period | None = None
    year: FinancialYear | int | None = None
    measure: str | None = None


def measure_word(text: str) -> str | None:
    """What a sub-header word says a period's column holds: ``'Tgt'`` -> ``'target'``,
    ``'Outturn'`` -> ``'actual'`` (:data:`.synonyms.MEASURE_WORDS`); ``None`` for anything else."""
    return MEASURE_WORDS.get(header_key(text)) if text else None


_ONE_WORD_MEASURES = "|".join(sorted((w for w in MEASURE_WORDS if " " not in w), key=len, reverse=True))
_MEASURE_AFTER = re.compile(
    rf"(?P<period>.*?[\w\)])[\s:\-\u2013(\[]+(?P<measure>{_ONE_WORD_MEASURES})[\)\]]?\.?", re.I)
_MEASURE_BEFORE = re.compile(rf"(?P<measure>{_ONE_WORD_MEASURES})[\s:\-\u2013]+(?P<period>\w.*)", re.I)


# In an indicator's name the measure must be set off ("Calls answered - Target", "(Actual)"):
# "Calls answered within target" is a name.
_MEASURE_SET_OFF = re.compile(
    rf"(?P<period>.*?\S)\s*(?:[:\-\u2013|]\s*|[(\[]\s*)(?P<measure>{_ONE_WORD_MEASURES})\s*[\)\]]?", re.I)


def split_measure(text: str, set_off: bool = False) -> tuple[str, str] | None:
    """A period (or, in a row's ref or name, the indicator) and a measure written in one cell,
    as ``(the rest, measure)``; with ``set_off`` only a measure after a dash, colon or bracket.

    >>> split_measure("Apr Target"), split_measure("Actual - Q3 20/21"), split_measure("Annual")
    (('Apr', 'target'), ('Q3 20/21', 'actual'), None)
    >>> split_measure("Calls answered within target", set_off=True), split_measure("Calls (Tgt)", set_off=True)
    (None, ('Calls', 'target'))
    """
    for pattern in (_MEASURE_SET_OFF,) if set_off else (_MEASURE_AFTER, _MEASURE_BEFORE):
        match = pattern.fullmatch(text.strip())
        if match:
            return match["period"].strip(), MEASURE_WORDS[match["measure"].lower()]
    return None


def _period_heading(text: str, label, measure: str | None, used_below: bool) -> _Heading | None:
    """A value column for ``label`` (what :func:`period_label` made of the header) holding ``measure``."""
    if isinstance(label, Period):
        return _Heading(text, used_below, period=label, measure=measure)
    if isinstance(label, tuple):
        return _Heading(text, used_below, month=label[0], quarter=label[1], quarter_in_label=label[1] is not None,
                        measure=measure)
    return None


_CALENDAR_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
# A year written over a block of months is short ("2019/20", "Last year 2019/20", "2021"); a
# longer text over the columns is a title, whose year the table as a whole takes.
MAX_YEAR_LABEL_WORDS = 4


def year_label(text: str) -> FinancialYear | int | None:
    """The year a header-block cell writes over its columns: a financial year, or a calendar
    year (``2021`` over ``Jan Feb Mar``); ``None`` for anything else, titles included.

    >>> year_label("2019/20"), year_label("Last year (19/20)"), year_label("2021"), year_label("Apr")
    (FinancialYear(start=2019), FinancialYear(start=2019), 2021, None)
    """
    if not text or len(text.split()) > MAX_YEAR_LABEL_WORDS:
        return None
    fy = find_financial_year(text)
    if fy is not None:
        return fy
    years = _CALENDAR_YEAR.findall(text)
    found = _CALENDAR_YEAR.search(text)
    if len(years) == 1 and not any(ch.isdigit() for ch in _CALENDAR_YEAR.sub("", text)):
        return int(found.group(0))
    return None


def _month_only(text: str) -> int | None:
    label = _period_label(text) if text else None
    return label[0] if isinstance(label, tuple) and label[1] is None else None


@lru_cache(maxsize=8192)
def _classify(top: str, below: str) -> _Heading | None:
    name = field_for(top) if top else None
    if name:
        return _Heading(top, field=name)
    top_label = _period_label(top) if top else None
    if below and isinstance(top_label, Period) and top_label.kind is PeriodKind.YEAR:
        name = field_for(f"{top} {below}")
        if name:  # "21/22" above "Target": the year's target, "19/20" above "Outturn": last year's outturn
            return _Heading(f"{top} {below}", True, field=name)
    measure = measure_word(below) if top_label is not None and below else None
    if measure:  # "Apr" above "Target", "Q3 20/21" above "Actual"
        return _period_heading(f"{top} {below}", top_label, measure, True)
    split = split_measure(top) if top and top_label is None else None
    if split:  # "Apr Target", "Actual Q3 20/21"
        heading = _period_heading(top, _period_label(split[0]), split[1], False)
        if heading is not None:
            return heading
    if top and below and top_label is None:
        name = field_for(f"{top} {below}")  # "21/22" above "Target", "Reporting" above "Frequency"
        if name:
            return _Heading(f"{top} {below}", True, field=name)
    month_below = _month_only(below)
    year_above = year_label(top) if top and below else None
    if year_above is not None:  # "2019/20" above "Apr", "2021" above "Jan", "2020/21" above "Q3"
        below_label = _period_label(below)
        if isinstance(below_label, tuple):
            return _Heading(f"{top} {below}", True, month=below_label[0], quarter=below_label[1],
                            quarter_in_label=below_label[1] is not None, year=year_above)
    if isinstance(top_label, Period):
        return _Heading(top, period=top_label)
    if isinstance(top_label, tuple):
        month, quarter = top_label
        if month is None and month_below:  # "Q1" above "April"
            return _Heading(f"{top} {below}", True, month=month_below, quarter=quarter)
        return _Heading(top, month=month, quarter=quarter, quarter_in_label=quarter is not None)
    if not top and month_below:  # under a "Q1" merged from the column to the left
        return _Heading(below, True, month=month_below)
    return None


def _candidate(grid: SheetGrid, row: int, tops: list[str], belows: list[str]) -> Table:
    """The header that row ``row`` would be; ``tops`` and ``belows`` are its and the next row's texts.

    A year written once in this row over a block of months below (``2019/20`` then blanks)
    runs right to the next text; a second Ref column starts another table beside this one,
    which ends the header there (``end_col``)."""
    table = Table(grid, row, row + 1)
    used_below = False
    running_year = running_period = None
    for col, (top, below) in enumerate(zip(tops, belows), start=1):
        if not top and not below:
            continue  # says nothing: most cells of most rows searched
        heading = _classify(top, below)
        if top:
            running_year = heading.year if heading is not None else None
            running_period = (top, heading) if heading is not None and heading.measure and heading.used_below else None
        elif heading is None and running_period is not None and measure_word(below):
            # "Apr" written once over "Target | Actual": the month runs right over its measures
            month, over = running_period
            heading = over._replace(text=f"{month} {below}", measure=measure_word(below))
        elif heading is not None and running_year is not None and heading.month is not None and heading.used_below:
            heading = heading._replace(year=running_year)
        if heading is not None and heading.field in ("ref",) and heading.field in table.fields:
            table.end_col = col - 1  # "Ref" again: a second table sits beside the first
            break
        if heading is None or (heading.field and heading.field in table.fields):
            if top:
                table.header_texts[col] = top
            year = find_financial_year(heading.text) if heading is not None and heading.field else None
            if year:  # "Target 2019/20" beside "Target 2020/21": which is this year's is decided later
                table.field_alternatives.setdefault(heading.field, []).append((col, year))
            continue
        used_below |= heading.used_below
        table.header_texts[col] = heading.text
        if heading.field:
            table.fields[heading.field] = col
            year = find_financial_year(heading.text)
            if year:
                table.field_years[heading.field] = year
                table.field_alternatives.setdefault(heading.field, []).append((col, year))
        else:
            table.period_columns.append(PeriodColumn(
                col, heading.text, heading.month, heading.quarter, heading.quarter_in_label, heading.period,
                heading.year if isinstance(heading.year, FinancialYear) else None,
                heading.year if isinstance(heading.year, int) else None, measure=heading.measure))
    table.first_data_row = row + 2 if used_below else row + 1
    return table


def _score(table: Table) -> int:
    fields = set(table.fields) - {"framework_year"}
    # What each row is about: an indicator (ref or name), or an authority in a comparator table.
    has_key = bool(fields & {"ref", "name", "area_code", "area_name"})
    enough = len(fields) + (1 if table.period_columns else 0) >= 2
    if not has_key or not enough or ("ref" not in fields and not table.period_columns and len(fields) < 3):
        return 0
    return len(fields) * 2 + min(len(table.period_columns), 12)


# A header takes at most this many rows after the first row that could be one (a "Q1" row over
# the months, a year row over the quarters); a better header further down is another table's.
HEADER_ROWS = 2


def find_table(grid: SheetGrid, search_rows: int, start_row: int = 1) -> Table | None:
    """The best-scoring header in the ``search_rows`` rows from ``start_row``, or ``None``.

    Only the first header found competes, with the rows just under it: a table further down
    with more columns is the next table, not a better header for this one."""
    best, best_score = None, 0
    texts: dict[int, list[str]] = {}  # each row is the top of one candidate and the below of another
    for row in range(start_row, min(grid.n_rows, start_row + search_rows - 1) + 1):
        if best is not None and row > best.header_row + HEADER_ROWS:
            break
        if grid.is_blank_row(row):
            continue
        tops = texts.pop(row, None) or grid.row_texts(row)
        texts[row + 1] = belows = grid.row_texts(row + 1)
        candidate = _candidate(grid, row, tops, belows)
        candidate.search_start = start_row
        score = _score(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best


_LOOSE_YEAR = re.compile(r"(?<!\d)(?:20)?\d{2}\s*[/_-]\s*(?:20)?\d{2}(?!\d)")
# In free text ("16-17 year olds") only a four-digit start year is taken as a financial year.
_STRICT_YEAR = re.compile(r"(?<!\d)20\d{2}\s*[/_-]\s*(?:20)?\d{2}(?!\d)")


def find_financial_year(*texts: str, strict: bool = False) -> FinancialYear | None:
    """The first financial year written in any of ``texts`` (``'Q3 2020-21 return'``)."""
    pattern = _STRICT_YEAR if strict else _LOOSE_YEAR
    for text in texts:
        for token in pattern.findall(text or ""):
            try:
                return FinancialYear.parse(token.replace("_", "-"))
            except PeriodError:
                continue
    return None


__all__ = ["PeriodColumn", "Table", "find_financial_year", "find_table", "measure_word", "period_label",
           "split_measure", "year_label"]
