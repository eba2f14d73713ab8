"""The scorecard's worksheets render their rows themselves, for speed: the files must be the
same, byte for byte, as xlsxwriter's own worksheet writes, in both of the writer's modes."""

from __future__ import annotations

import zipfile

import pytest
from xlsxwriter.worksheet import Worksheet

import xlscorecard.writer as writer
from xlscorecard.consolidate import assess, returns_position
from xlscorecard.writer import ScorecardData, write_scorecard
from xlscorecard.writer.fast_worksheet import ScorecardWorksheet

from test_consolidate import SAMPLES as ALL_SAMPLES


@pytest.fixture(scope="module")
def data() -> ScorecardData:
    result = assess(ALL_SAMPLES / "2020-21-Q3", period="2020/21 Q3")
    return ScorecardData(period=result.period, indicators=result.indicators, scores=result.scores,
                         observations=result.observations, findings=result.findings, sources=result.sources,
                         tolerance=result.tolerance, returns=returns_position(result),
                         benchmarks=result.benchmarks)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_fast_worksheet_is_the_default():
    assert writer.WORKSHEET_CLASS is ScorecardWorksheet


def test_an_ordinary_scorecard_is_the_same_file_as_xlsxwriter_writes(data, tmp_path, monkeypatch):
    fast = write_scorecard(data, tmp_path / "fast.xlsx")
    monkeypatch.setattr(writer, "WORKSHEET_CLASS", Worksheet)
    plain = write_scorecard(data, tmp_path / "plain.xlsx")
    assert members(fast)["xl/worksheets/sheet2.xml"].count(b"<c r=") > 500
    assert fast.read_bytes() == plain.read_bytes()


def test_a_large_scorecard_has_the_same_parts_as_xlsxwriter_writes(data, tmp_path, monkeypatch):
    """Row by row (constant_memory) strings are written inline by xlsxwriter itself; numbers,
    blanks, row heights and spans by the fast rows. The zip's dates differ, so parts are compared."""
    monkeypatch.setattr(writer, "LARGE_SCORECARD_INDICATORS", 10)
    fast = members(write_scorecard(data, tmp_path / "fast.xlsx"))
    monkeypatch.setattr(writer, "WORKSHEET_CLASS", Worksheet)
    plain = members(write_scorecard(data, tmp_path / "plain.xlsx"))
    assert list(fast) == list(plain)
    for name in plain:
        assert fast[name] == plain[name], name
    assert b"inlineStr" in fast["xl/worksheets/sheet2.xml"]
