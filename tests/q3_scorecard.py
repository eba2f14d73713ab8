"""The Q3 2020/21 scorecard of seed 003, built in code from tests/data/q3_2020_21_all_priorities.csv.

Each printed row becomes an Indicator and monthly Observations (April to December 2020). The
printed tables lost some inputs: where the published % variance does not follow from the printed
target (profiled for the cumulative rows), the observations carry a period target back-solved from
the published variance, so each indicator's RAG is the one the report published.
"""

from __future__ import annotations

import datetime as dt

from xlscorecard.core.model import Indicator, Observation, Period, Polarity, Source, SourceFile
from xlscorecard.core.scoring import period_target, score_indicator, variance
from xlscorecard.outputs.scorecard import ScorecardData
from xlscorecard.readers.framework import read_framework

from helpers import Q3_SAMPLES

from reference import Q3_CUMULATIVE, Q3_FILE, Q3_MONTHS, back_solved_target, number, read_rows

PERIOD = Period.quarter(2020, 3)
MONTHS = Q3_MONTHS
CUMULATIVE = Q3_CUMULATIVE
QUARTER_END_MONTHS = {"jun", "sep", "dec"}

# The counts seed 003 publishes per priority: total PIs, on target, off target, within 5%, data gaps.
PUBLISHED_COUNTS = {
    "1": (18, 6, 11, 1, 0), "2": (13, 8, 1, 3, 1), "3": (5, 3, 1, 0, 1),
    "4": (12, 9, 3, 0, 0), "5": (8, 2, 4, 2, 0), "6": (4, 1, 1, 2, 0),
    "Total": (60, 29, 21, 8, 2),
}


def q3_rows() -> list[dict[str, str]]:
    return read_rows(Q3_FILE)


def indicator_from(row: dict[str, str]) -> Indicator:
    filled = [m for m in MONTHS if number(row[m]) is not None]
    quarterly = bool(filled) and set(filled) <= QUARTER_END_MONTHS
    return Indicator(
        ref=row["ref"], name=row["indicator"], polarity=row["polarity"],
        frequency="quarterly" if quarterly else "monthly",
        profile="cumulative" if row["ref"] in CUMULATIVE else "flat",
        annual_target=number(row["target_2020_21"]), priority=row["priority"], tier=int(row["tier"]),
        quartile=row["published_comparative"] or None, previous_outturn=number(row["outturn_2019_20"]),
    )


def observations_from(row: dict[str, str], indicator: Indicator) -> list[Observation]:
    """Monthly observations; a row with no value at all is a data gap carrying the row's note."""
    source = Source("returns/q3.xlsx", f"P{row['priority']}")
    months = [(Period.month(2020 if i < 9 else 2021, (i + 3) % 12 + 1), number(row[m]))
              for i, m in enumerate(MONTHS)]
    valued = [(p, v) for p, v in months if v is not None]
    note = row["note"] or None
    if not valued:
        return [Observation(indicator.ref, Period.month(2020, 12), None, note=note, source=source)]
    latest_period, latest = valued[-1]
    pct = number(row["published_variance"])
    target = None
    if pct is not None:
        printed = variance(latest, period_target(indicator, latest_period), indicator.polarity)
        if printed is None or round(printed, 2) != pct:
            target = back_solved_target(latest, pct, indicator.polarity)
    return [*_last_year(row, indicator, latest_period, latest, source),
            *(Observation(indicator.ref, p, v, period_target=target,
                        note=note if p == latest_period else None, raw=str(v),
                        source=Source(source.path, source.sheet, f"{chr(ord('H') + i)}{n + 2}"))
            for n, (i, (p, v)) in enumerate((i, pv) for i, pv in enumerate(months) if pv[1] is not None))]


# The printed tables give the trend arrow but not last year's value: a value 1% worse (↑),
# 1% better (↓) or equal (↔) gives the scorer the published trend.
_TREND_FACTOR = {"↑": -0.01, "↓": 0.01, "↔": 0.0}


def _last_year(row, indicator: Indicator, latest_period: Period, latest: float, source: Source):
    factor = _TREND_FACTOR.get(row["published_trend"])
    if factor is None:
        return []
    sign = 1 if indicator.polarity is Polarity.HIGHER else -1
    value = latest * (1 + sign * factor) if latest else -sign * factor
    return [Observation(indicator.ref, latest_period.same_period_last_year(), value, source=source)]


def q3_data(**overrides) -> ScorecardData:
    indicators, observations = [], []
    for row in q3_rows():
        indicator = indicator_from(row)
        indicators.append(indicator)
        observations.extend(observations_from(row, indicator))
    scores = [score_indicator(i, [o for o in observations if o.ref == i.ref], PERIOD) for i in indicators]
    sources = [SourceFile("returns/q3.xlsx", 48_213, dt.datetime(2021, 1, 14, 9, 30, tzinfo=dt.timezone.utc),
                          "ab" * 32, records=len(observations), layout="monthly grid")]
    # The council's name and priorities, as the sample register's Framework sheet gives them.
    framework, _ = read_framework(Q3_SAMPLES / "register-2020-21.xlsx")
    values = dict(period=PERIOD, indicators=indicators, scores=scores, observations=observations,
                  sources=sources, council=framework.council, priority_order=framework.priority_order,
                  priority_names=framework.priority_names, priority_shorts=framework.priority_shorts,
                  previous_headline_pct=62, previous_label="Quarter 2 2020/21")
    values.update(overrides)
    return ScorecardData(**values)
