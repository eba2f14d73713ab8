"""Rebuild the fixtures of tests/test_formats.py: the same returns saved as .xls and .ods by LibreOffice.

    python tests/data/formats/make_fixtures.py      (needs soffice on the PATH)

``q3-xls/`` and ``q3-ods/`` are the Q3 2020/21 sample workbooks (sample_workbooks/2020-21-Q3,
CSV aside) converted by LibreOffice. ``cells.*`` is one small return holding what each format
stores its own way: a fraction under a percent format, Excel errors from formulas, a boolean
where a number belongs, and a hidden sheet that looks like a return; it is built with openpyxl
and saved by LibreOffice as .xlsx (which calculates the formulas), .xls and .ods.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "sample_workbooks" / "2020-21-Q3"
CELLS_ROWS = (
    ("Ref", "Period", "Value", "Note"),
    ("PI-01", "Dec 2020", 0.63, None),     # shown as 63.0%
    ("PI-02", "Dec 2020", "=1/0", None),   # #DIV/0!
    ("PI-03", "Dec 2020", 12.5, None),
    ("PI-04", "Dec 2020", 0.5, None),      # shown as 50%
    ("PI-05", "Dec 2020", True, None),     # a boolean is no figure
    ("PI-06", "Dec 2020", "=NA()", None),  # #N/A
    ("PI-07", "Dec 2020", 1250, "1,250 referrals"),
)


def build_cells(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Values"
    for row in CELLS_ROWS:
        ws.append(row)
    ws["C2"].number_format = "0.0%"
    ws["C5"].number_format = "0%"
    hidden = wb.create_sheet("Old values")
    for row in (("Ref", "Period", "Value"), ("PI-01", "Nov 2020", 0.61)):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def convert(sources: list[Path], extension: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", extension, "--outdir", str(out),
                    *map(str, sources)], check=True, capture_output=True)


def main() -> None:
    samples = sorted(SAMPLES.glob("*.xlsx"))
    for extension in ("xls", "ods"):
        target = HERE / f"q3-{extension}"
        shutil.rmtree(target, ignore_errors=True)
        convert(samples, extension, target)
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "source").mkdir()
        source = build_cells(Path(work) / "source" / "cells.xlsx")
        for extension in ("xlsx", "xls", "ods"):
            convert([source], extension, Path(work) / extension)
            shutil.copy2(Path(work) / extension / f"cells.{extension}", HERE / f"cells.{extension}")


if __name__ == "__main__":
    main()
