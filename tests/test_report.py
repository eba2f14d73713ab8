"""``xlscorecard report`` (issue 19, part 1): the committee's Performance Report as Word, read
back with python-docx. Expected figures are seed 003's (the Q3 2020/21 Performance Report) and
the reference CSV's, never the code's own."""

from __future__ import annotations

import csv
import re
import shutil
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from xlscorecard.cli import cli
from xlscorecard.core.model import COMMENTARY_HEADINGS
from xlscorecard.outputs.report.document import external_links

from helpers import Q3_SAMPLES, bracket_count, find_row

DATA = Path(__file__).parent / "data"
PERIOD = "2020/21 Q3"
WHY, HOW = COMMENTARY_HEADINGS["why_performing_well"], COMMENTARY_HEADINGS["how_sustained"]

# Seed 003, "Overview of Priority Performance" of each priority: Total PIs, On target, Off
# target, Within 5% of target, Data gaps; and the executive summary's totals.
SEED_OVERVIEW = {1: (18, 6, 11, 1, 0), 2: (13, 8, 1, 3, 1), 3: (5, 3, 1, 0, 1), 4: (12, 9, 3, 0, 0),
                 5: (8, 2, 4, 2, 0), 6: (4, 1, 1, 2, 0)}
SEED_TOTAL = (60, 29, 21, 8, 2)
# Seed 003's "A total of N indicators were due to be reported in Quarter 3." Priority 1 says 24:
# six educational attainment indicators were due but "not being reported nationally", and
# appear in none of its tables, so the returns (and the report) have 18.
SEED_DUE = {2: 13, 3: 5, 4: 12, 5: 8, 6: 4}
# Seed 003's DOT table (determinable, improving, worsening, same) where the returns' figures
# give the published arrows. Priority 1's four public health indicators have no comparable
# earlier variance in the returns (the report prints arrows for them), and the report's G&P-09
# arrow does not follow from its own printed variances, so priorities 1 and 4 are left out.
SEED_DOT = {2: (12, 4, 5, 3), 3: (4, 1, 3, 0), 5: (7, 2, 5, 0), 6: (4, 2, 2, 0)}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def write_report(folder: Path, out: Path, *extra) -> docx.document.Document:
    result = run("report", folder, "--period", PERIOD, "--out", out, "--no-history", *extra)
    assert result.exit_code == 0, result.output
    assert f"Report: {out}" in result.output
    return docx.Document(str(out))


@pytest.fixture(scope="module")
def q3_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.docx"
    return write_report(Q3_SAMPLES, out)


def blocks(document):
    """The body in order: ("heading", level, text), ("p", None, text) and ("table", None, table)."""
    found = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            found.append(("table", None, item))
        elif item.style.name.startswith("Heading"):
            found.append(("heading", int(item.style.name.split()[-1]), item.text))
        else:
            found.append(("p", None, item.text))
    return found


def section_of(document, heading: str) -> list:
    """The blocks from the heading ``heading`` up to the next heading of the same or a higher level."""
    items = blocks(document)
    start = next(n for n, (kind, _, text) in enumerate(items) if kind == "heading" and text == heading)
    level = items[start][1]
    end = next((n for n in range(start + 1, len(items)) if items[n][0] == "heading" and items[n][1] <= level),
               len(items))
    return items[start + 1:end]


def priority_part(document, number: int) -> list:
    title = next(text for kind, _, text in blocks(document) if kind == "heading" and text.startswith(f"Priority {number} - "))
    return section_of(document, title)


def sub_section(items: list, heading: str) -> list:
    start = next(n for n, (kind, _, text) in enumerate(items) if kind == "heading" and text == heading)
    end = next((n for n in range(start + 1, len(items)) if items[n][0] == "heading"), len(items))
    return items[start + 1:end]


def first_table(items: list):
    return next(item for kind, _, item in items if kind == "table")


def rows_text(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def overview_counts(table) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Seed 003's three small tables: against target (5 counts), DOT and trend (4 counts each;
    the first two cells are one merged cell)."""
    rows = rows_text(table)
    target = tuple(int(v) for v in rows[1])
    dot = tuple(int(v) for v in (rows[3][0], *rows[3][2:]))
    trend = tuple(int(v) for v in (rows[5][0], *rows[5][2:]))
    return target, dot, trend


def fill_of(cell) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


# -- the executive summary and each priority's counts, against seed 003 ------------------------

def test_the_headline_is_seed_003s_figure_in_the_reports_own_words(q3_report):
    texts = [text for kind, _, text in section_of(q3_report, "Executive Summary of Quarter 3 2020/21 Performance")
             if kind == "p"]
    # 29 on target + 8 within 5% of the 58 with data (seed 003's executive summary table) = 64%.
    assert "64% of indicator targets have been either exceeded, met fully, or met within 95% of target." in texts
    assert "36% of indicator targets were not met." in texts
    assert any(t.startswith("There are 58 performance indicators where data is available") for t in texts)


def test_the_executive_summary_overview_is_seed_003s(q3_report):
    target, dot, trend = overview_counts(first_table(section_of(q3_report,
                                                                "Executive Summary of Quarter 3 2020/21 Performance")))
    assert target == SEED_TOTAL


@pytest.mark.parametrize("number", sorted(SEED_OVERVIEW))
def test_each_prioritys_overview_counts_are_seed_003s(q3_report, number):
    overview = sub_section(priority_part(q3_report, number), "Overview of Priority Performance")
    target, dot, trend = overview_counts(first_table(overview))
    assert target == SEED_OVERVIEW[number]
    if number in SEED_DOT:
        assert dot == SEED_DOT[number]
    if number in SEED_DUE:
        wanted = f"A total of {SEED_DUE[number]} indicators were due to be reported in Quarter 3 2020/21."
        assert any(text.startswith(wanted) for kind, _, text in overview if kind == "p")


def test_the_summary_tables_by_priority_carry_seed_003s_counts_and_the_total(q3_report):
    table = first_table(section_of(q3_report, "Performance Against Target"))
    rows = rows_text(table)
    assert rows[0][:5] == ["Priority", "Number of indicators with data", "% target fully met",
                           "% target met within 95%", "% target not met"]
    by_priority = {int(r[0].split(".")[0]): r for r in rows[1:-1]}
    for number, (total, on, off, within, gaps) in SEED_OVERVIEW.items():
        row = by_priority[number]
        assert int(row[1]) == total - gaps
        assert (bracket_count(row[2]), bracket_count(row[3]), bracket_count(row[4])) == (on, within, off)
    assert rows[-1][0] == "Total"
    assert rows[-1][1:5] == ["58", "50% (29)", "14% (8)", "36% (21)"]


def test_the_report_and_the_scorecard_give_the_same_direction_of_travel_and_quartiles(q3_report, tmp_path):
    """The report lays out the scorecard's own counts: not one recomputed differently."""
    out = tmp_path / "s.xlsx"
    assert run("consolidate", Q3_SAMPLES, "--period", PERIOD, "--out", out, "--no-history").exit_code == 0
    sheet = load_workbook(out)["Summary"]
    for heading, report_heading, first_row in (
            ("Direction of travel (since the last reported period) and trend (since a year ago)",
             "Direction of Travel and Trend", 2),
            ("Comparative performance (quartile in the comparator group)", "Inter Authority Comparison", 1)):
        start = find_row(sheet, heading) + 2
        rows = rows_text(first_table(section_of(q3_report, report_heading)))[first_row:]
        for offset, row in enumerate(rows):
            scorecard = [sheet.cell(start + offset, col).value for col in range(1, len(row) + 1)]
            assert row[0] == scorecard[0]
            assert row[1:] == [str(v) for v in scorecard[1:]]


def test_the_indicator_table_shows_the_rag_as_shading_and_words(q3_report):
    table = first_table(sub_section(priority_part(q3_report, 1), "Performance Indicator Summary"))
    header = [cell.text for cell in table.rows[0].cells]
    months = [cell.text for cell in table.rows[1].cells]
    assert "Q3" in header and months[header.index("Q3"):][:3] == ["Oct", "Nov", "Dec"]
    rows = {row.cells[0].text: row for row in table.rows[2:]}
    published = {r["ref"]: r for r in csv.DictReader((DATA / "q3_2020_21_all_priorities.csv").open(encoding="utf-8"))}
    variance, status = header.index("% Variance from Target"), header.index("Performance vs target")
    december = months.index("Dec")
    for ref, word, fill in (("CYP-01", "On target", "00B050"), ("CYP-40", "Off target", "FF0000"),
                            ("CYP-27a", "Within 5%", "FFC000")):
        cells = rows[ref].cells
        assert cells[variance].text == published[ref]["published_variance"]
        assert cells[december].text == published[ref]["dec"]
        assert (cells[status].text, fill_of(cells[status]), fill_of(cells[variance]),
                fill_of(cells[december])) == (word, fill, fill, fill)
    assert rows["CYP-01"].cells[header.index("DOT")].text == "▼ Worse"  # SPEC's worked example
    assert rows["CYP-01"].cells[header.index("Comparative Performance")].text == "4th Quartile"


def test_a_data_gap_shows_its_reason_across_the_empty_values(q3_report):
    table = first_table(sub_section(priority_part(q3_report, 2), "Performance Indicator Summary"))
    row = next(r for r in table.rows if r.cells[0].text == "ASC-20a")
    assert "Data collection currently suspended by NHS" in row.cells[10].text


# -- the council's text, its commentary, its template -------------------------------------------

def test_the_introduction_is_a_marked_placeholder_or_the_councils_text(q3_report, tmp_path):
    placeholder = [t for k, _, t in section_of(q3_report, "Introduction") if k == "p"]
    assert placeholder and placeholder[0].startswith("[PLACEHOLDER - to be written by the council")
    intro = tmp_path / "intro.txt"
    intro.write_text("The Council remains committed to the regular monitoring of performance.\n\n"
                     "- An explanatory note\n- Summary tables\n", encoding="utf-8")
    document = write_report(Q3_SAMPLES, tmp_path / "r.docx", "--introduction", intro)
    items = section_of(document, "Introduction")
    assert [t for _, _, t in items] == ["The Council remains committed to the regular monitoring of performance.",
                                        "An explanatory note", "Summary tables"]
    assert "PLACEHOLDER" not in "".join(t for _, _, t in items)


def _commentary_return(path: Path, rows) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Values"
    ws.append(["Ref", "Period", "Value", WHY, HOW])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_the_commentary_is_laid_out_under_what_is_performing_well(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    said = list(csv.DictReader((DATA / "q3_performing_well.csv").open(encoding="utf-8", newline="")))
    _commentary_return(folder / "childrens-commentary.xlsx",
                       [[r["ref"], "Dec 2020", None, r["why_performing_well"], r["how_sustained"]] for r in said])
    document = write_report(folder, tmp_path / "r.docx")
    part = priority_part(document, 1)
    table = first_table(sub_section(part, "What is performing well"))
    rows = rows_text(table)
    assert rows[0] == ["Ref", "Indicator description", WHY, HOW]
    assert {r[0]: (r[2], r[3]) for r in rows[1:]} == {r["ref"]: (r["why_performing_well"], r["how_sustained"])
                                                      for r in said}
    improvement = sub_section(part, "What requires improvement and what is being done about it")
    assert not any(kind == "table" for kind, _, _ in improvement)
    assert "gave no commentary" in improvement[0][2]


def test_text_from_a_return_never_becomes_a_field_or_a_hyperlink(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    hostile = ['=HYPERLINK("http://evil.example/","click me")', "see http://evil.example/page and www.evil.example",
               '{ PAGE } { INCLUDETEXT "C:\\\\secret.txt" } <w:fldSimple w:instr="PAGE"/>\x07']
    with (folder / "hostile.csv").open("w", encoding="utf-8", newline="") as handle:  # a CSV can hold \x07
        csv.writer(handle).writerows([["Ref", "Period", "Value", WHY, HOW],
                                      ["CYP-29", "Dec 2020", "", hostile[0], hostile[1]],
                                      ["CYP-42", "Dec 2020", "", hostile[2], "plain"]])
    out = tmp_path / "r.docx"
    document = write_report(folder, out)
    rows = rows_text(first_table(sub_section(priority_part(document, 1), "What is performing well")))
    by_ref = {r[0]: r for r in rows[1:]}
    assert by_ref["CYP-29"][2:] == hostile[:2]
    assert by_ref["CYP-42"][2] == hostile[2].replace("\x07", "")  # a control character XML cannot hold
    with zipfile.ZipFile(out) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "<w:hyperlink" not in body and "<w:fldSimple" not in body
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body)
    assert instructions and all(re.fullmatch(r" PAGEREF _Toc\d{4} \\h ", i) for i in instructions)
    assert external_links(document) == []


# -- the council's Word template ----------------------------------------------------------------

def _council_template(path: Path) -> Path:
    from docx.shared import Cm, Pt
    template = docx.Document()
    section = template.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin, section.top_margin = Cm(3.1), Cm(2.2), Cm(2.7)
    section.header.paragraphs[0].text = "Anytown Council - OFFICIAL"
    template.styles["Normal"].font.name = "Georgia"
    template.styles["Normal"].font.size = Pt(12)
    template.styles["Heading 1"].font.size = Pt(19)
    template.add_paragraph("Sample body text that the report replaces")
    template.save(str(path))
    return path


def test_the_councils_word_template_gives_styles_headers_and_page_set_up(tmp_path):
    template = _council_template(tmp_path / "council.docx")
    document = write_report(Q3_SAMPLES, tmp_path / "r.docx", "--docx-template", template)
    from docx.shared import Pt
    assert document.styles["Normal"].font.name == "Georgia"
    assert document.styles["Normal"].font.size == Pt(12)
    assert document.styles["Heading 1"].font.size == Pt(19)
    page = docx.Document(str(template)).sections[0]  # as Word stores them, in twentieths of a point
    set_up = (page.page_width, page.page_height, page.left_margin, page.right_margin, page.top_margin)
    first = document.sections[0]
    assert (first.page_width, first.page_height, first.left_margin, first.right_margin, first.top_margin) == set_up
    assert len(document.sections) == 9  # front, summary, 6 priorities, conclusion
    for section in document.sections:
        assert section.header.paragraphs[0].text == "Anytown Council - OFFICIAL"
        assert section.left_margin == page.left_margin
    landscape = document.sections[2]
    assert (landscape.page_width, landscape.page_height) == (page.page_height, page.page_width)
    assert "Sample body text" not in "\n".join(p.text for p in document.paragraphs)


def test_a_dotx_word_template_is_used_as_the_document_it_makes(tmp_path):
    made = _council_template(tmp_path / "council.docx")
    dotx = tmp_path / "council.dotx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(dotx, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    document = write_report(Q3_SAMPLES, tmp_path / "r.docx", "--docx-template", dotx)
    assert document.sections[0].header.paragraphs[0].text == "Anytown Council - OFFICIAL"


def test_a_word_template_that_is_not_one_is_one_clear_error(tmp_path):
    bad = tmp_path / "council.docx"
    bad.write_text("not a document", encoding="utf-8")
    result = run("report", Q3_SAMPLES, "--period", PERIOD, "--out", tmp_path / "r.docx", "--no-history",
                 "--docx-template", bad)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot use the Word template") and "Traceback" not in result.output
    assert not (tmp_path / "r.docx").exists()


# -- the same inputs, the same bytes; outputs are never inputs -----------------------------------

def test_the_same_inputs_give_the_same_bytes_whatever_the_clock(tmp_path, monkeypatch):
    first = tmp_path / "first.docx"
    write_report(Q3_SAMPLES, first)
    monkeypatch.setattr(time, "time", lambda: 1_900_000_000.0)  # 2030: zip entries would carry it
    second = tmp_path / "second.docx"
    write_report(Q3_SAMPLES, second)
    assert first.read_bytes() == second.read_bytes()
    properties = docx.Document(str(first)).core_properties
    assert (properties.created.date().isoformat(), properties.modified.date().isoformat(),
            properties.revision) == ("2020-12-31", "2020-12-31", 1)
    assert properties.title == "Performance Report, Quarter 3 2020/21"


def test_the_report_never_overwrites_an_input(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    register = folder / "register-2020-21.xlsx"
    before = register.read_bytes()
    result = run("report", folder, "--period", PERIOD, "--out", register, "--no-history")
    assert result.exit_code == 2
    assert "an output never overwrites an input" in result.output
    assert register.read_bytes() == before


def test_the_default_name_follows_the_period(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("report", Q3_SAMPLES, "--period", PERIOD, "--no-history")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report-2020-21-Q3.docx").is_file()


def test_the_headline_compares_with_the_previous_period_from_the_history(tmp_path):
    """Consolidate Q2 (recorded in the history), then report Q3: the headline says how Q2 did,
    the share of Q2's scored records that were green or amber, and the history is not changed."""
    history = tmp_path / "history.sqlite"
    q2_records = tmp_path / "q2.csv"
    result = run("consolidate", Q3_SAMPLES, "--period", "2020/21 Q2", "--out", tmp_path / "q2.xlsx",
                 "--history", history, "--records", q2_records)
    assert result.exit_code == 0, result.output
    with q2_records.open(encoding="utf-8-sig", newline="") as handle:
        rags = [r["rag"] for r in csv.DictReader(handle) if r["rag"] in ("green", "amber", "red")]
    q2_pct = int(100 * sum(r in ("green", "amber") for r in rags) / len(rags) + 0.5)  # half up, as the reports
    before = history.read_bytes()
    result = run("report", Q3_SAMPLES, "--period", PERIOD, "--out", tmp_path / "r.docx", "--history", history)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
    assert (f"64% of indicator targets have been either exceeded, met fully, or met within 95% of target. "
            f"This compares to {q2_pct}% in Quarter 2 2020/21.") in texts
    assert history.read_bytes() == before
