"""Every cell format of the scorecard, built once from the template and looked up by role.

xlsxwriter formats are mutable and shared by reference, so a sheet writer that changed one
would restyle cells elsewhere. The registry builds each format once, up front, and the sheet
writers only ever look them up: ``formats["header"]``, ``formats["rag_value", Rag.GREEN]``.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ...core.model import Rag
from .style import Template

VARIANCE_FORMAT = '0.00"%"'     # variances are stored as percentage points: 5.28 shows "5.28%"
VALUE_FORMAT = "General"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"  # a computed target (profiled or given) can have many decimals
DATE_FORMAT = "d mmm yyyy"


def decimal_format(decimals: int) -> str:
    """``'#,##0.0'`` for one decimal place, ``'#,##0'`` for none."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")

DATETIME_FORMAT = "d mmm yyyy hh:mm"

QUARTILE_KEYS = ("1", "2", "3", "4")
# A figure the return marked is shown with its marker, the cell still a number: 459.4 (p).
FLAG_MARKS = {"provisional": "p", "revised": "r", "estimated": "e"}
# The Indicator history sheet's values carry their RAG as a letter too: colour is never the only cue.
RAG_LETTERS = {Rag.GREEN: "G", Rag.AMBER: "A", Rag.RED: "R"}
SPC_KEYS = ("common", "improving", "concerning", "higher", "lower", "none")


class Formats:
    """A read-only registry of the workbook's formats, keyed by role (and variant)."""

    def __init__(self, workbook: Workbook, template: Template):
        self.template = template
        self._workbook = workbook
        self._formats: dict[Any, Format] = {}
        self._properties: dict[Any, dict] = {}
        settings = template.settings
        font = settings["fonts"]
        colours = settings["colours"]
        self._base = {"font_name": font["name"], "font_size": font["size"], "valign": "top"}
        self._cell = {**self._base, "border": 1, "border_color": colours["border"]}

        self._add("title", bold=True, font_size=font["title_size"], valign="vcenter")
        self._add("subtitle", font_size=font["subtitle_size"], font_color=colours["subtle_font"])
        self._add("heading", bold=True, font_size=font["subtitle_size"])
        self._add("headline", bold=True, text_wrap=True, font_size=font["subtitle_size"])
        self._add("note", italic=True, font_color=colours["subtle_font"], text_wrap=True)
        self._add("plain")
        self._add("bold", bold=True)
        header = {"bold": True, "bg_color": colours["header_fill"], "font_color": colours["header_font"],
                  "text_wrap": True, "valign": "vcenter", "align": "center"}
        self._add_cell("header", **header)
        self._add_cell("header_left", **{**header, "align": "left"})
        self._add_cell("band", bold=True, bg_color=colours["band_fill"])
        self._add_cell("outcome", italic=True, bg_color=colours["band_fill"])
        self._add_cell("text")
        self._add_cell("text_wrap", text_wrap=True)
        self._add_cell("text_bold", bold=True)
        self._add_cell("mono", font_name="Courier New", font_size=font["size"] - 1)
        self._add_cell("centre", align="center")
        self._add_cell("value", num_format=VALUE_FORMAT, align="right")
        for flag, mark in FLAG_MARKS.items():
            self._add_cell(("value", flag), num_format=f'{VALUE_FORMAT}" ({mark})"', align="right")
        self._add_cell("decimal", num_format=DECIMAL_FORMAT, align="right")
        self._add_cell("variance", num_format=VARIANCE_FORMAT, align="right")
        self._add_cell("count", num_format=COUNT_FORMAT, align="right")
        self._add_cell("share", align="right")
        self._add_cell("total", bold=True, top=2)
        self._add_cell("total_share", bold=True, top=2, align="right")
        self._add_cell("total_count", bold=True, top=2, num_format=COUNT_FORMAT, align="right")
        self._add_cell("date", num_format=DATE_FORMAT, align="left")
        self._add_cell("datetime", num_format=DATETIME_FORMAT, align="left")
        self._add_cell("gap", italic=True, text_wrap=True, bg_color=settings["rag"]["gap"]["fill"])

        for rag in Rag:
            style = settings["rag"][rag.value]
            colour = {"bg_color": style["fill"], "font_color": style["font"]}
            self._add_cell(("rag_value", rag), num_format=VALUE_FORMAT, align="right", **colour)
            for flag, mark in FLAG_MARKS.items():
                self._add_cell(("rag_value", rag, flag), num_format=f'{VALUE_FORMAT}" ({mark})"', align="right",
                               **colour)
            self._add_cell(("rag_variance", rag), num_format=VARIANCE_FORMAT, align="right", **colour)
            self._add_cell(("rag_status", rag), align="center", **colour)
            self._add_cell(("dot", rag), align="center", bold=True, font_color=style["symbol"])
            self._add_cell(("header", rag), **{**header, **colour})
        for rag in Rag:  # the Indicator history sheet: the value, its RAG's fill and letter
            style = settings["rag"][rag.value]
            letter = RAG_LETTERS.get(rag)
            self._add_cell(("history_value", rag), align="right", bg_color=style["fill"], font_color=style["font"],
                           num_format=f'{VALUE_FORMAT}" {letter}"' if letter else VALUE_FORMAT)
        for role, number in (("history_target", VALUE_FORMAT), (("history_target", "decimal"), DECIMAL_FORMAT)):
            self._add_cell(role, italic=True, font_color=colours["subtle_font"], num_format=number, align="right")
        self._add_cell("link", bold=True, underline=1, font_color="0563C1")
        for key in SPC_KEYS:
            style = settings["spc"][key]
            self._add_cell(("spc", key), align="center", text_wrap=True, bg_color=style["fill"],
                           font_color=style["font"])
        for key in QUARTILE_KEYS:
            style = settings["quartile"][key]
            colour = {"bg_color": style["fill"], "font_color": style["font"]}
            self._add_cell(("quartile", key), align="center", text_wrap=True, **colour)
            self._add_cell(("header", "quartile", key), **{**header, **colour})
        self._add_cell(("quartile", "none"), align="center", text_wrap=True)

    def _add(self, role: Any, **properties) -> None:
        self._formats[role] = self._workbook.add_format({**self._base, **properties})

    def _add_cell(self, role: Any, **properties) -> None:
        """A format for a table cell: the base font plus a thin grid border."""
        self._properties[role] = {**self._cell, **properties}
        self._formats[role] = self._workbook.add_format(self._properties[role])

    def shown(self, role: Any, decimals: int | None) -> Format:
        """A number cell's format (``"value"``, ``("rag_value", rag, flag)``, ``"decimal"``…) with
        ``decimals`` places, built once the first time it is asked for; ``role`` itself when
        ``decimals`` is ``None``."""
        if decimals is None:
            return self._formats[role]
        key = (role, "decimals", decimals)
        if key not in self._formats:
            properties = dict(self._properties[role])
            shape = properties.get("num_format", VALUE_FORMAT)
            fixed = decimal_format(decimals)
            properties["num_format"] = (fixed + shape[len(VALUE_FORMAT):] if shape.startswith(VALUE_FORMAT)
                                        else fixed)
            self._formats[key] = self._workbook.add_format(properties)
        return self._formats[key]

    def __getitem__(self, role: Any) -> Format:
        return self._formats[role]

    def number(self, value: float | None) -> Format:
        """General for whole numbers and short decimals; two decimals for a long computed one."""
        if value is None or round(value, 2) == value:
            return self._formats["value"]
        return self._formats["decimal"]

    def quartile(self, quartile: int | None) -> Format:
        return self._formats["quartile", str(quartile) if quartile else "none"]

    def colour(self, table: str, key: str, part: str = "fill") -> str:
        """A template colour as ``#RRGGBB``, for charts."""
        return "#" + self.template.style(table, key)[part]
