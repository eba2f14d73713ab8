"""The "Signals this period" sheet: indicators whose latest value is more than noise.

Whatever their RAG: a red indicator with common-cause variation and "consistently failing"
assurance needs a different conversation (the process cannot meet the target as it runs) from
a new decline, and a green one that has just shifted for the worse is worth knowing about
before it turns red. Concerning signals first, then improving, then those of indicators with
no polarity; each with the rule that made it special cause and the arithmetic.
"""

from __future__ import annotations

from .data import Scorecard
from .formats import Formats
from .sheet import Sheet, sheet_name
from .tables import HEADER_ROW, WRAP_WIDTH, Cell, Column, _finish, _header, _rows, _start
from .words import rag_word, spc_key

SHEET_NAME = "Signals this period"
SIGNAL_COLUMNS = (Column("Priority", 24), Column("Ref"), Column("Performance indicator", WRAP_WIDTH),
                  Column("Performance vs target", 12), Column("Signal", 16), Column("Assurance", 14),
                  Column("Rule", 18), Column("The arithmetic", 60))
SECTIONS = (("concerning", "Concerning: special cause variation for the worse"),
            ("improving", "Improving: special cause variation for the better"),
            ("higher", "Higher or lower than usual (no polarity)"))


def write_signals(workbook, card: Scorecard, formats: Formats, taken: set[str], history=None) -> None:
    """The signals, by kind; "None this period" under a kind with none. Refs link to the
    Indicator history sheet when ``history`` (its layout) is given."""
    if not card.groups:
        return
    f = formats
    sheet = Sheet(workbook.add_worksheet(sheet_name(SHEET_NAME, taken)))
    last = len(SIGNAL_COLUMNS) - 1
    assessed = sum(1 for g in card.groups for i, _ in g.rows if card.series.get(i.ref) and card.series[i.ref].spc)
    _start(sheet, f, f"Signals this period - {card.period.long_label}",
           f"Statistical process control (XmR chart, NHS 'Making Data Count') of each indicator's values held; "
           f"{assessed} of {sum(len(g.rows) for g in card.groups)} indicators had enough values to assess. "
           "A signal is a latest value that is more than the usual variation, whatever its RAG.", last)
    row = HEADER_ROW
    signals = card.signals
    for key, heading in SECTIONS:
        chosen = [(g, i, s, series) for g, i, s, series in signals
                  if spc_key(series) == key or (key == "higher" and spc_key(series) == "lower")]
        sheet.put(row, 0, heading, f["heading"], measure=False)
        _header(sheet, f, row + 1, SIGNAL_COLUMNS)
        rows = [[Cell(g.label, f["text_wrap"]), Cell(i.ref, f["text_bold"]), Cell(i.name, f["text_wrap"]),
                 Cell(rag_word(card.template, s.rag), f["rag_status", s.rag]),
                 Cell(card.template.word("spc", spc_key(series)), f["spc", spc_key(series)]),
                 Cell(series.spc.assurance.value if series.spc.assurance else None, f["text_wrap"]),
                 Cell(series.spc.rule, f["text_wrap"]), Cell(card.signal_explanations[i.ref], f["text_wrap"])]
                for g, i, s, series in chosen] or [[Cell("None this period", f["note"])]]
        first = row + 2
        row = _rows(sheet, first, rows, {0: 24, 2: WRAP_WIDTH, 4: 16, 5: 14, 6: 18, 7: 60}) + 1
        if history is not None and not sheet.ws.constant_memory:  # row by row: earlier rows are final
            for n, (_, indicator, _, _) in enumerate(chosen):
                link = history.link(indicator.ref)
                if link is not None:
                    sheet.ws.write_url(first + n, 1, link, f["link"], indicator.ref, "Every value held")
    _finish(sheet, card, SIGNAL_COLUMNS, header_row=None, freeze_row=HEADER_ROW)
