"""The returns tracker (issue 8, item 1): deadlines in working days, received, late, missing."""

import datetime as dt
import os
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.model import Indicator, Observation, Period, Source
from xlscorecard.readers.properties import workbook_saved_time
from xlscorecard.core.deadlines import deadline, track_returns

from helpers import find_row, header_columns
from reference import Q3_FILE, read_rows
from helpers import Q3_SAMPLES

Q3 = Period.quarter(2020, 3)


# period, working days, due date: England's bank holidays, including the one-off ones, are skipped
DEADLINES = [
    (Q3, 10, dt.date(2021, 1, 15)),                      # 1 January 2021 is a bank holiday
    (Period.quarter(2020, 4), 10, dt.date(2021, 4, 16)),  # Good Friday and Easter Monday 2021
    (Period.month(2022, 5), 2, dt.date(2022, 6, 6)),      # the Platinum Jubilee holidays, 2-3 June 2022
    (Period.month(2022, 8), 15, dt.date(2022, 9, 22)),    # the State Funeral, 19 September 2022
    (Period.month(2020, 12), 0, dt.date(2020, 12, 31)),
]


@pytest.mark.parametrize("period,days,due", DEADLINES)
def test_deadline_counts_working_days_after_the_period(period, days, due):
    assert deadline(period, days) == due


def _indicator(ref, service, frequency="quarterly"):
    return Indicator(ref, ref, "higher", frequency=frequency, service=service, data_owner=f"{service} lead")


def test_received_late_missing_and_not_received():
    indicators = [_indicator("A-1", "Housing"), _indicator("A-2", "Housing"), _indicator("B-1", "Libraries"),
                  _indicator("C-1", "Leisure", "annual")]
    observations = [Observation("A-1", Period.month(2020, 12), 5.0, source=Source("housing.xlsx")),
                    Observation("A-2", Period.month(2020, 12), None, note="awaiting data", source=Source("housing.xlsx")),
                    Observation("B-1", Period.month(2020, 9), 3.0, source=Source("libraries.xlsx"))]
    saved = {"housing.xlsx": dt.datetime(2021, 1, 18, 9, tzinfo=dt.timezone.utc),
             "libraries.xlsx": dt.datetime(2020, 10, 5, tzinfo=dt.timezone.utc)}
    housing, libraries = track_returns(indicators, observations, saved, Q3)
    assert (housing.service, housing.due, housing.files) == ("Housing", ("A-1", "A-2"), ("housing.xlsx",))
    assert housing.on_time is False and housing.missing == ("A-2",)
    assert housing.data_owners == ("Housing lead",)
    # Libraries sent September's value last quarter, nothing for Q3; Leisure is annual, not due.
    assert (libraries.service, libraries.files, libraries.on_time, libraries.missing) == ("Libraries", (), None, ("B-1",))


def test_a_workbooks_saved_time_beats_the_file_date(tmp_path):
    copy = tmp_path / "public-health-Q3.xlsx"
    shutil.copy(Q3_SAMPLES / "public-health-Q3.xlsx", copy)
    os.utime(copy, (1_900_000_000, 1_900_000_000))  # copied to the shared drive much later
    assert workbook_saved_time(copy) == dt.datetime(2021, 1, 12, 16, 30, tzinfo=dt.timezone.utc)
    assert workbook_saved_time(Q3_SAMPLES / "community-safety-Q3.csv") is None


def test_status_command_lists_every_service(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    os.utime(folder / "community-safety-Q3.csv", (1_610_000_000, 1_610_000_000))  # 7 January 2021
    result = CliRunner().invoke(cli, ["status", str(folder), "--period", "2020/21 Q3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Returns for Quarter 3 2020/21, due by 15 January 2021"
    assert sum(line.startswith("- ") for line in lines) == 7
    assert all(line.endswith("on time") for line in lines if line.startswith("- "))
    assert "  still without a value: ASC-20a" in lines and "  still without a value: SC-12" in lines
    # Each service lists the indicators it owes: together, the 60 of the published Q3 tables, once each.
    due = [ref for line in lines if line.startswith("  due (") for ref in line.split(": ", 1)[1].split(", ")]
    assert sorted(due) == sorted(row["ref"] for row in read_rows(Q3_FILE))
    assert "  due (5): SC-01, SC-07, SC-08, SC-12, SC-17" in lines
    late = CliRunner().invoke(cli, ["status", str(folder), "--period", "2020/21 Q3", "--deadline-days", "3"])
    assert "saved 12 Jan 2021 16:30 UTC; LATE" in late.output


def test_the_scorecard_has_a_returns_sheet(tmp_path):
    out = tmp_path / "s.xlsx"
    assert CliRunner().invoke(cli, ["consolidate", str(Q3_SAMPLES), "--out", str(out), "--no-history"]).exit_code == 0
    ws = load_workbook(out)["Returns"]
    columns = header_columns(ws, find_row(ws, "Service"))
    row = find_row(ws, "Adult Social Care")
    assert ws.cell(row, columns["Return received"]).value == "adult-social-care-Q3.xlsx"
    assert ws.cell(row, columns["On time?"]).value == "On time"
    assert ws.cell(row, columns["On time?"]).fill.fgColor.rgb == "FF00B050"
    assert ws.cell(row, columns["Still without a value"]).value == "ASC-20a"
    assert ws.cell(row, columns["Deadline"]).value == dt.datetime(2021, 1, 15)


def test_the_bank_holiday_table_is_what_the_holidays_package_says():
    """xlscorecard/core/bank_holidays.py is the `holidays` package's answer stored as data (so
    a run does not load every country's calendar). When `holidays` is upgraded and learns a new
    one-off holiday, this fails: run scripts/bank_holidays.py."""
    import holidays

    from xlscorecard.core.bank_holidays import ENGLAND_AND_WALES, FIRST_YEAR, LAST_YEAR

    expected = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    assert ENGLAND_AND_WALES == frozenset(expected)
