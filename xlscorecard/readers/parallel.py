"""Read many returns on all the machine's cores, in the order given.

Reading is CPU-bound Python, so threads would not help; worker processes do, once there are
enough files to repay starting them (about 30 ms on Linux, where workers are forked with
everything already imported). Results come back in the files' order, so a run's output does
not depend on which worker finished first.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..core.model import Finding, Severity, Source
from ..stopping import ignore_stops
from .one_return import describe_if_possible, read_return
from .results import ReturnResult
from .safety import Limits

# Below this many files one process is as fast: forking and sending results back costs more.
PARALLEL_MIN_FILES = 8
# Set to 1 to read in one process (for profiling), or to a number of worker processes.
WORKERS_ENV = "XLSCORECARD_WORKERS"


def worker_count(files: int) -> int:
    """How many processes to read ``files`` files with (1: no pool)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        workers = int(configured)
    else:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if files < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1  # forking a process with other threads running (watch's observer) is unsafe
    return max(1, min(workers, files))


def _read_one(args) -> ReturnResult:
    path, hint, register, limits, layouts = args
    return read_return(path, period_hint=hint, register=register, limits=limits, layouts=layouts)


def read_returns(paths: Sequence[Path], hint, register, limits: Limits,
                 layouts=None) -> Iterator[tuple[Path, ReturnResult]]:
    """``(path, result)`` for each path, in order; in worker processes when that pays.
    ``layouts`` is the folder's layout file (:mod:`.layout_file`), when it has one."""
    workers = worker_count(len(paths))
    done = 0
    if workers > 1:
        jobs = [(path, hint, register, limits, layouts) for path in paths]
        try:
            with _pool(workers) as pool, _ended_if_stopped(pool):
                for result in pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
                    yield paths[done], result
                    done += 1
        except BrokenProcessPool:
            # A worker died (killed, out of memory) on one of the files not yet returned. Each of
            # those is read again in a process of its own, so that the one that kills its reader
            # becomes a finding and cannot take this process down with it.
            for path in paths[done:]:
                yield path, _read_isolated(path, hint, register, limits, layouts)
            return
    for path in paths[done:]:
        yield path, read_return(path, period_hint=hint, register=register, limits=limits, layouts=layouts)


def _pool(workers: int) -> ProcessPoolExecutor:
    # Workers leave Ctrl+C and SIGTERM to this process, which ends them (_ended_if_stopped).
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=ignore_stops)


@contextlib.contextmanager
def _ended_if_stopped(pool: ProcessPoolExecutor):
    """End the workers at once if reading stops (Ctrl+C, SIGTERM, the caller closing the
    generator): waiting for them to read every file queued would take as long as the run."""
    try:
        yield
    except BrokenProcessPool:  # the workers are gone already; the caller reads the rest
        raise
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(OSError):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(5)
        raise


def _read_isolated(path: Path, hint, register, limits: Limits, layouts=None) -> ReturnResult:
    try:
        with _pool(1) as pool, _ended_if_stopped(pool):
            return pool.submit(_read_one, (path, hint, register, limits, layouts)).result()
    except BrokenProcessPool:
        finding = Finding(Severity.ERROR, "reading this file stopped the process reading it (it may need more "
                          "memory than this machine has)", Source(str(path)),
                          action="file skipped; open it in Excel, save it again and re-send, or report it")
        return ReturnResult((), (), (finding,), describe_if_possible(path))
