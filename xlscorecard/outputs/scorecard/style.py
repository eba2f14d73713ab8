"""The scorecard template: colours, fonts, words, columns and priorities, read from TOML.

The default template is ``templates/scorecard.toml`` at the top of the repository, shipped in
the package as ``xlscorecard.templates`` (setup.py), and found from a wheel, an editable install
and a source checkout alike (:func:`default_template_text`). A council's own template only needs the keys it changes: it is
merged over the default, table by table.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...errors import OutputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_TEMPLATE = "scorecard.toml"

# The columns a priority sheet can show, for checking a template's [columns] list.
PRIORITY_COLUMNS = ("ref", "indicator", "frequency", "polarity", "outturn", "target", "values", "history",
                    "period_target", "variance", "status", "spc", "dot", "trend", "comparative")


@dataclass(frozen=True)
class PriorityStyle:
    """A priority as the template names it: ``key`` matches ``Indicator.priority``."""

    key: str
    name: str
    short: str | None = None


@dataclass(frozen=True)
class Template:
    """A parsed template. ``settings`` keeps the merged TOML tables for the format registry."""

    settings: Mapping[str, Any]

    @property
    def tolerance(self) -> float:
        return float(self.settings["scoring"]["tolerance_pct"])

    @property
    def council(self) -> str | None:
        """A council name a ``--template`` sets; the bundled template sets none (the name is the
        framework's, from the register)."""
        return self.settings.get("council", {}).get("name")

    @property
    def priority_columns(self) -> tuple[str, ...]:
        return tuple(self.settings["columns"]["priority"])

    @property
    def priorities(self) -> tuple[PriorityStyle, ...]:
        return tuple(PriorityStyle(str(p["key"]), p["name"], p.get("short"))
                     for p in self.settings.get("priorities", ()))

    def style(self, table: str, key: str) -> Mapping[str, str]:
        """One entry of a keyed table: ``style("rag", "green")``, ``style("quartile", "1")``, its
        words with ``{tolerance}`` and ``{within}`` filled in ("Within 5%", "met within 95%")."""
        entry = self.settings[table][key]
        if not any(isinstance(v, str) and "{" in v for v in entry.values()):
            return entry
        # Only these two names are filled in: any other brace in a council's words stays as written.
        said = {"{tolerance}": f"{self.tolerance:g}", "{within}": f"{100 - self.tolerance:g}"}

        def filled(text: str) -> str:
            for name, value in said.items():
                text = text.replace(name, value)
            return text
        return {k: filled(v) if isinstance(v, str) else v for k, v in entry.items()}

    def with_tolerance(self, tolerance: float) -> "Template":
        """This template for a run scored with ``tolerance``: its words say the run's band."""
        if tolerance == self.tolerance:
            return self
        return Template({**self.settings, "scoring": {**self.settings["scoring"], "tolerance_pct": tolerance}})

    def word(self, table: str, key: str) -> str:
        return self.style(table, key).get("word", "")

    def symbol(self, table: str, key: str) -> str:
        return self.style(table, key).get("symbol", "")


def default_template_text() -> str:
    """The bundled ``scorecard.toml``: the package ``xlscorecard.templates`` of an installed wheel
    (setup.py maps the top-level templates/ folder to it), else, in an editable install or a
    source checkout, the templates/ folder itself."""
    try:
        return resources.files("xlscorecard.templates").joinpath(DEFAULT_TEMPLATE).read_text(encoding="utf-8")
    except ModuleNotFoundError:
        return (Path(__file__).resolve().parents[3] / "templates" / DEFAULT_TEMPLATE).read_text(encoding="utf-8")


def load_template(path: str | Path | None = None) -> Template:
    """The default template, with the tables of the TOML file at ``path`` merged over it."""
    default = tomllib.loads(default_template_text())
    if path is None:
        return _checked(default)
    try:
        own = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise OutputError(f"cannot read the template {path}: {error}") from error
    return _checked(_merge(default, own))


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (a list such as [[priorities]]) is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _checked(settings: dict[str, Any]) -> Template:
    unknown = [c for c in settings["columns"]["priority"] if c not in PRIORITY_COLUMNS]
    if unknown:
        raise OutputError(f"the template's [columns] priority list names unknown columns {unknown}; "
                          f"known columns: {', '.join(PRIORITY_COLUMNS)}")
    return Template(settings)
