"""The accepted period nearest to one xlscorecard refused, to say in the error."""

from __future__ import annotations

import re

from .periods import Period, _normalise

# A quarter written with a calendar year ("Q3 2020", "2020 Q3", "Quarter 3 2020"): the nearest
# accepted period is that quarter of the financial year starting in that year.
_CALENDAR_QUARTER = (re.compile(r"(?:q|quarter\s?)(?P<q>[1-4])\s?,?\s?(?P<y>\d{4})"),
                     re.compile(r"(?P<y>\d{4})\s?,?\s?(?:q|quarter\s?)(?P<q>[1-4])"))


def suggest_period(text: object) -> str | None:
    """The accepted period nearest to a refused ``text``, with its months, or ``None``.

    A quarter with a calendar year is ambiguous: the financial quarter of the year starting
    then, or the calendar's own quarter, which is another financial quarter. Both are offered.

    >>> suggest_period("Q3 2020")
    "2020/21 Q3, October to December 2020, or for the calendar's Q3 2020, 2020/21 Q2, July to September 2020"
    >>> suggest_period("December") is None
    True
    """
    clean = _normalise(str(text))
    for pattern in _CALENDAR_QUARTER:
        match = pattern.fullmatch(clean)
        if match and 1900 <= int(match["y"]) <= 2998:
            year, quarter = int(match["y"]), int(match["q"])
            period = Period.quarter(year, quarter)
            # The calendar's quarter q runs from month 3q - 2: Jan-Mar is the previous financial year's Q4.
            calendar = Period.quarter(year - 1, 4) if quarter == 1 else Period.quarter(year, quarter - 1)
            return (f"{period.label}, {month_span(period)}, or for the calendar's Q{quarter} {year}, "
                    f"{calendar.label}, {month_span(calendar)}")
    return None


def month_span(period: Period) -> str:
    """``'October to December 2020'``; ``'January 2021'`` for a month."""
    start, end = period.start_date, period.end_date
    if (start.year, start.month) == (end.year, end.month):
        return f"{end:%B %Y}"
    return f"{start:%B} to {end:%B %Y}" if start.year == end.year else f"{start:%B %Y} to {end:%B %Y}"
