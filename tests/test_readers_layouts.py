"""Every layout, built in the test from the published reference rows, reads back to those rows."""

from __future__ import annotations

import datetime as dt

import pytest

from return_builders import (MERGED_NOTES, workbook_from_rows, MONTHS, Q2_CSV, Q3_CSV, build_csv_long, build_measure_grid,
                             build_q2_wide, build_q3_wide, build_template, rows)
from xlscorecard.pipeline import validate_folder
from xlscorecard.core.model import Period, Polarity, Severity
from xlscorecard.readers import read_return
from xlscorecard.readers.cells import parse_number_text

Q3_ROWS = rows(Q3_CSV)
Q2_ROWS = rows(Q2_CSV)
NAME_TO_REF = {r["indicator"]: r["ref"] for r in Q3_ROWS}


def number(text: str) -> float | None:
    return None if text in ("", "-", "N/A") else parse_number_text(text)


def expected_q3() -> dict[tuple[str, str], tuple[float | None, str | None]]:
    """(ref, month label) -> (value, note), as the printed Q3 table shows them."""
    expected = {}
    for record in Q3_ROWS:
        span = MERGED_NOTES.get(record["ref"])
        for index, month in enumerate(MONTHS):
            label = Period.month(2020 if index < 9 else 2021, index + 4).label
            if span and span[0] <= index <= span[1]:
                expected[(record["ref"], label)] = (None, record["note"])
            elif number(record[month]) is not None:
                expected[(record["ref"], label)] = (number(record[month]), None)
    return expected


def observed(result, ref_of=lambda ref: ref):
    return {(ref_of(o.ref), o.period.label): (o.value, o.note) for o in result.observations}


Q3_BUILDERS = {
    "legacy wide (seed 003)": (build_q3_wide, "q3.xlsx"),
    "own template": (build_template, "template.xlsx"),
    "csv long form": (build_csv_long, "export.csv"),
    "monthly measure grid (seed 004)": (build_measure_grid, "grid 2020-21.xlsx"),
}


@pytest.mark.parametrize("layout", Q3_BUILDERS)
def test_q3_values_and_notes_read_back_in_every_layout(tmp_path, layout):
    """Each layout of the Q3 table gives the printed values, and the merged notes as gaps with reasons."""
    build, name = Q3_BUILDERS[layout]
    result = read_return(build(tmp_path / name))
    ref_of = (lambda name: NAME_TO_REF[name]) if "grid" in layout else (lambda ref: ref)
    assert expected_q3() == observed(result, ref_of)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("layout", ["legacy wide (seed 003)", "own template", "csv long form"])
def test_q3_targets_and_polarity_read_back(tmp_path, layout):
    """Annual targets ('1,034' as text too) and polarity match the printed table."""
    build, name = Q3_BUILDERS[layout]
    result = read_return(build(tmp_path / name))
    got = {i.ref: (i.polarity, i.annual_target) for i in result.indicators}
    expected = {r["ref"]: (Polarity.parse(r["polarity"]), number(r["target_2020_21"])) for r in Q3_ROWS}
    assert expected == got


def test_wide_tier_written_once_applies_to_its_block(tmp_path):
    """'Tier 1' is written on the first row of a block only, and 'Priority 2' as a heading above
    the table; every row below gets them."""
    result = read_return(build_q3_wide(tmp_path / "q3.xlsx"))
    assert {r["ref"]: int(r["tier"]) for r in Q3_ROWS} == {i.ref: i.tier for i in result.indicators}
    assert {r["ref"]: r["priority"] for r in Q3_ROWS} == {i.ref: i.priority for i in result.indicators}


def test_wide_reads_year_outturn_and_quartile_from_the_header(tmp_path):
    """'20/21 Target' gives the framework year; '19/20 Outturn' last year's figure."""
    result = read_return(build_q3_wide(tmp_path / "q3.xlsx"))
    cyp01 = next(i for i in result.indicators if i.ref == "CYP-01")
    assert (cyp01.framework_year.label, cyp01.previous_outturn, cyp01.quartile) == ("2020/21", 478, 4)


@pytest.mark.parametrize("ref", sorted(MERGED_NOTES))
def test_merged_note_rows_become_gaps_with_the_note(tmp_path, ref):
    """A note merged across months is a gap with that note for each month it covers, at the merged cell."""
    result = read_return(build_q3_wide(tmp_path / "q3.xlsx"))
    note = next(r["note"] for r in Q3_ROWS if r["ref"] == ref)
    first, last = MERGED_NOTES[ref]
    gaps = [o for o in result.observations if o.ref == ref and o.value is None]
    assert [note] * (last - first + 1) == [o.note for o in gaps]
    assert gaps[0].source.cell == "G" + gaps[0].source.cell[1:]


def test_published_variance_as_percent_fraction_is_read_as_printed(tmp_path):
    """0.0528 under a 0.00% format is the 5.28 people see."""
    result = read_return(build_q3_wide(tmp_path / "q3.xlsx"))
    claim = next(c for c in result.claims if c.ref == "CYP-01")
    assert (claim.period.label, claim.variance, claim.dot) == ("2020/21 Q3", 5.28, "worse")


def test_published_claims_that_disagree_become_findings(tmp_path):
    """CYP-01's published 5.28% agrees with the computed figure; CYP-02's 0.16% does not."""
    build_q3_wide(tmp_path / "q3.xlsx")
    result = validate_folder(tmp_path)  # claims are checked by the pipeline, against the scores
    flagged = {f.ref for f in result.findings if "published % variance" in f.message}
    assert "CYP-01" not in flagged and "CYP-02" in flagged


def test_q2_quarterly_layout_with_merged_outcomes(tmp_path):
    """Seed 000: 'Q1 June'/'Q2 Sept' are quarters of 2021/22 (from '21/22 Target'); a 'Tier 2'
    heading and an outcome merged down a block apply to each row below; frequency, polarity,
    outturn and quartile as printed."""
    result = read_return(build_q2_wide(tmp_path / "q2.xlsx"))
    expected = {}
    for record in Q2_ROWS:
        for quarter, column in ((1, "q1"), (2, "q2")):
            if number(record[column]) is not None:
                expected[(record["ref"], f"2021/22 Q{quarter}")] = (number(record[column]), None)
    assert expected == observed(result)
    by_ref = {i.ref: i for i in result.indicators}
    for record in Q2_ROWS:
        indicator = by_ref[record["ref"]]
        assert (indicator.polarity, indicator.annual_target, indicator.previous_outturn) == (
            Polarity.parse(record["polarity"]), number(record["target_2021_22"]), number(record["outturn_2020_21"]))
        assert indicator.framework_year.label == "2021/22"
    assert by_ref["SC-01"].frequency.value == "quarterly"
    assert by_ref["CYP-06"].quartile == 3
    assert {r["ref"]: int(r["tier"]) for r in Q2_ROWS} == {ref: i.tier for ref, i in by_ref.items()}
    tier1 = [r["ref"] for r in Q2_ROWS if r["tier"] == "1"]
    assert by_ref[tier1[5]].outcome.startswith("Tier 1 outcome 1") and by_ref[tier1[6]].outcome.startswith("Tier 1 outcome 2")


def test_grid_without_refs_reports_that_metadata_must_come_from_the_register(tmp_path):
    result = read_return(build_measure_grid(tmp_path / "grid 2020-21.xlsx"))
    assert not result.indicators
    assert any("no polarity or target" in f.message for f in result.findings)


def test_grid_months_wrapping_past_march_move_to_the_next_year(tmp_path):
    """Seed 004's 'September … April': April follows March, so it is April of the next year."""
    workbook_from_rows(tmp_path / "Improvement plan 2022-23.xlsx", [
        ["Measure", "September", "October", "November", "December", "January", "February", "March", "April", "RAG"],
        ["No. of audits", 22, 25, None, None, None, None, 30, 31],
    ])
    result = read_return(tmp_path / "Improvement plan 2022-23.xlsx")
    assert [o.period.label for o in result.observations] == ["Sep 2022", "Oct 2022", "Mar 2023", "Apr 2023"]


def test_year_from_the_period_given_when_the_return_does_not_say(tmp_path):
    workbook_from_rows(tmp_path / "return.xlsx", [
        ["Ref", "Measure", "April", "May"],
        ["X-1", "Something", 1, 2],
    ])
    without = read_return(tmp_path / "return.xlsx")
    assert not without.observations
    assert any(f.severity is Severity.ERROR and "financial year" in f.message for f in without.findings)
    given = read_return(tmp_path / "return.xlsx", period_hint="2021/22 Q1")
    assert [o.period.label for o in given.observations] == ["Apr 2021", "May 2021"]


def test_template_values_with_dates_period_targets_and_notes(tmp_path):
    """templates/README.md: an Excel date names its month; a period target and a note are kept."""
    workbook_from_rows(tmp_path / "values.xlsx", [
        ["Ref", "Period", "Value", "Period target", "Note"],
        ["CYP-41", dt.datetime(2020, 12, 1), 505.1, 450, None],
        ["CYP-41", "2020/21 Q2", "-", None, "Late return"],
    ], title="Values")
    result = read_return(tmp_path / "values.xlsx")
    got = [(o.period.label, o.value, o.period_target, o.note) for o in result.observations]
    assert got == [("Dec 2020", 505.1, 450, None), ("2020/21 Q2", None, None, "Late return")]


def test_semicolon_csv_export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("PI Ref;Period;Value;Comments\nHS-01;Nov 2020;1217;\n", encoding="cp1252")
    result = read_return(path)
    assert [(o.ref, o.period.label, o.value) for o in result.observations] == [("HS-01", "Nov 2020", 1217)]


def test_month_headers_typed_as_dates(tmp_path):
    """'Apr-20' in a header is often a date formatted mmm-yy: it names its month."""
    workbook_from_rows(tmp_path / "return.xlsx", [  # openpyxl gives datetimes a date format
        ["Ref", "Measure", "Polarity", dt.datetime(2020, 4, 1), dt.datetime(2020, 5, 1)],
        ["X-1", "Something", "Higher", 3, 4],
    ])
    result = read_return(tmp_path / "return.xlsx")
    assert [(o.period.label, o.value) for o in result.observations] == [("Apr 2020", 3), ("May 2020", 4)]


def test_published_trend_is_checked_when_last_years_value_is_there(tmp_path):
    """A trend arrow that contradicts this year's and last year's values is a finding."""
    workbook_from_rows(tmp_path / "return.xlsx", [
        ["Ref", "Indicator", "Polarity", "Target", "Sep 2019", "Sep 2020", "Trend"],
        ["X-1", "Something", "Higher", 10, 12, 11, "↑"],
    ])
    [finding] = [f for f in validate_folder(tmp_path).findings if f.ref and "trend" in f.message]
    assert (finding.source.cell, finding.ref) == ("G2", "X-1") and "'declining'" in finding.message


def test_header_found_below_many_title_rows(tmp_path):
    """The header may be on any of the first 30 rows."""
    titles = [[f"Title line {n}: Performance Report 2020/21"] for n in range(24)]
    workbook_from_rows(tmp_path / "return.xlsx", [
        *titles,
        ["PI Ref", "Performance Indicator", "Good is", "Dec"],
        ["X-1", "Something", "Low", "1,234"],
    ])
    result = read_return(tmp_path / "return.xlsx")
    assert [(o.ref, o.period.label, o.value, o.source.cell) for o in result.observations] == [
        ("X-1", "Dec 2020", 1234, "D26")]
    assert result.indicators[0].polarity is Polarity.LOWER


def test_a_comments_column_stays_with_the_latest_figure(tmp_path):
    workbook_from_rows(tmp_path / "return.xlsx", [
        ["Ref", "Indicator", "Polarity", "20/21 Target", "Oct", "Nov", "Comments"],
        ["X-1", "Something", "Higher", 10, 8, 9, "Recovering after closures"],
        ["X-2", "Other", "Higher", 10, "-", "-", "No data from the NHS"],
    ])
    got = [(o.ref, o.period.label, o.value, o.note) for o in read_return(tmp_path / "return.xlsx").observations]
    assert got == [("X-1", "Oct 2020", 8, None), ("X-1", "Nov 2020", 9, "Recovering after closures"),
                   ("X-2", "Nov 2020", None, "No data from the NHS")]
