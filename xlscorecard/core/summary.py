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
from .words import plural

TOTAL = "Total"
# Two headline figures are compared as alike only when their bases (indicators with data) differ
# by no more than this share of the larger: 86% of 7 against 50% of 8 is not like for like.
COVERAGE_CHANGE = 0.1


def percent(count: int, of: int) -> int:
    """A whole-number percentage rounded half up, as Excel and the reports round (0 when ``of`` is 0).

    >>> percent(39, 80), percent(1, 8)
    (49, 13)
    """
    if of == 0:
        return 0
    return int((Decimal(count) * 100 / Decimal(of)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


NOTHING_COUNTED = "\u2013"  # an en dash: a share of nothing is not "0% (0)"


def share(count: int, of: int) -> str:
    """``'49% (39)'``: a percentage of ``of`` with the count in brackets; a dash when nothing
    could be counted (``of`` is 0), so that "0% (0)" is never read as a real 0%.

    >>> share(39, 80), share(0, 0)
    ('49% (39)', '–')
    """
    if of == 0:
        return NOTHING_COUNTED
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
             previous_label: str | None = None, tolerance: float = DEFAULT_TOLERANCE,
             previous_with_data: int | None = None) -> str:
    """The report's headline sentence, with its base, and the comparison with the previous period.

    The first sentence is the report's own; the second gives the figure's base, so that 64% of
    58 indicators is not read as 64% of the framework; the comparison names the previous base
    when coverage changed by more than :data:`COVERAGE_CHANGE`.

    >>> headline(TargetSummary(39, 9, 32), 73, "Quarter 1 2021/22")
    '60% of indicator targets were exceeded, met or met within 95% of target. That is 48 of the 80 indicators with data. This compares to 73% in Quarter 1 2021/22.'
    >>> headline(TargetSummary(4, 0, 3), 50, "Quarter 3 2020/21", previous_with_data=8)[-120:]
    'This compares to 50% of 8 indicators with data in Quarter 3 2020/21 (7 have data now, so the two are not like for like).'
    """
    within = f"{100 - tolerance:g}%"
    if not current.with_data:
        text = "No indicator target could be counted: no indicator has data and a target."
    else:
        text = (f"{current.met_or_within_pct}% of indicator targets were exceeded, met or met within "
                f"{within} of target. That is {current.on_target + current.within_tolerance} of the "
                f"{plural(current.with_data, 'indicator')} with data")
        text += f" ({plural(current.gaps, 'data gap')})." if current.gaps else "."
    if previous is not None and previous_label:
        if isinstance(previous, TargetSummary):
            before, previous_with_data = previous.met_or_within_pct, previous.with_data
        else:
            before = previous
        if not current.with_data:
            base = f" of {plural(previous_with_data, 'indicator')} with data" if previous_with_data else ""
            text += f" In {previous_label} it was {before}%{base}."
        elif previous_with_data is not None and coverage_changed(previous_with_data, current.with_data):
            text += (f" This compares to {before}% of {plural(previous_with_data, 'indicator')} with data in "
                     f"{previous_label} ({current.with_data} {'has' if current.with_data == 1 else 'have'} data now, "
                     "so the two are not like for like).")
        else:
            text += f" This compares to {before}% in {previous_label}."
    return text


def coverage_changed(before: int, now: int) -> bool:
    """Whether two headline bases differ by more than :data:`COVERAGE_CHANGE` of the larger.

    >>> coverage_changed(56, 58), coverage_changed(8, 7)
    (False, True)
    """
    return abs(before - now) > COVERAGE_CHANGE * max(before, now, 1)


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
