"""xlscorecard: consolidate council performance returns into a RAG-coloured scorecard workbook."""

from .errors import OutputError, PeriodError, ReturnError, XlscorecardError
from .core.model import (Dot, Finding, FinancialYear, Frequency, Indicator, Observation, Period,
                    Polarity, Rag, Score, Severity, Source, SourceFile, TargetProfile, Trend,
                    parse_period)
from .core.scoring import score_indicator

__version__ = "0.1.0"

# The pipeline's entry points, imported when first used: `xlscorecard --help` stays fast.
_LAZY = {"consolidate": "pipeline", "assess": "pipeline", "validate_folder": "pipeline", "read_folder": "readers"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Dot", "Finding", "FinancialYear", "Frequency", "Indicator", "Observation", "OutputError",
    "Period", "PeriodError", "Polarity", "Rag", "ReturnError", "Score", "Severity", "Source", "SourceFile",
    "TargetProfile", "Trend", "XlscorecardError", "assess", "consolidate", "parse_period", "read_folder",
    "score_indicator", "validate_folder",
]
