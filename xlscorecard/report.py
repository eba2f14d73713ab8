"""``xlscorecard report``: the committee's Performance Report from the same consolidation as the
scorecard (the same returns, register, history, tolerance and template), written as Word.

The history is only read (direction of travel, the previous headline): ``consolidate`` records
a period; the report of it can be written as often as the wording needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .core.model import Period

if TYPE_CHECKING:
    from .readers.safety import Limits

def default_report_name(period: Period) -> str:
    """``report-2020-21-Q3.docx``."""
    return f"report-{period.slug}.docx"


def make_report(returns_dir: str | Path, *, period: Period | str | None = None, register: str | Path | None = None,
                out: str | Path | None = None, history: str | Path | None = None, use_history: bool = True,
                tolerance: float | None = None, template: str | Path | None = None,
                docx_template: str | Path | None = None, introduction: str | Path | None = None,
                conclusion: str | Path | None = None, area: str | None = None,
                limits: "Limits | None" = None, layouts: str | Path | None = None) -> tuple[Path, object, tuple]:
    """Read and score ``returns_dir`` as ``consolidate`` does and write the Performance Report.

    ``out`` defaults to :func:`default_report_name` in the current folder and ``history`` to
    the file ``consolidate`` keeps beside its output (read if it exists, never changed).
    ``introduction`` and ``conclusion`` are UTF-8 text files the council writes; without them
    the report holds marked placeholders. Returns the path written, the assessment, and
    (report, kept) when the report was open in Word and the new one was saved beside it.
    """
    from .errors import OutputError, UsageError
    from .outputs.atomic import Staged
    from .outputs.report import ReportText, write_report
    from .outputs.scorecard import load_template
    from .pipeline import assess, history_to_read
    from .preflight import check_outputs, inputs_of, output
    from .publish import scorecard_data
    from .readers.listing import list_folder

    folder = Path(out).parent if out is not None else Path(".")
    history_path = history_to_read(history, use_history, folder)
    inputs = inputs_of(list_folder(returns_dir), register=register, template=template, docx_template=docx_template,
                       introduction=introduction, conclusion=conclusion, layouts=layouts)
    if history_path is not None:
        inputs += inputs_of(history=history_path)
    outputs = [output("report", out, "--out")]
    check_outputs(outputs, inputs)
    if out is not None and Path(out).suffix.lower() != ".docx":
        raise UsageError(f"--out {out}: the report is a Word document; give it a .docx name (nothing was written)")
    text = ReportText(*(_read_text(path) for path in (introduction, conclusion)))
    style = load_template(template)
    result = assess(returns_dir, period=period, register=register, history=history_path, record=False,
                    tolerance=tolerance, template=template, area=area, limits=limits, layouts=layouts)
    if out is None:
        out = folder / default_report_name(result.period)
        check_outputs([output("report", None, "--out", out)], inputs)
    staged = Staged(out)
    try:
        with staged.writing() as temporary:
            write_report(scorecard_data(result), temporary, style, docx_template=docx_template, text=text)
        staged.place()
    except OutputError as error:
        if error.kept is None:
            raise
        return Path(error.kept), result, ((Path(out), Path(error.kept)),)  # open in Word: saved beside it
    finally:
        staged.discard()
    return Path(out), result, ()


def _read_text(path: str | Path | None) -> str | None:
    from .errors import UsageError

    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path} as UTF-8 text: {error}") from error
