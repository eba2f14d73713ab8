"""The list sheets: Exceptions, All indicators, Data quality and Sources.

Each is a plain table under a title: one header row, one row per record. All indicators is an
Excel table (filters, banded rows, no merged cells) so it feeds pivot tables and Power BI
as it stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format

from ...core.checks import caveat_line, return_caveats
from ...core.deadlines import LATE, NOT_KNOWN, NOT_RECEIVED, ON_TIME
from ...core.model import COMMENTARY_HEADINGS, Indicator, Rag, Score, file_shown
from ...core.summary import requires_improvement, strong_performance
from .data import PriorityGroup, Scorecard
from .formats import Formats
from .sheet import Sheet, sheet_name
from .words import comparative_text, dot_text, frequency_word, polarity_word, rag_word, spc_key

TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 3
WRAP_WIDTH = 40


@dataclass(frozen=True)
class Cell:
    """A value and the format it is written with."""

    value: Any
    fmt: Format


@dataclass(frozen=True)
class Column:
    header: str
    width: float | None = None  # None: fit the text


def _start(sheet: Sheet, formats: Formats, title: str, note: str, last_col: int) -> None:
    sheet.merge(TITLE_ROW, 0, last_col, title, formats["title"])
    sheet.ws.set_row(TITLE_ROW, 24)
    sheet.merge(NOTE_ROW, 0, last_col, note, formats["subtitle"])


def _header(sheet: Sheet, formats: Formats, row: int, columns: Sequence[Column]) -> None:
    for col, column in enumerate(columns):
        sheet.put(row, col, column.header, formats["header"], measure=False)
        sheet.measure(col, column.header if len(column.header) < 14 else column.header[:14])
    sheet.ws.set_row(row, 30)


def _rows(sheet: Sheet, first_row: int, rows: Sequence[Sequence[Cell]], wrap_cols: dict[int, float]) -> int:
    """Write the cells; rows with wrapped text get the height it needs. Returns the next row."""
    row = first_row
    for cells in rows:
        height = 0.0
        sheet.put_cells(row, [(col, cell.value, cell.fmt, col not in wrap_cols) for col, cell in enumerate(cells)])
        for col, cell in enumerate(cells):
            if col in wrap_cols and isinstance(cell.value, str) and len(cell.value) > wrap_cols[col]:
                height = max(height, sheet.wrapped_height(cell.value, wrap_cols[col]))
        if height:
            sheet.ws.set_row(row, height)
        row += 1
    return row


def _finish(sheet: Sheet, card: Scorecard, columns: Sequence[Column], header_row: int | None,
            freeze_row: int | None = None) -> None:
    """Widths, and print setup with the header row repeated and frozen (or ``freeze_row``)."""
    sheet.fit_columns({col: c.width for col, c in enumerate(columns) if c.width})
    frozen = freeze_row if freeze_row is not None else header_row + 1
    sheet.print_setup(header_rows=None if header_row is None else (header_row, header_row), freeze=(frozen, 0),
                      footer=f"{card.council} - {card.period.long_label}")


# -- Exceptions ---------------------------------------------------------------------------------

COMPARATIVE_WIDTH = 16  # the quartile, and under it the comparator group and data year
EXCEPTION_COLUMNS = (Column("Priority", 24), Column("Ref"), Column("Performance indicator", WRAP_WIDTH),
                     Column("Performance vs target", 12), Column("DOT", 10), Column("Comparative performance", COMPARATIVE_WIDTH),
                     Column("Note from the return", WRAP_WIDTH))


def write_exceptions(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    sheet = Sheet(workbook.add_worksheet(sheet_name("Exceptions", taken)))
    last = len(EXCEPTION_COLUMNS) - 1
    _start(sheet, formats, f"Exceptions - {card.period.long_label}",
           "Strong performance and areas requiring improvement against the comparator group (quartile and "
           "direction of travel), then every indicator off target.", last)
    scores = [s for g in card.groups for _, s in g.rows]
    sections = [
        ("Strong performance: 1st or 2nd quartile, and DOT improving or the same", strong_performance(scores)),
        ("Requires improvement: 3rd or 4th quartile, and DOT not improving", requires_improvement(scores)),
        (f"Off target: missed by more than {card.tolerance:g}%", [s for s in scores if s.rag is Rag.RED]),
    ]
    row = HEADER_ROW
    for heading, chosen in sections:
        sheet.put(row, 0, heading, formats["heading"], measure=False)
        _header(sheet, formats, row + 1, EXCEPTION_COLUMNS)
        rows = [_exception_row(card, formats, s, first=n == 0 or card.group_of[s.ref] is not
                               card.group_of[chosen[n - 1].ref]) for n, s in enumerate(chosen)] or \
            [[Cell("None this period", formats["note"])]]
        row = _rows(sheet, row + 2, rows, {2: WRAP_WIDTH, 6: WRAP_WIDTH, 0: 24, 5: COMPARATIVE_WIDTH}) + 1
    # Three tables with their own headers: repeating the first one's header on later pages would
    # mislabel the others, so no repeated rows here.
    _finish(sheet, card, EXCEPTION_COLUMNS, header_row=None, freeze_row=HEADER_ROW)


# The reports' narrative tables: the indicators whose returns explain them, under these headings.
COMMENTARY_TABLES = (
    ("What is performing well", ("why_performing_well", "how_sustained")),
    ("What requires improvement and what is being done about it",
     ("context_and_action", "improvement_plan", "expected_impact")),
)


def commentary_tables(group: PriorityGroup) -> list[tuple[str, list[str], list[tuple[Score, dict[str, str]]]]]:
    """A priority's narrative tables, as (heading, questions, [(score, what its return said)]):
    every table of COMMENTARY_TABLES, with the indicators whose returns answered one of its
    questions (none: an empty list). The Commentary sheet and the committee report both use it."""
    tables = []
    for heading, fields in COMMENTARY_TABLES:
        questions = [COMMENTARY_HEADINGS[f] for f in fields]
        chosen = [(s, dict(s.commentary)) for _, s in group.rows if any(q in dict(s.commentary) for q in questions)]
        tables.append((heading, questions, chosen))
    return tables


COMMENTARY_COLUMNS = (Column("Ref"), Column("Indicator description", 30), Column("", 45), Column("", 45),
                      Column("", 45))


def write_commentary(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    """The officers' narrative as the reports lay it out: under each priority, its "What is
    performing well" and "What requires improvement" tables, the indicator then one column per
    question. Only the indicators whose returns answered; no sheet when none did."""
    sections = []
    for group in card.groups:
        tables = [(heading, questions, chosen) for heading, questions, chosen in commentary_tables(group) if chosen]
        if tables:
            sections.append((group, tables))
    if not sections:
        return
    sheet = Sheet(workbook.add_worksheet(sheet_name("Commentary", taken)))
    last = len(COMMENTARY_COLUMNS) - 1
    _start(sheet, formats, f"Commentary - {card.period.long_label}",
           "What the services say about their indicators, as they wrote it in their returns.", last)
    row = HEADER_ROW
    for group, tables in sections:
        sheet.merge(row, 0, last, group.title, formats["band"])
        row += 1
        for heading, questions, chosen in tables:
            sheet.put(row, 0, heading, formats["heading"], measure=False)
            _header(sheet, formats, row + 1, (*COMMENTARY_COLUMNS[:2], *(Column(q) for q in questions)))
            rows = [[Cell(s.ref, formats["text_bold"]), Cell(card.indicator[s.ref].name, formats["text_wrap"]),
                     *(Cell(said.get(q), formats["text_wrap"]) for q in questions)] for s, said in chosen]
            row = _rows(sheet, row + 2, rows, {1: 30, 2: 45, 3: 45, 4: 45}) + 1
    _finish(sheet, card, COMMENTARY_COLUMNS, header_row=None, freeze_row=HEADER_ROW)


def _exception_row(card: Scorecard, formats: Formats, score: Score, first: bool) -> list[Cell]:
    """One exception; the priority is named on the first row of its group only, as in the reports."""
    group, indicator, template = card.group_of[score.ref], card.indicator[score.ref], card.template
    return [Cell(group.label if first else None, formats["text_wrap"]), Cell(indicator.ref, formats["text_bold"]),
            Cell(indicator.name, formats["text_wrap"]),
            Cell(rag_word(template, score.rag), formats["rag_status", score.rag]),
            Cell(dot_text(template, score.dot), formats["dot", score.rag]),
            Cell(comparative_text(template, score.quartile, card.data.benchmarks.get(score.ref)),
                 formats.quartile(score.quartile)),
            Cell(score.note or score.gap_reason, formats["text_wrap"])]


# -- All indicators -----------------------------------------------------------------------------

RECORD_FIELDS: tuple[tuple[str, str, Callable[[Scorecard, PriorityGroup, Indicator, Score], Any]], ...] = (
    ("Ref", "text", lambda c, g, i, s: i.ref),
    ("Indicator", "text", lambda c, g, i, s: i.name),
    ("Priority", "text", lambda c, g, i, s: g.key),
    ("Priority name", "text", lambda c, g, i, s: g.name),
    ("Tier", "count", lambda c, g, i, s: i.tier),
    ("Outcome", "text", lambda c, g, i, s: i.outcome),
    ("Frequency", "text", lambda c, g, i, s: frequency_word(i)),
    ("Polarity", "text", lambda c, g, i, s: polarity_word(i)),
    ("Unit", "text", lambda c, g, i, s: i.unit),
    ("Previous outturn", "value", lambda c, g, i, s: i.previous_outturn),
    ("Annual target", "value", lambda c, g, i, s: i.annual_target),
    ("Reporting period", "text", lambda c, g, i, s: s.period.label),
    ("Latest value", "value", lambda c, g, i, s: s.value),
    ("Value period", "text", lambda c, g, i, s: s.value_period.label if s.value_period else None),
    ("Target for value", "value", lambda c, g, i, s: s.target),
    ("Variance %", "variance", lambda c, g, i, s: s.variance),
    ("Status", "text", lambda c, g, i, s: rag_word(c.template, s.rag)),
    ("DOT", "text", lambda c, g, i, s: c.template.word("dot", s.dot.value)),
    ("Trend", "text", lambda c, g, i, s: c.template.word("trend", s.trend.value)),
    ("Signal (SPC)", "spc", lambda c, g, i, s: c.template.word("spc", spc_key(c.series.get(i.ref)))),
    ("Assurance (SPC)", "text", lambda c, g, i, s: _assurance(c.series.get(i.ref))),
    ("Values held", "count", lambda c, g, i, s: len(c.series[i.ref].points) if i.ref in c.series else None),
    ("Quartile", "count", lambda c, g, i, s: s.quartile),
    ("Comparator rank", "text", lambda c, g, i, s: _rank(c, i.ref)),
    ("Comparator group", "text", lambda c, g, i, s: getattr(c.data.benchmarks.get(i.ref), "group", None)),
    ("Comparator data year", "text", lambda c, g, i, s: getattr(c.data.benchmarks.get(i.ref), "year", None)),
    ("Previous value", "value", lambda c, g, i, s: s.previous_value),
    ("Previous variance %", "variance", lambda c, g, i, s: s.previous_variance),
    ("Value a year earlier", "value", lambda c, g, i, s: s.last_year_value),
    ("Explanation", "text", lambda c, g, i, s: c.explanations.get(i.ref)),
    ("Signal explanation", "text", lambda c, g, i, s: c.signal_explanations.get(i.ref)),
    ("Year-end forecast", "decimal", lambda c, g, i, s: c.forecasts[i.ref].value if i.ref in c.forecasts else None),
    ("Forecast", "text", lambda c, g, i, s: _forecast_word(c.forecasts.get(i.ref))),
    ("Gap reason", "text", lambda c, g, i, s: s.gap_reason),
    ("Note", "text", lambda c, g, i, s: s.note),
    ("Source file", "text", lambda c, g, i, s: file_shown(s.source.path, c.data.returns_dir) or None
                             if s.source else None),
    ("Source sheet", "text", lambda c, g, i, s: s.source.sheet if s.source else None),
    ("Source cell", "text", lambda c, g, i, s: s.source.cell if s.source else None),
)
ALL_INDICATOR_HEADERS = tuple(name for name, _, _ in RECORD_FIELDS)
_CAPPED = {"Explanation": 60, "Signal explanation": 60, "Priority name": 30, "Indicator": 50, "Outcome": 30, "Gap reason": 40, "Note": 40, "Source file": 40}


def _assurance(series) -> str | None:
    result = series.spc if series is not None else None
    return result.assurance.value if result is not None and result.assurance is not None else None


def _rank(card: Scorecard, ref: str) -> str | None:
    benchmark = card.data.benchmarks.get(ref)
    return None if benchmark is None else f"{benchmark.rank} of {benchmark.size}"


def _forecast_word(forecast) -> str | None:
    if forecast is None:
        return None
    if forecast.met:
        return "on course to meet the annual target"
    return "forecast miss while on target or within tolerance" if forecast.warning else "forecast miss"


def write_all_indicators(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    """Plain values, one row per indicator, as an Excel table starting at A1 (no title above it,
    so Power BI and pivot tables find the header in the first row)."""
    sheet = Sheet(workbook.add_worksheet(sheet_name("All indicators", taken)))
    records = [(g, i, s) for g in card.groups for i, s in g.rows]
    row_by_row = sheet.ws.constant_memory  # a large scorecard: no Excel table in that mode
    for col, header in enumerate(ALL_INDICATOR_HEADERS):
        if row_by_row:
            sheet.put(0, col, header, formats["header"])
        sheet.measure(col, header)
    fields = [(col, role, get) for col, (_, role, get) in enumerate(RECORD_FIELDS)]
    decimals = card.decimals
    for row, (group, indicator, score) in enumerate(records, start=1):
        spc_format = formats["spc", spc_key(card.series.get(indicator.ref))]  # the signal's colour, with its words
        # Values and targets to the indicator's one number of decimals, as its priority sheet shows them.
        value_format = formats.shown("value", decimals.get(indicator.ref))
        shown = {"spc": spc_format, "value": value_format}
        sheet.put_cells(row, [(col, get(card, group, indicator, score), shown.get(role) or formats[role], True)
                              for col, role, get in fields])
    last_row = max(len(records), 1)
    if row_by_row:
        sheet.ws.autofilter(0, 0, last_row, len(RECORD_FIELDS) - 1)
    else:
        sheet.ws.add_table(0, 0, last_row, len(RECORD_FIELDS) - 1, {
            "name": "AllIndicators", "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": formats["header"]} for h in ALL_INDICATOR_HEADERS],
        })
    sheet.fit_columns()
    for col, header in enumerate(ALL_INDICATOR_HEADERS):
        if header in _CAPPED and sheet.widths.get(col, 0) > _CAPPED[header]:
            sheet.ws.set_column(col, col, _CAPPED[header])
    # A data table of ~28 columns is unreadable on one page: print it two pages wide, repeating
    # the ref and name so every page can be read on its own.
    sheet.print_setup(header_rows=(0, 0), freeze=(1, 2), footer=f"{card.council} - {card.period.long_label}")
    sheet.ws.fit_to_pages(2, 0)
    sheet.ws.repeat_columns(0, 1)


# -- Data quality and Sources -------------------------------------------------------------------

QUALITY_COLUMNS = (Column("Severity", 10), Column("File", 36), Column("Sheet"), Column("Cell"), Column("Ref"),
                   Column("What was found", WRAP_WIDTH), Column("What xlscorecard did", 30), Column("Cells"))


OUTSIDE_COLUMNS = (Column("Ref"), Column("Indicator", WRAP_WIDTH), Column("Period"), Column("Value"),
                   Column("Target"), Column("Status"), Column("Return and cell", 36))


def _caveats(sheet: Sheet, card: Scorecard, formats: Formats, row: int) -> int:
    """The returns that were not read as a whole, one line each, above the findings."""
    caveats = return_caveats(card.data.findings)
    if not caveats:
        return row
    last = len(QUALITY_COLUMNS) - 1
    sheet.merge(row, 0, last, "Returns read with caveats (details in the findings below):", formats["text_bold"])
    for path, kinds in caveats:
        row += 1
        sheet.merge(row, 0, last, caveat_line(path, kinds, card.data.returns_dir), formats["text_wrap"])
    return row + 2


def _outside_register(sheet: Sheet, card: Scorecard, formats: Formats, row: int) -> int:
    """Indicators the returns gave that the register does not have: shown, scored on the
    return's own details, and kept out of the priority sheets and the counts."""
    outside = card.data.outside_register
    if not outside:
        return row
    sheet.merge(row, 0, len(QUALITY_COLUMNS) - 1, f"Not in the register ({len(outside)}): not counted in the "
                "scorecard; correct the return's ref or add the indicator to the register", formats["text_bold"])
    _header(sheet, formats, row + 1, OUTSIDE_COLUMNS)
    rows = [[Cell(ref, formats["text_bold"]), Cell(name, formats["text_wrap"]),
             Cell(s.value_period.label if s.value_period else s.period.label, formats["text"]),
             Cell(s.value, formats["value"]), Cell(s.target, formats["value"]),
             Cell(s.gap_reason if s.rag is Rag.NO_TARGET and s.gap_reason else rag_word(card.template, s.rag),
                  formats["rag_status", s.rag]),
             Cell(str(s.source) if s.source else None, formats["text_wrap"])] for ref, name, s in outside]
    return _rows(sheet, row + 2, rows, {1: WRAP_WIDTH, 6: 36}) + 1


def write_data_quality(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    sheet = Sheet(workbook.add_worksheet(sheet_name("Data quality", taken)))
    findings = sorted(card.data.findings, key=lambda finding: finding.sort_key())
    _start(sheet, formats, f"Data quality - {len(findings)} finding{'s' * (len(findings) != 1)}",
           "Every problem found while reading the returns, worst first, then by file. Fix the cell named "
           "and run again.", len(QUALITY_COLUMNS) - 1)
    header_row = _outside_register(sheet, card, formats, _caveats(sheet, card, formats, HEADER_ROW))
    _header(sheet, formats, header_row, QUALITY_COLUMNS)
    rows = [[Cell(f.severity.label.capitalize(), formats["text_bold"]), Cell(file_shown(f.source.path, card.data.returns_dir) or None, formats["text_wrap"]),
             Cell(f.source.sheet, formats["text"]), Cell(f.source.cell, formats["text"]), Cell(f.ref, formats["text"]),
             Cell(f.message, formats["text_wrap"]), Cell(f.action, formats["text_wrap"]),
             Cell(f.count, formats["count"])] for f in findings]
    if not rows:
        rows = [[Cell("No problems were found in the returns.", formats["note"])]]
    _rows(sheet, header_row + 1, rows, {1: 36, 5: WRAP_WIDTH, 6: 30})
    if findings:
        sheet.ws.autofilter(header_row, 0, header_row + len(rows), len(QUALITY_COLUMNS) - 1)
    _finish(sheet, card, QUALITY_COLUMNS, header_row)


RETURNS_COLUMNS = (Column("Service", 26), Column("Data owner", 26), Column("Indicators due", WRAP_WIDTH),
                   Column("Return received", 36), Column("Saved (UTC)"), Column("Saved date from", 16),
                   Column("Deadline"), Column("On time?"), Column("Still without a value", 30))
# Where a "Saved" time comes from, in the words of the Returns and Sources sheets.
SAVED_FROM = {False: "the workbook", True: "file date"}
SAVED_NOTE = ("'Saved' is when each return was last saved, as the workbook records it; a file that does not "
              "record it (a CSV) shows its file date, which copying the file changes.")


def write_returns(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    """The returns tracker: per service, what was due, what came in and when, what is missing."""
    tracked = card.data.returns
    if not tracked:
        return
    sheet = Sheet(workbook.add_worksheet(sheet_name("Returns", taken)))
    _start(sheet, formats, f"Returns - {card.period.long_label}",
           f"Returns were due by {tracked[0].deadline:%d %B %Y}, counting working days after the period ended "
           f"(bank holidays excluded). {SAVED_NOTE} A file date after the deadline does not show that a "
           "return was late: its timeliness is 'Not known'.", len(RETURNS_COLUMNS) - 1)
    _header(sheet, formats, HEADER_ROW, RETURNS_COLUMNS)
    status = {ON_TIME: ("On time", Rag.GREEN), LATE: ("Late", Rag.RED), NOT_RECEIVED: ("Not received", Rag.RED),
              NOT_KNOWN: ("Not known (file date)", Rag.NO_TARGET)}
    rows = []
    for service in tracked:
        word, rag = status[service.timeliness]
        rows.append([
            Cell(service.service, formats["text_bold"]), Cell(", ".join(service.data_owners), formats["text_wrap"]),
            Cell(", ".join(service.due), formats["text_wrap"]),
            Cell("\n".join(file_shown(f, card.data.returns_dir) for f in service.files) or "none",
                 formats["text_wrap"]),
            Cell(utc_naive(service.received) if service.received else None, formats["datetime"]),
            Cell(SAVED_FROM[service.file_date] if service.received else None, formats["text"]),
            Cell(dt.datetime.combine(service.deadline, dt.time()), formats["date"]),
            Cell(word, formats["rag_status", rag]), Cell(", ".join(service.missing), formats["text_wrap"])])
    _rows(sheet, HEADER_ROW + 1, rows, {1: 26, 2: WRAP_WIDTH, 3: 36, 8: 30})
    _finish(sheet, card, RETURNS_COLUMNS, HEADER_ROW)


SOURCE_COLUMNS = (Column("File", 40), Column("Layout"), Column("Records"), Column("Size (bytes)"),
                  Column("Saved (UTC)"), Column("Saved date from", 16), Column("SHA-256", 66),
                  Column("How each table was read", 80))


def write_sources(workbook, card: Scorecard, formats: Formats, taken: set[str]) -> None:
    sheet = Sheet(workbook.add_worksheet(sheet_name("Sources", taken)))
    sources = sorted(card.data.sources, key=lambda s: s.path)
    returns = sum(1 for s in sources if s.role != "register")
    registers = " and the register" if returns < len(sources) else ""
    _start(sheet, formats, f"Sources - {returns} return{'s' * (returns != 1)}{registers} read",
           "Each return read for this scorecard, with its checksum so the figures can be traced to the exact file. "
           + SAVED_NOTE,
           len(SOURCE_COLUMNS) - 1)
    _header(sheet, formats, HEADER_ROW, SOURCE_COLUMNS)
    rows = [[Cell(file_shown(s.path, card.data.returns_dir), formats["text_wrap"]),
             Cell(("the register: " if s.role == "register" else "") + (s.layout or "not understood"), formats["text"]),
             Cell(s.records, formats["count"]), Cell(s.size, formats["count"]),
             Cell(utc_naive(s.last_saved), formats["datetime"]), Cell(SAVED_FROM[s.only_file_date], formats["text"]),
             Cell(s.sha256, formats["mono"]), Cell("\n".join(s.tables) or None, formats["text_wrap"])]
            for s in sources]
    _rows(sheet, HEADER_ROW + 1, rows or [[Cell("No returns were listed.", formats["note"])]], {0: 40, 7: 80})
    _finish(sheet, card, SOURCE_COLUMNS, HEADER_ROW)


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """Excel has no time zones: show modification times in UTC, as the header says."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.replace(tzinfo=None)
