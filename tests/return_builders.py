"""Build returns in each layout, with openpyxl, from the rows of the published reference tables.

Each builder lays the same rows out the way officers do (title rows, two-row headers, Tier
written once per block, notes merged across months), so the reader tests can check that every
layout reads back to the reference CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

DATA = Path(__file__).parent / "data"
Q3_CSV = DATA / "q3_2020_21_all_priorities.csv"
Q2_CSV = DATA / "q2_2021_22_priority1.csv"
MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_HEADERS = ("April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
# Rows whose printed notes cover a span of months, and the span (first, last month index).
OUTCOME_BLOCK = 6
MERGED_NOTES = {"ASC-20a": (0, 8), "SC-12": (0, 8), "PH-48": (0, 2), "PH-52": (0, 2), "CC-16": (0, 2)}

assert Q3_CSV.exists() and Q2_CSV.exists(), "reference CSVs missing from tests/data"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cell_value(text: str):
    """The CSV text as an officer would have typed it: numbers as numbers, the rest as text
    (so '1,059' stays text with a thousands separator, as it was printed)."""
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text or None


def percent_fraction(text: str):
    """'5.28%' as Excel stores it under a percent format: 0.0528."""
    if text.endswith("%") and text[:-1].replace(".", "").replace("-", "").isdigit():
        return float(text[:-1]) / 100
    return text or None


def workbook_from_rows(path: Path, table_rows, title: str = "Sheet1") -> Path:
    """A one-sheet workbook with ``table_rows`` from A1; the small cases tests write by hand."""
    wb = Workbook()
    wb.active.title = title
    for values in table_rows:
        wb.active.append(list(values))
    wb.save(path)
    return path


def _write_row(ws, row: int, values, start_col: int = 1):
    for offset, value in enumerate(values):
        if value is not None:
            ws.cell(row, start_col + offset, value)


def build_q3_wide(path: Path, source: list[dict[str, str]] | None = None) -> Path:
    """Seed 003: all priorities on one sheet, each with a title row and a two-row header: Q1/Q2/Q3
    merged over the months, or 'Q1 Q1 Q1' repeated over them (priorities 2 and 5), or for
    priority 3 a one-row header with 'Q1 April' in one cell."""
    source = source or rows(Q3_CSV)
    wb = Workbook()
    ws = wb.active
    ws.title = "Performance Q3"
    ws["A1"] = "St Helens Borough Council"
    ws["A2"] = "Performance Report - Quarter 3 2020/21"
    row = 4
    for priority in sorted({r["priority"] for r in source}):
        block = [r for r in source if r["priority"] == priority]
        ws.cell(row, 1, f"Priority {priority}")
        row += 2
        row = _q3_header(ws, row, style=HEADER_STYLES.get(priority, "merged"))
        last_tier = None
        for record in block:
            tier = f"Tier {record['tier']}" if record["tier"] != last_tier else None
            last_tier = record["tier"]
            _write_row(ws, row, [tier, record["ref"], record["indicator"], record["polarity"],
                                 cell_value(record["outturn_2019_20"]), cell_value(record["target_2020_21"])])
            _write_row(ws, row, [cell_value(record[m]) for m in MONTHS], start_col=7)
            _merge_note(ws, row, record, first_col=7)
            variance = ws.cell(row, 16, percent_fraction(record["published_variance"]))
            variance.number_format = "0.00%"
            _write_row(ws, row, [record["published_dot"] or None, record["published_trend"] or None,
                                 record["published_comparative"] or None], start_col=17)
            row += 1
        ws.cell(row, 1, "NB - The 'Trend' column compares performance in the current quarter to the same quarter last year.")
        row += 2
    wb.save(path)
    return path


HEADER_STYLES = {"2": "repeated", "3": "one row", "5": "repeated"}


def _q3_header(ws, row: int, style: str) -> int:
    fixed = ["Tier", "Ref", "Performance Indicator", "Higher / Lower is better?", "19/20 Outturn", "20/21 Target"]
    results = ["% Variance from Target", "DOT", "Trend", "Comparative Performance"]
    if style == "one row":
        quarters = [f"Q{i // 3 + 1} {month}" for i, month in enumerate(MONTH_HEADERS)]
        _write_row(ws, row, fixed + quarters + results)
        return row + 1
    _write_row(ws, row, fixed)
    _write_row(ws, row, results, start_col=16)
    for col in list(range(1, 7)) + list(range(16, 20)):
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for quarter in range(3):
        first = 7 + quarter * 3
        if style == "repeated":
            _write_row(ws, row, [f"Q{quarter + 1}"] * 3, start_col=first)
        else:
            ws.cell(row, first, f"Q{quarter + 1}")
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=first + 2)
    _write_row(ws, row + 1, MONTH_HEADERS, start_col=7)
    return row + 2


def _merge_note(ws, row: int, record: dict[str, str], first_col: int) -> None:
    """Write the row's note merged across its months, one merge per quarter as printed."""
    span = MERGED_NOTES.get(record["ref"])
    if not span:
        return
    first, last = span
    for quarter_start in range(first, last + 1, 3):
        start = first_col + quarter_start
        ws.cell(row, start, record["note"])
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=start + 2)


def build_q2_wide(path: Path, source: list[dict[str, str]] | None = None) -> Path:
    """Seed 000: a 'Tier N' heading above each tier's table, outcomes merged down blocks of rows,
    'Q1 June' / 'Q2 Sept' quarterly columns, the financial year only in '21/22 Target'."""
    source = source or rows(Q2_CSV)
    wb = Workbook()
    ws = wb.active
    ws.title = "Priority 1"
    ws["A1"] = "Priority 1 - Ensure children and young people have a positive start in life"
    header = ["Outcome", "Ref", "Performance Indicator", "Reporting Frequency", "Higher / Lower is better?",
              "20/21 Outturn", "21/22 Target", "Q1 June", "Q2 Sept", "% Variance from Target", "Trend",
              "Comparative Performance"]
    row = 3
    for tier in sorted({r["tier"] for r in source}):
        ws.cell(row, 1, f"Tier {tier}")
        _write_row(ws, row + 2, header)
        row += 3
        tier_rows = [r for r in source if r["tier"] == tier]
        for start in range(0, len(tier_rows), OUTCOME_BLOCK):
            block = tier_rows[start:start + OUTCOME_BLOCK]
            ws.cell(row, 1, f"Tier {tier} outcome {start // OUTCOME_BLOCK + 1}: children are safe from harm")
            ws.merge_cells(start_row=row, start_column=1, end_row=row + len(block) - 1, end_column=1)
            for record in block:
                _write_row(ws, row, [record["ref"], record["indicator"], record["frequency"], record["polarity"],
                                     cell_value(record["outturn_2020_21"]), cell_value(record["target_2021_22"]),
                                     cell_value(record["q1"]), cell_value(record["q2"]),
                                     record["published_variance"] or None, record["published_trend"] or None,
                                     record["published_comparative"] or None], start_col=2)
                row += 1
        row += 1
    wb.save(path)
    return path


def build_template(path: Path, source: list[dict[str, str]] | None = None) -> Path:
    """Our own template: an Indicators sheet and a long Values sheet."""
    source = source or rows(Q3_CSV)
    wb = Workbook()
    ws = wb.active
    ws.title = "Indicators"
    _write_row(ws, 1, ["Ref", "Name", "Priority", "Outcome", "Tier", "Polarity", "Frequency", "Unit",
                       "Target profile", "Annual target", "Tolerance", "Comparative quartile", "Data owner",
                       "Framework year"])
    for row, record in enumerate(source, start=2):
        _write_row(ws, row, [record["ref"], record["indicator"], record["priority"], None, int(record["tier"]),
                             record["polarity"], "Monthly", None, "flat", cell_value(record["target_2020_21"]),
                             None, record["published_comparative"] or None, None, "2020/21"])
    values = wb.create_sheet("Values")
    _write_row(values, 1, ["Ref", "Period", "Value", "Period target", "Note"])
    row = 2
    for record, month, text, note in long_values(source):
        _write_row(values, row, [record["ref"], month, cell_value(text), None, note])
        row += 1
    wb.save(path)
    return path


def long_values(source):
    """(record, period text, value text, note) for every value or note in the reference rows."""
    for record in source:
        span = MERGED_NOTES.get(record["ref"])
        for index, month in enumerate(MONTHS):
            label = f"{MONTH_HEADERS[index][:3]} {2020}"
            if span and span[0] <= index <= span[1]:
                yield record, label, "", record["note"]
            elif record[month] not in ("", "-"):
                yield record, label, record[month], None


def build_csv_long(path: Path, source: list[dict[str, str]] | None = None) -> Path:
    """A case-management export: long form, with the metadata repeated on every row."""
    source = source or rows(Q3_CSV)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PI Ref", "Indicator", "Polarity", "Target", "Period", "Value", "Comments"])
        for record, month, text, note in long_values(source):
            writer.writerow([record["ref"], record["indicator"], record["polarity"], record["target_2020_21"],
                             month, text, note or ""])
    return path


def build_measure_grid(path: Path, source: list[dict[str, str]] | None = None) -> Path:
    """Seed 004: 'Measure | April … December | RAG' blocks under section headings, no refs,
    the year only in the file name."""
    source = source or rows(Q3_CSV)
    wb = Workbook()
    ws = wb.active
    ws.title = "Performance Data"
    ws["A1"] = "Performance Data"
    row = 3
    for priority in sorted({r["priority"] for r in source}):
        ws.cell(row, 1, f"Priority {priority}")
        row += 1
        _write_row(ws, row, ["Measure", *[h if h != "Aug" else "August" for h in MONTH_HEADERS], "RAG"])
        row += 1
        for record in (r for r in source if r["priority"] == priority):
            ws.cell(row, 1, record["indicator"])
            _write_row(ws, row, [cell_value(record[m]) for m in MONTHS], start_col=2)
            _merge_note(ws, row, record, first_col=2)
            row += 1
    wb.save(path)
    return path
