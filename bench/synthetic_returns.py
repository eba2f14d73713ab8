"""Synthetic returns for the benchmarks: N services' returns of M indicators each, deterministic.

Half the returns are in the council's legacy wide layout (title rows, "Priority N" heading, a
two-row header with ``Q1`` over ``April May June``, "Tier 1" written once, notes merged across
the months they explain), half in our template (an Indicators sheet and a long Values sheet).
Values carry what officers type: ``-``, ``N/A``, numbers as text with thousands separators,
percent signs and notes in place of figures. Everything comes from ``random.Random(seed)``,
so the same N, M and seed always give the same cells.

    python bench/synthetic_returns.py OUT_DIR --returns 100 --indicators 50
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import xlsxwriter

MONTHS = ("April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
MONTH_PERIODS = ("Apr 2020", "May 2020", "Jun 2020", "Jul 2020", "Aug 2020", "Sep 2020", "Oct 2020", "Nov 2020",
                 "Dec 2020")
NOTES = ("Data collection currently suspended by NHS", "Awaiting validation by the service",
         "Figure not yet published nationally")
INDICATOR_HEADER = ("Ref", "Name", "Priority", "Outcome", "Tier", "Polarity", "Frequency", "Target profile",
                    "Annual target", "Comparative quartile", "Previous outturn", "Service", "Data owner",
                    "Framework year")
VALUES_HEADER = ("Ref", "Period", "Value", "Period target", "Note")
WIDE_COLUMNS = 19  # Tier, Ref, name, polarity, outturn, target, nine months, variance, DOT, trend, quartile


def indicator(rng: random.Random, service: int, number: int) -> dict:
    target = round(rng.uniform(10, 1000), 1)
    return {"ref": f"S{service:04d}-{number:03d}", "priority": service % 6 + 1, "tier": 1 + (number % 4 > 0),
            "name": f"Service {service} measure {number}: percentage of cases completed within timescale",
            "polarity": rng.choice(("Higher", "Lower")), "target": target,
            "outturn": round(target * rng.uniform(0.8, 1.2), 1), "quartile": rng.choice(("1", "2", "3", "4", "N/A")),
            "outcome": f"Outcome {number % 5 + 1}"}


def month_value(rng: random.Random, target: float):
    """What an officer types in a month's cell: mostly a number, sometimes a placeholder."""
    draw = rng.random()
    value = round(target * rng.uniform(0.85, 1.15), 1)
    if draw < 0.03:
        return "-"
    if draw < 0.05:
        return "N/A"
    if draw < 0.08:
        return f"{value:,.1f}"
    return value


def write_wide(path: Path, rng: random.Random, service: int, count: int) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True, "text_wrap": True, "align": "center"})
    ws = workbook.add_worksheet("Q3 2020-21")
    ws.write(0, 0, "Synthetic Borough Council")
    ws.write(1, 0, f"Service {service} - Performance Indicator Return")
    ws.write(2, 0, "Quarter 3 - 2020/21")
    ws.write(3, 0, f"Priority {service % 6 + 1}")
    top = ("Tier", "Ref", "Performance Indicator", "Higher / Lower is better?", "19/20 Outturn", "20/21 Target")
    for col, text in enumerate(top):
        ws.merge_range(4, col, 5, col, text, bold)
    for quarter in range(3):
        ws.merge_range(4, 6 + 3 * quarter, 4, 8 + 3 * quarter, f"Q{quarter + 1}", bold)
    for col, month in enumerate(MONTHS, start=6):
        ws.write(5, col, month, bold)
    for col, text in enumerate(("% Variance from Target", "DOT", "Trend", "Comparative Performance"), start=15):
        ws.merge_range(4, col, 5, col, text, bold)
    tier_written = None
    for number in range(count):
        row = 6 + number
        ind = indicator(rng, service, number)
        tier = f"Tier {ind['tier']}"
        if tier != tier_written:
            ws.write(row, 0, tier)
            tier_written = tier
        ws.write_row(row, 1, (ind["ref"], ind["name"], ind["polarity"], ind["outturn"], ind["target"]))
        if rng.random() < 0.02:  # a note merged across the months it explains
            ws.merge_range(row, 6, row, 8, rng.choice(NOTES))
            first_value = 9
        else:
            first_value = 6
        for col in range(first_value, 15):
            ws.write(row, col, month_value(rng, ind["target"]))
        ws.write(row, 18, ind["quartile"])
    ws.set_column(2, 2, 50)
    workbook.close()


def write_template(path: Path, rng: random.Random, service: int, count: int) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    indicators = workbook.add_worksheet("Indicators")
    values = workbook.add_worksheet("Values")
    indicators.write_row(0, 0, INDICATOR_HEADER)
    values.write_row(0, 0, VALUES_HEADER)
    row = 1
    for number in range(count):
        ind = indicator(rng, service, number)
        indicators.write_row(number + 1, 0, (
            ind["ref"], ind["name"], f"Priority {ind['priority']}", ind["outcome"], ind["tier"], ind["polarity"],
            "Monthly", "flat", ind["target"], ind["quartile"], ind["outturn"], f"Service {service}",
            f"Service {service} performance lead", "2020/21"))
        for period in MONTH_PERIODS:
            value = month_value(rng, ind["target"])
            if value == "-" and rng.random() < 0.5:
                values.write_row(row, 0, (ind["ref"], period, None, None, rng.choice(NOTES)))
            else:
                values.write_row(row, 0, (ind["ref"], period, value))
            row += 1
    workbook.close()


def write_returns(folder: Path, returns: int, indicators: int, seed: int = 2021) -> list[Path]:
    """Write ``returns`` returns of ``indicators`` indicators each into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for service in range(returns):
        rng = random.Random(f"{seed}-{service}")
        layout = "wide" if service % 2 == 0 else "template"
        path = folder / f"service-{service:04d}-{layout}.xlsx"
        (write_wide if layout == "wide" else write_template)(path, rng, service, indicators)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--returns", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    paths = write_returns(args.out, args.returns, args.indicators, args.seed)
    print(f"{len(paths)} returns of {args.indicators} indicators in {args.out}")


if __name__ == "__main__":
    main()
