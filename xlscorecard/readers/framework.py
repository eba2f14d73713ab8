"""The register's Framework sheet: the council's name and its priorities in order.

    Council name     | St Helens Borough Council
                     |
    Priority number  | Priority title                                    | Short title
    1                | Ensure children and young people have a positive… | Children and young people

No row of it looks like a header to the return readers (its labels are not column names they
know), so the register's other sheets are read as before and this one only here.
"""

from __future__ import annotations

from pathlib import Path

from ..core.framework import COUNCIL_LABEL, FRAMEWORK_SHEET, PRIORITY_HEADERS, Framework, FrameworkPriority
from ..core.model import Finding, Severity, Source, same_words
from . import fast_sheets


def read_framework(path: str | Path, shown_as: str | None = None) -> tuple[Framework, list[Finding]]:
    """The framework the register at ``path`` states (an empty one when it has no Framework
    sheet), with a finding for each priority row it cannot use. Call it on a register that was
    already read (and so passed the size checks)."""
    name = shown_as or str(path)
    rows = _sheet_rows(Path(path))
    if rows is None:
        return Framework(source=name), []
    council, priorities, findings, in_table = None, [], [], False
    for number, row in enumerate(rows, start=1):
        cells = [_text(value) for value in row]
        first = cells[0] if cells else ""
        if same_words(first, COUNCIL_LABEL) or same_words(first, "Council"):
            council = (cells[1] if len(cells) > 1 else "") or None
        elif same_words(first, PRIORITY_HEADERS[0]):
            in_table = True
        elif in_table and first:
            title = cells[1] if len(cells) > 1 else ""
            if not title:
                findings.append(Finding(Severity.WARNING, f"priority {first} has no title", Source(name, FRAMEWORK_SHEET,
                                        f"B{number}"), action="the scorecard calls it 'Priority " + first + "'"))
            short = cells[2] if len(cells) > 2 and cells[2] else None
            priorities.append(FrameworkPriority(first, title or f"Priority {first}", short[:31] if short else None))
    return Framework(council, tuple(priorities), name), findings


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def has_framework_sheet(path: str | Path) -> bool:
    """Whether the workbook at ``path`` (already read, so past the size checks) has a Framework sheet."""
    return _sheet_rows(Path(path)) is not None


def _sheet_rows(path: Path) -> list[list[object]] | None:
    """The Framework sheet's rows (at most a few hundred are looked at), or ``None``."""
    try:
        if fast_sheets.available():
            import python_calamine
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
            names = [n for n in workbook.sheet_names if same_words(n, FRAMEWORK_SHEET)]
            if not names:
                return None
            return workbook.get_sheet_by_name(names[0]).to_python(nrows=500)
        from openpyxl import load_workbook
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            names = [n for n in book.sheetnames if same_words(n, FRAMEWORK_SHEET)]
            if not names:
                return None
            return [list(row) for row in book[names[0]].iter_rows(max_row=500, values_only=True)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - the register was readable; an odd Framework sheet is simply absent
        return None
