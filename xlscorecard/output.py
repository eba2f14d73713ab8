"""Writing output files safely: to a temporary file beside the target, then moved into place.

A run that is killed or fails half-way leaves the previous file intact; the temporary file is
named so that the next run can recognise and remove it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".xlscorecard-tmp-"


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success move it onto ``target``.

    If ``target`` cannot be replaced (open in Excel on Windows, or an Excel lock file
    ``~$name`` sits beside it), the new file is kept under a non-clashing name and
    :class:`OutputError` says where.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    remove_stale_temporaries(folder)
    try:
        handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write in {folder}: {error.strerror or error}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        if (folder / f"~${target.name}").exists():
            raise PermissionError("an Excel lock file shows the file is open")
        os.replace(temporary, target)
    except PermissionError as error:
        kept = _free_name(target)
        os.replace(temporary, kept)
        raise OutputError(f"{target} is open in another program ({error.strerror or error}); "
                          f"the new file was saved as {kept} instead") from error
    finally:
        if temporary.exists():
            temporary.unlink()


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporary files an interrupted earlier run left behind."""
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _free_name(target: Path) -> Path:
    for number in range(2, 1000):
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise OutputError(f"cannot find a free name beside {target}")
