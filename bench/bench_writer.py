"""Benchmark: write a scorecard of 5,000 indicators (twelve monthly values each) and report the
wall time and the peak resident memory. Not a unit test: run it by hand or in CI logs.

    python bench/bench_writer.py [--indicators 5000] [--out /tmp/bench.xlsx]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from xlscorecard.core.model import Finding, Indicator, Observation, Period, PeriodKind, Severity, Source
from xlscorecard.core.scoring import score_indicator
from xlscorecard.outputs.scorecard import ScorecardData, write_scorecard

PERIOD = Period.quarter(2020, 4)


def build(count: int, seed: int = 2021) -> ScorecardData:
    """A synthetic framework: six priorities, two tiers, a few outcomes, monthly values."""
    rng = random.Random(seed)
    indicators, observations = [], []
    for n in range(count):
        ref = f"PI-{n:05d}"
        target = rng.uniform(10, 1000)
        indicators.append(Indicator(ref, f"Synthetic indicator number {n} with a realistically long name",
                                    rng.choice(["higher", "lower"]), frequency="monthly", annual_target=target,
                                    priority=str(n % 6 + 1), tier=1 + (n % 5 > 0), outcome=f"Outcome {n % 4 + 1}",
                                    quartile=rng.choice([1, 2, 3, 4, None])))
        for month in range(1, 13):
            value = None if rng.random() < 0.02 else target * rng.uniform(0.85, 1.15)
            observations.append(Observation(ref, Period(PeriodKind.MONTH, PERIOD.fy, month), value,
                                            note="Value estimated" if rng.random() < 0.05 else None,
                                            source=Source("returns/bench.xlsx", "Data", f"C{n + 2}")))
    by_ref: dict[str, list[Observation]] = {}
    for observation in observations:
        by_ref.setdefault(observation.ref, []).append(observation)
    scores = [score_indicator(i, by_ref[i.ref], PERIOD) for i in indicators]
    findings = [Finding(Severity.WARNING, "Text in a numeric cell", Source("returns/bench.xlsx", "Data", f"D{n}"))
                for n in range(count // 10)]
    return ScorecardData(PERIOD, indicators, scores, observations, findings, council="Benchmark Council")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bench_scorecard.xlsx")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = build(args.indicators)
    built = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    write_scorecard(data, args.out)
    written = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    print(f"{args.indicators} indicators, {len(data.observations)} observations")
    print(f"build and score: {built - started:.2f} s")
    print(f"write scorecard: {written - built:.2f} s -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    print(f"peak RSS: {peak * unit / 1e6:.0f} MB (before writing: {before * unit / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
