"""`xzcalc template`: a commented profile (TOML, values written by tomli-w) or the batch CSV header.

Both are derived from the declared schema in profile.py (each field's example from its kind, kinds.py), so a new field
appears here without an edit.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

import tomli_w

from .kinds import Section, Table, Value, YearTable
from .paths import all_paths
from .profile import Profile

__all__ = ["csv_header", "toml_template"]

HEADER = """\
# xzcalc profile — one enterprise. Every field is optional: missing amounts are 0, missing flags false; a field shown
# commented out has no default (absent means "not given", which the rules treat apart from 0): uncomment to give it.
# Money: 2000000, "2,000,000", "200万" or "1.2亿" (never floats). Rates: 0.5 or "50%". Dates: "2022-06" or "2022-06-15".
# Run: xzcalc calc this-file.toml   (add --explain for the arithmetic, --format json for scripts)
"""


def _comment(meta: Any) -> str:
    text = f"{meta['zh']} — {meta['en']}"
    if meta["kind"].choices:
        text += " (" + " | ".join(map(str, meta["kind"].choices)) + ")"
    return text


def _scalar_lines(cls: type) -> list[str]:
    lines = []
    for f in fields(cls):
        meta = f.metadata
        kind = meta["kind"]
        if not isinstance(kind, Value) or isinstance(kind, YearTable):  # written as its own TOML table below
            continue
        default = f.default if f.default is not MISSING else None
        value = meta["example"] if meta.get("example") is not None else kind.example(default)
        line = tomli_w.dumps({f.name: value}).strip()
        if f.default is None:  # no default: absent means "not given", and an example left in would be data
            line = "# " + line
        lines.append(f"{line:<40} # {_comment(meta)}")
    return lines


def _year_tables(cls: type, prefix: str) -> list[str]:
    """The tables keyed by year of `cls` (at `prefix`): each as its own [table], its example entries commented out —
    every year is optional, and a year written in the template would be a statement about the enterprise."""
    lines = []
    for f in fields(cls):
        meta = f.metadata
        if isinstance(meta["kind"], YearTable):
            example = meta["example"] if meta.get("example") is not None else {}
            lines += ["", f"[{prefix}{f.name}]  # {_comment(meta)}"]
            lines += ["# " + line for line in tomli_w.dumps(example).splitlines()]
    return lines


def toml_template() -> str:
    """The commented TOML profile: every field with its kind's example (or the declared one) and its meaning in
    Chinese and English; sections as [tables] (a section holding only tables keyed by year as those tables alone),
    tables as one [[table]] to repeat. One text ending in a newline."""
    out = [HEADER, *_scalar_lines(Profile)]
    for f in fields(Profile):
        meta = f.metadata
        kind = meta["kind"]
        if isinstance(kind, Section):
            scalars = _scalar_lines(kind.item)
            if scalars:
                out += ["", f"[{f.name}]  # {_comment(meta)}", *scalars]
            out += _year_tables(kind.item, f"{f.name}.")
        elif isinstance(kind, Table):
            out += [
                "",
                f"[[{f.name}]]  # {_comment(meta)} — repeat the table for each one",
                *_scalar_lines(kind.item),
            ]
    return "\n".join(out) + "\n"


def csv_header(rows: int = 3) -> str:
    """The batch CSV header: `id` (echoed to the output) and every dotted path, `rows` rows of each table
    (equipment.1.name … equipment.ROWS.in_service); one line ending in a newline."""
    return ",".join(("id", *all_paths(rows))) + "\n"
