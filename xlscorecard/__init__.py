"""xlscorecard: consolidate council performance returns into a RAG-coloured scorecard workbook."""

from .errors import OutputError, PeriodError, ReturnError, XlscorecardError
from .core.model import (Dot, Finding, FinancialYear, Frequency, Indicator, Observation, Period,
                    Polarity, Rag, Score, Severity, Source, SourceFile, TargetProfile, Trend,
                    parse_period)
from .core.scoring import score_indicator

__version__ = "0.1.0"

__all__ = [
    "Dot", "Finding", "FinancialYear", "Frequency", "Indicator", "Observation", "OutputError",
    "Period", "PeriodError", "Polarity", "Rag", "ReturnError", "Score", "Severity", "Source", "SourceFile",
    "TargetProfile", "Trend", "XlscorecardError", "parse_period", "score_indicator",
]
