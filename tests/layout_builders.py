"""Build returns in the three layouts of issue 16 from the published Q3 2020/21 rows (tests/data):
a sheet per period, target and actual side by side, and target and actual as rows.

The values are the published ones. The targets written beside them are the targets the council
scored against, worked out from the published table as sample_workbooks/build_samples.py works
out the register: the printed annual target (flat), its linear profile for the six cumulative
rows, or, where the published variance follows from neither, the target back-solved from it.
A published RAG, where a builder writes one, follows from the published variance (SPEC rule 3).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from openpyxl import Workbook

from helpers import SAMPLES
from return_builders import Q3_CSV, rows

_spec = importlib.util.spec_from_file_location("build_samples", SAMPLES / "build_samples.py")
build_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_samples)

MONTHS = build_samples.Q3_MONTHS
MONTH_HEADERS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
REGISTER = SAMPLES / "2020-21-Q3" / "register-2020-21.xlsx"
# A tab per month, named as officers name them; December's says only "Dec" and its period cell
# above the table says the rest.
TAB_NAMES = ("Apr-20", "May 2020", "2020-06", "Jul 20", "August 2020", "Sep-20", "Oct-20", "Nov-20", "Dec")
DECEMBER_CELL = "Period: December 2020"


def published_rows() -> list[dict[str, str]]:
    return rows(Q3_CSV)


def month_text(record: dict[str, str], index: int):
    """The printed cell as an officer types it: numbers as numbers, '1,059' and '-' as text."""
    text = record[MONTHS[index]]
    number = build_samples.number(text)
    if number is not None and "," not in text:
        return number
    return text or None


def note_for(record: dict[str, str], index: int) -> str | None:
    """The printed note belongs to the months the report left blank."""
    return record["note"] or None if not record[MONTHS[index]] else None


def target_for(record: dict[str, str], index: int) -> float | None:
    """The target the published variance of month ``index`` was computed against."""
    back_solved = {period: target for _, period, _, target, _ in build_samples.q3_period_targets([record])}
    period = build_samples.q3_period(index)
    if period in back_solved:
        return back_solved[period]
    annual = build_samples.number(record["target_2020_21"])
    if annual is None:
        return None
    return annual * (index + 1) / 12 if record["ref"] in build_samples.Q3_CUMULATIVE else annual


def target_if_valued(record: dict[str, str], index: int) -> float | None:
    """A target where the month has a figure: the months the officer filled in."""
    return target_for(record, index) if build_samples.number(record[MONTHS[index]]) is not None else None


def published_rag(record: dict[str, str]) -> str | None:
    """The RAG the published variance means: met, within 5%, or missed by more."""
    variance = build_samples.number(record["published_variance"])
    if variance is None:
        return None
    return "Green" if variance >= 0 else "Amber" if variance >= -5 else "Red"


def _put(ws, row: int, values, start_col: int = 1) -> None:
    for offset, value in enumerate(values):
        if value is not None:
            ws.cell(row, start_col + offset, value)


def sheet_per_period(path: Path, records, tabs=TAB_NAMES, title: str = "Performance return",
                     polarity: bool = False) -> Path:
    """A tab per month: ``Ref | Indicator | Value | Target | Note``, and a RAG on December's;
    with ``polarity`` a Polarity column too (a return that describes its indicators)."""
    wb = Workbook()
    wb.remove(wb.active)
    for index, tab in enumerate(tabs):
        ws = wb.create_sheet(tab)
        ws["A1"] = title
        december = index == len(MONTHS) - 1
        if december:
            ws["A2"] = DECEMBER_CELL
        _put(ws, 4, ["Ref", "Indicator", "Value", "Target", "Note", "RAG" if december else None]
             + (["Polarity"] if polarity else []))
        for row, record in enumerate(records, start=5):
            _put(ws, row, [record["ref"], record["indicator"], month_text(record, index),
                           target_if_valued(record, index), note_for(record, index),
                           published_rag(record) if december else None]
                 + ([record["polarity"]] if polarity else []))
    wb.save(path)
    return path


def side_by_side(path: Path, records, words=("Target", "Actual"), rag: bool = True) -> Path:
    """``Ref | Performance Indicator | Polarity | 20/21 Target`` then each month merged over
    ``Target | Actual`` (``words``), December with a RAG beside them; notes merged across the
    months they explain, as the legacy tables print them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Q3 2020-21"
    ws["A1"] = "Performance return - Quarter 3 2020/21"
    fixed = ["Ref", "Performance Indicator", "Higher / Lower is better?", "20/21 Target"]
    _put(ws, 3, fixed)
    for col in range(1, len(fixed) + 1):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    col = len(fixed) + 1
    first_cols = []
    for index, month in enumerate(MONTH_HEADERS):
        width = 3 if rag and index == len(MONTHS) - 1 else 2
        ws.cell(3, col, month)
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + width - 1)
        _put(ws, 4, [*words, "RAG"][:width], start_col=col)
        first_cols.append(col)
        col += width
    for row, record in enumerate(records, start=5):
        _put(ws, row, [record["ref"], record["indicator"], record["polarity"],
                       build_samples.number(record["target_2020_21"])])
        for index, first in enumerate(first_cols):
            _put(ws, row, [target_if_valued(record, index), month_text(record, index)], start_col=first)
        if rag and published_rag(record):
            ws.cell(row, first_cols[-1] + 2, published_rag(record))
        _merge_notes(ws, row, record, first_cols)
    wb.save(path)
    return path


def _merge_notes(ws, row: int, record, first_cols) -> None:
    blank = [index for index in range(len(MONTHS)) if note_for(record, index)]
    if not blank:
        return
    start, end = first_cols[blank[0]], first_cols[blank[-1]] + 1
    ws.cell(row, start, record["note"])
    ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)


def target_actual_rows(path: Path, records, style: str = "column") -> Path:
    """A target row and an actual row per indicator under ``Ref | Indicator | … | April …
    December``: told apart by a ``Measure type`` column (``style='column'``), or by the label
    after the ref (``'CYP-01 Target'``, ``style='label'``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Performance"
    ws["A1"] = "Performance return 2020/21"
    labelled = style == "label"
    header = ["Ref", "Indicator", *([] if labelled else ["Measure type"]), "Polarity", *MONTH_HEADERS, "Note"]
    _put(ws, 3, header)
    row = 4
    for record in records:
        for measure in ("Target", "Actual"):
            ref = f"{record['ref']} {measure}" if labelled else record["ref"]
            lead = [ref, record["indicator"], *([] if labelled else [measure]), record["polarity"]]
            if measure == "Target":
                cells = [target_if_valued(record, index) for index in range(len(MONTHS))]
                note = None
            else:
                cells = [month_text(record, index) for index in range(len(MONTHS))]
                note = record["note"] or None
            _put(ws, row, lead + cells + [note])
            row += 1
    wb.save(path)
    return path


BUILDERS = {
    "sheet per period": sheet_per_period,
    "target and actual side by side": side_by_side,
    "target and actual rows": target_actual_rows,
    "target and actual rows, labelled refs": lambda path, records: target_actual_rows(path, records, "label"),
}


def q3_samples_in(layout: str, folder: Path) -> Path:
    """The bundled Q3 returns, one per service as build_samples.py sends them, every one in
    ``layout`` (the CSV service's too, as a workbook), with the sample register."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REGISTER, folder / REGISTER.name)
    records = published_rows()
    for name, _service, prefixes, _layout in build_samples.Q3_RETURNS:
        mine = [r for r in records if r["ref"].startswith(prefixes)]
        BUILDERS[layout](folder / (Path(name).stem + ".xlsx"), mine)
    return folder
