"""Honest messages (issue 14, item 8): each says what actually happened. (A read-only scorecard:
tests/test_all_or_nothing.py.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from return_builders import workbook_from_rows
from xlscorecard.core.model import Severity
from xlscorecard.readers import read_return

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def xlscorecard(*args, cwd: Path, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "xlscorecard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)


def without_root_privilege() -> list[str]:
    """A command prefix under which file permissions apply (root reads any file otherwise)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a file cannot be made unreadable to the run")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


def test_a_return_that_cannot_be_read_for_permission_says_so(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    (returns / "public-health-Q3.xlsx").chmod(0)
    checked = xlscorecard("validate", returns, "--period", "2020/21 Q3", cwd=tmp_path, prefix=without_root_privilege())
    assert checked.returncode == 3
    [line] = [row for row in checked.stdout.splitlines() if "public-health-Q3.xlsx" in row]
    assert line.split(None, 2)[0] == "error"
    assert line.split(None, 2)[2] == ("cannot be read: permission denied (Permission denied) -> file skipped; give the "
                                      "account running xlscorecard read access to it, or ask the sender to save it "
                                      "again in the folder")
    assert "maintainers" not in checked.stdout


def _register(path: Path, rows) -> Path:
    return workbook_from_rows(path, [["Ref", "Name", "Polarity", "Annual target"], *rows], "Indicators")


@pytest.mark.parametrize("kind", ["empty", "unreadable"])
def test_a_register_passed_with_register_that_cannot_be_used_fails_the_run(tmp_path, kind):
    register = tmp_path / "framework.xlsx"
    if kind == "empty":
        _register(register, [])
        reason = ("has no indicators yet: fill in its Indicators sheet, one row per indicator (Ref, Name and "
                  "Polarity are required; see templates/README.md)")
    else:
        register.write_text("this is a note, not a register\n", encoding="utf-8")
        reason = "could not be read: not a spreadsheet xlscorecard can read (a text file with extension '.xlsx')"
    run = xlscorecard("consolidate", SAMPLES, "--period", "2020/21 Q3", "--register", register, "--out",
                      tmp_path / "s.xlsx", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == f"Error: the register framework.xlsx {reason}; nothing was scored without it"
    assert not (tmp_path / "s.xlsx").exists() and not (tmp_path / "xlscorecard-history.sqlite").exists()


def test_an_empty_register_found_in_the_folder_is_an_error_finding(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns, ignore=shutil.ignore_patterns("register*"))
    _register(returns / "register-2021-22.xlsx", [])
    checked = xlscorecard("validate", returns, "--period", "2020/21 Q3", cwd=tmp_path)
    assert checked.returncode == 3
    [line] = [row for row in checked.stdout.splitlines() if row.startswith("error")]
    assert line.split(None, 2)[1:] == ["register-2021-22.xlsx", (
        "the register register-2021-22.xlsx has no indicators yet: fill in its Indicators sheet, one row per "
        "indicator (Ref, Name and Polarity are required; see templates/README.md) -> no register used")]


def test_a_csv_saved_as_utf16_unicode_text_is_read(tmp_path):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    original = SAMPLES / "community-safety-Q3.csv"
    text = original.read_text(encoding="utf-8-sig")
    unicode_text = tmp_path / "community-safety-Q3.csv"
    unicode_text.write_bytes(text.replace(",", "\t").encode("utf-16"))
    assert unicode_text.read_bytes()[:2] == b"\xff\xfe"
    want, got = read_return(original, period_hint="2020/21 Q3"), read_return(unicode_text, period_hint="2020/21 Q3")
    assert got.findings == () and len(got.observations) == len(want.observations) > 20
    assert [(o.ref, o.period, o.value, o.source.cell) for o in got.observations] == \
        [(o.ref, o.period, o.value, o.source.cell) for o in want.observations]


def test_a_csv_line_longer_than_a_row_can_be_is_one_finding_not_phantom_rows(tmp_path):
    path = tmp_path / "cs.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Ref,Period,Value\n")
        handle.write("CS-01,Dec 2020," + "9" * 3_000_000 + "\n")  # no line is that long: 200 cells of 10,000
        handle.write("CS-02,Dec 2020,78.9\n")
    result = read_return(path, period_hint="2020/21 Q3")
    [finding] = result.findings
    assert (finding.severity, finding.message, finding.source.cell) == (
        Severity.ERROR, "1 line longer than 2,000,600 characters (a row of 200 cells of 10,000 characters at most)",
        "A2")
    assert [(o.ref, o.value, o.source.cell) for o in result.observations] == [("CS-02", 78.9, "C3")]


def test_a_csv_that_changes_while_it_is_read_is_a_finding_not_a_short_read(tmp_path):
    path = tmp_path / "cs.csv"
    notes = ",".join(["note"] * 36)  # wide rows: reading takes long enough for several saves to land
    path.write_text(f"Ref,Period,Value,{notes}\n" + "".join(f"CS-{n:05d},Dec 2020,{n},{notes}\n"
                                                             for n in range(12_000)), encoding="utf-8")
    stop = threading.Event()

    def keep_saving():  # a colleague's save, still going on
        n = 12_000
        while not stop.is_set():
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"CS-{n:05d},Dec 2020,{n}\n")
            n += 1
            time.sleep(0.001)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        result = read_return(path, period_hint="2020/21 Q3")
    finally:
        stop.set()
        writer.join()
    [finding] = result.findings
    assert finding.severity is Severity.ERROR
    assert finding.message == ("the file changed while it was being read (it is probably still being saved), so it "
                               "was not read; run again once it is saved")
    assert result.observations == ()


def _wait_for(condition, seconds=120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_watch_notices_that_its_folder_was_removed_or_replaced(tmp_path, how):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "xlscorecard", "watch", str(returns), "--period",
                                    "2020/21 Q3", "--out", str(tmp_path / "s.xlsx"), "--debounce", "0.2"],
                                   cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        assert _wait_for(lambda: "Watching" in log.read_text()), log.read_text()
        if how == "removed":
            shutil.rmtree(returns)
            assert process.wait(30) == 1
            assert log.read_text().splitlines()[-1] == (f"Error: the folder {returns} was removed while it was "
                                                        "watched; watching stopped")
            return
        written = (tmp_path / "s.xlsx").stat().st_mtime_ns
        returns.rename(tmp_path / "returns-old")
        shutil.copytree(SAMPLES, returns)
        assert _wait_for(lambda: "was replaced" in log.read_text()), log.read_text()
        assert f"{returns} was replaced by another folder of the same name; watching that one" in log.read_text()
        assert _wait_for(lambda: (tmp_path / "s.xlsx").stat().st_mtime_ns != written), "the new folder was not read"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(30)
    assert "Traceback" not in log.read_text()
