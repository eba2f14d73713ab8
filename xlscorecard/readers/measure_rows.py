"""Target and actual as rows: consecutive rows per indicator, each a row of the wide layout,
told apart by a label column (``Measure type``: ``Target`` / ``Actual``) or by the label in
the ref or name cell (``CYP-01 Target``, ``Rate of children in need - Actual``). A ``RAG`` row
gives the return's published RAG for each period.

The actual row gives the values, the target row each period's explicit target (SPEC rule 1).
Where the rows of an indicator do not pair up (a target row with no actual row, two actual rows
for one ref, a label that is neither), none of that indicator's rows is read and a finding
names them: which row is meant is a guess.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from ..core.model import PARTLY_READ, Severity
from .claims import claim_from_row, report_period
from .header import Table, measure_word, split_measure
from .rows import (CARRIED_FIELDS, METADATA_FIELDS, UNREFERENCED_VALUES, ReadContext, SheetRecords, data_rows, has_values,
                   indicator_from_row, row_ref)
from .sheets import a1
from .side_by_side import period_claims, with_targets
from .template import check_repeat
from .wide import wide_observations

NAME = "target and actual rows"
# How many rows the sniff looks at for labelled refs (the first rows show the layout).
SNIFF_ROWS = 60
NO_MEASURE = (Severity.WARNING, "row gives no measure type (Target or Actual)", "row not read", PARTLY_READ)
UNKNOWN_MEASURE = (Severity.WARNING, "measure type is neither Target nor Actual", "row not read", PARTLY_READ)
TARGET_ALONE = (Severity.WARNING, "a Target row with no Actual row for its indicator", "row not read",
                PARTLY_READ)


class LabelledRow(NamedTuple):
    """A data row: the indicator it is for, and whether it is its target, actual or RAG."""

    row: int
    ref: str
    measure: str | None
    block: dict[str, str]


def _key_col(table: Table) -> int:
    return table.col("ref") or table.col("name")


def row_label(table: Table, row: int) -> tuple[str | None, str | None, bool]:
    """``(indicator, measure, labelled)`` of a row: the measure from the label column, else
    from the end of its ref (``CYP-01 Target``) or name (``Rate - Target``)."""
    key = row_ref(table, row) if table.has("ref") else (table.grid.text(row, _key_col(table)) or None)
    if table.has("measure_type"):
        label = table.grid.text(row, table.col("measure_type"))
        return key, (measure_word(label) or label or None), bool(label)
    split = split_measure(key, set_off=not table.has("ref")) if key else None
    if split is None:
        return key, "actual", False
    return split[0], split[1], True


def sniff(table: Table) -> bool:
    """A wide table with a measure-type column, or whose target rows carry the label in their
    ref or name beside another row of the same indicator."""
    if not (table.has("ref") or table.has("name")) or not table.period_columns:
        return False
    if any(c.measure for c in table.period_columns):
        return False
    if table.has("measure_type"):
        return True
    last = min(table.grid.n_rows, table.first_data_row + SNIFF_ROWS)
    labels = [row_label(table, row) for row in range(table.first_data_row, last + 1)]
    targets = {key for key, measure, labelled in labels if labelled and measure == "target"}
    return any(key in targets for key, measure, _ in labels if measure != "target")


def _labelled_rows(table: Table, context: ReadContext, records: SheetRecords) -> list[LabelledRow]:
    """Every data row that names an indicator; a ref written once over its block of rows (the
    label column says which row is which) carries down to the rows under it."""
    found, carried, grid, last_key = [], context.carried, table.grid, None
    for row in data_rows(table, records):
        if carried.heading(grid, row, context.ledger):
            last_key = None
            continue
        block = carried.update(table, row, context.ledger)
        key, measure, labelled = row_label(table, row)
        if key is None and labelled and last_key is not None:
            key = last_key
        if key is None:
            if has_values(table, row):
                context.report_row(UNREFERENCED_VALUES, table, row, _key_col(table))
            continue
        last_key = key
        if not table.has("ref"):
            context.named_by_name.add(key)
        context.saw_ref(table, row, _key_col(table), key)
        found.append(LabelledRow(row, key, measure, block))
    return found


def _report(problem, table: Table, context: ReadContext, rows: list[LabelledRow], message: str | None = None):
    """The rows of one indicator, not read; one finding names them."""
    first = rows[0]
    col = table.col("measure_type") or _key_col(table)
    if message is None:
        context.report_row(problem, table, first.row, col, ref=first.ref, raw=table.grid.text(first.row, col))
    else:
        context.collector.add(Severity.ERROR, message, sheet=table.grid.name,
                              cell=", ".join(a1(r.row, col) for r in rows[:5]),
                              ref=first.ref, count=len(rows), kind=PARTLY_READ,
                              action="none of these rows read; keep one row of each for the indicator")
    for labelled in rows:
        context.ledger.report_row(labelled.row)


def read(table: Table, context: ReadContext) -> SheetRecords:
    records = SheetRecords()
    by_ref: dict[str, dict[str, list[LabelledRow]]] = defaultdict(lambda: defaultdict(list))
    for labelled in _labelled_rows(table, context, records):
        if labelled.measure is None:
            _report(NO_MEASURE, table, context, [labelled])
        elif labelled.measure not in ("target", "actual", "rag"):
            _report(UNKNOWN_MEASURE, table, context, [labelled])
        else:
            by_ref[labelled.ref][labelled.measure].append(labelled)
    period = report_period(table, context.period_hint)
    for ref, rows in by_ref.items():
        repeated = [measure for measure, found in rows.items() if len(found) > 1]
        if repeated:
            every = sorted((r for found in rows.values() for r in found), key=lambda r: r.row)
            _report(None, table, context, every, f"{ref} has {len(rows[repeated[0]])} {repeated[0]} rows (rows "
                    + ", ".join(str(r.row) for r in rows[repeated[0]]) + "): which is meant is not known")
            continue
        if "actual" not in rows:
            _report(TARGET_ALONE if "target" in rows else UNKNOWN_MEASURE, table, context,
                    [*rows.get("target", []), *rows.get("rag", [])])
            continue
        _read_indicator(table, context, ref, rows, period, records)
    return records


def _read_indicator(table: Table, context: ReadContext, ref: str, rows: dict[str, list[LabelledRow]], period,
                    records: SheetRecords) -> None:
    [actual] = rows["actual"]
    for labelled in (row for found in rows.values() for row in found):
        context.ledger.field(labelled.row, table.col("measure_type"))
    observations = wide_observations(table, actual.row, ref, context)
    # The details the actual row gives; the other rows may say them again (a name carrying its
    # label, "Rate - Target", is the key, not a detail).
    first_texts = {(ref, table.col(name)): table.grid.text(actual.row, table.col(name))
                   for name in METADATA_FIELDS if table.has(name) and table.col(name) != _key_col(table)}
    carried = frozenset(table.col(name) for name in CARRIED_FIELDS if table.has(name))  # carried down instead
    for other in (*rows.get("target", ()), *rows.get("rag", ())):
        check_repeat(table, other.row, ref, first_texts, context, carried)  # the indicator's details, said again
        claim_from_row(table, other.row, ref, None, context.ledger)
        context.ledger.field(other.row, table.col("note"))
        if other.measure == "target":
            observations = with_targets(table, other.row, ref, observations, context, table.period_columns)
        else:
            records.claims.extend(period_claims(table, other.row, ref, context, table.period_columns))
    name = table.grid.text(actual.row, table.col("name")) if table.has("name") and table.has("ref") else ref
    indicator = indicator_from_row(table, actual.row, ref, name, actual.block, observations, context)
    if indicator is not None:
        records.indicators.append(indicator)
    records.observations.extend(observations)
    claim = claim_from_row(table, actual.row, ref, period, context.ledger)
    if claim is not None:
        records.claims.append(claim)
    records.rows_read += len(rows["actual"]) + len(rows.get("target", ())) + len(rows.get("rag", ()))
