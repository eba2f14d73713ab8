"""The front of the report: title page, contents, introduction and the explanatory note with
the keys to the tables' colours and arrows."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt

from ...core.model import Rag
from .context import ReportContext
from .tables import Look

def title_page(report: ReportContext, title: str) -> None:
    card = report.card
    for _ in range(6):
        report.paragraph()
    for text, style in ((card.council, "Subtitle"), (title, "Title"), (card.period.long_label, "Subtitle")):
        paragraph = report.paragraph(text, style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    report.paragraph().add_run().add_break(WD_BREAK.PAGE)


def contents(report: ReportContext):
    """The contents' heading and the paragraph :func:`fill_contents` fills once every heading
    is written."""
    report.heading("Contents", 1, listed=False)
    return report.document.add_paragraph()


def fill_contents(report: ReportContext, anchor) -> None:
    """The contents: headings 1 and 2, each with a page reference field to its bookmark, which
    Word and LibreOffice number as they lay the pages out (the document asks Word to update its
    fields when opened). Not a TOC field: LibreOffice shows a TOC field's text as it was saved,
    and the page numbers cannot be known before the pages are laid out."""
    width = report.text_width_cm()
    entries = []
    for level, text, bookmark in report.listed:
        paragraph = report.document.add_paragraph(style=f"TOC {level}")
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        paragraph.paragraph_format.space_after = Pt(3 if level == 1 else 1)
        paragraph.paragraph_format.space_before = Pt(6 if level == 1 else 0)
        paragraph.add_run(text)
        paragraph.add_run("\t")
        _field(paragraph, f" PAGEREF {bookmark} \\h ", shown="1")
        entries.append(paragraph)
    for paragraph in reversed(entries):
        anchor._p.addnext(paragraph._p)
    anchor._p.getparent().remove(anchor._p)
    if entries:
        entries[-1].add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field: begin, the instruction, separate, the result shown until it is updated, end."""
    _field_mark(paragraph, "begin", dirty=True)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    paragraph.add_run()._r.append(code)
    _field_mark(paragraph, "separate")
    paragraph.add_run(shown)
    _field_mark(paragraph, "end")


def _field_mark(paragraph, kind: str, dirty: bool = False) -> None:
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    if dirty:
        mark.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(mark)


def page_number_footer(report: ReportContext, text: str) -> None:
    """``St Helens Borough Council - Performance Report, Quarter 3 2020/21    Page 4``."""
    footer = report.document.sections[-1].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(f"{text} - Page ")
    run.font.size = Pt(8)
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.text = "1"
    number.append(shown)
    page.append(number)
    paragraph._p.append(page)


def introduction(report: ReportContext, text: str | None) -> None:
    report.heading("Introduction", 1)
    if text and text.strip():
        report.supplied_text(text)
        return
    period = report.card.period.long_label
    report.placeholder(f"the introduction to the Performance Report {period}: the council's commitment to "
                       "performance monitoring, what the period's report covers and any caveats. Pass the text "
                       "with --introduction FILE.txt.")


def conclusion(report: ReportContext, text: str | None) -> None:
    report.heading("Conclusion", 1)
    if text and text.strip():
        report.supplied_text(text)
    else:
        report.placeholder("the conclusion: the overall position and the work under way. Pass the text with "
                           "--conclusion FILE.txt.")


def explanatory_note(report: ReportContext) -> None:
    """What the tables show and how, in the words of the template's key, with the tolerance used."""
    card, template = report.card, report.template
    tolerance = f"{card.tolerance:g}%"
    report.heading("Performance Indicator Tables Explanatory Note", 1)
    report.paragraph("For the tables within the report the following explanation applies:")
    report.bullets([
        "Tier 1 indicators are the high-level strategic indicators; Tier 2 indicators monitor performance at "
        "portfolio and departmental level.",
        f"A Red, Amber, Green (RAG) rating shows whether performance has met or exceeded target (green), did not "
        f"meet target but was within a {tolerance} tolerance (amber), or did not meet target by more than "
        f"{tolerance} (red). Each coloured cell also says so in words. Where there is data but no colour, no "
        "target was set.",
        "The Direction of Travel (DOT) compares the latest % variance from target with that of the previously "
        "reported period; its arrow takes the colour of performance against target.",
        "The '% Variance from Target' column shows the percentage variance between the latest reported value and "
        "the target for that period; positive is always better than target.",
        "The Trend compares the latest value with the value for the same period 12 months earlier.",
        "The Comparative Performance column gives the council's quartile in its comparator group (1st is the top "
        "25%). It reflects the year of the latest comparative data, not the period of this report.",
    ])
    keys = [("Performance vs target", [(template.word("rag", r.value), report.rag_look(r),
                                        template.style("rag", r.value)["key"])
                                       for r in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GAP)]),
            ("Comparative performance", [(template.word("quartile", q), report.quartile_look(int(q)),
                                          template.style("quartile", q)["key"]) for q in ("1", "2", "3", "4")]),
            ("Direction of travel (DOT)", [(f"{template.symbol('dot', k)} {template.word('dot', k)}",
                                            Look(bold=True, align="center"), template.style("dot", k)["key"])
                                           for k in ("improved", "worse", "same", "first")]),
            ("Trend", [(f"{template.symbol('trend', k)} {template.word('trend', k)}", Look(align="center"),
                        template.style("trend", k)["key"]) for k in ("improving", "declining", "same")])]
    for heading, entries in keys:
        report.heading(f"Key - {heading}", 3)
        grid = report.grid([3, 9], font_size=9)
        for word, look, meaning in entries:
            grid.row([(word, look), (meaning, Look())])
