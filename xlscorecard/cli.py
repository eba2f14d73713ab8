"""The ``xlscorecard`` command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .errors import UsageError, XlscorecardError
from .core.checks import caveat_line, return_caveats
from .core.model import PARTLY_READ, Severity, file_shown
from .cli_options import (EXIT_CODES_HELP, ExitCode, Failure, StoppableGroup, debug_option, deadline_option,
                          exit_code_of, history_options, period_option, profile_option, reading_limits,
                          reading_options, register_option, returns_dir_argument, scoring_options, stop_code,
                          strict_option, user_errors)
from .cli_text import (Progress, consolidation_summary, format_findings, format_layouts, history_line,
                       kept_elsewhere_lines)
from .core.periods import parse_period
from .core.words import plural

_exit_code = exit_code_of  # the name tests and scripts have used


@click.group(cls=StoppableGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="xlscorecard")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx, debug):
    """Consolidate council performance returns into a RAG-coloured scorecard workbook."""
    ctx.obj = {"debug": debug}


def command(name: str):
    """A subcommand with the exit codes in its ``--help`` and ``--debug`` after its name too."""
    def decorate(function):
        return cli.command(name, epilog=EXIT_CODES_HELP)(debug_option(function))
    return decorate


@command("period")
@click.argument("text")
@click.pass_context
def period_command(ctx, text):
    """Show how xlscorecard reads a reporting period: its dates and months elapsed.

    \b
    Example:
        xlscorecard period "Q3 20/21"
    """
    try:
        period = parse_period(text)
    except XlscorecardError as error:
        raise Failure(str(error), ExitCode.USAGE) from error
    click.echo(f"{period.label}: {period.start_date:%d %b %Y} to {period.end_date:%d %b %Y}, "
               f"financial year {period.fy.label}, {period.months_elapsed} of 12 months elapsed; "
               f"previous period {period.previous().label}, same period last year "
               f"{period.same_period_last_year().label}")


LATEST = "(default: the latest period the returns agree on)"


@command("consolidate")
@returns_dir_argument()
@period_option(f"Reporting period, e.g. '2020/21 Q3' or 'Dec 2020' {LATEST}.")
@reading_options
@click.option("--out", type=click.Path(dir_okay=False), help="Scorecard workbook to write, .xlsx "
              "(default: scorecard-<period>.xlsx in the current folder).")
@click.option("--records", type=click.Path(dir_okay=False),
              help="Also write the indicator records as .csv, .json or .parquet (for Power BI and checks).")
@history_options(updated=True, beside="the --out folder")
@scoring_options
@deadline_option()
@strict_option("any finding is an error or a return was read with caveats")
@profile_option()
@click.pass_context
def consolidate_command(ctx, returns_dir, period_text, register_path, out, records, history, no_history,
                        tolerance, template_path, deadline_days, area, strict, profile, max_unpacked_mb, max_ratio,
                        layouts):
    """Read every return in RETURNS_DIR, score it and write the scorecard workbook.

    \b
    Example:
        xlscorecard consolidate sample_workbooks/2020-21-Q3 --period "2020/21 Q3" --records q3.csv
    """
    from .pipeline import consolidate

    with user_errors(ctx):
        with Progress() as progress:
            result = consolidate(returns_dir, period=period_text, register=register_path, out=out,
                                 records=records, history=history, use_history=not no_history,
                                 tolerance=tolerance, template=template_path, on_file=progress.advance,
                                 on_listed=progress.start, deadline_days=deadline_days, area=area,
                                 limits=reading_limits(max_unpacked_mb, max_ratio), profile=profile,
                                 layouts=layouts)
    click.echo(consolidation_summary(result))
    for line in kept_elsewhere_lines(result.kept_elsewhere):
        click.echo(f"Warning: {line}", err=True)
    if strict and (result.count(Severity.ERROR) or return_caveats(result.findings)):
        raise SystemExit(int(ExitCode.FINDINGS))
    if result.kept_elsewhere:
        raise SystemExit(int(ExitCode.KEPT_ELSEWHERE))


@command("report")
@returns_dir_argument()
@period_option(f"Reporting period, e.g. '2020/21 Q3' {LATEST}.")
@reading_options
@click.option("--out", type=click.Path(dir_okay=False), help="Word document to write, .docx "
              "(default: report-<period>.docx in the current folder).")
@history_options(updated=False, beside="the --out folder")
@scoring_options
@click.option("--docx-template", type=click.Path(exists=True, dir_okay=False),
              help="The council's Word template (.docx or .dotx): its styles, headers and page set-up are used.")
@click.option("--introduction", type=click.Path(exists=True, dir_okay=False),
              help="A UTF-8 text file with the introduction (default: a marked placeholder).")
@click.option("--conclusion", type=click.Path(exists=True, dir_okay=False),
              help="A UTF-8 text file with the conclusion (default: a marked placeholder).")
@strict_option("any finding is an error or a return was read with caveats")
@click.pass_context
def report_command(ctx, returns_dir, period_text, register_path, out, history, no_history, tolerance,
                   template_path, docx_template, introduction, conclusion, area, strict, max_unpacked_mb, max_ratio,
                   layouts):
    """Write the committee's Performance Report (Word) from the same consolidation as the scorecard.

    \b
    Example:
        xlscorecard report sample_workbooks/2020-21-Q3 --period "2020/21 Q3" --introduction intro.txt
    """
    from .report import make_report

    with user_errors(ctx):
        path, result, kept = make_report(returns_dir, period=period_text, register=register_path, out=out,
                                   history=history, use_history=not no_history, tolerance=tolerance,
                                   template=template_path, docx_template=docx_template,
                                   introduction=introduction, conclusion=conclusion, area=area,
                                   limits=reading_limits(max_unpacked_mb, max_ratio), layouts=layouts)
    total = result.total.target
    click.echo(f"Period: {result.period.long_label}")
    click.echo(f"Green {total.on_target}, amber {total.within_tolerance}, red {total.off_target}, "
               f"data gaps {total.gaps}, no target {total.no_target}")
    click.echo(history_line(result.history_use, looked_for=None if history or no_history else "the --out folder"))
    click.echo(f"Report: {path}")
    for line in kept_elsewhere_lines(kept):
        click.echo(f"Warning: {line}", err=True)
    if strict and (result.count(Severity.ERROR) or return_caveats(result.findings)):
        raise SystemExit(int(ExitCode.FINDINGS))
    if kept:
        raise SystemExit(int(ExitCode.KEPT_ELSEWHERE))


@command("template")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="The .xlsx return template to write.")
@register_option("with --service or --period, the one workbook named *register* in the current folder")
@click.option("--service", help="Only this service's indicators (as the register's Service column names it).")
@period_option("Pre-fill one Values row per indicator due in this period, e.g. '2020/21 Q3'.")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@click.pass_context
def template_command(ctx, out, register_path, service, period_text, force):
    """Write a return template for a service to fill in: blank, or pre-filled from the register.

    \b
    Example:
        xlscorecard template --register sample_workbooks/2020-21-Q3/register-2020-21.xlsx \\
            --service "Public Health" --period "2020/21 Q3" --out public-health-Q3.xlsx
    """
    from .pipeline import make_return_template

    with user_errors(ctx):
        path = make_return_template(out, register_path=register_path, service=service, period=period_text,
                                    force=force, on_register=lambda found: click.echo(f"Register: {found}", err=True))
    click.echo(f"Template: {path}")


@command("init")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing starting register.")
@click.pass_context
def init_command(ctx, folder, force):
    """Start a new council: a returns folder in FOLDER with a register to fill in.

    \b
    Example:
        xlscorecard init our-council
    """
    from .pipeline import start_council

    with user_errors(ctx):
        register, returns = start_council(folder, force=force)
    click.echo(f"Register: {register} (fill in the council's name and priorities on its Framework sheet, "
               "and the indicators on its Indicators sheet)")
    click.echo(f"Returns folder: {returns} (the services' returns go here, beside the register)")


@command("watch")
@returns_dir_argument()
@period_option(f"Reporting period, e.g. '2020/21 Q3' {LATEST}.")
@reading_options
@click.option("--out", type=click.Path(dir_okay=False), help="Scorecard workbook to keep up to date, .xlsx "
              "(default: scorecard-<period>.xlsx in the current folder).")
@click.option("--records", type=click.Path(dir_okay=False), help="Records file to keep up to date.")
@history_options(updated=True, beside="the --out folder")
@scoring_options
@deadline_option()
@profile_option()
@click.option("--debounce", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Seconds of quiet after a change before consolidating.")
@click.pass_context
def watch_command(ctx, returns_dir, period_text, register_path, out, records, history, no_history, tolerance,
                  template_path, area, deadline_days, debounce, profile, max_unpacked_mb, max_ratio, layouts):
    """Consolidate now, then again whenever a return is added or changed (Ctrl+C to stop).
    Each run is the run `consolidate` makes with the same options.

    \b
    Example:
        xlscorecard watch returns/ --period "2020/21 Q3" --out scorecard.xlsx
    """
    from .pipeline import HISTORY_NAME, consolidate, default_scorecard_name
    from .readers.listing import display
    from .watch import snapshot, watch

    def run_once(changed=()):
        if changed:
            click.echo(f"Changed: {', '.join(sorted(display(file_shown(p, returns_dir)) for p in changed))}", err=True)
        try:
            with user_errors(ctx):
                result = consolidate(returns_dir, period=period_text, register=register_path, out=out,
                                     records=records, history=history, use_history=not no_history,
                                     tolerance=tolerance, template=template_path, deadline_days=deadline_days,
                                     area=area, limits=reading_limits(max_unpacked_mb, max_ratio),
                                     profile=profile, layouts=layouts)
            click.echo(consolidation_summary(result))
            for line in kept_elsewhere_lines(result.kept_elsewhere):
                click.echo(f"Warning: {line}", err=True)
            return result
        except click.ClickException as error:
            if error.exit_code == ExitCode.USAGE:  # a wrong option or an output that is an input: no save fixes it
                raise
            if not Path(returns_dir).is_dir():
                return None  # removed while it was read: watch() says so next
            error.show()  # keep watching: the next save may fix it
            return None

    before = snapshot(returns_dir)
    first = run_once()
    target = Path(out) if out else Path(default_scorecard_name(first.period)) if first else None
    outputs = [p for p in (target, Path(records) if records else None) if p is not None]
    if not no_history:
        outputs.append(Path(history) if history else (target.parent if target else Path(".")) / HISTORY_NAME)
    click.echo(f"Watching {returns_dir} (Ctrl+C to stop)", err=True)
    try:
        with user_errors(ctx):
            watch(returns_dir, run_once, debounce=debounce, ignore=outputs, since=before,
                  on_note=lambda note: click.echo(note, err=True))
    except KeyboardInterrupt as stop:
        click.echo("Stopped.", err=True)
        ctx.exit(int(stop_code(stop)))


@command("explain")
@click.argument("ref")
@returns_dir_argument()
@period_option(f"Reporting period, e.g. '2020/21 Q3' {LATEST}.")
@reading_options
@history_options(updated=False)
@scoring_options
@strict_option("a finding about this indicator is an error")
@click.pass_context
def explain_command(ctx, ref, returns_dir, period_text, register_path, history, no_history, tolerance,
                    template_path, area, strict, max_unpacked_mb, max_ratio, layouts):
    """Explain one indicator's status, direction of travel, trend and forecast, with the arithmetic,
    as the scorecard made with the same options shows them.

    \b
    Example:
        xlscorecard explain CYP-01 sample_workbooks/2020-21-Q3 --period "2020/21 Q3"
    """
    from .pipeline import assess, history_to_read
    from .core.explain import explain_with_signal

    with user_errors(ctx):
        history_path = history_to_read(history, not no_history)
        result = assess(returns_dir, period=period_text, register=register_path, history=history_path,
                        record=False, tolerance=tolerance, template=template_path, area=area,
                        limits=reading_limits(max_unpacked_mb, max_ratio), layouts=layouts)
        indicators = {i.ref.casefold(): i for i in result.indicators}
        indicator = indicators.get(ref.casefold())
        if indicator is None:
            raise UsageError(f"{ref} is not an indicator of {result.period.fy.label} in {returns_dir} "
                             f"(its refs run {result.indicators[0].ref} to {result.indicators[-1].ref})"
                             if result.indicators else f"{ref}: {returns_dir} describes no indicator")
    score = next(s for s in result.scores if s.ref == indicator.ref)
    click.echo(f"{indicator.ref} {indicator.name}, {result.period.long_label}")
    click.echo(explain_with_signal(indicator, score, result.series.get(indicator.ref), result.tolerance))
    click.echo(history_line(result.history_use, looked_for=None if history or no_history else "the current folder"))
    errors = [f for f in result.findings if f.ref == indicator.ref and f.severity is Severity.ERROR]
    for finding in errors:
        click.echo(f"Error finding: {finding.source}: {finding.message}", err=True)
    if strict and errors:
        raise SystemExit(int(ExitCode.FINDINGS))


@command("export")
@click.option("--history", type=click.Path(dir_okay=False), default="xlscorecard-history.sqlite",
              help="The history file consolidate keeps beside its scorecard (default: the one in the current "
                   "folder, where consolidate keeps it without --out).")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="The records file to write: .csv, .json or .parquet.")
@click.pass_context
def export_command(ctx, history, out):
    """Write every period the history holds as one records file, in the columns of --records.

    One row per indicator and reporting period, oldest first, as each period's scorecard scored
    it: a time series for Power BI or a pivot table, without appending files by hand.

    \b
    Example:
        xlscorecard export --history xlscorecard-history.sqlite --out all-periods.parquet
    """
    from .export import export_history

    with user_errors(ctx):
        done = export_history(history, out)
    held = ", ".join(p.label for p in done.periods) or "none"
    click.echo(f"Periods: {held}")
    click.echo(f"Records: {plural(done.rows, 'row')} written to {done.path}")
    if done.without_records:
        click.echo(f"Warning: {', '.join(p.label for p in done.without_records)} "
                   f"{'was' if len(done.without_records) == 1 else 'were'} recorded by an earlier xlscorecard "
                   "that kept no records; consolidate again to include them", err=True)


@command("status")
@returns_dir_argument()
@period_option(f"Reporting period, e.g. '2020/21 Q3' {LATEST}.")
@reading_options
@deadline_option()
@strict_option("a service's return is late or not received")
@click.pass_context
def status_command(ctx, returns_dir, period_text, register_path, deadline_days, strict, max_unpacked_mb, max_ratio,
                   layouts):
    """Which services have sent their returns for the period, on time or late, and what is missing.

    \b
    Example:
        xlscorecard status returns/ --period "2020/21 Q3" --deadline-days 10
    """
    from .pipeline import assess, returns_position

    with user_errors(ctx):
        result = assess(returns_dir, period=period_text, register=register_path, history=None, layouts=layouts,
                        limits=reading_limits(max_unpacked_mb, max_ratio))
        tracked = returns_position(result, deadline_days)
    if not tracked:
        click.echo(f"No indicator is due in {result.period.long_label}.")
        return
    click.echo(f"Returns for {result.period.long_label}, due by {tracked[0].deadline:%d %B %Y}")
    for service in tracked:
        sent = (f"{', '.join(file_shown(f, returns_dir) for f in service.files)}, "
                f"{'file date' if service.file_date else 'saved'} {service.received:%d %b %Y %H:%M} UTC"
                if service.received else "no return")
        owners = f" ({', '.join(service.data_owners)})" if service.data_owners else ""
        status = service.timeliness
        click.echo(f"- {service.service}{owners}: {sent}; {status.upper() if status in ('late', 'not received') else status}")
        click.echo(f"  due ({len(service.due)}): {', '.join(service.due)}")
        if service.missing:
            click.echo(f"  still without a value: {', '.join(service.missing)}")
    if strict and any(service.timeliness in ("late", "not received") for service in tracked):
        raise SystemExit(int(ExitCode.FINDINGS))


@command("validate")
@returns_dir_argument()
@period_option("Reporting period, e.g. '2020/21 Q3'; gives returns their year.")
@reading_options
@click.option("--layout", "show_layout", is_flag=True,
              help="Also show how each return was read: layout, table, header rows, the period of every value "
                   "column, and where every cell went.")
@click.pass_context
def validate_command(ctx, returns_dir, register_path, period_text, show_layout, max_unpacked_mb, max_ratio, layouts):
    """Read every return in RETURNS_DIR and list what could not be used; exit 3 on any error
    or when a return could be read only in part (as consolidate --strict would).

    \b
    Example:
        xlscorecard validate returns/ --period "2020/21 Q3" --layout
    """
    from .pipeline import validate_folder  # the readers pull in openpyxl; other commands need not

    with user_errors(ctx):
        result = validate_folder(returns_dir, period=period_text, register=register_path,
                                 limits=reading_limits(max_unpacked_mb, max_ratio), layouts=layouts)
    if show_layout:
        click.echo(format_layouts(result.sources, returns_dir))
    click.echo(format_findings(result.findings, returns_dir))
    caveats = return_caveats(result.findings)
    for path, kinds in caveats:
        click.echo(f"Caveat: {caveat_line(path, kinds, returns_dir)}")
    errors = sum(1 for finding in result.findings if finding.severity is Severity.ERROR)
    registers = sum(1 for source in result.sources if source.role == "register")  # read, not a return
    read = plural(len(result.sources) - registers, "return") + (" and the register" if registers else "")
    click.echo(f"{read}, {plural(len(result.indicators), 'indicator')}, "
               f"{plural(len(result.observations), 'value')}, {plural(len(result.findings), 'finding')} "
               f"({plural(errors, 'error')})", err=True)
    if errors or any(PARTLY_READ in kinds for _, kinds in caveats):
        raise SystemExit(int(ExitCode.FINDINGS))


@command("layout")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3'; gives the return's months their year.")
@click.pass_context
def layout_command(ctx, file, period_text):
    """Print a starting layout file for FILE, from what xlscorecard sees in it, to edit and save
    as xlscorecard-layouts.toml beside the returns.

    \b
    Example:
        xlscorecard layout returns/housing-Q3.xlsx > returns/xlscorecard-layouts.toml
    """
    from .readers.layout_starter import starting_layout

    with user_errors(ctx):
        click.echo(starting_layout(file, period_text), nl=False)
