"""Issue 17 item 4: the headline carries its base, and says when coverage changed since the
previous period, on the Summary sheet and in what `consolidate` prints.

The figures are seed 003's: 29 on target and 8 within 5% of the 58 indicators with data is 64%,
with 2 data gaps.
"""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.summary import TargetSummary, headline
from xlscorecard.history import History

from helpers import Q3_SAMPLES


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_q3_headline_names_its_base_and_the_gaps(tmp_path):
    """The printout and the Summary sheet give 64% of the 58 with data, and the 2 data gaps."""
    result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx")
    assert result.exit_code == 0, result.output
    assert ("Headline: 64% of the 58 indicators with data met or were within 5% of target (2 data gaps)"
            in result.output.splitlines())
    a4 = load_workbook(tmp_path / "q3.xlsx")["Summary"]["A4"].value
    assert a4 == ("64% of indicator targets were exceeded, met or met within 95% of target. "
                  "That is 37 of the 58 indicators with data (2 data gaps).")


def test_a_previous_period_of_other_coverage_is_not_compared_as_alike(tmp_path):
    """Q2 from the Public Health return alone (3 indicators with data), then Q3 from every return:
    the comparison names Q2's base instead of setting 100% beside 64% as if alike."""
    q2 = tmp_path / "q2-returns"
    q2.mkdir()
    for name in ("register-2020-21.xlsx", "public-health-Q3.xlsx"):
        shutil.copy(Q3_SAMPLES / name, q2 / name)
    first = run("consolidate", q2, "--period", "2020/21 Q2", "--out", tmp_path / "q2.xlsx")
    assert first.exit_code == 0, first.output
    assert "Headline: 100% of the 3 indicators with data met or were within 5% of target (53 data gaps)" in first.output
    with History(tmp_path / "xlscorecard-history.sqlite") as history:
        stored = history.runs()
    assert [(r.met_or_within_pct, r.with_data) for r in stored] == [(100, 3)]

    second = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx")
    assert second.exit_code == 0, second.output
    assert ("Headline: 64% of the 58 indicators with data met or were within 5% of target (2 data gaps); "
            "Quarter 2 2020/21: 100% of 3 indicators with data (not like for like)") in second.output
    a4 = load_workbook(tmp_path / "q3.xlsx")["Summary"]["A4"].value
    assert a4.endswith("This compares to 100% of 3 indicators with data in Quarter 2 2020/21 "
                       "(58 have data now, so the two are not like for like).")


def test_a_previous_period_of_the_same_coverage_is_compared_plainly(tmp_path):
    """Q3 run twice from the same returns: the same base, the report's own comparison."""
    for _ in range(2):
        result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q3", "--out", tmp_path / "q3.xlsx")
        assert result.exit_code == 0, result.output
    result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q4", "--out", tmp_path / "q4.xlsx")
    assert "Headline: no indicator has data and a target (60 data gaps), so no share of targets met can be given; " \
           "Quarter 3 2020/21: 64% of 58 indicators with data (not like for like)" in result.output
    a4 = load_workbook(tmp_path / "q4.xlsx")["Summary"]["A4"].value
    assert a4 == ("No indicator target could be counted: no indicator has data and a target. "
                  "In Quarter 3 2020/21 it was 64% of 58 indicators with data.")


def test_headline_compares_plainly_when_the_base_is_close_or_unknown():
    """56 then 58 with data is like for like; a history without the base keeps the report's words."""
    now = TargetSummary(29, 8, 21, 2)
    assert headline(now, 62, "Quarter 2 2020/21", previous_with_data=56).endswith(
        "This compares to 62% in Quarter 2 2020/21.")
    assert headline(now, 62, "Quarter 2 2020/21").endswith("This compares to 62% in Quarter 2 2020/21.")
    assert headline(TargetSummary(6, 0, 1), 50, "Quarter 3 2020/21", previous_with_data=8).endswith(
        "This compares to 50% of 8 indicators with data in Quarter 3 2020/21 "
        "(7 have data now, so the two are not like for like).")
    assert "(1 data gap)" in headline(TargetSummary(1, 0, 0, 1))


def test_a_version_3_history_gains_the_base_column_and_keeps_its_runs(tmp_path):
    """A history from before the base was kept upgrades in place; its runs read back with no base,
    so their comparison keeps the report's plain words."""
    import sqlite3

    from xlscorecard.history import APPLICATION_ID, _MIGRATIONS, _SCHEMA_V1, _run_script

    path = tmp_path / "h.sqlite"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN IMMEDIATE")
    _run_script(old, ";".join((_SCHEMA_V1, *_MIGRATIONS[:2])), APPLICATION_ID, 3)
    old.execute("INSERT INTO runs VALUES ('2020/21 Q2', '2020-09-30', '2020-10-20T09:00:00+00:00', 62)")
    old.execute("COMMIT")
    old.close()
    with History(path) as history:
        assert [(r.met_or_within_pct, r.with_data) for r in history.runs()] == [(62, None)]
