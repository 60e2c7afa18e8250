"""The columnar evaluator: a rule family written in rules/kit's vocabulary, run once over a block of batch rows.

The same definition that `calc` runs on one profile with Decimals (xzcalc/rules/*.py) runs here on columns: money
and rates as exact fixed-point integers (`Num`: an integer array and a power of ten, never float), conditions as
boolean masks (`Mask`), choices and codes as object arrays (`Cat`), dates as `Day` columns. A rule branches on a
value only through kit's `where`/`select`/`present`/`value_or`/`maximum`/`ratio`, which a column answers with its
own method; reasons and steps are not kept (a batch row shows none), and an item is its eligibility mask and its
amount rounded half-up to the fen — the row engine's one rounding (ItemBuilder.done), in integers.

Integers stay int64 while every value provably fits (a bound is checked before each product or rescaling) and
become Python integers (numpy object arrays) beyond: an amount near the largest accepted (10^15 yuan) times a rate
of many decimals is still exact.

A block is one (jurisdiction, tax year) group of rows the row engine has parsed and classified (`Block`); the
families in COLUMNAR run here, the others in the row engine, which leaves their items to this module
(engine.calculate's `deferred`). numpy is imported only on this path (the batch), never by `calc`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..money import FEN
from ..rules import FAMILIES
from ..rules.kit import RuleFamily

if TYPE_CHECKING:
    from ..model import PolicyInfo
    from ..params import ParamSet, Window
    from ..rules.kit import Context
    from .rows import RowResult

__all__ = ["COLUMNAR", "Block", "Cat", "Day", "Fields", "Mask", "Num", "Outcome", "Seq", "evaluate", "group"]

# the rule families evaluated over columns, in the engine's order: those marked @kit.columnar (the rest run row by
# row; engine.evaluate(deferred=…))
COLUMNAR: tuple[RuleFamily, ...] = tuple(f for _, f in FAMILIES if hasattr(f, "columnar_by"))
# … but a family whose state a row family reads (kit.feeds: B5's VAT payable, read by 六税两费) stays on the row path
COLUMNAR = tuple(f for f in COLUMNAR if all(g in COLUMNAR for g in getattr(f, "columnar_feeds", ())))

_SAFE = 1 << 62  # an int64 product or sum whose operands' magnitudes stay below this cannot overflow
Array = Any  # a numpy array (numpy's stubs are not part of mypy's check here)


def _bound(values: Array) -> int:
    """The largest magnitude in an integer array, as a Python integer."""
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def _widen(values: Array) -> Array:
    return values if values.dtype == object else values.astype(object)


def _constant(value: Decimal | int) -> tuple[int, int]:
    """An exact number as (integer, scale): value = integer / 10**scale."""
    sign, digits, exponent = Decimal(value).as_tuple()
    assert isinstance(exponent, int), value  # (never NaN or infinite: parameters and inputs refuse them)
    integer = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:
        return integer * 10**exponent, 0
    return integer, -exponent


class Mask:
    """A condition over the rows of a block: a numpy boolean array."""

    __slots__ = ("v",)

    def __init__(self, v: Array) -> None:
        self.v = v

    def __and__(self, other: Mask | bool) -> Mask:
        return Mask(self.v & (other.v if isinstance(other, Mask) else bool(other)))

    __rand__ = __and__

    def __or__(self, other: Mask | bool) -> Mask:
        return Mask(self.v | (other.v if isinstance(other, Mask) else bool(other)))

    __ror__ = __or__

    def __invert__(self) -> Mask:
        return Mask(~self.v)

    def __bool__(self) -> bool:
        raise TypeError("a column condition has no single truth value: write the rule with kit.where/select")

    def where(self, then: Any, otherwise: Any) -> Any:
        """`then` where the condition holds, else `otherwise` (numbers, ratios, masks, choices or days)."""
        n = len(self.v)
        if isinstance(then, Ratio) or isinstance(otherwise, Ratio):
            a, b = Ratio.of(then, n), Ratio.of(otherwise, n)
            return Ratio(self.where(a.num, b.num), self.where(a.den, b.den))
        if isinstance(then, Mask | bool) and isinstance(otherwise, Mask | bool):
            return Mask(np.where(self.v, _mask(then, n), _mask(otherwise, n)))
        if isinstance(then, Cat | str) or isinstance(otherwise, Cat | str):
            return Cat(np.where(self.v, _cat(then, n), _cat(otherwise, n)))
        if (
            isinstance(then, Day)
            or isinstance(otherwise, Day)
            or (isinstance(then, date) and isinstance(otherwise, date))
        ):
            a_day, b_day = Day.of(then, n), Day.of(otherwise, n)
            return Day(np.where(self.v, a_day.v, b_day.v), np.where(self.v, a_day.given, b_day.given))
        x, y = Num.of(then, n).aligned(Num.of(otherwise, n))
        return Num(np.where(self.v, x.v, y.v), x.scale, np.where(self.v, x.given, y.given))


def _mask(value: Mask | bool, n: int) -> Array:
    return value.v if isinstance(value, Mask) else np.full(n, bool(value))


def _cat(value: Cat | str, n: int) -> Array:
    if isinstance(value, Cat):
        return value.v
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


class Num:
    """Exact numbers over the rows: the integer array `v` over 10**`scale`; `given` marks the rows whose optional
    value was given (None in the profile: 0 here, absent for kit.present)."""

    __slots__ = ("given", "scale", "v")

    def __init__(self, v: Array, scale: int, given: Array | None = None) -> None:
        self.v = v
        self.scale = scale
        self.given = given if given is not None else np.ones(len(v), dtype=bool)

    @staticmethod
    def of(value: Num | Decimal | int, n: int) -> Num:
        if isinstance(value, Num):
            return value
        integer, scale = _constant(value)
        dtype = np.int64 if abs(integer) < _SAFE else object
        return Num(np.full(n, integer, dtype=dtype), scale)

    def rescaled(self, scale: int) -> Num:
        """The same numbers over 10**scale (scale ≥ self.scale)."""
        if scale == self.scale:
            return self
        factor = 10 ** (scale - self.scale)
        v = self.v if max(_bound(self.v), 1) * factor < _SAFE else _widen(self.v)  # (a factor may pass 64 bits)
        return Num(v * factor, scale, self.given)

    def aligned(self, other: Num) -> tuple[Num, Num]:
        scale = max(self.scale, other.scale)
        return self.rescaled(scale), other.rescaled(scale)

    def _other(self, other: Num | Decimal | int) -> Num:
        return Num.of(other, len(self.v))

    def __add__(self, other: Num | Decimal | int) -> Num:
        a, b = self.aligned(self._other(other))
        va, vb = (a.v, b.v) if _bound(a.v) + _bound(b.v) < _SAFE else (_widen(a.v), _widen(b.v))
        return Num(va + vb, a.scale)

    __radd__ = __add__

    def __neg__(self) -> Num:
        return Num(-self.v, self.scale)

    def __sub__(self, other: Num | Decimal | int) -> Num:
        return self + (-self._other(other))

    def __rsub__(self, other: Num | Decimal | int) -> Num:
        return self._other(other) + (-self)

    def __mul__(self, other: Num | Decimal | int) -> Num:
        b = self._other(other)
        va, vb = (self.v, b.v) if _bound(self.v) * _bound(b.v) < _SAFE else (_widen(self.v), _widen(b.v))
        return Num(va * vb, self.scale + b.scale)

    __rmul__ = __mul__

    def _compare(self, other: Num | Decimal | int, op: Callable[[Array, Array], Array]) -> Mask:
        a, b = self.aligned(self._other(other))
        return Mask(op(a.v, b.v))

    def __lt__(self, other: Num | Decimal | int) -> Mask:
        return self._compare(other, np.less)

    def __le__(self, other: Num | Decimal | int) -> Mask:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Num | Decimal | int) -> Mask:
        return self._compare(other, np.greater)

    def __ge__(self, other: Num | Decimal | int) -> Mask:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: object) -> Mask:  # type: ignore[override]
        if isinstance(other, Ratio):
            return other == self
        assert isinstance(other, Num | Decimal | int)
        return self._compare(other, np.equal)

    def __ne__(self, other: object) -> Mask:  # type: ignore[override]
        return ~(self == other)

    __hash__ = None  # type: ignore[assignment]

    def maximum(self, other: Num | Decimal | int) -> Num:
        a, b = self.aligned(self._other(other))
        return Num(np.maximum(a.v, b.v), a.scale)

    def minimum(self, other: Num | Decimal | int) -> Num:
        a, b = self.aligned(self._other(other))
        return Num(np.minimum(a.v, b.v), a.scale)

    def present(self) -> Mask:
        return Mask(self.given)

    def value_or(self, default: Num | Decimal | int) -> Num:
        return Mask(self.given).where(Num(self.v, self.scale), default)  # type: ignore[no-any-return]

    def divided_by(self, denominator: Num | Decimal | int) -> Ratio:
        return Ratio(self, self._other(denominator))

    def dividing(self, numerator: Num | Decimal | int) -> Ratio:
        return Ratio(self._other(numerator), self)

    def fen(self) -> Array:
        """The numbers rounded half-up (away from zero at the half) to the fen, as integer fen."""
        if self.scale <= 2:
            return self.rescaled(2).v
        unit = 10 ** (self.scale - 2)
        v = self.v if _bound(self.v) + unit < _SAFE else _widen(self.v)
        magnitude = (np.abs(v) * 2 + unit) // (2 * unit)
        return np.where(v < 0, -magnitude, magnitude)

    def significant(self, digits: int) -> Num:
        """The numbers rounded half-up to `digits` significant digits, as a Decimal context of that precision leaves
        a result (kit.context_rounded); an int64 column (at most 19 digits) is left as it is."""
        assert digits >= 19, digits
        if self.v.dtype != object:
            return self
        out = np.empty(len(self.v), dtype=object)
        for i, x in enumerate(self.v.tolist()):  # (object integers: Python's own arithmetic, row by row)
            drop = len(str(abs(x))) - digits
            if drop > 0:
                unit = 10**drop
                magnitude = (abs(x) * 2 + unit) // (2 * unit) * unit
                x = -magnitude if x < 0 else magnitude
            out[i] = x
        return Num(out, self.scale, self.given)


class Ratio:
    """numerator ÷ denominator over the rows, exact: compared by cross-multiplying (kit.ratio; 0 where the
    denominator is 0, as on one row)."""

    __slots__ = ("den", "num")

    def __init__(self, num: Num, den: Num) -> None:
        zero = den == 0
        self.num = zero.where(0, num)
        self.den = zero.where(1, den)
        negative = self.den < 0
        self.num, self.den = negative.where(-self.num, self.num), negative.where(-self.den, self.den)

    @staticmethod
    def of(value: Any, n: int) -> Ratio:
        return value if isinstance(value, Ratio) else Ratio(Num.of(value, n), Num.of(1, n))

    def _cross(self, other: Any) -> tuple[Num, Num]:
        """(a, b) with self ⋚ other ⇔ a ⋚ b (the denominators are positive)."""
        o = Ratio.of(other, len(self.num.v))
        return self.num * o.den, o.num * self.den

    def __lt__(self, other: Any) -> Mask:
        a, b = self._cross(other)
        return a < b

    def __le__(self, other: Any) -> Mask:
        a, b = self._cross(other)
        return a <= b

    def __gt__(self, other: Any) -> Mask:
        a, b = self._cross(other)
        return a > b

    def __ge__(self, other: Any) -> Mask:
        a, b = self._cross(other)
        return a >= b

    def __eq__(self, other: object) -> Mask:  # type: ignore[override]
        a, b = self._cross(other)
        return a == b

    def __ne__(self, other: object) -> Mask:  # type: ignore[override]
        return ~(self == other)

    __hash__ = None  # type: ignore[assignment]


class Cat:
    """Choices, codes and names over the rows (an object array of str, or None where not given)."""

    __slots__ = ("v",)

    def __init__(self, v: Array) -> None:
        self.v = v

    def __eq__(self, other: object) -> Mask:  # type: ignore[override]
        return Mask(self.v == (other.v if isinstance(other, Cat) else other))

    def __ne__(self, other: object) -> Mask:  # type: ignore[override]
        return ~(self == other)

    __hash__ = None  # type: ignore[assignment]

    def present(self) -> Mask:
        return Mask(self.v != None)  # noqa: E711 (elementwise)

    def startswith(self, prefixes: str | tuple[str, ...]) -> Mask:
        return Mask(np.array([s is not None and s.startswith(prefixes) for s in self.v], dtype=bool))


class Day:
    """Dates over the rows: `v` a numpy datetime64[D] array (1970-01-01 where not given), `given` the mask."""

    __slots__ = ("given", "v")

    def __init__(self, v: Array, given: Array) -> None:
        self.v = v
        self.given = given

    @staticmethod
    def of(value: Day | date, n: int) -> Day:
        if isinstance(value, Day):
            return value
        return Day(np.full(n, np.datetime64(value, "D")), np.ones(n, dtype=bool))

    def present(self) -> Mask:
        return Mask(self.given)

    def value_or(self, default: Day | date) -> Day:
        d = Day.of(default, len(self.v))
        return Day(np.where(self.given, self.v, d.v), self.given | d.given)

    def dates(self) -> list[date]:
        """The days as Python dates (for parameter lookups)."""
        return list(self.v.astype(object))

    @property
    def year(self) -> Num:
        return Num(self.v.astype("datetime64[Y]").astype(np.int64) + 1970, 0, self.given)

    @property
    def month(self) -> Num:
        return Num(self.v.astype("datetime64[M]").astype(np.int64) % 12 + 1, 0, self.given)

    def add_months(self, months: int) -> Day:
        """The first day of the month `months` after each day's month (rules/common.add_months)."""
        first = self.v.astype("datetime64[M]") + np.timedelta64(int(months), "M")
        return Day(first.astype("datetime64[D]"), self.given)

    def _compare(self, other: object, op: Callable[[Array, Array], Array]) -> Mask:
        o = Day.of(other, len(self.v)) if isinstance(other, Day | date) else None
        if o is None:
            raise TypeError(f"a day compared with {type(other).__name__}")
        return Mask(op(self.v, o.v))

    def __lt__(self, other: Day | date) -> Mask:
        return self._compare(other, np.less)

    def __le__(self, other: Day | date) -> Mask:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Day | date) -> Mask:
        return self._compare(other, np.greater)

    def __ge__(self, other: Day | date) -> Mask:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: object) -> Mask:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: object) -> Mask:  # type: ignore[override]
        return ~(self == other)

    __hash__ = None  # type: ignore[assignment]


# ── parts of a block: the rows of one value of a family's `by` fields ─────────────────────────────────────


def _take(column: Any, idx: Array) -> Any:
    """The column's values at the rows `idx` (a value that is not a column is the same for every row)."""
    if isinstance(column, Num):
        return Num(column.v[idx], column.scale, column.given[idx])
    if isinstance(column, Mask | Cat):
        return type(column)(column.v[idx])
    if isinstance(column, Day):
        return Day(column.v[idx], column.given[idx])
    if isinstance(column, Ratio):
        return Ratio(_take(column.num, idx), _take(column.den, idx))
    if isinstance(column, Absent):
        return Absent(len(idx))
    if isinstance(column, ColumnFinding):
        return ColumnFinding(_take(column.value, idx))
    return column


def _put(whole: Any, idx: Array, part: Any, n: int) -> Any:
    """`whole` (a column of n rows, or a value every row shares) with the rows `idx` set from `part`."""
    if isinstance(whole, ColumnFinding) or isinstance(part, ColumnFinding):
        w = whole.value if isinstance(whole, ColumnFinding) else whole
        return ColumnFinding(_put(w, idx, part.value if isinstance(part, ColumnFinding) else part, n))
    if isinstance(part, Mask | bool) and isinstance(whole, Mask | bool | None):
        v = _mask(whole, n).copy() if whole is not None else np.zeros(n, dtype=bool)
        v[idx] = _mask(part, len(idx))
        return Mask(v)
    if isinstance(part, Cat | str) or (part is None and isinstance(whole, Cat | str)):
        v = _cat(whole, n).copy() if isinstance(whole, Cat | str) else np.full(n, None, dtype=object)
        v[idx] = _cat(part, len(idx)) if part is not None else None
        return Cat(v)
    if isinstance(part, Num | Decimal | int):
        p = Num.of(part, len(idx))
        w = Num.of(whole, n) if isinstance(whole, Num | Decimal | int) else Num(np.zeros(n, dtype=np.int64), 0)
        w, p = w.aligned(p)
        v, given = w.v.copy(), w.given.copy()
        if v.dtype != p.v.dtype:
            v = _widen(v)
        v[idx] = p.v
        given[idx] = p.given
        return Num(v, w.scale, given)
    raise TypeError(f"cannot set {type(part).__name__} rows in {type(whole).__name__}")


def _path(row: Any, path: str) -> Any:
    for name in path.split("."):
        row = getattr(row, name)
    return row


# ── a block of rows ─────────────────────────────────────────────────────────────────────────────────────────


def _column(values: Sequence[Any]) -> Any:
    """The column of one profile field (or classification value) over the rows, by the values' type."""
    n = len(values)
    sample = next((v for v in values if v is not None), None)
    given = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    if isinstance(sample, bool):
        return Mask(np.fromiter((bool(v) for v in values), dtype=bool, count=n))
    if isinstance(sample, Decimal | int):
        scale = 0
        for v in values:
            if v is not None:
                exponent = Decimal(v).as_tuple().exponent
                assert isinstance(exponent, int)
                scale = max(scale, -exponent)
        ints = [0 if v is None else int(Decimal(v).scaleb(scale)) for v in values]
        bound = max(map(abs, ints), default=0)
        return Num(np.array(ints, dtype=np.int64 if bound < _SAFE else object), scale, given)
    if isinstance(sample, date):
        epoch = date(1970, 1, 1)
        return Day(np.array([epoch if d is None else d for d in values], dtype="datetime64[D]"), given)
    if sample is None:  # (given in no row: absent everywhere; kit.value_or supplies the default's kind)
        return Absent(n)
    v = np.empty(n, dtype=object)
    v[:] = list(values)
    return Cat(v)


class Absent:
    """An optional field given in no row of the block."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def present(self) -> Mask:
        return Mask(np.zeros(self.n, dtype=bool))

    def value_or(self, default: Any) -> Any:
        if isinstance(default, date):
            return Day.of(default, self.n)
        if isinstance(default, Decimal | int):
            return Num.of(default, self.n)
        return default


class Fields:
    """A profile section (or the profile, or the i-th element of a list of sections) over the rows: an attribute is
    the column of that field. `given` marks the rows that have the section (an element of a shorter list: not)."""

    def __init__(self, rows: Sequence[Any], given: Array | None = None, fixed: Mapping[str, Any] | None = None) -> None:
        self._rows = rows
        self._given = given
        self._fixed = fixed or {}  # dotted path → the one value every row has (kit.columnar's `by`)
        self._columns: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        column = self._columns.get(name)
        if column is None:
            if name in self._fixed:
                column = self._fixed[name]
            else:
                values = [None if row is None else getattr(row, name) for row in self._rows]
                column = _field(values)
                inner = {k[len(name) + 1 :]: v for k, v in self._fixed.items() if k.startswith(name + ".")}
                if inner and isinstance(column, Fields):
                    column = Fields(values, column._given, inner)
            self._columns[name] = column
        return column

    def present(self) -> Mask:
        n = len(self._rows)
        return Mask(np.ones(n, dtype=bool) if self._given is None else self._given)


class Seq:
    """A list field over the rows (quarters' or months' sales, machines, first-set items): as long as the longest
    row's; `seq[i]` is the column of the i-th elements (not given in a row with fewer)."""

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._width = max(map(len, rows), default=0)

    def __len__(self) -> int:
        return self._width

    def __getitem__(self, i: int) -> Any:
        if not -self._width <= i < self._width:
            raise IndexError(i)
        i %= self._width
        values = [row[i] if i < len(row) else None for row in self._rows]
        return _field(values)

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._width))

    def lengths(self) -> Num:
        """Each row's number of elements."""
        return Num(np.fromiter(map(len, self._rows), dtype=np.int64, count=len(self._rows)), 0)


def _field(values: list[Any]) -> Any:
    """The column of a field's values over the rows: a section, a list, or a value."""
    sample = next((v for v in values if v is not None), None)
    if hasattr(sample, "__dataclass_fields__"):
        given = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
        return Fields(values, given)
    if isinstance(sample, tuple):
        return Seq([() if v is None else v for v in values])
    return _column(values)


@dataclass(frozen=True, slots=True)
class ColumnFinding:
    """A classification over the rows (its value column); its reasons are not kept."""

    value: Any


@dataclass(frozen=True)
class Block:
    """One (jurisdiction, tax year) group of rows: what the row engine left for each (its Context: profile,
    classifications, CIT summary, VAT payable), the parameters (under the reform), the policies the jurisdiction
    offers with their place in a row's items, and those not computed that year (engine.settled)."""

    jurisdiction: str
    year: int
    rows: Sequence[Context]
    params: ParamSet
    offered: Mapping[str, PolicyInfo]
    positions: Mapping[str, int]
    settled: Mapping[str, Any]


class _Engine(Protocol):
    def param_set(self, jurisdiction: str, year: int) -> ParamSet: ...


def group(rows: Sequence[RowResult], engine: _Engine) -> list[tuple[Block, list[RowResult]]]:
    """The computed rows (each with its `pending` profile and classification) as blocks by jurisdiction and year,
    in the order each pair first appears; each block's rows in their order."""
    from ..engine import settled
    from ..params import catalogue

    by_key: dict[tuple[str, int], list[RowResult]] = {}
    for r in rows:
        assert r.pending is not None and r.year is not None
        by_key.setdefault((r.jurisdiction, r.year), []).append(r)
    blocks = []
    for (jurisdiction, year), members in by_key.items():
        offered = {p.id: p for p in catalogue(jurisdiction)}
        block = Block(
            jurisdiction,
            year,
            [r.pending for r in members if r.pending is not None],
            engine.param_set(jurisdiction, year),
            offered,
            {pid: i for i, pid in enumerate(offered)},
            settled(jurisdiction, year),
        )
        blocks.append((block, members))
    return blocks


class ColumnItem:
    """kit.ItemBuilder's counterpart over a block: the conditions' mask and, once given, the amounts."""

    __slots__ = ("eligible", "policy")

    def __init__(self, policy: str, n: int) -> None:
        self.policy = policy
        self.eligible = Mask(np.ones(n, dtype=bool))

    def because(self, message: str, **values: Any) -> ColumnItem:
        return self

    def because_when(self, holds: Any, message: str, values: Any = None) -> None:
        return None

    def cite(self, finding: Any) -> None:
        return None

    def step(self, message: str, **values: Any) -> None:
        return None

    def require(self, holds: Mask | bool, message: str, values: Any = None, met: str = "") -> None:
        self.eligible = self.eligible & holds

    def give(self, amount: Num | Decimal | int) -> tuple[str, Array, Array]:
        n = len(self.eligible.v)
        fen = Num.of(amount, n).fen()
        return self.policy, self.eligible.v, np.where(self.eligible.v, fen, 0)

    def component(self, name: str, value: Num | Decimal | int) -> Num:
        """A named part of the amount, rounded half-up to the fen (kit.ItemBuilder.component)."""
        return Num(Num.of(value, len(self.eligible.v)).fen(), 2)


class ColumnContext:
    """kit.Context's counterpart over a block: the profile's fields and the classifications as columns, the
    parameters as scalars (one jurisdiction and year), lookups by a column of days or names."""

    def __init__(self, block: Block, fixed: Mapping[str, Any] | None = None) -> None:
        rows = block.rows
        self.block = block
        self.n = len(rows)
        self.profiles = [r.profile for r in rows]
        self.profile = Fields(self.profiles, fixed=fixed)
        names = rows[0].classification.keys() if rows else ()
        self.classification: dict[str, Any] = {
            name: ColumnFinding(_column([r.classification[name].value for r in rows])) for name in names
        }
        keys = rows[0].cit.keys() if rows else ()
        self.cit: dict[str, Any] = {key: _column([r.cit.get(key) for r in rows]) for key in keys}
        self.vat_payable: Any = _column([r.vat_payable for r in rows])
        self.params = block.params
        self.offered = block.offered
        self.year = block.year
        self.year_end = date(block.year, 12, 31)
        self.outcomes: dict[str, tuple[Array, Array]] = {}
        self.taken: tuple[dict[str, Any], dict[str, Any], Any] = ({}, {}, None)  # a part's state as taken (absorb)

    def fixing(self, fixed: Mapping[str, Any]) -> ColumnContext:
        """This context with the `by` fields read as the single value every row has (the state is shared)."""
        view = copy.copy(self)
        view.profile = Fields(self.profiles, fixed=fixed)
        return view

    def part(self, idx: Array, fixed: Mapping[str, Any]) -> ColumnContext:
        """The rows `idx` of the block as a context of their own, the `by` fields fixed."""
        part = copy.copy(self)
        part.n = len(idx)
        part.profiles = [self.profiles[i] for i in idx.tolist()]
        part.profile = Fields(part.profiles, fixed=fixed)
        part.classification = {k: _take(v, idx) for k, v in self.classification.items()}
        part.cit = {k: _take(v, idx) for k, v in self.cit.items()}
        part.vat_payable = _take(self.vat_payable, idx)
        part.outcomes = {}
        part.taken = (dict(part.classification), dict(part.cit), part.vat_payable)
        return part

    def absorb(self, part: ColumnContext, idx: Array) -> None:
        """A part's outcomes and the state it changed, put back at its rows."""
        n = self.n
        for policy, (eligible, amount) in part.outcomes.items():
            whole_eligible, whole_amount = self.outcomes.get(
                policy, (np.zeros(n, dtype=bool), np.zeros(n, dtype=amount.dtype))
            )
            if whole_amount.dtype != amount.dtype:
                whole_amount, amount = _widen(whole_amount), _widen(amount)
            whole_eligible[idx], whole_amount[idx] = eligible, amount
            self.outcomes[policy] = (whole_eligible, whole_amount)
        classification, cit, vat_payable = part.taken
        for name, finding in part.classification.items():
            if finding is not classification.get(name):
                self.classification[name] = _put(self.classification.get(name), idx, finding, n)
        for key, value in part.cit.items():
            if value is not cit.get(key):
                self.cit[key] = _put(self.cit.get(key), idx, value, n)
        if part.vat_payable is not vat_payable:
            self.vat_payable = _put(self.vat_payable, idx, part.vat_payable, n)

    def dec(self, name: str, on: date | None = None) -> Decimal:
        return self.params.number(name, on or self.year_end)

    def source(self, name: str, on: date | None = None) -> str:
        return self.params.source_on(name, on or self.year_end)

    def window_in_year(self, name: str) -> Window | None:
        windows = self.params.windows_in_year(name, self.year)
        return windows[0] if windows else None

    def lookup(self, name: str | Cat, on: date | Day | None = None) -> Num:
        """A numeric parameter's value for each row on its day (or `on`), by its name or a column of names; not
        given (kit.present false) where the day is outside the parameter's windows."""
        day = on or self.year_end
        if isinstance(name, str) and isinstance(day, date):
            value = self.params.get_or_none(name, day)
            if value is None:
                return Num(np.zeros(self.n, dtype=np.int64), 0, np.zeros(self.n, dtype=bool))
            return Num.of(Decimal(value), self.n)
        names = name.v if isinstance(name, Cat) else [name] * self.n
        days = day.dates() if isinstance(day, Day) else [day] * self.n
        memo: dict[tuple[str, date], Decimal | None] = {}
        values: list[Decimal | None] = []
        for key in zip(names, days, strict=True):
            if key not in memo:
                raw = self.params.get_or_none(*key)
                memo[key] = None if raw is None else Decimal(raw)
            values.append(memo[key])
        column = _column(values)
        return column if isinstance(column, Num) else Num(np.zeros(self.n, dtype=np.int64), 0, column.present().v)

    def start(self, policy_id: str) -> ColumnItem:
        return ColumnItem(policy_id, self.n)

    def emit(self, outcome: tuple[str, Array, Array]) -> None:
        policy, eligible, amount = outcome
        if policy in self.offered:
            self.outcomes[policy] = (eligible, amount)


@dataclass(frozen=True)
class Outcome:
    """What the columnar families computed over a block, row by row: each policy's eligibility and amount (yuan,
    rounded to the fen), and the classifications they decided (small low-profit, by the CIT chain)."""

    items: dict[str, tuple[list[bool], list[Decimal]]]
    classification: dict[str, list[Any]]


def _run(family: RuleFamily, ctx: ColumnContext) -> None:
    """The family over the block — once for each value of its `by` fields among the rows, each part's outcomes and
    the state it leaves (classifications, CIT summary, VAT payable) put back in the block's columns."""
    by: tuple[str, ...] = getattr(family, "columnar_by", ())
    if not by:
        family(ctx)  # type: ignore[arg-type]
        return
    parts: dict[tuple[Any, ...], list[int]] = {}
    for i, profile in enumerate(ctx.profiles):
        parts.setdefault(tuple(_path(profile, path) for path in by), []).append(i)
    if len(parts) == 1:
        ((key, _),) = parts.items()
        family(ctx.fixing(dict(zip(by, key, strict=True))))  # type: ignore[arg-type]
        return
    for key, rows in parts.items():
        idx = np.array(rows, dtype=np.int64)
        part = ctx.part(idx, dict(zip(by, key, strict=True)))
        family(part)  # type: ignore[arg-type]
        ctx.absorb(part, idx)


def evaluate(block: Block, families: Sequence[RuleFamily]) -> Outcome:
    """Run the families over the block (in the engine's order)."""
    ctx = ColumnContext(block)
    decided_before = dict(ctx.classification)
    for family in families:
        _run(family, ctx)
    items: dict[str, tuple[list[bool], list[Decimal]]] = {}
    for policy, (eligible, amount) in ctx.outcomes.items():
        items[policy] = (eligible.tolist(), [Decimal(int(f)).scaleb(-2) if f else _ZERO for f in amount.tolist()])
    decided = {
        name: _values(finding.value, ctx.n)
        for name, finding in ctx.classification.items()
        if finding is not decided_before.get(name)
    }
    return Outcome(items, decided)


def _values(column: Any, n: int) -> list[Any]:
    """A classification's column as the row engine's values (bool, str or None per row)."""
    if isinstance(column, Mask):
        return [bool(v) for v in column.v.tolist()]
    if isinstance(column, Cat):
        return list(column.v.tolist())
    if isinstance(column, bool | str) or column is None:
        return [column] * n
    raise TypeError(f"a classification column of {type(column).__name__}")


_ZERO = Decimal(0).quantize(FEN)
