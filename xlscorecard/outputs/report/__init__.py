"""The committee report: the quarterly Performance Report appendix as a Word document.

``write_report(data, path)`` lays out the same scored framework as the scorecard (the same
:class:`~xlscorecard.outputs.scorecard.ScorecardData`, through the same
:class:`~xlscorecard.outputs.scorecard.data.Scorecard`), as seed 003 is laid out: a title page
and contents, the introduction, the explanatory note, the executive summary, then per priority
its Performance Indicator Summary, overview and commentary, and a conclusion.

Written with python-docx: the document is built from data (any number of priorities, tables of
any length, a cell's colour set from the template), which docxtpl's Jinja templates would have
to express as loops over raw XML; and text set through python-docx is always text, where a
Jinja template interpolates it into XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.shared import Cm, Pt

from ..scorecard import ScorecardData, Template, load_template
from ..scorecard.data import Scorecard
from .context import ReportContext
from .document import open_base, save, set_properties
from .front import contents, conclusion, fill_contents, explanatory_note, introduction, page_number_footer, title_page
from .priority import priority_section
from .summary import executive_summary

__all__ = ["ReportText", "write_report"]

TITLE = "Performance Report"
# A document of our own is A4 with 2 cm margins, as a UK council's committee papers are.
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)


@dataclass(frozen=True)
class ReportText:
    """What the council writes itself: ``None`` leaves a marked placeholder."""

    introduction: str | None = None
    conclusion: str | None = None


def write_report(data: ScorecardData, path: str | Path, template: Template | None = None, *,
                 docx_template: str | Path | None = None, text: ReportText = ReportText()) -> Path:
    """Write the Performance Report for ``data`` to ``path`` (a .docx); returns the path.

    ``docx_template`` is the council's Word template (.docx or .dotx): its styles, headers,
    footers and page set-up are used. The same inputs always give the same bytes.
    """
    path = Path(path)
    card = Scorecard(data, template or load_template())
    document = open_base(docx_template)
    if docx_template is None:
        section = document.sections[0]
        section.page_width, section.page_height = A4
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
        normal = document.styles["Normal"].font
        normal.name, normal.size = card.template.settings["fonts"]["name"], Pt(card.template.settings["fonts"]["size"] + 1)
    report = ReportContext(document, card)
    title_page(report, TITLE)
    contents_anchor = contents(report)
    introduction(report, text.introduction)
    explanatory_note(report)
    report.new_page_section(landscape=False)
    executive_summary(report)
    for group, summary in zip(card.groups, card.summaries):
        priority_section(report, group, summary)
    report.new_page_section(landscape=False)
    conclusion(report, text.conclusion)
    if docx_template is None:
        page_number_footer(report, f"{card.council} - {TITLE}, {card.period.long_label}")
    fill_contents(report, contents_anchor)
    set_properties(document, title=f"{TITLE}, {card.period.long_label}", subject=f"{card.council} performance",
                   author=card.council, when=card.created)
    save(document, path)
    return path
