"""core.series: one indicator's values over time, with the RAG each had for its own period."""

from xlscorecard.core.model import Indicator, Observation, Period, Rag
from xlscorecard.core.scoring import score_indicator
from xlscorecard.core.series import indicator_series, looks_year_to_date

Q3 = Period.quarter(2020, 3)


def test_points_are_at_the_frequency_one_per_period_end_up_to_the_period():
    indicator = Indicator("Q-1", "Quarterly", "lower", frequency="quarterly", annual_target=50)
    observations = [Observation("Q-1", Period.month(2020, 11), 40),  # not a quarter end: not a point
                    Observation("Q-1", Period.month(2020, 12), 45),
                    Observation("Q-1", Q3, 46),  # the quarter beats its last month
                    Observation("Q-1", Period.month(2021, 3), 30),  # after the period
                    Observation("Q-1", Period.month(2020, 9), None, note="late")]
    series = indicator_series(indicator, observations, Q3)
    assert [(p.period.label, p.value) for p in series.points] == [("2020/21 Q3", 46)]
    assert series.window == 8


def test_a_point_is_coloured_against_its_own_period_target():
    """This year's points use the scoring's target (SPEC rule 1: 9/12 of 600 at December, a
    cumulative target); an earlier year's only a target held for it."""
    indicator = Indicator("C-1", "Referrals", "lower", frequency="monthly", profile="cumulative", annual_target=600)
    observations = [Observation("C-1", Period.month(2019, 12), 300),  # no target held: no colour
                    Observation("C-1", Period.month(2019, 11), 300, period_target=250),  # (250 − 300)/250 = −20%
                    Observation("C-1", Period.month(2020, 12), 460),  # (450 − 460)/450 = −2.2%: amber
                    Observation("C-1", Period.month(2020, 11), 400)]  # 8/12 × 600 = 400: met
    score = score_indicator(indicator, observations, Q3)
    series = indicator_series(indicator, observations, Q3, score)
    assert [(p.period.label, p.target, p.rag) for p in series.points] == [
        ("Nov 2019", 250, Rag.RED), ("Dec 2019", None, Rag.NO_TARGET),
        ("Nov 2020", 400, Rag.GREEN), ("Dec 2020", 450, Rag.AMBER)]
    assert series.current and series.window == 24


def test_a_gap_now_has_no_current_point():
    indicator = Indicator("G-1", "Gap", "higher", frequency="monthly", annual_target=5)
    observations = [Observation("G-1", Period.month(2020, 6), 6), Observation("G-1", Period.month(2020, 12), None)]
    series = indicator_series(indicator, observations, Q3, score_indicator(indicator, observations, Q3))
    assert not series.current and not series.signal


def test_year_to_date_values_are_recognised_by_their_restart_each_april():
    flat = Indicator("Y-1", "Collected", "higher", frequency="quarterly")
    values = {Period.month(2019, 6): 20, Period.month(2019, 9): 45, Period.month(2019, 12): 70,
              Period.month(2020, 3): 96, Period.month(2020, 6): 24, Period.month(2020, 9): 50}
    series = indicator_series(flat, [Observation("Y-1", p, v) for p, v in values.items()], Q3)
    assert looks_year_to_date(flat, series.points)
    values[Period.month(2020, 6)] = 97  # no restart in April: a rate that rose
    series = indicator_series(flat, [Observation("Y-1", p, v) for p, v in values.items()], Q3)
    assert not looks_year_to_date(flat, series.points)
