"""The views layer (xzcalc/views/): nothing below it imports it, rich and Jinja2 stay inside it (and the batch's
progress bar), and the commands that do not draw do not pay for either."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xzcalc"
ABOVE_VIEWS = {"xzcalc.batch", "xzcalc.cli", "xzcalc.commands", "xzcalc.__main__"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (relative imports resolved), wherever in the file the import stands."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_nothing_below_the_views_imports_them() -> None:
    upward = {
        name: sorted(i for i in _imports(path) if i == "xzcalc.views" or i.startswith("xzcalc.views."))
        for name, path in MODULES.items()
        if not name.startswith("xzcalc.views") and name not in ABOVE_VIEWS
    }
    assert {k: v for k, v in upward.items() if v} == {}


@pytest.mark.parametrize(
    ("library", "allowed"),
    [("rich", {"xzcalc.views.table", "xzcalc.batch"}), ("jinja2", {"xzcalc.views.html"})],
)
def test_drawing_libraries_stay_in_their_view(library: str, allowed: set[str]) -> None:
    users = {
        name
        for name, path in MODULES.items()
        if any(i == library or i.startswith(library + ".") for i in _imports(path))
    }
    assert users <= allowed


def _imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xzcalc", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_help_and_json_load_neither_rich_nor_jinja2() -> None:
    assert not {m for m in _imported("--help") if m.startswith(("rich", "jinja2", "xzcalc.views"))}
    loaded = _imported("calc", "data/examples/xinzhou_manufacturer.toml", "--format", "json")
    assert "xzcalc.views.machine" in loaded
    assert not {m for m in loaded if m.startswith(("rich", "jinja2", "markupsafe"))}
