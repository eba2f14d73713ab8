"""The package as installed: bundled reference copies, the command line, the core's purity."""

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

import xlscorecard
from xlscorecard.cli import cli

from reference import BUNDLED_REFERENCE, SHARED_REFERENCE

PACKAGE = Path(xlscorecard.__file__).parent


@pytest.mark.parametrize("name", ["q3_2020_21_all_priorities.csv", "q2_2021_22_priority1.csv"])
def test_bundled_reference_copies_match_the_shared_tables(name):
    """tests/data lets the suite run without ../shared; it must not drift from the original."""
    if not SHARED_REFERENCE.exists():
        pytest.skip("../shared/reference is absent: nothing to compare the bundled copy with")
    assert (BUNDLED_REFERENCE / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes()


def test_period_command_explains_a_period():
    result = CliRunner().invoke(cli, ["period", "Q3 20/21"])
    assert result.exit_code == 0
    assert "2020/21 Q3: 01 Oct 2020 to 31 Dec 2020" in result.output
    assert "9 of 12 months elapsed" in result.output and "previous period 2020/21 Q2" in result.output


def test_period_command_bad_input_is_one_clear_error():
    result = CliRunner().invoke(cli, ["period", "Q5 2020/21"])
    assert result.exit_code == 2  # a usage error, as --period's
    assert result.output.startswith("Error: 'Q5 2020/21' is not a period")
    assert "Traceback" not in result.output


def test_version_option():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and xlscorecard.__version__ in result.output


def test_the_templates_folder_is_real_files_shipped_in_the_package():
    """templates/ holds real files (a symlink becomes a text file in a default Windows checkout),
    and the default template the package loads is templates/scorecard.toml."""
    from xlscorecard.outputs.scorecard.style import default_template_text

    folder = Path(__file__).resolve().parents[1] / "templates"
    assert folder.is_dir() and not folder.is_symlink()
    assert not (folder / "scorecard.toml").is_symlink()
    assert default_template_text() == (folder / "scorecard.toml").read_text(encoding="utf-8")
    setup = (folder.parent / "setup.py").read_text(encoding="utf-8")
    assert '"xlscorecard.templates": "templates"' in setup and '"xlscorecard.templates"]' in setup
