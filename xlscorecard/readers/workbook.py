"""Walk a return's sheets, find the tables in them and hand each to the layout that knows it.

Sheets are first read shallowly (the header search rows only) to decide whether any layout
applies, so a workbook of unrelated statistics costs little; only recognised sheets are read
in full, with their merged cells and formulas.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DamagedWorkbook
from ..core.model import PARTLY_READ, Finding, Indicator, Observation, Period, Severity, Source
from . import fast_sheets, other_formats
from .accounting import Ledger, Role, sweep
from .cells import FindingCollector
from .column_periods import UNCERTAIN_YEAR, duplicate_columns, resolve_periods
from .header import Table, find_table
from .layout_report import TableReport, header_report, table_report
from .rows import CarriedValues, ReadContext
from .safety import FileKind, Limits, classify
from .sheets import SheetGrid, a1, column_letter, load_csv, workbook_sheets
from ..core.words import plural

# What openpyxl raises on a damaged or non-standard package: missing parts (KeyError), malformed
# XML (ParseError is a SyntaxError), attributes of the wrong type (TypeError/ValueError).
OPENPYXL_FAILURES = (KeyError, TypeError, ValueError, AttributeError, IndexError, SyntaxError, EOFError,
                     zipfile.BadZipFile)

# Set to "openpyxl" to read every workbook with openpyxl, python-calamine or not (to compare the paths).
READER_ENV = "XLSCORECARD_READER"
# The share of the unpacked-size cap that a workbook the fast reader cannot take may unpack to.
SLOW_READER_SHARE = 0.3
NO_HEADER = "no sheet has a header xlscorecard recognises"
EMPTY_TABLE = "the return has a recognised header"
# A sheet can hold several tables one under another (one per priority, or per printed page).
MAX_TABLES_PER_SHEET = 50


@contextmanager
def _openpyxl_errors():
    try:
        yield
    except OPENPYXL_FAILURES as error:
        raise DamagedWorkbook(f"{type(error).__name__}: {error}") from error


@dataclass
class TablesOutcome:
    """Everything read from one file, before the register and claim checks."""

    indicators: list[Indicator] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    claims: list = field(default_factory=list)
    comparators: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)
    indicator_sources: dict[str, Source] = field(default_factory=dict)
    stated_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    tables: list[TableReport] = field(default_factory=list)
    # Headers found that no layout reads (a register's indicator sheet with no Ref column, say).
    unrecognised: list[TableReport] = field(default_factory=list)
    # What each table's reader did with every cell, kept for the tests of the accounting.
    ledgers: list[tuple[Table, Ledger, int]] = field(default_factory=list)
    named_by_name: set[str] = field(default_factory=set)


def read_tables(path: Path, layouts, period_hint: Period | None, limits: Limits,
                in_register=None, read_sheets=None) -> TablesOutcome:
    """Every table of the file at ``path``; ``in_register`` says whether the register
    describes a ref (a row of such an indicator needs no polarity of its own). ``read_sheets``,
    when given, reads the file's sheets instead of detection (a layout file's rule: called with
    the sheets, the context, the limits and the outcome)."""
    outcome = TablesOutcome()
    by_detection = read_sheets is None
    if by_detection:
        def read_sheets(sheets, context, limits, outcome):
            _read_sheets(sheets, layouts, context, limits, outcome)
    verdict = classify(path, limits)
    if verdict.finding is not None:
        outcome.findings.append(verdict.finding)
        return outcome
    collector = FindingCollector(str(path))
    context = ReadContext(collector, period_hint)
    if in_register is not None:
        context.in_register = in_register
    if verdict.kind is FileKind.CSV:
        grid = load_csv(path, limits)
        outcome.findings.extend(grid.findings)  # lines too long to be rows
        if by_detection:
            _read_grid(grid, layouts, context, limits, outcome)
        else:
            read_sheets([LoadedSheet(grid)], context, limits, outcome)
    else:
        try:
            if verdict.kind in other_formats.KINDS:  # .xls, .xlsb, .ods: readers/other_formats.py
                read_sheets(other_formats.open_sheets(path, verdict.kind, limits), context, limits, outcome)
            else:
                _read_workbook(path, read_sheets, context, limits, outcome)
        except other_formats.Unreadable as error:
            collector.add(Severity.ERROR, error.message, action=error.action)
            return _finish(outcome, context)
        except DamagedWorkbook as error:
            collector.add(Severity.ERROR, f"workbook is damaged or non-standard and could not be parsed ({error})",
                          action="file skipped; open it in Excel, save it again and re-send")
            return _finish(outcome, context)
    if outcome.layouts and not outcome.observations and not outcome.indicators and not outcome.comparators:
        collector.add(Severity.WARNING, f"{EMPTY_TABLE} ({', '.join(outcome.layouts)}) "
                      "but no values or indicators under it", action="nothing read from this file")
    if not outcome.layouts and by_detection:  # a layout file's rule says itself why it read nothing
        tried = ", ".join(layout.name for layout in layouts)
        collector.add(Severity.ERROR,
                      f"{NO_HEADER} (layouts tried: {tried}); a return needs "
                      "a header row with a Ref or Measure column and value or metadata columns",
                      action="file skipped; see templates/README.md for the return format")
    return _finish(outcome, context)


def _finish(outcome: TablesOutcome, context: ReadContext) -> TablesOutcome:
    outcome.findings.extend(context.collector.findings())
    outcome.indicator_sources = context.indicator_sources
    outcome.stated_fields = context.stated_fields
    outcome.named_by_name = context.named_by_name
    return outcome


def _read_workbook(path: Path, read_sheets, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    if fast_sheets.available() and os.environ.get(READER_ENV, "").lower() != "openpyxl":
        try:
            sheets = fast_sheets.open_sheets(path, limits)
        except fast_sheets.NotForCalamine as reason:
            if _too_big_for_the_slow_reader(path, limits, str(reason), context):
                return
            # otherwise read below by openpyxl, which streams any sheet within the limits
        else:
            read_sheets(sheets, context, limits, outcome)
            return
    from openpyxl import load_workbook  # imported here: runs that never need it never pay for it

    with warnings.catch_warnings():
        # openpyxl warns about unsupported extensions (data validation, slicers): not the officer's problem.
        warnings.simplefilter("ignore")
        # A file handle, not the path: openpyxl then trusts the bytes (already checked), not the
        # extension, and the return is opened read-only.
        with path.open("rb") as handle:
            with _openpyxl_errors():
                workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                read_sheets(workbook_sheets(path, workbook), context, limits, outcome)
            finally:
                workbook.close()


def _too_big_for_the_slow_reader(path: Path, limits: Limits, reason: str, context: ReadContext) -> bool:
    """openpyxl parses about 2 MB of sheet XML a second here, a quarter of calamine's speed, so
    the workbooks it reads instead are held to a smaller size, to keep every file under 10 s."""
    cap = int(limits.max_total_bytes * SLOW_READER_SHARE)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked <= cap:
        return False
    context.collector.add(Severity.ERROR, f"workbook needs the slower reader ({reason}) and unpacks to "
                          f"{unpacked:,} bytes, more than the {cap:,} it reads in bounded time",
                          action="file skipped; open it in Excel and save it again (Excel writes what the fast "
                                 "reader needs), or run again with a higher --max-unpacked-mb")
    return True


def _read_sheets(sheets, layouts, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    for sheet in sheets:
        with _openpyxl_errors():
            shallow = sheet.load(limits, max_rows=limits.header_search_rows + 2)
        if _layout_for(shallow, layouts, context, limits, unrecognised=outcome.unrecognised) is None:
            continue
        if shallow.hidden:
            context.collector.add(Severity.WARNING, "hidden sheet looks like a return; not read",
                                  sheet=sheet.title, action="unhide it if its values should count")
            continue
        with _openpyxl_errors():
            grid = sheet.load(limits, with_structure=True)
        _read_grid(grid, layouts, context, limits, outcome)


def _layout_for(grid: SheetGrid, layouts, context: ReadContext, limits: Limits, start_row: int = 1,
                unrecognised: list | None = None):
    table = find_table(grid, limits.header_search_rows, start_row)
    if table is None:
        return None
    table = resolve_periods(table, context.period_hint)
    layout = next((layout for layout in layouts if layout.sniff(table)), None)
    if layout is None and unrecognised is not None:
        unrecognised.append(header_report(table))
    return None if layout is None else (layout, table)


def _read_grid(grid: SheetGrid, layouts, context: ReadContext, limits: Limits, outcome: TablesOutcome) -> None:
    if grid.truncated:
        context.collector.add(Severity.WARNING, f"sheet is larger than the reading limits ({limits.max_rows:,} rows, "
                              f"{limits.max_cells:,} cells); the rest was not read",
                              sheet=grid.name, action="split the return or raise the row limit")
    context.carried = CarriedValues()
    start_row = 1
    for _ in range(MAX_TABLES_PER_SHEET):
        found = _layout_for(grid, layouts, context, limits, start_row)
        if found is None:
            return
        layout, table = found
        for title_row in range(start_row, table.header_row):  # "Priority 1", "Tier 1" above the header
            context.carried.heading(grid, title_row)
        records = read_table(table, layout, context, outcome)
        if records.next_table_row is None or records.next_table_row <= start_row:
            return
        start_row = records.next_table_row


def read_table(table: Table, layout, context: ReadContext, outcome: TablesOutcome):
    """Read one table with ``layout``, account for every cell of it, and add it to ``outcome``:
    the same for a detected table and for one a layout file describes."""
    grid = table.grid
    _check_year(table, context)
    _check_columns(table, context)
    context.ledger = ledger = Ledger(grid)
    records = layout.read(table, context)
    bound = (records.next_table_row - 1) if records.next_table_row else grid.n_rows
    last_row = max((r for r, _ in grid.cells if table.first_data_row <= r <= bound), default=table.header_row)
    _check_beside(table, ledger, context, last_row)
    unplaced = sweep(ledger, context.collector, table.header_texts, table.first_data_row, last_row,
                     table.other_year_cols)
    _check_hidden(table, context, last_row)
    outcome.tables.append(table_report(table, layout.name, ledger, last_row, records.rows_read, len(unplaced)))
    outcome.ledgers.append((table, ledger, last_row))
    outcome.indicators.extend(records.indicators)
    outcome.observations.extend(records.observations)
    outcome.claims.extend(records.claims)
    outcome.comparators.extend(records.comparators)
    if layout.name not in outcome.layouts:
        outcome.layouts.append(layout.name)
    return records


class LoadedSheet:
    """A sheet already read whole (a CSV file), offered as the workbook readers offer theirs."""

    def __init__(self, grid: SheetGrid):
        self.grid, self.title, self.hidden = grid, grid.name, grid.hidden

    def load(self, limits: Limits, max_rows: int | None = None, with_structure: bool = False) -> SheetGrid:
        return self.grid


def _check_columns(table: Table, context: ReadContext) -> None:
    """Value columns that give one period twice: neither is read (which is meant is a guess)."""
    groups = duplicate_columns(table)
    if not groups:
        return
    row = table.first_data_row - 1  # the header row the months are in
    pairs = [" and ".join(f"{a1(row, c.col)} {c.label!r}" for c in group) for group in groups if len(group) > 1]
    alone = [f"{a1(row, c.col)} {c.label!r}" for group in groups if len(group) == 1 for c in group]
    cells = [a1(row, c.col) for group in groups for c in group]
    shown = "; ".join(pairs[:5]) + (f" and {len(pairs) - 5} more" if len(pairs) > 5 else "")
    if alone:  # months written once among repeated ones: their year is as uncertain
        shown += f"; and the year of {', '.join(alone[:3])}{' …' if len(alone) > 3 else ''}, written once among them"
    context.collector.add(
        Severity.ERROR, f"value columns that give the same period, with nothing in the header to tell them apart: "
        f"{shown}", sheet=table.grid.name, cell=", ".join(cells[:10]), count=len(cells), kind=PARTLY_READ,
        action="none of these columns read; write the year over each block of months ('2019/20', '2020/21') or "
               "in the month headers ('Apr-20')")


def _check_beside(table: Table, ledger: Ledger, context: ReadContext, last_row: int) -> None:
    """A second table beside this one (a second Ref column) is not read: its cells are
    reported, never given to this table's rows."""
    if table.end_col is None:
        return
    grid = table.grid
    beside = [key for key in grid.cells if table.header_row <= key[0] <= last_row and key[1] > table.end_col]
    ledger.place((key for key in beside if key[0] >= table.first_data_row and key not in ledger.roles), Role.FINDING)
    context.collector.add(
        Severity.WARNING, f"a second table starts beside this one at {a1(table.header_row, table.end_col + 1)} "
        f"({plural(len(beside), 'cell')}); it is not read", sheet=grid.name, cell=a1(table.header_row, table.end_col + 1),
        count=len(beside), kind=PARTLY_READ,
        action="not read: put the second table under the first, or on a sheet of its own")


def _check_hidden(table: Table, context: ReadContext, last_row: int) -> None:
    grid = table.grid
    cols = sorted(c.col for c in table.period_columns if c.col in grid.hidden_cols and c.period is not None)
    rows = sorted(r for r in grid.hidden_rows if table.first_data_row <= r <= last_row
                  and any((r, c) in grid.cells for c in range(1, grid.n_cols + 1)))
    if cols:
        periods = [c.period.label for c in table.period_columns if c.col in cols]
        span = f"{periods[0]} … {periods[-1]}" if len(periods) > 1 else periods[0]
        context.collector.add(Severity.INFO, f"{len(cols)} hidden value columns ({column_letter(cols[0])}\u2013"
                              f"{column_letter(cols[-1])}: {span}) were read like the others",
                              sheet=grid.name, cell=a1(table.header_row, cols[0]), action="values read")
    if rows:
        context.collector.add(Severity.INFO, f"{len(rows)} hidden rows (from row {rows[0]}) were read like the others",
                              sheet=grid.name, cell=a1(rows[0], 1), action="values read")


def _check_year(table: Table, context: ReadContext) -> None:
    if table.year_problem and any(c.problem == UNCERTAIN_YEAR for c in table.period_columns):
        first = next(c for c in table.period_columns if c.problem == UNCERTAIN_YEAR)
        context.collector.add(
            Severity.ERROR, f"the year of the month columns is uncertain: {table.year_problem}",
            sheet=table.grid.name, cell=a1(table.first_data_row - 1, first.col), kind=PARTLY_READ,
            action="month columns not read; correct the header or the name, or write the year in the month "
                   "headers ('Apr-20')")
    if table.fy is None and any(column.problem == "no financial year" for column in table.period_columns):
        context.collector.add(
            Severity.ERROR, "value columns name months or quarters but no financial year could be found",
            sheet=table.grid.name, cell=a1(table.header_row, table.period_columns[0].col),
            action="values skipped; write the year in the header ('20/21 Target'), the sheet or file name, "
                   "or pass --period")
