"""Write a blank or pre-filled return workbook for a service to fill in (``xlscorecard template``).

The workbook is our own return format (``templates/README.md``): an ``Indicators`` sheet, one
row per indicator, and a ``Values`` sheet in long form, one row per indicator per period, plus
an ``Instructions`` sheet in plain words. It is written with openpyxl rather than xlsxwriter
because it is a workbook people type into: openpyxl writes the dropdowns, input messages and
sheet protection that guide them, and reads them back in the tests.

Headers are the README's own spellings, so what an officer fills in is read back by
:mod:`xlscorecard.readers` without findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import OutputError, UnknownName
from .atomic import atomic_output
from ..core.model import same_words, COMMENTARY_HEADINGS, Frequency, Indicator, Period, Polarity, Severity, TargetProfile
from ..core.periods import PeriodKind, parse_period
from ..core.scoring import period_target
from .return_form_text import INSTRUCTIONS, REFERENCE_TARGET, instructions_title

__all__ = ["INDICATOR_COLUMNS", "VALUE_COLUMNS", "due_periods", "load_register", "make_return_template",
           "select_indicators", "write_return_template"]

INDICATORS_SHEET = "Indicators"
VALUES_SHEET = "Values"
INSTRUCTIONS_SHEET = "Instructions"

# Rows below the pre-filled ones that stay unlocked and validated, so an officer can add
# indicators or periods without unprotecting the sheet.
SPARE_ROWS = 100
# A fixed creation date: two runs on the same register give the same workbook contents.
# (openpyxl stamps the modification time itself when saving; the cells do not depend on it.)
FIXED_CREATED = dt.datetime(2020, 4, 1)

# Dropdown entries, built from the model's vocabularies so they cannot drift from what the reader
# accepts. Polarity and frequency as the README shows them ("Lower", "Quarterly").
POLARITY_CHOICES = tuple(member.value.capitalize() for member in Polarity)
FREQUENCY_CHOICES = tuple(member.value.capitalize() for member in Frequency)
PROFILE_CHOICES = tuple(member.value for member in TargetProfile)
QUARTILE_CHOICES = ("1st Quartile", "2nd Quartile", "3rd Quartile", "4th Quartile", "N/A")
# Wide enough for any return; Excel's decimal validation needs bounds.
NUMBER_BOUND = 10**15

HEADER_FILL = PatternFill("solid", fgColor="FF1F4E79")
REQUIRED_HEADER_FILL = PatternFill("solid", fgColor="FFC00000")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
UNLOCKED = Protection(locked=False)
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class Column:
    """One column of a template sheet: its header (a README spelling the reader knows), its width,
    whether it is required, how a pre-filled row gets its value, and the validation that guides
    typing. ``text`` columns are formatted as text so Excel keeps '2020/21' as typed."""

    header: str
    width: float
    prompt: str
    required: bool = False
    fill: Callable[[Indicator, Period | None], object] | None = None
    choices: tuple[str, ...] = ()
    kind: str | None = None  # "decimal" or "whole" for number validation
    low: float = -NUMBER_BOUND
    high: float = NUMBER_BOUND
    text: bool = False
    strict: bool = True  # False: Excel warns but lets a text note through
    # A custom validation formula for the column's first cell (Excel shifts it down the range).
    formula: str | None = None
    wrap: bool = False


def _quartile_text(quartile: int | None) -> str | None:
    return None if quartile is None else QUARTILE_CHOICES[quartile - 1]


def _framework_year(indicator: Indicator, period: Period | None) -> str | None:
    year = indicator.framework_year or (period.fy if period is not None else None)
    return year.label if year is not None else None


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("Ref", 12, "The indicator's reference, e.g. CYP-01. Required.", True, lambda i, p: i.ref, text=True),
    Column("Name", 48, "The indicator's name. Required.", True, lambda i, p: i.name),
    Column("Polarity", 12, "Is a higher or a lower value better? Required.", True,
           lambda i, p: i.polarity.value.capitalize(), choices=POLARITY_CHOICES),
    Column("Frequency", 13, "How often a value is reported. Blank means quarterly.", False,
           lambda i, p: i.frequency.value.capitalize(), choices=FREQUENCY_CHOICES),
    Column("Target profile", 15, "flat: the annual target applies to every period. cumulative: year to date "
           "(annual x months elapsed / 12). per-period: annual / periods in the year. Blank means flat.",
           False, lambda i, p: i.profile.value, choices=PROFILE_CHOICES),
    Column("Annual target", 13, "A number. Leave blank when no target was set.", False,
           lambda i, p: i.annual_target, kind="decimal"),
    Column("Tolerance", 11, "Percentage points below target that still count as amber. Blank means 5.", False,
           lambda i, p: i.tolerance, kind="decimal", low=0, high=100),
    Column("Priority", 10, "The council priority, e.g. 1. Applies to the rows below until the next one.", False,
           lambda i, p: i.priority),
    Column("Outcome", 30, "The outcome the indicator belongs to. Applies to the rows below until the next one.",
           False, lambda i, p: i.outcome),
    Column("Tier", 7, "1 (strategic) or 2 (directorate). Applies to the rows below until the next one.", False,
           lambda i, p: i.tier, kind="whole", low=1, high=2),
    Column("Unit", 16, "Free text, e.g. rate per 10,000.", False, lambda i, p: i.unit),
    Column("Comparative quartile", 15, "1st Quartile (best) to 4th Quartile, or N/A.", False,
           lambda i, p: _quartile_text(i.quartile), choices=QUARTILE_CHOICES),
    Column("Previous outturn", 13, "Last year's final value, as a number.", False,
           lambda i, p: i.previous_outturn, kind="decimal"),
    Column("Data owner", 18, "Who to ask about the figures.", False, lambda i, p: i.data_owner),
    Column("Framework year", 12, "The financial year of the framework, e.g. 2020/21.", False,
           _framework_year, text=True),
)

VALUE_COLUMNS: tuple[Column, ...] = (
    Column("Ref", 12, "As on the Indicators sheet. Required.", True, text=True),
    # Not a header the reader knows, so it is ignored: the name is only there so the officer
    # sees which indicator a ref is without switching sheets.
    Column("Indicator name (for reference)", 48, "Not read: only a reminder of the indicator's name."),
    Column("Period", 14, "A month (Dec 2020), a quarter (2020/21 Q3) or a financial year (2020/21). Required.",
           True, text=True),
    Column("Value", 12, "The figure, as a number. No data? Leave it blank or write -, and say why in Note.", True,
           strict=False, formula='OR(ISNUMBER(D2),D2="-")'),
    # Not read (the reader accounts for it silently): the target the scorecard will use, so the
    # officer sees beside each value what it is measured against.
    Column(REFERENCE_TARGET, 13, "Not read: the target this value is scored against, from the framework.",
           False),
    Column("Period target", 13, "A target for this period only; it beats the annual target. Usually blank.",
           False, kind="decimal"),
    Column("Note", 48, "Why there is no value, or anything a reader of the scorecard should know.", wrap=True),
    # The reports' narrative; the scorecard's Commentary sheet lays these out under the headings.
    *(Column(heading, 40, "Optional narrative for the committee report; the scorecard's Commentary sheet "
             "shows it.", wrap=True) for heading in COMMENTARY_HEADINGS.values()),
)


# -- which rows to pre-fill ------------------------------------------------------------------

def select_indicators(indicators: Iterable[Indicator], *, service: str | None = None,
                      period: Period | None = None) -> list[Indicator]:
    """The indicators a service's return should list, in register order.

    With ``service``, only those whose service matches (ignoring case and spacing); with
    ``period``, those of its financial year or of no stated year (a register may hold several
    framework years, and a ref reused in a new year is a different indicator).
    Raises :class:`UnknownName` when ``service`` matches none of several indicators, naming the
    services there are, because a silently blank template would be mistaken for a pre-filled one.
    """
    chosen = list(indicators)
    if period is not None:
        chosen = [i for i in chosen if i.framework_year is None or i.framework_year == period.fy]
    if service is None or not chosen:
        return chosen
    matching = [i for i in chosen if i.service is not None and same_words(i.service, service)]
    if not matching:
        known = sorted({i.service for i in chosen if i.service})
        listed = "; ".join(known) if known else "none (the register has no Service column)"
        raise UnknownName(f"no indicator in the register belongs to service \"{service}\"; services in the "
                          f"register: {listed}")
    return matching


_NATURAL_KIND = {Frequency.MONTHLY: PeriodKind.MONTH, Frequency.QUARTERLY: PeriodKind.QUARTER,
                 Frequency.ANNUAL: PeriodKind.YEAR}


def due_periods(indicator: Indicator, period: Period) -> list[Period]:
    """The periods an indicator needs a value for in a return for ``period``, oldest first.

    A monthly indicator needs every month of the period; a quarterly one each quarter ending in
    it; an annual one the year when the period ends the year. A value is labelled with its own
    period (a quarter for a quarterly count, so a per-period target is a quarter of the year's)
    unless that is longer than the reporting period, when the reporting period is used: the
    scorecard only takes values from periods inside the one it reports.

    >>> q3 = Period.quarter(2020, 3)
    >>> [p.label for p in due_periods(Indicator("A", "a", "higher", frequency="monthly"), q3)]
    ['Oct 2020', 'Nov 2020', 'Dec 2020']
    >>> [p.label for p in due_periods(Indicator("B", "b", "higher", frequency="quarterly"), q3)]
    ['2020/21 Q3']
    >>> [p.label for p in due_periods(Indicator("B", "b", "higher"), Period.month(2020, 12))]
    ['Dec 2020']
    >>> due_periods(Indicator("C", "c", "higher", frequency="annual"), q3)
    []
    """
    kind = _NATURAL_KIND[indicator.frequency]
    found: list[Period] = []
    for month in period.months():
        if not indicator.frequency.is_due(month):
            continue
        own = {PeriodKind.MONTH: month, PeriodKind.QUARTER: Period.quarter(month.fy, (month.number + 2) // 3),
               PeriodKind.YEAR: Period.year(month.fy)}[kind]
        label = own if period.contains(own) else period
        if label not in found:
            found.append(label)
    return found


# -- writing ----------------------------------------------------------------------------------

def _validation(column: Column, sqref: str, refs_formula: str | None = None) -> DataValidation:
    """The dropdown or number check for a column, always with an input message (Excel allows a
    32-character title and a 255-character message)."""
    if column.formula:
        validation = DataValidation(type="custom", formula1=column.formula, showErrorMessage=True,
                                    errorStyle="stop" if column.strict else "warning",
                                    errorTitle="A number is expected",
                                    error="Write a number, or - when there is no data, and explain in Note.")
    elif column.choices:
        validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                    showErrorMessage=True, errorTitle="Choose from the list",
                                    error="Pick one of: " + ", ".join(column.choices))
    elif column.kind:
        validation = DataValidation(type=column.kind, operator="between", formula1=str(column.low),
                                    formula2=str(column.high), showErrorMessage=True,
                                    errorStyle="stop" if column.strict else "warning",
                                    errorTitle="A number is expected",
                                    error=("Write a number here." if column.strict else
                                           "Write a number. No data? Leave it blank and explain in Note."))
    elif refs_formula:
        # Refs typed on the Values sheet are offered from the Indicators sheet; a ref the register
        # holds but this sheet does not is still allowed (warning only).
        validation = DataValidation(type="list", formula1=refs_formula, showErrorMessage=True,
                                    errorStyle="warning", errorTitle="Ref not on Indicators sheet",
                                    error="This ref is not on the Indicators sheet. Check it, or add the indicator there.")
    else:
        validation = DataValidation()  # no check: the input message alone
    validation.allow_blank = True
    validation.showInputMessage = True
    validation.promptTitle = column.header[:32]
    validation.prompt = column.prompt[:255]
    validation.add(sqref)
    return validation


def _write_sheet(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[object]],
                 refs_formula: str | None = None) -> None:
    """Header, rows, widths, frozen header, validations, and protection with input cells unlocked."""
    last_row = 1 + len(rows) + SPARE_ROWS
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        header = ws.cell(1, col, column.header)
        header.font = HEADER_FONT
        header.fill = REQUIRED_HEADER_FILL if column.required else HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = column.width
        for row in range(2, last_row + 1):
            cell = ws.cell(row, col)
            cell.protection = UNLOCKED
            if column.text:
                cell.number_format = TEXT_FORMAT
            if column.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.add_data_validation(_validation(column, f"{letter}2:{letter}{last_row}",
                                           refs_formula if column.header == "Ref" else None))
    for row_number, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row_number, col, value)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    # Protection stops an officer overtyping a header by accident (which would make the reader
    # lose the column); it is not a security boundary, so there is no password: anyone may
    # unprotect the sheet from Excel's Review tab. Resizing, inserting and deleting rows stay allowed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False


# The Instructions sheet is read on screen and printed: one column as wide as a portrait A4
# page, each line's row tall enough for its wrapped text (LibreOffice does not grow rows that
# openpyxl leaves without a height, so long lines overlapped the next).
INSTRUCTIONS_WIDTH = 75
LINE_HEIGHT = 13  # points per wrapped line of 10-point Arial
TEXT_FONT = Font(name="Arial", size=10)


def _rows_needed(text: str, width: int = INSTRUCTIONS_WIDTH) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (words kept whole, with some
    slack for wide letters).

    >>> _rows_needed(""), _rows_needed("word " * 10), _rows_needed("word " * 50)
    (1, 1, 3)
    """
    lines, length = 1, 0
    usable = int(width * 1.25)
    for word in text.split():
        if length and length + 1 + len(word) > usable:
            lines, length = lines + 1, len(word)
        else:
            length += len(word) + (1 if length else 0)
    return lines


def _write_instructions(ws: Worksheet, service: str | None, period: Period | None) -> None:
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    title = ws.cell(1, 1, instructions_title(service, period))
    title.font = Font(name="Arial", bold=True, size=14)
    ws.row_dimensions[1].height = 22
    for row, line in enumerate(INSTRUCTIONS, start=3):
        cell = ws.cell(row, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = LINE_HEIGHT * _rows_needed(line) + 3
        heading = bool(line) and not line.startswith(("-", " ")) and line.endswith(":")
        cell.font = Font(name="Arial", size=10, bold=True) if heading else TEXT_FONT
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # Nothing to type here; protected like the headers, against accidental edits only.
    ws.protection.sheet = True


def _shown_target(indicator: Indicator, period: Period) -> float | None:
    """The target beside a value, to the register's decimals (two when it does not say): a
    profiled or back-solved target has more decimals than anyone typed."""
    target = period_target(indicator, period)
    return None if target is None else round(target, 2 if indicator.decimals is None else indicator.decimals)


def write_return_template(path: str | Path, *, indicators: Sequence[Indicator] = (), service: str | None = None,
                          period: Period | str | None = None) -> Path:
    """Write a return workbook for a service to fill in, and return its path.

    The Indicators sheet lists ``indicators`` (only ``service``'s, see :func:`select_indicators`),
    or is blank for the service to fill. With ``period``, the Values sheet has one row per
    indicator and due period (:func:`due_periods`) with the value left blank. Raises
    :class:`OutputError` when the file cannot be written (open in Excel, no permission).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"the template must be an .xlsx file, not {path.name!r}; give --out a name ending .xlsx")
    period = None if period is None else parse_period(period)
    chosen = select_indicators(indicators, service=service, period=period)
    indicator_rows = [[column.fill(indicator, period) for column in INDICATOR_COLUMNS] for indicator in chosen]
    value_rows = [[indicator.ref, indicator.name, due.label, None, _shown_target(indicator, due)]
                  for indicator in chosen for due in (due_periods(indicator, period) if period else ())]

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions, service, period)
    indicator_sheet = workbook.create_sheet(INDICATORS_SHEET)
    _write_sheet(indicator_sheet, INDICATOR_COLUMNS, indicator_rows)
    last_ref_row = 1 + len(indicator_rows) + SPARE_ROWS
    _write_sheet(workbook.create_sheet(VALUES_SHEET), VALUE_COLUMNS, value_rows,
                 refs_formula=f"'{INDICATORS_SHEET}'!$A$2:$A${last_ref_row}")
    # Open on the sheet to fill: Values when it is pre-filled, else Indicators.
    workbook.active = 2 if value_rows else 1
    workbook.properties.creator = "xlscorecard"
    workbook.properties.title = instructions_title(service, period)
    workbook.properties.created = FIXED_CREATED
    try:
        with atomic_output(path) as temporary:  # a run stopped half-way leaves the previous file whole
            workbook.save(temporary)
    except OSError as error:
        raise OutputError(f"could not write {path}: {error.strerror or error}; if it is open in Excel, close it "
                          "and run again") from error
    return path
