"""What every layout does with a data row: walk the rows, build the indicator, read the value cells.

Layouts differ only in which columns they have and how a row names its indicator; the rules
for metadata cells (polarity, tier written once per block, outcome merged over rows) and for
value cells (merged notes across months) live here once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..errors import PeriodError, ValueParseError
from ..core.model import (COMMENTARY_HEADINGS, PARTLY_READ, FinancialYear, Frequency, Indicator, Observation, Period, Polarity, Severity, Source,
                     TargetProfile, parse_quartile)
from .accounting import Ledger, Role
from .cells import FindingCollector, read_cell
from .header import Table, names_a_period
from .sheets import SheetGrid, a1
from .synonyms import SECTION_HEADINGS, field_for

CARRIED_FIELDS = ("tier", "outcome", "priority", "service")
_TIER = re.compile(r"(?:tier\s*)?([1-9])", re.IGNORECASE)
MISSING_POLARITY = (Severity.WARNING, "indicator row gives no polarity (Higher / Lower is better?)",
                    "no indicator recorded (its values are still read); give the polarity here or in the register")
BAD_NUMBER = (Severity.WARNING, "target, outturn or tolerance cell is not a number", "cell ignored")


@dataclass
class SheetRecords:
    """What one layout read from one table."""

    indicators: list[Indicator] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    claims: list = field(default_factory=list)
    comparators: list = field(default_factory=list)
    rows_read: int = 0
    next_table_row: int | None = None


class CarriedValues:
    """Tier, outcome, priority and service are written once for a block of rows (in a column,
    merged over the rows, or as a heading row such as "Tier 2" above them) and apply to every
    row below until the next one is written. One instance lives for a whole sheet, because a
    printed table split over pages carries its outcome and tier on to the next page's table."""

    def __init__(self):
        self.values: dict[str, str] = {}

    def update(self, table: Table, row: int, ledger: Ledger | None = None) -> dict[str, str]:
        for name in CARRIED_FIELDS:
            col = table.col(name)
            text = table.grid.text(row, col) if col else ""
            if text:
                self.values[name] = text
                if ledger is not None:
                    ledger.field(row, col)
        return dict(self.values)

    def heading(self, grid: SheetGrid, row: int, ledger: Ledger | None = None) -> bool:
        """Take a heading row ("Tier 1", "Priority 2 - …"): one distinct text on the row."""
        texts = {text for text in grid.row_texts(row) if text}
        if len(texts) != 1:
            return False
        [text] = texts
        for name, pattern in SECTION_HEADINGS.items():
            match = re.match(pattern, text, re.IGNORECASE)
            if match:
                self.values[name] = match[1]
                if ledger is not None:
                    for col in range(1, grid.n_cols + 1):
                        ledger.field(row, col)
                return True
        return False


@dataclass
class ReadContext:
    """What a layout needs besides the table: where findings go, the period the user gave, and
    the block values carried down the current sheet."""

    collector: FindingCollector
    period_hint: Period | None = None
    carried: CarriedValues = field(default_factory=CarriedValues)
    indicator_sources: dict[str, Source] = field(default_factory=dict)
    # Metadata a return actually wrote (not defaulted or inferred), per ref: only these can
    # disagree with the register.
    stated_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    # What the current table's reader did with each cell (a new one per table).
    ledger: Ledger | None = None
    # Refs that are indicator names (a measure grid, a table with no ref column): the register
    # is matched by name for these.
    named_by_name: set[str] = field(default_factory=set)
    edge_periods: dict[int, Period | None] = field(default_factory=dict)
    # Whether the register describes a ref (or, for a measure grid, a name): such a row needs
    # no polarity of its own.
    in_register: Callable[[str], bool] = staticmethod(lambda ref: False)

    def saw_ref(self, table: Table, row: int, col: int, ref: str) -> None:
        """Where the return names ``ref`` first: the cell a finding about the ref points to."""
        self.indicator_sources.setdefault(ref, Source(table.grid.path, table.grid.name, a1(row, col)))
        self.ledger.field(row, col)

    def report(self, problem, table: Table, row: int, col: int, *, ref: str | None = None,
               raw: str | None = None) -> None:
        """A problem with a cell that is therefore not used: the cell ends as a finding."""
        self.collector.problem(problem, table.grid.name, *table.grid.anchor(row, col), ref=ref, raw=raw)
        self.ledger.finding(row, col)

    def report_row(self, problem, table: Table, row: int, col: int, **details) -> None:
        """A problem with a whole row, reported at one of its cells: the row is not used."""
        self.report(problem, table, row, col, **details)
        self.ledger.report_row(row)


def is_header_repeat(table: Table, row: int) -> bool:
    """A later header row (a new table, or the header repeated on each printed page): its key
    column (the ref, else the name) holds a header word such as "Ref" or "Measure", or the row
    is a header with its columns in another order (every text a header word or a period, one
    of them naming the ref or the indicator)."""
    key = "ref" if table.has("ref") else "name"
    grid = table.grid
    key_text = grid.text(row, table.col(key))
    if field_for(key_text) == key:
        return True
    if not key_text or not (field_for(key_text) or (_MAY_NAME_A_PERIOD.search(key_text) and names_a_period(key_text))):
        return False  # a data row: its key cell is a ref or a name
    texts = [text for text in grid.row_texts(row) if text]
    return len(texts) >= 2 and all(field_for(t) or names_a_period(t) for t in texts) \
        and any(field_for(t) in ("ref", "name") for t in texts)


def data_rows(table: Table, records: SheetRecords):
    """Row numbers of the table's data rows, stopping at the next header (recorded in
    ``records``), or at the title lines just above it ("Last year (2019/20) for comparison"),
    which belong to the next table."""
    grid = table.grid
    for row in range(table.first_data_row, grid.n_rows + 1):
        if grid.is_blank_row(row):
            continue
        if is_header_repeat(table, row) or (is_title_line(grid, row) and _titles_a_table(table, row)):
            records.next_table_row = row
            return
        yield row


TITLE_LOOKAHEAD = 4
# A month, a quarter or a year somewhere in the text: only then can it be a period header.
_MAY_NAME_A_PERIOD = re.compile(r"(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q(?:tr|uarter)?\s*[1-4]|(?:19|20)\d{2}|\d{2}\s*/\s*\d{2}")


def is_title_line(grid: SheetGrid, row: int) -> bool:
    """One text on the row, a few words long: a title or a heading, not an indicator row."""
    if grid.cells_on_row(row) != 1:
        return False
    texts = {text for text in grid.row_texts(row) if text}
    if len(texts) != 1:
        return False
    [text] = texts
    return len(text.split()) >= 2 and any(ch.isalpha() for ch in text)


def _titles_a_table(table: Table, row: int) -> bool:
    """Whether a header follows within a few rows, with only blanks or titles between."""
    grid = table.grid
    for below in range(row + 1, min(grid.n_rows, row + TITLE_LOOKAHEAD) + 1):
        if grid.is_blank_row(below) or is_title_line(grid, below):
            continue
        return is_header_repeat(table, below)
    return False


MAX_REF_LENGTH = 30
UNREFERENCED_VALUES = (Severity.WARNING, "row has values but no indicator ref", "row skipped", PARTLY_READ)


def row_ref(table: Table, row: int) -> str | None:
    """The row's indicator ref; long text in the ref column is a note or a heading, not a ref."""
    text = table.grid.text(row, table.col("ref"))
    return text if text and len(text) <= MAX_REF_LENGTH else None


def parse_tier(text: str | None) -> int | None:
    match = _TIER.fullmatch(text.strip()) if text else None
    return int(match[1]) if match else None


def _number(table: Table, row: int, name: str, context: ReadContext, ref: str) -> float | None:
    return number_at(table, row, table.col(name), context, ref)


def number_at(table: Table, row: int, col: int | None, context: ReadContext, ref: str) -> float | None:
    """A metadata number (target, outturn, tolerance, period target): a number, or a finding."""
    if col is None:
        return None
    reading = read_cell(table.grid.cell(*table.grid.anchor(row, col)))
    if reading.value is None and (reading.problem or reading.note):
        context.report(BAD_NUMBER, table, row, col, ref=ref, raw=reading.raw)
    else:
        context.ledger.field(row, col)
    return reading.value


BAD_DECIMALS = (Severity.WARNING, "decimals cell is not a whole number from 0 to 6", "values shown as written")


def _decimals(table: Table, row: int, context: ReadContext, ref: str) -> int | None:
    """The register's Decimals column: how many decimal places to show the indicator with."""
    col = table.col("decimals")
    if col is None:
        return None
    reading = read_cell(table.grid.cell(*table.grid.anchor(row, col)))
    if reading.value is None and not (reading.problem or reading.note):
        return None
    if reading.value is None or reading.value != int(reading.value) or not 0 <= reading.value <= 6:
        context.report(BAD_DECIMALS, table, row, col, ref=ref, raw=reading.raw)
        return None
    context.ledger.field(row, col)
    return int(reading.value)


def _text(table: Table, row: int, name: str, context: ReadContext | None = None) -> str | None:
    col = table.col(name)
    text = (table.grid.text(row, col) or None) if col else None
    if text is not None and context is not None:
        context.ledger.field(row, col)
    return text


def _parsed(table: Table, row: int, name: str, parse, context: ReadContext, ref: str):
    """The cell of column ``name`` parsed with ``parse``; a value it rejects is reported, not used."""
    text = _text(table, row, name)
    if text is None:
        return None
    try:
        parsed = parse(text)
    except ValueParseError:
        problem = (Severity.WARNING, f"{name.replace('_', ' ')} not understood", "cell ignored")
        context.report(problem, table, row, table.col(name), ref=ref, raw=text)
        return None
    context.ledger.field(row, table.col(name))
    return parsed


def infer_frequency(observations: list[Observation]) -> Frequency:
    """Monthly when a value falls in a month that is not a quarter end; else quarterly."""
    months = [o.period for o in observations if o.period.kind.value == "month"]
    if any(p.number % 3 for p in months):
        return Frequency.MONTHLY
    return Frequency.QUARTERLY


def indicator_from_row(table: Table, row: int, ref: str, name: str, carried: dict[str, str],
                       observations: list[Observation], context: ReadContext) -> Indicator | None:
    """The indicator a row describes, or ``None`` (with a finding) when it has no usable polarity."""
    context.ledger.field(row, table.col("ref"))
    context.ledger.field(row, table.col("name"))
    polarity = _parsed(table, row, "polarity", Polarity.parse, context, ref)
    if polarity is None:
        # A table with no polarity column gives values only (the register describes its
        # indicators); a row that leaves its polarity blank, or unreadable, is reported.
        if table.has("polarity") and not (_text(table, row, "polarity") is None and context.in_register(ref)):
            if _text(table, row, "polarity") is None:  # an unreadable one was reported by _parsed
                context.collector.problem(MISSING_POLARITY, table.grid.name, row, table.col("polarity"), ref=ref)
            context.ledger.report_row(row)
        else:
            for name in METADATA_FIELDS:
                context.ledger.field(row, table.col(name))  # kept as read: the register's to say
        return None
    stated_frequency = _parsed(table, row, "frequency", Frequency.parse, context, ref)
    frequency = stated_frequency or infer_frequency(observations)
    stated_profile = _parsed(table, row, "profile", TargetProfile.parse, context, ref)
    year = _parsed(table, row, "framework_year", _financial_year, context, ref) or table.framework_year
    key_col = table.col("ref") or table.col("name")
    context.indicator_sources.setdefault(ref, Source(table.grid.path, table.grid.name, a1(row, key_col)))
    stated = {"name", "polarity", "annual_target", "frequency", "profile"}
    context.stated_fields.setdefault(ref, frozenset(
        stated - ({"name"} if not name or name == ref else set())
        - ({"frequency"} if stated_frequency is None else set())
        - ({"profile"} if stated_profile is None else set())))
    return Indicator(
        ref=ref, name=name or ref, polarity=polarity, frequency=frequency,
        profile=stated_profile or TargetProfile.FLAT,
        annual_target=_number(table, row, "annual_target", context, ref),
        tolerance=_number(table, row, "tolerance", context, ref),
        decimals=_decimals(table, row, context, ref),
        priority=carried.get("priority"), outcome=carried.get("outcome"),
        tier=parse_tier(carried.get("tier")), service=carried.get("service"),
        unit=_text(table, row, "unit", context),
        quartile=_parsed(table, row, "quartile", parse_quartile, context, ref),
        previous_outturn=_number(table, row, "previous_outturn", context, ref),
        framework_year=year,
        data_owner=_text(table, row, "data_owner", context),
    )


def _financial_year(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except PeriodError as error:
        raise ValueParseError("financial year", text, "'2020/21'") from error


def has_values(table: Table, row: int) -> bool:
    """Whether any value column of the row holds a number."""
    return any(read_cell(table.grid.cell(row, c.col)).value is not None for c in table.period_columns)


UNREADABLE = "unreadable"
# The columns indicator_from_row reads.
METADATA_FIELDS = ("name", "polarity", "frequency", "profile", "framework_year", "annual_target", "tolerance", "decimals",
                   "unit", "quartile", "previous_outturn", "data_owner") + CARRIED_FIELDS


def ledger_role(observation: Observation | None) -> Role:
    """A cell that held something other than a figure is a finding; any other value cell a value."""
    return Role.FINDING if observation is not None and observation.flag == UNREADABLE else Role.VALUE


def observation_of(reading, ref: str, period: Period, source: Source, target: float | None = None,
                   note: str | None = None, commentary: tuple = ()) -> Observation | None:
    """The observation one value cell gives: a figure (flagged when marked), a gap with the
    return's reason, or, for a cell that held something other than a figure (an Excel error, a
    date), a gap marked ``unreadable``; ``None`` for an empty cell with nothing else to say."""
    flag = reading.flag
    gap_note = note or reading.note
    if reading.value is None and reading.problem and reading.note is None:
        flag, gap_note = UNREADABLE, note or f"not a figure: {reading.raw}"
    if reading.value is None and gap_note is None and target is None and not commentary:
        return None
    return Observation(ref, period, reading.value, target, gap_note, source, reading.raw, commentary, flag)


def observations_from_row(table: Table, row: int, ref: str, context: ReadContext) -> list[Observation]:
    """One observation per value column that has a number or a note (or held something else).

    A note merged across several months (``Data collection currently suspended by NHS``)
    becomes a gap with that note for every month it covers; its problems are reported once,
    at the merged cell.
    """
    grid, ledger = table.grid, context.ledger
    found = []
    for column in table.period_columns:
        if column.period is None:
            ledger.finding(row, column.col)  # reported once for the column (no year, or a duplicate period)
            continue
        anchor = grid.anchor(row, column.col)
        reading = read_cell(grid.cell(*anchor))
        if reading.problem and anchor == (row, column.col):
            context.collector.problem(reading.problem, grid.name, *anchor, ref=ref, raw=reading.raw)
        if reading.value is not None and anchor != (row, column.col):
            ledger.value(row, column.col)
            continue  # a number merged across columns counts once, in its own column; a note covers them all
        observation = observation_of(reading, ref, column.period, Source(grid.path, grid.name, a1(*anchor)))
        ledger.mark(row, column.col, ledger_role(observation))  # "-", "N/A" (None): no value, said so
        if observation is not None:
            found.append(observation)
    return found


def row_commentary(table: Table, row: int, context: ReadContext) -> tuple[tuple[str, str], ...]:
    """The officers' narrative in the row's commentary columns, as (heading, text) pairs."""
    columns = [(heading, table.fields[name]) for name, heading in COMMENTARY_HEADINGS.items() if name in table.fields]
    if not columns:  # most tables: nothing to look up on each row
        return ()
    for _, col in columns:
        context.ledger.field(row, col)
    return tuple((heading, text) for heading, col in columns if (text := table.grid.text(row, col)))


def edge_period(table: Table, context: ReadContext) -> Period | None:
    """The period a row's own note or narrative speaks for: the reporting period's column when
    the table has one (the period given, or its last month), else the latest period any row of
    the table has a value for. Worked out once per table."""
    known = context.edge_periods.get(id(table), False)
    if known is not False:
        return known
    periods = [c.period for c in table.period_columns if c.period is not None]
    hint, chosen = context.period_hint, None
    if hint is not None:
        inside = [p for p in periods if p == hint or hint.contains(p)]
        chosen = max(inside, default=None)
    if chosen is None:
        filled = {c.period for c in table.period_columns if c.period is not None and any(
            read_cell(table.grid.cell(row, c.col)).value is not None
            for row in range(table.first_data_row, table.grid.n_rows + 1))}
        chosen = max(filled, default=None)
    context.edge_periods[id(table)] = chosen
    return chosen


def with_row_note(table: Table, row: int, ref: str, observations: list[Observation], context: ReadContext,
                  note_col: int | None, commentary: tuple[tuple[str, str], ...] = ()) -> list[Observation]:
    """A row's own note ("Comments") and narrative belong to the reporting period (see
    :func:`edge_period`), not to whichever month happens to hold the row's latest figure: a
    note beside an empty December stays December's, so the scorecard does not show it against
    November's value."""
    note = table.grid.text(row, note_col) if note_col else ""
    if note:
        context.ledger.field(row, note_col)
    if not note and not commentary:
        return observations
    period = edge_period(table, context)
    if period is None:
        return observations
    for index, observation in enumerate(observations):
        if observation.period == period:
            observations[index] = replace(observation, note=observation.note or note or None,
                                          commentary=commentary or observation.commentary)
            return observations
    source = Source(table.grid.path, table.grid.name, a1(row, note_col)) if note else Source(table.grid.path, table.grid.name)
    observations.append(Observation(ref, period, None, note=note or None, source=source, commentary=commentary))
    return observations
