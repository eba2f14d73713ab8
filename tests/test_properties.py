"""Invariants of the scoring core, checked on generated inputs (hypothesis)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from xlscorecard.errors import XlscorecardError
from xlscorecard.core.model import Indicator, Observation, Period, Polarity, Rag
from xlscorecard.core.scoring import quartile, rag, score_indicator, variance

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
nonzero = finite.filter(lambda t: abs(t) > 1e-6)
polarities = st.sampled_from(list(Polarity))
anything = st.one_of(st.none(), st.floats(), st.integers(), st.text(max_size=3), st.booleans())
RAG_ORDER = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def other(polarity):
    return Polarity.LOWER if polarity is Polarity.HIGHER else Polarity.HIGHER


@given(finite, nonzero, polarities)
def test_swapping_polarity_negates_the_variance(actual, target, polarity):
    assert variance(actual, target, polarity) == -variance(actual, target, other(polarity))


@given(finite, nonzero, polarities)
def test_swapping_polarity_and_mirroring_the_value_keeps_the_variance(actual, target, polarity):
    """A value as far on the other side of the target, judged the other way round, is as good."""
    mirrored = 2 * target - actual
    assert math.isclose(variance(mirrored, target, other(polarity)), variance(actual, target, polarity),
                        rel_tol=1e-9, abs_tol=1e-6)


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=-1e6, max_value=1e6),
       st.floats(min_value=1e-3, max_value=1e6), polarities, st.floats(min_value=0, max_value=50))
def test_rag_never_improves_as_the_value_moves_away_from_target(a, b, target, polarity, tolerance):
    """For a fixed target, a value further on the wrong side never gets a better colour."""
    def badness(value):
        return (target - value) if polarity is Polarity.HIGHER else (value - target)
    nearer, further = sorted([a, b], key=badness)
    assert RAG_ORDER[rag(nearer, target, polarity, tolerance)] <= RAG_ORDER[rag(further, target, polarity, tolerance)]


@given(finite, st.lists(finite, max_size=20), polarities, st.randoms())
def test_quartile_does_not_depend_on_comparator_order(own, comparators, polarity, random):
    shuffled = list(comparators)
    random.shuffle(shuffled)
    result = quartile(own, comparators, polarity)
    assert result == quartile(own, shuffled, polarity)
    assert result is None if not comparators else result in (1, 2, 3, 4)


@given(anything, anything, polarities, anything)
def test_the_core_raises_only_documented_errors(actual, target, polarity, tolerance):
    for call in (lambda: variance(actual, target, polarity), lambda: rag(actual, target, polarity, tolerance)):
        try:
            call()
        except XlscorecardError:
            pass


months = st.integers(min_value=1, max_value=12)
values = st.one_of(st.none(), finite)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(2019, 2021), months, values), max_size=12),
       st.one_of(st.none(), finite), polarities, st.sampled_from(["flat", "cumulative", "per-period"]),
       st.sampled_from(["monthly", "quarterly", "annual"]),
       st.sampled_from(["2020/21 Q3", "Dec 2020", "Nov 2020", "2020/21", "2020/21 Q1"]))
def test_scoring_any_history_gives_a_status(history, target, polarity, profile, frequency, period_text):
    from xlscorecard.core.periods import parse_period
    ind = Indicator("P-1", "Property", polarity, frequency=frequency, profile=profile, annual_target=target)
    observations = [Observation("P-1", Period.month(y, m), v) for y, m, v in history]
    score = score_indicator(ind, observations, parse_period(period_text))
    assert score.rag in set(Rag)
    assert (score.variance is None) or math.isfinite(score.variance)
