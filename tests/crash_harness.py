"""Run ``xlscorecard`` as a user would, but die (SIGKILL, as a power cut or a killed process
would) half-way through writing the CSV records file; tests start it in a subprocess:

    python tests/crash_harness.py consolidate RETURNS_DIR --records records.csv …

Nothing in the product knows about it: it only wraps the function that writes the CSV.
"""

from __future__ import annotations

import os
import signal
import sys


def run(args: list[str]) -> None:
    from xlscorecard.outputs import records
    from xlscorecard.cli import cli

    write_csv = records._write_csv

    def die_half_way(rows, path):
        write_csv(rows[: max(len(rows) // 2, 1)], path)  # a half-written file on disk…
        os.kill(os.getpid(), signal.SIGKILL)  # …and the process gone before it is moved into place

    records._write_csv = die_half_way
    cli.main(args, prog_name="xlscorecard")


if __name__ == "__main__":
    run(sys.argv[1:])
