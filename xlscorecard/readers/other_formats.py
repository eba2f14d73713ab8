"""Read ``.xls``, ``.xlsb`` and ``.ods`` returns: values through python-calamine, as an ``.xlsx``'s
are, and from each format's own records what calamine cannot tell.

calamine gives these formats' values exactly as it gives an ``.xlsx``'s, but no number formats,
and it reads an Excel error cell as an empty one: a fraction shown as 63% would read 0.63 and a
``#DIV/0!`` would be a silent gap. So each format has a scan of its own (readers/xls_scan.py,
xlsb_scan.py, ods_scan.py) giving, per sheet, the overlay the ``.xlsx`` byte scan gives
(readers/fast_sheets.py: error cells, formulas without a value, percent-formatted numbers), the
merged ranges where calamine has none (``.xlsb``, ``.ods``) and the sheet's real extent. A
workbook its scan cannot read is not read at all: a finding says why, since its values could
not be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReturnError
from .fast_sheets import MAX_DENSE_CELLS, CalamineSheet, python_calamine
from .safety import ENCRYPTED, ENCRYPTED_ACTION, FileKind, Limits
from .sheets import Cell, Merge, SheetGrid

KINDS = (FileKind.XLS, FileKind.XLSB, FileKind.ODS)
RESAVE = "file skipped; open it in Excel or LibreOffice, save it as .xlsx and re-send"
FORMAT_NAMES = {FileKind.XLS: "binary Excel workbook (.xls)", FileKind.XLSB: "binary Excel workbook (.xlsb)",
                FileKind.ODS: "OpenDocument spreadsheet (.ods)"}


class Unreadable(ReturnError):
    """A workbook in one of these formats that cannot be read safely; ``action`` says what to do."""

    def __init__(self, message: str, action: str = RESAVE):
        self.message, self.action = message, action
        super().__init__(message)


@dataclass
class SheetScan:
    """What a format's scan found in one sheet, by 1-based (row, column).

    ``overlay`` holds ``(kind, text)`` as readers/fast_sheets.py's scan does (``error``,
    ``formula``, ``percent``); ``values`` holds cells whose value calamine gives in another type
    than the same cell of an ``.xlsx`` (an ``.ods`` boolean reads 1.0); ``merges`` is ``None``
    where calamine's own merged ranges are right for the format.
    """

    rows: int = 0
    cols: int = 0
    overlay: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[Merge] | None = None


class FormatSheet(CalamineSheet):
    """A calamine sheet corrected from its format's scan."""

    def __init__(self, path: Path, sheet, title: str, hidden: bool, scan: SheetScan):
        super().__init__(path, sheet, title, hidden, scan.overlay, scan.rows, scan.cols)
        self._scan = scan

    def load(self, limits: Limits, max_rows: int | None = None, with_structure: bool = False) -> SheetGrid:
        grid = super().load(limits, max_rows, with_structure)
        cap = min(max_rows or limits.max_rows, limits.max_rows)
        for (row, col), value in self._scan.values.items():
            if row <= cap and col <= limits.max_cols:
                grid._put(row, col, Cell(value))
        if with_structure and self._scan.merges is not None:
            grid.merges = [Merge(m.min_row, m.min_col, min(m.max_row, cap), min(m.max_col, limits.max_cols))
                           for m in self._scan.merges if m.min_row <= cap and m.min_col <= limits.max_cols]
        return grid


def open_sheets(path: Path, kind: FileKind, limits: Limits) -> list[FormatSheet]:
    """The worksheets of an ``.xls``, ``.xlsb`` or ``.ods`` file ready to load, or :class:`Unreadable`."""
    if python_calamine is None:
        raise Unreadable(f"{FORMAT_NAMES[kind]} needs python-calamine, which is not installed",
                         action='file skipped; pip install python-calamine, or save the return as .xlsx')
    scans = _scanner(kind)(path, limits)
    total = sum(scan.rows * scan.cols for scan in scans.values())
    if total > MAX_DENSE_CELLS:
        raise Unreadable(f"{FORMAT_NAMES[kind]} whose sheets span {total:,} cells, more than the "
                         f"{MAX_DENSE_CELLS:,} xlscorecard reads in bounded memory")
    try:
        with path.open("rb") as handle:  # a file object: calamine then goes by the bytes, not the extension
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
            return [_sheet(path, workbook, meta, scans, kind) for meta in workbook.sheets_metadata
                    if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except Unreadable:
        raise
    except python_calamine.PasswordError as error:
        raise Unreadable(ENCRYPTED, ENCRYPTED_ACTION) from error
    except BaseException as error:  # noqa: BLE001 - calamine's errors, and its Rust panics (a BaseException)
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        raise Unreadable(f"{FORMAT_NAMES[kind]} is damaged or non-standard and could not be read "
                         f"({type(error).__name__}: {str(error)[:200]})") from error


def _sheet(path: Path, workbook, meta, scans: dict[str, SheetScan], kind: FileKind) -> FormatSheet:
    scan = scans.get(meta.name)
    if scan is None:
        raise Unreadable(f"{FORMAT_NAMES[kind]} whose sheet {meta.name!r} its format scan did not find")
    sheet = workbook.get_sheet_by_name(meta.name)  # parses the sheet: calamine's errors surface here
    start = sheet.start or (0, 0)
    if sheet.height and (start[0] + sheet.height > scan.rows or start[1] + sheet.width > scan.cols):
        # calamine holds cells the scan did not place: their formats and errors are unknown
        raise Unreadable(f"{FORMAT_NAMES[kind]} whose sheet {meta.name!r} has cells its format scan did not place")
    return FormatSheet(path, sheet, meta.name, meta.visible != python_calamine.SheetVisibleEnum.Visible, scan)


def _scanner(kind: FileKind):
    if kind is FileKind.XLS:
        from .xls_scan import scan_xls
        return scan_xls
    if kind is FileKind.XLSB:
        from .xlsb_scan import scan_xlsb
        return scan_xlsb
    from .ods_scan import scan_ods
    return scan_ods
