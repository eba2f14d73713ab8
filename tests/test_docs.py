"""Docs that cannot drift: every command is in the README and has help with an example."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from xlscorecard.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme_and_has_help_with_an_example(name):
    assert f"xlscorecard {name}" in README
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_readme_shows_the_two_setup_commands():
    assert "pip install -e '.[test]' && pytest" in README
    assert "pip install -e ." in README
