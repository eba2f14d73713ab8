"""Which entries of a returns folder are read as returns, and a finding for each one that is not.

Only the folder's own files are read. Nothing is opened before its type is known from the
folder entry itself, so a named pipe or a device can never block a run. A link is followed only
to a file inside the folder (a link to ``/etc/shadow`` is named in a finding, never read); a
broken or looping link, a pipe, a device and a subfolder each get a finding. Files xlscorecard
wrote (a scorecard, records, a history: :mod:`xlscorecard.marks`) are skipped wherever they sit,
whatever they are called. A file name that is not valid UTF-8 is read, and shown with
replacement characters.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReturnError, UsageError
from ..marks import written_by_xlscorecard
from ..core.model import Finding, Severity, Source

_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True)
class Listing:
    """The files of a folder to read, in name order, and the findings for the entries that are
    not read. ``shown`` gives the name to show for a file whose name is not valid UTF-8."""

    folder: Path
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]
    shown: Mapping[Path, str] = field(default_factory=dict)

    def name_of(self, path: Path) -> str:
        return self.shown.get(path, str(path))


def display(path: str | os.PathLike) -> str:
    """``path`` as text that can be printed and written anywhere: bytes of a file name that are
    not UTF-8 become replacement characters.

    >>> display(os.fsdecode(b"returns/r\\xe9sum\\xe9.csv"))
    'returns/r\ufffdsum\ufffd.csv'
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return text


def file_kind(path: str | os.PathLike) -> str | None:
    """What ``path`` is (following links) when it is something other than a file: ``"a folder"``,
    ``"a named pipe"``, ``"a socket"``, a device. ``None`` for a file, or when nothing is there.
    Nothing is opened, so a pipe cannot block."""
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return None


def require_file(path: str | os.PathLike, name: str) -> None:
    """Raise :class:`UsageError` if the ``--name`` argument ``path`` is not a file (reading a
    named pipe would wait for ever)."""
    kind = file_kind(path)
    if kind is not None:
        raise UsageError(f"--{name} {display(path)} is {kind}, not a file; pass the {name} file itself")


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((said for test, said in _SPECIAL if test(mode)), "an unknown kind of entry")


def list_folder(folder: str | os.PathLike) -> Listing:
    """The entries of ``folder`` (not its subfolders) sorted by name, each to read or explained."""
    folder = Path(folder)
    real_folder = Path(os.path.realpath(folder))
    files: list[Path] = []
    findings: list[Finding] = []
    shown: dict[Path, str] = {}
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as error:  # removed meanwhile (watch), or not a folder at all
        raise ReturnError(f"the returns folder {display(folder)} cannot be read: {error.strerror or error}") from error
    for name in names:
        path = folder / name
        text = display(path)
        if text != str(path):
            shown[path] = text
        outcome = _examine(path, real_folder)
        if isinstance(outcome, Path):
            files.append(outcome)
        else:
            severity, message, action = outcome
            findings.append(Finding(severity, message, Source(text), action=action))
    return Listing(folder, tuple(files), tuple(findings), shown)


def _examine(path: Path, real_folder: Path) -> Path | tuple[Severity, str, str | None]:
    """The file to read for the entry ``path`` (a link's target), or why it is not read."""
    if path.name.startswith("."):
        return Severity.INFO, "hidden file skipped", None
    try:
        info = os.lstat(path)
    except OSError as error:
        return Severity.WARNING, f"cannot be looked at ({error.strerror or error})", "not read"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(os.path.realpath(path, strict=True))
            info = os.stat(target)
        except OSError as error:
            kind = "a link that loops back on itself" if error.errno == errno.ELOOP else "a broken link"
            return Severity.WARNING, f"{kind} (to {display(os.readlink(path))})", "not read"
        if target != real_folder and real_folder not in target.parents:
            return (Severity.ERROR, f"a link to {display(target)}, outside the returns folder",
                    "not followed; copy the return into the folder")
        if target.parent == real_folder and stat.S_ISREG(info.st_mode):
            return Severity.INFO, f"a link to {display(target.name)}, which is read as itself", "not read twice"
        path = target  # read where it leads, not through a link that could be changed meanwhile
    if stat.S_ISDIR(info.st_mode):
        return Severity.INFO, "subfolder not read", "returns in subfolders are not read; move them into the folder"
    kind = _kind(info.st_mode)
    if kind is not None:
        return Severity.WARNING, f"not a file ({kind})", "not read"
    own = written_by_xlscorecard(path)
    if own is not None:
        return Severity.INFO, f"{own} written by xlscorecard", "skipped: an output is never read as a return"
    return path
