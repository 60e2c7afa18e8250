"""What-ifs on a parsed profile: read or move one dotted path, and diff two results.

The advisories, `compare` and `sweep` all ask "what if this one field were different?" and answer it by running the
engine again — never by a hand formula. A moved value is checked against the field's declared kind (its `accepts`,
xzcalc/schema/kinds.py), so a what-if can never build a profile that parsing would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar, cast

from ..model import KINDS, Change, Result
from ..schema.kinds import Number
from ..schema.paths import resolve_path
from ..schema.profile import Profile

__all__ = ["diff", "get_path", "numeric_kind", "with_path"]

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


def numeric_kind(path: str) -> Number[Any] | None:
    """The kind of a numeric path (a list's element kind for vat.sales_3pct.2), or None for a field a what-if cannot
    move. ProfileError for a path the schema does not have. The kind checks a moved value (`accepts`) and gives the
    profile's value for it (`typed`: an int for a count)."""
    kind, _meta = resolve_path(path)
    return kind if isinstance(kind, Number) else None


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
