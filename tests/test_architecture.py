"""The package's shape holds the one-way pipeline: returns -> readers -> core -> outputs.

Every module's imports are parsed, absolute and relative, at module level and inside functions:
- ``core/`` imports only ``core/``, ``errors`` and the standard library: it is pure, and the
  golden tests run against it;
- ``readers/`` imports no scoring, no outputs and not the pipeline: they say what a return
  holds, not what it scores;
- ``outputs/`` imports no reader: they lay out what they are given.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlscorecard"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, as absolute dotted names (relative ones resolved)."""
    package = dotted(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # "from . import fast_sheets"
    return found


def ours(names: set[str]) -> set[str]:
    return {name for name in names if name == "xlscorecard" or name.startswith("xlscorecard.")}


def in_package(name: str, package: str) -> bool:
    return name == f"xlscorecard.{package}" or name.startswith(f"xlscorecard.{package}.")


def modules_under(package: str) -> list[Path]:
    return [p for p in MODULES if in_package(dotted(p), package)]


def test_the_tree_has_the_pipelines_packages():
    for package in ("core", "readers", "outputs", "outputs/scorecard", "outputs/report"):
        assert (PACKAGE / package / "__init__.py").exists(), package
    assert (PACKAGE / "pipeline.py").exists()


@pytest.mark.parametrize("path", modules_under("core"), ids=lambda p: p.name)
def test_the_core_imports_only_the_core_errors_and_the_standard_library(path):
    names = imports_of(path)
    ours_ = {n for n in ours(names) if not (in_package(n, "core") or n in ("xlscorecard.errors",))}
    # "from ..errors import X" resolves to xlscorecard.errors and xlscorecard.errors.X
    ours_ = {n for n in ours_ if not n.startswith("xlscorecard.errors.")}
    assert not ours_, f"{path.name} imports {sorted(ours_)}"
    top = {n.split(".")[0] for n in names if not n.startswith("xlscorecard")}
    foreign = {n for n in top if n not in sys.stdlib_module_names and n != "__future__"}
    assert not foreign, f"{path.name} imports {sorted(foreign)}, which are not the standard library"


@pytest.mark.parametrize("path", modules_under("readers"), ids=lambda p: p.name)
def test_readers_do_not_score_write_or_run_the_pipeline(path):
    forbidden = [n for n in ours(imports_of(path))
                 if in_package(n, "core.scoring") or in_package(n, "core.summary") or in_package(n, "core.checks")
                 or in_package(n, "outputs") or in_package(n, "pipeline") or in_package(n, "publish")
                 or in_package(n, "history")]
    assert not forbidden, f"{path.name} imports {forbidden}"


@pytest.mark.parametrize("path", modules_under("outputs"), ids=lambda p: p.name)
def test_outputs_do_not_read_returns(path):
    forbidden = [n for n in ours(imports_of(path)) if in_package(n, "readers") or in_package(n, "pipeline")]
    assert not forbidden, f"{path.relative_to(PACKAGE)} imports {forbidden}"


def test_the_check_sees_relative_imports_inside_functions(tmp_path):
    """The parser itself: a relative import written inside a function is resolved."""
    sample = PACKAGE / "readers" / "one_return.py"
    assert "xlscorecard.readers.workbook" in imports_of(sample)
    assert any(name.startswith("xlscorecard.core.model") for name in imports_of(sample))
