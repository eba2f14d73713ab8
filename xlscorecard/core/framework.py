"""The council's identity as its performance framework states it: its name, and its priorities'
names and order. These come from the register (its Framework sheet), not from the scorecard's
style template, so that the tool is any council's."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Finding, Severity, Source

# What the scorecard calls a council whose framework does not name it.
DEFAULT_COUNCIL = "Council"
FRAMEWORK_SHEET = "Framework"
COUNCIL_LABEL = "Council name"
PRIORITY_HEADERS = ("Priority number", "Priority title", "Short title")


@dataclass(frozen=True)
class FrameworkPriority:
    """A priority as the framework names it: ``key`` is what the register's Priority column holds
    (``"1"``), ``short`` the sheet name (Excel allows 31 characters); ``short`` may be ``None``."""

    key: str
    name: str
    short: str | None = None


@dataclass(frozen=True)
class Framework:
    """The council's name (``None`` when the register does not give it) and its priorities in the
    framework's order (empty when it does not list them: the register's rows then give the order)."""

    council: str | None = None
    priorities: tuple[FrameworkPriority, ...] = ()
    source: str | None = None

    @property
    def council_name(self) -> str:
        return self.council or DEFAULT_COUNCIL

    @property
    def priority_order(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.priorities)

    @property
    def priority_names(self) -> dict[str, str]:
        return {p.key: p.name for p in self.priorities}

    @property
    def priority_shorts(self) -> dict[str, str]:
        return {p.key: p.short for p in self.priorities if p.short}


def unnamed_council_finding(framework: Framework) -> Finding | None:
    """A note saying where to set the council's name when the framework does not give it."""
    if framework.council:
        return None
    where = f"the register {framework.source}" if framework.source else "the register"
    return Finding(Severity.INFO, f"the council's name is not set, so the scorecard says {DEFAULT_COUNCIL!r}",
                   Source(framework.source, FRAMEWORK_SHEET if framework.source else None),
                   action=f"add a sheet named {FRAMEWORK_SHEET!r} to {where} with a row '{COUNCIL_LABEL}' and the "
                   "name beside it (xlscorecard init writes one; see templates/README.md)")
