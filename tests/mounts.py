"""Small file systems for tests that need a full or a read-only disk: a tmpfs of a few hundred
kilobytes mounted on a test's folder. Mounting needs root (or CAP_SYS_ADMIN); where it is not
possible the test is skipped and says why."""

from __future__ import annotations

import contextlib
import errno
import subprocess
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(path: Path, size_kb: int):
    """A tmpfs of ``size_kb`` kilobytes mounted on ``path`` for the duration of the block."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here ({mounted.stderr.strip() or 'mount failed'}); "
                    "the test needs root to make a disk it can fill")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(disk: Path, leave_bytes: int = 0) -> None:
    """Fill ``disk`` to the last block, then free ``leave_bytes`` again."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    if leave_bytes:
        filler.write_bytes(b"\0" * max(filler.stat().st_size - leave_bytes, 0))


def make_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True)
