"""The workbook fit to publish: ``consolidate --profile publish``.

``write_publish_workbook(data, path)`` writes the scorecard's figures as the UK Government
Analysis Function's guidance on releasing statistics in spreadsheets asks (as gptables, the ONS
package, does): a cover sheet, a contents sheet linking to every sheet, a notes sheet, then one
sheet per table (see :mod:`.layout`). The print scorecard (:mod:`..scorecard`) breaks some of
those rules on purpose, for paper and for managers: merged band headers, a printed footer,
frozen panes, cell comments, arrows.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from xlsxwriter.workbook import Workbook

from ...marks import WORKBOOK_PROPERTY
from ..scorecard import WORKBOOK_OPTIONS, ScorecardData, cannot_write, close_workbook
from ..scorecard.data import Scorecard
from ..scorecard.style import Template, load_template
from .content import PublishContent
from .layout import NOT_APPLICABLE, long_date, NOT_AVAILABLE, ONE_TABLE, Column, Link, PublishFormats, PublishSheets, TableSheet

__all__ = ["write_publish_workbook"]

LANGUAGE = "en-GB"


def write_publish_workbook(data: ScorecardData, path: str | Path, template: Template | None = None) -> Path:
    """Write the publish workbook for ``data`` to ``path``; returns the path written.

    The same data and template give the same bytes. Raises :class:`OutputError` when the file
    cannot be created (most often because it is open in Excel).
    """
    path = Path(path)
    card = Scorecard(data, template or load_template())
    written = io.BytesIO()  # the language is added to the finished file before it is saved
    workbook = Workbook(written, WORKBOOK_OPTIONS)
    title = f"{card.council} performance indicators, {card.period.long_label}"
    workbook.set_properties({
        "title": title, "subject": f"{card.council} performance against target, {card.period.long_label}",
        "author": card.council, "company": card.council, "keywords": "performance indicators, scorecard",
        "comments": "Written by xlscorecard", "created": card.created,
    })
    workbook.set_custom_property(WORKBOOK_PROPERTY, "scorecard")  # never read back as a return (marks.py)
    taken = {"cover", "contents", "notes"}
    content = PublishContent(card, taken)
    tables = content.sheets()  # built first: the notes are numbered as the tables refer to them
    notes = _notes_sheet(content, taken)
    writer = PublishSheets(workbook, PublishFormats(workbook, card.template))
    writer.text_sheet("Cover", title, _cover(card, tables))
    writer.table_sheet(_contents(card, [notes, *tables]))
    for sheet in (notes, *tables):
        writer.table_sheet(sheet)
    close_workbook(workbook, path)
    try:
        path.write_bytes(with_language(written.getvalue(), LANGUAGE))
    except OSError as error:
        raise cannot_write(path, error) from error
    return path


def with_language(xlsx: bytes, language: str) -> bytes:
    """The workbook with its document language set (``dc:language`` in docProps/core.xml), which
    the guidance asks for beside the title and XlsxWriter does not write. Every other part, and
    each part's date and compression, is kept as it was, so the bytes stay reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml" and b"<dc:language>" not in data:
                data = data.replace(b"</cp:coreProperties>",
                                    f"<dc:language>{language}</dc:language></cp:coreProperties>".encode())
            target.writestr(entry, data)
    return out.getvalue()


def _cover(card: Scorecard, tables: list[TableSheet]):
    period = card.period
    indicators = sum(len(g.rows) for g in card.groups)
    contact = (card.template.settings.get("publish", {}).get("contact") or "").strip()
    return [
        (None, [f"How {card.council} performed against the targets of its performance indicators in "
                f"{period.long_label}, by priority."]),
        ("About these data", [
            f"Reporting period: {period.long_label}, {long_date(period.start_date)} to {long_date(period.end_date)}.",
            f"Coverage: {indicators} indicators in {len(card.groups)} priorities.",
            f"Source: the performance returns the council's services sent for the period, consolidated with "
            f"xlscorecard. {card.as_of}.",
            f"Headline: {card.headline}",
        ]),
        ("What the sheets hold", [
            "Contents: a link to every sheet.",
            "Notes: the notes the tables refer to, written as [note 1], [note 2] and so on.",
            *(f"{sheet.name}: {sheet.about}." for sheet in tables),
        ]),
        ("Shorthand", [f"{NOT_AVAILABLE} means not available: the figure was due but not sent, or is not known.",
                       f"{NOT_APPLICABLE} means not applicable: no figure is expected in that cell."]),
        ("Contact", [contact or f"The performance team of {card.council}."]),
    ]


def _notes_sheet(content: PublishContent, taken: set[str]) -> TableSheet:
    return TableSheet("Notes", "Notes", "Notes", "the notes the tables refer to",
                      (ONE_TABLE, "Each note is referred to as [note 1], [note 2] and so on in the other sheets."),
                      (Column("Note number", width=14), Column("Note text", width=100)),
                      [list(note) for note in content.notes.numbered()])


def _contents(card: Scorecard, sheets: list[TableSheet]) -> TableSheet:
    """The contents table: each sheet's name and its title, the title a link to the sheet."""
    rows = [["Cover", Link(f"Cover: {card.council} performance indicators, {card.period.long_label}", "Cover")]]
    rows += [[sheet.name, Link(sheet.title, sheet.name)] for sheet in sheets]
    return TableSheet("Contents", "Contents", "Contents", "a link to every sheet",
                      (ONE_TABLE, "Select a title to go to its sheet."),
                      (Column("Worksheet name", width=22), Column("Title, linked to the worksheet", width=80)),
                      rows)
