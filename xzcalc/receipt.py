"""The receipt a result carries so a figure can be reproduced later (contract.md, "Added 2026-11"):
``{"xzcalc": VERSION, "data_sha256": HEX, "reform_sha256": HEX or None}``.

`data_sha256` names the content of every file under data/ that the rules read (TOML files, byte for byte, by their
path relative to data/; caches in __pycache__ excluded), so two runs with the same receipt used the same parameters,
clauses, messages and classifications.
"""

from __future__ import annotations

import hashlib
from functools import cache

from .data import data_dir

VERSION = "0.1.0"  # kept equal to pyproject.toml's [project] version by tests/test_receipt.py


@cache
def data_sha256() -> str:
    """SHA-256 (hex, 64 characters) over the sorted (relative path, SHA-256 of content) of every data/**/*.toml."""
    root = data_dir()
    outer = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*.toml") if "__pycache__" not in p.parts):
        outer.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()


def receipt(reform_sha256: str | None = None) -> dict[str, str | None]:
    """The receipt of a result computed with the bundled data and, when given, the reform whose file's SHA-256 this
    is (reform.Reform.sha256, taken from the bytes that were parsed, so the receipt names what was applied)."""
    return {"xzcalc": VERSION, "data_sha256": data_sha256(), "reform_sha256": reform_sha256}
