"""The domain types every stage shares: indicators, observations, findings and scores.

Plain frozen dataclasses with no I/O. Readers build them, the scoring core reads them, the
writer lays them out. Vocabularies people write in many ways (``Higher``, ``High``,
``Low is good``) are parsed here once, from data tables, so every reader agrees.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import os
import re
from dataclasses import dataclass, field

from ..errors import ValueParseError
from .periods import FinancialYear, Period, PeriodKind, parse_period

__all__ = [
    "ComparatorValue", "Dot", "Finding", "PublishedClaim", "Frequency", "Indicator", "Observation", "Polarity", "Rag", "Score",
    "Severity", "Source", "SourceFile", "file_shown", "TargetProfile", "Trend", "parse_quartile",
    "FinancialYear", "Period", "PeriodKind", "parse_period",
]


def same_words(a: str, b: str) -> bool:
    """Whether two texts say the same, ignoring case and spacing (a name, a service).

    >>> same_words("Public  Health", "public health")
    True
    """
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _key(text: object) -> str:
    """Lower-case words only, so ``'Lower is better?'`` and ``'lower  is better'`` match."""
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


class _Vocabulary(enum.Enum):
    """An enum whose members can be parsed from the several ways people write them."""

    @classmethod
    def _spellings(cls) -> dict[str, str]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @classmethod
    def parse(cls, text: object):
        """Parse a member from free text; raise :class:`ValueParseError` naming what is accepted."""
        if isinstance(text, cls):
            return text
        value = cls._spellings().get(_key(text))
        if value is None:
            accepted = ", ".join(sorted({repr(s) for s in cls._spellings()}))
            raise ValueParseError(cls.__name__.lower(), text, accepted)
        return cls(value)


class Polarity(_Vocabulary):
    """Whether a higher value is good ("Higher / Lower is better?")."""

    HIGHER = "higher"
    LOWER = "lower"

    @classmethod
    def _spellings(cls):
        return _POLARITY_SPELLINGS


_POLARITY_SPELLINGS = {
    **dict.fromkeys(["higher", "high", "h", "higher is better", "high is good", "higher is good",
                     "bigger is better", "up", "increase", "maximise"], "higher"),
    **dict.fromkeys(["lower", "low", "l", "lower is better", "low is good", "lower is good",
                     "smaller is better", "down", "decrease", "minimise"], "lower"),
}


class Frequency(_Vocabulary):
    """How often an indicator is reported; decides when it is due."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"

    @classmethod
    def _spellings(cls):
        return _FREQUENCY_SPELLINGS

    def is_due(self, period: Period) -> bool:
        """Whether a value for this frequency falls due within ``period``.

        A monthly indicator is due every month; a quarterly one when the period contains a
        quarter end (June, September, December, March); an annual one only at year end.

        >>> Frequency.QUARTERLY.is_due(Period.month(2020, 11))
        False
        >>> Frequency.ANNUAL.is_due(Period.quarter(2020, 4))
        True
        """
        if self is Frequency.MONTHLY:
            return True
        if self is Frequency.QUARTERLY:
            return any(m % 3 == 0 for m in range(period.first_fy_month, period.last_fy_month + 1))
        return period.last_fy_month == 12



_FREQUENCY_SPELLINGS = {
    **dict.fromkeys(["monthly", "month", "m", "per month"], "monthly"),
    **dict.fromkeys(["quarterly", "quarter", "q", "per quarter", "quarterly from q2",
                     "quarterly from q3", "quarterly in arrears"], "quarterly"),
    **dict.fromkeys(["annual", "annually", "yearly", "year", "a", "y", "per year",
                     "academic year", "financial year"], "annual"),
}


class TargetProfile(_Vocabulary):
    """How an annual target turns into a target for one period (SPEC rule 1).

    ``flat``: the annual target applies to every period (rates and percentages).
    ``cumulative``: year to date, annual × months elapsed ÷ 12.
    ``per-period``: a count whose annual target is split evenly over the year, so a
    period's target is annual × months in the period ÷ 12 (a quarter gets a quarter).
    """

    FLAT = "flat"
    CUMULATIVE = "cumulative"
    PER_PERIOD = "per-period"

    @classmethod
    def _spellings(cls):
        return _PROFILE_SPELLINGS


_PROFILE_SPELLINGS = {
    **dict.fromkeys(["flat", "annual", "rate", "same every period", "none", "fixed"], "flat"),
    **dict.fromkeys(["cumulative", "ytd", "year to date", "cumulative ytd", "profiled"], "cumulative"),
    **dict.fromkeys(["per period", "per-period", "period", "split", "per quarter", "per month",
                     "in period", "discrete"], "per-period"),
}
_PROFILE_SPELLINGS = {_key(k): v for k, v in _PROFILE_SPELLINGS.items()}


class Rag(enum.Enum):
    """Performance against target, as the records file spells it."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_TARGET = "no-target"
    GAP = "gap"
    NOT_DUE = "not-due"


class Dot(enum.Enum):
    """Direction of travel against the previous reporting period (SPEC rule 4)."""

    IMPROVED = "improved"
    WORSE = "worse"
    SAME = "same"
    FIRST = "first"
    NONE = "none"


class Trend(enum.Enum):
    """Value now against the same period twelve months earlier (SPEC rule 5)."""

    IMPROVING = "improving"
    DECLINING = "declining"
    SAME = "same"
    NONE = "none"


_QUARTILE_WORDS = {"1st": 1, "first": 1, "top": 1, "2nd": 2, "second": 2,
                   "3rd": 3, "third": 3, "4th": 4, "fourth": 4, "bottom": 4}
_NO_QUARTILE = {"", "n a", "na", "none", "not applicable", "no data", "tbc"}


def parse_quartile(text: object) -> int | None:
    """Parse a printed comparative quartile: ``'4th Quartile'``, ``'1st quartile'``, ``2``,
    ``'Q3'``; ``'N/A'``, ``'NA'`` and blank mean no quartile (``None``).

    >>> parse_quartile("4th quartile"), parse_quartile("N/A")
    (4, None)
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool) and float(text) in (1, 2, 3, 4):
        return int(text)
    words = _key(text)
    if words in _NO_QUARTILE:
        return None
    for word in words.split():
        if word in _QUARTILE_WORDS:
            return _QUARTILE_WORDS[word]
    match = re.fullmatch(r"(?:q|quartile )?([1-4])(?: quartile)?", words)
    if match:
        return int(match[1])
    raise ValueParseError("quartile", text, "'1st Quartile' … '4th Quartile', 1–4, or 'N/A'")


# slots: a large run holds millions of sources and observations (about 40% less memory).
@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: the file, the sheet and the A1 cell (any may be unknown)."""

    path: str | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        place = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell or "")
        return " ".join(part for part in (self.path, place) if part)

    def __reduce__(self):
        # Reader processes send millions back: a tuple of fields pickles several times faster
        # than the field-by-field state dataclasses give slotted classes.
        return Source, (self.path, self.sheet, self.cell)


def file_shown(path: str | os.PathLike | None, folder: str | os.PathLike | None = None) -> str:
    """How a file is named to the reader: by its path relative to the returns ``folder`` when it
    lies in a subfolder of it, else by its name (the folder is the reader's own).

    >>> file_shown("returns/Public Health/ph-Q3.xlsx", "returns")
    'Public Health/ph-Q3.xlsx'
    >>> file_shown("returns/ph-Q3.xlsx", "returns"), file_shown("/elsewhere/ph-Q3.xlsx", "returns")
    ('ph-Q3.xlsx', 'ph-Q3.xlsx')
    """
    if not path:
        return ""
    name = os.path.basename(os.path.normpath(os.fspath(path)))
    if folder is None:
        return name
    try:
        inside = os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
    except ValueError:  # another drive
        return name
    parts = inside.split(os.sep)
    if len(parts) < 2 or parts[0] == os.pardir:
        return name
    return "/".join(parts)


@dataclass(frozen=True)
class Indicator:
    """One performance indicator of the framework for one financial year.

    ``annual_target`` is ``None`` when no target was set (the indicator then gets no colour).
    ``tolerance`` is the amber band in percentage points; ``None`` means the framework default.
    ``quartile`` is the comparative quartile as given (1 best … 4 worst); ``comparator_values``
    are the comparator group's values, from which a quartile can be computed instead.
    ``previous_outturn`` is last year's outturn, shown beside the target. ``period_targets``
    are targets the framework sets for particular periods (a register's profiled targets); they
    beat the profile, and a period target given in a return beats them.
    """

    ref: str
    name: str
    polarity: Polarity
    frequency: Frequency = Frequency.QUARTERLY
    profile: TargetProfile = TargetProfile.FLAT
    annual_target: float | None = None
    tolerance: float | None = None
    priority: str | None = None
    outcome: str | None = None
    tier: int | None = None
    unit: str | None = None
    quartile: int | None = None
    comparator_values: tuple[float, ...] = ()
    previous_outturn: float | None = None
    framework_year: FinancialYear | None = None
    service: str | None = None
    data_owner: str | None = None
    period_targets: tuple[tuple[Period, float], ...] = ()
    # Decimal places to show its values and targets with (the register's Decimals column);
    # None: as the returns wrote them.
    decimals: int | None = None

    def __post_init__(self):
        pairs = self.period_targets.items() if isinstance(self.period_targets, dict) else self.period_targets
        object.__setattr__(self, "period_targets",
                           tuple(sorted((parse_period(p), float(t)) for p, t in pairs)))
        object.__setattr__(self, "polarity", Polarity.parse(self.polarity))
        object.__setattr__(self, "frequency", Frequency.parse(self.frequency))
        object.__setattr__(self, "profile", TargetProfile.parse(self.profile))
        object.__setattr__(self, "comparator_values", tuple(float(v) for v in self.comparator_values))
        if self.quartile is not None:
            object.__setattr__(self, "quartile", parse_quartile(self.quartile))

    def target_set_for(self, period: Period) -> float | None:
        """The framework's own target for ``period``, if it set one. A quarter and its last
        month are the same target (SPEC rule 1): a register that sets ``Dec 2020`` sets
        ``2020/21 Q3``, and the other way round. A target for exactly the period wins.

        >>> ind = Indicator("PH-48", "Admissions", "lower", period_targets={"Dec 2020": 523})
        >>> ind.target_set_for(Period.quarter(2020, 3)), ind.target_set_for(Period.month(2020, 11))
        (523.0, None)
        """
        exact = next((target for p, target in self.period_targets if p == period), None)
        if exact is not None or not self.period_targets:
            return exact
        same_end = [target for p, target in self.period_targets
                    if p.end_date == period.end_date and {p.kind, period.kind} == {PeriodKind.MONTH, PeriodKind.QUARTER}]
        return same_end[0] if same_end else None


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of one indicator for one period, as a return gave it.

    ``value`` is ``None`` when the return had no usable number; ``note`` then says why when the
    return said (a text note in the value cell: "Data collection currently suspended by NHS").
    ``period_target`` is a target the return gave for this period; it beats the profile.
    ``raw`` keeps the cell's text as typed, next to the parsed number. ``commentary`` is the
    officers' narrative for the period as (heading, text) pairs, headings from
    :data:`COMMENTARY_HEADINGS` ("Why is it performing well?", "What is the expected impact?"…).
    ``flag`` qualifies the value as the return marked it: ``provisional``, ``revised`` or
    ``estimated`` (``459.4 (p)``); for a gap, ``suppressed`` (``<5``, ``[c]``) or ``unreadable``
    (an Excel error, a date, a formula never calculated: the cell held something, not a figure).
    """

    ref: str
    period: Period
    value: float | None
    period_target: float | None = None
    note: str | None = None
    source: Source = field(default_factory=Source)
    raw: str | None = None
    commentary: tuple[tuple[str, str], ...] = ()
    flag: str | None = None

    def __post_init__(self):
        # Millions are made in a large run: skip the work when the fields are already normal.
        if type(self.period) is not Period:
            object.__setattr__(self, "period", parse_period(self.period))
        if self.commentary or type(self.commentary) is not tuple:
            object.__setattr__(self, "commentary", tuple((str(h), str(t)) for h, t in self.commentary))

    def __reduce__(self):  # as Source's: pickled by reader processes, millions at a time
        return Observation, (self.ref, self.period, self.value, self.period_target, self.note, self.source,
                             self.raw, self.commentary, self.flag)


# The narrative columns of the reports' exception tables, by the field name readers give them.
COMMENTARY_HEADINGS = {
    "why_performing_well": "Why is it performing well?",
    "how_sustained": "How will performance be sustained? Are there any risks to performance?",
    "context_and_action": "Context and action to date",
    "improvement_plan": "What will be done to improve performance?",
    "expected_impact": "What is the expected impact?",
}


class Severity(enum.IntEnum):
    """How much a finding matters; higher is worse, so findings sort worst first by ``-severity``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    """A data-quality problem, tied to the cell an officer must look at.

    ``message`` says what was found; ``action`` what xlscorecard did about it (skipped the
    value, treated it as a gap, used the register's target…). ``count`` > 1 when one finding
    stands for several cells of the same kind; ``cell`` then lists a few examples. ``kind``
    names the findings that make a return's reading doubtful, listed per return at the top of
    the data-quality sheet and after a run's counts (:data:`RETURN_CAVEATS`).
    """

    severity: Severity
    message: str
    source: Source = field(default_factory=Source)
    ref: str | None = None
    action: str | None = None
    count: int = 1
    kind: str | None = None

    def sort_key(self):
        return (-self.severity, self.source.path or "", self.source.sheet or "", self.source.cell or "",
                self.ref or "", self.message)


@dataclass(frozen=True)
class PublishedClaim:
    """What a return printed for one indicator at ``period``: variance, DOT and trend, each
    optional, with the cell each was printed in."""

    ref: str
    period: Period
    variance: float | None = None
    dot: str | None = None
    trend: str | None = None
    variance_source: Source | None = None
    dot_source: Source | None = None
    trend_source: Source | None = None
    rag: str | None = None
    rag_source: Source | None = None


# Finding kinds that say a return was not read as a whole, with what each means to an officer.
PARTLY_READ = "partly-read"
NOT_IN_REGISTER = "not-in-register"
EARLIER_VALUE = "earlier-value"
RETURN_CAVEATS = {
    PARTLY_READ: "only partly read: cells no rule could place",
    NOT_IN_REGISTER: "refs or names not in the register",
    EARLIER_VALUE: "an earlier month's value scored because the period's own cell is not a figure",
}


@dataclass(frozen=True)
class Score:
    """The result of scoring one indicator for one reporting period.

    ``value`` is the latest value reported up to the end of the period and ``value_period``
    the period it belongs to (HS-01's November value on a Q3 scorecard). ``target`` is the
    target for ``value_period``. ``variance`` is the % variance from target, positive is good;
    ``None`` when there is no value or no target, or when the target is zero (the RAG then
    follows from whether the target is met). ``previous_variance`` is the variance at the
    previous reporting period that the DOT compared with, for the value of ``previous_period``.
    ``gap_reason`` explains a GAP or
    NOT_DUE status in words. ``note`` and ``flag`` are the scored value's own (a note typed for
    another month stays with that month); for a gap, the note that explains it.
    """

    ref: str
    period: Period
    rag: Rag
    dot: Dot = Dot.NONE
    trend: Trend = Trend.NONE
    value: float | None = None
    value_period: Period | None = None
    target: float | None = None
    variance: float | None = None
    previous_value: float | None = None
    previous_period: Period | None = None
    previous_variance: float | None = None
    last_year_value: float | None = None
    quartile: int | None = None
    gap_reason: str | None = None
    note: str | None = None
    source: Source | None = None
    commentary: tuple[tuple[str, str], ...] = ()
    flag: str | None = None

    @property
    def counted(self) -> bool:
        """Whether the score counts in the summary tables (not-due indicators do not)."""
        return self.rag is not Rag.NOT_DUE


@dataclass(frozen=True)
class ComparatorValue:
    """One authority's value in a comparator table (as LG Inform or the DfE's LAIT export it).

    ``year`` is the data year as the table gives it ("2019/20"): comparative data is about a
    past year, and the scorecard says which. ``group`` names the comparator group.
    """

    ref: str
    area_code: str | None
    area_name: str | None
    value: float
    year: str | None = None
    group: str | None = None
    source: Source = field(default_factory=Source)


@dataclass(frozen=True)
class SourceFile:
    """A return that was read: for the scorecard's Sources sheet and for audit.

    ``modified`` is the file's modification time (timezone-aware UTC); ``layout`` names the
    reader that understood it, ``None`` when none did; ``records`` counts the observations it gave;
    ``tables`` says, one line per table read, how it was read (layout, header, periods, cells);
    ``saved`` is when the workbook says it was last saved (``None`` when it does not say).
    """

    path: str
    size: int
    modified: dt.datetime
    sha256: str
    records: int = 0
    layout: str | None = None
    tables: tuple[str, ...] = ()
    saved: dt.datetime | None = None
    # "return" for a service's return, "register" for the framework's register: the register is
    # listed with the files read (for audit) but never counted or tracked as a service's return.
    role: str = "return"

    @property
    def last_saved(self) -> dt.datetime:
        """When the return was last saved, as every sheet and command shows it: the workbook's
        own record, else the file's date (which copying the file changes)."""
        return self.saved or self.modified

    @property
    def only_file_date(self) -> bool:
        """Whether :attr:`last_saved` is only the file's date (a CSV, or a workbook that does not say)."""
        return self.saved is None
