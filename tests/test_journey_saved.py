"""Issue 17 item 5: one notion of "saved". The Summary, Sources and Returns sheets and `status`
agree on when each return was saved; a return whose only date is its file's says "file date", and
a file date after the deadline is "not known", never "late" (the sample's Community Safety CSV
gets the date it was checked out)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.deadlines import LATE, NOT_KNOWN, ON_TIME, track_returns
from xlscorecard.core.model import Indicator, Observation, Period, Source

from helpers import Q3_SAMPLES, find_row, header_columns

CHECKED_OUT = 1_900_000_000  # 17 March 2030: long after the Q3 deadline of 15 January 2021
SAVED = dt.datetime(2021, 1, 12, 16, 30)  # what the sample workbooks record


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def checked_out_late(tmp_path_factory):
    """The samples as a fresh checkout leaves them: every file dated long after the deadline."""
    folder = tmp_path_factory.mktemp("journey") / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    for path in folder.iterdir():
        os.utime(path, (CHECKED_OUT, CHECKED_OUT))
    out = folder.parent / "q3.xlsx"
    result = run("consolidate", folder, "--period", "2020/21 Q3", "--out", out, "--no-history")
    assert result.exit_code == 0, result.output
    return folder, load_workbook(out)


def test_status_says_file_date_and_not_known_for_the_csv(checked_out_late):
    folder, _ = checked_out_late
    result = run("status", folder, "--period", "2020/21 Q3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    community = next(line for line in lines if line.startswith("- Community Safety"))
    assert community.endswith("community-safety-Q3.csv, file date 17 Mar 2030 17:46 UTC; not known (file date)")
    assert not any("LATE" in line for line in lines)
    adult = next(line for line in lines if line.startswith("- Adult Social Care"))
    assert adult.endswith("adult-social-care-Q3.xlsx, saved 12 Jan 2021 16:30 UTC; on time")


def test_returns_and_sources_sheets_agree_on_saved(checked_out_late):
    _, book = checked_out_late
    returns, sources = book["Returns"], book["Sources"]
    rcols = header_columns(returns, find_row(returns, "Service"))
    scols = header_columns(sources, find_row(sources, "File"))
    for service, file, saved, origin, on_time in [
            ("Community Safety", "community-safety-Q3.csv", dt.datetime(2030, 3, 17, 17, 46, 40), "file date",
             "Not known (file date)"),
            ("Public Health", "public-health-Q3.xlsx", SAVED, "the workbook", "On time")]:
        row = find_row(returns, service)
        assert returns.cell(row, rcols["Saved (UTC)"]).value == saved
        assert returns.cell(row, rcols["Saved date from"]).value == origin
        assert returns.cell(row, rcols["On time?"]).value == on_time
        source_row = next(r for r in range(1, sources.max_row + 1)
                          if str(sources.cell(r, 1).value or "").endswith(file))
        assert sources.cell(source_row, scols["Saved (UTC)"]).value == saved
        assert sources.cell(source_row, scols["Saved date from"]).value == origin
    assert book["Summary"]["A2"].value == ("60 indicators in 6 priorities. Newest return saved: 12 January 2021 "
                                           "(1 return with only a file date: see Returns).")


Q3 = Period.quarter(2020, 3)


@pytest.mark.parametrize("saved,file_date,expected", [
    (dt.datetime(2021, 1, 14, tzinfo=dt.timezone.utc), True, ON_TIME),    # a file date before the deadline proves it
    (dt.datetime(2021, 2, 1, tzinfo=dt.timezone.utc), True, NOT_KNOWN),   # a file date after it proves nothing
    (dt.datetime(2021, 2, 1, tzinfo=dt.timezone.utc), False, LATE),       # the workbook's own record does
])
def test_a_file_date_can_show_on_time_but_never_late(saved, file_date, expected):
    indicator = Indicator("A-1", "A", "higher", frequency="quarterly", service="Housing")
    observation = Observation("A-1", Period.month(2020, 12), 5.0, source=Source("housing.csv"))
    (housing,) = track_returns([indicator], [observation], {"housing.csv": saved}, Q3,
                               file_dates={"housing.csv"} if file_date else set())
    assert housing.timeliness == expected and housing.file_date is file_date
