"""Stopping a run cleanly, by Ctrl+C (SIGINT) or by SIGTERM (a service manager, ``kill``).

The command line turns SIGTERM into :class:`Stopped`, a :class:`KeyboardInterrupt`, so that
everything Ctrl+C cleans up is cleaned up the same way: reader processes are ended, temporary
files removed, the history's transaction rolled back. Between the moment a run lets its history
commit and the moment its new files are in place, a stop is held back (:class:`HeldStops`), so a
run is never stopped with its history recorded and its scorecard not yet moved into place: the
stop takes effect when that short step is over.
"""

from __future__ import annotations

import signal
import threading

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """The run was stopped by a signal (``signum``: SIGINT or SIGTERM)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


def stop_on_sigterm() -> None:
    """Make SIGTERM stop this process as Ctrl+C does (only the main thread can install it)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def ignore_stops() -> None:
    """For a helper process: leave stopping to the process that started it, which ends it."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


class HeldStops:
    """Hold back SIGINT and SIGTERM from :meth:`start` until :meth:`release`; a stop that
    arrived meanwhile takes effect on release. Does nothing where signals cannot be masked
    (Windows) or off the main thread."""

    def __init__(self) -> None:
        self._previous: set | None = None

    def start(self) -> None:
        if (self._previous is None and hasattr(signal, "pthread_sigmask")
                and threading.current_thread() is threading.main_thread()):
            self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    @property
    def holding(self) -> bool:
        return self._previous is not None

    def release(self) -> None:
        if self._previous is not None:
            previous, self._previous = self._previous, None
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
