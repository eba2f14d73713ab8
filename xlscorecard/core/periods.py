"""Financial years and reporting periods, and parsing of what people type for them.

A UK council's financial year runs from 1 April to 31 March and is written ``2020/21``.
Quarters count from April: Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec, Q4 = Jan–Mar.
Months are stored by their place in the financial year (April = 1 … March = 12), because
that is the number every profiling rule needs ("December is month 9, so 9/12").
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from functools import cached_property, total_ordering

from ..errors import PeriodError

ACCEPTED_PERIODS = (
    "a quarter ('2020/21 Q3', 'Q3 2020/21', 'Q3 20/21', 'Quarter 3 2020/21'), "
    "a month ('Dec 2020', 'December 2020', 'Sept 2020', '2020-12', 'Dec-20') "
    "or a financial year ('2020/21', '20/21', '2020-21')"
)

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Every spelling of a month that people use in returns, mapped to its calendar number.
MONTH_SPELLINGS = {
    **{name.lower(): n for n, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}


def calendar_month_to_fy_month(calendar_month: int) -> int:
    """April is month 1 of the financial year, March month 12.

    >>> calendar_month_to_fy_month(12)
    9
    """
    return (calendar_month - 4) % 12 + 1


def fy_month_to_calendar_month(fy_month: int) -> int:
    """The inverse of :func:`calendar_month_to_fy_month`.

    >>> fy_month_to_calendar_month(9)
    12
    """
    return (fy_month + 2) % 12 + 1


@total_ordering
@dataclass(frozen=True)
class FinancialYear:
    """The council financial year that starts on 1 April of ``start``."""

    start: int

    def __post_init__(self):
        if not isinstance(self.start, int) or isinstance(self.start, bool) or not 1900 <= self.start <= 2999:
            raise PeriodError(self.start, "a financial year starting between 1900 and 2999")

    @classmethod
    def containing(cls, date: dt.date) -> "FinancialYear":
        """The financial year a calendar date falls in."""
        return cls(date.year if date.month >= 4 else date.year - 1)

    @classmethod
    def parse(cls, text: str) -> "FinancialYear":
        """Parse ``2020/21``, ``20/21``, ``2020-21`` or ``2020/2021``.

        >>> FinancialYear.parse("20/21").label
        '2020/21'
        """
        match = _FY_RE.fullmatch(_normalise(text))
        if not match:
            raise PeriodError(text, "a financial year such as '2020/21', '20/21' or '2020-21'")
        fy = _fy_from_match(match)
        if fy is None:
            raise PeriodError(text, "a financial year whose second year follows the first, such as '2020/21'")
        return fy

    @property
    def label(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """``20/21``, as report headers write it (``20/21 Target``)."""
        return f"{self.start % 100:02d}/{(self.start + 1) % 100:02d}"

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.start, 4, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.start + 1, 3, 31)

    def previous(self) -> "FinancialYear":
        return FinancialYear(self.start - 1)

    def __lt__(self, other: "FinancialYear") -> bool:
        if not isinstance(other, FinancialYear):
            return NotImplemented
        return self.start < other.start

    # Written out rather than generated: years and periods are compared and hashed millions of
    # times in a large run, and the generated methods build a tuple of fields on every call.
    def __eq__(self, other) -> bool:
        if other.__class__ is not FinancialYear:
            return NotImplemented
        return self.start == other.start

    def __hash__(self) -> int:
        return hash(self.start)

    def __str__(self) -> str:
        return self.label


class PeriodKind(enum.Enum):
    """How long a reporting period is."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        return _KIND_MONTHS[self.value]


_KIND_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A month, quarter or whole financial year.

    ``number`` is the month of the financial year (1 = April … 12 = March) for a month, the
    quarter (1–4) for a quarter, and 1 for a year. Build periods with :meth:`month`,
    :meth:`quarter`, :meth:`year` or :func:`parse_period` rather than by hand.
    """

    kind: PeriodKind
    fy: FinancialYear
    number: int = 1

    def __post_init__(self):
        limit = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}[self.kind]
        if not 1 <= self.number <= limit:
            raise PeriodError(f"{self.kind.value} {self.number}", ACCEPTED_PERIODS)

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def month(cls, calendar_year: int, calendar_month: int) -> "Period":
        """The month ``calendar_month`` of ``calendar_year`` (``Period.month(2020, 12)``)."""
        if not 1 <= calendar_month <= 12:
            raise PeriodError(f"{calendar_year}-{calendar_month}", ACCEPTED_PERIODS)
        fy = FinancialYear(calendar_year if calendar_month >= 4 else calendar_year - 1)
        return cls(PeriodKind.MONTH, fy, calendar_month_to_fy_month(calendar_month))

    @classmethod
    def quarter(cls, fy: FinancialYear | int, number: int) -> "Period":
        return cls(PeriodKind.QUARTER, _as_fy(fy), number)

    @classmethod
    def year(cls, fy: FinancialYear | int) -> "Period":
        return cls(PeriodKind.YEAR, _as_fy(fy), 1)

    # -- facts --------------------------------------------------------------------------
    @property
    def first_fy_month(self) -> int:
        """Financial-year month (1 = April) in which the period starts."""
        return self.last_fy_month - self.kind.months + 1

    @cached_property
    def last_fy_month(self) -> int:
        """Financial-year month (1 = April) in which the period ends."""
        if self.kind is PeriodKind.MONTH:
            return self.number
        if self.kind is PeriodKind.QUARTER:
            return self.number * 3
        return 12

    @property
    def months_elapsed(self) -> int:
        """Months of the financial year elapsed at the end of the period (December → 9)."""
        return self.last_fy_month

    @property
    def calendar_year(self) -> int:
        """Calendar year of the period's last month."""
        return self.fy.start if self.last_fy_month <= 9 else self.fy.start + 1

    @property
    def calendar_month(self) -> int:
        """Calendar month (1–12) of the period's last month."""
        return fy_month_to_calendar_month(self.last_fy_month)

    @property
    def start_date(self) -> dt.date:
        first = self.first_fy_month
        year = self.fy.start if first <= 9 else self.fy.start + 1
        return dt.date(year, fy_month_to_calendar_month(first), 1)

    @cached_property  # periods are compared by date millions of times in a large run
    def end_date(self) -> dt.date:
        following = dt.date(self.calendar_year + (self.calendar_month == 12), self.calendar_month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @cached_property
    def label(self) -> str:
        """``Dec 2020``, ``2020/21 Q3`` or ``2020/21``."""
        if self.kind is PeriodKind.MONTH:
            return f"{MONTH_NAMES[self.calendar_month - 1][:3]} {self.calendar_year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.fy.label} Q{self.number}"
        return self.fy.label

    @property
    def long_label(self) -> str:
        """``December 2020``, ``Quarter 3 2020/21`` or ``2020/21``, as report prose writes them."""
        if self.kind is PeriodKind.MONTH:
            return f"{MONTH_NAMES[self.calendar_month - 1]} {self.calendar_year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Quarter {self.number} {self.fy.label}"
        return self.fy.label

    @property
    def slug(self) -> str:
        """A file-name-safe label: ``2020-21-Q3``, ``2020-12``, ``2020-21``."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.calendar_year}-{self.calendar_month:02d}"
        fy = self.fy.label.replace("/", "-")
        return f"{fy}-Q{self.number}" if self.kind is PeriodKind.QUARTER else fy

    # -- relations ------------------------------------------------------------------------
    def months(self) -> tuple["Period", ...]:
        """The month periods the period is made of, in order."""
        return tuple(
            Period(PeriodKind.MONTH, self.fy, m) for m in range(self.first_fy_month, self.last_fy_month + 1)
        )

    def contains(self, other: "Period") -> bool:
        """Whether ``other`` lies wholly inside this period (a period contains itself)."""
        return (
            self.fy.start == other.fy.start
            and self.first_fy_month <= other.first_fy_month
            and other.last_fy_month <= self.last_fy_month
        )

    def ends_no_later_than(self, other: "Period") -> bool:
        return self.end_date <= other.end_date

    def previous(self) -> "Period":
        """The period reported before this one: the month before, the quarter before, the
        year before (Q1's previous is Q4 of the previous year)."""
        return self._previous

    @cached_property
    def _previous(self) -> "Period":
        if self.number > 1:
            return Period(self.kind, self.fy, self.number - 1)
        last = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}[self.kind]
        return Period(self.kind, self.fy.previous(), last)

    def same_period_last_year(self) -> "Period":
        return self._same_period_last_year

    @cached_property
    def _same_period_last_year(self) -> "Period":
        return Period(self.kind, self.fy.previous(), self.number)

    @cached_property
    def _sort_key(self):
        return (self.end_date, -self.kind.months)

    @cached_property
    def _identity(self) -> tuple:
        return (self.kind, self.fy.start, self.number)

    def __eq__(self, other) -> bool:  # as FinancialYear's: equal fields, without a tuple per call
        if other.__class__ is not Period:
            return NotImplemented
        return self is other or self._identity == other._identity

    def __hash__(self) -> int:
        return hash(self._identity)

    def __lt__(self, other: "Period") -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key < other._sort_key

    def __str__(self) -> str:
        return self.label


def parse_period(text: str | Period) -> Period:
    """Parse what people type for a reporting period.

    >>> parse_period("Q3 20/21").label
    '2020/21 Q3'
    >>> parse_period("Dec-20").label
    'Dec 2020'
    >>> parse_period("2020/21").kind.value
    'year'
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise PeriodError(text, ACCEPTED_PERIODS)
    clean = _normalise(text)
    for pattern, build in _PERIOD_PATTERNS:
        match = pattern.fullmatch(clean)
        period = build(match) if match else None
        if period is not None:
            return period
    from .period_hints import suggest_period  # only for a refused period
    raise PeriodError(text, ACCEPTED_PERIODS, suggest_period(text))


_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", str(text).strip().lower().replace("\u2013", "-").replace("\u2014", "-"))


def _as_fy(fy: FinancialYear | int) -> FinancialYear:
    return fy if isinstance(fy, FinancialYear) else FinancialYear(fy)


def _full_year(two_or_four: str) -> int:
    # Two-digit years are always this century in council returns (no returns predate 2000).
    value = int(two_or_four)
    return value + 2000 if len(two_or_four) == 2 else value


_FY = r"(?:fy\s?)?(?P<a>\d{4}|\d{2})\s?[/-]\s?(?P<b>\d{4}|\d{2})"
_FY_RE = re.compile(_FY)


def _fy_from_match(match: re.Match) -> FinancialYear | None:
    """The financial year a match names, or None when its two years do not follow on
    (``2020-12`` is then tried as a month)."""
    start = _full_year(match["a"])
    end = match["b"]
    end_year = _full_year(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if end_year != start + 1 or not 1900 <= start <= 2999:
        return None
    return FinancialYear(start)


def _quarter(match: re.Match) -> Period | None:
    fy = _fy_from_match(match)
    return Period.quarter(fy, int(match["q"])) if fy else None


def _year(match: re.Match) -> Period | None:
    fy = _fy_from_match(match)
    return Period.year(fy) if fy else None


def _named_month(match: re.Match) -> Period | None:
    number = MONTH_SPELLINGS.get(match["m"])
    return Period.month(_full_year(match["y"]), number) if number else None


def _numeric_month(match: re.Match) -> Period | None:
    year, month = int(match["y"]), int(match["n"])
    return Period.month(year, month) if 1 <= month <= 12 and 1900 <= year <= 2999 else None


_QUARTER = r"(?:q|quarter\s?)(?P<q>[1-4])"
_MONTH_WORD = r"(?P<m>[a-z]{3,9})\.?"

# Tried in order; a builder returns None when its pattern matched the shape but not the sense.
_PERIOD_PATTERNS = (
    (re.compile(_FY + r"\s?,?\s?" + _QUARTER), _quarter),
    (re.compile(_QUARTER + r"\s?,?\s?" + _FY), _quarter),
    (re.compile(_FY), _year),
    (re.compile(_MONTH_WORD + r"[\s\-']?(?P<y>\d{4}|\d{2})"), _named_month),
    (re.compile(r"(?P<y>\d{4})-(?P<n>\d{1,2})"), _numeric_month),
    (re.compile(r"(?P<n>\d{1,2})/(?P<y>\d{4})"), _numeric_month),
)
