"""No output is an input (issue 14, item 1): every output option aimed at every kind of input
(a workbook return, a CSV return, the register, the template, the history) is a usage error
(exit 2) that names both, before any work, and every file keeps its bytes and its time."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
TEMPLATE = REPO / "templates" / "scorecard.toml"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def fingerprint(*folders: Path) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for folder in folders for p in sorted(folder.iterdir()) if p.is_file()}


def xlscorecard(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlscorecard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A returns folder, a template, and an output folder holding the history of an earlier run."""
    root = tmp_path_factory.mktemp("clash")
    shutil.copytree(SAMPLES, root / "returns")
    shutil.copy(TEMPLATE, root / "our-council.toml")
    (root / "out").mkdir()
    first = xlscorecard("consolidate", root / "returns", "--period", "2020/21 Q3", "--out", root / "out" / "s.xlsx",
                        cwd=root / "out")
    assert first.returncode == 0, first.stderr
    return root


INPUTS = {
    "workbook return": "returns/public-health-Q3.xlsx",
    "CSV return": "returns/community-safety-Q3.csv",
    "register": "returns/register-2020-21.xlsx",
    "template": "our-council.toml",
    "history": "out/xlscorecard-history.sqlite",
}
CASES = [(option, kind) for option in ("--out", "--records", "--history") for kind in INPUTS
         if (option, kind) != ("--history", "history")]


@pytest.mark.parametrize("option, kind", CASES, ids=[f"{o}-at-{k.replace(' ', '-')}" for o, k in CASES])
def test_an_output_aimed_at_an_input_is_a_usage_error_and_nothing_changes(place, option, kind):
    target = place / INPUTS[kind]
    others = {"--out": place / "out" / "s.xlsx", "--history": place / "out" / "xlscorecard-history.sqlite"}
    args = ["consolidate", place / "returns", "--period", "2020/21 Q3", "--template", place / "our-council.toml",
            option, target]
    for other, path in others.items():
        if other != option and not (option == "--out" and kind == "history"):  # there: the default history clashes
            args += [other, path]
    before = fingerprint(place, place / "returns", place / "out")
    run = xlscorecard(*args, cwd=place / "out")
    assert run.returncode == 2, run.stderr
    [error] = run.stderr.splitlines()
    assert error.startswith("Error: ") and "nothing was written" in error
    assert f"{option} {target}" in error and target.name in error.replace(f"{option} {target}", "", 1)
    assert fingerprint(place, place / "returns", place / "out") == before
    assert "Traceback" not in run.stderr


def test_the_input_is_recognised_through_another_name_for_it(place, tmp_path):
    """A relative path, a link and a hard link to a return are the return."""
    (tmp_path / "link.csv").symlink_to(place / "returns" / "community-safety-Q3.csv")
    os.link(place / "returns" / "public-health-Q3.xlsx", tmp_path / "hard.xlsx")
    before = fingerprint(place / "returns")
    for records, out in ((Path("../returns/community-safety-Q3.csv"), tmp_path / "s.xlsx"),
                         (tmp_path / "link.csv", tmp_path / "s.xlsx"),
                         (tmp_path / "r.csv", tmp_path / "hard.xlsx")):
        run = xlscorecard("consolidate", place / "returns", "--period", "2020/21 Q3", "--out", out,
                          "--records", records, "--no-history", cwd=place / "out")
        assert run.returncode == 2, run.stderr
        assert "in the returns folder" in run.stderr and "nothing was written" in run.stderr
    assert fingerprint(place / "returns") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.xlsx", "link.csv"]


def test_two_outputs_that_are_one_file_are_a_usage_error(place, tmp_path):
    run = xlscorecard("consolidate", place / "returns", "--period", "2020/21 Q3", "--out", tmp_path / "a.xlsx",
                      "--history", tmp_path / "a.xlsx", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"Error: --out {tmp_path / 'a.xlsx'} and --history {tmp_path / 'a.xlsx'} are "
                                       "the same file; give each output its own name (nothing was written)"]
    assert list(tmp_path.iterdir()) == []


def test_the_default_scorecard_name_is_checked_once_the_period_is_known(place, tmp_path):
    """Run from inside a folder whose return is named like the default scorecard."""
    returns = tmp_path / "returns"
    shutil.copytree(place / "returns", returns)
    shutil.copy(place / "returns" / "public-health-Q3.xlsx", returns / "scorecard-2020-21-Q3.xlsx")
    before = fingerprint(returns)
    run = xlscorecard("consolidate", ".", "--no-history", cwd=returns)
    assert run.returncode == 2, run.stderr
    assert "the scorecard scorecard-2020-21-Q3.xlsx (the default for --out) is the file scorecard-2020-21-Q3.xlsx" \
        in run.stderr
    assert fingerprint(returns) == before


def test_a_return_template_is_never_written_over_the_register(place):
    register = place / "returns" / "register-2020-21.xlsx"
    before = fingerprint(place / "returns")
    run = xlscorecard("template", "--register", register, "--out", register, cwd=place)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"Error: --out {register} is the register {register}: an output never "
                                       "overwrites an input, so nothing was written; choose another file name"]
    assert fingerprint(place / "returns") == before
