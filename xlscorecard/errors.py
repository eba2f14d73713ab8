"""The exceptions xlscorecard raises on purpose.

Every error the tool raises deliberately derives from :class:`XlscorecardError`, so the command
line can turn it into one clear sentence and everything else is a bug worth a traceback.
"""

from __future__ import annotations


class XlscorecardError(Exception):
    """Base class for every error xlscorecard raises on purpose."""


class PeriodError(XlscorecardError, ValueError):
    """A period or financial year could not be understood."""

    def __init__(self, given: object, accepted: str, suggestion: str | None = None):
        self.given = given
        self.accepted = accepted
        self.suggestion = suggestion
        nearest = f" (did you mean {suggestion}?)" if suggestion else ""
        super().__init__(f"{given!r} is not a period xlscorecard understands{nearest}; accepted: {accepted}")


class ValueParseError(XlscorecardError, ValueError):
    """A field (polarity, frequency, profile, quartile) had a value outside its vocabulary."""

    def __init__(self, field: str, given: object, accepted: str):
        self.field = field
        self.given = given
        self.accepted = accepted
        super().__init__(f"{given!r} is not a valid {field}; accepted: {accepted}")


class ScoringInputError(XlscorecardError, ValueError):
    """The scoring core was given a number it cannot score (NaN, infinity, negative tolerance)."""

    def __init__(self, what: str, given: object):
        self.what = what
        self.given = given
        super().__init__(f"cannot score {what}={given!r}: it must be a finite number")


class ReturnError(XlscorecardError):
    """A return could not be read (unknown layout, missing header, not a spreadsheet)."""


class OutputError(XlscorecardError):
    """The scorecard or records file could not be written.

    ``kept`` is where the new file was saved instead, when it could not replace the old one.
    """

    def __init__(self, message: str, *, kept: object = None):
        super().__init__(message)
        self.kept = kept


class UsageError(XlscorecardError):
    """The arguments cannot work together: an output that is also an input, or a path that
    names something other than a file (a named pipe, a device)."""


class WrongOutputType(UsageError, OutputError):
    """An output named with an extension of the wrong kind (``--records r.txt``, ``--out
    scorecard.csv``): a usage error, found before any work."""


class UnknownName(UsageError, ReturnError):
    """An option names something the register does not have (``template --service`` with a
    service no indicator belongs to): a usage error, as an unknown ref for ``explain`` is."""


class PartlyWritten(OutputError):
    """The history was committed, but a new file could not then be moved into place: the message
    says exactly what was written and what was not."""


class HistoryError(XlscorecardError):
    """The history file is not one xlscorecard can safely use."""


class DamagedWorkbook(ReturnError):
    """openpyxl could not parse a workbook that passed the safety checks."""
