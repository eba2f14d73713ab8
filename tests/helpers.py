"""Helpers for reading a written workbook back and comparing its meaning, not its bytes."""

from __future__ import annotations

from pathlib import Path

import re
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

# What each key of an expectation reads from an openpyxl cell. Colours come back as 'FF' + RGB.
_READERS = {
    "value": lambda cell: cell.value,
    "fill": lambda cell: cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None,
    "font_color": lambda cell: cell.font.color.rgb if cell.font.color is not None else None,
    "bold": lambda cell: bool(cell.font.b),
    "number_format": lambda cell: cell.number_format,
    "type": lambda cell: cell.data_type,
}

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"
Q3_SAMPLES = SAMPLES / "2020-21-Q3"
Q2_2122_SAMPLES = SAMPLES / "2021-22-Q2"


def assert_sheet_matches(ws: Worksheet, expected: dict[str, dict[str, Any]]) -> None:
    """Compare the cells named by A1 ref with what is expected of them, e.g.
    ``{"C6": {"value": "Rate of Children in Need", "bold": False}}``. A float value matches to
    1e-6. Fails naming the sheet, the A1 ref and the property of the first mismatch."""
    for ref, wanted in expected.items():
        cell = ws[ref]
        for key, value in wanted.items():
            actual = _READERS[key](cell)
            same = (abs(actual - value) < 1e-6 if isinstance(value, float) and isinstance(actual, (int, float))
                    else actual == value)
            assert same, f"{ws.title}!{ref} {key}: expected {value!r}, found {actual!r}"


def find_row(ws: Worksheet, text: str, column: int = 1, start: int = 1) -> int:
    """The first 1-based row from ``start`` whose cell in ``column`` holds exactly ``text``."""
    for row in range(start, ws.max_row + 1):
        if ws.cell(row, column).value == text:
            return row
    raise AssertionError(f"{text!r} not found in column {column} of {ws.title}")


def header_columns(ws: Worksheet, row: int) -> dict[str, int]:
    """Header text → 1-based column, for one header row."""
    return {ws.cell(row, col).value: col for col in range(1, ws.max_column + 1)
            if isinstance(ws.cell(row, col).value, str)}


def bracket_count(share: str) -> int:
    """The count in a "49% (39)" cell."""
    match = re.fullmatch(r"\d+% \((\d+)\)", share)
    assert match, f"{share!r} is not written as '49% (39)'"
    return int(match[1])
