"""ILLUSTRATIVE earlier values for the Q3 2020/21 sample: April 2018 to March 2020.

The council's Q3 2020/21 report (seed 003) prints each indicator's 2019/20 outturn and a trend
arrow against the same period a year earlier, but not last year's monthly or quarterly values.
So that the sample scorecard can show sparklines, trend and statistical signals, this module
makes up those values, and says so in every row it writes ("illustrative, not a published
figure") and in the folder's and files' names. They are kept apart from the published figures
(sample_workbooks/history-illustrative/, with its own 2019/20 register), and they are made to
agree with what the report does print:

- the value for the same period a year before the latest 2020/21 value gives the published
  trend arrow: 8% worse than now for ↑ (improving), 8% better for ↓ (declining), equal for ↔;
  where the report prints no trend, that one value is left out, so no trend is made up;
- the March 2020 value is the printed 2019/20 outturn, for the indicators whose values are
  rates or year-to-date totals that end the year at it;
- the other months wander around those values by a fixed pseudo-random amount (from a checksum
  of the ref and month, so a rebuild gives the same files) about the size of the 2020/21
  month-to-month changes;
- a year-to-date indicator (one whose 2020/21 values only grow) builds up from April again.

The 2019/20 register gives no targets: the report does not print last year's, so these values
are shown without a RAG. Load them into the history before the Q3 2020/21 run (README, "The
sample returns"): ``xlscorecard consolidate sample_workbooks/history-illustrative --period
"2019/20 Q4" --out illustrative-2019-20-Q4.xlsx``.
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path

FOLDER = "history-illustrative"
VALUES_FILE = "illustrative-values-2018-19-and-2019-20.csv"
REGISTER_FILE = "register-2019-20-illustrative.xlsx"
NOTE = "illustrative, not a published figure"
MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
Q3_KEYS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TREND_STEP = 0.08  # how much worse (↑) or better (↓) last year's value is than this year's
SPREAD = 1.3  # the months' wander, as a share of the mean 2020/21 month-to-month change


def _wobble(ref: str, label: str) -> float:
    """A fixed number in [-1, 1] for the ref and month."""
    return zlib.crc32(f"{ref} {label}".encode()) / 0xFFFFFFFF * 2 - 1


def _label(fy_start: int, index: int) -> str:
    return f"{MONTHS[index]} {fy_start if index < 9 else fy_start + 1}"


def last_year_value(value: float, trend: str, higher_is_better: bool) -> float:
    """The value a year earlier that gives ``value`` the published trend arrow."""
    if trend == "↔" or trend not in ("↑", "↓"):
        return value
    worse = trend == "↑"  # improving now: last year was worse
    step = (abs(value) or 1) * TREND_STEP
    return value - step if worse == higher_is_better else value + step


def series_for(row: dict, number) -> list[tuple[str, float]]:
    """(period, value) from April 2018 to March 2020 for one printed Q3 row; none for a row
    with no 2020/21 values."""
    filled = [(i, number(row[k])) for i, k in enumerate(Q3_KEYS) if number(row[k]) is not None]
    if not filled:
        return []
    ref, higher = row["ref"], row["polarity"] == "Higher"
    latest_index, latest = filled[-1]
    residues = {i % 3 for i, _ in filled}
    months = [i for i in range(12) if i % 3 in residues]
    values = [v for _, v in filled]
    year_to_date = len(values) >= 3 and all(a <= b for a, b in zip(values, values[1:])) and values[-1] >= 1.8 * values[0]
    outturn = number(row["outturn_2019_20"])
    anchor = last_year_value(latest, row["published_trend"], higher)
    end = outturn if outturn is not None else anchor
    changes = [abs(b - a) for a, b in zip(values, values[1:])] or [abs(latest) * 0.03]
    spread = max(sum(changes) / len(changes), abs(anchor) * 0.01) * SPREAD
    rows = []
    for fy_start in (2018, 2019):
        for index in months:
            label = _label(fy_start, index)
            if fy_start == 2019 and index == latest_index:
                if row["published_trend"] not in ("↑", "↓", "↔"):
                    continue  # the report printed no trend: none is made up
                value = anchor  # exact: it gives the published trend
            elif year_to_date:
                share = (index + 1) / (latest_index + 1) if index <= latest_index else None
                if fy_start == 2019 and share is not None:
                    value = anchor * share
                elif fy_start == 2019:  # from the anchor up to the outturn at March
                    value = anchor + (end - anchor) * (index - latest_index) / (11 - latest_index)
                else:
                    value = end * (index + 1) / 12
                value *= 1 + 0.01 * _wobble(ref, label)
            elif fy_start == 2019 and index == 11 and outturn is not None:
                value = outturn
            else:
                level = anchor if fy_start == 2019 else (anchor + end) / 2
                value = level + spread * _wobble(ref, label)
            rows.append((label, round(value, 2) if abs(value) < 1000 else round(value)))
    return rows


def indicator_row(row: dict, q3_indicator_row, service_of) -> tuple:
    """The 2019/20 register's row: the 2020/21 one with no target, outturn or quartile, and
    the framework year 2019/20."""
    values = list(q3_indicator_row(row, service_of(row["ref"])))
    values[8] = values[9] = values[10] = None  # annual target, quartile, previous outturn
    values[13] = "2019/20"
    return tuple(values)


def build_history(folder: Path, rows, number, write_register, q3_indicator_row, service_of) -> None:
    """The register and the values CSV of the illustrative folder."""
    write_register(folder / REGISTER_FILE, (indicator_row(r, q3_indicator_row, service_of) for r in rows), ())
    with (folder / VALUES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(("Ref", "Period", "Value", "Period target", "Note"))
        for row in rows:
            for label, value in series_for(row, number):
                writer.writerow((row["ref"], label, value, None, NOTE))
