"""The council's published tables (../shared/reference, or the copies in tests/data) as records.

Everything here is read from the published CSVs; the only facts added by hand are the ones the
printed report lost, each named and explained where it is defined.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from xlscorecard.core.model import Indicator, Observation, Period, Polarity, Source

TESTS = Path(__file__).resolve().parent
SHARED_REFERENCE = TESTS.parent.parent / "shared" / "reference"
BUNDLED_REFERENCE = TESTS / "data"

Q3_FILE = "q3_2020_21_all_priorities.csv"
Q2_FILE = "q2_2021_22_priority1.csv"
Q3_MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# The printed Q3 2020/21 variances of these six rows follow from a linear cumulative profile of
# the annual target (annual × months elapsed / 12); found by recomputing every row both ways.
Q3_CUMULATIVE = frozenset({"CYP-41", "CYP-43", "ASC-18", "ASC-19", "HS-06", "CC-01"})
# ... and these 31 from the annual target as printed (a flat profile).
Q3_FLAT = frozenset({
    "CYP-01", "CYP-40", "E&S-25a", "CYP-09", "CYP-24", "CYP-27a", "CYP-28a", "CYP-29",
    "PH-25", "PH-52", "ASC-11", "ASC-12", "ASC-13", "ASC-17", "ASC-26", "ASC-22", "ASC-23",
    "SC-01", "G&P-01", "G&P-06", "HS-01", "G&P-12", "G&P-12a", "HS-02", "HS-08a", "HS-08b",
    "ENV-01", "ENV-03", "ENV-06", "CC-02", "CS-14a",
})


Q3_HEADER = ("priority", "tier", "ref", "indicator", "polarity", "outturn_2019_20", "target_2020_21",
             *Q3_MONTHS, "published_variance", "published_dot", "published_trend",
             "published_comparative", "note")


def _a1(column: int, row: int) -> str:
    """The spreadsheet address of a CSV field (column 0 → A); the CSVs have fewer than 27 columns."""
    return f"{chr(ord('A') + column)}{row}"


def reference_path(name: str) -> Path:
    """The shared copy when the project sits beside ../shared, else the bundled copy."""
    shared = SHARED_REFERENCE / name
    path = shared if shared.exists() else BUNDLED_REFERENCE / name
    if not path.exists():
        raise FileNotFoundError(path)
    return path


def read_rows(name: str) -> list[dict[str, str]]:
    with reference_path(name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def number(text: str | None) -> float | None:
    """A printed figure as a number: '1,034' → 1034.0; '-', 'N/A' and blank → None."""
    if text is None:
        return None
    clean = text.replace(",", "").replace("%", "").strip()
    try:
        return float(clean)
    except ValueError:
        return None


@dataclass(frozen=True)
class PublishedRow:
    """One printed row: the indicator, its monthly observations and the published results."""

    priority: str
    indicator: Indicator
    observations: tuple[Observation, ...]
    published_variance: float | None
    published_dot: str
    published_trend: str
    published_comparative: str
    note: str

    @property
    def ref(self) -> str:
        return self.indicator.ref

    @property
    def latest(self) -> Observation | None:
        valued = [o for o in self.observations if o.value is not None]
        return valued[-1] if valued else None


def _q3_frequency(row: dict[str, str]) -> str:
    # The Q3 table has no frequency column; an indicator with any value outside a quarter-end
    # month is reported monthly, one with quarter-end values only is quarterly.
    off_quarter = ("apr", "may", "jul", "aug", "oct", "nov")
    return "monthly" if any(number(row[m]) is not None for m in off_quarter) else "quarterly"


def q3_rows(*, back_solve: bool = False) -> list[PublishedRow]:
    """The Q3 2020/21 table (seed 003) as indicators and monthly observations Apr–Dec 2020.

    With ``back_solve``, every row whose published variance does not follow from its printed
    target by a flat or cumulative profile gets, on its latest observation, the period target
    that reproduces the published variance (the report used a target it does not print).
    """
    rows = []
    for line, row in enumerate(read_rows(Q3_FILE), start=2):
        ref = row["ref"]
        polarity = Polarity.parse(row["polarity"])
        indicator = Indicator(
            ref, row["indicator"], polarity, frequency=_q3_frequency(row),
            profile="cumulative" if ref in Q3_CUMULATIVE else "flat",
            annual_target=number(row["target_2020_21"]), priority=row["priority"],
            tier=int(row["tier"]), previous_outturn=number(row["outturn_2019_20"]),
        )
        published = number(row["published_variance"])
        observations = []
        for index, month in enumerate(Q3_MONTHS):
            period = Period.month(2020, 4 + index)
            value = number(row[month])
            source = Source(Q3_FILE, None, _a1(Q3_HEADER.index(month), line))
            if value is not None:
                observations.append(Observation(ref, period, value, source=source, raw=row[month]))
        if not observations and row["note"]:
            observations.append(Observation(ref, Period.month(2020, 12), None, note=row["note"],
                                            source=Source(Q3_FILE, None, _a1(Q3_HEADER.index("note"), line))))
        needs_target = ref not in Q3_CUMULATIVE | Q3_FLAT
        if back_solve and needs_target and observations and published is not None:
            last = observations[-1]
            target = back_solved_target(last.value, published, polarity)
            observations[-1] = Observation(ref, last.period, last.value, period_target=target,
                                           source=last.source, raw=last.raw)
        rows.append(PublishedRow(row["priority"], indicator, tuple(observations), published,
                                 row["published_dot"], row["published_trend"],
                                 row["published_comparative"], row["note"]))
    return rows


def back_solved_target(value: float, published_variance: float, polarity: Polarity) -> float:
    """The target that gives ``published_variance`` for ``value`` (the variance rule inverted)."""
    if polarity is Polarity.HIGHER:
        return value / (1 + published_variance / 100)
    return value / (1 - published_variance / 100)
