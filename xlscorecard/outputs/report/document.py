"""The Word document the report is written into: the council's template or python-docx's own,
emptied of its body, with the styles the report needs, fixed core properties, saved byte for byte
the same for the same inputs.

A council's template (``--docx-template``) gives its styles, headers, footers and page set-up:
only its body text is removed, and a style it lacks is added (never one it has changed). A Word
template saved as ``.dotx`` is opened as the document it would make.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt

from ...errors import OutputError

DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                  "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
# Zip entries carry the time they were written unless told otherwise: the DOS epoch instead, so
# the bytes do not depend on the clock (as the scorecard's in_memory workbook does).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Styles the report uses, with what a template lacking one gets (base style, size, bold).
NEEDED_STYLES = {
    "Title": ("Normal", 28, True), "Subtitle": ("Normal", 16, False),
    "Heading 1": ("Normal", 16, True), "Heading 2": ("Normal", 13, True), "Heading 3": ("Normal", 11, True),
    "List Bullet": ("Normal", None, False), "TOC 1": ("Normal", None, True), "TOC 2": ("Normal", None, False),
}


def open_base(template: str | Path | None) -> Document:
    """A document to write the report into: python-docx's default, or the council's template
    with its body emptied (its final section properties, headers and footers kept)."""
    if template is None:
        document = docx.Document()
    else:
        document = _open_template(Path(template))
        body = document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    _ensure_styles(document)
    _ask_to_update_fields(document)
    return document


def _open_template(path: Path) -> Document:
    try:
        blob = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            types = package.read("[Content_Types].xml")
            if any(t.encode() in types for t in TEMPLATE_TYPES):  # a .dotx: opened as the document it makes
                blob = _as_document(package, types)
        return docx.Document(io.BytesIO(blob))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise OutputError(f"cannot use the Word template {path}: it is not a Word document or template "
                          f"(.docx, .dotx) that can be read ({error})") from error


def _as_document(package: zipfile.ZipFile, types: bytes) -> bytes:
    for template_type in TEMPLATE_TYPES:
        types = types.replace(template_type.encode(), DOCUMENT_TYPE.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in package.infolist():
            copy.writestr(item, types if item.filename == "[Content_Types].xml" else package.read(item))
    return out.getvalue()


def _ensure_styles(document: Document) -> None:
    styles = document.styles
    names = {s.name for s in styles}
    for name, (base, size, bold) in NEEDED_STYLES.items():
        if name in names:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base] if base in names else None
        if size:
            style.font.size = Pt(size)
        style.font.bold = bold
        if name == "TOC 2":
            style.paragraph_format.left_indent = Pt(12)
        if name.startswith("Heading"):
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(12)


def _ask_to_update_fields(document: Document) -> None:
    """Word fills the contents and page numbers in when the document is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def set_properties(document: Document, *, title: str, subject: str, author: str, when: dt.datetime) -> None:
    """Core properties that depend only on the inputs: the same report has the same ones."""
    core = document.core_properties
    core.title, core.subject, core.author, core.last_modified_by = title, subject, author, author
    core.comments = "Written by xlscorecard"
    core.keywords = core.category = core.identifier = core.content_status = core.version = ""
    core.created = core.modified = core.last_printed = when
    core.revision = 1


def external_links(document: Document) -> list[str]:
    """Every external target the document's parts point to (hyperlinks, linked images): a
    report has none, so a test can say so."""
    found = []
    for part in document.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external or rel.reltype == RT.HYPERLINK:
                found.append(rel.target_ref)
    return found


def save(document: Document, path: Path) -> None:
    """Save with every zip entry dated ``FIXED_ZIP_TIME``, in python-docx's order."""
    written = io.BytesIO()
    document.save(written)
    with zipfile.ZipFile(io.BytesIO(written.getvalue())) as made, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as fixed:
        for item in made.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            fixed.writestr(entry, made.read(item))
