"""The tidy records file and the safe-write helper behind every output."""

import csv
import json
import os

import pytest

from xlscorecard.errors import OutputError
from xlscorecard.core.model import Indicator, Observation, Period, Source
from xlscorecard.outputs.atomic import TEMP_PREFIX, atomic_output
from xlscorecard.outputs.records import COLUMNS, record_rows, write_records
from xlscorecard.core.scoring import score_indicator

from reference import q3_rows

Q3 = Period.quarter(2020, 3)


def _q3_records():
    rows = q3_rows(back_solve=True)
    scores = [score_indicator(r.indicator, r.observations, Q3) for r in rows]
    return record_rows([r.indicator for r in rows], scores)


def test_records_have_exactly_the_documented_columns_and_one_row_per_indicator(tmp_path):
    path = write_records(_q3_records(), tmp_path / "records.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == COLUMNS
    assert len(rows) == 60
    cyp01 = next(r for r in rows if r["ref"] == "CYP-01")
    assert (cyp01["value"], cyp01["target"], cyp01["rag"], cyp01["dot"]) == ("459.4", "485.0", "green", "worse")
    # Unrounded: (485 - 459.4) / 485 = 5.2784%, the seed's +5.28%, to the float's precision.
    assert float(cyp01["variance_pct"]) == pytest.approx((485 - 459.4) / 485 * 100, abs=1e-12)
    assert round(float(cyp01["variance_pct"]), 2) == 5.28
    assert {r["rag"] for r in rows} == {"green", "amber", "red", "gap"}
    gap = next(r for r in rows if r["ref"] == "SC-12")
    assert gap["note"] == "Data collection currently suspended by Ministry of Justice"
    assert next(r for r in rows if r["ref"] == "HS-01")["period"] == "Nov 2020"


def test_json_records_carry_the_same_rows(tmp_path):
    rows = json.loads(write_records(_q3_records(), tmp_path / "records.json").read_text(encoding="utf-8"))
    assert len(rows) == 60 and list(rows[0]) == list(COLUMNS)
    assert sum(r["rag"] == "green" for r in rows) == 29


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)",
                                  "\tTAB", "\rCR"])
def test_text_from_returns_cannot_become_a_formula_in_the_csv(tmp_path, text):
    indicator = Indicator("X-1", text, "higher", annual_target=10)
    score = score_indicator(indicator, [Observation("X-1", Period.month(2020, 12), 12.0, note=text,
                                                    source=Source(text, text, "B2"))], Q3)
    path = write_records(record_rows([indicator], [score]), tmp_path / "records.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    for column in ("indicator", "note", "source_file", "source_sheet"):
        assert row[column] == "'" + text
    assert row["value"] == "12.0"


def test_unknown_records_format_is_one_clear_error(tmp_path):
    with pytest.raises(OutputError, match="use a .csv, .json or .parquet"):
        write_records([], tmp_path / "records.xlsx")


def test_atomic_output_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "scorecard.xlsx"
    target.write_bytes(b"previous scorecard")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("killed")
    assert target.read_bytes() == b"previous scorecard"
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.xlsx"]


def test_stale_temporaries_from_an_interrupted_run_are_removed(tmp_path):
    (tmp_path / f"{TEMP_PREFIX}abc.xlsx").write_bytes(b"left by a killed run")
    with atomic_output(tmp_path / "scorecard.xlsx") as temporary:
        temporary.write_bytes(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scorecard.xlsx"]


def test_a_target_open_in_excel_is_kept_under_another_name(tmp_path):
    target = tmp_path / "scorecard.xlsx"
    target.write_bytes(b"open in Excel")
    (tmp_path / "~$scorecard.xlsx").write_bytes(b"lock")
    with pytest.raises(OutputError, match=r"open in another program.*scorecard \(2\)\.xlsx"):
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"new")
    assert target.read_bytes() == b"open in Excel"
    assert (tmp_path / "scorecard (2).xlsx").read_bytes() == b"new"


def test_missing_output_folder_is_one_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        with atomic_output(tmp_path / "nowhere" / "scorecard.xlsx"):
            pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_unwritable_folder_is_one_clear_error(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write in"):
            with atomic_output(tmp_path / "scorecard.xlsx"):
                pass
    finally:
        tmp_path.chmod(0o700)


def test_a_gap_points_at_the_cell_whose_note_explains_it(tmp_path):
    rows = {r["ref"]: r for r in _q3_records()}
    gap = rows["ASC-20a"]
    assert gap["rag"] == "gap" and gap["source_file"] == "q3_2020_21_all_priorities.csv"
    assert gap["source_cell"] == "U21"  # the note column of ASC-20a's line in the reference CSV
