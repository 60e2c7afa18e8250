"""The one builder of a Profile, for TOML, JSON, `--set` and CSV rows alike.

Every value reaches a profile as a pair (column, value). The column is a dotted path located once in the schema
(paths.py): where the value lands — a top-level field, a section, a table row, a list element, a year's entry — and
the reader of its kind (kinds.py): `read` for a value of a nested mapping, `cell_reader` for a CSV cell (blank = not
given; the batch's shortcuts live there). `build` reads the pairs in order and builds the frozen dataclasses, then the
checks across fields run; the first unusable value stops it with its ProfileError.

Entry points:

* `parse_profile(mapping)` — a TOML or JSON document, or the mapping `--set` filled in: walked into pairs in
  document order, its shape checked on the way (unknown fields, tables that are not tables, list indexes);
* `RowReader(header).read(cells)` — the rows of one CSV header: the columns resolved once, each row's non-empty
  cells paired with theirs (the batch's path);
* `profile_from_flat({path: cell})` — one CSV row as a mapping.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, fields
from decimal import Decimal
from functools import lru_cache, partial
from itertools import compress
from typing import Any

from ..record import record
from ..vocabulary import both, present, value_or
from .kinds import BLANK, FixedList, ProfileError, Reader, Section, Table, YearMap, YearTable, is_blank
from .paths import did_you_mean, fields_of, locate, unknown_hint
from .profile import Profile

__all__ = [
    "Column",
    "RowReader",
    "build",
    "cell_column",
    "income_conflicts",
    "parse_profile",
    "profile_from_flat",
    "value_column",
]

D0 = Decimal(0)


@record
class Column:
    """Where the values of one dotted path land, and how they are read: resolved once, reused for every row."""

    group: str  # "" for a top-level field, else the section or table it is in
    row: int  # 1-based row of a table (equipment.2.*), 0 otherwise
    field: str
    length: int  # the length of a fixed list (vat.sales_3pct), 0 otherwise
    element: int  # 1-based element of a fixed list (vat.sales_3pct.2), 0 otherwise
    read: Reader  # a value → the field's value, or BLANK to keep its default; ProfileError naming the path
    year: int = 0  # the year of an entry of a table keyed by year (history.small_low_profit.2021), 0 otherwise


IGNORED = Column("", 0, "", 0, 0, lambda value: BLANK)  # a CSV column that is not a profile field (`id`)


@lru_cache(maxsize=4096)
def cell_column(path: str) -> Column:
    """The column of a CSV cell at `path` (its kind's cell_reader), or ProfileError for a path the schema lacks."""
    where = locate(path)
    read = where.kind.cell_reader(path)
    return Column(where.group, where.row, where.field, where.length, where.element, read, where.year)


@lru_cache(maxsize=4096)
def value_column(path: str) -> Column:
    """The column of a nested mapping's value at `path` (its kind's read), or ProfileError."""
    where = locate(path)
    read = partial(where.kind.read, path=path)
    return Column(where.group, where.row, where.field, where.length, where.element, read, where.year)


def build(cells: Iterable[tuple[Column, Any]]) -> Profile:
    """The profile of (column, value) pairs, read in order; a value read as BLANK leaves its field's default, and
    a table's rows come in the order of their indexes. ProfileError for the first value that is unusable, or for
    values that contradict each other."""
    top: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[int, dict[str, Any]]] = {}
    lists: dict[tuple[str, str], list[Decimal]] = {}
    by_year: dict[tuple[str, str], dict[int, Any]] = {}
    for c, cell in cells:
        value = c.read(cell)
        if value is BLANK:
            continue
        if c.year:
            entries = by_year.get((c.group, c.field))
            if entries is None:
                entries = by_year[(c.group, c.field)] = {}
            entries[c.year] = value
        elif c.element:
            values = lists.get((c.group, c.field))
            if values is None:
                values = lists[(c.group, c.field)] = [D0] * c.length
            values[c.element - 1] = value
        elif not c.group:
            top[c.field] = value
        elif c.row:
            table = tables.get(c.group)
            if table is None:
                table = tables[c.group] = {}
            fields_ = table.get(c.row)
            if fields_ is None:
                fields_ = table[c.row] = {}
            fields_[c.field] = value
        else:
            group = groups.get(c.group)
            if group is None:
                group = groups[c.group] = {}
            group[c.field] = value
    for (group_name, name), values in lists.items():
        (groups.setdefault(group_name, {}) if group_name else top)[name] = tuple(values)
    for (group_name, name), entries in by_year.items():
        (groups.setdefault(group_name, {}) if group_name else top)[name] = YearMap(entries.items())
    schema = fields_of(Profile)
    for name, kwargs in groups.items():
        top[name] = schema[name]["kind"].item(**kwargs)
    for name, rows in tables.items():
        top[name] = tuple(schema[name]["kind"].item(**rows[i]) for i in sorted(rows))
    return _cross_checks(Profile(**top))


def income_conflicts(income: Any) -> tuple[Any, Any, Any]:
    """The checks across the income section's fields that _cross_checks makes, as conditions: rd_expense_q4 above
    rd_expense; taxable_income and taxable_income_reported both given (not 0); losses_offset with taxable_income. Each
    a bool for one profile's Income, a mask over a block's columns (batch/cells.py leaves those rows to the builder)."""
    return (
        income.rd_expense_q4 > income.rd_expense,
        both(_nonzero(income.taxable_income), _nonzero(income.taxable_income_reported)),
        both(_nonzero(income.losses_offset), _nonzero(income.taxable_income)),
    )


def _nonzero(value: Any) -> Any:
    """Given and not 0 (an optional amount not given is neither)."""
    return both(present(value), value_or(value, D0) != 0)


def _cross_checks(profile: Profile) -> Profile:
    income = profile.income
    q4_above, both_incomes, losses_with_income = income_conflicts(income)
    if q4_above:
        raise ProfileError(
            "income.rd_expense_q4",
            str(income.rd_expense_q4),
            f"at most income.rd_expense ({income.rd_expense}): it is the part incurred in 2022-10..12",
        )
    # policies.md E2: the year's income before the deductions, or the figure as filed — one of the two
    if both_incomes:
        raise ProfileError(
            "income.taxable_income_reported",
            str(income.taxable_income_reported),
            "either income.taxable_income (before the R&D and equipment deductions and the loss offset) or "
            "income.taxable_income_reported (A100000 line 23, after them), not both",
        )
    if losses_with_income:
        raise ProfileError(
            "income.losses_offset",
            str(income.losses_offset),
            "it only with income.taxable_income_reported (the losses offset in the filed figure); with "
            "income.taxable_income give the losses still available as income.prior_losses",
        )
    established = profile.established
    if established is not None:
        # an enterprise files for the tax years from the one it was established in: no result before it
        for year, result in profile.history.small_low_profit.items():
            if year < established.year:
                raise ProfileError(
                    f"history.small_low_profit.{year}",
                    str(result).lower(),
                    f"no result for a year before the enterprise was established ({established.isoformat()}): "
                    f"its first annual filing is for {established.year}",
                )
    return profile


# ── a nested mapping: TOML, JSON, --set ───────────────────────────────────────────────────────────────────────


def parse_profile(data: Mapping[str, Any]) -> Profile:
    """A profile from a nested mapping (a TOML/JSON document, or the result of set_path calls): values as TOML and
    JSON give them (int, Decimal, bool, str, date; lists or {"1": …} mappings for lists and tables). ProfileError
    naming the path of the first unusable value or shape."""
    return build(_pairs(Profile, data, ""))


def _pairs(cls: type, data: object, prefix: str) -> Iterator[tuple[Column, Any]]:
    """The (column, value) pairs of a nested mapping, in document order. Its shape is checked as the pairs are
    taken, so an error is the first one in that order: a table's unknown fields before any of its values."""
    if type(data) is not dict and not isinstance(data, Mapping):  # (the type test first: ABC checks are slow)
        raise ProfileError(prefix.rstrip(".") or "profile", data, "a table of fields")
    known = fields_of(cls)
    for key in data:
        if key not in known:
            near = did_you_mean(cls, prefix, str(key))
            problem = f"not a profile field (did you mean {near}?)" if near else "not a profile field"
            raise ProfileError(f"{prefix}{key}", data[key], unknown_hint(cls, prefix), problem=problem)
    for name, value in data.items():
        kind = known[name]["kind"]
        path = f"{prefix}{name}"
        if isinstance(kind, Section):
            yield from _pairs(kind.item, value, f"{path}.")
        elif isinstance(kind, Table):
            for index, element in _index_items(value, path):
                if isinstance(element, Mapping) and _untouched(kind.item, element):
                    continue  # an all-empty row (a CSV's equipment.N.* columns), or the template's example row
                yield from _pairs(kind.item, element, f"{path}.{index}.")
        elif isinstance(kind, FixedList):
            for index, element in _index_items(value, path):
                if index > kind.length:
                    raise ProfileError(f"{path}.{index}", element, f"at most {kind.length} values (1..{kind.length})")
                yield value_column(f"{path}.{index}"), element
        elif isinstance(kind, YearTable):
            if type(value) is not dict and not isinstance(value, Mapping):
                raise ProfileError(path, value, f"a table keyed by year ({kind.expected(path)})")
            for key, entry in value.items():
                yield value_column(f"{path}.{key}"), entry
        else:
            yield value_column(path), value


def _untouched(cls: type, row: Mapping[str, Any]) -> bool:
    """A table row that gives nothing: every value blank or its field's default — `xzcalc template`'s example row
    ([[equipment]] name = "", unit_value = 0, years = 10) is not a machine called "equipment 1"."""
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    return all(is_blank(v) or (k in defaults and type(v) is not bool and v == defaults[k]) for k, v in row.items())


def _index_items(value: object, path: str) -> list[tuple[int, Any]]:
    """A list, or a {"1": …, "2": …} mapping (CSV / --set), as (1-based index, element) pairs."""
    if isinstance(value, list | tuple):
        return list(enumerate(value, start=1))
    if isinstance(value, Mapping):
        pairs = []
        for key, element in value.items():
            if not (isinstance(key, int) or (isinstance(key, str) and key.isdigit())) or int(key) < 1:
                raise ProfileError(f"{path}.{key}", element, "a 1-based list index")
            pairs.append((int(key), element))
        return sorted(pairs)
    raise ProfileError(path, value, "a list")


# ── CSV cells ─────────────────────────────────────────────────────────────────────────────────────────────────


def profile_from_flat(row: Mapping[str, Any]) -> Profile:
    """A profile from one CSV row as {dotted path: cell text}; blank cells are values not given. ProfileError for a
    path the schema does not have or an unusable cell."""
    return build(zip(map(cell_column, row), row.values(), strict=True))


class RowReader:
    """Profiles from the rows of one header (a CSV file's), each column resolved once: `read(cells)` is
    profile_from_flat of the row's non-empty cells. Blank-named columns and those in `ignore` are not read;
    ProfileError (from the constructor) for a header naming a path the schema does not have."""

    def __init__(self, header: Sequence[str], ignore: Collection[str] = ("id",)) -> None:
        self._columns = tuple(IGNORED if not name or name in ignore else cell_column(name) for name in header)

    def read(self, cells: Sequence[str]) -> Profile:
        """The profile of one row's cells (text, in header order; cells beyond the header, which the caller
        checks, are left out)."""
        # the columns of the non-empty cells, paired with them — both picked in C
        return build(zip(compress(self._columns, cells), filter(None, cells)))  # noqa: B905
