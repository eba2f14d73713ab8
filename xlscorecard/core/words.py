"""Counts in words: "1 warning", "2 warnings", "1 data gap"."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one.

    >>> plural(1, "warning"), plural(2, "warning"), plural(0, "is", "are")
    ('1 warning', '2 warnings', '0 are')
    """
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
