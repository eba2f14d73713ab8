"""What every part of the report shares: the document, the scorecard it reports on, its colours
and words, paragraphs and headings, portrait and landscape sections."""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt

from ...core.model import Rag, Score
from ..scorecard.data import Scorecard
from ..scorecard.words import comparative_text, dot_text, rag_word, trend_text
from .tables import Grid, Look, clean


class ReportContext:
    """The report being written: ``document`` (python-docx) and ``card`` (the scorecard's data
    and template, with its groups, summaries and lookups)."""

    def __init__(self, document, card: Scorecard):
        self.document = document
        self.card = card
        self.template = card.template
        colours = card.template.settings["colours"]
        self.header_fill, self.header_font = colours["header_fill"], colours["header_font"]
        self.band = Look(fill=colours["band_fill"], bold=True)
        self.total = Look(fill=colours["band_fill"], bold=True, align="center")
        self.total_name = Look(fill=colours["band_fill"], bold=True)
        self.listed: list[tuple[int, str, str]] = []  # (level, heading, bookmark) for the contents

    # -- text -------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1, listed: bool = True):
        """A heading; those of levels 1 and 2 are bookmarked and listed in the contents."""
        paragraph = self.document.add_heading(clean(text), level)
        if listed and level <= 2:
            bookmark = f"_Toc{len(self.listed) + 1:04d}"
            start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
            start.set(qn("w:id"), str(len(self.listed) + 1))
            start.set(qn("w:name"), bookmark)
            end.set(qn("w:id"), str(len(self.listed) + 1))
            paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
            paragraph._p.append(end)
            self.listed.append((level, clean(text), bookmark))
        return paragraph

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False, italic: bool = False,
                  size: float | None = None):
        paragraph = self.document.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(clean(text))
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = Pt(size)
        return paragraph

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.paragraph(item, "List Bullet")

    def placeholder(self, what: str) -> None:
        """Text the council writes: marked as such, highlighted, so it cannot go out unnoticed."""
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(f"[PLACEHOLDER - to be written by the council: {what}]")
        run.italic = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def supplied_text(self, text: str) -> None:
        """A text the council supplied: paragraphs at blank lines; lines starting '- ' or '• '
        are bullet points."""
        for block in clean(text).replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            if lines and all(line[:2] in ("- ", "• ") for line in lines):
                self.bullets([line[2:].strip() for line in lines])
            elif lines:
                self.paragraph(" ".join(lines))

    # -- page set-up -------------------------------------------------------------------------

    def new_page_section(self, landscape: bool) -> None:
        """Start a new page in a new section, turned to ``landscape`` or portrait."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        wide = section.page_width > section.page_height
        if wide != landscape:
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width

    def text_width_cm(self) -> float:
        section = self.document.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / Cm(1)

    def grid(self, relative: Sequence[float], font_size: float = 8, max_width_cm: float | None = None) -> Grid:
        """A table whose column widths are ``relative`` shares of the text width (at most
        ``max_width_cm``)."""
        width = min(self.text_width_cm(), max_width_cm or float("inf"))
        scale = width / sum(relative)
        return Grid(self.document, [w * scale for w in relative], font_size=font_size,
                    header_fill=self.header_fill, header_font=self.header_font)

    # -- how statuses look -------------------------------------------------------------------

    def rag_look(self, rag: Rag, align: str = "center") -> Look:
        style = self.template.style("rag", rag.value)
        return Look(fill=style["fill"] if rag is not Rag.NO_TARGET else None, font=style["font"], align=align)

    def quartile_look(self, quartile: int | None) -> Look:
        style = self.template.style("quartile", str(quartile) if quartile else "none")
        return Look(fill=style.get("fill"), font=style.get("font"), align="center")

    def dot_look(self, rag: Rag) -> Look:
        return Look(font=self.template.style("rag", rag.value)["symbol"], bold=True, align="center")

    def status_cells(self, score: Score) -> list[tuple[str, Look]]:
        """Performance vs target (word on its colour), DOT (arrow and word in the RAG's
        colour), comparative (quartile word on its colour)."""
        return [(rag_word(self.template, score.rag), self.rag_look(score.rag)),
                (dot_text(self.template, score.dot), self.dot_look(score.rag)),
                (comparative_text(self.template, score.quartile, self.card.data.benchmarks.get(score.ref)),
                 self.quartile_look(score.quartile))]

    def trend(self, score: Score) -> str:
        return trend_text(self.template, score.trend)
