"""The package's layers (docs/architecture.md): every module belongs to one, imports run only downward or within its
layer, and nothing imports in a circle — module-level and in-function imports alike. Also: the drawing libraries
stay in their views, and `--help` / a JSON calc load neither.

A new module must be placed in LAYERS; an import that runs upward or closes a circle fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xzcalc"

# lowest first; a module may import modules of its own layer or of a layer below
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ground",
        (
            "xzcalc.money",
            "xzcalc.uscc",
            "xzcalc.data",
            "xzcalc.inputs",
            "xzcalc.receipt",
            "xzcalc.vocabulary",
            "xzcalc.record",
        ),
    ),
    ("messages", ("xzcalc.messages",)),
    ("schema", ("xzcalc.schema",)),
    ("model", ("xzcalc.model",)),
    ("data", ("xzcalc.params", "xzcalc.clauses", "xzcalc.claims", "xzcalc.reform", "xzcalc.classify")),
    ("rules", ("xzcalc.rules",)),
    ("engine", ("xzcalc.engine",)),
    ("analysis", ("xzcalc.analysis",)),
    ("views", ("xzcalc.views",)),
    ("batch", ("xzcalc.batch",)),
    ("cli", ("xzcalc.cli",)),
    ("entry", ("xzcalc.__main__",)),
)
FACADE = "xzcalc"  # the package's __init__: the public API, imported lazily from the layers


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The package's modules `path` imports (relative imports resolved), wherever in the file the import stands."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            names = [f"{name}.{alias.name}" for alias in node.names] + [name]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and not name.startswith(module + "."):
                found.add(name)
    return found


def _layer(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise LookupError(module)


def test_every_module_has_a_layer() -> None:
    unplaced = []
    for module in MODULES:
        if module != FACADE:
            try:
                _layer(module)
            except LookupError:
                unplaced.append(module)
    assert unplaced == []


def test_imports_run_downward() -> None:
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, path in MODULES.items()
        if module != FACADE
        for target in sorted(_imports(path))
        if target != FACADE and _layer(target) > _layer(module)
    ]
    assert upward == []


def test_no_import_circles() -> None:
    graph = {m: {t for t in _imports(p) if t != FACADE} for m, p in MODULES.items()}
    # a package importing its own submodules (its __init__) is not a circle
    graph = {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in graph.items()}
    circles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert circles == []


def _library_users(library: str) -> set[str]:
    users = set()
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            if any(n == library or n.startswith(library + ".") for n in names):
                users.add(module)
    return users


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("rich", {"xzcalc.views.table", "xzcalc.batch.driver"}),
        ("jinja2", {"xzcalc.views.html"}),
        ("pyarrow", {"xzcalc.batch.parquet"}),
        ("numpy", {"xzcalc.batch.columnar", "xzcalc.batch.cells", "xzcalc.batch.lines"}),
        ("dask", {"xzcalc.batch.distributed"}),
        ("distributed", {"xzcalc.batch.distributed"}),
    ],
)
def test_drawing_libraries_stay_in_their_view(library: str, allowed: set[str]) -> None:
    assert _library_users(library) <= allowed


def _imported(*args: str, status: int = 0) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xzcalc", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == status, result.stderr
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_help_and_json_load_neither_rich_nor_jinja2() -> None:
    assert not {m for m in _imported("--help") if m.startswith(("rich", "jinja2", "xzcalc.views"))}
    loaded = _imported("calc", "data/examples/xinzhou_manufacturer.toml", "--format", "json")
    assert "xzcalc.views.machine" in loaded
    assert not {m for m in loaded if m.startswith(("rich", "jinja2", "markupsafe"))}


def test_calc_does_not_load_the_columnar_evaluator() -> None:
    """numpy and batch/columnar.py are the batch's: `calc` start-up does not pay for them (issue 15)."""
    for args in (("calc", "data/examples/xinzhou_manufacturer.toml"), ("calc", "--help")):
        loaded = _imported(*args)
        assert not {m for m in loaded if m.startswith(("numpy", "xzcalc.batch"))}, args


def test_calc_start_up_loads_only_what_it_uses() -> None:
    """`xzcalc calc` on a TOML profile, as a table (the start-up budget, issue 9): no OpenSSL through hashlib (data.py
    hashes with the interpreter's own SHA-256), no json (a JSON profile or output imports it where it reads or writes
    one), no rich emoji table (views.table gives rich Texts, never markup strings)."""
    loaded = _imported("calc", "data/examples/xinzhou_manufacturer.toml")
    assert not loaded & {"hashlib", "_hashlib", "json", "rich._emoji_codes"}
    assert "xzcalc.views.table" in loaded


SCALE = ("pyarrow", "dask", "distributed", "xzcalc.batch.parquet", "xzcalc.batch.distributed")


def test_parquet_and_dask_load_only_on_their_path() -> None:
    """pyarrow and dask (hundreds of milliseconds to import) are loaded by a Parquet or --scheduler run only."""
    for args in (("--help",), ("calc", "data/examples/xinzhou_manufacturer.toml", "--format", "json")):
        assert not {m for m in _imported(*args) if m.startswith(SCALE)}, args
    loaded = _imported(
        "batch", "data/examples/enterprises.csv", "-f", "csv", "-o", "/dev/null", "-j", "1", "-q", status=1
    )
    assert "xzcalc.batch.driver" in loaded
    assert not {m for m in loaded if m.startswith(SCALE)}
