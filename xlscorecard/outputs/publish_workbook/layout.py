"""The accessible layout: a sheet of text, or a title, its statements and one Excel table.

This follows the UK Government Analysis Function's "Releasing statistics in spreadsheets"
guidance (the rules gptables, the ONS package, applies): the title in A1, the statements about
the table one per row in column A, then the table right under them, marked up as an Excel
table with one header row, starting in column A. No merged cells, no blank rows or columns in a
table, no headers or footers, no freeze panes, no cell comments, no symbols: an empty cell is
shorthand that the statements explain ([x] not available, [z] not applicable), and a status is
a word, its fill only repeating it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format

from ...core.model import Rag
from ..scorecard.sheet import LINE_HEIGHT, Sheet
from ..scorecard.style import Template

NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
SHORTHAND_STATEMENT = "[x] means not available; [z] means not applicable."
ONE_TABLE = "This worksheet contains one table."

MIN_WIDTH, MAX_WIDTH, TEXT_WIDTH = 8, 60, 45
# WCAG 2.1 AA contrast for normal text: a fill is used only where its text reaches this.
MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Column:
    """One column of a published table. ``kind`` picks the number format: text, value, count,
    decimal, variance, percent, date, datetime, status. ``missing`` is the shorthand an empty
    cell shows (a row may give its own, see :class:`Missing`). An ``optional`` column is left out
    when no row has a value in it."""

    header: str
    kind: str = "text"
    missing: str = NOT_APPLICABLE
    width: float | None = None
    optional: bool = False


@dataclass(frozen=True)
class Missing:
    """A cell with no value and the reason, shown as shorthand ([x] or [z])."""

    shorthand: str


@dataclass(frozen=True)
class Status:
    """A status cell: its word, and the RAG whose fill repeats it (``None``: no fill)."""

    word: str
    rag: Rag | None


@dataclass(frozen=True)
class Link:
    """A cell whose text links to the top of another sheet of the workbook."""

    text: str
    sheet: str


@dataclass(frozen=True)
class TableSheet:
    """One worksheet: its name, title, statements and table. ``name`` is the sheet tab,
    ``table_name`` the Excel table's name (letters, digits and underscores), ``about`` the
    sentence the cover and contents say of it."""

    name: str
    table_name: str
    title: str
    about: str
    statements: Sequence[str]
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]

    def kept_columns(self) -> list[int]:
        """The columns to show: an optional column with nothing but shorthand in every row says
        nothing (Unit when no indicator has one), so it is left out."""
        return [col for col, column in enumerate(self.columns)
                if not column.optional or any(not _is_missing(row[col]) for row in self.rows)]


    def uses_shorthand(self) -> bool:
        """Whether a cell of the table, as shown, is shorthand for a missing value."""
        kept = self.kept_columns()
        return any(_is_missing(row[col]) for row in self.rows for col in kept)


def _is_missing(value) -> bool:
    return value is None or isinstance(value, Missing) or value == ""


def long_date(day: dt.date) -> str:
    """``1 October 2020``: no leading zero, as the reports write dates."""
    return f"{day.day} {day:%B %Y}"


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``RRGGBB`` colours (1 to 21).

    >>> round(contrast("FFFFFF", "FF0000"), 2), round(contrast("000000", "FF0000"), 2)
    (4.0, 5.25)
    """
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_font(fill: str, font: str) -> str | None:
    """The template's font colour on ``fill`` when it is readable, else black or white,
    whichever reads better; ``None`` when neither reaches :data:`MIN_CONTRAST`."""
    best = max((font, "000000", "FFFFFF"), key=lambda colour: (contrast(colour, fill) >= MIN_CONTRAST,
                                                                 colour == font, contrast(colour, fill)))
    return best if contrast(best, fill) >= MIN_CONTRAST else None


class PublishFormats:
    """The publish workbook's formats, built once from the template's font and RAG colours."""

    NUMBER_FORMATS = {"text": None, "value": "General", "count": "#,##0", "decimal": "#,##0.00",
                      "variance": "0.00", "percent": "0", "date": "d mmmm yyyy", "datetime": "d mmmm yyyy hh:mm"}

    def __init__(self, workbook, template: Template):
        font = template.settings["fonts"]
        base = {"font_name": font["name"], "font_size": max(font["size"], 10), "valign": "top"}
        add = lambda **extra: workbook.add_format({**base, **extra})  # noqa: E731
        self.title = add(bold=True, font_size=font["title_size"])
        self.heading = add(bold=True, font_size=font["subtitle_size"])
        self.title_height = font["title_size"] * 1.6
        self.statement = add()  # not wrapped: a statement runs on over the empty cells beside it
        self.paragraph = add(text_wrap=True)  # the cover's text, in its one wide column
        self.header = add(bold=True, text_wrap=True, bottom=1)
        self.link = add(font_color="#0563C1", underline=1, text_wrap=True)
        self.cells = {}
        for kind, number_format in self.NUMBER_FORMATS.items():
            extra = {"num_format": number_format} if number_format else {}
            self.cells[kind] = add(text_wrap=kind == "text", **extra)
        # Shorthand sits where the column's figures would: right in a column of numbers.
        self.shorthand = {"left": add(), "right": add(align="right")}
        self.status = {None: add(text_wrap=True)}
        for rag in Rag:
            style = template.style("rag", rag.value)
            colour = readable_font(style["fill"], style["font"])
            self.status[rag] = add(text_wrap=True, bg_color=style["fill"], font_color=colour) if colour \
                else self.status[None]


class PublishSheets:
    """Writes the sheets of the publish workbook onto an xlsxwriter workbook."""

    def __init__(self, workbook, formats: PublishFormats):
        self.workbook = workbook
        self.f = formats

    def add(self, name: str):
        worksheet = self.workbook.add_worksheet(name)
        # The cursor in A1 of every sheet, written out rather than left to the reader's default:
        # xlsxwriter's set_selection() skips A1, so its selection list is given directly.
        worksheet.selections = [[None, "A1", "A1"]]
        # Printed from the website, a sheet comes out landscape and one page wide: a page setup,
        # not a header or footer, which the guidance rules out (screen readers miss them).
        worksheet.set_landscape()
        worksheet.set_paper(9)  # A4
        worksheet.fit_to_pages(1, 0)
        return worksheet

    def text_sheet(self, name: str, title: str, blocks: Sequence[tuple[str | None, Sequence[str]]],
                   width: float = 100) -> None:
        """A sheet of text in column A: the title, then blocks of lines under bold headings."""
        worksheet = self.add(name)
        self._title(worksheet, title)
        row = 1
        for heading, lines in blocks:
            if heading:
                self._write(worksheet, row, 0, heading, self.f.heading)
                row += 1
            for line in lines:
                self._write(worksheet, row, 0, line, self.f.paragraph)
                worksheet.set_row(row, Sheet(worksheet).wrapped_height(line, width))
                row += 1
        worksheet.set_column(0, 0, width)

    def table_sheet(self, sheet: TableSheet) -> tuple[int, int, int, int]:
        """Title in A1, statements under it, the table right under them; returns its range."""
        worksheet = self.add(sheet.name)
        self._title(worksheet, sheet.title)
        for row, statement in enumerate(sheet.statements, start=1):
            self._write(worksheet, row, 0, statement, self.f.statement)
        header_row = len(sheet.statements) + 1
        kept = sheet.kept_columns()
        columns = [sheet.columns[col] for col in kept]
        rows = [[row[col] for col in kept] for row in sheet.rows]
        widths = [column.width or _fitted_width(column, [r[col] for r in rows]) for col, column in enumerate(columns)]
        measure = Sheet(worksheet)
        # Header wrapped at its spaces and text cells wrapped to their column's width: each row
        # is given the height its longest cell needs (neither Excel nor LibreOffice sets it).
        worksheet.set_row(header_row, max(measure.wrapped_height(c.header, w) for c, w in zip(columns, widths)))
        for offset, cells in enumerate(rows, start=1):
            height = 0.0
            for col, (column, value) in enumerate(zip(columns, cells)):
                self._cell(worksheet, header_row + offset, col, column, value)
                if isinstance(value, (str, Status, Link)):
                    text = value if isinstance(value, str) else getattr(value, "word", None) or value.text
                    height = max(height, measure.wrapped_height(text, widths[col]))
            if height > LINE_HEIGHT + 2:
                worksheet.set_row(header_row + offset, height)
        last_row = header_row + max(len(rows), 1)
        if not rows:  # an Excel table needs a data row: say there is nothing, in words
            self._write(worksheet, last_row, 0, "None this period", self.f.cells["text"])
            for col in range(1, len(columns)):
                self._write(worksheet, last_row, col, NOT_APPLICABLE, self._shorthand(columns[col]))
        worksheet.add_table(header_row, 0, last_row, len(columns) - 1, {
            "name": sheet.table_name, "style": None, "autofilter": False,
            "columns": [{"header": c.header, "header_format": self.f.header} for c in columns],
        })
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        return header_row, 0, last_row, len(columns) - 1

    def _shorthand(self, column: Column) -> Format:
        return self.f.shorthand["left" if column.kind in ("text", "status") else "right"]

    def _title(self, worksheet, title: str) -> None:
        self._write(worksheet, 0, 0, title, self.f.title)
        worksheet.set_row(0, self.f.title_height)  # a larger font than the rows' default height takes

    def _cell(self, worksheet, row: int, col: int, column: Column, value) -> None:
        if value is None or value == "":
            value = Missing(column.missing)
        if isinstance(value, Missing):
            self._write(worksheet, row, col, value.shorthand, self._shorthand(column))
        elif isinstance(value, Status):
            self._write(worksheet, row, col, value.word, self.f.status[value.rag])
        elif isinstance(value, Link):
            target = value.sheet.replace("'", "''")
            if worksheet.write_url(row, col, f"internal:'{target}'!A1", self.f.link, value.text) != 0:
                raise_write_error(worksheet, row, col, value)
        elif isinstance(value, dt.datetime):
            worksheet.write_datetime(row, col, value.replace(tzinfo=None), self.f.cells[column.kind])
        elif isinstance(value, dt.date):
            worksheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.f.cells[column.kind])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                self._write(worksheet, row, col, NOT_AVAILABLE, self._shorthand(column))
            elif worksheet.write_number(row, col, value, self.f.cells[column.kind]) != 0:
                raise_write_error(worksheet, row, col, value)
        else:
            self._write(worksheet, row, col, str(value), self.f.cells["text"])

    @staticmethod
    def _write(worksheet, row: int, col: int, text: str, fmt: Format) -> None:
        # write_string: text from a return stays text, never a formula or a link. -2 is a string
        # cut at Excel's 32,767 characters: still written.
        if worksheet.write_string(row, col, text, fmt) not in (0, -2):
            raise_write_error(worksheet, row, col, text)


def raise_write_error(worksheet, row: int, col: int, value) -> None:
    from ...errors import OutputError
    raise OutputError(f"could not write {value!r} to {worksheet.name} row {row + 1} column {col + 1}")


def _fitted_width(column: Column, values: Sequence[Any]) -> float:
    """Wide enough for the longest value (up to :data:`MAX_WIDTH`, where text wraps) and for the
    header's longest word (a header wraps at its spaces)."""
    texts = [v.word if isinstance(v, Status) else v.shorthand if isinstance(v, Missing) else
             v.text if isinstance(v, Link) else _shown(v)
             for v in values if v is not None]
    longest = max((max((len(line) for line in t.split("\n")), default=0) for t in texts), default=0)
    header_word = max((len(word) for word in column.header.split()), default=0)
    wanted = max(longest, header_word) + 2
    limit = TEXT_WIDTH if column.kind in ("text", "status") else MAX_WIDTH
    return float(min(max(wanted, MIN_WIDTH), limit))


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return "00 September 0000 00:00"
    return str(value)

