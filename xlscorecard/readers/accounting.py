"""Every non-empty cell of a recognised table ends in exactly one place, and the reader says which.

A wrong figure with no warning is the worst thing a reader can produce, and it comes from cells
nobody looked at: a value in a column whose header no rule knew, last year's months read as this
year's, a row without a ref. So each layout marks what it did with every cell it used (a
``value``: an observation, even a gap with a reason; a ``field`` of the indicator: ref, target,
note, a published claim; a ``finding``: a cell reported and not used), and :func:`sweep` then
looks at every non-empty cell between the table's header and its end. What no rule took is a
finding too: a note per column for columns known to hold nothing to score (a definition, a
data source), a note for a lone line of text (a footnote), and otherwise a warning that names
the cells and makes the return *only partly read*.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..core.model import PARTLY_READ, Severity
from .cells import FindingCollector, parse_number_text
from .sheets import SheetGrid, a1, column_letter
from .synonyms import REFERENCE_COLUMNS, UNUSED_COLUMNS, header_key
from ..core.words import plural

EXAMPLES = 5
_UNUSED = frozenset(header_key(text) for text in UNUSED_COLUMNS)
_REFERENCE = frozenset(header_key(text) for text in REFERENCE_COLUMNS)


class Role(enum.Enum):
    """Where a cell ended."""

    VALUE = "value"
    FIELD = "field"
    FINDING = "finding"


@dataclass
class Ledger:
    """What a layout did with each cell of one table (keyed by the merge's top-left cell)."""

    grid: SheetGrid
    roles: dict[tuple[int, int], Role] = field(default_factory=dict)
    # Cells given two different roles: a reader bug the property tests look for.
    doubles: set[tuple[int, int]] = field(default_factory=set)
    # Rows a reader reported as a whole ("row has values but no ref"): their other cells are part
    # of that finding, not a second one.
    reported_rows: set[int] = field(default_factory=set)

    def mark(self, row: int, col: int | None, role: Role) -> None:
        if col is None:
            return
        key = self.grid.anchor(row, col) if self.grid.merges else (row, col)
        if key not in self.grid.cells:
            return  # an empty cell needs no account
        known = self.roles.get(key)
        if known is not None and known is not role:
            self.doubles.add(key)
        self.roles[key] = role

    def value(self, row: int, col: int | None) -> None:
        self.mark(row, col, Role.VALUE)

    def field(self, row: int, col: int | None) -> None:
        self.mark(row, col, Role.FIELD)

    def finding(self, row: int, col: int | None) -> None:
        self.mark(row, col, Role.FINDING)

    def report_row(self, row: int) -> None:
        self.reported_rows.add(row)

    def counts(self) -> dict[Role, int]:
        return {**dict.fromkeys(Role, 0), **Counter(self.roles.values())}

    def place(self, cells, role: Role) -> None:
        """Give ``role`` to cells that have none yet (the sweep's, many at a time)."""
        self.roles.update(dict.fromkeys(cells, role))


def table_cells(grid: SheetGrid, first_row: int, last_row: int) -> list[tuple[int, int]]:
    """The non-empty cells of rows ``first_row``..``last_row``, in reading order."""
    return sorted((row, col) for row, col in grid.cells if first_row <= row <= last_row)


def sweep(ledger: Ledger, collector: FindingCollector, header_texts: dict[int, str], first_row: int,
          last_row: int, unused_columns: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, int]]:
    """Account for the cells of rows ``first_row``..``last_row`` that no rule took, and return
    the ones that make the return only partly read. ``header_texts`` is each column's header;
    ``unused_columns`` are columns known to hold nothing to score (last year's target, say)."""
    grid, roles = ledger.grid, ledger.roles
    loose = [key for key in table_cells(grid, first_row, last_row) if key not in roles]
    reference_cols = {col for col, text in header_texts.items() if header_key(text) in _REFERENCE}
    if reference_cols:
        ledger.place([(row, col) for row, col in loose if col in reference_cols], Role.FIELD)
        loose = [(row, col) for row, col in loose if col not in reference_cols]
    if not loose:
        return []
    by_row: dict[int, list[int]] = defaultdict(list)
    for row, col in loose:
        by_row[row].append(col)
    roled_rows = {row for row, _ in roles}
    unused_cols = {col for col, text in header_texts.items() if header_key(text) in _UNUSED} | set(unused_columns)
    unused: dict[int, list[int]] = defaultdict(list)
    lines: list[tuple[int, int]] = []
    unplaced: list[tuple[int, int]] = []
    for row, cols in by_row.items():
        if row in ledger.reported_rows:
            ledger.place(((row, col) for col in cols), Role.FINDING)
            continue
        if row not in roled_rows and _is_text_line(grid, row, cols):
            lines.append((row, cols[0]))
            continue
        for col in cols:
            if col in unused_cols:
                unused[col].append(row)
            else:
                unplaced.append((row, col))
    for col, rows in _text_columns(grid, header_texts, unplaced).items():
        unused[col].extend(rows)
    unplaced = [key for key in unplaced if key[1] not in unused]
    for col, rows in unused.items():
        ledger.place(((row, col) for row in rows), Role.FINDING)
        collector.add(Severity.INFO, f"column {column_letter(col)} ({header_texts[col]!r}) is not used for scoring "
                      f"({plural(len(rows), 'cell')})", sheet=grid.name, cell=a1(rows[0], col), action="cells not read")
    if lines:
        ledger.place(lines, Role.FINDING)
        shown = ", ".join(f"{a1(row, col)} {grid.text(row, col)[:40]!r}" for row, col in lines[:EXAMPLES])
        collector.add(Severity.INFO, f"line of text in the table not read (a footnote or heading): {shown}"
                      + _more(len(lines)), sheet=grid.name, cell=", ".join(a1(*key) for key in lines[:EXAMPLES]),
                      action="text kept in the return only")
    if unplaced:
        ledger.place(unplaced, Role.FINDING)
        collector.add(Severity.WARNING, "cells in the table that no rule could place: "
                      + "; ".join(_describe(grid, header_texts, key) for key in unplaced[:EXAMPLES]) + _more(len(unplaced)),
                      sheet=grid.name, cell=", ".join(a1(*key) for key in unplaced[:EXAMPLES]),
                      action="not read: the return is only partly read; give the column a header xlscorecard "
                             "knows (templates/README.md) or move the cells out of the table",
                      count=len(unplaced), kind=PARTLY_READ)
    return unplaced


def _text_columns(grid: SheetGrid, header_texts: dict[int, str], cells: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Columns with a header no rule knows whose cells are all words (an "Actions" or "Lead
    officer" column): nothing in them could be a figure, so they are noted, not warned about."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        by_col[col].append(row)
    return {col: rows for col, rows in by_col.items()
            if header_texts.get(col) and all(_is_words(grid.value(row, col)) for row in rows)}


def _is_words(value: object) -> bool:
    return isinstance(value, str) and not any(ch.isdigit() for ch in value)


def _is_text_line(grid: SheetGrid, row: int, loose_cols: list[int]) -> bool:
    """A footnote or a heading: one text cell (or one merged text) and nothing else on the row."""
    if len(loose_cols) != 1:
        return False
    value = grid.value(*grid.anchor(row, loose_cols[0]))
    return isinstance(value, str) and parse_number_text(value) is None and len(value.split()) > 1


def _describe(grid: SheetGrid, header_texts: dict[int, str], key: tuple[int, int]) -> str:
    row, col = key
    header = header_texts.get(col, "")
    under = f" under {header[:30]!r}" if header else " (no header)"
    return f"{a1(row, col)} {grid.text(row, col)[:30]!r}{under}"


def _more(count: int) -> str:
    return f" and {count - EXAMPLES} more" if count > EXAMPLES else ""
