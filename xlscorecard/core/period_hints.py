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

    >>> suggest_period("Q3 2020")
    '2020/21 Q3, October to December 2020'
    >>> suggest_period("2020 Q4")
    '2020/21 Q4, January to March 2021'
    >>> suggest_period("December") is None
    True
    """
    clean = _normalise(str(text))
    for pattern in _CALENDAR_QUARTER:
        match = pattern.fullmatch(clean)
        if match and 1900 <= int(match["y"]) <= 2998:
            period = Period.quarter(int(match["y"]), int(match["q"]))
            return f"{period.label}, {month_span(period)}"
    return None


def month_span(period: Period) -> str:
    """``'October to December 2020'``; ``'January 2021'`` for a month."""
    start, end = period.start_date, period.end_date
    if (start.year, start.month) == (end.year, end.month):
        return f"{end:%B %Y}"
    return f"{start:%B} to {end:%B %Y}" if start.year == end.year else f"{start:%B %Y} to {end:%B %Y}"
