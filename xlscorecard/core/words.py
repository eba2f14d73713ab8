"""Counts in words: "1 warning", "2 warnings", "1 data gap"."""

from __future__ import annotations

from collections.abc import Iterable

# A value shown with more decimals than this was computed, not typed.
MAX_DECIMALS = 3


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one.

    >>> plural(1, "warning"), plural(2, "warning"), plural(0, "is", "are")
    ('1 warning', '2 warnings', '0 are')
    """
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def decimals_written(value: float) -> int:
    """The decimal places a typed figure has (up to :data:`MAX_DECIMALS`).

    >>> decimals_written(459.4), decimals_written(485.0), decimals_written(28.999465)
    (1, 0, 3)
    """
    text = f"{value:.{MAX_DECIMALS}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def decimals_shown(decimals: int | None, values: Iterable[float]) -> int | None:
    """The decimals to show one indicator's values and targets with: the register's when it sets
    them, else the most its values were written with; ``None`` when there is nothing to go on.

    >>> decimals_shown(None, [459.4, 441.8, 485]), decimals_shown(2, [3]), decimals_shown(None, [])
    (1, 2, None)
    """
    if decimals is not None:
        return decimals
    return max((decimals_written(v) for v in values), default=None)
