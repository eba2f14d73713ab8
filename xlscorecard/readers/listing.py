"""Which entries of a returns folder are read as returns, and a finding for each one that is not.

The folder's files are read, and those of its subfolders (walked down to :data:`MAX_DEPTH`
levels), in the order of their paths relative to the folder. Nothing is opened before its type
is known from the folder entry itself, so a named pipe or a device can never block a run. A link
is followed only to a file or folder inside the folder (a link to ``/etc/shadow`` is named in a
finding, never read), and a linked folder is walked only when it has not been walked already, so
a link back up the folder cannot loop; a broken or looping link, a pipe, a device, a hidden entry
(a hidden folder is not walked) and a folder too deep each get a finding. Files xlscorecard wrote
(a scorecard, records, a history: :mod:`xlscorecard.marks`) are skipped wherever they sit,
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

# Levels of subfolders below the returns folder that are walked; a folder deeper than that gets a
# finding (returns are kept a level or two down, by service; deeper is a copied drive).
MAX_DEPTH = 8
_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True)
class Listing:
    """The files of a folder and its subfolders to read, in the order of their paths relative to
    the folder, and the findings for the entries that are not read. ``shown`` gives the name to show for a file whose name is not valid UTF-8."""

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
    """The entries of ``folder`` and of its subfolders, sorted by their path relative to it, each
    to read or explained."""
    folder = Path(folder)
    walk = _Walk(folder)
    try:
        names = _names(folder)
    except OSError as error:  # removed meanwhile (watch), or not a folder at all
        raise ReturnError(f"the returns folder {display(folder)} cannot be read: {error.strerror or error}") from error
    walk.entries(folder, names, 0)
    walk.follow_links()
    found = sorted(walk.found, key=lambda item: item[0])
    files = tuple(entry for _, entry in found if isinstance(entry, Path))
    findings = tuple(entry for _, entry in found if isinstance(entry, Finding))
    shown = {path: display(path) for path in files if display(path) != str(path)}
    return Listing(folder, files, findings, shown)


def _names(folder: Path) -> list[str]:
    with os.scandir(folder) as entries:
        return sorted(entry.name for entry in entries)


class _Walk:
    """One listing's walk: the files and findings found so far, each under its path relative to
    the returns folder; the folders walked (by their real path, so that none is walked twice);
    and the links inside the folder, followed once every folder itself has been walked."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.real_folder = Path(os.path.realpath(folder))
        self.found: list[tuple[tuple[str, ...], Path | Finding]] = []
        self.walked: set[Path] = {self.real_folder}
        self.read: set[Path] = set()  # the real path of each file to read
        self.links: list[tuple[tuple[str, ...], Path, Path, os.stat_result, int]] = []

    def key(self, path: Path) -> tuple[str, ...]:
        for base in (self.folder, self.real_folder):
            try:
                return path.relative_to(base).parts
            except ValueError:
                continue
        return path.parts

    def note(self, path: Path, severity: Severity, message: str, action: str | None) -> None:
        self.found.append((self.key(path), Finding(severity, message, Source(display(path)), action=action)))

    def add(self, path: Path, key_of: Path | None = None) -> None:
        real = Path(os.path.realpath(path))
        if real in self.read:  # reached again through a linked folder
            return
        self.read.add(real)
        self.found.append((self.key(key_of or path), path))

    def entries(self, folder: Path, names: list[str], depth: int) -> None:
        """Each entry of ``folder``, ``depth`` levels below the returns folder."""
        for name in names:
            path = folder / name
            outcome = self.examine(path, depth)
            if outcome is not None:
                self.note(path, *outcome)

    def examine(self, path: Path, depth: int) -> tuple[Severity, str, str | None] | None:
        """Why the entry ``path`` is not read, or ``None`` when it is read (or walked, or its
        link is to be followed)."""
        try:
            info = os.lstat(path)
        except OSError as error:
            if path.name.startswith("."):
                return Severity.INFO, "hidden file skipped", None
            return Severity.WARNING, f"cannot be looked at ({error.strerror or error})", "not read"
        if path.name.startswith("."):
            if stat.S_ISDIR(info.st_mode):
                return Severity.INFO, "hidden folder skipped", "its files are not read"
            return Severity.INFO, "hidden file skipped", None
        if path.name.startswith("~$") and stat.S_ISREG(info.st_mode):  # not a return: never counted as one
            return Severity.INFO, "Excel lock file (someone has the workbook open)", "file skipped"
        if stat.S_ISLNK(info.st_mode):
            try:
                target = Path(os.path.realpath(path, strict=True))
                info = os.stat(target)
            except OSError as error:
                kind = "a link that loops back on itself" if error.errno == errno.ELOOP else "a broken link"
                return Severity.WARNING, f"{kind} (to {display(os.readlink(path))})", "not read"
            if target != self.real_folder and self.real_folder not in target.parents:
                return (Severity.ERROR, f"a link to {display(target)}, outside the returns folder",
                        "not followed; copy the return into the folder")
            if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
                # Followed once every folder is walked: then it is known whether its target is read as itself.
                self.links.append((self.key(path), path, target, info, depth))
                return None
        if stat.S_ISDIR(info.st_mode):
            return self.subfolder(path, path, depth + 1)
        return self.file(path, info)

    def file(self, path: Path, info: os.stat_result, key_of: Path | None = None):
        kind = _kind(info.st_mode)
        if kind is not None:
            return Severity.WARNING, f"not a file ({kind})", "not read"
        own = written_by_xlscorecard(path)
        if own is not None:
            return Severity.INFO, f"{own} written by xlscorecard", "skipped: an output is never read as a return"
        self.add(path, key_of)
        return None

    def subfolder(self, path: Path, real: Path, depth: int):
        """Walk the folder ``path`` (whose real path is ``real``), ``depth`` levels down."""
        if depth > MAX_DEPTH:
            return (Severity.WARNING, f"a folder more than {MAX_DEPTH} levels below the returns folder",
                    "its files are not read; move the returns nearer the top of the folder")
        real = Path(os.path.realpath(real))
        if real in self.walked:
            return None
        self.walked.add(real)
        try:
            names = _names(path)
        except OSError as error:
            return Severity.WARNING, f"a folder that cannot be read ({error.strerror or error})", "not read"
        self.entries(path, names, depth)
        return None

    def follow_links(self) -> None:
        """Follow the links inside the folder: a linked folder not walked yet is walked (which may
        find more links), then each linked file not read as itself is read where it leads."""
        while self.links:
            self.links.sort(key=lambda link: link[0])
            folders = [link for link in self.links if stat.S_ISDIR(link[3].st_mode)]
            files = [link for link in self.links if not stat.S_ISDIR(link[3].st_mode)]
            self.links = []
            for _, path, target, info, depth in folders:
                outcome = self.linked_folder(path, target, depth)
                if outcome is not None:
                    self.note(path, *outcome)
            if self.links:  # found in the folders just walked: followed before any file link
                self.links.extend(files)
                continue
            for _, path, target, info, depth in files:
                if target in self.read:
                    outcome = (Severity.INFO, f"a link to {self.relative(target)}, which is read as itself",
                               "not read twice")
                else:  # read where it leads, not through a link that could be changed meanwhile
                    outcome = self.file(target, info, key_of=path)
                if outcome is not None:
                    self.note(path, *outcome)

    def linked_folder(self, path: Path, target: Path, depth: int):
        if target == self.real_folder or target in Path(os.path.realpath(path.parent)).parents or \
                target == Path(os.path.realpath(path.parent)):
            return (Severity.WARNING, f"a link back to {self.relative(target)}, which holds it (a loop)",
                    "not followed: its files are read once, where they are")
        if target in self.walked:
            return Severity.INFO, f"a link to the folder {self.relative(target)}, which is read as itself", "not read twice"
        return self.subfolder(target, target, depth + 1)

    def relative(self, target: Path) -> str:
        """A real path inside the returns folder as the reader knows it: relative to the folder."""
        if target == self.real_folder:
            return "the returns folder"
        return display(target.relative_to(self.real_folder).as_posix())
