"""The layout file (xlscorecard-layouts.toml): a return described once in TOML is read as the
rule says, instead of by detection, and only the returns a rule matches are.

The odd return here is the Q3 adult social care sample rebuilt as a council might lay it out:
six title rows, a one-row header on row 7 whose words no reader knows ("What we measure",
"Col 1"... and blank cells), the months as unlabelled columns. Detection cannot read it; the
layout file gives the periods explicitly and reads it to the sample's own records.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner


from helpers import Q3_SAMPLES
from return_builders import Q3_CSV, rows
from xlscorecard.cli import cli
from xlscorecard.core.model import PARTLY_READ, Severity
from xlscorecard.pipeline import consolidate
from xlscorecard.readers import read_folder, read_return
from xlscorecard.readers.folder import NO_RETURNS
from xlscorecard.readers.layout_file import LAYOUTS_NAME, load_layout_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SAMPLE = Q3_SAMPLES / "adult-social-care-Q3.xlsx"
LAYOUT_SAMPLE = Q3_SAMPLES.parent / "layout-file"
MONTHS = ["Apr 2020", "May 2020", "Jun 2020", "Jul 2020", "Aug 2020", "Sep 2020", "Oct 2020", "Nov 2020", "Dec 2020"]
ODD_RULE = {
    "name": "housing", "files": "housing*.xlsx", "sheet": "Figures", "header_rows": 7, "values": "F:N",
    "periods": MONTHS,
    "columns": {"ref": "A", "name": "B", "polarity": "C", "target": "D", "outturn": "E", "variance": "O",
                "dot": "P", "trend": "Q", "quartile": "R", "tier": "S"},
}


def build_odd_return(path: Path) -> Path:
    """The bundled odd return (sample_workbooks/build_samples.py makes it from SAMPLE's rows)."""
    shutil.copy2(LAYOUT_SAMPLE / "returns" / "housing-Q3.xlsx", path)
    return path


def test_the_bundled_layout_file_is_the_rule_these_tests_use():
    """The README's walk through the layout file uses the bundled one: it says what ODD_RULE says."""
    bundled = tomllib.loads((LAYOUT_SAMPLE / "housing-layouts.toml").read_text(encoding="utf-8"))
    assert bundled == {"rule": [ODD_RULE]}


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value) if isinstance(value, str) else str(value)


def layout_text(*rules: dict) -> str:
    return "\n".join("[[rule]]\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in rule.items())
                     for rule in rules)


def records(result):
    """What a reading gave, without where it came from: indicators, values and printed results."""
    indicators = sorted((i.ref, i.name, i.polarity, i.annual_target, i.previous_outturn, i.quartile, i.tier,
                         i.framework_year, i.frequency) for i in result.indicators)
    observations = sorted((o.ref, o.period.label, o.value, o.period_target, o.note, o.flag)
                          for o in result.observations)
    claims = sorted((c.ref, c.period.label, c.variance, c.dot, c.trend, c.rag) for c in result.claims)
    return indicators, observations, claims


@pytest.fixture
def odd_folder(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    build_odd_return(folder / "housing-Q3.xlsx")
    (folder / LAYOUTS_NAME).write_text(layout_text(ODD_RULE), encoding="utf-8")
    return folder


def test_detection_cannot_read_the_odd_return(odd_folder):
    """The case the layout file is for: without it the return is not read at all."""
    result = read_return(odd_folder / "housing-Q3.xlsx")
    assert not result.observations
    assert any(f.severity is Severity.ERROR and "no sheet has a header" in f.message for f in result.findings)


def test_a_return_only_the_layout_file_reads_gives_the_records_of_the_sample_it_was_made_from(odd_folder):
    """Same refs, names, polarities, targets, periods, values, notes and printed results as the
    sample read by detection; nothing left unaccounted; the Sources line names the rule."""
    read = read_folder(odd_folder)
    sample = read_return(SAMPLE)
    assert records(read) == records(sample)
    published = {row["ref"]: row for row in rows(Q3_CSV) if row["ref"].startswith("ASC")}
    assert {i.ref for i in read.indicators} == set(published)
    december = {o.ref: o.value for o in read.observations if o.period.label == "Dec 2020"}
    assert december["ASC-18"] == float(published["ASC-18"]["dec"]) == 391.4
    [source] = read.sources
    assert source.layout == "read by the layout file, rule 'housing'"
    assert source.tables[0].startswith("sheet 'Figures' A7:S17, read by the layout file, rule 'housing': header row 7,"
                                       " ref in A; F\u2013N = Apr 2020 \u2026 Dec 2020; 10 rows")
    assert not [f for f in read.findings if f.severity is not Severity.INFO]


def test_cells_inside_the_described_table_that_the_rule_leaves_out_are_findings(odd_folder):
    """The cell accounting covers a rule's table as any other: leave out the DOT column and its
    cells are a warning naming them, and the return is only partly read."""
    rule = {**ODD_RULE, "columns": {k: v for k, v in ODD_RULE["columns"].items() if k != "variance"}}
    (odd_folder / LAYOUTS_NAME).write_text(layout_text(rule), encoding="utf-8")
    read = read_folder(odd_folder)
    [unplaced] = [f for f in read.findings if f.kind == PARTLY_READ]
    assert unplaced.severity is Severity.WARNING
    assert unplaced.source.sheet == "Figures" and unplaced.source.cell.startswith("O8, O10")
    assert "O8 '0.2093' under 'Versus aim'" in unplaced.message


def test_periods_can_come_from_a_header_row(tmp_path):
    """``periods_row``: the months as the sheet names them, their year from the title (as detection does)."""
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "adults.xlsx")
    rule = {"name": "adults", "files": "adults.xlsx", "sheet": "Q3 2020-21", "header_rows": [5, 6],
            "values": "G:O", "periods_row": 6,
            "columns": {"tier": "A", "ref": "B", "name": "C", "polarity": "D", "outturn": "E", "target": "F",
                        "variance": "P", "dot": "Q", "trend": "R", "quartile": "S"}}
    (folder / LAYOUTS_NAME).write_text(layout_text(rule), encoding="utf-8")
    assert records(read_folder(folder)) == records(read_return(SAMPLE))


# Each mistake an officer can make in the file: what to change in the good rule (None deletes
# the key), and the words the finding must have: the key, and what is wrong with it.
MISTAKES = [
    ("unknown key", {"colums": {"ref": "A"}}, ["key 'colums'", "did you mean 'columns'"]),
    ("unknown column", {"columns": {**ODD_RULE["columns"], "refs": "A"}}, ["key 'columns.refs'", "did you mean 'ref'"]),
    ("not a column letter", {"columns": {**ODD_RULE["columns"], "ref": "1A"}}, ["key 'columns.ref'", "'1A' is not a column letter"]),
    ("past the last column", {"columns": {**ODD_RULE["columns"], "ref": "XFE"}}, ["key 'columns.ref'", "past the last column"]),
    ("header rows as text", {"header_rows": "seven"}, ["key 'header_rows'", "should be a row number", "(text)"]),
    ("header rows not in order", {"header_rows": [5, 7]}, ["key 'header_rows'", "not consecutive"]),
    ("row zero", {"header_rows": 0}, ["key 'header_rows'", "row 0 is not a row"]),
    ("no header rows", {"header_rows": None}, ["key 'header_rows'", "missing"]),
    ("no files", {"files": None}, ["key 'files'", "missing"]),
    ("files as a number", {"files": 3}, ["key 'files'", "should be text"]),
    ("no ref or name", {"columns": {"target": "D"}}, ["key 'columns'", "needs the ref column or the name column"]),
    ("columns not a table", {"columns": "A"}, ["key 'columns'", "should be a table"]),
    ("no values", {"values": None}, ["key 'values'", "missing"]),
    ("values backwards", {"values": "N:F"}, ["key 'values'", "runs backwards"]),
    ("values as a number", {"values": 6}, ["key 'values'", "should be a range"]),
    ("not a period", {"periods": MONTHS[:1] + ["Jum 2020"] + MONTHS[2:]}, ["key 'periods[2]'", "'Jum 2020' is not a period"]),
    ("too few periods", {"periods": MONTHS[:8]}, ["key 'periods'", "8 periods for 9 value columns (F\u2013N)"]),
    ("a period twice", {"periods": MONTHS[:8] + ["Apr 2020"]}, ["key 'periods'", "Apr 2020 given twice"]),
    ("periods and periods_row", {"periods_row": 7}, ["key 'periods'", "not both"]),
    ("not a year", {"year": "2020/22"}, ["key 'year'", "'2020/22' is not a financial year"]),
    ("a column twice", {"values": "D:L"}, ["column D is given twice (columns.target and values)"]),
    ("data above the header", {"first_data_row": 5}, ["key 'first_data_row'", "not below the header rows"]),
    ("last row above the first", {"last_data_row": 7, "first_data_row": 8}, ["key 'last_data_row'", "above the first data row"]),
]


@pytest.mark.parametrize("change, words", [(change, words) for _, change, words in MISTAKES],
                         ids=[name for name, _, _ in MISTAKES])
def test_every_mistake_in_the_layout_file_is_a_finding_naming_the_file_and_the_key(odd_folder, change, words):
    """The finding names the layout file, the rule and the key; the return the broken rule
    matches is not read (detection might misread it) and says why."""
    rule = {key: value for key, value in {**ODD_RULE, **change}.items() if value is not None}
    (odd_folder / LAYOUTS_NAME).write_text(layout_text(rule), encoding="utf-8")
    read = read_folder(odd_folder)
    about = [f for f in read.findings if f.source.path == str(odd_folder / LAYOUTS_NAME)]
    assert about, [f.message for f in read.findings]
    assert any(all(word in f.message for word in words) and f.severity is Severity.ERROR
               and f.message.startswith(f"{LAYOUTS_NAME}, rule 'housing'") for f in about), [f.message for f in about]
    assert not read.observations
    if isinstance(rule.get("files"), str):  # (a rule with no files claims none: detection fails to read it)
        assert any(f.source.path.endswith("housing-Q3.xlsx") and f.message.startswith("not read:")
                   for f in read.findings)


# Mistakes only the return itself can show, found when the rule reads it.
READ_MISTAKES = [
    ("sheet not there", {"sheet": "Data"}, "key 'sheet'", "sheet 'Data' not in housing-Q3.xlsx; its sheets are 'Figures'"),
    ("header below the sheet", {"header_rows": 70}, "key 'header_rows'", "row 70 is below the last row of the sheet (17)"),
    ("periods row names none", {"periods": None, "periods_row": 7}, "key 'periods_row'",
     "row 7 names no period over value column(s): F7 'Col 1', G7 'Col 2'"),
]


@pytest.mark.parametrize("change, key, words", [case[1:] for case in READ_MISTAKES], ids=[c[0] for c in READ_MISTAKES])
def test_mistakes_the_return_shows_are_findings_naming_the_key(odd_folder, change, key, words):
    rule = {k: v for k, v in {**ODD_RULE, **change}.items() if v is not None}
    (odd_folder / LAYOUTS_NAME).write_text(layout_text(rule), encoding="utf-8")
    read = read_folder(odd_folder)
    [finding] = [f for f in read.findings if key in f.message]
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(f"{LAYOUTS_NAME}, rule 'housing', {key}: ") and words in finding.message
    assert finding.source.path.endswith("housing-Q3.xlsx")


def test_a_file_that_is_not_toml_and_a_rule_matching_nothing_are_findings(tmp_path):
    layout = tmp_path / LAYOUTS_NAME
    layout.write_text("[[rule]]\nname = housing\n", encoding="utf-8")
    _, findings = load_layout_file(layout, [])
    [finding] = findings
    assert finding.severity is Severity.ERROR and "is not valid TOML" in finding.message and "line 2" in finding.message
    layout.write_text("rules = 1\n" + layout_text(ODD_RULE), encoding="utf-8")
    _, findings = load_layout_file(layout, ["adults-Q3.xlsx"])
    messages = {f.severity: f.message for f in findings}
    assert "unknown key 'rules' (did you mean 'rule'?)" in messages[Severity.ERROR]
    assert messages[Severity.WARNING] == f"{LAYOUTS_NAME}, rule 'housing', key 'files': 'housing*.xlsx' matches no file in the returns folder"


def test_a_layout_file_changes_nothing_for_the_returns_it_does_not_match(tmp_path):
    """The Q3 samples with a layout file whose rule matches another file (the odd return, made
    from the adult social care sample): still 29 green, 8 amber, 21 red, 2 data gaps, and every
    sample's records exactly as detection reads them without the layout file."""
    plain, described = tmp_path / "plain", tmp_path / "described"
    shutil.copytree(Q3_SAMPLES, plain)
    shutil.copytree(Q3_SAMPLES, described)
    build_odd_return(described / "housing-Q3.xlsx")
    (described / LAYOUTS_NAME).write_text(layout_text(ODD_RULE), encoding="utf-8")
    results = {}
    for folder in (plain, described):
        result = consolidate(folder, period="2020/21 Q3", out=tmp_path / f"{folder.name}.xlsx", use_history=False)
        counts = result.total.target
        assert (counts.on_target, counts.within_tolerance, counts.off_target, counts.gaps) == (29, 8, 21, 2)
        results[folder.name] = result
    by_detection = {s.path.replace(str(plain), ""): (s.layout, s.records, s.tables) for s in results["plain"].sources}
    with_layouts = {s.path.replace(str(described), ""): (s.layout, s.records, s.tables)
                    for s in results["described"].sources}
    assert with_layouts.pop("/housing-Q3.xlsx")[0] == "read by the layout file, rule 'housing'"
    assert with_layouts == by_detection
    for sample in sorted(Q3_SAMPLES.glob("*-Q3.*")):
        assert records(read_return(described / sample.name)) == records(read_return(plain / sample.name))
    plain_values = sorted((o.ref, o.period.label, o.value) for o in results["plain"].observations)
    assert sorted((o.ref, o.period.label, o.value) for o in results["described"].observations) == plain_values


@pytest.mark.parametrize("name", sorted(p.name for p in Q3_SAMPLES.iterdir()))
def test_the_starting_layout_file_reads_the_file_as_detection_does(tmp_path, name):
    """``xlscorecard layout FILE``, saved as the folder's layout file, reads FILE to the same
    records as detection, every table by a rule."""
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(Q3_SAMPLES / name, folder / name)
    run = CliRunner().invoke(cli, ["layout", str(folder / name)])
    assert run.exit_code == 0, run.output
    (folder / LAYOUTS_NAME).write_text(run.output, encoding="utf-8")
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(Q3_SAMPLES / name, plain / name)
    read, by_detection = read_folder(folder), read_folder(plain)
    assert records(read) == records(by_detection)
    assert read.sources[0].layout.startswith("read by the layout file, rule ")
    assert [(f.severity, f.message, f.source.sheet, f.source.cell) for f in read.findings if f.kind != NO_RETURNS] == \
        [(f.severity, f.message, f.source.sheet, f.source.cell) for f in by_detection.findings if f.kind != NO_RETURNS]


def test_the_starting_layout_of_a_return_detection_cannot_read_names_its_sheets_and_first_rows(odd_folder):
    run = CliRunner().invoke(cli, ["layout", str(odd_folder / "housing-Q3.xlsx")])
    assert run.exit_code == 0, run.output
    assert "# sheet 'Figures', its first non-empty rows:" in run.output
    assert "#   row 7: B='What we measure', C='Good if', D='Aim for'" in run.output
    assert "#   row 8: A='ASC-18', B='Permanent admissions to…', C='Lower'" in run.output
    assert "rule" not in tomllib.loads(run.output)  # commented out: it reads nothing until filled in
    rule = "\n".join(line[2:] for line in run.output.splitlines() if line.startswith("# [[rule]]")
                     or line.startswith(("# name =", "# files =", "# sheet =")))
    assert tomllib.loads(rule)["rule"] == [{"name": "housing", "files": "housing-*.xlsx", "sheet": "Figures"}]


def test_validate_shows_which_returns_the_layout_file_read(odd_folder, tmp_path):
    """``--layouts FILE`` from outside the folder; ``validate --layout`` names the rule."""
    elsewhere = tmp_path / "layouts.toml"
    (odd_folder / LAYOUTS_NAME).rename(elsewhere)
    run = CliRunner().invoke(cli, ["validate", str(odd_folder), "--layout", "--layouts", str(elsewhere)])
    assert run.exit_code == 0, run.output
    assert "housing-Q3.xlsx: read by the layout file, rule 'housing'" in run.output
    run = CliRunner().invoke(cli, ["validate", str(odd_folder)])
    assert run.exit_code == 3 and "no sheet has a header" in run.output


def test_the_starting_layout_file_of_a_sheet_of_several_tables_reads_every_table(tmp_path):
    """Seed 003's report: six priorities' tables on one sheet, one rule each (ending where the next
    begins), read to detection's 60 indicators and their values."""
    from return_builders import build_q3_wide

    folder, plain = tmp_path / "returns", tmp_path / "plain"
    folder.mkdir()
    plain.mkdir()
    build_q3_wide(folder / "performance-Q3.xlsx")
    build_q3_wide(plain / "performance-Q3.xlsx")
    run = CliRunner().invoke(cli, ["layout", str(folder / "performance-Q3.xlsx")])
    assert run.exit_code == 0, run.output
    assert len(tomllib.loads(run.output)["rule"]) == 6
    (folder / LAYOUTS_NAME).write_text(run.output, encoding="utf-8")
    read, by_detection = read_folder(folder), read_folder(plain)
    assert len(read.indicators) == 60
    assert records(read) == records(by_detection)
    assert len(read.sources[0].tables) == 6


def toml_blocks(path: Path) -> list[str]:
    """The ```toml blocks of a document, in order, without the README's list indentation."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for part in text.split("```toml\n")[1:]:
        block = part.split("```", 1)[0]
        blocks.append("\n".join(line.strip() for line in block.splitlines()))
    return blocks


def test_the_documented_examples_read_their_returns(odd_folder, tmp_path):
    """templates/README.md's two worked examples and README's walk-through, as printed, read
    the returns they describe to the records of the sample they come from."""
    from helpers import ROOT

    example_1, example_2 = toml_blocks(ROOT / "templates" / "README.md")
    [walk_through] = toml_blocks(ROOT / "README.md")
    assert walk_through.strip() == example_1.strip()
    (odd_folder / LAYOUTS_NAME).write_text(example_1, encoding="utf-8")
    assert records(read_folder(odd_folder)) == records(read_return(SAMPLE))
    folder = tmp_path / "adults"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    (folder / LAYOUTS_NAME).write_text(example_2, encoding="utf-8")
    read = read_folder(folder)
    assert read.sources[0].layout == "read by the layout file, rule 'adult social care'"
    assert records(read) == records(read_return(SAMPLE))


def test_returns_read_in_worker_processes_follow_the_layout_file(tmp_path, monkeypatch):
    """Eight returns are read in worker processes: the rules travel with them."""
    from xlscorecard.readers import parallel

    folder = tmp_path / "returns"
    shutil.copytree(Q3_SAMPLES, folder)
    build_odd_return(folder / "housing-Q3.xlsx")
    (folder / LAYOUTS_NAME).write_text(layout_text(ODD_RULE), encoding="utf-8")
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert parallel.worker_count(8) == 2
    in_workers = read_folder(folder)
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    in_one = read_folder(folder)
    layouts = {Path(s.path).name: s.layout for s in in_workers.sources}
    assert layouts["housing-Q3.xlsx"] == "read by the layout file, rule 'housing'"
    assert records(in_workers) == records(in_one)


@pytest.mark.parametrize("command", [["explain", "ASC-18"], ["status"]])
def test_explain_and_status_read_by_the_layout_file_given(odd_folder, tmp_path, command):
    """``--layouts FILE`` on the other commands that read returns."""
    elsewhere = tmp_path / "layouts.toml"
    (odd_folder / LAYOUTS_NAME).rename(elsewhere)
    shutil.copy(Q3_SAMPLES / "register-2020-21.xlsx", odd_folder)
    args = [*command, str(odd_folder), "--period", "2020/21 Q3"]
    shown = "391.4" if command[0] == "explain" else "housing-Q3.xlsx, saved"  # ASC-18's December; the return
    without, run = CliRunner().invoke(cli, args), CliRunner().invoke(cli, [*args, "--layouts", str(elsewhere)])
    assert run.exit_code == 0, run.output
    assert shown in run.output and shown not in without.output


@pytest.mark.parametrize("command", ["consolidate", "validate", "status", "explain", "watch"])
def test_every_command_that_reads_returns_takes_a_layout_file(command):
    run = CliRunner().invoke(cli, [command, "--help"])
    assert run.exit_code == 0 and "--layouts FILE" in run.output


def test_columns_the_rule_ignores_are_noted_not_warned_about(odd_folder):
    """``ignore``: a column inside the table known to hold nothing to score (here the tier,
    headed by nothing) is a note per column, and the return is fully read."""
    rule = {**ODD_RULE, "columns": {k: v for k, v in ODD_RULE["columns"].items() if k != "tier"}, "ignore": ["S"]}
    (odd_folder / LAYOUTS_NAME).write_text(layout_text(rule), encoding="utf-8")
    read = read_folder(odd_folder)
    assert not [f for f in read.findings if f.kind == PARTLY_READ]
    [note] = [f for f in read.findings if "is not used for scoring" in f.message]
    assert note.severity is Severity.INFO and note.message.startswith("column S ('no header')")
    assert note.source.cell == "S8"
