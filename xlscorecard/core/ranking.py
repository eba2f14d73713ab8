"""Benchmarking: the council's rank and quartile in its comparator group (SPEC rule 6).

Pure functions over :class:`~xlscorecard.core.model.ComparatorValue` rows. The council's own row is
found by its area code, or failing that by its name ("St Helens Borough Council" matches the
area "St. Helens"). The quartile is about the table's data year, which is usually a year or more
behind the scorecard; the scorecard always shows the two together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import ComparatorValue, Polarity
from .scoring import quartile

# Words that say what kind of authority, not which one: "St Helens Borough Council" is "st helens".
_AUTHORITY_WORDS = {"borough", "council", "city", "county", "district", "metropolitan", "of", "the", "royal",
                    "mbc", "cc", "bc", "dc"}


def area_key(name: str) -> str:
    """A council or area name reduced to the words that identify it.

    >>> area_key("St Helens Borough Council") == area_key("St. Helens")
    True
    """
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return " ".join(w for w in words if w not in _AUTHORITY_WORDS)


@dataclass(frozen=True)
class Benchmark:
    """Where the council stands in one comparator table.

    ``rank`` counts from the best (1) among ``size`` authorities including the council; ties share
    the better rank. ``quartile`` is 1 (top 25%) to 4, as :func:`~xlscorecard.core.scoring.quartile`.
    """

    ref: str
    own_value: float
    rank: int
    size: int
    quartile: int
    year: str | None
    group: str | None

    @property
    def label(self) -> str:
        """``'rank 9 of 12, CIPFA nearest neighbours, 2019/20'``."""
        return ", ".join(part for part in (f"rank {self.rank} of {self.size}", self.group, self.year) if part)


def _is_council(row: ComparatorValue, area: str) -> bool:
    if row.area_code and row.area_code.strip().lower() == area.strip().lower():
        return True
    return bool(row.area_name) and area_key(row.area_name) == area_key(area)


def benchmark(ref: str, rows: Iterable[ComparatorValue], area: str, polarity: Polarity) -> Benchmark | None:
    """The council's rank and quartile among the comparator rows of ``ref``; ``None`` when the
    table has no row for the council (``area`` is its area code or name) or no other authority.

    >>> rows = [ComparatorValue("X-1", f"E{n}", f"Area {n}", float(n)) for n in range(1, 13)]
    >>> b = benchmark("X-1", rows, "E3", Polarity.LOWER)
    >>> (b.rank, b.size, b.quartile)
    (3, 12, 1)
    """
    mine = [r for r in rows if r.ref == ref]
    own = [r for r in mine if _is_council(r, area)]
    others = [r.value for r in mine if not _is_council(r, area)]
    if not own or not others:
        return None
    value = own[0].value
    better = sum(1 for v in others if (v > value if polarity is Polarity.HIGHER else v < value))
    return Benchmark(ref, value, better + 1, len(others) + 1, quartile(value, others, polarity),
                     own[0].year, own[0].group)


def benchmarks(rows: Sequence[ComparatorValue], polarities: dict[str, Polarity], area: str) -> dict[str, Benchmark]:
    """A benchmark for every indicator with a comparator table and a row for the council."""
    found = {}
    for ref in dict.fromkeys(r.ref for r in rows):
        if ref in polarities:
            result = benchmark(ref, rows, area, polarities[ref])
            if result is not None:
                found[ref] = result
    return found
