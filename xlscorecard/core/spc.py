"""Signal or noise: the NHS "Making Data Count" XmR chart of an indicator's values.

The mean, the moving ranges between consecutive points and their mean (mMR) give the process
limits, mean ± 2.66 × mMR, and the near limits, mean ± 1.773 × mMR (about two sigma). Four
special-cause rules say whether the latest point is a signal, the polarity whether it improves
or concerns, and a target against the limits whether the process will pass it consistently.
Each choice follows NHSRplotthedots 0.2.2 (github.com/nhs-r-community/NHSRplotthedots, commit
050b07d), cited by file:

- limits from every point held, revised with each new one, unless ``baseline`` fixes them after
  the first n ≥ 12 points (ptd_spc.R ``fix_after_n_points = NULL``, ptd_spc_options.R; the
  vignette that says "the first 12 points" is out of date);
- moving ranges of 3.267 × mMR or more are left out and mMR recomputed, after Nelson (1982)
  (ptd_spc_standard.R ``screen_outliers`` = TRUE; vignettes/deviations.Rmd: the Excel tool does
  not screen, ``screen_outliers=False`` gives its figures). A constant series keeps its ranges,
  so its limits sit on the mean (the R package screens out all of them and shows no limits);
- limits from fewer than 12 points are provisional, "trial limits"
  (vignettes/number-of-points-required.Rmd): a quarterly indicator's, for its first three years;
- fewer than ``MINIMUM_POINTS`` = 7 points get no verdict: the run and trend rules need 7
  (``ptd_seven_point_trend``: "edge case: length(v) < 7"), and a shorter series would be
  "common cause" by half the rules only.

The rules (ptd_calculate_point_type.R), in the order that names the one that fires first:
1. a point above the upper or below the lower limit (strictly beyond);
2. 7 points in a row each strictly higher (or lower) than the one before: 6 rises; a tie breaks
   the trend (``ptd_seven_point_trend``);
3. 2 of 3 consecutive points between a near limit and its limit, all 3 on one side of the mean;
   a point beyond the limit does not count (it is rule 1's), and only the near points are
   flagged (``ptd_two_in_three``, ``ptd_part_of_two_in_three``);
4. 7 points in a row on one side of the mean; a point on the mean breaks the run
   (``ptd_seven_point_one_side_mean``).
Every point of a run or trend is flagged. The direction of the rule named decides improvement or
concern (``ptd_point_type``): the last point of a falling trend above the mean is falling.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ScoringInputError

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3  # 1.7733…: ptd_spc_standard.R, limitclose <- 2 * (limit / 3)
OUTLIER_RANGE_FACTOR = 3.267  # upper range limit for a moving range (ptd_spc_standard.R)
BASELINE_POINTS = 12
MINIMUM_POINTS = 7
RUN = 7

OUTSIDE_LIMITS = "outside limits"
TREND = "7 rising or falling"
TWO_OF_THREE = "2 of 3 beyond near limit"
RUN_ONE_SIDE = "run of 7 one side of the mean"
RULES = (OUTSIDE_LIMITS, TREND, TWO_OF_THREE, RUN_ONE_SIDE)
"""The special-cause rules in the order of precedence: the first that flags a point names it."""

# Float noise (a mean of 1/3s, a shift by a large constant) must not move a point the exact
# arithmetic puts on the mean or on a limit off it: comparisons allow 1e-9 of the series' range.
_RELATIVE_TOLERANCE = 1e-9


class Variation(enum.Enum):
    """The variation verdict of a point; the value is the words shown to users."""

    COMMON = "Common cause"
    IMPROVING = "Improving (special cause)"
    CONCERNING = "Concerning (special cause)"
    HIGHER = "Higher (special cause)"  # special cause, and the indicator has no polarity
    LOWER = "Lower (special cause)"


class Assurance(enum.Enum):
    """Whether the process, as its limits describe it, will meet the target."""

    PASSING = "Consistently passing"
    FAILING = "Consistently failing"
    HIT_AND_MISS = "Hit and miss"


@dataclass(frozen=True)
class ControlLimits:
    """The XmR chart's centre line and limits, and how many points they were computed from."""

    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    lower_near: float
    upper_near: float
    baseline_points: int
    provisional: bool  # baseline_points < BASELINE_POINTS
    screened_ranges: int = 0  # moving ranges of 3.267 × mMR or more, left out of mean_moving_range


@dataclass(frozen=True)
class SpcResult:
    """The SPC verdicts of a series. ``rule`` is ``None`` for common cause; ``assurance`` is
    ``None`` without a target or a polarity (ptd_calculate_assurance_type.R returns NA for a
    neutral indicator). ``direction`` is +1 (above, rising), −1 (below, falling) or 0."""

    limits: ControlLimits
    points: int
    variation: Variation
    rule: str | None
    assurance: Assurance | None
    direction: int = 0
    target: float | None = None
    point_variations: tuple[Variation, ...] = ()  # every point's verdict, oldest first

    def is_signal(self) -> bool:
        """The latest point is special cause, in either direction."""
        return self.variation is not Variation.COMMON


def _checked(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScoringInputError(name, value)
    return float(value)


def _sign(difference: float, tolerance: float) -> int:
    return 1 if difference > tolerance else -1 if difference < -tolerance else 0


def _tolerance(values: Sequence[float]) -> float:
    low, high = min(values), max(values)
    # a few units in the last place cover the rounding of a mean of equal values (3 × 0.1 / 3)
    return _RELATIVE_TOLERANCE * (high - low) + 16 * math.ulp(max(abs(low), abs(high)))


def control_limits(values: Sequence[float], baseline: int | None = None, *,
                   screen_outliers: bool = True) -> ControlLimits:
    """Mean, mean moving range and limits from the first ``baseline`` values (all when ``None``).

    >>> limits = control_limits([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    >>> round(limits.lower, 2), round(limits.mean, 2), round(limits.upper, 2)
    (-0.72, 1.94, 4.6)
    """
    if baseline is not None and baseline < BASELINE_POINTS:
        raise ValueError(f"an SPC baseline needs at least {BASELINE_POINTS} points, not {baseline}")
    fixed = [_checked("SPC value", v) for v in values[:baseline]]
    if len(fixed) < 2:
        raise ValueError("control limits need at least 2 points")
    mean = math.fsum(fixed) / len(fixed)
    ranges = [abs(b - a) for a, b in zip(fixed, fixed[1:])]
    mean_range = math.fsum(ranges) / len(ranges)
    kept = [r for r in ranges if r < OUTLIER_RANGE_FACTOR * mean_range] if screen_outliers else ranges
    if kept:
        mean_range = math.fsum(kept) / len(kept)
    return ControlLimits(
        mean=mean, mean_moving_range=mean_range,
        lower=mean - LIMIT_FACTOR * mean_range, upper=mean + LIMIT_FACTOR * mean_range,
        lower_near=mean - NEAR_LIMIT_FACTOR * mean_range, upper_near=mean + NEAR_LIMIT_FACTOR * mean_range,
        baseline_points=len(fixed), provisional=len(fixed) < BASELINE_POINTS,
        screened_ranges=len(ranges) - len(kept) if kept else 0)


def _run_ends(signs: Sequence[int], length: int) -> list[int]:
    """±1 where ``length`` equal non-zero signs in a row end, else 0."""
    return [signs[i] if i >= length - 1 and signs[i] and len(set(signs[i - length + 1:i + 1])) == 1 else 0
            for i in range(len(signs))]


def _part_of_run(ends: Sequence[int]) -> list[bool]:
    """A point is part of a run of 7 when the run ends at it or at one of the next 6 points."""
    return [any(ends[i:i + RUN]) for i in range(len(ends))]


def _two_in_three(near: Sequence[bool], sides: Sequence[int]) -> list[bool]:
    """Points near a limit in a window of 3 that holds 2 or more such points, all on one side."""
    n = len(near)
    windows = [sum(near[s:s + 3]) >= 2 and abs(sum(sides[s:s + 3])) == 3 for s in range(n - 2)]
    return [near[i] and any(windows[s] for s in range(max(0, i - 2), min(i, n - 3) + 1)) for i in range(n)]


def _positions(values: Sequence[float], limits: ControlLimits):
    """Each point's side of the mean, step from the point before (both ±1 or 0), whether it is
    beyond a limit, and whether it is between a near limit and its limit."""
    tolerance = _tolerance(values)
    sides = [_sign(v - limits.mean, tolerance) for v in values]
    steps = [0] + [_sign(b - a, tolerance) for a, b in zip(values, values[1:])]
    outside = [v > limits.upper + tolerance or v < limits.lower - tolerance for v in values]
    near = [not out and (v > limits.upper_near + tolerance or v < limits.lower_near - tolerance)
            for v, out in zip(values, outside)]
    return sides, steps, outside, near


def special_causes(values: Sequence[float], limits: ControlLimits) -> list[tuple[str | None, int]]:
    """Each point's rule (``None`` for common cause) and direction, by the precedence of RULES."""
    sides, steps, outside, near = _positions(values, limits)
    in_trend = _part_of_run(_run_ends(steps, RUN - 1))
    in_run = _part_of_run(_run_ends(sides, RUN))
    in_two_of_three = _two_in_three(near, sides)
    causes: list[tuple[str | None, int]] = []
    for i, side in enumerate(sides):
        if outside[i]:
            causes.append((OUTSIDE_LIMITS, side))
        elif in_trend[i]:
            # ptd_special_cause_type: inside a trend, the step to the next point gives its direction
            following = i + 1 < len(values) and in_trend[i + 1]
            causes.append((TREND, steps[i + 1] if following else steps[i]))
        elif in_two_of_three[i]:
            causes.append((TWO_OF_THREE, side))
        elif in_run[i]:
            causes.append((RUN_ONE_SIDE, side))
        else:
            causes.append((None, 0))
    return causes


def _variation(direction: int, higher_is_better: bool | None) -> Variation:
    if direction == 0:
        return Variation.COMMON
    if higher_is_better is None:
        return Variation.HIGHER if direction > 0 else Variation.LOWER
    return Variation.IMPROVING if (direction > 0) == higher_is_better else Variation.CONCERNING


def assurance(limits: ControlLimits, target: float, higher_is_better: bool | None) -> Assurance | None:
    """Whether the process meets ``target``: beyond a limit, every point meets it or none does
    (ptd_calculate_assurance_type.R); ``None`` without a polarity, as the R package gives NA."""
    if higher_is_better is None:
        return None
    target = _checked("SPC target", target)
    tolerance = _tolerance([limits.lower, limits.upper])
    if target > limits.upper + tolerance:
        return Assurance.FAILING if higher_is_better else Assurance.PASSING
    if target < limits.lower - tolerance:
        return Assurance.PASSING if higher_is_better else Assurance.FAILING
    return Assurance.HIT_AND_MISS


def assess(values: Sequence[float], *, higher_is_better: bool | None, target: float | None = None,
           baseline: int | None = None, screen_outliers: bool = True) -> SpcResult | None:
    """The SPC verdicts of ``values`` (oldest first, one per period, no gaps: the caller drops
    missing periods); ``None`` when there are fewer than MINIMUM_POINTS values."""
    values = [_checked("SPC value", v) for v in values]
    if len(values) < MINIMUM_POINTS:
        return None
    limits = control_limits(values, baseline, screen_outliers=screen_outliers)
    causes = special_causes(values, limits)
    rule, direction = causes[-1]
    target = None if target is None else _checked("SPC target", target)
    return SpcResult(limits=limits, points=len(values), variation=_variation(direction, higher_is_better),
                     rule=rule, direction=direction, target=target,
                     assurance=None if target is None else assurance(limits, target, higher_is_better),
                     point_variations=tuple(_variation(d, higher_is_better) for _, d in causes))


def _verdict_in_words(variation: Variation) -> str:
    if variation is Variation.COMMON:
        return "common cause"
    neutral = variation in (Variation.HIGHER, Variation.LOWER)
    return f"special cause, {variation.name.lower()}" + (" (the indicator has no polarity)" if neutral else "")


def _run_length(signs: Sequence[int]) -> int:
    """How many signs at the end equal the last one."""
    return next((k for k, sign in enumerate(reversed(signs)) if sign != signs[-1]), len(signs))


def _latest_in_words(result: SpcResult, values: Sequence[float], labels: Sequence[str], number) -> str:
    sides, steps, _, near = _positions(values, result.limits)
    up = result.direction > 0
    side, limit = ("above", "above the upper") if up else ("below", "below the lower")
    latest = f"{labels[-1]} {number(values[-1])}"
    if result.rule == OUTSIDE_LIMITS:
        return f"{latest} is {limit} limit"
    if result.rule == TREND:
        return (f"{latest} is the last of {_run_length(steps) + 1} points in a row each "
                f"{'higher' if up else 'lower'} than the one before")
    if result.rule == RUN_ONE_SIDE:
        return f"{latest} is the last of {_run_length(sides)} points in a row {side} the mean"
    if result.rule == TWO_OF_THREE:
        named = [f"{labels[i]} {number(values[i])}" for i in range(len(values) - 3, len(values)) if near[i]]
        near_limit = result.limits.upper_near if up else result.limits.lower_near
        return (f"{', '.join(named[:-1])} and {named[-1]} are {limit} near limit {number(near_limit)} "
                f"(mean {'+' if up else '−'} 1.773 × mean moving range), {len(named)} of the last 3 points, "
                f"all {side} the mean")
    return f"{latest} is within the limits, in no run or trend of 7 and not 2 of 3 near a limit"


def explain_spc(result: SpcResult, values: Sequence[float], labels: Sequence[str], *,
                unit: str = "periods") -> str:
    """The arithmetic in words, for ``xlscorecard explain``; ``labels[i]`` names ``values[i]``
    and ``unit`` what the points are ("months", "quarters").

    >>> values = [40, 44, 41, 45, 42, 44, 40, 43, 41, 45, 42, 44, 54]
    >>> labels = [f"Q{i}" for i in range(1, 14)]
    >>> print(explain_spc(assess(values, higher_is_better=False), values, labels))  # doctest: +NORMALIZE_WHITESPACE
    mean 43.46, limits 33.71–53.21 (mean ± 2.66 × mean moving range 3.67) from 13 periods;
    Q13 54 is above the upper limit: special cause, concerning.
    """
    from .explain import number  # here, not at the top: explain may import this module to show SPC

    if not len(values) == len(labels) == result.points:
        raise ValueError(f"{result.points} points, but {len(values)} values and {len(labels)} labels")
    limits = result.limits
    held = f"the first {limits.baseline_points}" if limits.baseline_points < result.points else str(limits.baseline_points)
    between = " to " if limits.lower < 0 else "–"  # "−0.58–4.74" would read as a range from a minus
    text = (f"mean {number(limits.mean)}, limits {number(limits.lower)}{between}{number(limits.upper)} "
            f"(mean ± 2.66 × mean moving range {number(limits.mean_moving_range)}) from {held} {unit}")
    if limits.screened_ranges:
        ranges = "moving range" if limits.screened_ranges == 1 else "moving ranges"
        text += f", leaving out {limits.screened_ranges} {ranges} of at least 3.267 × the mean of all of them"
    if limits.provisional:
        text += f" (provisional until there are {BASELINE_POINTS} {unit})"
    text += f"; {_latest_in_words(result, values, labels, number)}: {_verdict_in_words(result.variation)}."
    if result.assurance is not None:
        where = ("within the limits" if result.assurance is Assurance.HIT_AND_MISS
                 else "above the upper limit" if result.target > limits.upper else "below the lower limit")
        text += f" Target {number(result.target)} is {where}: {result.assurance.value.lower()}."
    return text
