"""Re-consolidate when a return is added or changed: the ``xlscorecard watch`` loop.

File-system events arrive in bursts while Excel saves (a temporary file, a rename, the lock file
``~$name.xlsx``), so changes are debounced: the callback runs once the folder has been quiet
for ``debounce`` seconds and every changed file has stopped growing. Files in subfolders count
as the returns folder's own (they are read, :mod:`xlscorecard.readers.listing`). Lock files, hidden and
temporary files (and those in hidden folders), and the run's own outputs never trigger a run: outputs are known by the mark
xlscorecard puts in them (:mod:`xlscorecard.marks`), wherever they are written. A folder removed
while it is watched stops the watch with one sentence; a folder replaced by another of the same
name (renamed away and made again, or restored from a backup) is watched anew, and read again.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import XlscorecardError
from .marks import written_by_xlscorecard
from .outputs.atomic import TEMP_PREFIX
from .readers.listing import MAX_DEPTH

IGNORED_PREFIXES = ("~$", ".", TEMP_PREFIX)
# Reading a return opens and closes it; only events that change a file count, or every run
# would trigger the next.
CHANGE_EVENTS = {"created", "modified", "moved", "deleted", "closed"}
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", "~", ".sqlite", ".sqlite-journal")


def is_return_candidate(path: Path, ignore: Iterable[Path] = ()) -> bool:
    """Whether a change to ``path`` should trigger a consolidation."""
    name = path.name
    if name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES):
        return False
    return path.resolve() not in {p.resolve() for p in ignore}


class FolderGone(XlscorecardError):
    """The watched folder was removed."""


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if folder.is_dir() else None


def _sizes(paths: Iterable[Path]) -> dict[Path, int]:
    sizes = {}
    for path in paths:
        try:
            sizes[path] = path.stat().st_size
        except OSError:
            sizes[path] = -1  # deleted or being replaced: wait for it to settle
    return sizes


def _in_hidden_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in a hidden subfolder of ``folder`` (which is not read)."""
    try:
        parts = path.relative_to(folder).parts[:-1]
    except ValueError:
        return False
    return any(part.startswith(".") for part in parts)


def snapshot(folder: str | Path) -> dict[Path, tuple[int, int]]:
    """Size and modification time of each file in ``folder`` and its subfolders (not hidden
    ones, and not through links): taken before a first run, it lets :func:`watch` catch a return
    saved while that run was reading."""
    found = {}
    folder = Path(folder)
    if not folder.is_dir():  # gone: watch() says so
        return found
    for top, folders, names in os.walk(folder):
        top = Path(top)
        depth = len(top.relative_to(folder).parts)
        folders[:] = sorted(name for name in folders if not name.startswith(".") and depth < MAX_DEPTH)
        for name in names:
            path = top / name
            try:
                if path.is_file():
                    info = path.stat()
                    found[path] = (info.st_size, info.st_mtime_ns)
            except OSError:
                continue
    return found


def watch(folder: str | Path, on_change: Callable[[set[Path]], None], *, debounce: float = 2.0,
          ignore: Iterable[Path] = (), stop: threading.Event | None = None, poll: float = 0.2,
          since: dict[Path, tuple[int, int]] | None = None, on_note: Callable[[str], None] | None = None) -> None:
    """Call ``on_change(changed_paths)`` after each settled burst of changes in ``folder``,
    until ``stop`` is set (or for ever). Files that differ from the :func:`snapshot` ``since``
    when watching starts count as changed. ``on_note`` is told when the folder is replaced;
    :class:`FolderGone` is raised when it is removed."""
    folder = Path(folder)
    ignore = tuple(Path(p) for p in ignore)
    stop = stop or threading.Event()
    pending: set[Path] = set()
    lock = threading.Lock()
    try:
        identity = _identity(folder)
        observer = _observe(folder, ignore, pending, lock)
        if identity is None or observer is None:
            raise _gone(folder)
        if since is not None:
            now = snapshot(folder)
            with lock:
                pending.update(p for p in set(now) | set(since)
                               if now.get(p) != since.get(p) and is_return_candidate(p, ignore))
        _watch_loop(folder, on_change, debounce, ignore, stop, poll, pending, lock, identity, observer, on_note)
    except FileNotFoundError:  # the folder went between two looks at it
        if _identity(folder) is None:
            raise _gone(folder) from None
        raise


def _watch_loop(folder, on_change, debounce, ignore, stop, poll, pending, lock, identity, observer, on_note):
    try:
        last_sizes: dict[Path, int] = {}
        quiet_since = time.monotonic()
        while not stop.wait(poll):
            current = _identity(folder)
            if current is None:
                raise _gone(folder)
            if current != identity:
                identity = current
                _end(observer)
                observer = _observe(folder, ignore, pending, lock)
                if observer is None:
                    raise _gone(folder)
                if on_note is not None:
                    on_note(f"{folder} was replaced by another folder of the same name; watching that one")
                with lock:
                    pending.update(p for p in snapshot(folder) if is_return_candidate(p, ignore))
                    pending.add(folder)  # a run even if the new folder is empty
            with lock:
                changed = set(pending)
            if not changed:
                quiet_since = time.monotonic()
                continue
            sizes = _sizes(changed)
            if sizes != last_sizes:  # still being written
                last_sizes, quiet_since = sizes, time.monotonic()
                continue
            if time.monotonic() - quiet_since >= debounce:
                with lock:
                    pending.difference_update(changed)
                last_sizes = {}
                returns = {p for p in changed if p == folder or written_by_xlscorecard(p) is None}
                if returns:  # not only outputs of the run itself
                    on_change(returns - {folder})
    finally:
        if observer is not None:
            _end(observer)


def _gone(folder: Path) -> FolderGone:
    return FolderGone(f"the folder {folder} was removed while it was watched; watching stopped")


def _observe(folder: Path, ignore: tuple[Path, ...], pending: set[Path], lock: threading.Lock):
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type not in CHANGE_EVENTS:
                return
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                path = Path(raw) if raw else None
                if path is None or folder not in path.parents or _in_hidden_folder(path, folder) \
                        or not is_return_candidate(path, ignore):
                    continue
                if event.is_directory:  # a subfolder of returns moved in, out or away: read the folder again
                    if event.event_type in ("created", "moved", "deleted"):
                        with lock:
                            pending.add(folder)
                    continue
                with lock:
                    pending.add(path)

    observer = Observer()
    try:
        observer.schedule(Handler(), str(folder), recursive=True)
    except OSError:  # the folder is gone
        return None
    observer.start()
    return observer


def _end(observer) -> None:
    try:
        observer.stop()
    except OSError:  # the folder it watched is gone: so is its watch
        pass
    observer.join(timeout=5)
