"""The words and symbols a scorecard cell shows for a status, from the template.

Colour is never the only carrier of meaning: every RAG, DOT, trend and quartile cell also
holds its word (and symbol), taken from here so all sheets say the same thing.
"""

from __future__ import annotations

from ...core.model import Dot, Indicator, Rag, Score, Trend
from .style import Template


def rag_word(template: Template, rag: Rag) -> str:
    return template.word("rag", rag.value)


def dot_text(template: Template, dot: Dot) -> str:
    """``'▲ Better'``; empty when the DOT cannot be determined."""
    return _symbol_and_word(template, "dot", dot.value)


def trend_text(template: Template, trend: Trend) -> str:
    """``'↑ Improving'``; empty when there is no value for a year earlier."""
    return _symbol_and_word(template, "trend", trend.value)


def quartile_word(template: Template, quartile: int | None) -> str:
    return template.word("quartile", str(quartile) if quartile else "none")


def comparative_text(template: Template, quartile: int | None, benchmark=None) -> str:
    """The quartile word and, when it was ranked from a comparator table, the group and data year
    under it: the quartile is about that (earlier) year, not the scorecard's period.

    ``'4th Quartile\nDfE statistical neighbours, 2019/20'``
    """
    word = quartile_word(template, quartile)
    where = ", ".join(p for p in (benchmark.group, benchmark.year) if p) if benchmark is not None else ""
    return f"{word}\n{where}" if where else word


def status_text(template: Template, score: Score) -> str:
    """The status word, with the reason for a data gap or for not being due."""
    word = rag_word(template, score.rag)
    if score.rag is Rag.GAP and score.gap_reason:
        return f"{word}: {score.gap_reason}"
    if score.rag is Rag.NOT_DUE and score.gap_reason:
        return score.gap_reason[0].upper() + score.gap_reason[1:]
    return word


def spc_key(series) -> str:
    """The template's [spc] key for a series' verdict: ``improving``, ``common``… or ``none``."""
    if series is None or series.spc is None or not series.current:
        return "none"
    return series.spc.variation.name.lower()


def spc_text(template: Template, series) -> str:
    """The variation of the latest value and, under it, the assurance against the target:
    ``'Concerning (special cause)\nConsistently failing'``; ``'Not assessed'`` without one."""
    key = spc_key(series)
    word = template.word("spc", key)
    assurance = series.spc.assurance if key != "none" else None
    return f"{word}\n{assurance.value}" if assurance is not None else word


def polarity_word(indicator: Indicator) -> str:
    return indicator.polarity.value.capitalize()


def frequency_word(indicator: Indicator) -> str:
    return indicator.frequency.value.capitalize()


def _symbol_and_word(template: Template, table: str, key: str) -> str:
    return " ".join(part for part in (template.symbol(table, key), template.word(table, key)) if part)
