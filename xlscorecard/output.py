"""Writing output files safely: to a temporary file beside the target, then moved into place.

A run that is killed or fails half-way leaves the previous file intact; the temporary file is
named after the machine and process writing it, so that the next run can recognise one left by
a dead process and remove it without touching another run's file in progress.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".xlscorecard-tmp-"
# A temporary file from another machine (on a shared drive) is only removed once it is this old.
STALE_AFTER_SECONDS = 24 * 3600
_OWNER = re.compile(re.escape(TEMP_PREFIX) + r"(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.")


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
        handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{_host()}.{os.getpid()}.", suffix=target.suffix,
                                        dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write in {folder}: {error.strerror or error}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _move_into_place(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


def _move_into_place(temporary: Path, target: Path) -> None:
    try:
        _settle(temporary, target)
        if (temporary.parent / f"~${target.name}").exists():
            raise PermissionError("an Excel lock file shows the file is open")
        os.replace(temporary, target)
    except FileNotFoundError as error:
        raise OutputError(f"cannot write {target}: its temporary file {temporary.name} was removed by another "
                          "program while it was being written; run again") from error
    except PermissionError as error:
        kept = _free_name(target)
        os.replace(temporary, kept)
        raise OutputError(f"{target} is open in another program ({error.strerror or error}); "
                          f"the new file was saved as {kept} instead") from error


def _settle(temporary: Path, target: Path) -> None:
    """Give the new file the permissions a newly created one would have (``mkstemp`` makes it
    private to its owner, and colleagues could not open the scorecard), or the old file's, and
    flush it to disk before it replaces the old file."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    with contextlib.suppress(OSError):
        os.chmod(temporary, mode)
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporary files an interrupted earlier run left behind: those of a process on
    this machine that no longer runs, those of older versions (no owner in the name), and any
    older than :data:`STALE_AFTER_SECONDS`. Another run's file in progress is left alone."""
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        if _is_stale(stale):
            with contextlib.suppress(OSError):
                stale.unlink()


def _is_stale(path: Path) -> bool:
    owner = _OWNER.match(path.name)
    if owner is None:
        return True
    if owner["host"] == _host() and not _running(int(owner["pid"])):
        return True
    try:
        return time.time() - path.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a signal-free check on every platform)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - os.kill would terminate the process on Windows
        import ctypes
        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _free_name(target: Path) -> Path:
    for number in range(2, 1000):
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise OutputError(f"cannot find a free name beside {target}")
