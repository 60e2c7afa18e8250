"""What-ifs on a parsed profile: read or move one dotted path, and diff two results.

The advisories, `compare` and `sweep` all ask "what if this one field were different?" and answer it by running the
engine again — never by a hand formula. A moved value is checked against the field's declared kind (profile.py), so a
what-if can never build a profile that parsing would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar, cast

from .model import KINDS, Change, Result
from .profile import Profile, resolve_path

__all__ = ["NUMERIC_KINDS", "diff", "get_path", "numeric_kind", "valid_value", "with_path"]

# the field kinds a what-if can move (the element kinds of money_list / growth_list included)
NUMERIC_KINDS = {"money", "signed_money", "headcount", "count", "rate", "growth", "money_list", "growth_list"}

T = TypeVar("T")


def get_path(profile: Profile, path: str) -> Any:
    """The value at a dotted path (list elements and table rows by 1-based index); None past a table's end."""
    node: Any = profile
    parts = path.split(".")
    i = 0
    while i < len(parts):
        node = getattr(node, parts[i])
        if isinstance(node, tuple):
            index = int(parts[i + 1]) - 1
            if index >= len(node):
                return None
            node = node[index]
            i += 2
        else:
            i += 1
    return node


def with_path(profile: T, path: str, value: Any) -> T:
    """A copy of `profile` with one dotted path replaced (the value must already be of the field's type)."""
    return cast(T, _replace(profile, path.split("."), value))


def _replace(node: Any, parts: list[str], value: Any) -> Any:
    name, rest = parts[0], parts[1:]
    current = getattr(node, name)
    if isinstance(current, tuple):
        index = int(rest[0]) - 1
        element = value if len(rest) == 1 else _replace(current[index], rest[1:], value)
        new: Any = (*current[:index], element, *current[index + 1 :])
    elif rest:
        new = _replace(current, rest, value)
    else:
        new = value
    return replace(node, **{name: new})


def numeric_kind(path: str) -> str | None:
    """The element kind of a numeric path (money, rate, …), or None for a field a what-if cannot move."""
    kind, _meta = resolve_path(path)
    if kind not in NUMERIC_KINDS:
        return None
    return {"money_list": "money", "growth_list": "growth"}.get(kind, kind)


def valid_value(kind: str, value: Decimal) -> bool:
    """Whether the declared schema would accept `value` for a field of this kind."""
    if kind == "signed_money":
        return True
    if kind == "growth":
        return value >= -1
    if value < 0:
        return False
    if kind == "rate":
        return value <= 1
    if kind == "count":
        return value == value.to_integral_value()
    return True


def typed(kind: str, value: Decimal) -> Any:
    """The Python value a parsed profile holds for this kind (count fields are int)."""
    return int(value) if kind == "count" else value


def diff(now: Result, moved: Result) -> tuple[tuple[Change, ...], dict[str, Decimal]]:
    """Items whose amount or eligibility differ, and the change of each kind's total (kinds that change only)."""
    before: Mapping[str, Any] = {it.policy.id: it for it in now.items}
    changes = []
    for it in moved.items:
        old = before.get(it.policy.id)
        if old is None:
            continue
        if old.amount != it.amount or old.eligible != it.eligible:
            changes.append(Change(it.policy, old.amount, it.amount, old.eligible, it.eligible))
    totals = {k: moved.totals[k] - now.totals[k] for k in KINDS if moved.totals[k] != now.totals[k]}
    return tuple(changes), cast(dict[str, Decimal], totals)
