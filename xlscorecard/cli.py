"""The ``xlscorecard`` command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

from pathlib import Path

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


@cli.command("validate")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--register", "register_path", type=click.Path(exists=True, dir_okay=False),
              help="Indicator register workbook (default: a file in RETURNS_DIR named *register*).")
@click.option("--period", "period_text", help="Reporting period, e.g. '2020/21 Q3'; gives returns their year.")
def validate_command(returns_dir, register_path, period_text):
    """Read every return in RETURNS_DIR and list what could not be used; exit 1 on any error.

    \b
    Example:
        xlscorecard validate returns/ --period "2020/21 Q3"
    """
    from .readers import read_folder  # the readers pull in openpyxl; other commands need not

    try:
        result = read_folder(returns_dir, period=period_text, register_path=register_path)
    except XlscorecardError as error:
        raise click.ClickException(str(error)) from error
    click.echo(format_findings(result.findings))
    errors = sum(1 for finding in result.findings if finding.severity.label == "error")
    click.echo(f"{len(result.sources)} files, {len(result.indicators)} indicators, "
               f"{len(result.observations)} values, {len(result.findings)} findings ({errors} errors)", err=True)
    if errors:
        raise SystemExit(1)


def format_findings(findings) -> str:
    """Findings as a plain-text table: severity, file, sheet!cell, ref, message and action."""
    header = ("severity", "file", "where", "ref", "finding")
    rows = [header] + [
        (f.severity.label, Path(f.source.path).name if f.source.path else "",
         f"{f.source.sheet}!{f.source.cell}" if f.source.sheet and f.source.cell else (f.source.sheet or f.source.cell or ""),
         f.ref or "", f.message + (f" -> {f.action}" if f.action else ""))
        for f in findings
    ]
    widths = [min(max(len(row[i]) for row in rows), 40) for i in range(len(header) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
                     for row in rows) if findings else "No findings."
