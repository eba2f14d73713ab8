"""Start-up stays quick: `--help` and `validate` of a small return load neither pandas nor
openpyxl (about 0.5 s of imports between them). Measured as whole processes by
bench/bench_consolidate.py; here only what gets imported is checked, which cannot be noisy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlscorecard.readers import fast_sheets

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "openpyxl")
PROBE = """
import json, sys
from xlscorecard.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="xlscorecard")
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(%r))), file=sys.stderr)
""" % (HEAVY,)


def heavy_modules(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_loads_no_heavy_library():
    assert heavy_modules(["--help"]) == []


@pytest.mark.skipif(not fast_sheets.available(), reason="python-calamine is not installed (openpyxl reads instead)")
def test_validating_a_small_return_loads_no_heavy_library(tmp_path):
    shutil.copy2(REPO / "sample_workbooks" / "2020-21-Q3" / "public-health-Q3.xlsx", tmp_path)
    assert heavy_modules(["validate", str(tmp_path), "--period", "2020/21 Q3"]) == []
