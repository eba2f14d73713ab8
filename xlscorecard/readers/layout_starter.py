"""``xlscorecard layout FILE``: a starting layout file, written from what detection sees in FILE.

Each table detection recognises becomes a ``[[rule]]`` giving its sheet, header rows, columns
and the period of every value column, so that the officer edits a file that already reads the
return, rather than writing one from nothing. For a return detection cannot read at all, the
start is a commented skeleton naming the sheets and showing their first non-empty rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ReturnError
from ..core.model import Severity, parse_period
from . import comparators
from .header import Table
from .layout_file import FIELD_KEYS, LAYOUTS_NAME
from .registry import LAYOUTS
from .safety import DEFAULT_LIMITS
from .sheets import column_letter
from .workbook import read_tables

SKELETON_ROWS = 8
SKELETON_WIDTH = 400


def starting_layout(path: str | Path, period: str | None = None) -> str:
    """The text of a layout file that reads ``path`` as detection does, to edit."""
    path = Path(path)
    hint = parse_period(period) if period is not None else None
    outcome = read_tables(path, LAYOUTS, hint, DEFAULT_LIMITS)
    rules = [(table, report.layout, last_row) for (table, _, last_row), report in zip(outcome.ledgers, outcome.tables)]
    lines = [f"# {LAYOUTS_NAME}: how to read {path.name}, written by `xlscorecard layout` from what it",
             "# recognised. Edit it, save it beside the returns, and check with `xlscorecard validate --layout`.",
             "# Every key is described in templates/README.md, \"The layout file\".",
             ""]
    if rules:
        names: set[str] = set()
        for index, (table, layout, last_row) in enumerate(rules):
            following = index + 1 < len(rules) and rules[index + 1][0].grid.name == table.grid.name
            base = _base_name(path)
            name = _unique(base if len(rules) == 1 else f"{base} {table.grid.name}", names)
            lines += _rule(path, name, table, layout, last_row if following else None) + [""]
        return "\n".join(lines)
    sheets = _first_rows(path, hint)
    if not sheets:  # not a spreadsheet, or damaged: the reason is the file's own error
        refused = [f.message for f in outcome.findings if f.severity is Severity.ERROR] or ["it has no sheets"]
        raise ReturnError(f"{path.name} cannot be read: {refused[0]}")
    return "\n".join(lines + _skeleton(path, sheets))


def _rule(path: Path, name: str, table: Table, layout: str, last_row: int | None) -> list[str]:
    grid = table.grid
    if layout == comparators.NAME:
        return [f"# sheet {grid.name!r} row {table.header_row}: a comparator table ({layout}); a layout file cannot",
                "# describe one: it is read by detection only."]
    top = table.header_top or table.header_row
    header_rows = list(range(top, table.first_data_row))
    lines = [f"# detected as: {layout}", "[[rule]]", f"name = {_quoted(name)}",
             f"files = {_quoted(_pattern(path))}"]
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):  # a CSV's one sheet is named after the file
        lines.append(f"sheet = {_quoted(grid.name)}")
    lines += [f"header_rows = {header_rows[0] if len(header_rows) == 1 else header_rows}"]
    if last_row is not None:
        lines.append(f"last_data_row = {last_row}   # another table starts below; give it a rule of its own")
    columns = ", ".join(f"{FIELD_KEYS.get(field, field)} = {_quoted(column_letter(col))}"
                        for field, col in sorted(table.fields.items(), key=lambda item: item[1]))
    lines.append(f"columns = {{ {columns} }}")
    read = [c for c in table.period_columns if c.period is not None]
    if not read and not table.has("period"):
        lines.append("values = []   # an indicator sheet: no value columns")
    if read:
        lines.append(f"values = {_letters([c.col for c in read])}")
        lines.append("periods = [" + ", ".join(_quoted(c.period.label) for c in read) + "]")
        lines.append(f"# or, to take the periods from the sheet each quarter: periods_row = {table.first_data_row - 1}")
    for column in table.period_columns:
        if column.period is None:
            lines.append(f"# column {column_letter(column.col)} ({column.label!r}) was not read: "
                         f"{column.problem or 'no period'}; add it to values and periods if it holds values")
    if table.other_year_cols:
        lines.append(f"ignore = {_letters(sorted(table.other_year_cols))}   # another year's column")
    return lines


def _skeleton(path: Path, sheets: dict) -> list[str]:
    """What to start from when no table was recognised: the sheets and their first rows."""
    lines = [f"# xlscorecard recognised no table in {path.name}. Fill in the rule below from the rows shown,",
             "# then remove the '# ' in front of its lines: until then it reads nothing.", ""]
    for title, rows in sheets.items():
        lines.append(f"# sheet {title!r}, its first non-empty rows:")
        for row, cells in rows:
            shown = ", ".join(f"{column_letter(col)}={_shortened(text)!r}" for col, text in cells)
            lines.append(f"#   row {row}: {shown[:SKELETON_WIDTH]}{' …' if len(shown) > SKELETON_WIDTH else ''}")
        lines.append("")
    first = next(iter(sheets), path.stem)
    rule = ["[[rule]]", f"name = {_quoted(_base_name(path))}", f"files = {_quoted(_pattern(path))}",
            f"sheet = {_quoted(first)}",
            "header_rows = ROW                 # the header's row, or rows: [6, 7]",
            "columns = { ref = \"COLUMN\", name = \"COLUMN\" }   # also target, polarity, note, rag ...",
            "values = \"FIRST:LAST\"           # the columns holding the figures, or a list [\"E\", \"G\"]",
            "periods = [\"Apr 2020\", \"...\"]    # one per value column; or periods_row = ROW"]
    return lines + [f"# {line}" for line in rule] + [""]


def _shortened(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _base_name(path: Path) -> str:
    """``housing`` for ``housing-Q3.xlsx``: the name a rule for the service's returns goes by."""
    return Path(_pattern(path)).stem.replace("*", "").strip("-_ ") or path.stem


def _first_rows(path: Path, hint) -> dict[str, list[tuple[int, list[tuple[int, str]]]]]:
    """Each sheet's first non-empty rows, as (row, [(column, text)]), read as a return is read."""
    found: dict[str, list] = {}

    def look(sheets, context, limits, outcome):
        for sheet in sheets:
            grid = sheet.load(limits, max_rows=limits.header_search_rows)
            rows = []
            for row in range(1, grid.n_rows + 1):
                cells = [(col, text) for col in range(1, grid.n_cols + 1) if (text := grid.text(row, col))]
                if cells:
                    rows.append((row, cells))
                if len(rows) == SKELETON_ROWS:
                    break
            found[sheet.title] = rows

    read_tables(path, LAYOUTS, hint, DEFAULT_LIMITS, read_sheets=look)
    return found


def _pattern(path: Path) -> str:
    """The file name with its period taken out, so that next quarter's return matches too
    (``housing-Q3.xlsx`` -> ``housing-*.xlsx``)."""
    stem = path.stem
    for cut in ("-Q", "_Q", " Q", "-20", "_20", " 20"):
        if cut in stem:
            return stem[:stem.index(cut) + 1] + "*" + path.suffix
    return path.name


def _letters(cols: list[int]) -> str:
    if len(cols) > 1 and cols == list(range(cols[0], cols[-1] + 1)):
        return _quoted(f"{column_letter(cols[0])}:{column_letter(cols[-1])}")
    if len(cols) == 1:
        return _quoted(column_letter(cols[0]))
    return "[" + ", ".join(_quoted(column_letter(col)) for col in cols) + "]"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _unique(name: str, names: set[str]) -> str:
    chosen, number = name, 2
    while chosen in names:
        chosen, number = f"{name} {number}", number + 1
    names.add(chosen)
    return chosen
