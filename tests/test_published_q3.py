"""The scoring core against the council's published Q3 2020/21 report (seed 003).

Expected figures are the report's own: the '% Variance from Target' and 'DOT' columns of
../shared/reference/q3_2020_21_all_priorities.csv and the summary tables printed in the seed
text. Nothing here is copied from xlscorecard's output.
"""

import pytest

from xlscorecard.core.model import Dot, Period, Rag, parse_quartile
from xlscorecard.core.scoring import score_indicator
from xlscorecard.core.summary import (requires_improvement, strong_performance, summarise)

from reference import Q3_CUMULATIVE, Q3_FLAT, q3_rows

Q3 = Period.quarter(2020, 3)
ARROWS = {"↑": Dot.IMPROVED, "↓": Dot.WORSE, "↔": Dot.SAME, "■": Dot.FIRST}

# Seed 003, "Overview of Priority Performance" for each priority and the executive summary:
# priority: (Total PIs, On target, Off target, Within 5% of target, Data gaps)
PUBLISHED_TARGET_SUMMARY = {
    "1": (18, 6, 11, 1, 0),
    "2": (13, 8, 1, 3, 1),
    "3": (5, 3, 1, 0, 1),
    "4": (12, 9, 3, 0, 0),
    "5": (8, 2, 4, 2, 0),
    "6": (4, 1, 1, 2, 0),
    "Total": (60, 29, 21, 8, 2),
}

# Seed 003's executive summary exception tables, by reference.
PUBLISHED_STRONG = {"CYP-27a", "CYP-42", "ASC-17", "ASC-26", "G&P-12"}
PUBLISHED_REQUIRES_IMPROVEMENT = {
    "CYP-01", "CYP-40", "CYP-41", "CYP-04", "CYP-29", "PH-04", "PH-05", "PH-15", "PH-22",
    "PH-48", "ASC-13", "CC-01",
}


def _rag_of(published_variance: float) -> Rag:
    """The RAG the printed variance implies under the report's 5% rule."""
    if published_variance >= 0:
        return Rag.GREEN
    return Rag.AMBER if published_variance >= -5 else Rag.RED


def _score(row):
    return score_indicator(row.indicator, row.observations, Q3)


ROWS = q3_rows()
SOLVED = q3_rows(back_solve=True)


def test_the_reference_table_has_the_published_shape():
    """60 indicators over six priorities, as seed 003 prints them."""
    assert len(ROWS) == 60
    assert {r.priority for r in ROWS} == {"1", "2", "3", "4", "5", "6"}
    assert (len(Q3_FLAT), len(Q3_CUMULATIVE)) == (31, 6)


@pytest.mark.parametrize("row", [r for r in ROWS if r.ref in Q3_FLAT | Q3_CUMULATIVE], ids=lambda r: r.ref)
def test_published_variance_follows_from_the_printed_target(row):
    """Rules 1–3: flat and cumulative rows reproduce the printed % variance to ±0.01 points,
    with the RAG it implies."""
    score = _score(row)
    assert score.variance == pytest.approx(row.published_variance, abs=0.01)
    assert score.rag is _rag_of(row.published_variance)
    assert score.value == row.latest.value and score.value_period == row.latest.period


@pytest.mark.parametrize(
    "row", [r for r in SOLVED if r.ref not in Q3_FLAT | Q3_CUMULATIVE and r.latest], ids=lambda r: r.ref)
def test_back_solved_period_target_reproduces_the_variance(row):
    """Rule 1: an explicit period target beats the profile; with the target the report used
    (back-solved from its printed variance), the core reproduces the variance and RAG."""
    score = _score(row)
    assert score.target == row.latest.period_target
    assert score.variance == pytest.approx(row.published_variance, abs=0.01)
    assert score.rag is _rag_of(row.published_variance)


def test_rows_needing_a_period_target_are_the_remaining_rows_with_data():
    """37 rows follow from the printed target, 21 need the unprinted period target, 2 have no data."""
    needing = [r for r in SOLVED if r.ref not in Q3_FLAT | Q3_CUMULATIVE and r.latest]
    assert len(needing) == 21
    assert all(r.latest.period_target is not None for r in needing)


@pytest.mark.parametrize("ref", ["ASC-20a", "SC-12"])
def test_suspended_collections_are_data_gaps_with_their_note(ref):
    """A text note instead of a value is a data gap, with the note as its reason."""
    row = next(r for r in ROWS if r.ref == ref)
    score = _score(row)
    assert score.rag is Rag.GAP
    assert score.gap_reason == row.note and "suspended" in score.gap_reason
    assert score.variance is None


def test_latest_value_of_the_quarter_is_scored_and_its_month_known():
    """Rule 2: HS-01 has only a November value and ENV-01 only October; both are scored."""
    by_ref = {r.ref: _score(r) for r in ROWS}
    assert by_ref["HS-01"].value_period == Period.month(2020, 11)
    assert by_ref["ENV-01"].value_period == Period.month(2020, 10)
    assert by_ref["ENV-01"].rag is Rag.AMBER


@pytest.mark.parametrize("row", [r for r in ROWS if r.ref in Q3_FLAT and r.published_dot in ARROWS],
                         ids=lambda r: r.ref)
def test_direction_of_travel_matches_the_printed_arrow(row):
    """Rule 4: December's variance against September's, compared to two decimals."""
    assert _score(row).dot is ARROWS[row.published_dot]


def test_twenty_five_flat_rows_carry_a_printed_arrow_and_two_are_first_reported():
    arrows = [r for r in ROWS if r.ref in Q3_FLAT and r.published_dot in ARROWS]
    assert sum(r.published_dot != "■" for r in arrows) == 25
    assert {r.ref for r in arrows if _score(r).dot is Dot.FIRST} == {"HS-01", "HS-02"}


def test_worked_example_cyp01():
    """SPEC's worked example: 459.4 against 485, lower is better: +5.28%, green; September's
    441.8 gave +8.91%, so the DOT is worse."""
    score = _score(next(r for r in ROWS if r.ref == "CYP-01"))
    assert round(score.variance, 2) == 5.28 and score.rag is Rag.GREEN
    assert round(score.previous_variance, 2) == 8.91 and score.dot is Dot.WORSE


def _scores_with_published_results():
    """Every Q3 score, with the published quartile and, where the report printed one, the
    published arrow (the report lost Priority 5's arrows and some period targets)."""
    from dataclasses import replace
    scores = []
    for row in SOLVED:
        score = replace(_score(row), quartile=parse_quartile(row.published_comparative))
        if row.published_dot in ARROWS:
            score = replace(score, dot=ARROWS[row.published_dot])
        scores.append(score)
    return scores


def test_performance_against_target_summary_matches_every_published_priority():
    """Rule 7: Total PIs / On target / Off target / Within 5% / Data gaps per priority and in
    total (60 / 29 / 21 / 8 / 2), from the scored rows."""
    rows = {r.ref: r for r in SOLVED}
    scores = [_score(r) for r in SOLVED]
    summary = summarise(scores, lambda s: rows[s.ref].priority, ["1", "2", "3", "4", "5", "6"])
    got = {g.name: (g.target.total, g.target.on_target, g.target.off_target,
                    g.target.within_tolerance, g.target.gaps) for g in summary}
    assert got == PUBLISHED_TARGET_SUMMARY
    total = summary[-1].target
    assert total.met_or_within_pct == 64  # (29 + 8) of the 58 with data: 63.8%


def test_strong_performance_list_matches_the_published_table():
    """Rule 8: 1st/2nd quartile and DOT improving or same gives seed 003's five indicators."""
    assert {s.ref for s in strong_performance(_scores_with_published_results())} == PUBLISHED_STRONG


def test_requires_improvement_list_matches_the_published_table():
    """Rule 8: 3rd/4th quartile and DOT not improving. Priority 5's arrows were not printed,
    so its rows are judged on the DOT the core computes (CC-01 from its cumulative profile),
    except the three whose September target the report does not give, which are left out of
    the comparison."""
    unknown_dot = {r.ref for r in SOLVED if r.published_dot not in ARROWS
                   and r.ref not in Q3_FLAT | Q3_CUMULATIVE and r.latest}
    assert unknown_dot == {"ENV-02", "ENV-07", "CC-16"}
    listed = {s.ref for s in requires_improvement(_scores_with_published_results())}
    assert listed - unknown_dot == PUBLISHED_REQUIRES_IMPROVEMENT - unknown_dot


def test_priority_one_quartile_counts_match_the_report_text():
    """Seed 003, Priority 1 comparative data: "9 indicators in the 4th quartile and 6 in the 3rd"."""
    from xlscorecard.core.summary import priority_lookup
    scores = _scores_with_published_results()
    summary = summarise(scores, priority_lookup(r.indicator for r in SOLVED), ["1", "2", "3", "4", "5", "6"])
    priority_one = summary[0]
    assert priority_one.name == "1"
    assert (priority_one.quartiles.counts[3], priority_one.quartiles.counts[2]) == (9, 6)


def test_red_and_green_lists_per_priority():
    """Rule 8 also lists red and green indicators; Priority 6 has CS-14a red and CS-02 green."""
    from xlscorecard.core.summary import by_rag
    six = [_score(r) for r in SOLVED if r.priority == "6"]
    assert [s.ref for s in by_rag(six, Rag.RED)] == ["CS-14a"]
    assert [s.ref for s in by_rag(six, Rag.GREEN)] == ["CS-02"]
