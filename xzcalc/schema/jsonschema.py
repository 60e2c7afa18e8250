"""`xzcalc schema`: the JSON Schema (draft 2020-12) of a profile, generated from the one declared schema.

Every property comes from the dataclasses of profile.py and their field metadata (kind, bounds, choices, meaning in
both languages), so a field added there appears here without an edit. The schema describes what the parser accepts:
money as a number or a text such as "200万"; rates as a fraction or "50%"; flags as booleans or 是/否; dates as
"2022-06" (TOML dates are strings once converted to JSON). Choices are the canonical lower-case values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from decimal import Decimal
from typing import Any

from .. import __version__
from ..profile import Profile

__all__ = ["profile_schema"]

SCHEMA_ID = "https://xzcalc.invalid/schema/profile.json"

# the text forms money.py accepts: 2000000 · "2,000,000" · "200万" · "1.2亿" · optional 元; blank is 0 (or the default)
_DIGITS = r"(\d+(\.\d*)?|\.\d+)"
_GROUPED = r"(\d{1,3}([,，]\d{3})+(\.\d*)?)"
_UNIT = "(万元|亿元|万|亿|元)?"


def _text(core: str) -> str:
    return r"^\s*(" + core + r")?\s*$"


_MONEY_TEXT = _text(r"[+]?(" + _DIGITS + "|" + _GROUPED + r")\s*" + _UNIT)
_SIGNED_TEXT = _text(r"[+-]?(" + _DIGITS + "|" + _GROUPED + r")\s*" + _UNIT)
_NUMBER_TEXT = _text(r"[+]?" + _DIGITS)
_RATE_TEXT = _text(r"[+]?" + _DIGITS + r"\s*[%％]?")
_GROWTH_TEXT = _text(r"[+-]?" + _DIGITS + r"\s*[%％]?")
_DATE_TEXT = _text(r"\d{4}-\d{1,2}(-\d{1,2})?")
_SECTOR_TEXT = r"^\s*[A-Ta-t](\d{2}(\d{1,2})?)?\s*$"
_FLAG_WORDS = ("true", "false", "yes", "no", "y", "n", "t", "f", "1", "0", "是", "否")


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isascii() and c.isalpha() else c for c in word)


# the parser strips and lower-cases a flag's text; blank is false
_FLAG_TEXT = r"^\s*(" + "|".join(_any_case(w) for w in _FLAG_WORDS) + r")?\s*$"


def _scalar(kind: str, meta: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "money":
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _MONEY_TEXT}]}
    if kind == "signed_money":
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _SIGNED_TEXT}]}
    if kind == "headcount":
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _NUMBER_TEXT}]}
    if kind == "count":
        return {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\s*(\d+(\.0*)?)?\s*$"}]}
    if kind == "rate":
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string", "pattern": _RATE_TEXT}]}
    if kind == "growth":
        return {"anyOf": [{"type": "number", "minimum": -1}, {"type": "string", "pattern": _GROWTH_TEXT}]}
    if kind == "flag":
        return {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"type": "string", "pattern": _FLAG_TEXT}]}
    if kind == "date":
        return {"type": "string", "pattern": _DATE_TEXT}
    if kind == "year":
        return {
            "anyOf": [
                {"type": "integer", "minimum": 2000, "maximum": 2100},
                {"type": "string", "pattern": r"^\s*\d{4}(\.0*)?\s*$"},
            ]
        }
    if kind == "choice":
        choices = list(meta["choices"])
        if isinstance(choices[0], int):
            return {"enum": choices + [str(c) for c in choices]}
        return {"enum": choices}
    if kind == "text":
        return {"type": "string", "maxLength": 200}
    if kind == "sector":
        return {"type": "string", "pattern": _SECTOR_TEXT}
    if kind == "uscc":
        return {"type": "string", "pattern": r"^\s*([0-9A-HJ-NPQRTUWXY]{18})?\s*$"}
    raise AssertionError(kind)


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
        if kind == "section":
            prop = _object(meta["item"])
        elif kind == "table_list":
            prop = {"type": "array", "items": _object(meta["item"])}
        elif kind in ("money_list", "growth_list"):
            element = _scalar("money" if kind == "money_list" else "growth", meta)
            prop = {"type": "array", "maxItems": meta["length"], "items": element}
        else:
            prop = _scalar(kind, meta)
            default = _plain_default(f.default) if f.default is not MISSING else None
            if default is not None and default != "":
                prop["default"] = default
        prop["title"] = meta["zh"]
        prop["description"] = meta["en"]
        if meta.get("example") is not None:
            prop["examples"] = [meta["example"]]
        props[f.name] = prop
    return {"type": "object", "additionalProperties": False, "properties": props}


def profile_schema() -> dict[str, Any]:
    """The profile's JSON Schema, ready for json.dumps."""
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
