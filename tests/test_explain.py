"""Explainable statuses and year-end forecasts (issue 8, items 2 and 4), on the seeds' figures."""

import pytest

from xlscorecard.core.explain import explain, explain_dot, explain_status, explain_trend, year_end_forecast
from xlscorecard.core.model import Indicator, Observation, Period, Rag, Score, Trend
from xlscorecard.core.scoring import score_indicator

from reference import q3_rows

Q3 = Period.quarter(2020, 3)
ROWS = {r.ref: r for r in q3_rows(back_solve=True)}


def scored(ref):
    row = ROWS[ref]
    return row.indicator, score_indicator(row.indicator, row.observations, Q3)


def test_cyp01_is_explained_as_the_issue_words_it():
    """Issue 8's own example, figure for figure."""
    text = explain(*scored("CYP-01"))
    assert text.startswith(
        "December 459.4 against a target of 485 (lower is better): (485 \u2212 459.4) / 485 = +5.28%, "
        "target met \u2192 green. September gave +8.91%, so the direction of travel is worse.")


def test_cyp41_cumulative_referrals_explained_with_profile_and_forecast():
    """Seed 003 prints CYP-41 (referrals, lower is better) at 505.1 in December against an annual
    600, with a variance of -12.24% and a worsening DOT. Profiled, December's target is 9/12 of 600
    = 450; the year to date run on to March is 505.1 x 12 / 9 = 673.47, over the 600: a miss."""
    row = ROWS["CYP-41"]
    december, annual = row.latest.value, row.indicator.annual_target
    assert (december, annual, row.published_variance, row.published_dot) == (505.1, 600, -12.24, "↓")
    indicator, score = scored("CYP-41")
    status = explain_status(indicator, score)
    assert status == ("December 505.1 against a year-to-date target of 450, 9/12 of 600 (lower is better): "
                      "(450 − 505.1) / 450 = −12.24%, missed by more than the 5% tolerance → red.")
    assert f"{row.published_variance:+.2f}%".replace("-", "−") in status  # the printed figure
    assert explain_dot(score) == "September gave −5.93%, so the direction of travel is worse."  # (300-317.8)/300
    forecast = year_end_forecast(indicator, score)
    assert forecast.value == pytest.approx(december * 12 / 9) and forecast.months_elapsed == 9
    assert not forecast.met and not forecast.warning  # red already: a miss, but no extra flag
    assert explain(indicator, score).endswith(
        "At this rate (505.1 in 9 months) the year ends at 673.47 against an annual target of 600 "
        "(lower is better): a forecast miss.")


def test_trend_is_explained_with_last_years_value():
    """Seed 003's commentary gives E&S-25a (NEET, lower is better) a year earlier: "an improvement
    on the previous year's performance in Quarter 3 (5.98%)"; December 2020 is 4.15. The report
    prints the trend as improving (up arrow)."""
    row = ROWS["E&S-25a"]
    assert row.published_trend == "↑"
    last_year = Observation("E&S-25a", Period.month(2019, 12), 5.98)
    score = score_indicator(row.indicator, [*row.observations, last_year], Q3)
    assert score.trend is Trend.IMPROVING
    assert explain_trend(row.indicator, score) == "Dec 2019 was 5.98, so the trend is improving (lower is better)."
    assert "so the trend is improving" in explain(row.indicator, score)
    worse = Observation("E&S-25a", Period.month(2019, 12), 3.9)
    declining = score_indicator(row.indicator, [*row.observations, worse], Q3)
    assert explain_trend(row.indicator, declining) == "Dec 2019 was 3.9, so the trend is declining (lower is better)."
    indicator, score = scored("E&S-25a")
    assert explain_trend(indicator, score) == "There is no value for Dec 2019, so the trend cannot be determined."


def test_amber_and_first_reported():
    assert "missed, but within the 5% tolerance \u2192 amber" in explain(*scored("CYP-27a"))
    indicator, score = scored("HS-01")
    assert explain_status(indicator, score).startswith("November 1,217 against a target of 920")
    assert explain_dot(score) == ("There is no earlier value in 2020/21 (up to 2020/21 Q2), so this is the first "
                                  "reported period and there is no direction of travel.")


def test_gap_is_explained_with_its_reason():
    assert explain(*scored("ASC-20a")) == (
        "No usable value for 2020/21 Q3: Data collection currently suspended by NHS \u2192 data gap.")


def test_period_target_from_the_register_is_named():
    indicator = Indicator("PH-04", "Under 18 conceptions", "lower", period_targets={"Dec 2020": 28.0})
    score = score_indicator(indicator, [Observation("PH-04", Period.month(2020, 12), 33.6)], Q3)
    assert "against the target of 28 set for December" in explain_status(indicator, score)


def test_no_target_and_zero_target():
    plain = Indicator("X-1", "Untargeted", "higher")
    score = score_indicator(plain, [Observation("X-1", Period.month(2020, 12), 5.0)], Q3)
    assert explain_status(plain, score) == "December 5: no target was set, so no colour."
    zero = Indicator("X-2", "Never events", "lower", annual_target=0)
    score = score_indicator(zero, [Observation("X-2", Period.month(2020, 12), 2.0)], Q3)
    assert "no percentage of a zero target; the target is not met \u2192 red" in explain_status(zero, score)


def test_forecast_warns_when_green_today_but_the_year_will_miss():
    """A year-to-date count ahead of its profile in December, but on course to miss the year,
    is exactly what a committee should be warned of; here it is green now."""
    indicator = Indicator("HS-03", "Homes returned to use", "higher", profile="cumulative", annual_target=50)
    score = Score("HS-03", Q3, Rag.GREEN, value=38.0, value_period=Period.month(2020, 12), target=37.5, variance=1.33)
    forecast = year_end_forecast(indicator, score)
    assert forecast.value == pytest.approx(50.67, abs=0.01) and forecast.met
    behind = Score("HS-03", Q3, Rag.AMBER, value=36.0, value_period=Period.month(2020, 12), target=37.5, variance=-4.0)
    warning = year_end_forecast(indicator, behind)
    assert warning.value == 48.0 and not warning.met and warning.warning


def test_flat_indicators_have_no_forecast():
    assert year_end_forecast(*scored("CYP-01")) is None


# -- in the scorecard -------------------------------------------------------------------------

from helpers import find_row, header_columns  # noqa: E402
from writer_fixtures import q3_book, q3_path  # noqa: E402,F401  (pytest fixtures)


def test_status_cells_carry_their_explanation_as_a_comment(q3_book):
    ws = q3_book["P1 Children and young people"]
    status = ws.cell(find_row(ws, "CYP-01"), header_columns(ws, 4)["Performance vs target"])
    assert status.value == "On target"
    assert status.comment.text.startswith("December 459.4 against a target of 485 (lower is better)")


def test_flat_table_has_the_explanation_and_the_forecast(q3_book):
    ws = q3_book["All indicators"]
    columns = header_columns(ws, 1)
    row = find_row(ws, "CYP-41")
    assert ws.cell(row, columns["Explanation"]).value.startswith("December 505.1 against a year-to-date target of 450")
    forecast = ws.cell(row, columns["Year-end forecast"])
    assert forecast.value == pytest.approx(505.1 * 12 / 9)
    assert forecast.number_format == "#,##0.00"  # shown as 673.47, not 673.466666666667
    assert ws.cell(row, columns["Forecast"]).value == "forecast miss"
    flat = find_row(ws, "CYP-01")
    assert ws.cell(flat, columns["Year-end forecast"]).value is None


def test_explain_command_on_the_sample_returns():
    from click.testing import CliRunner

    from xlscorecard.cli import cli
    from helpers import Q3_SAMPLES

    result = CliRunner().invoke(cli, ["explain", "cyp-01", str(Q3_SAMPLES), "--period", "2020/21 Q3"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "CYP-01 Rate of Children in Need, Quarter 3 2020/21"
    assert "(485 \u2212 459.4) / 485 = +5.28%, target met \u2192 green" in result.output
    # The issue's own command line, options before the folder, prints the worked example as written.
    issue = CliRunner().invoke(cli, ["explain", "CYP-01", "--period", "2020/21 Q3", str(Q3_SAMPLES)])
    assert issue.exit_code == 0, issue.output
    assert issue.output.splitlines()[1].startswith(
        "December 459.4 against a target of 485 (lower is better): (485 \u2212 459.4) / 485 = +5.28%, "
        "target met \u2192 green. September gave +8.91%, so the direction of travel is worse. ")
    referrals = CliRunner().invoke(cli, ["explain", "CYP-41", "--period", "2020/21 Q3", str(Q3_SAMPLES)])
    assert "the year ends at 673.47 against an annual target of 600 (lower is better): a forecast miss." \
        in referrals.output
    unknown = CliRunner().invoke(cli, ["explain", "XYZ-9", str(Q3_SAMPLES)])
    assert unknown.exit_code == 2 and unknown.output == (  # a usage error, as an unknown option
        f"Error: XYZ-9 is not an indicator of 2020/21 in {Q3_SAMPLES} (its refs run CYP-01 to CS-14a)\n")


def test_scorecard_flags_a_forecast_miss_on_a_green_indicator(tmp_path):
    """Green in December (37.2 against the 37 the framework set) but on course for 49.6 of 50."""
    import openpyxl

    from xlscorecard.outputs.scorecard import ScorecardData, write_scorecard

    indicator = Indicator("HS-03", "Vacant dwellings returned to occupation", "higher", frequency="monthly",
                          profile="cumulative", annual_target=50, priority="4", period_targets={"Dec 2020": 37.0})
    observations = [Observation("HS-03", Period.month(2020, 12), 37.2)]
    score = score_indicator(indicator, observations, Q3)
    forecast = year_end_forecast(indicator, score)
    assert score.rag is Rag.GREEN and forecast.value == pytest.approx(49.6) and forecast.warning
    path = write_scorecard(ScorecardData(Q3, [indicator], [score], observations), tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(path)["Priority 4"]  # no framework: the priority's plain name
    status = ws.cell(find_row(ws, "HS-03"), header_columns(ws, 4)["Performance vs target"])
    assert status.value == "On target (forecast miss)"
    assert "a forecast miss, although the indicator is on target or within tolerance today" in status.comment.text
