"""What an ``.xls`` (BIFF, Excel 97-2003) workbook's records say that calamine's values do not:
which cells hold Excel errors and which numbers are formatted as percentages.

xlrd (pure Python, the reader pandas uses for ``.xls``) decodes the BIFF records, with their
XF (cell format) and FORMAT records when ``formatting_info`` is on; one sheet is held at a
time. It also knows an encrypted workbook (a FILEPASS record) for what it is. calamine's merged
ranges and sheet visibility are right for ``.xls``; an ``.xls`` formula always stores its last
result, so there is no formula without a value to find.
"""

from __future__ import annotations

from pathlib import Path

from .cells import is_percent_format
from .fast_sheets import MAX_DENSE_CELLS
from .other_formats import FORMAT_NAMES, SheetScan, Unreadable
from .safety import ENCRYPTED, ENCRYPTED_ACTION, FileKind, Limits

try:
    import xlrd
except ImportError:  # pragma: no cover - xlrd is a dependency; exercised only where it was removed
    xlrd = None


class _Discard:
    """xlrd writes its warnings about odd records to a log file: they are not the officer's concern."""

    def write(self, _text: str) -> None:
        pass


def scan_xls(path: Path, limits: Limits) -> dict[str, SheetScan]:
    """Sheet name -> its :class:`SheetScan`, or :class:`Unreadable`."""
    if xlrd is None:
        raise Unreadable(f"{FORMAT_NAMES[FileKind.XLS]} needs xlrd, which is not installed",
                         action="file skipped; pip install xlrd, or save the return as .xlsx")
    try:
        book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True, on_demand=True,
                                  ragged_rows=True, logfile=_Discard())
    except Exception as error:  # noqa: BLE001 - xlrd signals damage with many types (XLRDError, AssertionError, ...)
        if "encrypted" in str(error).lower():
            raise Unreadable(ENCRYPTED, ENCRYPTED_ACTION) from error
        raise _damaged(error) from error
    try:
        percent_xfs = _percent_xfs(book)
        scans, total = {}, 0
        for index, name in enumerate(book.sheet_names()):
            sheet = book.sheet_by_index(index)
            total += sheet.nrows * sheet.ncols
            if total > MAX_DENSE_CELLS:  # before the next sheet is decoded: xlrd holds a sheet in Python objects
                raise Unreadable(f"{FORMAT_NAMES[FileKind.XLS]} whose sheets span more than {MAX_DENSE_CELLS:,} "
                                 "cells, more than xlscorecard reads in bounded memory")
            scans[name] = _scan_sheet(sheet, percent_xfs, limits)
            book.unload_sheet(index)
    except Unreadable:
        raise
    except Exception as error:  # noqa: BLE001 - as above, for a damaged sheet
        raise _damaged(error) from error
    finally:
        book.release_resources()
    return scans


def _damaged(error: Exception) -> Unreadable:
    detail = f": {str(error)[:200]}" if str(error) else ""
    return Unreadable(f"{FORMAT_NAMES[FileKind.XLS]} is damaged or non-standard and its records could not be "
                      f"decoded (xlrd {type(error).__name__}{detail})")


def _percent_xfs(book) -> set[int]:
    """Indexes of the XF records whose number format shows a percentage (builtin 9 and 10 included:
    xlrd lists the builtin formats with their format strings)."""
    percent_keys = {key for key, fmt in book.format_map.items() if is_percent_format(fmt.format_str)}
    return {index for index, xf in enumerate(book.xf_list) if xf.format_key in percent_keys}


def _scan_sheet(sheet, percent_xfs: set[int], limits: Limits) -> SheetScan:
    scan = SheetScan(rows=sheet.nrows, cols=sheet.ncols)
    error_type, number_type = xlrd.XL_CELL_ERROR, xlrd.XL_CELL_NUMBER
    for row in range(min(sheet.nrows, limits.max_rows)):
        types = sheet.row_types(row)
        for col in range(min(len(types), limits.max_cols)):
            kind = types[col]
            if kind == error_type:
                code = sheet.cell_value(row, col)
                scan.overlay[(row + 1, col + 1)] = ("error", xlrd.error_text_from_code.get(code, "#VALUE!"))
            elif kind == number_type and percent_xfs and sheet.cell_xf_index(row, col) in percent_xfs:
                scan.overlay[(row + 1, col + 1)] = ("percent", "0%")
    return scan
