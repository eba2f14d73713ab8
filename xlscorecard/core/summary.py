"""Summary statistics, the headline and the exception lists (SPEC rules 7 and 8).

Pure functions over :class:`~xlscorecard.core.model.Score` records, producing the counts and the
"49% (39)" shares exactly as the council's reports print them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Dot, Indicator, Rag, Score, Trend
from .scoring import DEFAULT_TOLERANCE

TOTAL = "Total"


def percent(count: int, of: int) -> int:
    """A whole-number percentage rounded half up, as Excel and the reports round (0 when ``of`` is 0).

    >>> percent(39, 80), percent(1, 8)
    (49, 13)
    """
    if of == 0:
        return 0
    return int((Decimal(count) * 100 / Decimal(of)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(count: int, of: int) -> str:
    """``'49% (39)'``: a percentage of ``of`` with the count in brackets.

    >>> share(39, 80)
    '49% (39)'
    """
    return f"{percent(count, of)}% ({count})"


@dataclass(frozen=True)
class TargetSummary:
    """Performance against target for a group of indicators.

    ``with_data`` counts indicators scored against a target (green + amber + red), the base of
    the percentages in the Q2 2021/22 report; ``total`` adds the data gaps, as the Q3 2020/21
    report's "Total PIs" does. ``no_target`` counts indicators with data but no target (shown
    uncoloured, in neither figure).
    """

    on_target: int = 0
    within_tolerance: int = 0
    off_target: int = 0
    gaps: int = 0
    no_target: int = 0

    @property
    def with_data(self) -> int:
        return self.on_target + self.within_tolerance + self.off_target

    @property
    def total(self) -> int:
        return self.with_data + self.gaps

    @property
    def met_or_within_pct(self) -> int:
        """The headline figure: % of targets met, exceeded or met within tolerance."""
        return percent(self.on_target + self.within_tolerance, self.with_data)


@dataclass(frozen=True)
class DirectionSummary:
    """Improved / worse / same counts where DOT (or trend) can be determined."""

    improved: int = 0
    worse: int = 0
    same: int = 0

    @property
    def determinable(self) -> int:
        return self.improved + self.worse + self.same


@dataclass(frozen=True)
class QuartileSummary:
    """How many indicators sit in each comparative quartile (``counts[0]`` is the 1st)."""

    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def with_data(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class GroupSummary:
    """The three summary tables' row for one priority, or for the total."""

    name: str
    target: TargetSummary
    dot: DirectionSummary
    trend: DirectionSummary
    quartiles: QuartileSummary


def summarise_group(name: str, scores: Iterable[Score]) -> GroupSummary:
    """One summary row from the scores of a group; not-due indicators are left out."""
    counted = [s for s in scores if s.counted]
    rags = [s.rag for s in counted]
    dots = [s.dot for s in counted]
    trends = [s.trend for s in counted]
    return GroupSummary(
        name,
        TargetSummary(rags.count(Rag.GREEN), rags.count(Rag.AMBER), rags.count(Rag.RED),
                      rags.count(Rag.GAP), rags.count(Rag.NO_TARGET)),
        DirectionSummary(dots.count(Dot.IMPROVED), dots.count(Dot.WORSE), dots.count(Dot.SAME)),
        DirectionSummary(trends.count(Trend.IMPROVING), trends.count(Trend.DECLINING), trends.count(Trend.SAME)),
        QuartileSummary(tuple(sum(1 for s in counted if s.quartile == q) for q in (1, 2, 3, 4))),
    )


def summarise(scores: Sequence[Score], priority_of: Callable[[Score], str | None],
              priority_order: Sequence[str] = ()) -> list[GroupSummary]:
    """Summary rows per priority, in ``priority_order`` (others after, in order of first
    appearance), followed by the total row named ``"Total"``.

    ``priority_of`` maps a score to its priority, usually through the indicator register.
    """
    groups: dict[str, list[Score]] = {name: [] for name in priority_order}
    for score in scores:
        groups.setdefault(priority_of(score) or "(no priority)", []).append(score)
    rows = [summarise_group(name, members) for name, members in groups.items() if members]
    rows.append(summarise_group(TOTAL, scores))
    return rows


def headline(current: TargetSummary, previous: TargetSummary | int | None = None,
             previous_label: str | None = None, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """The report's headline sentence.

    >>> headline(TargetSummary(39, 9, 32), 73, "Quarter 1 2021/22")
    '60% of indicator targets were exceeded, met or met within 95% of target. This compares to 73% in Quarter 1 2021/22.'
    """
    within = f"{100 - tolerance:g}%"
    text = (f"{current.met_or_within_pct}% of indicator targets were exceeded, met or met within "
            f"{within} of target.")
    if previous is not None and previous_label:
        before = previous if isinstance(previous, int) else previous.met_or_within_pct
        text += f" This compares to {before}% in {previous_label}."
    return text


def strong_performance(scores: Iterable[Score]) -> list[Score]:
    """SPEC rule 8: 1st or 2nd quartile, and DOT improving or the same."""
    return [s for s in scores if s.quartile in (1, 2) and s.dot in (Dot.IMPROVED, Dot.SAME)]


def requires_improvement(scores: Iterable[Score]) -> list[Score]:
    """SPEC rule 8: 3rd or 4th quartile, and DOT not improving (worse or the same).

    Seed 003 lists PH-04 and PH-05 (4th quartile, DOT unchanged) under "requires improvement",
    so an unchanged DOT counts as not improving.
    """
    return [s for s in scores if s.quartile in (3, 4) and s.dot in (Dot.WORSE, Dot.SAME)]


def by_rag(scores: Iterable[Score], status: Rag) -> list[Score]:
    """The red (or green, …) list of a group, in the order given."""
    return [s for s in scores if s.rag is status]


def priority_lookup(indicators: Iterable[Indicator]) -> Callable[[Score], str | None]:
    """A ``priority_of`` function for :func:`summarise` from the register's indicators."""
    priorities = {i.ref: i.priority for i in indicators}
    return lambda score: priorities.get(score.ref)
