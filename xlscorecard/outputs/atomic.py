"""Writing output files safely: to a temporary file beside the target, then moved into place.

A run that is killed or fails half-way leaves the previous file intact; the temporary file is
named after the machine and process writing it, so that the next run can recognise one left by
a dead process and remove it without touching another run's file in progress.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError

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
    staged = Staged(target)
    try:
        yield staged.temporary
        staged.place()
    finally:
        staged.discard()


class Staged:
    """A new file for ``target``, written to a temporary file beside it, that replaces
    ``target`` only when :meth:`place` is called; :meth:`discard` removes it if it was not."""

    def __init__(self, target: str | os.PathLike):
        self.target = Path(target)
        folder = self.target.parent if str(self.target.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"cannot write {self.target}: the folder {folder} does not exist")
        remove_stale_temporaries(folder)
        try:
            handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{_host()}.{os.getpid()}.",
                                            suffix=self.target.suffix, dir=folder)
        except OSError as error:
            raise OutputError(f"cannot write in {folder}: {error.strerror or error}") from error
        try:
            os.close(handle)
            self.temporary = Path(name)
        except BaseException:  # stopped at this very moment: leave nothing behind
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """Yield the temporary path to write to; an I/O error while writing (a full disk) becomes
        one :class:`OutputError` sentence that names the target, not the temporary file."""
        try:
            yield self.temporary
        except OutputError as error:
            cause = _os_error_in(error)
            if cause is not None and not isinstance(cause, PermissionError):
                raise OutputError(write_problem(self.target, cause, "nothing was written")) from cause
            raise
        except OSError as error:
            raise OutputError(write_problem(self.target, error, "nothing was written")) from error

    def place(self) -> None:
        """Move the new file onto the target (see :func:`atomic_output` when that is refused)."""
        _move_into_place(self.temporary, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            if self.temporary.exists():
                self.temporary.unlink()


def _os_error_in(error: BaseException) -> OSError | None:
    """The I/O error behind ``error``, through the errors that wrap it (xlsxwriter's
    ``FileCreateError`` holds it as its argument)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError):
            return error
        inner = next((arg for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)), None)
        error = error.__cause__ or inner or error.__context__
    return None


def write_problem(target: Path, error: OSError, outcome: str = "it was left as it was") -> str:
    """One sentence for an I/O error while writing ``target``, ending with ``outcome``."""
    reasons = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
               errno.EROFS: "the disk is read-only", errno.EIO: "a disk input/output error",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied"}
    reason = reasons.get(error.errno, error.strerror or str(error))
    return f"cannot write {target}: {reason} ({error.strerror or error}); {outcome}"


def is_read_only(path: Path) -> bool:
    """Whether an existing file is marked read-only (no write permission bit at all, or this
    user may not write it): replacing it would defeat the point of marking it so."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def lock_file(target: Path) -> Path:
    """The lock file Excel keeps beside a workbook it has open."""
    return target.parent / f"~${target.name}"


def _move_into_place(temporary: Path, target: Path) -> None:
    try:
        _settle(temporary, target)
        if is_read_only(target):
            raise OutputError(f"{target} is read-only; the new file was not moved onto it "
                              f"(make it writable, or choose another file name)")
        if lock_file(target).exists():
            raise PermissionError("an Excel lock file shows the file is open")
        os.replace(temporary, target)
    except FileNotFoundError as error:
        raise OutputError(f"cannot write {target}: its temporary file {temporary.name} was removed by another "
                          "program while it was being written; run again") from error
    except PermissionError as error:
        kept = _free_name(target)
        os.replace(temporary, kept)
        raise OutputError(f"{target} is open in another program ({error.strerror or error}); "
                          f"the new file was saved as {kept} instead", kept=kept) from error
    except OSError as error:
        raise OutputError(write_problem(target, error)) from error


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
