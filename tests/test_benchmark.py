"""Benchmarking (issue 8, item 3): comparator tables give the council's rank and quartile.

Seed 003 measures children's social care against "11 comparator authorities within the DfES
family group", compares "St Helens position to peer authorities in 2019/20", and prints CYP-01
(children in need, 2019/20 outturn 478, lower is better) in the 4th quartile. The comparator
authorities' own values are not published, so the tables here are made up around those facts.
"""

import csv
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlscorecard.core.ranking import area_key, benchmark
from xlscorecard.cli import cli
from xlscorecard.core.model import ComparatorValue, Polarity
from xlscorecard.readers import read_return

from helpers import find_row, header_columns
from helpers import Q3_SAMPLES

ST_HELENS = ("E08000013", "St. Helens")
# Eleven DfE statistical neighbours: nine have fewer children in need per 10,000 than St Helens.
NEIGHBOURS = [(f"E0900{n:04d}", f"Neighbour {chr(65 + n)}", value)
              for n, value in enumerate([330, 352, 371, 390, 402, 415, 430, 447, 466, 489, 512])]


def _cin_table(path):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CYP-01 Children in need, rate per 10,000 children, 2019/20"])
        writer.writerow(["Area code", "Area name", "Value", "Comparator group"])
        for code, name, value in [(*ST_HELENS, 478), *NEIGHBOURS]:
            writer.writerow([code, name, value, "DfE statistical neighbours"])
    return path


def test_comparator_table_is_read_with_its_ref_year_and_group(tmp_path):
    result = read_return(_cin_table(tmp_path / "lait-cin.csv"))
    assert result.source_file.layout == "comparator table"
    assert len(result.comparators) == 12 and not result.findings
    first = result.comparators[0]
    assert (first.ref, first.area_code, first.value, first.year, first.group) == (
        "CYP-01", "E08000013", 478.0, "2019/20", "DfE statistical neighbours")


def test_rank_and_quartile_of_the_published_example():
    rows = [ComparatorValue("CYP-01", code, name, value) for code, name, value in [(*ST_HELENS, 478), *NEIGHBOURS]]
    result = benchmark("CYP-01", rows, "E08000013", Polarity.LOWER)
    assert (result.rank, result.size, result.quartile) == (10, 12, 4)  # seed 003: 4th Quartile
    higher = benchmark("CYP-01", rows, "E08000013", Polarity.HIGHER)
    assert (higher.rank, higher.quartile) == (3, 1)


def test_the_council_is_found_by_name_when_no_code_is_given():
    rows = [ComparatorValue("X-1", None, "St. Helens", 5.0), ComparatorValue("X-1", None, "Wigan", 6.0)]
    assert benchmark("X-1", rows, "St Helens Borough Council", Polarity.HIGHER).rank == 2
    assert area_key("Royal Borough of Kingston upon Thames") == "kingston upon thames"
    assert benchmark("X-1", rows, "Wirral", Polarity.HIGHER) is None


def test_ties_share_the_better_rank():
    rows = [ComparatorValue("X-1", c, c, v) for c, v in [("US", 5.0), ("A", 5.0), ("B", 5.0), ("C", 1.0)]]
    assert benchmark("X-1", rows, "US", Polarity.HIGHER).rank == 1


@pytest.fixture(scope="module")
def benchmarked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    _cin_table(folder / "lait-cin.csv")
    out = folder.parent / "s.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3", "--out", str(out),
                                      "--no-history", "--records", str(folder.parent / "r.csv")])
    assert result.exit_code == 0, result.output
    return load_workbook(out), result


def test_the_scorecard_shows_the_quartile_with_its_group_and_year(benchmarked):
    book, _ = benchmarked
    ws = book["P1 Children and young people"]
    cell = ws.cell(find_row(ws, "CYP-01"), header_columns(ws, 4)["Comparative performance"])
    assert cell.value == "4th Quartile\nDfE statistical neighbours, 2019/20"
    assert "rank 10 of 12" in cell.comment.text and "not in Quarter 3 2020/21" in cell.comment.text
    flat = book["All indicators"]
    columns = header_columns(flat, 1)
    row = find_row(flat, "CYP-01")
    assert [flat.cell(row, columns[c]).value for c in ("Quartile", "Comparator rank", "Comparator data year")] == \
        [4, "10 of 12", "2019/20"]


def test_the_exceptions_sheet_shows_the_group_and_year_beside_the_quartile(benchmarked):
    """CYP-01 is 4th quartile with a worse DOT: it "requires improvement", and that list is read
    by the committee, so the quartile says which group and year it is about there too."""
    ws = benchmarked[0]["Exceptions"]
    heading = find_row(ws, "Requires improvement: 3rd or 4th quartile, and DOT not improving")
    columns = header_columns(ws, heading + 1)
    rows = [r for r in range(heading + 2, ws.max_row + 1) if ws.cell(r, columns["Ref"]).value == "CYP-01"]
    assert rows and ws.cell(rows[0], columns["Comparative performance"]).value == \
        "4th Quartile\nDfE statistical neighbours, 2019/20"
    # A quartile given in a return has no comparator table behind it: the word alone.
    other = find_row(ws, "CYP-40", columns["Ref"], heading)
    assert ws.cell(other, columns["Comparative performance"]).value == "3rd Quartile"


def test_a_comparator_table_without_the_council_is_a_finding(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    with (folder / "ph-25.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Ref", "Area name", "Value"], ["PH-25", "Wigan", 11.0], ["PH-25", "Halton", 12.0]])
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0
    consolidated = CliRunner().invoke(cli, ["consolidate", str(folder), "--out", str(tmp_path / "s.xlsx"), "--no-history"])
    assert "1 warning," in consolidated.output
    ws = load_workbook(tmp_path / "s.xlsx")["Data quality"]
    assert any("comparator table for PH-25 has no row for St Helens Borough Council" in str(c.value)
               for row in ws.iter_rows() for c in row)
