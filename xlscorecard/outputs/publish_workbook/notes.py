"""The notes of the publish workbook, numbered "[note 1]" in the order the sheets refer to them.

The guidance asks for notes signposted in words, never by symbols, superscripts or cell
comments, and listed in a notes table: a sheet's statement (or a column header) says
"[note 2]", and the Notes sheet gives note 2's text.
"""

from __future__ import annotations

from ..scorecard.data import Scorecard
from ..scorecard.words import rag_word
from ...core.model import Rag


class Notes:
    """The note texts by key, numbered when first referred to with :meth:`mark`."""

    def __init__(self, card: Scorecard):
        self.card = card
        self.order: list[str] = []

    def mark(self, key: str) -> str:
        """``'[note 1]'``: the reference to the note ``key``, numbered on first use."""
        if key not in self._texts:
            raise KeyError(f"no note {key!r}")
        if key not in self.order:
            self.order.append(key)
        return f"[note {self.order.index(key) + 1}]"

    def numbered(self) -> list[tuple[str, str]]:
        """(``'note 1'``, text) for every note referred to, in number order."""
        return [(f"note {number}", self._texts[key]) for number, key in enumerate(self.order, start=1)]

    @property
    def _texts(self) -> dict[str, str]:
        card = self.card
        word = lambda rag: rag_word(card.template, rag)  # noqa: E731
        tolerance = f"{card.tolerance:g}%"
        return {
            "status": f"{word(Rag.GREEN)}: the target was met or exceeded. {word(Rag.AMBER)}: the target was missed "
                      f"by no more than {tolerance} (met within {100 - card.tolerance:g}% of target). "
                      f"{word(Rag.RED)}: the target was missed by more than {tolerance}. {word(Rag.GAP)}: the "
                      f"indicator was due in the period but no usable value was sent; the reason is given. "
                      f"{word(Rag.NO_TARGET)}: there is a value but no target. The status is written as a word; a "
                      "cell's fill colour only repeats it.",
            "percentages": "Percentages are whole numbers, rounded half up as the council's reports round them, so "
                           "a row's percentages may not add up to 100. An indicator that is not due in the period "
                           "is not counted.",
            "direction": f"Direction of travel compares an indicator's latest value with its value in the previous "
                         f"reporting period ({card.period.previous().long_label}): better, worse or the same, "
                         "allowing for whether higher or lower is better. First: the indicator's first reported "
                         "period. Trend compares the latest value with the same period a year earlier.",
            "quartile": "The quartile is the council's place among its comparator group (1st quartile: the best "
                        "25%), in the comparator data's own year, which is often earlier than this period; the "
                        "group and year are given where they are known.",
            "variance": "Variance from target is the difference between the latest value and its target as a "
                        "percentage of the target: positive when the target was beaten, negative when it was "
                        "missed, whether higher or lower is better for the indicator.",
            "latest": "Each indicator is scored on its latest value up to the end of the period: a quarterly or "
                      "annual indicator, or a late month, can give an earlier period's value; the value period says "
                      "which. A value the return marked as provisional, revised or estimated says so in the Value "
                      "marked as column.",
            "forecast": "The year-end forecast of a cumulative (year to date) indicator is a straight line: the year "
                        "to date times 12, divided by the months elapsed.",
            "saved": "Times are when each return file was last saved, in UTC (Coordinated Universal Time).",
            "outside": "These indicators are not counted in any other table: the register, which lists the "
                       "council's performance framework, does not have them. Each is shown as its return gave it.",
        }
