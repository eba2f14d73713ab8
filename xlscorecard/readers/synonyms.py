"""What people write in return headers and cells, mapped to what xlscorecard means by it.

This is data, shared by every layout: to accept a new spelling, add it here. Header keys are
compared after :func:`header_key` (lower case, words only, financial years such as ``20/21``
taken out), so ``'Higher / Lower is better?'`` is written ``'higher lower is better'``.
"""

from __future__ import annotations

import re
from functools import lru_cache

# field name -> the header texts that mean it
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "pi ref", "reference", "code", "pi code", "indicator ref", "indicator code",
            "kpi ref", "kpi code", "measure ref", "pi no", "pi number", "indicator id", "id", "ref no", "measure id", "measure code", "kpi id", "pi id", "kpi no",
            "kpi number", "measure no", "measure number", "indicator no", "indicator number",
            "indicator reference", "measure reference"),
    "name": ("performance indicator", "indicator", "indicator name", "pi name", "name", "description",
             "measure", "measure name", "kpi", "kpi name", "title", "pi description",
             "indicator description", "performance measure", "indicator name for reference"),
    "outcome": ("outcome", "outcomes", "objective", "outcome area"),
    "priority": ("priority", "council priority", "theme", "priority area"),
    "tier": ("tier", "pi tier", "indicator tier"),
    "polarity": ("higher lower is better", "higher lower is", "higher or lower is better", "polarity",
                 "good is", "good performance is", "is higher better", "direction of improvement",
                 "higher lower better", "aim", "direction", "good direction", "direction of good"),
    "frequency": ("reporting frequency", "frequency", "reporting", "how often", "reported"),
    "unit": ("unit", "units", "unit of measure", "measure unit"),
    "profile": ("target profile", "profile", "target type", "profiling", "cumulative"),
    "annual_target": ("target", "annual target", "target for the year", "year target", "full year target"),
    "tolerance": ("tolerance", "amber tolerance", "tolerance pct", "tolerance percent"),
    "decimals": ("decimals", "decimal places", "dp"),
    "quartile": ("comparative performance", "comparative", "quartile", "comparator quartile",
                 "comparative quartile", "benchmark quartile", "comparative position"),
    "data_owner": ("data owner", "owner", "responsible officer", "lead officer", "by whom"),
    "service": ("service", "directorate", "department", "service area"),
    "previous_outturn": ("outturn", "previous outturn", "last year outturn", "prior year outturn",
                         "previous year outturn", "baseline"),
    "framework_year": ("framework year", "financial year", "year"),
    "period": ("period", "reporting period", "month", "quarter", "period label"),
    "value": ("value", "actual", "result", "actual value", "figure", "performance"),
    "period_target": ("period target", "target for period", "profiled target", "period target value"),
    "note": ("note", "notes", "comment", "comments", "commentary", "reason"),
    "published_variance": ("variance from target", "variance from", "variance", "pct variance",
                           "variance to target"),
    "published_dot": ("dot", "direction of travel"),
    "published_trend": ("trend",),
    "published_rag": ("rag", "rag status", "rag rating", "status"),
    # Comparator tables (LG Inform, LAIT exports): one row per authority.
    "area_code": ("area code", "la code", "ons code", "gss code", "local authority code", "new la code",
                  "ons area code", "area id"),
    "area_name": ("area name", "local authority", "la name", "authority", "area", "local authority name"),
    "comparator_group": ("comparator group", "family group", "benchmark group", "peer group", "group"),
    "data_year": ("data year", "time period", "year of data"),
    # The officers' narrative, as the reports' exception tables head it.
    "why_performing_well": ("why is it performing well", "why performing well", "reasons for good performance"),
    "how_sustained": ("how will performance be sustained are there any risks to performance",
                      "how will performance be sustained", "sustaining performance", "risks to performance"),
    "context_and_action": ("context and action to date", "action to date"),
    "improvement_plan": ("what will be done to improve performance", "what will be done",
                         "improvement actions", "actions to improve"),
    "expected_impact": ("what is the expected impact", "expected impact"),
    # Target and actual as rows: the column that says which a row is.
    "measure_type": ("measure type", "value type", "data type", "target actual", "target or actual",
                     "actual target", "row type"),
}

# What each value under a period is, when a period has more than one (a "Target | Actual"
# sub-header under each month, "Apr Target" in one cell, or a "Target" / "Actual" row per
# indicator). Compared after header_key.
MEASURE_WORDS: dict[str, str] = {
    **dict.fromkeys(["target", "tgt", "plan", "planned", "profiled target", "period target", "goal"], "target"),
    **dict.fromkeys(["actual", "act", "actuals", "outturn", "result", "value", "performance"], "actual"),
    **dict.fromkeys(["rag", "rag status", "rag rating"], "rag"),
}

# A sheet-per-period return says its period in a cell above the table: "Period: December 2020",
# "Reporting period - Q3 2020/21", or "Month" in one cell and "Dec 2020" in the next.
PERIOD_CELL_LABELS = ("period", "reporting period", "month", "quarter", "reporting month", "reporting quarter",
                      "period covered", "data period")

# Rows that are a heading over the rows below ("Tier 1", "Priority 2 - Promote good health"): the
# field they set and a pattern whose group 1 is the value (matched at the start, case-insensitive).
SECTION_HEADINGS: dict[str, str] = {
    "tier": r"tier\s*([1-9])\b",
    "priority": r"priority\s*([1-9][0-9]?)\b",
}

# Columns whose cells are knowingly not used (a definition, the data's source, a numerator):
# their cells are accounted for as fields no rule needs, with one note per column, so they never
# make a return "only partly read". Compared after header_key.
UNUSED_COLUMNS = ("no", "number", "row", "item", "line", "portfolio", "portfolio holder", "cabinet member",
                  "lead member", "actions", "action", "action plan", "key actions", "risks", "definition", "indicator definition", "data source", "source", "source of data",
                  "numerator", "denominator", "calculation", "formula", "rationale", "why is this important",
                  "link", "hyperlink", "notes for officers", "guidance", "contact", "email", "phone",
                  "last updated", "date updated", "updated by", "signed off by", "sign off", "approved by")

# Columns xlscorecard's own return template writes for the officer to see, never to be read
# (the target a value is scored against): accounted for silently, with no finding.
REFERENCE_COLUMNS = ("target for reference",)

# A figure followed (or preceded) by one of these is the figure, flagged: "459.4 (p)", "505.1*",
# "28.4 prov", "312r", "est. 94". Compared lower-cased, with brackets and full stops removed.
FIGURE_MARKERS: dict[str, str] = {
    **dict.fromkeys(["p", "prov", "provisional", "*", "**", "prelim", "preliminary", "draft"], "provisional"),
    **dict.fromkeys(["r", "rev", "revised", "restated", "amended"], "revised"),
    **dict.fromkeys(["e", "est", "estimate", "estimated", "forecast", "f"], "estimated"),
}

# Cells that stand for a figure withheld to protect small numbers ("<5", "[c]"): a gap with the
# reason "suppressed". Compared lower-cased and stripped.
SUPPRESSION_MARKERS = frozenset({"*", "**", "c", "[c]", "(c)", "x", "[x]", "[z]", "z", "..", "…", "supp",
                                 "suppressed", "s", "[s]", "~", "<5", "< 5", "<3", "< 3", "<10", "< 10",
                                 "[low]", "low numbers", "small numbers"})
SUPPRESSED_BELOW = re.compile(r"^(?:<|&lt;|fewer than|less than)\s*\d{1,3}$")

# cell texts that mean "no value here" (compared lower-cased and stripped)
PLACEHOLDERS = frozenset({"", "-", "--", "\u2013", "\u2014", "n/a", "na", "n.a.", "n.a", "n/k", "."})

# the arrows and words returns print for direction of travel and trend
DOT_SYMBOLS: dict[str, str] = {
    "\u2191": "improved", "up": "improved", "improved": "improved", "improving": "improved",
    "\u2193": "worse", "down": "worse", "worse": "worse", "worsening": "worse", "declining": "worse",
    "\u2194": "same", "same": "same", "\u2192": "same", "no change": "same",
    "\u25a0": "first", "\u25aa": "first", "new": "first",
}
TREND_SYMBOLS: dict[str, str] = {
    "\u2191": "improving", "up": "improving", "improving": "improving", "improved": "improving",
    "\u2193": "declining", "down": "declining", "declining": "declining", "worse": "declining",
    "\u2194": "same", "same": "same", "\u2192": "same", "no change": "same",
}

# the words returns print for a RAG status
RAG_WORDS: dict[str, str] = {
    **dict.fromkeys(["g", "green", "on target", "met", "achieved"], "green"),
    **dict.fromkeys(["a", "amber", "within tolerance", "a/g", "ag"], "amber"),
    **dict.fromkeys(["r", "red", "off target", "not met", "missed"], "red"),
}

_WORD = re.compile(r"[a-z0-9]+")
_FY_TOKEN = re.compile(r"(?<!\d)(?:20)?\d{2}\s*[/-]\s*(?:20)?\d{2}(?!\d)")


def header_key(text: object) -> str:
    """``'20/21 Target'`` -> ``'target'``; ``'Higher / Lower is better?'`` -> ``'higher lower is better'``."""
    without_years = _FY_TOKEN.sub(" ", str(text).lower())
    return " ".join(_WORD.findall(without_years))


FIELD_BY_HEADER: dict[str, str] = {
    header_key(spelling): field for field, spellings in HEADER_SYNONYMS.items() for spelling in spellings
}


def field_for(text: object) -> str | None:
    """The field a header text names, or ``None``."""
    return _field_for_text(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=8192)
def _field_for_text(text: str) -> str | None:
    key = header_key(text)
    return FIELD_BY_HEADER.get(key) if key else None
