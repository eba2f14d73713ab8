"""The floor for a consolidation: read every cell of every return with python-calamine, then
write a table of one row per indicator read, as wide as the records file, with xlsxwriter in
constant-memory mode and three cell formats. No program that reads these returns and writes
that table can do much less; bench/bench_consolidate.py times it beside `consolidate`.

    python bench/floor.py RETURNS_DIR OUT.xlsx
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

RECORD_COLUMNS = 19  # xlscorecard.outputs.records.RECORD_COLUMNS


def read_cells(folder: Path) -> tuple[list, int]:
    """Every non-empty cell value of every sheet of every return, and the number of indicator
    rows (rows whose second or first cell looks like a ref: one per indicator per return)."""
    values, refs = [], set()
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            workbook = CalamineWorkbook.from_path(str(path))
            rows = [row for name in workbook.sheet_names for row in workbook.get_sheet_by_name(name).to_python()]
        else:
            continue
        for row in rows:
            values.extend(value for value in row if value != "")
            refs.update(value for value in row[:2] if isinstance(value, str) and "-" in value and len(value) < 12)
    return values, len(refs)


def write_table(path: Path, values: list, rows: int) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = [workbook.add_format({"bold": True}), workbook.add_format({"num_format": "0.00"}),
               workbook.add_format({"bg_color": "#C6EFCE"})]
    sheet = workbook.add_worksheet("All indicators")
    count = len(values) or 1
    for row in range(rows + 1):
        for col in range(RECORD_COLUMNS):
            value = values[(row * RECORD_COLUMNS + col) % count] if values else ""
            sheet.write(row, col, value, formats[col % 3])
    workbook.close()


def main() -> None:
    values, rows = read_cells(Path(sys.argv[1]))
    write_table(Path(sys.argv[2]), values, rows)


if __name__ == "__main__":
    main()
