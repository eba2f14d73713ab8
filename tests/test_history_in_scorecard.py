"""Each indicator's history in the scorecard: sparklines, the Indicator history sheet, trend from
the history, and the signals (issue 18), on the README's sample run: the illustrative 2018/19
and 2019/20 values loaded into the history first, then the published Q3 2020/21 returns.

Expected figures come from the published report (tests/data: values, arrows) and from the
illustrative CSV the history was loaded from, never from the scorecard's own output.
"""

from __future__ import annotations

import csv
import re
import zipfile

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

import xlscorecard.outputs.scorecard as writer
from xlscorecard.core.model import Period, Severity, Trend
from xlscorecard.pipeline import assess, consolidate
from xlscorecard.outputs.scorecard import ScorecardData, write_scorecard

from helpers import Q3_SAMPLES, SAMPLES, find_row
from reference import Q3_FILE, read_rows


def q3_rows() -> list[dict[str, str]]:
    return read_rows(Q3_FILE)

ILLUSTRATIVE = SAMPLES / "history-illustrative"
P1 = "P1 Children and young people"
HISTORY = "Indicator history"
PUBLISHED_TRENDS = {"↑": Trend.IMPROVING, "↓": Trend.DECLINING, "↔": Trend.SAME, "": Trend.NONE}
FILLS = {"green": "FF00B050", "amber": "FFFFC000", "red": "FFFF0000"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample-run")
    history = folder / "xlscorecard-history.sqlite"
    consolidate(ILLUSTRATIVE, period="2019/20 Q4", out=folder / "illustrative.xlsx", history=history)
    result = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=folder / "scorecard.xlsx", history=history)
    return result


@pytest.fixture(scope="module")
def book(run):
    return openpyxl.load_workbook(run.scorecard)


def illustrative_values() -> dict[tuple[str, str], float]:
    with (ILLUSTRATIVE / "illustrative-values-2018-19-and-2019-20.csv").open(encoding="utf-8") as handle:
        return {(row["Ref"], row["Period"]): float(row["Value"]) for row in csv.DictReader(handle)}


def sparklines(path, sheet_number: int) -> dict[str, tuple[str, dict]]:
    """Cell → (range, the group's attributes) of every sparkline of one worksheet's XML."""
    with zipfile.ZipFile(path) as package:
        xml = package.read(f"xl/worksheets/sheet{sheet_number}.xml").decode()
    found = {}
    for attributes, body in re.findall(r"<x14:sparklineGroup ([^>]*)>(.*?)</x14:sparklineGroup>", xml):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        for cells, where in re.findall(r"<xm:f>([^<]*)</xm:f><xm:sqref>([^<]*)</xm:sqref>", body):
            found[where] = (cells.replace("&apos;", "'"), attrs)
    return found


def history_columns(ws) -> dict[str, int]:
    """'Dec 2020' → column on the Indicator history sheet, from its two header rows."""
    columns, year = {}, None
    for col in range(4, ws.max_column + 1):
        year = ws.cell(4, col).value or year
        month = ws.cell(5, col).value
        start = int(year[:4])
        calendar = start if month in ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec") else start + 1
        columns[f"{month} {calendar}"] = col
    return columns


def test_the_published_figures_do_not_change(run):
    total = run.total.target
    assert (total.on_target, total.within_tolerance, total.off_target, total.gaps) == (29, 8, 21, 2)
    assert run.count(Severity.WARNING) == 0  # every published trend agrees with the one computed


def test_trend_is_computed_from_the_history_as_the_report_printed_it(run):
    """The Q3 returns hold no 2019 value: the trend comes from the history, and for every
    indicator it is the arrow the report printed (none where it printed none)."""
    scores = {s.ref: s for s in run.scores}
    held = illustrative_values()
    for row in q3_rows():
        score = scores[row["ref"]]
        assert score.trend is PUBLISHED_TRENDS[row["published_trend"]], row["ref"]
        if score.trend is not Trend.NONE:
            earlier = score.value_period.same_period_last_year()
            assert score.last_year_value == held[(row["ref"], earlier.label)], row["ref"]
    assert sum(1 for s in scores.values() if s.trend is not Trend.NONE) == 50


def test_sparklines_draw_the_last_24_months_or_8_quarters_from_the_history_sheet(run, book):
    ws, history = book[P1], book[HISTORY]
    lines = sparklines(run.scorecard, 2)  # sheet2: the first priority sheet
    columns = history_columns(history)
    header = {ws.cell(5, c).value or ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    spark_col = openpyxl.utils.get_column_letter(header["Last 2 years (red: latest)"])
    for ref, first, last, count in (("CYP-01", "Jan 2019", "Dec 2020", 24), ("CYP-24", "Mar 2019", "Dec 2020", 8)):
        cells, attrs = lines[f"{spark_col}{find_row(ws, ref)}"]
        row = find_row(history, ref)
        assert cells == (f"'{HISTORY}'!{openpyxl.utils.get_column_letter(columns[first])}{row}:"
                         f"{openpyxl.utils.get_column_letter(columns[last])}{row}"), ref
        assert attrs.get("type") == "column" and attrs.get("last") == "1"  # the reporting period marked
        values = [history.cell(row, c).value for c in range(columns[first], columns[last] + 1)]
        assert len([v for v in values if v is not None]) == count, ref
    row = find_row(history, "CYP-01")
    assert history.cell(row, columns["Dec 2020"]).value == 459.4  # published
    assert history.cell(row, columns["Jan 2019"]).value == illustrative_values()[("CYP-01", "Jan 2019")]
    assert f"{spark_col}{find_row(book['P2 Health, independence, care'], 'ASC-20a')}" not in sparklines(run.scorecard, 3)


def test_history_sheet_values_fills_letters_targets_and_links(run, book):
    history, ws = book[HISTORY], book[P1]
    columns = history_columns(history)
    published = {row["ref"]: row for row in q3_rows()}
    for ref, rag in (("CYP-01", "green"), ("CYP-27a", "amber"), ("CYP-40", "red")):
        row = find_row(history, ref)
        cell = history.cell(row, columns["Dec 2020"])
        assert cell.value == float(published[ref]["dec"]), ref
        assert cell.fill.fgColor.rgb == FILLS[rag] and cell.number_format.endswith(f'" {rag[0].upper()}"'), ref
        assert history.cell(row + 1, 3).value == "Target"
        assert history.cell(row + 1, columns["Dec 2020"]).value == float(published[ref]["target_2020_21"])
        last_year = history.cell(row, columns["Dec 2019"])  # illustrative, no target held: no colour, no letter
        assert last_year.value == illustrative_values()[(ref, "Dec 2019")]
        assert last_year.fill.fgColor.rgb == "FFFFFFFF" and last_year.number_format == "General", ref
        assert history.cell(row + 1, columns["Dec 2019"]).value is None
        # the ref on the priority sheet links to this row, and this row links back
        there = ws.cell(find_row(ws, ref), 1)
        assert there.hyperlink.location == f"'{HISTORY}'!A{row}" and there.hyperlink.target is None
        back = history.cell(row, 1)
        assert back.value == ref and back.hyperlink.location == f"'{P1}'!A{there.row}"
    assert "illustrative-values-2018-19-and-2019-20.csv" in history["A2"].value  # where the earlier values came from


def test_signals_are_shown_listed_and_counted(run, book):
    series = run.series
    improving = sorted(ref for ref, s in series.items() if s.signal and s.spc.variation.name == "IMPROVING")
    concerning = sorted(ref for ref, s in series.items() if s.signal and s.spc.variation.name == "CONCERNING")
    assert improving and concerning  # the sample run shows a signal of each kind
    signals = book["Signals this period"]
    listed = [signals.cell(r, 2).value for r in range(1, signals.max_row + 1)]
    assert sorted(set(listed) & set(series)) == sorted(improving + concerning)
    summary = book["Summary"]
    title = find_row(summary, "Signal or noise: the latest value on each indicator's XmR chart "
                              "(statistical process control)")
    total = find_row(summary, "Total", start=title)
    assert summary.cell(total, 3).value.endswith(f"({len(improving)})")
    assert summary.cell(total, 4).value.endswith(f"({len(concerning)})")
    ws = book[P1]
    header = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    cell = ws.cell(find_row(ws, "CYP-09"), header["Signal or noise (SPC)"])
    assert cell.value.startswith("Concerning (special cause)") and cell.fill.fgColor.rgb == "FFF4B183"

    table = book["All indicators"]
    head = {table.cell(1, c).value: c for c in range(1, table.max_column + 1)}
    row = find_row(table, "CYP-09")
    assert table.cell(row, head["Signal (SPC)"]).value == "Concerning (special cause)"
    assert table.cell(row, head["Values held"]).value == 33  # 24 illustrative months and 9 published
    assert "special cause, concerning" in table.cell(row, head["Signal explanation"]).value  # as `explain` says


def test_a_year_to_date_indicator_gets_no_signal(run):
    """CYP-41 is cumulative: an XmR chart of values that build up over the year would call
    every rise a trend."""
    assert run.series["CYP-41"].spc is None and "year to date" in run.series["CYP-41"].spc_note


def test_explain_reads_the_history_the_scorecard_does(run, monkeypatch):
    from click.testing import CliRunner
    from xlscorecard.cli import cli

    monkeypatch.chdir(run.history.parent)  # consolidate's default history is here
    said = CliRunner().invoke(cli, ["explain", "CYP-09", str(Q3_SAMPLES), "--period", "2020/21 Q3"]).output
    assert "from 33 months" in said and "special cause, concerning" in said
    assert f"Dec 2019 was {illustrative_values()[('CYP-09', 'Dec 2019')]:g}" in said


def test_the_fast_worksheet_writes_sparklines_and_links_as_xlsxwriter_does(run, tmp_path, monkeypatch):
    result = assess(Q3_SAMPLES, period="2020/21 Q3", history=run.history, record=False)
    data = ScorecardData(period=result.period, indicators=result.indicators, scores=result.scores,
                         observations=result.observations, findings=result.findings, sources=result.sources,
                         series=result.series)
    fast = write_scorecard(data, tmp_path / "fast.xlsx")
    monkeypatch.setattr(writer, "WORKSHEET_CLASS", Worksheet)
    plain = write_scorecard(data, tmp_path / "plain.xlsx")
    assert fast.read_bytes() == plain.read_bytes()
    assert len(sparklines(plain, 2)) == 18  # every Priority 1 indicator has values
    monkeypatch.setattr(writer, "LARGE_SCORECARD_INDICATORS", 10)  # row by row: the same sheets
    large = openpyxl.load_workbook(write_scorecard(data, tmp_path / "large.xlsx"))
    assert large[HISTORY].cell(find_row(large[HISTORY], "CYP-01"), 4).value == illustrative_values()[("CYP-01", "Apr 2018")]


def test_without_history_the_priority_sheets_still_have_the_returns_values(tmp_path):
    result = consolidate(Q3_SAMPLES, period="2020/21 Q3", out=tmp_path / "s.xlsx", use_history=False)
    assert len(result.series["CYP-01"].points) == 9 and result.series["CYP-01"].points[-1].period == Period.month(2020, 12)
    assert all(s.trend is Trend.NONE for s in result.scores)


def test_a_worked_signal_is_shown_listed_and_counted(tmp_path):
    """Twelve months alternating 10 and 11, then 20 (higher is better, target 12).
    Moving ranges: eleven of 1 and one of 9; their mean 20/12 = 1.667, and 9 >= 3.267 × 1.667 =
    5.44 is screened out, so the mean moving range is 11/11 = 1. Mean (6×10 + 6×11 + 20)/13 =
    11.23; upper limit 11.23 + 2.66 × 1 = 13.89: 20 is above it, special cause, improving. The
    target 12 lies between the limits (8.57 to 13.89): hit and miss."""
    from xlscorecard.core.model import Indicator, Observation
    from xlscorecard.core.scoring import score_indicator

    period = Period.month(2020, 1)
    months = [Period.month(2019 if m > 0 else 2018, m or 12) for m in range(0, 12)] + [period]
    values = [10 + n % 2 for n in range(12)] + [20]
    indicator = Indicator("X-1", "Worked example", "higher", frequency="monthly", annual_target=12, priority="1")
    observations = [Observation("X-1", p, v) for p, v in zip(months, values)]
    data = ScorecardData(period=period, indicators=[indicator], observations=observations,
                         scores=[score_indicator(indicator, observations, period)])
    book = openpyxl.load_workbook(write_scorecard(data, tmp_path / "s.xlsx"))
    signals = book["Signals this period"]
    row = find_row(signals, "X-1", column=2)
    assert signals.cell(row, 5).value == "Improving (special cause)"
    assert signals.cell(row, 6).value == "Hit and miss" and signals.cell(row, 7).value == "outside limits"
    assert "13.89" in signals.cell(row, 8).value and "above the upper limit" in signals.cell(row, 8).value
    summary = book["Summary"]
    total = find_row(summary, "Total", start=find_row(summary, "Signal or noise: the latest value on each "
                                                              "indicator's XmR chart (statistical process control)"))
    assert [summary.cell(total, c).value for c in range(2, 7)] == [1, "100% (1)", "0% (0)", "0% (0)", "0% (0)"]


def test_each_sparkline_starts_its_axis_below_its_lowest_value(run, book):
    """The axis starts a quarter of the range below the lowest of the values drawn, so the
    lowest column (CYP-09's: its illustrative 2019 months) still shows. Worked from the values
    on the Indicator history sheet, not from the code."""
    ws, history = book[P1], book[HISTORY]
    header = {ws.cell(5, c).value or ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    where = f"{openpyxl.utils.get_column_letter(header['Last 2 years (red: latest)'])}{find_row(ws, 'CYP-09')}"
    with zipfile.ZipFile(run.scorecard) as package:
        xml = package.read("xl/worksheets/sheet2.xml").decode()
    group = re.search(r"<x14:sparklineGroup ([^>]*)>(?:(?!</x14:sparklineGroup>).)*<xm:sqref>" + where + "<", xml).group(1)
    cells = sparklines(run.scorecard, 2)[where][0].split("!")[1]
    first, last = (openpyxl.utils.cell.coordinate_from_string(c) for c in cells.split(":"))
    row = first[1]
    values = [history.cell(row, c).value for c in range(openpyxl.utils.column_index_from_string(first[0]),
                                                         openpyxl.utils.column_index_from_string(last[0]) + 1)]
    values = [v for v in values if v is not None]
    floor = max(min(values) - (max(values) - min(values)) / 4, 0)
    assert 'minAxisType="custom"' in group
    assert float(re.search(r'manualMin="([^"]+)"', group).group(1)) == pytest.approx(floor)


def test_sparklines_copied_from_the_first_are_the_file_one_call_each_makes(run, tmp_path, monkeypatch):
    """Each sparkline after the first is a copy of xlsxwriter's record of it; without the
    record (another xlsxwriter), each is its own call: the same file."""
    from xlscorecard.outputs.scorecard import sparklines as module

    result = assess(Q3_SAMPLES, period="2020/21 Q3", history=run.history, record=False)
    data = ScorecardData(period=result.period, indicators=result.indicators, scores=result.scores,
                         observations=result.observations, sources=result.sources, series=result.series)
    copied = write_scorecard(data, tmp_path / "copied.xlsx").read_bytes()
    monkeypatch.setattr(module, "_COPIED", ("no such key",))
    assert write_scorecard(data, tmp_path / "called.xlsx").read_bytes() == copied
