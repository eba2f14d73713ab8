"""The ``xlscorecard`` command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

import contextlib
import enum
from pathlib import Path

import click

from . import __version__
from .errors import XlscorecardError
from .core.checks import caveat_line, return_caveats
from .core.model import PARTLY_READ, Severity, file_shown
from .cli_text import Progress, consolidation_summary, format_findings, format_layouts
from .core.periods import parse_period
from .core.words import plural


class ExitCode(enum.IntEnum):
    """What ``xlscorecard`` exits with (documented in ``--help`` and the README)."""

    OK = 0                 # the scorecard (or the report asked for) was written
    NOTHING_WRITTEN = 1    # nothing was written: no readable return, an output not writable, or validate found errors
    USAGE = 2              # a wrong option or argument (click's own code), or an output that is also an input
    FINDINGS = 3           # with --strict: written, but error-level findings exist
    PARTLY_WRITTEN = 4     # the history was updated but a file could not then be moved into place
    INTERRUPTED = 130      # stopped by Ctrl+C (SIGINT): 128 + 2, as shells report it
    TERMINATED = 143       # stopped by SIGTERM: 128 + 15


EXIT_CODES_HELP = """\b
Exit codes:
  0    written
  1    nothing was written (no readable return, an output not writable);
       validate: error findings, or a return read only in part
  2    usage error (also: an output that is also an input)
  3    with --strict: written, but there are error findings or returns read
       with caveats (only partly read, refs not in the register, an earlier
       month scored)
  4    partly written: the history was updated, a file could not be moved into place
  130  stopped by Ctrl+C; 143 stopped by SIGTERM (nothing was written)"""


class Failure(click.ClickException):
    """One clear sentence for the user, and the exit code that goes with it."""

    def __init__(self, message: str, code: ExitCode = ExitCode.NOTHING_WRITTEN):
        super().__init__(message)
        self.exit_code = int(code)


@contextlib.contextmanager
def user_errors(ctx: click.Context):
    """Turn every failure into one ``Error: …`` line; ``--debug`` shows the traceback instead."""
    debug = (ctx.find_root().obj or {}).get("debug", False)
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, SystemExit, KeyboardInterrupt):
        raise
    except XlscorecardError as error:
        if debug:
            raise
        raise Failure(str(error), _exit_code(error)) from error
    except Exception as error:  # noqa: BLE001 - never a traceback without --debug
        if debug:
            raise
        raise Failure(f"unexpected {type(error).__name__}: {error} (run again with --debug for details, "
                      "and please report it)") from error


def _exit_code(error: XlscorecardError) -> ExitCode:
    from .errors import PartlyWritten, UsageError
    if isinstance(error, UsageError):
        return ExitCode.USAGE
    return ExitCode.PARTLY_WRITTEN if isinstance(error, PartlyWritten) else ExitCode.NOTHING_WRITTEN


def stop_code(stop: KeyboardInterrupt) -> ExitCode:
    """130 for Ctrl+C, 143 for SIGTERM."""
    import signal
    return ExitCode.TERMINATED if getattr(stop, "signum", None) == signal.SIGTERM else ExitCode.INTERRUPTED


class StoppableGroup(click.Group):
    """A command group whose commands SIGTERM stops as Ctrl+C does: one sentence, then exit
    130 (Ctrl+C) or 143 (SIGTERM), instead of click's "Aborted!" and 1."""

    def invoke(self, ctx):
        from .stopping import stop_on_sigterm
        stop_on_sigterm()
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as stop:
            code = stop_code(stop)
            name = "SIGTERM" if code is ExitCode.TERMINATED else "Ctrl+C"
            click.echo(f"Stopped by {name}" + (" once the run had written its files."
                                                if getattr(stop, "finished", False) else
                                                " before the run finished: no file was changed."), err=True)
            ctx.exit(int(code))


@click.group(cls=StoppableGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="xlscorecard")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx, debug):
    """Consolidate council performance returns into a RAG-coloured scorecard workbook."""
    ctx.obj = {"debug": debug}


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
        raise Failure(str(error)) from error
    click.echo(f"{period.label}: {period.start_date:%d %b %Y} to {period.end_date:%d %b %Y}, "
               f"financial year {period.fy.label}, {period.months_elapsed} of 12 months elapsed; "
               f"previous period {period.previous().label}, same period last year "
               f"{period.same_period_last_year().label}")


class PeriodType(click.ParamType):
    """A reporting period as people type it; a bad one is a usage error naming what is accepted."""

    name = "period"

    def convert(self, value, param, ctx):
        try:
            return parse_period(value)
        except XlscorecardError as error:
            self.fail(str(error), param, ctx)


def period_option(help_text: str):
    return click.option("--period", "period_text", type=PeriodType(), metavar="PERIOD", help=help_text)


def register_option():
    return click.option("--register", "register_path", type=click.Path(exists=True, dir_okay=False),
                        help="Indicator register workbook (default: a file in RETURNS_DIR named *register*).")


def layouts_option(command):
    """``--layouts FILE``: the layout file describing returns detection cannot read."""
    return click.option("--layouts", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                        help="Layout file (TOML) saying how to read returns xlscorecard does not recognise "
                             "(default: xlscorecard-layouts.toml in RETURNS_DIR; see `xlscorecard layout`).")(command)


def limits_options(command):
    """``--max-unpacked-mb`` and ``--max-ratio``: the ZIP caps a workbook must pass before it is unpacked."""
    command = click.option("--max-ratio", type=click.FloatRange(min=1), metavar="N",
                           help="Refuse a workbook part that unpacks to more than N times its packed size "
                                "(default 200; parts under 5 MB are exempt).")(command)
    return click.option("--max-unpacked-mb", type=click.FloatRange(min=1), metavar="MB",
                        help="Refuse a workbook that would unpack to more than MB megabytes, before unpacking "
                             "it (default 40; one part may take four fifths of it).")(command)


def reading_limits(max_unpacked_mb: float | None, max_ratio: float | None):
    """The readers' limits with the caps given on the command line, or ``None`` for the defaults."""
    if max_unpacked_mb is None and max_ratio is None:
        return None
    from .readers.safety import DEFAULT_LIMITS
    return DEFAULT_LIMITS.with_caps(max_unpacked_mb, max_ratio)


def profile_option():
    return click.option("--profile", type=click.Choice(["print", "publish"]), default="print", show_default=True,
                        help="print: the scorecard for managers and committees; publish: an accessible workbook "
                             "for the council's website (cover, contents, notes, one table a sheet).")


def deadline_option():
    from .core.deadlines import DEFAULT_DEADLINE_DAYS

    return click.option("--deadline-days", type=click.IntRange(min=0), default=DEFAULT_DEADLINE_DAYS, show_default=True,
                        help="Working days after the period ends that services have to send their returns.")


@cli.command("consolidate", epilog=EXIT_CODES_HELP)
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3' or 'Dec 2020' (default: the latest period the returns agree on).")
@register_option()
@click.option("--out", type=click.Path(dir_okay=False), help="Scorecard workbook to write "
              "(default: scorecard-<period>.xlsx in the current folder).")
@click.option("--records", type=click.Path(dir_okay=False),
              help="Also write the indicator records as .csv, .json or .parquet (for Power BI and checks).")
@click.option("--history", type=click.Path(dir_okay=False),
              help="History file for direction of travel and the previous headline "
                   "(default: xlscorecard-history.sqlite beside the scorecard).")
@click.option("--no-history", is_flag=True, help="Neither read nor update a history file.")
@click.option("--tolerance", type=click.FloatRange(min=0), metavar="PCT",
              help="Percentage points below target that still count as amber (default 5).")
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False),
              help="A scorecard.toml restyling the workbook (colours, columns, priorities).")
@deadline_option()
@click.option("--area", help="The council's area code (e.g. E08000013) or name in comparator tables "
              "(default: the council the register's Framework sheet names).")
@click.option("--strict", is_flag=True, help="Exit with 3 when any finding is an error.")
@profile_option()
@limits_options
@layouts_option
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
    if strict and (result.count(Severity.ERROR) or return_caveats(result.findings)):
        raise SystemExit(int(ExitCode.FINDINGS))


@cli.command("report", epilog=EXIT_CODES_HELP)
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3' (default: the latest period the returns agree on).")
@register_option()
@click.option("--out", type=click.Path(dir_okay=False), help="Word document to write "
              "(default: report-<period>.docx in the current folder).")
@click.option("--history", type=click.Path(dir_okay=False),
              help="History file consolidate keeps, for direction of travel and the previous headline; only read "
                   "(default: xlscorecard-history.sqlite beside the report, if there is one).")
@click.option("--no-history", is_flag=True, help="Do not read a history file.")
@click.option("--tolerance", type=click.FloatRange(min=0), metavar="PCT",
              help="Percentage points below target that still count as amber (default 5).")
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False),
              help="The scorecard.toml the scorecard uses (council, colours, words, priorities, columns).")
@click.option("--docx-template", type=click.Path(exists=True, dir_okay=False),
              help="The council's Word template (.docx or .dotx): its styles, headers and page set-up are used.")
@click.option("--introduction", type=click.Path(exists=True, dir_okay=False),
              help="A UTF-8 text file with the introduction (default: a marked placeholder).")
@click.option("--conclusion", type=click.Path(exists=True, dir_okay=False),
              help="A UTF-8 text file with the conclusion (default: a marked placeholder).")
@click.option("--area", help="The council's area code or name in comparator tables (as for consolidate).")
@limits_options
@click.pass_context
def report_command(ctx, returns_dir, period_text, register_path, out, history, no_history, tolerance,
                   template_path, docx_template, introduction, conclusion, area, max_unpacked_mb, max_ratio):
    """Write the committee's Performance Report (Word) from the same consolidation as the scorecard.

    \b
    Example:
        xlscorecard report sample_workbooks/2020-21-Q3 --period "2020/21 Q3" --introduction intro.txt
    """
    from .report import make_report

    with user_errors(ctx):
        path, result = make_report(returns_dir, period=period_text, register=register_path, out=out,
                                   history=history, use_history=not no_history, tolerance=tolerance,
                                   template=template_path, docx_template=docx_template,
                                   introduction=introduction, conclusion=conclusion, area=area,
                                   limits=reading_limits(max_unpacked_mb, max_ratio))
    total = result.total.target
    click.echo(f"Period: {result.period.long_label}")
    click.echo(f"Green {total.on_target}, amber {total.within_tolerance}, red {total.off_target}, "
               f"data gaps {total.gaps}, no target {total.no_target}")
    click.echo(f"Report: {path}")


@cli.command("template")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="The .xlsx return template to write.")
@register_option()
@click.option("--service", help="Only this service's indicators (as the register's Service column names it).")
@period_option("Pre-fill one Values row per indicator due in this period, e.g. '2020/21 Q3'.")
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@click.pass_context
def template_command(ctx, out, register_path, service, period_text, force):
    """Write a return template for a service to fill in: blank, or pre-filled from the register.

    \b
    Example:
        xlscorecard template --register register-2020-21.xlsx --service "Public Health" \\
            --period "2020/21 Q3" --out public-health-Q3.xlsx
    """
    from .pipeline import make_return_template

    with user_errors(ctx):
        path = make_return_template(out, register_path=register_path, service=service, period=period_text,
                                    force=force, on_register=lambda found: click.echo(f"Register: {found}", err=True))
    click.echo(f"Template: {path}")


@cli.command("init")
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


@cli.command("watch")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3' (default: the latest period the returns agree on).")
@register_option()
@click.option("--out", type=click.Path(dir_okay=False), help="Scorecard workbook to keep up to date.")
@click.option("--records", type=click.Path(dir_okay=False), help="Records file to keep up to date.")
@click.option("--debounce", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Seconds of quiet after a change before consolidating.")
@profile_option()
@limits_options
@layouts_option
@click.pass_context
def watch_command(ctx, returns_dir, period_text, register_path, out, records, debounce, profile, max_unpacked_mb,
                  max_ratio, layouts):
    """Consolidate now, then again whenever a return is added or changed (Ctrl+C to stop).

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
                                     records=records, limits=reading_limits(max_unpacked_mb, max_ratio),
                                     profile=profile, layouts=layouts)
            click.echo(consolidation_summary(result))
            return result
        except click.ClickException as error:
            if error.exit_code == ExitCode.USAGE:  # an output that is an input: no save will fix it
                raise
            if not Path(returns_dir).is_dir():
                return None  # removed while it was read: watch() says so next
            error.show()  # keep watching: the next save may fix it
            return None

    before = snapshot(returns_dir)
    first = run_once()
    target = Path(out) if out else Path(default_scorecard_name(first.period)) if first else None
    outputs = [p for p in (target, Path(records) if records else None) if p is not None]
    outputs += [(target.parent if target else Path(".")) / HISTORY_NAME]
    click.echo(f"Watching {returns_dir} (Ctrl+C to stop)", err=True)
    try:
        with user_errors(ctx):
            watch(returns_dir, run_once, debounce=debounce, ignore=outputs, since=before,
                  on_note=lambda note: click.echo(note, err=True))
    except KeyboardInterrupt as stop:
        click.echo("Stopped.", err=True)
        ctx.exit(int(stop_code(stop)))


@cli.command("explain")
@click.argument("ref")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3' (default: the latest period the returns agree on).")
@register_option()
@click.option("--history", type=click.Path(dir_okay=False, exists=True),
              help="History file with earlier periods' values (it is read, not changed; default: "
                   "xlscorecard-history.sqlite in the current folder, when there is one, as consolidate writes).")
@layouts_option
@click.pass_context
def explain_command(ctx, ref, returns_dir, period_text, register_path, history, layouts):
    """Explain one indicator's status, direction of travel, trend and forecast, with the arithmetic.

    \b
    Example:
        xlscorecard explain CYP-01 sample_workbooks/2020-21-Q3 --period "2020/21 Q3"
    """
    from .pipeline import HISTORY_NAME, assess
    from .core.explain import explain_with_signal

    if history is None and Path(HISTORY_NAME).is_file():  # the history `consolidate` writes by default
        history = HISTORY_NAME
    with user_errors(ctx):
        result = assess(returns_dir, period=period_text, register=register_path, history=history, record=False,
                        layouts=layouts)
        indicators = {i.ref.casefold(): i for i in result.indicators}
        indicator = indicators.get(ref.casefold())
        if indicator is None:
            raise Failure(f"{ref} is not an indicator of {result.period.fy.label} in {returns_dir}")
        score = next(s for s in result.scores if s.ref == indicator.ref)
        click.echo(f"{indicator.ref} {indicator.name}, {result.period.long_label}")
        click.echo(explain_with_signal(indicator, score, result.series.get(indicator.ref), result.tolerance))


@cli.command("export", epilog=EXIT_CODES_HELP)
@click.option("--history", type=click.Path(dir_okay=False), default="xlscorecard-history.sqlite", show_default=True,
              help="The history file consolidate keeps (beside the scorecard by default).")
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
    click.echo(f"Records: {done.rows} {'row' if done.rows == 1 else 'rows'} written to {done.path}")
    if done.without_records:
        click.echo(f"Warning: {', '.join(p.label for p in done.without_records)} "
                   f"{'was' if len(done.without_records) == 1 else 'were'} recorded by an earlier xlscorecard "
                   "that kept no records; consolidate again to include them", err=True)


@cli.command("status")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@period_option("Reporting period, e.g. '2020/21 Q3' (default: the latest period the returns agree on).")
@register_option()
@deadline_option()
@layouts_option
@click.pass_context
def status_command(ctx, returns_dir, period_text, register_path, deadline_days, layouts):
    """Which services have sent their returns for the period, on time or late, and what is missing.

    \b
    Example:
        xlscorecard status returns/ --period "2020/21 Q3" --deadline-days 10
    """
    from .pipeline import assess, returns_position

    with user_errors(ctx):
        result = assess(returns_dir, period=period_text, register=register_path, history=None, layouts=layouts)
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


@cli.command("validate")
@click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))
@register_option()
@period_option("Reporting period, e.g. '2020/21 Q3'; gives returns their year.")
@click.option("--layout", "show_layout", is_flag=True,
              help="Also show how each return was read: layout, table, header rows, the period of every value "
                   "column, and where every cell went.")
@limits_options
@layouts_option
@click.pass_context
def validate_command(ctx, returns_dir, register_path, period_text, show_layout, max_unpacked_mb, max_ratio, layouts):
    """Read every return in RETURNS_DIR and list what could not be used; exit 1 on any error
    or when a return could be read only in part.

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
    click.echo(f"{plural(len(result.sources), 'file')}, {plural(len(result.indicators), 'indicator')}, "
               f"{plural(len(result.observations), 'value')}, {plural(len(result.findings), 'finding')} "
               f"({plural(errors, 'error')})", err=True)
    if errors or any(PARTLY_READ in kinds for _, kinds in caveats):
        raise SystemExit(int(ExitCode.NOTHING_WRITTEN))


@cli.command("layout")
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
