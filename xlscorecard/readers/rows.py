"""What every layout does with a data row: walk the rows, build the indicator, read the value cells.

Layouts differ only in which columns they have and how a row names its indicator; the rules
for metadata cells (polarity, tier written once per block, outcome merged over rows) and for
value cells (merged notes across months) live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import PeriodError, ValueParseError
from ..model import (COMMENTARY_HEADINGS, FinancialYear, Frequency, Indicator, Observation, Period, Polarity, Severity, Source,
                     TargetProfile, parse_quartile)
from .cells import FindingCollector, read_cell
from .header import Table
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

    def update(self, table: Table, row: int) -> dict[str, str]:
        for name in CARRIED_FIELDS:
            col = table.col(name)
            text = table.grid.text(row, col) if col else ""
            if text:
                self.values[name] = text
        return dict(self.values)

    def heading(self, grid: SheetGrid, row: int) -> bool:
        """Take a heading row ("Tier 1", "Priority 2 - …"): one distinct text on the row."""
        texts = {text for text in grid.row_texts(row) if text}
        if len(texts) != 1:
            return False
        [text] = texts
        for name, pattern in SECTION_HEADINGS.items():
            match = re.match(pattern, text, re.IGNORECASE)
            if match:
                self.values[name] = match[1]
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


def is_header_repeat(table: Table, row: int) -> bool:
    """A later header row (a new table, or the header repeated on each printed page): its key
    column (the ref, else the name) holds a header word such as "Ref" or "Measure"."""
    key = "ref" if table.has("ref") else "name"
    return field_for(table.grid.text(row, table.col(key))) == key


def data_rows(table: Table, records: SheetRecords):
    """Row numbers of the table's data rows, stopping at the next header (recorded in ``records``)."""
    grid = table.grid
    for row in range(table.first_data_row, grid.n_rows + 1):
        if grid.is_blank_row(row):
            continue
        if is_header_repeat(table, row):
            records.next_table_row = row
            return
        yield row


def parse_tier(text: str | None) -> int | None:
    match = _TIER.fullmatch(text.strip()) if text else None
    return int(match[1]) if match else None


def _number(table: Table, row: int, name: str, context: ReadContext, ref: str) -> float | None:
    col = table.col(name)
    if col is None:
        return None
    anchor = table.grid.anchor(row, col)
    reading = read_cell(table.grid.cell(*anchor))
    if reading.value is None and reading.problem:
        context.collector.problem(BAD_NUMBER, table.grid.name, *anchor, ref=ref, raw=reading.raw)
    return reading.value


def _text(table: Table, row: int, name: str) -> str | None:
    col = table.col(name)
    return (table.grid.text(row, col) or None) if col else None


def _parsed(table: Table, row: int, name: str, parse, context: ReadContext, ref: str):
    """The cell of column ``name`` parsed with ``parse``; a value it rejects is reported, not used."""
    text = _text(table, row, name)
    if text is None:
        return None
    try:
        return parse(text)
    except ValueParseError:
        col = table.col(name)
        problem = (Severity.WARNING, f"{name.replace('_', ' ')} not understood", "cell ignored")
        context.collector.problem(problem, table.grid.name, row, col, ref=ref, raw=text)
        return None


def infer_frequency(observations: list[Observation]) -> Frequency:
    """Monthly when a value falls in a month that is not a quarter end; else quarterly."""
    months = [o.period for o in observations if o.period.kind.value == "month"]
    if any(p.number % 3 for p in months):
        return Frequency.MONTHLY
    return Frequency.QUARTERLY


def indicator_from_row(table: Table, row: int, ref: str, name: str, carried: dict[str, str],
                       observations: list[Observation], context: ReadContext) -> Indicator | None:
    """The indicator a row describes, or ``None`` (with a finding) when it has no usable polarity."""
    polarity = _parsed(table, row, "polarity", Polarity.parse, context, ref)
    if polarity is None:
        if _text(table, row, "polarity") is None:  # an unreadable one was reported by _parsed
            where = table.col("polarity") or table.col("ref") or table.col("name")
            context.collector.problem(MISSING_POLARITY, table.grid.name, row, where, ref=ref)
        return None
    stated_frequency = _parsed(table, row, "frequency", Frequency.parse, context, ref)
    frequency = stated_frequency or infer_frequency(observations)
    stated_profile = _parsed(table, row, "profile", TargetProfile.parse, context, ref)
    year = _parsed(table, row, "framework_year", _financial_year, context, ref) or table.framework_year
    key_col = table.col("ref") or table.col("name")
    context.indicator_sources.setdefault(ref, Source(table.grid.path, table.grid.name, a1(row, key_col)))
    stated = {"name", "polarity", "annual_target", "frequency", "profile"}
    context.stated_fields.setdefault(ref, frozenset(
        stated - ({"frequency"} if stated_frequency is None else set())
        - ({"profile"} if stated_profile is None else set())))
    return Indicator(
        ref=ref, name=name or ref, polarity=polarity, frequency=frequency,
        profile=stated_profile or TargetProfile.FLAT,
        annual_target=_number(table, row, "annual_target", context, ref),
        tolerance=_number(table, row, "tolerance", context, ref),
        priority=carried.get("priority"), outcome=carried.get("outcome"),
        tier=parse_tier(carried.get("tier")), service=carried.get("service"),
        unit=_text(table, row, "unit"),
        quartile=_parsed(table, row, "quartile", parse_quartile, context, ref),
        previous_outturn=_number(table, row, "previous_outturn", context, ref),
        framework_year=year,
        data_owner=_text(table, row, "data_owner"),
    )


def _financial_year(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except PeriodError as error:
        raise ValueParseError("financial year", text, "'2020/21'") from error


def has_values(table: Table, row: int) -> bool:
    """Whether any value column of the row holds a number."""
    return any(read_cell(table.grid.cell(row, c.col)).value is not None for c in table.period_columns)


def observations_from_row(table: Table, row: int, ref: str, context: ReadContext) -> list[Observation]:
    """One observation per value column that has a number or a note.

    A note merged across several months (``Data collection currently suspended by NHS``)
    becomes a gap with that note for every month it covers; its problems are reported once,
    at the merged cell.
    """
    grid = table.grid
    found = []
    for column in table.period_columns:
        if column.period is None:
            continue
        anchor = grid.anchor(row, column.col)
        reading = read_cell(grid.cell(*anchor))
        if reading.problem and anchor == (row, column.col):
            context.collector.problem(reading.problem, grid.name, *anchor, ref=ref, raw=reading.raw)
        if reading.value is None and reading.note is None:
            continue
        if reading.value is not None and anchor != (row, column.col):
            continue  # a number merged across columns counts once, in its own column; a note covers them all
        found.append(Observation(ref, column.period, reading.value, note=reading.note,
                                 source=Source(grid.path, grid.name, a1(*anchor)), raw=reading.raw))
    return found


def row_commentary(table: Table, row: int) -> tuple[tuple[str, str], ...]:
    """The officers' narrative in the row's commentary columns, as (heading, text) pairs."""
    columns = [(heading, table.fields[name]) for name, heading in COMMENTARY_HEADINGS.items() if name in table.fields]
    if not columns:  # most tables: nothing to look up on each row
        return ()
    return tuple((heading, text) for heading, col in columns if (text := table.grid.text(row, col)))


def with_commentary(observations: list[Observation], commentary: tuple[tuple[str, str], ...]) -> list[Observation]:
    """Attach a row's narrative to the row's latest observation: it explains the period reported."""
    if not commentary or not observations:
        return observations
    latest = max(range(len(observations)), key=lambda n: observations[n].period)
    return [replace(o, commentary=commentary) if n == latest else o for n, o in enumerate(observations)]
