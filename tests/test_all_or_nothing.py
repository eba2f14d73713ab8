"""A run is all or nothing (issue 14, item 3): what would stop it is found before any return is
read; a step that fails later replaces no file and leaves the history as it was; exit 1 means
nothing was written. (A full disk: tests/test_disk_full.py; a file that cannot be moved into
place after the history was committed: tests/test_output_safety.py.)"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mounts import make_read_only, small_disk
from xlscorecard.cli import cli
from xlscorecard.pipeline import consolidate
from xlscorecard.errors import OutputError, XlscorecardError
from xlscorecard.history import History

SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks" / "2020-21-Q3"


def digest(*paths: Path) -> dict[str, str | None]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in paths}


@pytest.fixture
def previous(tmp_path):
    """The outputs of an earlier run: scorecard, records and history."""
    paths = tmp_path / "s.xlsx", tmp_path / "r.csv", tmp_path / "h.sqlite"
    consolidate(SAMPLES, period="2020/21 Q3", out=paths[0], records=paths[1], history=paths[2])
    return paths


def _refused_before_reading(tmp_path, message: str, **outputs) -> None:
    read = []
    with pytest.raises(XlscorecardError) as caught:
        consolidate(SAMPLES, period="2020/21 Q3", on_file=read.append, tolerance=10, **outputs)
    assert read == []  # no return was read
    assert message in str(caught.value)
    return caught.value


def test_a_bad_records_extension_is_found_before_any_work(tmp_path, previous):
    before = digest(*previous)
    error = _refused_before_reading(tmp_path, "cannot write records to r.xlsx: use a .csv, .json or .parquet file "
                                    "name", out=previous[0], records=tmp_path / "r.xlsx", history=previous[2])
    assert isinstance(error, OutputError)
    assert digest(*previous) == before and not (tmp_path / "r.xlsx").exists()


def test_a_missing_output_folder_is_found_before_any_work(tmp_path, previous):
    before = digest(*previous)
    _refused_before_reading(tmp_path, f"cannot write {tmp_path / 'nowhere' / 'r.csv'}: the folder "
                            f"{tmp_path / 'nowhere'} does not exist (nothing was written)",
                            out=previous[0], records=tmp_path / "nowhere" / "r.csv", history=previous[2])
    assert digest(*previous) == before


def test_a_read_only_history_is_found_before_any_work(tmp_path, previous):
    before = digest(*previous)
    previous[2].chmod(0o444)
    _refused_before_reading(tmp_path, f"{previous[2]} is read-only: it was left as it was and nothing was written",
                            out=previous[0], records=previous[1], history=previous[2])
    assert digest(*previous) == before


def test_a_read_only_scorecard_is_read_only_not_open_in_another_program(tmp_path, previous):
    before = digest(*previous)
    previous[0].chmod(0o444)
    result = CliRunner().invoke(cli, ["consolidate", str(SAMPLES), "--period", "2020/21 Q3", "--out", str(previous[0]),
                                      "--records", str(previous[1]), "--history", str(previous[2])])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (f"Error: {previous[0]} is read-only: it was left as it was and nothing "
                                              "was written; make it writable or choose another file name")
    assert "open in" not in result.output
    assert digest(*previous) == before


def test_a_history_of_another_program_is_found_before_any_work(tmp_path, previous):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("PRAGMA application_id = 42")
        db.execute("CREATE TABLE people (name TEXT)")
    _refused_before_reading(tmp_path, "is an SQLite file but not an xlscorecard history",
                            out=tmp_path / "new.xlsx", history=other)
    assert not (tmp_path / "new.xlsx").exists()


def test_a_folder_that_takes_no_new_file_is_found_before_any_work(tmp_path):
    with small_disk(tmp_path / "disk", 256) as disk:
        make_read_only(disk)
        _refused_before_reading(tmp_path, f"cannot write {disk / 's.xlsx'}: the disk is read-only",
                                out=disk / "s.xlsx", history=tmp_path / "h.sqlite")
    assert not (tmp_path / "h.sqlite").exists()


def test_a_scorecard_that_cannot_be_written_leaves_the_history_as_it_was(tmp_path, previous):
    """The history has recorded the run (in the other process, waiting to commit) when the
    scorecard fails: a template that cannot be read. Nothing is replaced and nothing committed."""
    template = tmp_path / "our-council.toml"
    template.write_text('council = "St Helens"\n[colours\n', encoding="utf-8")
    before = digest(*previous)
    with pytest.raises(OutputError, match="cannot read the template"):
        consolidate(SAMPLES, period="2020/21 Q4", out=previous[0], records=previous[1], history=previous[2],
                    template=template)
    assert digest(*previous) == before
    with History(previous[2]) as store:
        assert [r.period.label for r in store.runs()] == ["2020/21 Q3"]
    assert not list(tmp_path.glob(".xlscorecard-tmp*"))


def test_a_first_run_that_fails_leaves_no_history_behind(tmp_path):
    """A history this run created (the first run into a folder) goes again when the run fails."""
    template = tmp_path / "our-council.toml"
    template.write_text('council = "St Helens"\n[colours\n', encoding="utf-8")
    with pytest.raises(OutputError, match="cannot read the template"):
        consolidate(SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", records=tmp_path / "r.csv",
                    template=template)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["our-council.toml"]
