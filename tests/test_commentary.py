"""Officers' commentary (issue 8, item 5): read from returns, kept per indicator and period, laid out
as the report's "What is performing well" table. The text is seed 003's own."""

import csv
import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.model import COMMENTARY_HEADINGS
from xlscorecard.readers import read_return

from helpers import find_row, header_columns
from helpers import Q3_SAMPLES

DATA = Path(__file__).parent / "data"
WHY, HOW = COMMENTARY_HEADINGS["why_performing_well"], COMMENTARY_HEADINGS["how_sustained"]


def _performing_well():
    with (DATA / "q3_performing_well.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _commentary_return(path: Path) -> Path:
    """A values return in our template with the report's two narrative columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Values"
    ws.append(["Ref", "Period", "Value", "Why is it performing well?",
               "How will performance be sustained? Are there any risks to performance?"])
    for row in _performing_well():
        ws.append([row["ref"], "Dec 2020", None, row["why_performing_well"], row["how_sustained"]])
    wb.save(path)
    return path


def test_commentary_is_read_per_indicator_and_period(tmp_path):
    result = read_return(_commentary_return(tmp_path / "commentary.xlsx"), period_hint="2020/21 Q3")
    assert [f.message for f in result.findings] == []
    by_ref = {o.ref: dict(o.commentary) for o in result.observations}
    expected = {r["ref"]: r for r in _performing_well()}
    assert set(by_ref) == {"CYP-29", "CYP-27a", "E&S-25a", "CYP-42"}
    for ref, said in by_ref.items():
        assert said == {WHY: expected[ref]["why_performing_well"], HOW: expected[ref]["how_sustained"]}
    assert all(str(o.period) == "Dec 2020" for o in result.observations)


def test_commentary_in_the_wide_layout_goes_with_the_latest_value(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Ref", "Performance Indicator", "Higher / Lower is better?", "Sept", "Dec", "Context and action to date"])
    ws.append(["CYP-40", "Rate of Child Protection Plans", "Lower", 58.2, 59.3, "Above NW and national rates."])
    wb.save(tmp_path / "wide.xlsx")
    result = read_return(tmp_path / "wide.xlsx", period_hint="2020/21 Q3")
    said = {str(o.period): o.commentary for o in result.observations}
    assert said == {"Sep 2020": (), "Dec 2020": ((COMMENTARY_HEADINGS["context_and_action"], "Above NW and national rates."),)}


def test_the_scorecard_lays_commentary_out_as_the_report_does(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    _commentary_return(folder / "childrens-commentary.xlsx")
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3", "--out", str(out),
                                      "--no-history"])
    assert result.exit_code == 0, result.output
    assert "Green 29, amber 8, red 21, data gaps 2" in result.output  # narrative changes no figure
    ws = load_workbook(out)["Commentary"]
    heading = find_row(ws, "What is performing well")
    columns = header_columns(ws, heading + 1)
    assert list(columns)[:4] == ["Ref", "Indicator description", WHY, HOW]
    for row in _performing_well():
        at = find_row(ws, row["ref"])
        assert ws.cell(at, columns[WHY]).value == row["why_performing_well"]
        assert ws.cell(at, columns[HOW]).value == row["how_sustained"]
    assert "What requires improvement and what is being done about it" not in [c.value for c in ws["A"]]


# Seed 003, Priority 2, "What requires improvement and what is being done about it": ASC-22's row.
ASC_22 = {
    "context_and_action": "As of the end of December 2020 there were 957 initial strategy discussions undertaken "
                          "within 1 working day out of 1,001 enquiries received during the period, giving an outturn "
                          "of 96%, slightly below target. Performance was maintained at 96% despite an increase of 98 "
                          "referrals requiring a strategy discussion during December.",
    "improvement_plan": "The safeguarding unit has maintained performance at 96% for a number of months which is only "
                        "3% below target. This has been maintained despite the increase in referrals and also during a "
                        "period when there was staff sickness which has impacted on the team's capacity.",
    "expected_impact": "This indicator is only just below target and the recruitment of another Safeguarding "
                       "Coordinator will assist in increasing performance.",
}


def test_commentary_is_laid_out_under_each_priority(tmp_path):
    """The report puts each priority's narrative tables in its own section: P1's "What is
    performing well", then P2's "What requires improvement" with ASC-22."""
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    _commentary_return(folder / "childrens-commentary.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["Ref", "Period", "Value", *(COMMENTARY_HEADINGS[k] for k in ASC_22)])
    ws.append(["ASC-22", "Dec 2020", None, *ASC_22.values()])
    wb.save(folder / "adults-commentary.xlsx")
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3", "--out", str(out),
                                      "--no-history"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Commentary"]
    column_a = [c.value for c in ws["A"]]
    sections = [v for v in column_a if isinstance(v, str) and v.startswith("Priority ")]
    assert [s.split(" - ")[0] for s in sections] == ["Priority 1", "Priority 2"]
    p1, p2 = column_a.index(sections[0]) + 1, column_a.index(sections[1]) + 1
    assert ws.cell(p1 + 1, 1).value == "What is performing well"
    assert all(p1 < find_row(ws, r["ref"]) < p2 for r in _performing_well())
    assert ws.cell(p2 + 1, 1).value == "What requires improvement and what is being done about it"
    columns = header_columns(ws, p2 + 2)
    assert list(columns) == ["Ref", "Indicator description", *(COMMENTARY_HEADINGS[k] for k in ASC_22)]
    row = find_row(ws, "ASC-22")
    assert row == p2 + 3
    assert [ws.cell(row, columns[COMMENTARY_HEADINGS[k]]).value for k in ASC_22] == list(ASC_22.values())


def test_no_commentary_no_sheet(tmp_path):
    out = tmp_path / "s.xlsx"
    CliRunner().invoke(cli, ["consolidate", str(Q3_SAMPLES), "--out", str(out), "--no-history"])
    assert "Commentary" not in load_workbook(out).sheetnames
