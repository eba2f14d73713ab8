"""The returns tracker: which services owe which indicators, what came in, and whether on time.

A return is due a number of working days after the period ends (England's bank holidays are
not working days). It counts as received when it gave a value or a note for the period; its time
is when it was last saved: the workbook's own "modified" property when it has one (copying a
file to the shared drive changes the file's date, not that), else the file's date. A file date
can only be later than the save it stands for, so one before the deadline shows a return on
time, and one after it shows nothing: such a return's timeliness is "not known", never "late".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .bank_holidays import ENGLAND_AND_WALES, FIRST_YEAR, LAST_YEAR
from .model import Indicator, Observation, Period, SourceFile

DEFAULT_DEADLINE_DAYS = 10
NO_SERVICE = "(no service named)"  # by the register, or by the return when there is none


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a bank holiday in England (the one-off ones included: jubilees,
    the State Funeral), from the table :mod:`.bank_holidays` keeps of the `holidays` package."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"England's bank holidays are known here for {FIRST_YEAR}-{LAST_YEAR}, not {day.year}; "
                         "run scripts/bank_holidays.py with a wider range")
    return day.weekday() < 5 and day not in ENGLAND_AND_WALES


def deadline(period: Period, working_days: int = DEFAULT_DEADLINE_DAYS) -> dt.date:
    """The day a return for ``period`` is due: ``working_days`` working days after it ends.

    >>> deadline(Period.quarter(2020, 3), 10)   # 1 January 2021 is a bank holiday
    datetime.date(2021, 1, 15)
    """
    if working_days < 0:
        raise ValueError("the number of working days cannot be negative")
    day, counted = period.end_date, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        counted += is_working_day(day)
    return day


@dataclass(frozen=True)
class ServiceReturn:
    """One service's position for the period.

    ``files`` are the returns that gave a value or note for the service's indicators in the
    period, and ``received`` the latest time one of them was saved; ``file_date`` says that time
    is only a file's date. ``on_time`` is ``None`` when nothing was received, or when the only
    date is a file date after the deadline (see :attr:`timeliness`). ``missing`` are the due
    indicators still without a value.
    """

    service: str
    data_owners: tuple[str, ...]
    due: tuple[str, ...]
    files: tuple[str, ...]
    received: dt.datetime | None
    deadline: dt.date
    on_time: bool | None
    missing: tuple[str, ...]
    file_date: bool = False

    @property
    def timeliness(self) -> str:
        """One of :data:`ON_TIME`, :data:`LATE`, :data:`NOT_RECEIVED`, :data:`NOT_KNOWN`."""
        if self.received is None:
            return NOT_RECEIVED
        if self.on_time is None:
            return NOT_KNOWN
        return ON_TIME if self.on_time else LATE


ON_TIME, LATE, NOT_RECEIVED, NOT_KNOWN = "on time", "late", "not received", "not known (file date)"


def track_returns(indicators: Iterable[Indicator], observations: Iterable[Observation],
                  saved: dict[str, dt.datetime], period: Period,
                  working_days: int = DEFAULT_DEADLINE_DAYS,
                  file_dates: frozenset[str] | set[str] = frozenset()) -> list[ServiceReturn]:
    """Each service with indicators due in ``period``, in the order the register lists them.

    ``saved`` maps a return's path to when it was last saved (see :func:`saved_times`);
    ``file_dates`` are the paths whose time is only the file's date.
    """
    due_by = deadline(period, working_days)
    in_period = [o for o in observations if period.contains(o.period) and (o.value is not None or o.note)]
    services: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.frequency.is_due(period):
            services.setdefault(indicator.service or NO_SERVICE, []).append(indicator)
    by_ref: dict[str, list[Observation]] = {}
    for o in in_period:
        by_ref.setdefault(o.ref, []).append(o)
    tracked = []
    for service, due in services.items():
        mine = [o for ref in dict.fromkeys(i.ref for i in due) for o in by_ref.get(ref, ())]
        files = sorted({o.source.path for o in mine if o.source.path})
        times = [(saved[f], f in file_dates) for f in files if f in saved]
        received, file_date = max(times) if times else (None, False)
        on_time = None if received is None else received.date() <= due_by
        valued = {o.ref for o in mine if o.value is not None}
        tracked.append(ServiceReturn(
            service, tuple(dict.fromkeys(i.data_owner for i in due if i.data_owner)), tuple(i.ref for i in due),
            tuple(files), received, due_by, None if file_date and not on_time else on_time,
            tuple(i.ref for i in due if i.ref not in valued), file_date))
    return tracked


def saved_times(sources: Sequence[SourceFile]) -> dict[str, dt.datetime]:
    """When each return was last saved: its workbook property (read when the file was first
    described), else its file date (UTC)."""
    return {s.path: s.last_saved for s in sources}


def file_dated(sources: Sequence[SourceFile]) -> frozenset[str]:
    """The returns whose only date is the file's (see :attr:`SourceFile.only_file_date`)."""
    return frozenset(s.path for s in sources if s.only_file_date)


def silent_services(indicators: Iterable[Indicator], observations: Iterable[Observation], period: Period) -> set[str]:
    """The services with indicators due in ``period`` that sent nothing for it: no value and no
    note for any of their indicators (their gaps are one missing return, not many values)."""
    heard = {o.ref for o in observations if period.contains(o.period) and (o.value is not None or o.note)}
    due: dict[str, set[str]] = {}
    for indicator in indicators:
        if indicator.service and indicator.frequency.is_due(period):
            due.setdefault(indicator.service, set()).add(indicator.ref)
    return {service for service, refs in due.items() if not refs & heard}
