"""Tables in the report: a grid with a repeated header row, fixed column widths, and cells that
carry colour and words together.

Text goes into runs as text, never as XML or field codes: ``=HYPERLINK(…)``, ``http://…`` and
``{ PAGE }`` written in a return stay the characters they are. Characters XML cannot hold (the
control characters a pasted cell can carry) are dropped, as they cannot be shown anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BORDER_COLOUR = "A6A6A6"
CELL_PADDING_TWIPS = 40  # 0.07 cm


def clean(text: object) -> str:
    """Text as XML can hold it (tabs and line breaks kept)."""
    return _NOT_XML.sub("", "" if text is None else str(text))


@dataclass(frozen=True)
class Look:
    """How one cell looks: its fill and font colour (hex RGB, ``None`` for the default), bold,
    alignment (``left``, ``center``, ``right``) and italic."""

    fill: str | None = None
    font: str | None = None
    bold: bool = False
    align: str = "left"
    italic: bool = False


PLAIN, BOLD, RIGHT, CENTRE = Look(), Look(bold=True), Look(align="right"), Look(align="center")
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


class Grid:
    """A table of fixed column widths (cm) and a font size, its first ``header_rows`` rows
    repeated on every page."""

    def __init__(self, document, widths: Sequence[float], *, font_size: float = 8, header_fill: str = "1F3864",
                 header_font: str = "FFFFFF"):
        self.widths = list(widths)
        self.font_size = font_size
        self.header_look = Look(fill=header_fill, font=header_font, bold=True, align="center")
        self.table = document.add_table(rows=0, cols=len(widths))
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        _fixed_layout(self.table)
        _borders(self.table)
        _narrow_margins(self.table)
        for column, width in zip(self.table.columns, self.widths):
            column.width = Cm(width)

    def header(self, texts: Sequence[str], repeat: bool = True):
        """A header row; ``repeat``: at the top of every page the table runs onto."""
        row = self.row([(text, self.header_look) for text in texts])
        if repeat:
            _repeat_as_header(row)
        return row

    def row(self, cells: Sequence[tuple[object, Look]], keep_together: bool = True):
        """One row: each cell's text (``None`` for empty; paragraphs split on blank lines) and look."""
        row = self.table.add_row()
        if keep_together:
            _cant_split(row)
        for cell, width, (text, look) in zip(row.cells, self.widths, cells):
            cell.width = Cm(width)
            self.fill(cell, text, look)
        return row

    def band(self, text: str, look: Look):
        """A row of one cell across the table (a tier, or a priority in a list)."""
        row = self.row([(None, look)] * len(self.widths))
        self.merge(row, 0, len(self.widths) - 1, text, look)
        return row

    def merge(self, row, first: int, last: int, text: object, look: Look) -> None:
        """Cells ``first`` to ``last`` of ``row`` made one, holding ``text``."""
        self.fill(row.cells[first].merge(row.cells[last]), text, look)

    def fill(self, cell, text: object, look: Look) -> None:
        """Write ``text`` into ``cell`` (replacing what it held) with ``look``."""
        paragraphs = [p for p in re.split(r"\n\s*\n", clean(text).strip())] if text is not None else [""]
        first = cell.paragraphs[0]
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        for run in list(first.runs):
            run._r.getparent().remove(run._r)
        for n, paragraph_text in enumerate(paragraphs):
            paragraph = first if n == 0 else cell.add_paragraph()
            paragraph.alignment = _ALIGN[look.align]
            paragraph.paragraph_format.space_after = Pt(2 if len(paragraphs) > 1 else 0)
            paragraph.paragraph_format.space_before = Pt(0)
            if paragraph_text:
                run = paragraph.add_run(paragraph_text)
                run.font.size = Pt(self.font_size)
                run.bold = look.bold or None
                run.italic = look.italic or None
                if look.font:
                    run.font.color.rgb = RGBColor.from_string(look.font)
        shade(cell, look.fill)


def shade(cell, fill: str | None) -> None:
    """The cell's background colour (``None``: none)."""
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        properties.append(shading)


def _repeat_as_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _cant_split(row) -> None:
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(keep)


def _fixed_layout(table) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _borders(table) -> None:
    """Thin grey lines round every cell, whatever table styles the template has."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), BORDER_COLOUR)
        borders.append(line)
    table._tbl.tblPr.append(borders)


def _narrow_margins(table) -> None:
    """Cells' left and right padding of 0.07 cm (Word's default is 0.19): a 1.1 cm column of
    figures then holds "1,200,295" at 7 points."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(CELL_PADDING_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
