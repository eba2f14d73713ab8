""".xls, .xlsb and .ods returns give the same records and findings as the same return saved as
.xlsx, through the same safety checks (issue 13, item 5).

The fixtures in tests/data/formats were saved by LibreOffice from the Q3 sample workbooks and
from one small return of odd cells (tests/data/formats/make_fixtures.py rebuilds them);
LibreOffice cannot write .xlsb, so the .xlsb copies are written here (tests/xlsb_writer.py), and
the corpus's real .xlsb files are read too. Expected
figures are the council's published counts and what each fixture was built to hold, or the
records of the same return as .xlsx, read by the .xlsx path: never this reader's own output.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlscorecard.cli import cli
from xlscorecard.core.model import Severity
from xlscorecard.readers import Limits, read_folder, read_return
from xlscorecard.readers import fast_sheets
from xlscorecard.readers.safety import FileKind, classify
from xlsb_writer import save_as_xlsb

pytestmark = pytest.mark.skipif(not fast_sheets.available(), reason="python-calamine is not installed")

TESTS = Path(__file__).resolve().parent
FORMATS = TESTS / "data" / "formats"
Q3_SAMPLES = TESTS.parent / "sample_workbooks" / "2020-21-Q3"
CORPUS = TESTS.parents[1] / "shared" / "corpus"
FORMAT_EXTENSIONS = (".xls", ".xlsb", ".ods")


def corpus_files(*extensions: str) -> list[Path]:
    return sorted(p for folder in ("real", "odd") if (CORPUS / folder).is_dir()
                  for p in (CORPUS / folder).iterdir() if p.suffix.lower() in extensions)


needs_corpus = pytest.mark.skipif(not corpus_files(*FORMAT_EXTENSIONS), reason=f"shared corpus not present at {CORPUS}")


def copy_of_q3(tmp_path: Path, extension: str) -> Path:
    """The Q3 sample folder with every workbook as ``extension`` (the CSV return as it is)."""
    folder = tmp_path / f"q3-{extension}"
    if extension == "xlsb":
        folder.mkdir()
        for workbook in Q3_SAMPLES.glob("*.xlsx"):
            save_as_xlsb(workbook, folder / f"{workbook.stem}.xlsb")
    else:
        shutil.copytree(FORMATS / f"q3-{extension}", folder)
    for csv_return in Q3_SAMPLES.glob("*.csv"):
        shutil.copy2(csv_return, folder)
    assert len(list(folder.iterdir())) == len(list(Q3_SAMPLES.iterdir()))
    return folder


def _where(source) -> tuple:
    """A source without the extension of its file, which is what differs between the copies."""
    return (Path(source.path).stem, source.sheet, source.cell)


def everything(result) -> tuple:
    observations = sorted((o.ref, o.period.label, o.value, o.note, _where(o.source), o.raw, o.period_target,
                           o.commentary) for o in result.observations)
    indicators = sorted(repr(i) for i in result.indicators)
    findings = sorted((f.severity.value, f.message.replace(".xlsx", "").replace(".xls", "").replace(".ods", ""),
                       _where(f.source), f.ref, f.count) for f in result.findings)
    return observations, indicators, findings


@pytest.mark.parametrize("extension", ["xls", "ods", "xlsb"])
def test_q3_copies_consolidate_to_the_published_counts(tmp_path, extension):
    """Seed 003's published Q3 counts (29 green, 8 amber, 21 red, 2 data gaps) from .xls, .ods and .xlsb copies."""
    folder = copy_of_q3(tmp_path, extension)
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3",
                                      "--out", str(tmp_path / "scorecard.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Returns read: 7 (and the register register-2020-21.{extension}); indicators: 60" in result.output
    assert "Green 29, amber 8, red 21, data gaps 2" in result.output
    assert "0 errors, 0 warnings" in result.output


@pytest.mark.parametrize("extension", ["xls", "ods", "xlsb"])
def test_q3_copies_give_the_same_records_and_findings_as_the_xlsx(tmp_path, extension):
    """Every value with its period, sheet and cell, every indicator and every finding of the
    Q3 returns is the same read from the .xls, .ods and .xlsb copies as from the .xlsx samples (merged
    notes, two-row headers and percent-formatted variances included)."""
    xlsx, copy = read_folder(Q3_SAMPLES), read_folder(copy_of_q3(tmp_path, extension))
    assert len(xlsx.observations) > 250
    assert everything(copy) == everything(xlsx)


def test_each_format_reads_odd_cells_as_the_xlsx_does(tmp_path):
    """One return saved by LibreOffice as .xlsx, .xls and .ods (and from that .xlsx as .xlsb):
    fractions under a percent format read as the percentages shown, formula errors and a boolean
    are findings naming their cells, and the hidden sheet is reported, not read."""
    results = {extension: read_return(FORMATS / f"cells.{extension}") for extension in ("xlsx", "xls", "ods")}
    results["xlsb"] = read_return(save_as_xlsb(FORMATS / "cells.xlsx", tmp_path / "cells.xlsb"))
    for extension in ("xls", "ods", "xlsb"):
        assert everything(results[extension]) == everything(results["xlsx"]), extension
    for extension, result in results.items():
        values = {o.ref: o.value for o in result.observations if o.value is not None}
        assert values == {"PI-01": 63.0, "PI-03": 12.5, "PI-04": 50.0, "PI-07": 1250.0}, extension
        unreadable = {o.ref for o in result.observations if o.flag == "unreadable"}
        assert unreadable == {"PI-02", "PI-05", "PI-06"}, extension  # the error and boolean cells: gaps, not figures
        cells = {(f.severity, f.source.sheet, f.source.cell) for f in result.findings}
        assert (Severity.ERROR, "Values", "C3, C7") in cells, (extension, result.findings)
        assert (Severity.ERROR, "Values", "C6") in cells, (extension, result.findings)
        assert any(f.source.sheet == "Old values" and "hidden" in f.message for f in result.findings), extension


def test_xls_over_the_unpacked_cap_is_refused_unopened(tmp_path):
    """An .xls is not compressed and is decoded in Python: it may be 30% of what a workbook may unpack to."""
    path = tmp_path / "return.xls"
    shutil.copy2(FORMATS / "cells.xls", path)
    size = path.stat().st_size
    verdict = classify(path, Limits().with_caps(unpacked_mb=size / 0.3 / 1e6 - 0.001))
    assert verdict.kind is None and f"is {size:,} bytes, over the" in verdict.finding.message
    assert classify(path, Limits().with_caps(unpacked_mb=size / 0.3 / 1e6 + 0.001)).kind is FileKind.XLS
    assert classify(path).kind is FileKind.XLS


def test_ods_is_held_to_the_zip_caps(tmp_path):
    """The ZIP caps (what a part and the whole may unpack to) apply to an .ods as to an .xlsx."""
    path = tmp_path / "return.ods"
    shutil.copy2(FORMATS / "cells.ods", path)
    result = read_return(path, limits=Limits().with_caps(unpacked_mb=0.01))
    assert not result.observations
    assert any("expand" in f.message and f.severity is Severity.ERROR for f in result.findings)


def _ods(tmp_path: Path, body: str, manifest: str = "", mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet",
         styles: str = "") -> Path:
    """A minimal .ods, its one table's rows given as ``body``."""
    path = tmp_path / "made.ods"
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
               'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.2">'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               '<office:body><office:spreadsheet><table:table table:name="Values">'
               f'{body}</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                         f'{manifest}</manifest:manifest>')
    return path


def _text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def _row(*cells: str, repeated: int = 1) -> str:
    """A row whose cells start in column C, after two empty cells written as one repeated."""
    return (f'<table:table-row table:number-rows-repeated="{repeated}">'
            f'<table:table-cell table:number-columns-repeated="2"/>{"".join(cells)}</table:table-row>')


HEADER = _row(_text("Ref"), _text("Period"), _text("Value"))


def test_ods_percent_styles_uncalculated_formulas_and_repeated_rows(tmp_path):
    """A float whose cell style shows a percentage reads as the percentage; a formula saved with
    no value is a finding naming its cell; rows and cells after repeated ones keep their place."""
    styles = ('<number:percentage-style style:name="N1"><number:number number:decimal-places="0"/>'
              '<number:text>%</number:text></number:percentage-style>'
              '<style:style style:name="pc" style:family="table-cell" style:data-style-name="N1"/>')
    body = (HEADER + '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"/>'
            '</table:table-row>'
            + _row(_text("PI-01"), _text("Dec 2020"),
                   '<table:table-cell table:style-name="pc" office:value-type="float" office:value="0.42">'
                   '<text:p>42%</text:p></table:table-cell>')
            + _row(_text("PI-02"), _text("Dec 2020"), '<table:table-cell table:formula="of:=[.A1]*2"/>')
            + _row(_text("PI-03"), _text("Dec 2020"),
                   '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>'))
    result = read_return(_ods(tmp_path, body, styles=styles))
    assert {(o.ref, o.value, o.source.cell) for o in result.observations if o.value is not None} == {("PI-01", 42.0, "E4"),
                                                                              ("PI-03", 7, "E6")}
    assert any(f.source.cell == "E5" and f.severity is Severity.ERROR for f in result.findings), result.findings


def test_ods_rows_repeated_past_the_limits_are_refused_before_calamine(tmp_path):
    """A row repeated a billion times (calamine's issue 594) is refused from the scan, in no time."""
    body = HEADER + _row(_text("PI-01"), _text("Dec 2020"), _text("x"), repeated=999_999_999)
    result = read_return(_ods(tmp_path, body))
    assert not result.observations
    assert any("too large" in f.message for f in result.findings), result.findings


def test_encrypted_and_non_spreadsheet_opendocument_files(tmp_path):
    """An .ods saved with a password is reported as encrypted; an OpenDocument text is not a return."""
    encrypted = _ods(tmp_path, HEADER, manifest='<manifest:file-entry manifest:full-path="content.xml">'
                     '<manifest:encryption-data/></manifest:file-entry>')
    assert "encrypted" in classify(encrypted).finding.message
    text = _ods(tmp_path, HEADER, mimetype=b"application/vnd.oasis.opendocument.text")
    assert "not a spreadsheet" in classify(text).finding.message


@needs_corpus
@pytest.mark.parametrize("path", [p for p in corpus_files(*FORMAT_EXTENSIONS)
                                  if any(w in p.name.lower() for w in ("password", "pwd", "crypt", "protected_pass",
                                                                       "letmein", "pass_protected"))],
                         ids=lambda p: p.name)
def test_encrypted_corpus_files_are_reported_as_encrypted(path):
    """Every password-protected .xls, .xlsb and .ods of the corpus (SOURCES.md names them) is
    reported as encrypted, not as damaged or old."""
    result = read_return(path)
    assert not result.observations
    messages = [f.message for f in result.findings if f.severity is Severity.ERROR]
    assert messages and all("encrypted" in m for m in messages), messages


@needs_corpus
def test_xlsb_percent_and_error_cells_from_the_corpus():
    """POI's testVarious.xlsb labels its cells: the one beside 'percent' shows 20% (stored 0.2),
    and the formula beside 'formula error' has no valid name, so it holds an error."""
    from xlscorecard.readers.other_formats import open_sheets
    path = CORPUS / "odd" / "apache__poi__testVarious.xlsb"
    if not path.exists():
        pytest.skip(f"{path.name} not in the corpus")
    limits = Limits()
    (sheet,) = open_sheets(path, classify(path).kind, limits)
    grid = sheet.load(limits)
    labels = {grid.text(row, 1): row for row in range(1, grid.n_rows + 1)}
    percent = grid.cell(labels["percent"], 2)
    assert percent.value == pytest.approx(0.2) and "%" in percent.number_format
    errors = [row for row in labels.values() if grid.cell(row, 2) is not None and grid.cell(row, 2).is_error]
    assert errors, {label: grid.value(row, 2) for label, row in labels.items()}


@needs_corpus
@pytest.mark.parametrize("path", corpus_files(*FORMAT_EXTENSIONS), ids=lambda p: p.name)
def test_every_corpus_file_of_these_formats_gives_records_or_a_named_finding(path):
    """No .xls, .xlsb or .ods of the corpus ends without records or a finding naming it."""
    result = read_return(path)
    assert result.observations or result.indicators or any(Path(f.source.path).name == path.name
                                                           for f in result.findings), path.name
