"""`consolidate --profile publish`: the workbook follows the Government Analysis Function's
guidance for accessible spreadsheets ("Releasing statistics in spreadsheets").

Each rule is checked twice on the written file: read back with openpyxl, and in the XML of the
zip itself (what a screen reader or Excel's accessibility checker sees). The figures are the
council's published Q3 2020/21 ones (seed 003, ../shared/reference), never xlscorecard's output.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from xlscorecard.cli import cli

from helpers import Q3_SAMPLES
from reference import number, read_rows, Q3_FILE
from test_commentary import _commentary_return
from test_published_q3 import PUBLISHED_TARGET_SUMMARY

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TITLE = "St Helens Borough Council performance indicators, Quarter 3 2020/21"
NOTE = re.compile(r"\[note (\d+)\]")
RAG_WORDS = {"On target", "Within 5%", "Off target", "Data gap", "No target", "Not due", "On time", "Late",
             "Not received"}


def consolidate(returns: Path, out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(cli, ["consolidate", str(returns), "--period", "2020/21 Q3", "--out", str(out),
                                      "--no-history", *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    """The bundled Q3 samples, published."""
    return consolidate(Q3_SAMPLES, tmp_path_factory.mktemp("publish") / "q3-publish.xlsx", "--profile", "publish")


@pytest.fixture(scope="module")
def with_extras(tmp_path_factory) -> Path:
    """The samples with officers' commentary, a ref the register lacks and an unreadable return:
    the Commentary, Not in the register and Data quality sheets have rows too."""
    folder = tmp_path_factory.mktemp("returns")
    for path in Q3_SAMPLES.iterdir():
        shutil.copy2(path, folder / path.name)
    _commentary_return(folder / "commentary.xlsx")
    (folder / "late.csv").write_text("Ref,Period,Value\nZZ-9,Dec 2020,1\n", encoding="utf-8")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return consolidate(folder, tmp_path_factory.mktemp("out") / "extras.xlsx", "--profile", "publish")


@pytest.fixture(scope="module")
def nothing_found(tmp_path_factory) -> Path:
    """Seed 003's table scored in code: no findings and no returns tracker, so the Data quality
    table is the one row that says so, and there is no Returns sheet."""
    from q3_scorecard import q3_data
    from xlscorecard.outputs.publish_workbook import write_publish_workbook
    return write_publish_workbook(q3_data(findings=()), tmp_path_factory.mktemp("code") / "in-code.xlsx")


@pytest.fixture(params=["samples", "with_extras", "nothing_found"])
def published(request) -> Path:
    return request.getfixturevalue(request.param)


def table_sheets(workbook):
    return [ws for ws in workbook.worksheets if ws.title != "Cover"]


def the_table(ws):
    assert len(ws.tables) == 1, f"{ws.title} has {len(ws.tables)} tables"
    return next(iter(ws.tables.values()))


# -- read back with openpyxl ------------------------------------------------------------------

def test_cover_contents_and_notes_come_first_and_the_cursor_is_in_a1_of_the_cover(published):
    workbook = load_workbook(published)
    assert workbook.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert workbook.active.title == "Cover"
    for ws in workbook.worksheets:
        assert ws.active_cell == "A1" and ws.selected_cell == "A1", ws.title
    assert workbook.properties.title == TITLE


def test_the_cover_says_title_period_source_contact_and_what_each_sheet_holds(published):
    workbook = load_workbook(published)
    cover = workbook["Cover"]
    lines = [row[0] for row in cover.iter_rows(values_only=True) if row[0]]
    assert lines[0] == TITLE and cover["A1"].font.b
    text = "\n".join(lines)
    assert "Reporting period: Quarter 3 2020/21, 1 October 2020 to 31 December 2020." in text
    assert "Source: the performance returns" in text
    assert "Contact" in lines and "The performance team of St Helens Borough Council." in lines
    for name in workbook.sheetnames[1:]:
        assert any(line.startswith(f"{name}: ") for line in lines), f"the cover does not say what {name} holds"
    assert all(len(row) == 1 or not any(row[1:]) for row in cover.iter_rows(values_only=True)), "text beyond column A"


def test_contents_links_every_sheet_with_its_title(published):
    workbook = load_workbook(published)
    contents = workbook["Contents"]
    linked = {}
    for row in contents.iter_rows(min_row=contents.max_row - len(workbook.sheetnames) + 2):
        link = row[1].hyperlink
        assert link is not None and link.location, f"Contents!{row[1].coordinate} is not a link"
        sheet = link.location.split("!")[0].strip("'")
        linked[sheet] = row[1].value
    assert set(linked) == set(workbook.sheetnames) - {"Contents"}
    for sheet, text in linked.items():
        if sheet != "Cover":
            assert text == workbook[sheet]["A1"].value, f"the link to {sheet} does not say its title"


def test_notes_are_written_as_note_n_and_every_one_is_listed_and_used(published):
    workbook = load_workbook(published)
    listed = {row[0]: row[1] for row in workbook["Notes"].iter_rows(min_row=5, values_only=True) if row[0]}
    referred = set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.comment is None, f"{ws.title}!{cell.coordinate} has a comment"
                if isinstance(cell.value, str) and ws.title != "Notes":
                    referred |= {f"note {n}" for n in NOTE.findall(cell.value)}
                    assert not re.search(r"[*†‡▲▼►■↑↓↔]", cell.value), f"{ws.title}!{cell.coordinate}: a symbol"
    assert referred and set(listed) == referred
    assert list(listed) == [f"note {n}" for n in range(1, len(listed) + 1)]
    assert all(text and len(text) > 40 for text in listed.values())


def test_every_table_sheet_is_a_title_statements_then_one_table_right_under_them(published):
    workbook = load_workbook(published)
    for ws in table_sheets(workbook):
        table = the_table(ws)
        first_col, first_row, last_col, last_row = range_boundaries(table.ref)
        assert first_col == 1, f"{ws.title}: the table does not start in column A"
        assert ws["A1"].value and ws["A1"].font.b and ws["A1"].font.sz > 12, ws.title
        statements = [ws.cell(row, 1).value for row in range(2, first_row)]
        assert statements[0] == "This worksheet contains one table." and all(statements), ws.title
        for row in range(1, first_row):
            assert all(ws.cell(row, col).value is None for col in range(2, ws.max_column + 1)), \
                f"{ws.title} row {row} holds more than column A"
        assert table.headerRowCount in (None, 1) and not table.totalsRowCount, ws.title
        headers = [ws.cell(first_row, col).value for col in range(first_col, last_col + 1)]
        assert headers == [c.name for c in table.tableColumns] and all(headers), ws.title
        assert last_row > first_row and ws.max_row == last_row and ws.max_column == last_col, \
            f"{ws.title}: something outside the table"
        empty = [ws.cell(row, col).coordinate for row in range(first_row, last_row + 1)
                 for col in range(first_col, last_col + 1) if ws.cell(row, col).value in (None, "")]
        assert not empty, f"{ws.title}: empty cells {empty[:5]} in the table"


def test_no_merged_cells_freeze_panes_headers_or_footers(published):
    workbook = load_workbook(published)
    for ws in workbook.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert ws.freeze_panes is None, ws.title
        for part in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
            assert not (part.left.text or part.center.text or part.right.text), ws.title


def _luminance(rgb: str) -> float:
    """WCAG 2.1 relative luminance of an ``RRGGBB`` colour."""
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(rgb[0:2]) + 0.7152 * channel(rgb[2:4]) + 0.0722 * channel(rgb[4:6])


def test_colour_is_never_alone_and_its_text_is_readable(published):
    """A filled cell says its status in words, in a font with WCAG AA contrast (4.5:1) on its fill."""
    workbook = load_workbook(published)
    filled = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.fill.fill_type != "solid":
                    continue
                filled += 1
                assert cell.value in RAG_WORDS, f"{ws.title}!{cell.coordinate}: colour without its word"
                fill = cell.fill.fgColor.rgb[-6:]
                font = cell.font.color.rgb[-6:] if cell.font.color is not None and cell.font.color.rgb else "000000"
                lighter, darker = sorted((_luminance(fill), _luminance(font)), reverse=True)
                assert (lighter + 0.05) / (darker + 0.05) >= 4.5, f"{ws.title}!{cell.coordinate}: low contrast"
    assert filled > 50  # the RAG of every indicator and exception


# -- read from the XML of the zip -------------------------------------------------------------

def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part, from xl/workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{REL}Relationship")}
    return {s.get("name"): "xl/" + targets[s.get(f"{OFFICE_REL}id")].lstrip("/").removeprefix("xl/")
            for s in workbook.iter(f"{MAIN}sheet")}


def test_the_xml_has_the_first_sheet_active_and_the_cursor_in_a1_everywhere(published):
    with zipfile.ZipFile(published) as archive:
        view = ElementTree.fromstring(archive.read("xl/workbook.xml")).find(f"{MAIN}bookViews/{MAIN}workbookView")
        assert view.get("activeTab", "0") == "0" and view.get("firstSheet", "0") == "0"
        for number_, (name, part) in enumerate(_sheet_parts(archive).items()):
            sheet = ElementTree.fromstring(archive.read(part))
            views = sheet.findall(f"{MAIN}sheetViews/{MAIN}sheetView")
            assert len(views) == 1
            assert (views[0].get("tabSelected") == "1") == (number_ == 0), name
            assert views[0].find(f"{MAIN}pane") is None, f"{name} has a pane (frozen or split)"
            selections = views[0].findall(f"{MAIN}selection")
            assert [(s.get("activeCell"), s.get("sqref")) for s in selections] == [("A1", "A1")], name
            assert sheet.find(f"{MAIN}mergeCells") is None, f"{name} has merged cells"
            header_footer = sheet.find(f"{MAIN}headerFooter")
            assert header_footer is None or not "".join(header_footer.itertext()).strip(), f"{name} has a footer"
            assert sheet.find(f"{MAIN}legacyDrawing") is None, f"{name} has comments"


def test_the_xml_has_no_comments_and_the_document_title_and_language(published):
    with zipfile.ZipFile(published) as archive:
        names = archive.namelist()
        assert not [n for n in names if "comments" in n or n.endswith(".vml")], names
        core = ElementTree.fromstring(archive.read("docProps/core.xml"))
        titles = [e.text for e in core.iter("{http://purl.org/dc/elements/1.1/}title")]
        assert titles == [TITLE]
        assert [e.text for e in core.iter("{http://purl.org/dc/elements/1.1/}language")] == ["en-GB"]


def _cells_by_row(sheet) -> dict[int, dict[int, str | None]]:
    """Row -> column -> the cell's value as stored (a shared-string index or a number)."""
    rows = {}
    for row in sheet.iter(f"{MAIN}row"):
        for cell in row.iter(f"{MAIN}c"):
            col, row_number = range_boundaries(cell.get("r"))[:2]
            value = cell.find(f"{MAIN}v")
            rows.setdefault(row_number, {})[col] = value.text if value is not None else None
    return rows


def test_each_table_part_has_one_header_row_right_under_the_statements_and_no_blanks(published):
    with zipfile.ZipFile(published) as archive:
        tables_seen = 0
        for name, part in _sheet_parts(archive).items():
            sheet = ElementTree.fromstring(archive.read(part))
            rels_part = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
            parts = []
            if rels_part in archive.namelist():
                rels = ElementTree.fromstring(archive.read(rels_part))
                parts = [str(PurePosixPath("xl/tables") / PurePosixPath(r.get("Target")).name)
                         for r in rels.iter(f"{REL}Relationship") if r.get("Type").endswith("/table")]
            if name == "Cover":
                assert not parts
                continue
            assert len(parts) == 1, f"{name} has {len(parts)} tables"
            tables_seen += 1
            table = ElementTree.fromstring(archive.read(parts[0]))
            assert table.get("headerRowCount", "1") == "1" and table.get("totalsRowCount", "0") == "0"
            first_col, first_row, last_col, last_row = range_boundaries(table.get("ref"))
            cells = _cells_by_row(sheet)
            statement_rows = [r for r in cells if r < first_row]
            assert statement_rows == list(range(1, first_row)), f"{name}: a blank row above the table"
            assert all(set(cells[r]) == {1} for r in statement_rows), f"{name}: statements beyond column A"
            assert first_col == 1 and last_row > first_row
            for row in range(first_row, last_row + 1):
                stored = cells.get(row, {})
                blank = [col for col in range(first_col, last_col + 1) if stored.get(col) is None]
                assert not blank, f"{name}: row {row} has blank cells in columns {blank}"
            assert max(cells) == last_row, f"{name}: rows below the table"
        assert tables_seen == len(_sheet_parts(archive)) - 1


# -- the published figures --------------------------------------------------------------------

def _published_counts_by_priority() -> dict[str, tuple[int, int, int, int, int]]:
    """(Total PIs, on target, off target, within 5%, data gaps) per priority from the reference
    table's printed variances under the report's 5% rule; a row with no variance is a data gap."""
    counts = {}
    for row in read_rows(Q3_FILE):
        for key in (row["priority"], "Total"):
            variance = number(row["published_variance"])
            total, on, off, within, gaps = counts.get(key, (0, 0, 0, 0, 0))
            counts[key] = (total + 1, on + (variance is not None and variance >= 0),
                           off + (variance is not None and variance < -5),
                           within + (variance is not None and -5 <= variance < 0), gaps + (variance is None))
    return counts


def test_the_target_summary_table_gives_the_published_q3_counts(samples):
    reference = _published_counts_by_priority()
    assert reference == PUBLISHED_TARGET_SUMMARY  # the reference table and the report's own summary agree
    assert reference["Total"] == (60, 29, 21, 8, 2)
    ws = load_workbook(samples)["Target summary"]
    first_col, first_row, last_col, last_row = range_boundaries(the_table(ws).ref)
    header = [ws.cell(first_row, col).value for col in range(first_col, last_col + 1)]
    found = {}
    for row in range(first_row + 1, last_row + 1):
        values = dict(zip(header, (ws.cell(row, col).value for col in range(first_col, last_col + 1))))
        key = "Total" if values["Priority"] == "Total" else values["Priority"].split(".")[0]
        found[key] = (values["Indicators"], values["On target"], values["Off target"], values["Within 5%"],
                      values["Data gap"])
        with_data = values["Indicators with data"]
        assert values["On target (%)"] == int(100 * values["On target"] / with_data + 0.5)
    assert found == reference


def test_the_indicators_table_has_one_row_per_indicator_with_its_status_in_words(samples):
    ws = load_workbook(samples)["Indicators"]
    first_col, first_row, last_col, last_row = range_boundaries(the_table(ws).ref)
    header = {ws.cell(first_row, col).value: col for col in range(first_col, last_col + 1)}
    rows = {ws.cell(row, header["Ref"]).value: row for row in range(first_row + 1, last_row + 1)}
    assert len(rows) == 60
    cyp01 = rows["CYP-01"]  # SPEC's worked example: 459.4 against 485, lower is better, +5.28%, green
    assert ws.cell(cyp01, header["Latest value"]).value == 459.4
    assert ws.cell(cyp01, header["Variance from target (%)"]).value == pytest.approx(5.28, abs=0.005)
    assert ws.cell(cyp01, header["Status"]).value == "On target"
    assert ws.cell(cyp01, header["Value Dec 2020"]).value == 459.4
    statuses = [ws.cell(row, header["Status"]).value for row in rows.values()]
    assert (statuses.count("On target"), statuses.count("Within 5%"), statuses.count("Off target"),
            statuses.count("Data gap")) == (29, 8, 21, 2)


def test_nothing_found_is_said_in_words_and_the_workbook_is_never_read_as_a_return(nothing_found):
    from xlscorecard.marks import written_by_xlscorecard
    workbook = load_workbook(nothing_found)
    assert "Returns" not in workbook.sheetnames
    quality = workbook["Data quality"]
    first_col, first_row, last_col, last_row = range_boundaries(the_table(quality).ref)
    assert last_row == first_row + 1 and quality.cell(last_row, 1).value == "None this period"
    assert written_by_xlscorecard(nothing_found) == "scorecard"


def test_the_extras_have_their_sheets(with_extras):
    workbook = load_workbook(with_extras)
    assert {"Commentary", "Not in the register", "Data quality", "Returns", "Exceptions"} <= set(workbook.sheetnames)
    outside = workbook["Not in the register"]
    assert "ZZ-9" in [cell.value for cell in outside["A"]]
    quality = [row for row in workbook["Data quality"].iter_rows(values_only=True)]
    assert any(row[1] == "broken.xlsx" for row in quality), "the unreadable return is not named by its file"


def test_the_same_returns_give_the_same_bytes_and_print_stays_the_default(tmp_path, samples):
    again = consolidate(Q3_SAMPLES, tmp_path / "again.xlsx", "--profile", "publish")
    assert again.read_bytes() == samples.read_bytes()
    default = consolidate(Q3_SAMPLES, tmp_path / "default.xlsx")
    printed = consolidate(Q3_SAMPLES, tmp_path / "print.xlsx", "--profile", "print")
    assert default.read_bytes() == printed.read_bytes()
    assert load_workbook(default).sheetnames[0] == "Summary"


def test_an_unknown_profile_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["consolidate", str(Q3_SAMPLES), "--profile", "web", "--out",
                                      str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "web" in result.output


def test_watch_takes_the_profile_too(tmp_path, monkeypatch):
    """`watch --profile publish` consolidates to the publish workbook (the watching itself is
    stopped at once: tests/test_watch.py covers it)."""
    import xlscorecard.watch

    def stop_at_once(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(xlscorecard.watch, "watch", stop_at_once)
    out = tmp_path / "watched.xlsx"
    result = CliRunner().invoke(cli, ["watch", str(Q3_SAMPLES), "--period", "2020/21 Q3", "--out", str(out),
                                      "--profile", "publish"])
    assert "Scorecard:" in result.output, result.output
    assert load_workbook(out).sheetnames[:3] == ["Cover", "Contents", "Notes"]
