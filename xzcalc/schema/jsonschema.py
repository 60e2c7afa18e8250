"""`xzcalc schema`: the JSON Schema (draft 2020-12) of a profile, generated from the one declared schema.

Every property comes from the dataclasses of profile.py and their field metadata (meaning in both languages, example)
and each field's kind, which gives its fragment (kinds.py: bounds, choices, the text forms it parses), so a field
added there appears here without an edit. The schema describes what the parser accepts:
money as a number or a text such as "200万"; rates as a fraction or "50%"; flags as booleans or 是/否; dates as
"2022-06" (TOML dates are strings once converted to JSON). Choices are the canonical lower-case values.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from decimal import Decimal
from typing import Any

from .. import __version__
from .kinds import Section, Table, Value
from .profile import Profile

__all__ = ["profile_schema"]

SCHEMA_ID = "https://xzcalc.invalid/schema/profile.json"


def _plain_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, bool | int | str):
        return value
    return None


def _object(cls: type) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for f in fields(cls):
        meta = f.metadata
        kind = meta["kind"]
        if isinstance(kind, Section):
            prop = _object(kind.item)
        elif isinstance(kind, Table):
            prop = {"type": "array", "items": _object(kind.item)}
        else:
            assert isinstance(kind, Value)
            prop = kind.json_schema()
            default = _plain_default(f.default) if f.default is not MISSING else None
            if default is not None and default != "":
                prop["default"] = default
        prop["title"] = meta["zh"]
        prop["description"] = meta["en"]
        if meta.get("example") is not None:
            prop["examples"] = [meta["example"]]
        props[f.name] = prop
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
    rules = getattr(cls, "JSON_SCHEMA_RULES", ())  # checks across a section's fields (profile.Vat: 4 or 12 entries)
    if rules:
        out["allOf"] = list(rules)
    return out


def profile_schema() -> dict[str, Any]:
    """The profile's JSON Schema (draft 2020-12) as plain data (dicts, lists, str, int, bool; no float or
    Decimal), ready for json.dumps: an object of the profile's fields, unknown fields refused."""
    root = _object(Profile)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "xzcalc enterprise profile",
        "description": (
            f"One enterprise for xzcalc {__version__} (calc, compare, sweep; batch CSV columns are the same dotted "
            'paths). Money: a number or text such as "2,000,000", "200万", "1.2亿"; rates: 0.5 or "50%"; '
            'dates: "2022-06". Missing amounts are 0, missing flags false. Generated from xzcalc/profile.py.'
        ),
        **root,
    }
