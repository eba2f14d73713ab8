"""The time a workbook says it was last saved (its core document properties)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from defusedxml import ElementTree

CORE_PROPERTIES = "docProps/core.xml"
MAX_PROPERTIES_BYTES = 1 << 20  # a real core.xml is a few hundred bytes
DCTERMS = "{http://purl.org/dc/terms/}"


def workbook_saved_time(path: str | Path) -> dt.datetime | None:
    """``dcterms:modified`` of an .xlsx/.xlsm workbook as a UTC datetime; ``None`` when the file
    is not such a workbook or does not say (nothing is raised: this is a nicety, not a check)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(CORE_PROPERTIES)
            if info.file_size > MAX_PROPERTIES_BYTES:
                return None
            root = ElementTree.fromstring(archive.read(info))
    except Exception:  # noqa: BLE001 - an unreadable property is simply not known
        return None
    text = (root.findtext(f"{DCTERMS}modified") or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
