"""SPC (XmR, NHS "Making Data Count"): every rule and verdict on figures worked by hand, series
checked against NHSRplotthedots' own expectations, and the invariants of the method."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlscorecard.core import spc
from xlscorecard.core.spc import (MINIMUM_POINTS, OUTSIDE_LIMITS, RUN_ONE_SIDE, TREND, TWO_OF_THREE,
                                  Assurance, ControlLimits, Variation, assess, assurance,
                                  control_limits, explain_spc, special_causes)
from xlscorecard.errors import ScoringInputError

IMPROVING, CONCERNING, COMMON = Variation.IMPROVING, Variation.CONCERNING, Variation.COMMON
HIGHER, LOWER = Variation.HIGHER, Variation.LOWER

# The rule tables fix the limits on a steady baseline (baseline=12) so that every figure is easy
# to check by hand, whatever points follow it:
#   BASE = 10, 12, 10, 12, … (12 points): mean = 132 / 12 = 11;
#   11 moving ranges, each |12 − 10| = 2: mMR = 22 / 11 = 2 (none ≥ 3.267 × 2 = 6.53 to screen);
#   limits 11 ∓ 2.66 × 2 = 5.68 and 16.32; near limits 11 ∓ (2 × 2.66 / 3) × 2 = 7.4533 and 14.5467.
# The baseline alternates about the mean (10 below, 12 above), so it holds no run, trend or point
# near a limit; its last point, 12, is above the mean.
BASE = [10, 12] * 6


def test_limits_of_the_baseline():
    """Mean, mean moving range, limits mean ± 2.66 × mMR and near limits mean ± 1.773 × mMR."""
    limits = control_limits(BASE)
    assert (limits.mean, limits.mean_moving_range) == (11, 2)
    assert (limits.lower, limits.upper) == pytest.approx((5.68, 16.32))
    assert (limits.lower_near, limits.upper_near) == pytest.approx((7.453333, 14.546667))
    assert (limits.baseline_points, limits.provisional, limits.screened_ranges) == (12, False, 0)


# points after BASE, the rule that names the latest point, its direction (+1 above / rising)
RULES = [
    ([17], OUTSIDE_LIMITS, 1),            # 17 > 16.32
    ([5], OUTSIDE_LIMITS, -1),            # 5 < 5.68
    ([16.32], None, 0),                   # on the upper limit is not beyond it (only near it)
    ([13, 12, 13, 12, 13, 12, 13], RUN_ONE_SIDE, 1),      # 7 (with BASE's last 12: 8) above 11
    ([9, 10, 9, 10, 9, 10, 9], RUN_ONE_SIDE, -1),          # 7 below 11, none below 7.4533
    ([10, 13, 12, 13, 12, 13, 12], None, 0),              # only 6 above the mean
    ([13, 12, 13, 11, 13, 12, 13], None, 0),              # 11 is on the mean: it breaks the run
    ([8, 9, 10, 11, 12, 13, 14], TREND, 1),               # 7 points, 6 rises, all within 7.45–14.55
    ([14, 13, 12, 11, 10, 9, 8], TREND, -1),
    ([9, 10, 11, 12, 13, 14], None, 0),                   # 6 points (5 rises) are no trend
    ([8, 9, 10, 10, 11, 12, 13], None, 0),                # a tie (10, 10) breaks the trend
    ([15, 12, 15], TWO_OF_THREE, 1),      # 15 > 14.5467 twice in 3, and 12 above the mean too
    ([7, 10, 7], TWO_OF_THREE, -1),       # 7 < 7.4533 twice, 10 below the mean too
    ([15, 15], TWO_OF_THREE, 1),          # BASE's 12, 15, 15: all above the mean
    ([15, 12, 7], None, 0),               # near the upper and the lower limit: opposite sides
    ([15, 10, 15], None, 0),              # 10 is below the mean: the 3 are not on one side
    ([17, 12, 15], None, 0),              # beyond the limit is not "near": 17 does not count
    # precedence: outside limits > trend > 2 of 3 > run of 7
    ([8, 9, 10, 11, 12, 13, 17], OUTSIDE_LIMITS, 1),      # 6 rises end beyond the limit
    ([8, 9, 10, 11, 12, 15, 16], TREND, 1),               # 15 and 16 are near too (2 of 3)
    ([14, 13.5, 13, 12.5, 12, 11.75, 11.5], TREND, -1),   # a run above the mean, yet falling
    ([13, 12, 13, 12, 15, 12, 15], TWO_OF_THREE, 1),      # a run of 8 above, and 2 of 3 near
]


@pytest.mark.parametrize("after,rule,direction", RULES)
def test_rules_for_the_latest_point(after, rule, direction):
    """The four special-cause rules, and the one named when several fire."""
    result = assess(BASE + after, higher_is_better=True, baseline=12)
    assert (result.rule, result.direction) == (rule, direction)
    assert result.is_signal() == (rule is not None)


# direction of the latest point, polarity (higher is better?), variation
VARIATIONS = [
    ([17], True, IMPROVING), ([17], False, CONCERNING), ([17], None, HIGHER),
    ([5], True, CONCERNING), ([5], False, IMPROVING), ([5], None, LOWER),
    ([14, 13.5, 13, 12.5, 12, 11.75, 11.5], True, CONCERNING),   # the falling trend decides
    ([14, 13.5, 13, 12.5, 12, 11.75, 11.5], None, LOWER),
    ([12], True, COMMON), ([12], False, COMMON), ([12], None, COMMON),
]


@pytest.mark.parametrize("after,higher_is_better,variation", VARIATIONS)
def test_variation_follows_the_polarity(after, higher_is_better, variation):
    """Special cause in the good direction improves, in the bad one concerns; with no polarity
    it is only higher or lower (ptd_point_type's special_cause_neutral_high / _low)."""
    assert assess(BASE + after, higher_is_better=higher_is_better, baseline=12).variation is variation


def test_every_point_of_a_run_is_flagged_and_only_the_near_points_of_two_in_three():
    """ptd_part_of_seven_trend flags all 7 points; ptd_part_of_two_in_three only the near ones."""
    run = assess(BASE + [9, 10, 9, 10, 9, 10, 9], higher_is_better=False, baseline=12)
    assert run.point_variations == (COMMON,) * 12 + (IMPROVING,) * 7
    pair = assess(BASE + [15, 15, 12], higher_is_better=True, baseline=12)
    assert pair.point_variations[-3:] == (IMPROVING, IMPROVING, COMMON)
    assert pair.variation is COMMON


# target, higher is better?, assurance; limits 5.68–16.32 from BASE
ASSURANCES = [
    (20, True, Assurance.FAILING), (20, False, Assurance.PASSING),
    (3, True, Assurance.PASSING), (3, False, Assurance.FAILING),
    (11, True, Assurance.HIT_AND_MISS), (16.32, True, Assurance.HIT_AND_MISS),  # on a limit
    (20, None, None), (None, True, None),
]


@pytest.mark.parametrize("target,higher_is_better,expected", ASSURANCES)
def test_assurance_against_the_target(target, higher_is_better, expected):
    """A target beyond the limits is met by every point or by none; within them, hit and miss."""
    result = assess(BASE + [12], higher_is_better=higher_is_better, target=target, baseline=12)
    assert result.assurance is expected


@pytest.mark.parametrize("higher_is_better,expected", [
    (True, [Assurance.FAILING, Assurance.PASSING, Assurance.HIT_AND_MISS]),
    (False, [Assurance.PASSING, Assurance.FAILING, Assurance.HIT_AND_MISS]),
    (None, [None, None, None]),
])
def test_assurance_as_nhsrplotthedots_tests_it(higher_is_better, expected):
    """tests/testthat/test-ptd_calculate_assurance_type.R: limits (1, 3), (5, 7) and (1, 5),
    target 4: "increase" gives consistent_fail, consistent_pass, inconsistent; "decrease" the
    reverse of the first two; "neutral" NA."""
    def limits(lower, upper):
        mean = (lower + upper) / 2
        return ControlLimits(mean, (upper - mean) / 2.66, lower, upper, lower, upper, 12, False)
    got = [assurance(limits(lo, hi), 4, higher_is_better) for lo, hi in [(1, 3), (5, 7), (1, 5)]]
    assert got == expected


# ---- series checked against NHSRplotthedots' own expectations --------------------------------

# R's set.seed(123); rnorm(20), as tests/testthat/test-ptd_spc.R and test-ptd_spc_standard.R make
# their data (the snapshot prints the first values: -0.56047565, -0.23017749, 1.55870831, …).
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
             -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
             -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141]
OUTLIER_AT_15 = RNORM_123[:14] + [10] + RNORM_123[15:]  # data$y[15] <- 10


@pytest.mark.parametrize("values,screen,mean,lower,upper,within", [
    # tests/testthat/_snaps/ptd_spc_standard.md, "it returns expected values": r1, r2, r3
    (RNORM_123, True, 0.1416238, -3.01138, 3.294627, 1e-6),
    (OUTLIER_AT_15, True, 0.6694159, -2.383666, 3.722497, 1e-6),
    (OUTLIER_AT_15, False, 0.6694159, -4.596625, 5.935457, 1e-6),
    # tests/testthat/_snaps/ptd_spc.md, the summary by facet (rep(c(0, 1), each = 10)), 3 figures
    (RNORM_123[:10], True, 0.0746, -2.60, 2.75, 5e-3),
    (RNORM_123[10:], True, 0.209, -3.28, 3.70, 5e-3),
])
def test_limits_match_nhsrplotthedots_snapshots(values, screen, mean, lower, upper, within):
    """The R package's recorded mean_col, lpl and upl, with and without screening the outlying
    moving range (data$y[15] <- 10 makes two ranges of about 10)."""
    limits = control_limits(values, screen_outliers=screen)
    assert (limits.mean, limits.lower, limits.upper) == pytest.approx((mean, lower, upper), abs=within)


@pytest.mark.parametrize("values", [RNORM_123, RNORM_123[:10], RNORM_123[10:]])
def test_every_point_of_the_snapshot_series_is_common_cause(values):
    """_snaps/ptd_spc.md: the summaries count common_cause 20 (and 10, 10 by facet), no special
    cause improvement."""
    assert set(assess(values, higher_is_better=True).point_variations) == {COMMON}


def test_two_near_points_on_opposite_sides_are_common_cause():
    """test-ptd_spc_standard.R, "it only reports special cause for 2of3 points close to limits
    when they are on the same side of the mean": data rep(c(1, -1), 8), data[15] = 5.5,
    data[16] = -5.5; tail(s, 2)$point_type is common_cause, common_cause."""
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    result = assess(values, higher_is_better=True)
    assert result.point_variations[-2:] == (COMMON, COMMON)


@pytest.mark.parametrize("screen,upper,mean,lower", [(True, 4.6, 1.94, -0.72), (False, 6.95, 1.94, -3.06)])
def test_the_deviations_vignette_example(screen, upper, mean, lower):
    """vignettes/deviations.Rmd: data 1, 2, 1, 2, 10, 1, 2, …; its captions: "UPL = 4.6, Mean =
    1.94, LPL = -0.72" screened (the default), "6.95 … 1.94 … -3.06" as the Excel tool; the charts
    show one special cause improvement point, the 10, and common cause elsewhere."""
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = assess(values, higher_is_better=True, screen_outliers=screen)
    limits = result.limits
    assert (round(limits.upper, 2), round(limits.mean, 2), round(limits.lower, 2)) == (upper, mean, lower)
    assert result.point_variations == (COMMON,) * 4 + (IMPROVING,) + (COMMON,) * 13


def wide(mean=0.0):
    """Limits so wide that only the run and trend rules can fire."""
    return ControlLimits(mean, 100, mean - 266, mean + 266, mean - 177, mean + 177, 12, False)


@pytest.mark.parametrize("values,flagged", [
    # tests/testthat/test-ptd_calculate_point_type.R, ptd_seven_point_trend + ptd_part_of_seven_trend
    (list(range(1, 7)), [0] * 6),                      # 1:6
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7),                  # c(1:3, 3:6)
    (list(range(1, 8)), [1] * 7),                      # 1:7 -> c(0, …, 0, 1): all 7 part of it
    ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),   # c(2, 1:7, 3)
    (list(range(7, 0, -1)), [-1] * 7),                 # 7:1 -> -1
])
def test_trend_as_nhsrplotthedots_tests_it(values, flagged):
    """7 points each strictly higher (lower) than the one before; every point of it is flagged."""
    got = [direction if rule == TREND else 0 for rule, direction in special_causes(values, wide(4))]
    assert got == flagged


@pytest.mark.parametrize("sides,flagged", [
    # ptd_seven_point_one_side_mean + ptd_part_of_seven_trend, same test file
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),                   # ends at 7 and 8: points 1–8 part of it
    ([-1] * 8 + [1], [-1] * 8 + [0]),
])
def test_run_as_nhsrplotthedots_tests_it(sides, flagged):
    """7 points in a row on one side of the mean (values ±1 about a mean of 0, no trend)."""
    got = [direction if rule == RUN_ONE_SIDE else 0 for rule, direction in special_causes(sides, wide())]
    assert got == flagged


@pytest.mark.parametrize("near,sides,flagged", [
    # ptd_two_in_three + ptd_part_of_two_in_three, same test file
    ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
    ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1] * 3 + [1], [0] * 7),
])
def test_two_in_three_as_nhsrplotthedots_tests_it(near, sides, flagged):
    """2 of 3 points near a limit, all 3 on one side; only the near points are part of it."""
    assert spc._two_in_three([bool(n) for n in near], sides) == [bool(f) for f in flagged]


# ---- edge cases ------------------------------------------------------------------------------

def test_too_few_points_have_no_verdict_and_under_twelve_the_limits_are_provisional():
    """Fewer than MINIMUM_POINTS (7): None; 7–11 points: trial limits; 12: not provisional."""
    assert MINIMUM_POINTS == 7
    assert assess(BASE[:6], higher_is_better=True) is None
    assert assess([], higher_is_better=True) is None
    assert [assess(BASE[:n], higher_is_better=True).limits.provisional for n in (7, 11, 12)] == [True, True, False]


def test_a_fixed_baseline_takes_the_limits_from_its_first_points():
    """baseline=12 fixes the limits (ptd_spc fix_after_n_points), which must be 12 or more."""
    later = assess(BASE + [30, 30, 30], higher_is_better=True, baseline=12)
    assert (later.limits.mean, later.limits.baseline_points, later.points) == (11, 12, 15)
    assert assess(BASE, higher_is_better=True, baseline=50).limits.baseline_points == 12
    with pytest.raises(ValueError, match="at least 12"):
        assess(BASE, higher_is_better=True, baseline=11)


def test_a_constant_series_sits_on_its_mean():
    """mMR = 0: the limits collapse onto the mean (5), every point is on it: common cause. (The
    R package screens out every range, 0 < 3.267 × 0 being false, and shows no limits.)"""
    result = assess([5] * 12, higher_is_better=True, target=6)
    assert (result.limits.lower, result.limits.upper, result.variation) == (5, 5, COMMON)
    assert result.assurance is Assurance.FAILING             # target 6 above the upper limit 5
    # in floats 12 × 0.1 / 12 is 0.10000000000000002: every 0.1 would be "below the mean"
    assert assess([0.1] * 12, higher_is_better=True).variation is COMMON
    assert assess([5] * 12 + [6], higher_is_better=True, baseline=12).rule == OUTSIDE_LIMITS


@pytest.mark.parametrize("bad", [math.nan, math.inf, "12", None, True])
def test_a_value_that_is_not_a_finite_number_is_refused(bad):
    with pytest.raises(ScoringInputError):
        assess(BASE[:-1] + [bad], higher_is_better=True)


# ---- explain: the arithmetic in words ----------------------------------------------------------

MONTHS = [f"M{i}" for i in range(1, 30)]


@pytest.mark.parametrize("after,higher_is_better,target,words", [
    ([17], True, None, "M13 17 is above the upper limit: special cause, improving."),
    ([5], None, None, "M13 5 is below the lower limit: special cause, lower (the indicator has no polarity)."),
    ([8, 9, 10, 11, 12, 13, 14], False, None,
     "M19 14 is the last of 7 points in a row each higher than the one before: special cause, concerning."),
    ([9, 10, 9, 10, 9, 10, 9], True, None,
     "M19 9 is the last of 7 points in a row below the mean: special cause, concerning."),
    ([15, 12, 15], True, None,
     "M13 15 and M15 15 are above the upper near limit 14.55 (mean + 1.773 × mean moving range), "
     "2 of the last 3 points, all above the mean: special cause, improving."),
    ([12], True, 20, "M13 12 is within the limits, in no run or trend of 7 and not 2 of 3 near a limit: "
     "common cause. Target 20 is above the upper limit: consistently failing."),
    ([12], False, 3, "common cause. Target 3 is below the lower limit: consistently failing."),
    ([12], True, 11, "common cause. Target 11 is within the limits: hit and miss."),
])
def test_explain_says_which_rule_and_why(after, higher_is_better, target, words):
    values = BASE + after
    result = assess(values, higher_is_better=higher_is_better, target=target, baseline=12)
    text = explain_spc(result, values, MONTHS[:len(values)], unit="months")
    assert text.startswith("mean 11, limits 5.68–16.32 (mean ± 2.66 × mean moving range 2) from the first 12 months; ")
    assert text.endswith(words)


def test_explain_names_provisional_limits_and_screened_ranges():
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2]
    # mean 22 / 9 = 2.444; ranges 1, 1, 1, 8, 9, 1, 1, 1: mMR 23 / 8 = 2.875; 3.267 × 2.875 = 9.39
    # screens none of them; limits 2.444 ∓ 2.66 × 2.875 = 2.444 ∓ 7.648: −5.20 and 10.09.
    result = assess(values, higher_is_better=True)
    text = explain_spc(result, values, MONTHS[:9])
    assert text.startswith("mean 2.44, limits −5.2 to 10.09 (mean ± 2.66 × mean moving range 2.88) from 9 periods "
                           "(provisional until there are 12 periods); ")
    # 17 ranges 1, 1, 1, 8, 9, 1, …: mean 32 / 17 = 1.88; 8 and 9 ≥ 3.267 × 1.88 = 6.15 are left out
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    text = explain_spc(assess(values, higher_is_better=True), values, MONTHS[:18])
    assert "mean moving range 1) from 18 periods, leaving out 2 moving ranges of at least 3.267 × the mean" in text


def test_explain_needs_a_label_for_every_value():
    result = assess(BASE, higher_is_better=True)
    with pytest.raises(ValueError, match="12 points"):
        explain_spc(result, BASE, MONTHS[:11])


# ---- properties ------------------------------------------------------------------------------

series = st.lists(st.integers(-50, 50), min_size=MINIMUM_POINTS, max_size=30)
polarity = st.sampled_from([True, False, None])


def verdicts(result):
    return result.variation, result.rule, result.assurance, result.point_variations


@settings(max_examples=200, deadline=None)
@given(series, polarity, st.integers(-60, 60), st.floats(-1e6, 1e6))
def test_shifting_every_value_moves_the_limits_and_changes_no_verdict(values, higher, target, shift):
    before = assess(values, higher_is_better=higher, target=target)
    after = assess([v + shift for v in values], higher_is_better=higher, target=target + shift)
    assert verdicts(after) == verdicts(before)
    for field in ("mean", "lower", "upper", "lower_near", "upper_near"):
        assert getattr(after.limits, field) == pytest.approx(getattr(before.limits, field) + shift, abs=1e-6)
    assert after.limits.mean_moving_range == pytest.approx(before.limits.mean_moving_range, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(series, polarity, st.integers(-60, 60), st.floats(1e-3, 1e3))
def test_scaling_by_a_positive_factor_changes_no_verdict(values, higher, target, factor):
    before = assess(values, higher_is_better=higher, target=target)
    after = assess([v * factor for v in values], higher_is_better=higher, target=target * factor)
    assert verdicts(after) == verdicts(before)
    assert after.limits.upper == pytest.approx(before.limits.upper * factor, rel=1e-9, abs=1e-9)


MIRROR = {IMPROVING: CONCERNING, CONCERNING: IMPROVING, HIGHER: LOWER, LOWER: HIGHER, COMMON: COMMON}


@settings(max_examples=200, deadline=None)
@given(series, polarity, st.integers(-60, 60))
def test_mirroring_the_values_and_the_polarity_mirrors_the_verdicts(values, higher, target):
    """Negating values and polarity keeps improving improving (no polarity: higher becomes lower);
    negating the values alone turns improving into concerning. The rule is the same."""
    before = assess(values, higher_is_better=higher, target=target)
    flipped = None if higher is None else not higher
    mirrored = assess([-v for v in values], higher_is_better=flipped, target=-target)
    expected = before.variation if higher is not None else MIRROR[before.variation]
    assert (mirrored.variation, mirrored.rule, mirrored.assurance) == (expected, before.rule, before.assurance)
    negated = assess([-v for v in values], higher_is_better=higher)
    assert negated.variation is MIRROR[before.variation]
    assert negated.point_variations == tuple(MIRROR[v] for v in before.point_variations)
