"""Run the ``xlscorecard`` command line exactly as a user would, timing each file read and
measuring the peak memory of the whole run; tests start it in a subprocess:

    python tests/cli_harness.py REPORT.json validate RETURNS_DIR …

It writes ``{"exit_code", "seconds", "peak_rss_mb", "per_file": {name: seconds}}`` to REPORT.json
and exits with the command's own exit code. Nothing in the product knows about it: it only
wraps the function that reads one return.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def run(report: Path, args: list[str]) -> int:
    # One process, so that each file's time is its own and the peak memory is the whole run's
    # (worker processes would hide both); tests/test_parallel.py checks the workers agree.
    os.environ["XLSCORECARD_WORKERS"] = "1"
    from xlscorecard.cli import cli
    from xlscorecard.readers import folder, parallel

    per_file: dict[str, float] = {}
    original = folder.read_return

    def timed(path, **kwargs):
        started = time.perf_counter()
        try:
            return original(path, **kwargs)
        finally:
            per_file[Path(path).name] = time.perf_counter() - started

    folder.read_return = parallel.read_return = timed
    started = time.perf_counter()
    try:
        cli.main(args, prog_name="xlscorecard")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    report.write_text(json.dumps({"exit_code": code, "seconds": seconds, "peak_rss_mb": peak_mb,
                                  "per_file": per_file}), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]), sys.argv[2:]))
