"""The records file's columns and types in CSV, JSON and Parquet, and `xlscorecard export` of
every period a history holds (issue 17, item 9)."""

import csv
import datetime as dt
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from xlscorecard.cli import cli
from xlscorecard.marks import records_header, written_by_xlscorecard
from xlscorecard.outputs.records import COLUMN_TYPES, COLUMNS, EARLIER_COLUMNS

from helpers import Q2_2122_SAMPLES, Q3_SAMPLES

pa = pytest.importorskip("pyarrow", reason="Parquet records need pyarrow (in the test extra)")
import pyarrow.parquet as pq  # noqa: E402


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def q3_outputs(tmp_path_factory):
    """The Q3 samples consolidated once, writing records in each format (one history)."""
    folder = tmp_path_factory.mktemp("q3")
    history = folder / "history.sqlite"
    for suffix in ("csv", "json", "parquet"):
        result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", folder / "q3.xlsx",
                     "--history", history, "--records", folder / f"q3.{suffix}")
        assert result.exit_code == 0, result.output
    return folder


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_ref(rows):
    return {row["ref"]: row for row in rows}


def test_records_carry_the_reporting_period_and_the_values_own_period_with_dates(q3_outputs):
    rows = by_ref(json.loads((q3_outputs / "q3.json").read_text(encoding="utf-8")))
    assert len(rows) == 60
    # HS-01 is a monthly indicator whose latest value is November's (seed 003 prints "Nov 2020").
    hs01 = rows["HS-01"]
    assert (hs01["reporting_period"], hs01["reporting_period_start"], hs01["reporting_period_end"]) == \
        ("2020/21 Q3", "2020-10-01", "2020-12-31")
    assert (hs01["period"], hs01["period_start"], hs01["period_end"]) == ("Nov 2020", "2020-11-01", "2020-11-30")
    cyp01 = rows["CYP-01"]
    assert (cyp01["period"], cyp01["period_start"], cyp01["period_end"]) == ("Dec 2020", "2020-12-01", "2020-12-31")


def test_records_name_the_service_and_the_priority_as_the_scorecard_does(q3_outputs):
    rows = by_ref(json.loads((q3_outputs / "q3.json").read_text(encoding="utf-8")))
    assert rows["CYP-01"]["service"] == "Children's Social Care"
    assert rows["CYP-01"]["priority"] == "1"
    # Seed 003: "Priority 1 - Ensure children and young people have a positive start in life".
    assert rows["CYP-01"]["priority_name"] == "Ensure children and young people have a positive start in life"
    assert {r["priority_name"] is not None for r in rows.values()} == {True}


def test_variance_is_unrounded_and_missing_directions_are_nulls_not_words(q3_outputs):
    rows = by_ref(json.loads((q3_outputs / "q3.json").read_text(encoding="utf-8")))
    # CYP-01: (485 - 459.4) / 485 = 5.27835...%, published as +5.28%.
    assert rows["CYP-01"]["variance_pct"] == pytest.approx(25.6 / 485 * 100, abs=1e-12)
    assert rows["CYP-01"]["variance_pct"] != round(rows["CYP-01"]["variance_pct"], 4)
    # The samples carry no value a year earlier: no trend is a null, never the word "none".
    assert {r["trend"] for r in rows.values()} == {None}
    assert None in {r["dot"] for r in rows.values()} and "none" not in {r["dot"] for r in rows.values()}
    csv_rows = by_ref(read_csv(q3_outputs / "q3.csv"))
    assert {r["trend"] for r in csv_rows.values()} == {""}
    table = pq.read_table(q3_outputs / "q3.parquet").to_pylist()
    assert {r["trend"] for r in table} == {None}


def test_source_files_are_relative_to_the_returns_folder(q3_outputs):
    rows = json.loads((q3_outputs / "q3.json").read_text(encoding="utf-8"))
    files = {r["source_file"] for r in rows}
    assert "childrens-social-care-Q3.xlsx" in files and "community-safety-Q3.csv" in files
    assert not any("/" in f or "\\" in f for f in files if f), files


def test_the_three_formats_hold_the_same_values_with_the_same_types(q3_outputs):
    from_json = json.loads((q3_outputs / "q3.json").read_text(encoding="utf-8"))
    from_parquet = pq.read_table(q3_outputs / "q3.parquet")
    from_csv = read_csv(q3_outputs / "q3.csv")
    arrow_types = {"text": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    assert from_parquet.schema.names == list(COLUMNS)
    for name, kind in COLUMN_TYPES.items():
        assert from_parquet.schema.field(name).type == arrow_types[kind], name
    python_types = {"text": str, "integer": int, "number": float, "date": str}
    for row in from_json:
        assert list(row) == list(COLUMNS)
        for name, value in row.items():
            assert value is None or type(value) is python_types[COLUMN_TYPES[name]], (name, value)
    parquet_rows = from_parquet.to_pylist()
    for j, p, c in zip(from_json, parquet_rows, from_csv):
        for name, kind in COLUMN_TYPES.items():
            value = p[name]
            if kind == "date" and value is not None:
                value = value.isoformat()
            assert j[name] == value, name
            text = c[name]
            expected = "" if j[name] is None else j[name]
            if kind in ("number", "integer") and text != "":
                text = (float if kind == "number" else int)(text)
            assert text == expected, name


def test_export_writes_every_period_the_history_holds_in_the_records_columns(tmp_path):
    history = tmp_path / "history.sqlite"
    assert run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
               "--history", history, "--records", tmp_path / "q3.json").exit_code == 0
    assert run("consolidate", Q2_2122_SAMPLES, "--period", "2021/22 Q2", "--out", tmp_path / "q2.xlsx",
               "--history", history, "--records", tmp_path / "q2.json").exit_code == 0
    result = run("export", "--history", history, "--out", tmp_path / "all.parquet")
    assert result.exit_code == 0, result.output
    assert "Periods: 2020/21 Q3, 2021/22 Q2" in result.output
    exported = pq.read_table(tmp_path / "all.parquet")
    assert exported.schema.names == list(COLUMNS)
    q3 = json.loads((tmp_path / "q3.json").read_text(encoding="utf-8"))
    q2 = json.loads((tmp_path / "q2.json").read_text(encoding="utf-8"))
    assert f"Records: {len(q3) + len(q2)} rows" in result.output
    rows = exported.to_pylist()
    assert [r["reporting_period"] for r in rows] == ["2020/21 Q3"] * len(q3) + ["2021/22 Q2"] * len(q2)
    # Each period as its own records file gave it, oldest first.
    as_json = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows]
    assert as_json == q3 + q2
    as_csv = run("export", "--history", history, "--out", tmp_path / "all.csv")
    assert as_csv.exit_code == 0
    assert len(read_csv(tmp_path / "all.csv")) == len(q3) + len(q2)


def test_a_rerun_replaces_its_periods_records_rather_than_adding_to_them(tmp_path):
    history = tmp_path / "history.sqlite"
    for _ in range(2):
        assert run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
                   "--history", history).exit_code == 0
    result = run("export", "--history", history, "--out", tmp_path / "all.json")
    assert "Records: 60 rows" in result.output
    assert len(json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))) == 60


def test_export_names_the_periods_recorded_without_records(tmp_path):
    history = tmp_path / "history.sqlite"
    assert run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
               "--history", history).exit_code == 0
    with sqlite3.connect(history) as db:  # as an earlier xlscorecard left it: a run and no records
        db.execute("DELETE FROM records")
    result = CliRunner().invoke(cli, ["export", "--history", str(history), "--out",
                                       str(tmp_path / "all.csv")])
    assert result.exit_code == 0
    assert "Records: 0 rows" in result.output
    assert "2020/21 Q3 was recorded by an earlier xlscorecard" in result.stderr
    assert read_csv(tmp_path / "all.csv") == []


def test_export_without_a_history_is_a_usage_error_and_writes_nothing(tmp_path):
    result = run("export", "--history", tmp_path / "none.sqlite", "--out", tmp_path / "all.csv")
    assert result.exit_code == 2
    assert "there is no history file" in result.output and not (tmp_path / "all.csv").exists()


def test_export_never_overwrites_the_history(tmp_path):
    history = tmp_path / "history.sqlite"
    assert run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
               "--history", history).exit_code == 0
    before = history.read_bytes()
    result = run("export", "--history", history, "--out", history)
    assert result.exit_code == 2 and history.read_bytes() == before


@pytest.mark.parametrize("columns", [COLUMNS, *EARLIER_COLUMNS], ids=["present", "earlier"])
def test_records_files_of_this_and_earlier_versions_are_never_read_as_returns(tmp_path, columns):
    returns = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, returns)
    old = returns / "q2-records.csv"
    old.write_bytes(records_header(columns) + b"CYP-01,x\r\n")
    assert written_by_xlscorecard(old) == "records"
    result = run("consolidate", returns, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx",
                 "--history", tmp_path / "h.sqlite")
    assert result.exit_code == 0 and "Returns read: 7 (and the register register-2020-21.xlsx)" in result.output
