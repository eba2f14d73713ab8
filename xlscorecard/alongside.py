"""Run a job in a second process while this one goes on.

After the returns are read and scored, the scorecard is written (Python work, most of the
time) and the run is stored in the history (mostly SQLite's). On a machine with two cores the
second one would sit idle while the first writes the scorecard, so the history is written by a
forked copy of this process at the same time (a tenth to a fifth of a run, bench/). Where forking is not possible or not safe (Windows and macOS start
processes differently; ``watch`` runs a file-watching thread), the job simply runs first.

The forked copy shares this process's memory only until either writes to a page, and writing
the scorecard touches every indicator, score and value: for as long as the job runs, memory
may approach twice this process's. So the caller forks only when that is modest.

The job is given a ``ready`` callback: this process waits until the job calls it (once the
history is locked for this run) or fails, so a history in use by another run still stops the
run before any scorecard is written, as it does when the steps run one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable

from .errors import XlscorecardError

_READY, _FAILED = b"R", b"F"


def can_fork() -> bool:
    """Whether a job can run in a forked process here (POSIX fork, and no other thread running)."""
    return (hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Alongside:
    """``with Alongside(job):`` runs ``job(ready)`` in a forked process while the block runs.

    Entering waits for ``ready()`` and raises the job's error if it fails first; leaving waits
    for the job to end and raises its error (an error of the block itself wins). Without fork,
    or with ``fork=False``, the job runs to its end on entering.
    """

    def __init__(self, job: Callable[[Callable[[], None]], None], *, fork: bool = True):
        self._job = job
        self._fork = fork
        self._pid: int | None = None
        self._pipe = None

    def __enter__(self) -> "Alongside":
        if not (self._fork and can_fork()):
            self._job(lambda: None)
            return self
        for stream in (sys.stdout, sys.stderr):  # else the child would print what is buffered again
            stream.flush()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: measured by the tests through its effects
            os.close(read_end)
            _run_child(self._job, write_end)
        os.close(write_end)
        self._pid, self._pipe = pid, os.fdopen(read_end, "rb")
        if self._pipe.read(1) != _READY:
            self._finish()
            raise XlscorecardError("the job run alongside stopped before it was ready")  # pragma: no cover
        return self

    def __exit__(self, kind, error, trace) -> bool:
        if self._pid is None:
            return False
        if error is None:
            self._finish()
        else:
            try:
                self._finish()
            except BaseException:  # noqa: BLE001 - the block's own error is the one to report
                pass
        return False

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


def _run_child(job, write_end: int) -> None:  # pragma: no cover - runs in the forked process
    code = 0
    try:
        with os.fdopen(write_end, "wb") as pipe:
            readied = False

            def ready() -> None:
                nonlocal readied
                if not readied:
                    readied = True
                    pipe.write(_READY)
                    pipe.flush()

            try:
                job(ready)
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
