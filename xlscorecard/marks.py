"""Marks on the files xlscorecard writes, so that it never reads them back as returns.

A scorecard, a records file or a history left in the returns folder (the default place when the
tool is run from inside it, or watched there) would otherwise be read as a return: the old
scorecard's figures would "conflict" with an officer's correction. Each output carries a mark
in its content, and :func:`written_by_xlscorecard` recognises it, whatever the file is called:

- a scorecard workbook: the custom document property :data:`WORKBOOK_PROPERTY` (and, for
  scorecards written before it existed, the description "Written by xlscorecard");
- records: the CSV's first line is exactly the records' header; the JSON's first record has
  exactly the records' keys in order; Parquet's file metadata has the key :data:`PARQUET_KEY`;
- the history: SQLite's ``application_id`` (:data:`APPLICATION_ID`); its rollback journal,
  named after it, while a run writes it.

A return template (``xlscorecard template``) is an input and carries no mark.
"""

from __future__ import annotations

import json
import os
import re
import struct
import zipfile
from pathlib import Path

APPLICATION_ID = 0x58534331  # "XSC1", in the SQLite header at offset 68
SQLITE_MAGIC = b"SQLite format 3\x00"
WORKBOOK_PROPERTY = "xlscorecard output"  # its value says what the workbook is ("scorecard")
LEGACY_DESCRIPTION = b"<dc:description>Written by xlscorecard</dc:description>"
PARQUET_KEY = b"xlscorecard output"
JOURNAL_SUFFIXES = ("-journal", "-wal", "-shm")
# A document-properties part larger than this is no xlscorecard output (and is not unpacked).
_MAX_PROPERTIES_BYTES = 1 << 20
_HEAD_BYTES = 1 << 16


def records_header(columns: tuple[str, ...] | None = None) -> bytes:
    """The first line of a records CSV, as :mod:`xlscorecard.outputs.records` writes it (UTF-8
    with BOM), for its present columns or for ``columns``."""
    from .outputs.records import COLUMNS
    return b"\xef\xbb\xbf" + ",".join(columns or COLUMNS).encode("ascii") + b"\r\n"


def _records_columns() -> tuple[tuple[str, ...], ...]:
    from .outputs.records import COLUMNS, EARLIER_COLUMNS
    return (COLUMNS, *EARLIER_COLUMNS)


def written_by_xlscorecard(path: str | os.PathLike) -> str | None:
    """What xlscorecard output ``path`` is (``"scorecard"``, ``"records"``, ``"history"``,
    ``"history journal"``), or ``None`` for any other file, or one that cannot be read."""
    path = Path(path)
    if path.name.endswith(JOURNAL_SUFFIXES):  # named after the history, and often gone once looked for
        base = path.with_name(re.sub(r"-(journal|wal|shm)$", "", path.name))
        if written_by_xlscorecard(base) == "history":
            return "history journal"
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            if head.startswith(b"PAR1"):
                return "records" if _parquet_marked(handle) else None
    except OSError:
        return None
    if head.startswith(SQLITE_MAGIC):
        return "history" if head[68:72] == struct.pack(">I", APPLICATION_ID) else None
    if head.startswith(b"PK\x03\x04"):
        return _workbook_mark(path)
    if any(head.startswith(records_header(columns)) for columns in _records_columns()):
        return "records"
    if head.lstrip().startswith(b"[") and _json_records(head):
        return "records"
    return None


def _workbook_mark(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            for name in ("docProps/custom.xml", "docProps/core.xml"):
                try:
                    info = archive.getinfo(name)
                except KeyError:
                    continue
                if info.file_size > _MAX_PROPERTIES_BYTES:
                    continue
                data = archive.read(info)
                if name.endswith("custom.xml"):
                    found = re.search(rb'name="' + re.escape(WORKBOOK_PROPERTY.encode()) +
                                      rb'"[^>]*>\s*<vt:lpwstr>([^<]{1,40})</vt:lpwstr>', data)
                    if found:
                        return found.group(1).decode("utf-8", "replace")
                elif LEGACY_DESCRIPTION in data:
                    return "scorecard"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    return None


def _json_records(head: bytes) -> bool:
    """Whether ``head`` starts a JSON list whose first object has exactly the records' keys."""
    text = head.decode("utf-8", "ignore").lstrip()[1:].lstrip()
    try:
        first, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return False
    return isinstance(first, dict) and tuple(first) in _records_columns()


def _parquet_marked(handle) -> bool:
    """Whether a Parquet file's footer (its metadata, which holds the key-value pairs) names the mark."""
    try:
        handle.seek(-8, os.SEEK_END)
        length, magic = struct.unpack("<I4s", handle.read(8))
        if magic != b"PAR1" or length > 16 * _MAX_PROPERTIES_BYTES:
            return False
        handle.seek(-8 - length, os.SEEK_END)
        return PARQUET_KEY in handle.read(length)
    except (OSError, struct.error):
        return False
