"""Run a job in a second process while this one goes on, and let it commit only if this one succeeds.

After the returns are read and scored, the scorecard is written (Python work, most of the
time) and the run is stored in the history (mostly SQLite's). On a machine with two cores the
second one would sit idle while the first writes the scorecard, so the history is written by a
forked copy of this process at the same time (a tenth to a fifth of a run, bench/). Where forking is not possible or not safe (Windows and macOS start
processes differently; ``watch`` runs a file-watching thread), the job runs after the block.

The forked copy shares this process's memory only until either writes to a page, and writing
the scorecard touches every indicator, score and value: for as long as the job runs, memory
may approach twice this process's. So the caller forks only when that is modest.

The job is given two callbacks. ``ready()``: this process waits until the job calls it (once the
history is locked for this run) or fails, so a history in use by another run still stops the
run before any scorecard is written. ``go()``: the job calls it when its work is done, before
committing it; it returns once this process's block has succeeded, and raises
:class:`Cancelled` if the block failed (or this process died), so the job's work is rolled back
and a failed run records nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable

from .errors import XlscorecardError
from .stopping import ignore_stops

_READY, _FAILED = b"R", b"F"
_COMMIT = b"C"


class Cancelled(Exception):
    """The block the job ran alongside failed or was stopped: the job must not commit its work."""


def can_fork() -> bool:
    """Whether a job can run in a forked process here (POSIX fork, and no other thread running)."""
    return (hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Alongside:
    """``with Alongside(job):`` runs ``job(ready, go)`` in a forked process while the block runs.

    Entering waits for ``ready()`` and raises the job's error if it fails first; leaving lets
    the job's ``go()`` return (or raise :class:`Cancelled` when the block failed), waits for the
    job to end and raises its error (an error of the block itself wins). ``on_go`` is called in
    this process just before the job is let go on. Without fork, or with ``fork=False``, the job
    runs to its end on leaving, only if the block succeeded.
    """

    def __init__(self, job: Callable[[Callable[[], None], Callable[[], None]], None], *, fork: bool = True,
                 on_go: Callable[[], None] | None = None):
        self._job = job
        self._fork = fork
        self._on_go = on_go or (lambda: None)
        self._pid: int | None = None
        self._pipe = None
        self._verdict: int | None = None
        self._forked = False

    def __enter__(self) -> "Alongside":
        if not (self._fork and can_fork()):
            return self
        self._forked = True
        for stream in (sys.stdout, sys.stderr):  # else the child would print what is buffered again
            stream.flush()
        read_end, write_end = os.pipe()
        verdict_read, verdict_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: measured by the tests through its effects
            os.close(read_end)
            os.close(verdict_write)
            _run_child(self._job, write_end, verdict_read)
        os.close(write_end)
        os.close(verdict_read)
        self._pid, self._pipe, self._verdict = pid, os.fdopen(read_end, "rb"), verdict_write
        try:
            started = self._pipe.read(1)
        except BaseException:  # stopped while the job waits for the history: end it, it has written nothing
            self._abandon()
            raise
        if started != _READY:
            self._tell(commit=False)
            self._finish()
            raise XlscorecardError("the job run alongside stopped before it was ready")  # pragma: no cover
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if not self._forked:
            if error is None:
                self._job(lambda: None, self._on_go)
            return False
        if error is None:
            self._on_go()
            self._tell(commit=True)
            self._finish()
        else:
            self._tell(commit=False)
            try:
                self._finish()
            except BaseException:  # noqa: BLE001 - the block's own error is the one to report
                pass
        return False

    def _tell(self, commit: bool) -> None:
        if self._verdict is None:
            return
        try:
            if commit:
                os.write(self._verdict, _COMMIT)
        except OSError:  # the job has already ended: _finish reports how
            pass
        finally:
            os.close(self._verdict)
            self._verdict = None

    def _abandon(self) -> None:
        self._tell(commit=False)
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pipe.close()
        self._pid = None

    def _finish(self) -> None:
        data = self._pipe.read()
        self._pipe.close()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not data:
            raise XlscorecardError(f"the process writing the history stopped "
                                   f"({_describe(status)}); run again")
        outcome = pickle.loads(data)
        if outcome is not None:
            raise outcome


def _run_child(job, write_end: int, verdict_read: int) -> None:  # pragma: no cover - runs in the forked process
    code = 0
    ignore_stops()  # the parent stops this job, through go(), whatever stops the parent
    try:
        with os.fdopen(write_end, "wb") as pipe:
            readied = False

            def ready() -> None:
                nonlocal readied
                if not readied:
                    readied = True
                    pipe.write(_READY)
                    pipe.flush()

            def go() -> None:
                ready()
                if os.read(verdict_read, 1) != _COMMIT:
                    raise Cancelled("the run failed or was stopped; the history was not changed")

            try:
                job(ready, go)
                outcome = None
            except BaseException as error:  # noqa: BLE001 - every error goes back to the parent
                outcome = _portable(error)
            if not readied:
                pipe.write(_FAILED)
            pipe.write(pickle.dumps(outcome))
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no second flush of the parent's buffers


def _portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling; else one that says the same."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    except Exception:  # noqa: BLE001
        pass
    if isinstance(error, XlscorecardError):
        return XlscorecardError(str(error))
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return RuntimeError(f"{type(error).__name__} in the process writing the history:\n{text}")


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"ended by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else f"status {status}"
