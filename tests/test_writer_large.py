"""A large scorecard is written row by row (xlsxwriter's constant_memory mode), which silently
drops any cell written above a row already finished. So the sample scorecard is written both
ways and every sheet compared cell by cell: the same values, the same fills."""

from __future__ import annotations

import openpyxl
import pytest

import xlscorecard.outputs.scorecard as writer
from xlscorecard.pipeline import assess, returns_position
from xlscorecard.outputs.scorecard import ScorecardData, write_scorecard

from helpers import SAMPLES as ALL_SAMPLES

SAMPLES = ALL_SAMPLES / "2020-21-Q3"


def cells(path) -> tuple[dict[str, dict[str, tuple]], dict[str, set[str]]]:
    """Per sheet: A1 -> (value, fill, bold) of every cell with a value or a fill; and the
    merged ranges."""
    book = openpyxl.load_workbook(path)
    seen, merges = {}, {}
    for ws in book.worksheets:
        merges[ws.title] = {str(r) for r in ws.merged_cells.ranges}
        covered = {c for r in ws.merged_cells.ranges for row in ws[str(r)] for c in
                   (cell.coordinate for cell in row) if c != str(r).split(":")[0]}
        seen[ws.title] = {cell.coordinate: (cell.value, cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                                            bool(cell.font.b))
                          for row in ws.iter_rows() for cell in row
                          if cell.coordinate not in covered and (cell.value is not None or cell.fill.fill_type)}
    return seen, merges


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    result = assess(SAMPLES, period="2020/21 Q3")
    data = ScorecardData(period=result.period, indicators=result.indicators, scores=result.scores,
                         observations=result.observations, findings=result.findings, sources=result.sources,
                         tolerance=result.tolerance, returns=returns_position(result), benchmarks=result.benchmarks)
    folder = tmp_path_factory.mktemp("large")
    ordinary = write_scorecard(data, folder / "ordinary.xlsx")
    patch = pytest.MonkeyPatch()
    patch.setattr(writer, "LARGE_SCORECARD_INDICATORS", 10)
    try:
        large = write_scorecard(data, folder / "large.xlsx")
    finally:
        patch.undo()
    return ordinary, large


def test_every_sheet_has_the_same_cells_either_way(both):
    """Every value, fill and bold face is where it was. The only difference: the priority
    sheets' column headers are not merged down over two rows (that would write the lower row
    first); their text stands in the lower, taller row and the upper one is a filled blank."""
    (ordinary, ordinary_merges), (large, large_merges) = (cells(path) for path in both)
    assert list(large) == list(ordinary)
    for sheet in ordinary:
        assert len(ordinary[sheet]) > 0
        unmerged = [r.split(":") for r in ordinary_merges[sheet] - large_merges[sheet]]
        assert all(top[-1] == "4" and bottom[-1] == "5" for top, bottom in unmerged), (sheet, unmerged)
        expected = dict(ordinary[sheet])
        if unmerged:  # a priority sheet: its subtitle says where the notes are without comments
            text, *style = expected["A2"]
            expected["A2"] = (text.replace("Notes from returns are cell comments (red corner).",
                                           "Explanations and notes from returns are in the All indicators sheet."),
                              *style)
            assert expected["A2"] != ordinary[sheet]["A2"]
        for top, bottom in unmerged:
            expected[bottom] = expected[top]
            expected[top] = (None,) + expected[top][1:]
        differing = {ref: (value, large[sheet].get(ref)) for ref, value in expected.items()
                     if large[sheet].get(ref) != value}
        assert not differing, f"{sheet}: {list(differing.items())[:5]}"
        assert set(large[sheet]) == set(expected), sheet
        assert large_merges[sheet] <= ordinary_merges[sheet], sheet


def test_the_large_all_indicators_sheet_is_a_filtered_range(both):
    ordinary, large = (openpyxl.load_workbook(path)["All indicators"] for path in both)
    assert list(ordinary.tables) == ["AllIndicators"]
    assert not large.tables
    assert large.auto_filter.ref == ordinary.tables["AllIndicators"].ref
    assert large["A1"].value == ordinary["A1"].value == "Ref"


def test_row_heights_survive_row_by_row_writing_and_comments_give_way_to_columns(both):
    """The header and wrapped rows' heights are kept. A large scorecard has no cell comments
    (Excel slows to a crawl opening tens of thousands); what they said is in the All
    indicators sheet's Explanation and Note columns, in both."""
    ordinary, large = (openpyxl.load_workbook(path) for path in both)
    for name in ordinary.sheetnames:
        heights = [{r: d.height for r, d in book[name].row_dimensions.items() if d.height}
                   for book in (ordinary, large)]
        assert heights[0] == heights[1], name
        assert not any(c.comment for row in large[name].iter_rows() for c in row), name
    commented = [c for row in ordinary.worksheets[1].iter_rows() for c in row if c.comment]
    assert len(commented) > 5
    table = large["All indicators"]
    header = [c.value for c in table[1]]
    explanations = {row[0].value: row[header.index("Explanation")].value for row in table.iter_rows(min_row=2)}
    refs = {c.coordinate: ordinary.worksheets[1].cell(c.row, 1).value for c in commented}
    status_col = next(c.column for c in commented if c.comment.text.startswith(
        explanations[ordinary.worksheets[1].cell(c.row, 1).value][:20]))
    for cell in commented:
        if cell.column == status_col:
            assert cell.comment.text == explanations[refs[cell.coordinate]]
