"""Dotted paths of the profile: `--set` paths, CSV columns, the template's header, the what-if's fields.

A path names a field by its place in the declared schema: `revenue`, `vat.taxpayer`, a list element by its 1-based
index (`vat.sales_3pct.2`), an entry of a table keyed by year by its year (`history.small_low_profit.2021`), a table
row by its 1-based index (`equipment.2.unit_value`). The schema is one level deep: the profile's sections and tables
hold values only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any

from ..record import record
from .kinds import FixedList, ProfileError, Scalar, Section, Table, YearTable
from .profile import Profile

__all__ = ["Location", "all_paths", "fields_of", "locate", "resolve_path", "set_path", "unknown_hint"]

_FIELDS: dict[type, dict[str, Mapping[str, Any]]] = {}


def fields_of(cls: type) -> dict[str, Mapping[str, Any]]:
    """A schema class's fields by name → their metadata ({"kind", "zh", "en", "example"}); kept, since the builder
    asks for every nested table it reads."""
    known = _FIELDS.get(cls)
    if known is None:
        assert is_dataclass(cls)
        known = _FIELDS[cls] = {f.name: f.metadata for f in fields(cls)}
    return known


def unknown_hint(cls: type, prefix: str) -> str:
    """What an error for an unknown field of `cls` (at `prefix`) says was expected: the known names, when short."""
    names = ", ".join(f"{prefix}{n}" for n in fields_of(cls))
    return f"a known field ({names})" if len(names) < 400 else "a known field (see `xzcalc template`)"


MAX_TABLE_ROWS = 50  # rows of a table (machines, first-set items) one enterprise may list: `template --rows` at most


@cache
def all_paths(max_table_rows: int = 3) -> tuple[str, ...]:
    """Every dotted path of the schema, as CSV columns: list elements and table rows by 1-based index, the entries of
    a table keyed by year by year."""
    return tuple(_paths(Profile, "", max_table_rows))


def _paths(cls: type, prefix: str, rows: int) -> Iterator[str]:
    for name, meta in fields_of(cls).items():
        path = f"{prefix}{name}"
        kind = meta["kind"]
        if isinstance(kind, Section):
            yield from _paths(kind.item, f"{path}.", rows)
        elif isinstance(kind, Table):
            for i in range(1, rows + 1):
                yield from _paths(kind.item, f"{path}.{i}.", rows)
        elif isinstance(kind, FixedList):
            for i in range(1, kind.length + 1):
                yield f"{path}.{i}"
        elif isinstance(kind, YearTable):
            for year in kind.years:
                yield f"{path}.{year}"
        else:
            yield path


@record
class Location:
    """Where a dotted path lands in the schema."""

    kind: Scalar[Any]  # the kind of the value there (a list's element kind for vat.sales_3pct.2)
    meta: Mapping[str, Any]  # the field's metadata (for a list element, the list's)
    group: str  # "" for a top-level field, else the section or table it is in
    row: int  # 1-based row of a table (equipment.2.*), 0 otherwise
    field: str  # the field's name in its group
    length: int  # the length of a fixed list (vat.sales_3pct), 0 otherwise
    element: int  # 1-based element of a fixed list (vat.sales_3pct.2), 0 otherwise
    year: int = 0  # the year of an entry of a table keyed by year (history.small_low_profit.2021), 0 otherwise


def locate(path: str) -> Location:
    """Check a dotted path against the schema and say where it lands, or raise ProfileError(path, path, expected)
    naming what would have been a path there."""
    parts = path.split(".")
    cls: type = Profile
    group, row = "", 0
    i = 0
    while i < len(parts):
        meta = fields_of(cls).get(parts[i])
        if meta is None:
            prefix = ".".join(parts[:i])
            near = did_you_mean(cls, f"{prefix}." if prefix else "", parts[i])
            problem = f"not a profile field (did you mean {near}?)" if near else "not a profile field"
            raise ProfileError(path, path, unknown_hint(cls, f"{prefix}." if prefix else ""), problem=problem)
        kind = meta["kind"]
        rest = parts[i + 1 :]
        if isinstance(kind, Section):
            assert cls is Profile  # (one level deep: what the builder assembles)
            group, cls, i = parts[i], kind.item, i + 1
            if not rest:
                raise ProfileError(
                    path, path, "a field inside the table, e.g. " + f"{path}.{next(iter(fields_of(cls)))}"
                )
            continue
        if isinstance(kind, Table):
            if len(rest) < 2 or not rest[0].isdigit() or not 1 <= int(rest[0]) <= MAX_TABLE_ROWS:
                raise ProfileError(path, path, f"{parts[i]}.N.FIELD with N counted from 1 to {MAX_TABLE_ROWS}")
            assert cls is Profile
            group, row, cls, i = parts[i], int(rest[0]), kind.item, i + 2
            continue
        if isinstance(kind, FixedList):
            length = kind.length
            if len(rest) != 1 or not rest[0].isdigit() or not 1 <= int(rest[0]) <= length:
                raise ProfileError(path, path, f"{'.'.join(parts[: i + 1])}.N with N from 1 to {length}")
            return Location(kind.element, meta, group, row, parts[i], length, int(rest[0]))
        if isinstance(kind, YearTable):
            year = kind.year_of(rest[0]) if len(rest) == 1 else None
            if year is None:
                raise ProfileError(path, path, kind.expected(".".join(parts[: i + 1])))
            return Location(kind.element, meta, group, row, parts[i], 0, 0, year)
        if rest:
            raise ProfileError(path, path, f"a path ending at {'.'.join(parts[: i + 1])}")
        assert isinstance(kind, Scalar)
        return Location(kind, meta, group, row, parts[i], 0, 0)
    raise ProfileError(path, path, "a profile field")


def resolve_path(path: str) -> tuple[Scalar[Any], Mapping[str, Any]]:
    """The kind of the value at a dotted path (a list's element kind for vat.sales_3pct.2) and the field's metadata,
    or ProfileError."""
    where = locate(path)
    return where.kind, where.meta


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one dotted path in a nested mapping, creating the tables on the way (a list from a TOML file becomes a
    {"1": …} mapping so an element can be set). The path is checked against the schema (ProfileError if it names
    no field); the value is parsed later, by parse_profile."""
    locate(path)
    parts = path.split(".")
    node: dict[str, Any] = data
    for part in parts[:-1]:
        child = node.get(part)
        if isinstance(child, list):  # a list from a TOML file: address its elements by 1-based index
            child = {str(i): v for i, v in enumerate(child, start=1)}
            node[part] = child
        elif not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def did_you_mean(cls: type, prefix: str, key: str) -> str | None:
    """The known path closest to an unknown `key` at `prefix`: a field of the same table (employes → employees), or
    at the top a field of a section (taxable_income → income.taxable_income); None when nothing is close."""
    from difflib import get_close_matches

    known = fields_of(cls)
    inner = (
        {
            f"{name}.{field_}": field_
            for name, meta in known.items()
            if isinstance(meta["kind"], Section | Table)
            for field_ in fields_of(meta["kind"].item)
        }
        if cls is Profile
        else {}
    )
    exact = [path for path, field_ in inner.items() if field_ == key and path.split(".")[0] in known]
    if exact and isinstance(known[exact[0].split(".")[0]]["kind"], Section):  # taxable_income → income.taxable_income
        return exact[0]
    near = get_close_matches(key, list(known), n=1, cutoff=0.6)
    if near:
        return f"{prefix}{near[0]}"
    if cls is not Profile:
        return None
    near = get_close_matches(key, list(inner.values()), n=1, cutoff=0.75)
    if not near:
        return None
    return next(path for path, field_ in inner.items() if field_ == near[0])
