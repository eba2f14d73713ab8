"""The words on a return template's Instructions sheet, kept apart from the layout code so they
can be read and edited as text. Written for a service officer, not for a developer.

One line per row of the sheet. Lines are plain sentences on purpose: the reader skips this sheet
because no row of it looks like a header (never two column names on one row).
"""

from __future__ import annotations

from ..core.model import COMMENTARY_HEADINGS
from ..core.periods import Period

# The Values sheet's column showing each row's target; its header is one the reader knows to skip.
REFERENCE_TARGET = "Target (for reference)"


def instructions_title(service: str | None, period: Period | None) -> str:
    """``Children's Services performance return, 2020/21 Q3``."""
    who = f"{service} performance return" if service else "Performance return"
    return f"{who}, {period.long_label}" if period is not None else who


INSTRUCTIONS: tuple[str, ...] = (
    "This workbook is your service's performance return. Fill it in, save it as .xlsx and send it "
    "back, or put it in the returns folder. Please do not rename the column headings.",
    "",
    "What to fill in:",
    "- Values sheet: one row per indicator per period. Write the figure in the Value column. "
    "The rows for this return are already listed when the template was made for a reporting period; "
    "add a row for any other period or indicator.",
    "- Indicators sheet: one row per indicator, describing it. When it is already filled in from the "
    "performance framework, check it and leave it as it is; the framework wins where the two disagree.",
    "- The coloured heading row is protected so it is not changed by accident. Red headings are required "
    "columns. To change a heading on purpose, use Review > Unprotect Sheet (there is no password).",
    "",
    "When there is no figure:",
    "- Leave the Value blank or write - (a dash) when there is no data.",
    "- Write a note instead of a value to explain a gap: leave the Value blank and say why in the Note "
    "column (for example 'Data collection suspended by NHS'). The scorecard shows the note as the reason.",
    "- Never write 0 for missing data: 0 is read as a real figure.",
    "",
    "Values sheet columns:",
    "- Ref (required): the indicator's reference, exactly as on the Indicators sheet, e.g. CYP-01.",
    "- Indicator name (for reference): a reminder of the indicator's name; it is not read.",
    "- Period (required): a month (Dec 2020), a quarter (2020/21 Q3) or a financial year (2020/21).",
    "- Value (required): the figure, as a number: 459.4, 1,200 or 63% all work. No data: blank or -.",
    f"- {REFERENCE_TARGET}: the target this value is measured against, from the performance framework. "
    "It is not read: to set a different target for this period, use Period target.",
    "- Period target: a target for this period only, when it is not the annual target or its profile. "
    "Usually blank.",
    "- Note: why there is no value, or anything a reader of the scorecard should know.",
    "",
    "Narrative for the committee report (optional, on the Values sheet):",
    "- The columns " + ", ".join(f"'{h}'" for h in COMMENTARY_HEADINGS.values()) + " hold your "
    "explanation of the figure. Write it on the row of the period you report. The scorecard's "
    "Commentary sheet shows it under the same headings, as the committee report does: the first two "
    "for an indicator on target, the other three for one that needs to improve.",
    "",
    "Indicators sheet columns:",
    "- Ref and Name (required): the indicator's reference and name.",
    "- Polarity (required): Higher or Lower, meaning which direction is better.",
    "- Frequency: Monthly, Quarterly or Annual. Blank means Quarterly.",
    "- Target profile: flat (the annual target applies to every period), cumulative (year to date: "
    "the annual target times the months elapsed divided by 12) or per-period (the annual target "
    "divided by the periods in the year). Blank means flat.",
    "- Annual target: a number; leave blank when no target was set (the indicator is then not coloured).",
    "- Tolerance: percentage points below target that still count as amber. Blank means 5.",
    "- Priority, Outcome and Tier (1 strategic or 2 directorate): apply to the rows below until the "
    "next one is written, so write them on every row when rows differ.",
    "- Unit, Comparative quartile (1st Quartile to 4th Quartile, or N/A), Previous outturn (last year's "
    "final value), Data owner, Framework year (e.g. 2020/21): optional.",
    "",
    "Checking your return:",
    "- The dropdowns and the message shown when you click a cell say what each column accepts.",
    "- Your performance team can check the return with: xlscorecard validate RETURNS_FOLDER. It lists "
    "any cell it could not use, with its sheet and cell address.",
)
