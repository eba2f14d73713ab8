"""The ``xlscorecard`` command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

import click

from . import __version__
from .errors import XlscorecardError
from .periods import parse_period


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlscorecard")
def cli():
    """Consolidate council performance returns into a RAG-coloured scorecard workbook."""


@cli.command("period")
@click.argument("text")
def period_command(text):
    """Show how xlscorecard reads a reporting period: its dates and months elapsed.

    \b
    Example:
        xlscorecard period "Q3 20/21"
    """
    try:
        period = parse_period(text)
    except XlscorecardError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{period.label}: {period.start_date:%d %b %Y} to {period.end_date:%d %b %Y}, "
               f"financial year {period.fy.label}, {period.months_elapsed} of 12 months elapsed; "
               f"previous period {period.previous().label}, same period last year "
               f"{period.same_period_last_year().label}")
