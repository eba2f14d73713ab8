"""A starting register for a new council (``xlscorecard init``): the performance framework's
workbook with every column explained and the council's name left to fill in.

Sheets: ``Instructions`` (plain sentences, skipped by the readers), ``Indicators`` (the return
template's columns plus Service, one row per indicator), ``Period targets`` (a target set for one
period) and ``Framework`` (the council's name and its priorities in order,
:mod:`xlscorecard.readers.framework`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..core.framework import COUNCIL_LABEL, FRAMEWORK_SHEET, PRIORITY_HEADERS
from ..errors import OutputError
from .atomic import atomic_output
from .return_form import (FIXED_CREATED, INDICATOR_COLUMNS, TEXT_FONT, Column, _rows_needed, _write_sheet,
                          INSTRUCTIONS_WIDTH, LINE_HEIGHT)

SERVICE_COLUMN = Column("Service", 22, "The service that sends this indicator's return, e.g. Public Health. "
                        "xlscorecard status lists each service's returns.")
DECIMALS_COLUMN = Column("Decimals", 10, "Decimal places to show the values and targets with, 0 to 6. Blank: as "
                         "the returns write them.", kind="whole", low=0, high=6)
REGISTER_COLUMNS = (*INDICATOR_COLUMNS[:13], SERVICE_COLUMN, *INDICATOR_COLUMNS[13:], DECIMALS_COLUMN)
TARGET_COLUMNS = (
    Column("Ref", 12, "The indicator's reference, as on the Indicators sheet.", True, text=True),
    Column("Period", 14, "The period the target is for: Dec 2020, 2020/21 Q3 or 2020/21.", True, text=True),
    Column("Period target", 13, "The target for that period only; it beats the annual target.", True,
           kind="decimal"),
    Column("Note", 48, "Why this period has its own target (optional).", wrap=True),
)

REGISTER_INSTRUCTIONS: tuple[str, ...] = (
    "This workbook is your council's performance framework: the list of indicators xlscorecard scores "
    "each period. Keep it in the returns folder (its name contains 'register'), or pass it with --register.",
    "",
    "Framework sheet:",
    f"- {COUNCIL_LABEL}: write your council's name in the cell beside it. It is the scorecard's title, and "
    "the row xlscorecard looks for in comparator tables. Until it is filled in the scorecard says 'Council'.",
    f"- Under '{PRIORITY_HEADERS[0]}', one row per council priority, in the order the scorecard shows them: "
    "its number (as the Indicators sheet's Priority column writes it), its title, and a short title of "
    "at most 31 characters for the sheet's name.",
    "",
    "Indicators sheet (one row per indicator; red headings are required):",
    *(f"- {column.header}: {column.prompt}" for column in REGISTER_COLUMNS),
    "",
    "Period targets sheet (optional):",
    *(f"- {column.header}: {column.prompt}" for column in TARGET_COLUMNS),
    "",
    "Next:",
    "- Send each service its return: xlscorecard template --service \"NAME\" --period \"2020/21 Q3\" --out FILE.xlsx "
    "(run it in this folder, or pass --register).",
    "- When the returns are in: xlscorecard validate, then xlscorecard consolidate, on this folder.",
)


def write_starting_register(path: str | Path) -> Path:
    """Write a register with no indicators yet and the council's name to fill in; return its path."""
    path = Path(path)
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    instructions.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    instructions.cell(1, 1, "Performance framework (indicator register)").font = Font(name="Arial", bold=True,
                                                                                       size=14)
    for row, line in enumerate(REGISTER_INSTRUCTIONS, start=3):
        cell = instructions.cell(row, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name="Arial", size=10, bold=line.endswith(":") or line.endswith("required):"))
        instructions.row_dimensions[row].height = LINE_HEIGHT * _rows_needed(line) + 3
    _write_sheet(workbook.create_sheet("Indicators"), REGISTER_COLUMNS, [])
    _write_sheet(workbook.create_sheet("Period targets"), TARGET_COLUMNS, [])
    framework = workbook.create_sheet(FRAMEWORK_SHEET)
    framework.column_dimensions["A"].width = 18
    framework.column_dimensions["B"].width = 60
    framework.column_dimensions["C"].width = 32
    framework.cell(1, 1, COUNCIL_LABEL).font = Font(name="Arial", size=10, bold=True)
    framework.cell(3, 1, "Your priorities, in the order the scorecard shows them, under the headings below.").font = TEXT_FONT
    for col, header in enumerate(PRIORITY_HEADERS, start=1):
        framework.cell(4, col, header).font = Font(name="Arial", size=10, bold=True)
    workbook.active = 3
    workbook.properties.creator = "xlscorecard"
    workbook.properties.title = "Performance framework"
    workbook.properties.created = FIXED_CREATED
    try:
        with atomic_output(path) as temporary:
            workbook.save(temporary)
    except OSError as error:
        raise OutputError(f"could not write {path}: {error.strerror or error}") from error
    return path
