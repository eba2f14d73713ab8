"""Before any work: the files a command will write, resolved and checked against what it reads.

No output is an input. Each output (the scorecard, the records, the history, by option or by
default) is resolved and compared with every input (each file in the returns folder that
xlscorecard did not write, the register, the template) and with the other outputs: a clash is a
:class:`~xlscorecard.errors.UsageError` naming both, and nothing is written. Then each output
must be writable: its folder exists and takes new files, an existing output is a plain file that
is neither read-only nor open in Excel, records have a known extension, and an existing history
is one this version can use. Each of these is found before any return is read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, UsageError, WrongOutputType
from .outputs.atomic import TEMP_PREFIX, is_read_only, lock_file, write_problem
from .readers.listing import Listing, display, file_kind, require_file
from .core.model import file_shown


@dataclass(frozen=True)
class Output:
    """A file a command will write. ``label`` names it as the user gave it (``--out s.xlsx``);
    ``kind`` is ``scorecard``, ``records``, ``history`` or ``template``."""

    path: Path
    label: str
    kind: str


@dataclass(frozen=True)
class Input:
    """A file a command reads, named as the user would recognise it."""

    path: Path
    label: str


# Outputs xlscorecard writes as .xlsx workbooks: any other extension would make a file Excel refuses.
WORKBOOK_OUTPUTS = ("scorecard", "template")


def output(kind: str, given: str | os.PathLike | None, option: str, default: Path | None = None) -> Output | None:
    """The output of ``option`` (``--out``), or its default when the option was not given."""
    if given is not None:
        return Output(Path(given), f"{option} {display(given)}", kind)
    if default is not None:
        return Output(default, f"the {kind} {display(default)} (the default for {option})", kind)
    return None


def inputs_of(listing: Listing | None = None, **named: str | os.PathLike | None) -> list[Input]:
    """The inputs of a run: each file of ``listing`` (the returns folder) and each of ``named``
    given (``register=…``, ``template=…``), which must be plain files (a named pipe would block
    the run: it is a usage error)."""
    found = []
    for name, path in named.items():
        if path is None:
            continue
        require_file(path, name)
        found.append(Input(Path(path), f"the {name} {display(path)}"))
    if listing is not None:
        found += [Input(path, f"the file {display(file_shown(listing.name_of(path), listing.folder))} in the returns folder "
                              f"{display(listing.folder)}")
                  for path in listing.files]
    return found


def check_outputs(outputs: Iterable[Output | None], inputs: Sequence[Input]) -> None:
    """Raise :class:`UsageError` if an output is an input or another output, and
    :class:`OutputError` if an output cannot be written; nothing has been written either way."""
    outputs = [o for o in outputs if o is not None]
    keys = {id(i): _identity(i.path) for i in inputs}
    for n, out in enumerate(outputs):
        mine = _identity(out.path)
        for other in outputs[:n]:
            if _same(mine, _identity(other.path)):
                raise UsageError(f"{other.label} and {out.label} are the same file; give each output its own "
                                 "name (nothing was written)")
        for source in inputs:
            if _same(mine, keys[id(source)]):
                raise UsageError(f"{out.label} is {source.label}: an output never overwrites an input, so "
                                 "nothing was written; choose another file name")
    for out in outputs:
        _check_writable(out)


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """The resolved path, and the (device, inode) of the file when it exists (a hard link, or a
    name written in another case on a case-insensitive disk, is the same file)."""
    try:
        info = os.stat(path)
        inode = (info.st_dev, info.st_ino)
    except OSError:
        inode = None
    return os.path.normcase(os.path.realpath(path)), inode


def _same(a, b) -> bool:
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


def _check_writable(out: Output) -> None:
    path = out.path
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {display(path)}: the folder {display(folder)} does not exist "
                          "(nothing was written)")
    _probe(folder, path)
    if os.path.lexists(path):
        kind = file_kind(path)
        if kind is not None:
            raise UsageError(f"{out.label} is {kind}, not a file; choose another file name (nothing was written)")
        if is_read_only(path):
            raise OutputError(f"{display(path)} is read-only: it was left as it was and nothing was written; make "
                              "it writable or choose another file name")
    lock = lock_file(path)
    if lock.exists():
        raise OutputError(f"{display(path)} is open in Excel (its lock file {display(lock.name)} is beside it): "
                          "close it and run again, or choose another file name; nothing was written")
    if out.kind in WORKBOOK_OUTPUTS and path.suffix.lower() != ".xlsx":
        raise WrongOutputType(f"{out.label}: the {out.kind} is an Excel workbook; give it a .xlsx name "
                              "(nothing was written)")
    if out.kind == "records":
        from .outputs.records import check_records_path
        check_records_path(path)
    elif out.kind == "history":
        from .history import check_history_file
        check_history_file(path)


def _probe(folder: Path, path: Path) -> None:
    """Create and remove a file in ``folder``: whether it takes new files is known only by trying
    (permissions, a read-only disk, a full one)."""
    try:
        handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}probe.", dir=folder)
    except OSError as error:
        raise OutputError(write_problem(path, error, "nothing was written")) from error
    os.close(handle)
    os.unlink(name)

