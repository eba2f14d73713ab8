"""``xlscorecard validate``: prints findings naming each file, exits 1 on any error-level finding."""

from __future__ import annotations

from click.testing import CliRunner

from return_builders import build_q3_wide
from xlscorecard.cli import cli


def test_validate_clean_folder_exits_0(tmp_path):
    build_q3_wide(tmp_path / "q3.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", "2020/21 Q3"])
    assert result.exit_code == 0, result.output
    assert "q3.xlsx" in result.output  # the published-variance warnings name the file


def test_validate_exits_3_on_an_error_and_names_the_file(tmp_path):
    build_q3_wide(tmp_path / "q3.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 3  # error findings, as consolidate --strict
    [line] = [line for line in result.output.splitlines() if "broken.xlsx" in line]
    assert line.startswith("error") and "empty file" in line


def test_validate_empty_folder_warns_that_it_holds_no_returns(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    rows = result.output.splitlines()
    assert result.exit_code == 0 and rows[0].split() == ["severity", "file", "where", "ref", "finding"]
    assert rows[1].split(None, 2) == ["warning", tmp_path.name, f"no returns in {tmp_path} -> nothing to score; put "
                                      "the services' returns in the folder"]


def test_validate_rejects_a_missing_folder(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_validate_reports_a_bad_period_as_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", "sometime"])
    assert result.exit_code == 2 and "Invalid value for '--period': 'sometime' is not a period" in result.output
