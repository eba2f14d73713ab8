"""SPEC scoring rules 1–6, rule by rule, as tables of cases."""

import pytest

from xlscorecard.errors import ScoringInputError, ValueParseError
from xlscorecard.core.model import (Dot, Frequency, Indicator, Observation, Period, Polarity, Rag,
                               TargetProfile, Trend, parse_quartile)
from xlscorecard.core.scoring import (direction_of_travel, period_target, quartile, rag, score_indicator,
                                 trend, variance)

HIGHER, LOWER = Polarity.HIGHER, Polarity.LOWER
Q3 = Period.quarter(2020, 3)
DEC, SEP, NOV = Period.month(2020, 12), Period.month(2020, 9), Period.month(2020, 11)


def indicator(**fields):
    base = dict(ref="X-01", name="Test indicator", polarity="higher", annual_target=100)
    return Indicator(**{**base, **fields})


# Rule 1 — profile, annual target, period, explicit target, expected period target
TARGETS = [
    ("flat", 95.0, DEC, None, 95.0),
    ("cumulative", 600.0, DEC, None, 450.0),          # 600 × 9/12 (CYP-41)
    ("cumulative", 600.0, Period.month(2020, 4), None, 50.0),
    ("cumulative", 600.0, Q3, None, 450.0),
    ("per-period", 174.0, Period.quarter(2021, 2), None, 43.5),   # SC-01: a quarter of 174
    ("per-period", 120.0, DEC, None, 10.0),
    ("per-period", 120.0, Period.year(2020), None, 120.0),
    ("flat", 95.0, DEC, 90.0, 90.0),                   # an explicit period target wins
    ("cumulative", 600.0, DEC, 500.0, 500.0),
    ("flat", None, DEC, None, None),                   # no target set
    ("flat", None, DEC, 12.0, 12.0),
]


@pytest.mark.parametrize("profile,annual,period,explicit,expected", TARGETS)
def test_period_target(profile, annual, period, explicit, expected):
    """Rule 1: explicit period target > profile (flat, cumulative, per-period)."""
    assert period_target(indicator(profile=profile, annual_target=annual), period, explicit) == expected


# Rule 2 — actual, target, polarity, expected % variance
VARIANCES = [
    (459.4, 485, LOWER, 5.2784),    # SPEC's worked example, CYP-01
    (94, 95, HIGHER, -1.0526),      # CYP-27a
    (100, 100, HIGHER, 0.0),
    (110, 100, LOWER, -10.0),
    (-5, -10, HIGHER, 50.0),        # negative target: divide by its size, positive stays good
    (-15, -10, HIGHER, -50.0),
    (-15, -10, LOWER, 50.0),
]


@pytest.mark.parametrize("actual,target,polarity,expected", VARIANCES)
def test_variance(actual, target, polarity, expected):
    """Rule 2: positive is always good."""
    assert variance(actual, target, polarity) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("actual,target", [(5, 0), (0, 0), (None, 10), (10, None)])
def test_variance_is_undefined_without_a_usable_target_or_value(actual, target):
    assert variance(actual, target, HIGHER) is None


# Rule 3 — actual, target, polarity, tolerance, expected RAG
RAGS = [
    (100, 100, HIGHER, 5, Rag.GREEN),
    (95, 100, HIGHER, 5, Rag.AMBER),         # exactly 5% below: "met within 95%"
    (94.99, 100, HIGHER, 5, Rag.RED),
    (105, 100, LOWER, 5, Rag.AMBER),
    (105.01, 100, LOWER, 5, Rag.RED),
    (96.3, 96, HIGHER, 5, Rag.GREEN),        # ASC-11, unrounded
    (90, 100, HIGHER, 10, Rag.AMBER),        # per-indicator tolerance
    (99, 100, HIGHER, 0, Rag.RED),
    (0, 0, LOWER, 5, Rag.GREEN),             # zero target met (no percentage band exists)
    (1, 0, LOWER, 5, Rag.RED),
    (2, 0, HIGHER, 5, Rag.GREEN),
    (-1, 0, HIGHER, 5, Rag.RED),
    (50, None, HIGHER, 5, Rag.NO_TARGET),    # "data but no colour: a target was not set"
    (None, 100, HIGHER, 5, Rag.GAP),
]


@pytest.mark.parametrize("actual,target,polarity,tolerance,expected", RAGS)
def test_rag(actual, target, polarity, tolerance, expected):
    """Rule 3: green met, amber within tolerance, red beyond; on unrounded figures."""
    assert rag(actual, target, polarity, tolerance) is expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12", True])
def test_non_numbers_are_a_documented_error(bad):
    with pytest.raises(ScoringInputError):
        variance(bad, 10, HIGHER)
    with pytest.raises(ScoringInputError):
        rag(10, bad, HIGHER)


def test_negative_tolerance_is_refused():
    with pytest.raises(ScoringInputError):
        rag(10, 10, HIGHER, -1)


# Rule 4 — variance now, variance before, first, expected DOT
DOTS = [
    (5.28, 8.91, False, Dot.WORSE),
    (0.16, -2.0, False, Dot.IMPROVED),
    (0.0, 0.0, False, Dot.SAME),
    (5.3549, 5.3521, False, Dot.SAME),     # equal as printed to two decimals (PH-52)
    (5.356, 5.354, False, Dot.IMPROVED),
    (None, 3.0, False, Dot.NONE),
    (3.0, None, False, Dot.NONE),
    (3.0, None, True, Dot.FIRST),
    (None, None, True, Dot.NONE),
]


@pytest.mark.parametrize("now,before,first,expected", DOTS)
def test_direction_of_travel(now, before, first, expected):
    """Rule 4: compare the variances as printed."""
    assert direction_of_travel(now, before, first=first) is expected


# Rule 5 — value now, value a year ago, polarity, expected trend
TRENDS = [
    (459.4, 470, LOWER, Trend.IMPROVING),
    (459.4, 450, LOWER, Trend.DECLINING),
    (80, 70, HIGHER, Trend.IMPROVING),
    (70, 70, HIGHER, Trend.SAME),
    (70, None, HIGHER, Trend.NONE),
]


@pytest.mark.parametrize("now,last_year,polarity,expected", TRENDS)
def test_trend(now, last_year, polarity, expected):
    assert trend(now, last_year, polarity) is expected


# Rule 6 — own value, comparators, polarity, expected quartile
QUARTILES = [
    (10, [1, 2, 3], HIGHER, 1),
    (10, [1, 2, 3], LOWER, 4),
    (5, [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12], HIGHER, 3),   # rank 8 of 12
    (5, [5, 5, 5, 1], HIGHER, 1),            # level with three others: shares rank 1
    (5, [9, 5, 5, 1], HIGHER, 2),            # rank 2 of 5 → ceil(8/5) = 2
    (5, [], HIGHER, None),
]


@pytest.mark.parametrize("own,comparators,polarity,expected", QUARTILES)
def test_quartile(own, comparators, polarity, expected):
    """Rule 6: rank among the group with the polarity; ties share the best rank."""
    assert quartile(own, comparators, polarity) == expected


@pytest.mark.parametrize("text,expected", [("4th Quartile", 4), ("1st quartile", 1), ("N/A", None),
                                           ("NA", None), ("", None), (2, 2), ("Q3", 3), ("Third", 3)])
def test_printed_quartiles(text, expected):
    assert parse_quartile(text) == expected


def test_unreadable_quartile_names_the_accepted_forms():
    with pytest.raises(ValueParseError, match="1st Quartile"):
        parse_quartile("5th")


@pytest.mark.parametrize("text,expected", [("Higher", HIGHER), ("Low is good", LOWER), ("high", HIGHER),
                                           ("Lower is better?", LOWER), (" LOWER ", LOWER)])
def test_polarity_spellings(text, expected):
    assert Polarity.parse(text) is expected


@pytest.mark.parametrize("parse,text", [(Polarity.parse, "sideways"), (Frequency.parse, "fortnightly"),
                                        (TargetProfile.parse, "exponential")])
def test_unknown_vocabulary_is_a_clear_error(parse, text):
    with pytest.raises(ValueParseError, match="accepted"):
        parse(text)


# Due dates — frequency, reporting period, due?
DUE = [
    (Frequency.MONTHLY, NOV, True),
    (Frequency.QUARTERLY, NOV, False),       # "a quarterly indicator is not due in November"
    (Frequency.QUARTERLY, DEC, True),
    (Frequency.QUARTERLY, Q3, True),
    (Frequency.ANNUAL, Q3, False),           # "an annual one only at year end"
    (Frequency.ANNUAL, Period.quarter(2020, 4), True),
    (Frequency.ANNUAL, Period.month(2021, 3), True),
    (Frequency.ANNUAL, Period.year(2020), True),
]


@pytest.mark.parametrize("frequency,period,due", DUE)
def test_due(frequency, period, due):
    assert frequency.is_due(period) is due


# Whole-indicator scoring: gaps, not due, carrying forward, first reported
def obs(period, value, **fields):
    return Observation("X-01", period, value, **fields)


def test_due_but_missing_is_a_gap():
    score = score_indicator(indicator(frequency="quarterly"), [obs(SEP, 90)], Q3)
    assert score.rag is Rag.GAP
    assert score.gap_reason == "no value for 2020/21 Q3; the latest is for Sep 2020"


def test_not_due_carries_the_latest_value_forward():
    score = score_indicator(indicator(frequency="quarterly"), [obs(SEP, 96)], NOV)
    assert (score.rag, score.value, score.value_period) == (Rag.AMBER, 96, SEP)


def test_not_due_and_never_reported_is_left_out_of_the_counts():
    score = score_indicator(indicator(frequency="annual"), [], Q3)
    assert score.rag is Rag.NOT_DUE and not score.counted


def test_text_note_in_place_of_a_value_is_a_gap_with_the_note_as_reason():
    note = "Data collection currently suspended by NHS"
    score = score_indicator(indicator(), [obs(SEP, 90), obs(DEC, None, note=note)], Q3)
    assert score.rag is Rag.GAP and score.gap_reason == note


def test_last_years_values_are_not_this_years_latest():
    score = score_indicator(indicator(frequency="monthly"), [obs(Period.month(2020, 3), 90)], Q3)
    assert score.rag is Rag.GAP


def test_first_reported_when_nothing_came_before():
    score = score_indicator(indicator(frequency="monthly"), [obs(NOV, 90)], Q3)
    assert score.dot is Dot.FIRST


def test_dot_uses_each_periods_own_cumulative_target():
    """Sep is judged against 6/12 of the annual target, Dec against 9/12."""
    ind = indicator(profile="cumulative", annual_target=120, frequency="quarterly")
    score = score_indicator(ind, [obs(SEP, 60), obs(DEC, 99)], Q3)
    assert (score.previous_variance, round(score.variance, 2), score.dot) == (0.0, 10.0, Dot.IMPROVED)


def test_trend_against_the_same_month_last_year():
    ind = indicator(polarity="lower", annual_target=485, frequency="monthly")
    observations = [obs(DEC, 459.4), obs(Period.month(2019, 12), 470), obs(Period.month(2019, 11), 400)]
    assert score_indicator(ind, observations, Q3).trend is Trend.IMPROVING


def test_indicator_tolerance_beats_the_framework_default():
    observations = [obs(DEC, 92)]
    assert score_indicator(indicator(), observations, Q3).rag is Rag.RED
    assert score_indicator(indicator(tolerance=10), observations, Q3).rag is Rag.AMBER
    assert score_indicator(indicator(), observations, Q3, tolerance=10).rag is Rag.AMBER


def test_quartile_is_computed_from_comparators_when_not_given():
    ind = indicator(comparator_values=(50, 60, 70, 80, 95, 96, 97))
    assert score_indicator(ind, [obs(DEC, 99)], Q3).quartile == 1
    assert score_indicator(indicator(quartile="3rd Quartile"), [obs(DEC, 99)], Q3).quartile == 3


def test_other_indicators_observations_are_ignored():
    other = Observation("Y-02", DEC, 1.0)
    assert score_indicator(indicator(), [other], Q3).rag is Rag.GAP


def test_a_target_so_near_zero_that_the_variance_overflows_is_treated_as_zero():
    """Found by the property test: 1e9 against 1e-308 would be an infinite percentage."""
    assert variance(1e9, 1e-308, HIGHER) is None
    assert rag(1e9, 1e-308, HIGHER) is Rag.GREEN
