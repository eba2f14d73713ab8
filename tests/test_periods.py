"""Financial years and periods: parsing what people type, and the relations scoring needs."""

import datetime as dt

import pytest

from xlscorecard.errors import PeriodError
from xlscorecard.core.periods import FinancialYear, Period, PeriodKind, parse_period

# text, kind, label
TYPED = [
    ("2020/21 Q3", PeriodKind.QUARTER, "2020/21 Q3"),
    ("Q3 2020/21", PeriodKind.QUARTER, "2020/21 Q3"),
    ("Q3 20/21", PeriodKind.QUARTER, "2020/21 Q3"),
    ("q3 2020-21", PeriodKind.QUARTER, "2020/21 Q3"),
    ("Quarter 3 2020/21", PeriodKind.QUARTER, "2020/21 Q3"),
    ("Dec 2020", PeriodKind.MONTH, "Dec 2020"),
    ("December 2020", PeriodKind.MONTH, "Dec 2020"),
    ("2020-12", PeriodKind.MONTH, "Dec 2020"),
    ("Dec-20", PeriodKind.MONTH, "Dec 2020"),
    (" sept 2020 ", PeriodKind.MONTH, "Sep 2020"),
    ("Jan 2021", PeriodKind.MONTH, "Jan 2021"),
    ("2020/21", PeriodKind.YEAR, "2020/21"),
    ("20/21", PeriodKind.YEAR, "2020/21"),
    ("2020-21", PeriodKind.YEAR, "2020/21"),
    ("2020/2021", PeriodKind.YEAR, "2020/21"),
]


@pytest.mark.parametrize("text,kind,label", TYPED)
def test_parses_what_people_type(text, kind, label):
    period = parse_period(text)
    assert (period.kind, period.label) == (kind, label)


@pytest.mark.parametrize("text", ["Q5 2020/21", "2020/22", "Smarch 2020", "", "2020-13", "Q3", "13/2020", "yesterday"])
def test_bad_input_names_what_was_given_and_what_is_accepted(text):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    message = str(error.value)
    assert repr(text) in message
    assert "2020/21 Q3" in message and "Dec 2020" in message


def test_non_text_input_is_a_period_error():
    with pytest.raises(PeriodError):
        parse_period(2020)


def test_financial_year_runs_april_to_march():
    fy = FinancialYear.parse("2020/21")
    assert (fy.start_date, fy.end_date) == (dt.date(2020, 4, 1), dt.date(2021, 3, 31))
    assert fy.short_label == "20/21"
    assert FinancialYear.containing(dt.date(2021, 3, 31)) == fy
    assert FinancialYear.containing(dt.date(2021, 4, 1)) == FinancialYear(2021)


# period, months elapsed, start, end
ELAPSED = [
    ("Apr 2020", 1, dt.date(2020, 4, 1), dt.date(2020, 4, 30)),
    ("Dec 2020", 9, dt.date(2020, 12, 1), dt.date(2020, 12, 31)),
    ("Feb 2021", 11, dt.date(2021, 2, 1), dt.date(2021, 2, 28)),
    ("2020/21 Q1", 3, dt.date(2020, 4, 1), dt.date(2020, 6, 30)),
    ("2020/21 Q3", 9, dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
    ("2020/21 Q4", 12, dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
    ("2020/21", 12, dt.date(2020, 4, 1), dt.date(2021, 3, 31)),
]


@pytest.mark.parametrize("text,elapsed,start,end", ELAPSED)
def test_months_elapsed_and_dates(text, elapsed, start, end):
    """SPEC rule 1: 'Dec is month 9, so 9/12'."""
    period = parse_period(text)
    assert (period.months_elapsed, period.start_date, period.end_date) == (elapsed, start, end)


# period, previous reported period, same period last year
RELATIONS = [
    ("2020/21 Q3", "2020/21 Q2", "2019/20 Q3"),
    ("2021/22 Q1", "2020/21 Q4", "2020/21 Q1"),
    ("Dec 2020", "Nov 2020", "Dec 2019"),
    ("Apr 2020", "Mar 2020", "Apr 2019"),
    ("Jan 2021", "Dec 2020", "Jan 2020"),
    ("2020/21", "2019/20", "2019/20"),
]


@pytest.mark.parametrize("text,previous,last_year", RELATIONS)
def test_previous_and_same_period_last_year(text, previous, last_year):
    period = parse_period(text)
    assert period.previous() == parse_period(previous)
    assert period.same_period_last_year() == parse_period(last_year)


def test_quarter_contains_its_months_only():
    q3 = Period.quarter(2020, 3)
    assert [m.label for m in q3.months()] == ["Oct 2020", "Nov 2020", "Dec 2020"]
    assert q3.contains(Period.month(2020, 11)) and q3.contains(q3)
    assert not q3.contains(Period.month(2020, 9))
    assert not q3.contains(Period.quarter(2019, 3))
    assert Period.year(2020).contains(q3)


def test_periods_sort_by_when_they_end():
    periods = [parse_period(t) for t in ["2020/21 Q3", "Sep 2020", "Dec 2020", "2019/20", "Nov 2020"]]
    assert [p.label for p in sorted(periods)] == ["2019/20", "Sep 2020", "Nov 2020", "2020/21 Q3", "Dec 2020"]


def test_labels_and_slugs():
    q3 = Period.quarter(2020, 3)
    assert (q3.long_label, q3.slug) == ("Quarter 3 2020/21", "2020-21-Q3")
    assert (Period.month(2020, 12).long_label, Period.month(2020, 12).slug) == ("December 2020", "2020-12")


@pytest.mark.parametrize("build", [lambda: Period.quarter(2020, 5), lambda: Period.month(2020, 13),
                                   lambda: FinancialYear(1066), lambda: FinancialYear.parse("2020/22")])
def test_impossible_periods_are_refused(build):
    with pytest.raises(PeriodError):
        build()
