"""The command line's shared parts: exit codes, errors as one sentence, and the options every
command that reads returns takes, declared once so that each command has the same defaults."""

from __future__ import annotations

import contextlib
import enum

import click

from .errors import XlscorecardError
from .core.periods import parse_period


class ExitCode(enum.IntEnum):
    """What every ``xlscorecard`` command exits with (in each ``--help`` and the README)."""

    OK = 0                 # done: the outputs asked for were written, or the answer printed
    NOTHING_WRITTEN = 1    # nothing was done: no readable return, an output not writable
    USAGE = 2              # a wrong option or argument, found before any work
    FINDINGS = 3           # error findings: validate always; other commands with --strict
    PARTLY_WRITTEN = 4     # the history was updated but a file could not then be moved into place
    KEPT_ELSEWHERE = 5     # written, but a file open in another program was left: the new one has another name
    INTERRUPTED = 130      # stopped by Ctrl+C (SIGINT): 128 + 2, as shells report it
    TERMINATED = 143       # stopped by SIGTERM: 128 + 15


EXIT_CODES_HELP = """\b
Exit codes (the same in every command):
  0    done: written, or the answer printed
  1    nothing was written: no readable return, an output not writable
  2    usage error, found before any work: an unknown option, an unreadable
       period, an --out or --records name of the wrong kind, an unknown ref,
       an output that is also an input
  3    error findings: validate, or any command with --strict (status: a
       return late or not received)
  4    partly written: the history was updated, a file could not be moved
       into place
  5    written, but a file was open in another program (Excel): the new
       one was saved beside it under another name, printed
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
        raise Failure(str(error), exit_code_of(error)) from error
    except Exception as error:  # noqa: BLE001 - never a traceback without --debug
        if debug:
            raise
        raise Failure(f"unexpected {type(error).__name__}: {error} (run again with --debug for details, "
                      "and please report it)") from error


def exit_code_of(error: XlscorecardError) -> ExitCode:
    from .errors import PartlyWritten, UsageError
    if isinstance(error, UsageError):
        return ExitCode.USAGE
    return ExitCode.PARTLY_WRITTEN if isinstance(error, PartlyWritten) else ExitCode.NOTHING_WRITTEN


def stop_code(stop: KeyboardInterrupt) -> ExitCode:
    """130 for Ctrl+C, 143 for SIGTERM."""
    import signal
    return ExitCode.TERMINATED if getattr(stop, "signum", None) == signal.SIGTERM else ExitCode.INTERRUPTED


def _set_debug(ctx: click.Context, _param, value: bool) -> bool:
    if value:
        root = ctx.find_root()
        root.obj = {**(root.obj or {}), "debug": True}
    return value


def debug_option(command):
    """``--debug`` after the command name too (``xlscorecard validate returns/ --debug``)."""
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                        help="Show the full traceback when something fails.")(command)


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


def register_option(default: str = "the register in RETURNS_DIR, a workbook named *register* or one "
                                    "that describes indicators and holds no values"):
    return click.option("--register", "register_path", type=click.Path(exists=True, dir_okay=False),
                        help=f"Indicator register workbook (default: {default}).")


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


def strict_option(meaning: str):
    return click.option("--strict", is_flag=True, help=f"Exit with 3 when {meaning}.")


def history_options(*, updated: bool, beside: str = "the current folder"):
    """``--history`` and ``--no-history``, with the one default every command shares: the
    history ``consolidate`` keeps beside its scorecard (``beside``, for a command with an
    ``--out``). ``updated``: whether the command records its run in it, or only reads it."""
    use = ("for direction of travel, trend and the previous headline; updated with this period"
           if updated else "for direction of travel, trend and the previous headline; only read")

    def decorate(command):
        command = click.option("--no-history", is_flag=True,
                               help="Neither read nor update a history file." if updated else
                               "Do not read a history file.")(command)
        return click.option("--history", type=click.Path(dir_okay=False), metavar="FILE",
                            help=f"History file, {use} (default: xlscorecard-history.sqlite in {beside}, "
                                 "where consolidate keeps it).")(command)
    return decorate


def scoring_options(command):
    """What scores an indicator, the same in every command that scores: ``--tolerance``,
    ``--template`` (its tolerance and words) and ``--area`` (the comparator tables' row)."""
    command = click.option("--area", help="The council's area code (e.g. E08000013) or name in comparator tables "
                                          "(default: the council the register's Framework sheet names).")(command)
    command = click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False),
                           metavar="FILE", help="A scorecard.toml restyling the scorecard (colours, columns, "
                                                "words, and the amber tolerance).")(command)
    return click.option("--tolerance", type=click.FloatRange(min=0), metavar="PCT",
                        help="Percentage points below target that still count as amber "
                             "(default: the --template's, else 5).")(command)


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


def returns_dir_argument():
    return click.argument("returns_dir", type=click.Path(exists=True, file_okay=False))


def reading_options(command):
    """How RETURNS_DIR is read, the same in every command that reads it."""
    return register_option()(layouts_option(limits_options(command)))
