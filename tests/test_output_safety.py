"""Outputs are never half-written and inputs never changed: a real ``xlscorecard consolidate``
killed while writing the scorecard (SIGKILL from outside once its temporary file appears) or the
records (the process kills itself half-way through the CSV, from tests/crash_harness.py) leaves
the previous files intact, and the next run leaves no temporary file behind. Temporary files of
another run still in progress are never removed, and outputs get ordinary file permissions. A
target open in Excel when the run starts stops it before any work; one opened during the run (a
lock file beside it, or the rename refused) is left as it was, and the new file is kept under a
free name given in one sentence (exit 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from xlscorecard.outputs.atomic import STALE_AFTER_SECONDS, TEMP_PREFIX, _host, atomic_output

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _consolidate(out: Path, *extra: str, harness: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, str(harness)] if harness else [sys.executable, "-m", "xlscorecard"]
    return subprocess.Popen([*command, "consolidate", str(SAMPLES), "--period", "2020/21 Q3",
                             "--out", str(out / "scorecard.xlsx"), "--records", str(out / "records.csv"), *extra],
                            cwd=out, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _temporaries(folder: Path, suffix: str = "") -> list[Path]:
    return sorted(folder.glob(f"{TEMP_PREFIX}*{suffix}"))


def _first_run(out: Path) -> dict[str, bytes]:
    process = _consolidate(out)
    assert process.wait(120) == 0, process.stderr.read()
    return {name: (out / name).read_bytes() for name in ("scorecard.xlsx", "records.csv")}


def test_killed_while_writing_the_scorecard_keeps_the_previous_one(tmp_path):
    previous = _first_run(tmp_path)
    for _attempt in range(3):  # the kill must land between the temporary file appearing and the move
        process = _consolidate(tmp_path, "--tolerance", "10")  # a different scorecard: wider amber band
        deadline = time.monotonic() + 120
        while not _temporaries(tmp_path, ".xlsx") and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        if _temporaries(tmp_path, ".xlsx"):
            break
    else:
        pytest.fail("could not catch the run while it wrote")
    assert process.returncode == -signal.SIGKILL
    assert (tmp_path / "scorecard.xlsx").read_bytes() == previous["scorecard.xlsx"]
    assert (tmp_path / "records.csv").read_bytes() == previous["records.csv"]
    openpyxl.load_workbook(tmp_path / "scorecard.xlsx")  # still a whole workbook

    again = _consolidate(tmp_path, "--tolerance", "10")
    assert again.wait(120) == 0, again.stderr.read()
    assert not _temporaries(tmp_path)
    assert (tmp_path / "scorecard.xlsx").read_bytes() != previous["scorecard.xlsx"]


def test_killed_while_writing_the_records_keeps_the_previous_ones(tmp_path):
    previous = _first_run(tmp_path)
    process = _consolidate(tmp_path, "--tolerance", "10", harness=TESTS / "crash_harness.py")
    process.wait(120)
    assert process.returncode == -signal.SIGKILL, process.stderr.read()
    left = _temporaries(tmp_path)
    [half_written] = [p for p in left if p.suffix == ".csv"]
    assert half_written.stat().st_size > 0
    assert sorted(p.suffix for p in left) == [".csv", ".xlsx"]
    # All or nothing: the scorecard, written before the records, is not moved into place either.
    assert (tmp_path / "records.csv").read_bytes() == previous["records.csv"]
    assert (tmp_path / "scorecard.xlsx").read_bytes() == previous["scorecard.xlsx"]

    again = _consolidate(tmp_path)
    assert again.wait(120) == 0, again.stderr.read()
    assert not _temporaries(tmp_path)
    assert (tmp_path / "records.csv").read_bytes() == previous["records.csv"]


def test_another_runs_file_in_progress_is_left_alone(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        in_progress = tmp_path / f"{TEMP_PREFIX}{_host()}.{sleeper.pid}.abc.xlsx"
        other_machine = tmp_path / f"{TEMP_PREFIX}councilpc7.4242.abc.xlsx"
        old_other_machine = tmp_path / f"{TEMP_PREFIX}councilpc7.4343.def.xlsx"
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        left_by_dead_run = tmp_path / f"{TEMP_PREFIX}{_host()}.{int(dead.stdout)}.ghi.xlsx"
        for path in (in_progress, other_machine, old_other_machine, left_by_dead_run):
            path.write_bytes(b"partial")
        long_ago = time.time() - STALE_AFTER_SECONDS - 60
        os.utime(old_other_machine, (long_ago, long_ago))
        with atomic_output(tmp_path / "scorecard.xlsx") as temporary:
            temporary.write_bytes(b"new")
        assert _temporaries(tmp_path) == sorted([in_progress, other_machine])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_outputs_get_ordinary_permissions(tmp_path):
    """mkstemp makes files only their owner can read: a scorecard on a shared drive must not be."""
    umask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "new.xlsx") as temporary:
            temporary.write_bytes(b"new")
        assert (tmp_path / "new.xlsx").stat().st_mode & 0o777 == 0o644
        existing = tmp_path / "shared.xlsx"
        existing.write_bytes(b"old")
        existing.chmod(0o664)
        with atomic_output(existing) as temporary:
            temporary.write_bytes(b"new")
        assert existing.stat().st_mode & 0o777 == 0o664 and existing.read_bytes() == b"new"
    finally:
        os.umask(umask)


def test_a_refused_rename_keeps_the_new_file_under_another_name(tmp_path, monkeypatch):
    """Excel on Windows holds the file open, so replacing it is refused: say so in one sentence,
    keep the new file beside it under a free name, and leave the open one as it was."""
    from xlscorecard.errors import OutputError

    target = tmp_path / "scorecard.xlsx"
    target.write_bytes(b"open in Excel")
    (tmp_path / "scorecard (2).xlsx").write_bytes(b"an earlier kept copy")
    real_replace = os.replace

    def refuse_onto_target(source, destination):
        if Path(destination) == target:
            raise PermissionError(13, "Permission denied")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", refuse_onto_target)
    with pytest.raises(OutputError) as caught:
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"new")
    assert str(caught.value) == (f"{target} is open in another program (Permission denied); "
                                 f"the new file was saved as {tmp_path / 'scorecard (3).xlsx'} instead")
    assert target.read_bytes() == b"open in Excel"
    assert (tmp_path / "scorecard (3).xlsx").read_bytes() == b"new"
    assert (tmp_path / "scorecard (2).xlsx").read_bytes() == b"an earlier kept copy"
    assert not _temporaries(tmp_path)


def test_a_scorecard_open_in_excel_stops_the_run_before_any_work(tmp_path):
    """A lock file beside the scorecard is found before any return is read: one sentence, exit 1,
    and nothing written (not the scorecard, not the records, not the history)."""
    previous = _first_run(tmp_path)
    history = (tmp_path / "xlscorecard-history.sqlite").read_bytes()
    (tmp_path / "~$scorecard.xlsx").write_bytes(b"\x0bsomeone")  # Excel's lock file: open on a colleague's PC
    process = _consolidate(tmp_path, "--tolerance", "10")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr.splitlines() == [f"Error: {tmp_path / 'scorecard.xlsx'} is open in Excel (its lock file "
                                   "~$scorecard.xlsx is beside it): close it and run again, or choose another file "
                                   "name; nothing was written"]
    assert (tmp_path / "scorecard.xlsx").read_bytes() == previous["scorecard.xlsx"]
    assert (tmp_path / "records.csv").read_bytes() == previous["records.csv"]
    assert (tmp_path / "xlscorecard-history.sqlite").read_bytes() == history
    assert not (tmp_path / "scorecard (2).xlsx").exists() and not _temporaries(tmp_path)


def test_a_scorecard_opened_during_the_run_is_kept_beside_it_and_the_run_says_where(tmp_path):
    """A colleague opens the scorecard in Excel while the returns are read: the history is
    committed, the records are written, and the new scorecard is kept under a free name. That is
    a finished run with one file under another name (exit 5 on the command line, a warning
    naming both files), not "nothing was written"."""
    from xlscorecard.pipeline import consolidate
    from xlscorecard.history import History

    previous = _first_run(tmp_path)
    scorecard, records, history = tmp_path / "scorecard.xlsx", tmp_path / "records.csv", tmp_path / "h.sqlite"

    def colleague_opens_it(path):
        (tmp_path / "~$scorecard.xlsx").write_bytes(b"\x0bsomeone")

    result = consolidate(SAMPLES, period="2020/21 Q3", out=scorecard, records=records, history=history,
                         tolerance=10, on_file=colleague_opens_it)
    kept = tmp_path / "scorecard (2).xlsx"
    assert result.kept_elsewhere == ((scorecard, kept),)
    assert scorecard.read_bytes() == previous["scorecard.xlsx"]
    assert openpyxl.load_workbook(kept)["Summary"]["A1"].value
    assert records.read_bytes() != previous["records.csv"]  # amber band of 10: different colours
    with History(history) as store:
        assert [r.period.label for r in store.runs()] == ["2020/21 Q3"]
    assert not _temporaries(tmp_path)


def test_the_command_line_exits_5_and_names_the_copy_when_the_scorecard_was_open(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from xlscorecard import publish
    from xlscorecard.cli import cli

    scorecard = tmp_path / "scorecard.xlsx"
    scorecard.write_bytes(b"open in Excel")
    place = publish._place

    def opened_meanwhile(staged, *args):
        (tmp_path / "~$scorecard.xlsx").write_bytes(b"\x0bsomeone")
        return place(staged, *args)

    monkeypatch.setattr(publish, "_place", opened_meanwhile)
    run = CliRunner().invoke(cli, ["consolidate", str(SAMPLES), "--period", "2020/21 Q3", "--out", str(scorecard)])
    kept = tmp_path / "scorecard (2).xlsx"
    assert run.exit_code == 5, run.output
    assert f"Scorecard: {kept}" in run.output
    assert (f"Warning: {scorecard} is open in another program (Excel?), so it was left as it was; the new file was "
            f"saved as {kept}: close scorecard.xlsx and rename the new file, or run again") in run.output
    assert scorecard.read_bytes() == b"open in Excel" and openpyxl.load_workbook(kept)["Summary"]["A1"].value
