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
from functools import cached_property, lru_cache, partial
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Any

import numpy as np

from ..classify import classify, match_group
from ..model import Finding
from ..money import CONTEXT, FEN
from ..rules import FAMILIES
from ..rules.eligible_only import eligible_only_groups, eligible_only_outcomes
from ..rules.kit import RuleFamily
from ..schema.profile import Profile

if TYPE_CHECKING:
    from ..model import PolicyInfo
    from ..params import Parameter, ParamSet, Window
    from ..rules.kit import Context


def _classification(ctx: ColumnContext) -> None:
    """A2–A4 over a block whose rows the row engine did not classify (classify.py, written for both). classify
    reads the sector only through the two size tables' groups and whether it is in section C (manufacturing): the
    rows are taken in parts by those three, each part classified once with one of its sectors standing for all."""
    keys: dict[str, tuple[str, str, bool]] = {}

    def by_groups(values: tuple[Any, ...]) -> Any:
        sector = values[0]
        if sector not in keys:
            keys[sector] = _sector_key(sector)
        return keys[sector]

    fixed = {"jurisdiction": ctx.block.jurisdiction, "year": ctx.year}
    for standing, idx in _parts(ctx, ("sector",), by_groups):
        part = ctx.view(idx, {**fixed, **standing})
        found = classify(part.profile, ctx.params)  # type: ignore[arg-type]
        part.classification.update({name: ColumnFinding(f.value) for name, f in found.items()})
        ctx.merge(part, idx)


def _sector_key(sector: str) -> tuple[str, str, bool]:
    """What classify reads of a sector: its group in each size table, and whether it is manufacturing."""
    return match_group("size_standard", sector)[0].id, match_group("sme_equipment", sector)[0].id, sector[:1] == "C"


def _eligible_only(ctx: ColumnContext) -> None:
    """The eligible-only benefits no family computed (rules/eligible_only.py): each distinct combination of the facts
    their conditions read is judged once by that module's own rule, and its outcome given to every row that has it."""
    facts = {
        "entity": ctx.profile.entity.v,
        "sector": ctx.profile.sector.v,
        "size_class": ctx.classification["size_class"].value.v,
        "taxpayer": ctx.profile.vat.taxpayer.v,
        "tech_sme": ctx.profile.tech_sme.v,
    }
    for reads, infos in eligible_only_groups(ctx.block.jurisdiction):
        keys = list(zip(*(facts[fact].tolist() for fact in reads), strict=True)) if reads else [()] * ctx.n
        distinct = list(dict.fromkeys(keys))
        number = {key: k for k, key in enumerate(distinct)}
        which = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=ctx.n)
        judged = [eligible_only_outcomes(ctx.block.jurisdiction, reads, key) for key in distinct]
        for info in infos:
            if info.id not in ctx.outcomes:
                by_key = np.array([outcomes[info.id].eligible for outcomes in judged], dtype=bool)
                ctx.outcomes[info.id] = (by_key[which], None)


__all__ = [
    "COLUMNAR",
    "Block",
    "Cat",
    "Day",
    "Fields",
    "Mask",
    "Num",
    "Outcome",
    "Seq",
    "evaluate",
    "fixed_point",
    "whole_rows",
]

# the rule families evaluated over columns, in the engine's order: those marked @kit.columnar (the rest run row by
# row; engine.evaluate(deferred=…)) — a family whose state a later family reads (kit.read_by) only when that one is
# marked too
_MARKED = {f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}" for _, f in FAMILIES if hasattr(f, "columnar_by")}
COLUMNAR: tuple[RuleFamily, ...] = tuple(
    f for _, f in FAMILIES if hasattr(f, "columnar_by") and _MARKED.issuperset(getattr(f, "read_by", ()))
)

_SAFE = 1 << 62  # an int64 product or sum whose operands' magnitudes stay below this cannot overflow
Array = Any  # a numpy array (numpy's stubs are not part of mypy's check here)


def _bound(values: Array) -> int:
    """The largest magnitude in an integer array, as a Python integer."""
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def _widen(values: Array) -> Array:
    return values if values.dtype == object else values.astype(object)


def fixed_point(value: Decimal | int) -> tuple[int, int]:
    """An exact number as (integer, scale): value = integer / 10**scale, at the Decimal's own scale (0 for a whole
    number): Decimal("12.50") → (1250, 2)."""
    if type(value) is int:
        return value, 0
    number = Decimal(value)
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int), value  # (never NaN or infinite: parameters and inputs refuse them)
    if exponent >= 0:
        return int(number), 0  # (exact: a whole number)
    if len(digits) <= CONTEXT.prec:  # (the coefficient fits the context: shifting it is exact)
        return int(number.scaleb(-exponent, CONTEXT)), -exponent
    return int("".join(map(str, digits))) * (-1 if sign else 1), -exponent


_constant = lru_cache(maxsize=1024)(fixed_point)  # (a rule's constants and parameters: few, met again and again)


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
        if x.v.dtype != y.v.dtype:
            x, y = Num(_widen(x.v), x.scale, x._given, x._b), Num(_widen(y.v), y.scale, y._given, y._b)
        bound = max(x.bound(), y.bound())
        given = None if x._given is None and y._given is None else np.where(self.v, x.given, y.given)
        return Num(np.where(self.v, x.v, y.v), x.scale, given, bound)


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
    value was given (None in the profile: 0 here, absent for kit.present). `bound` ≥ every |v| (kept through the
    arithmetic, so that the int64 arrays widen to Python integers before an operation could overflow)."""

    __slots__ = ("_b", "_given", "scale", "v")

    def __init__(self, v: Array, scale: int, given: Array | None = None, bound: int | None = None) -> None:
        self.v = v
        self.scale = scale
        self._given = given  # (None: given in every row — the array is made only when asked for)
        self._b = bound

    @property
    def given(self) -> Array:
        if self._given is None:
            self._given = np.ones(len(self.v), dtype=bool)
        return self._given

    def bound(self) -> int:
        """An upper bound of the magnitudes (computed once when no operation gave it)."""
        if self._b is None:
            self._b = _bound(self.v)
        return self._b

    @staticmethod
    def of(value: Num | Decimal | int, n: int) -> Num:
        if isinstance(value, Num):
            return value
        integer, scale = _constant(value)
        dtype = np.int64 if abs(integer) < _SAFE else object
        return Num(np.full(n, integer, dtype=dtype), scale, None, abs(integer))

    def rescaled(self, scale: int) -> Num:
        """The same numbers over 10**scale (scale ≥ self.scale)."""
        if scale == self.scale:
            return self
        factor = 10 ** (scale - self.scale)
        bound = self.bound() * factor
        v = self.v if factor < _SAFE and bound < _SAFE else _widen(self.v)  # (all 0: the factor alone may not fit)
        return Num(v * factor, scale, self._given, bound)

    def aligned(self, other: Num) -> tuple[Num, Num]:
        scale = max(self.scale, other.scale)
        return self.rescaled(scale), other.rescaled(scale)

    def _other(self, other: Num | Decimal | int) -> Num:
        return Num.of(other, len(self.v))

    def __add__(self, other: Num | Decimal | int) -> Num:
        a, b = self.aligned(self._other(other))
        bound = a.bound() + b.bound()
        va, vb = (a.v, b.v) if bound < _SAFE else (_widen(a.v), _widen(b.v))
        return _in_context(Num(va + vb, a.scale, None, bound))

    __radd__ = __add__

    def __neg__(self) -> Num:
        return Num(-self.v, self.scale, None, self._b)

    def __sub__(self, other: Num | Decimal | int) -> Num:
        return self + (-self._other(other))

    def __rsub__(self, other: Num | Decimal | int) -> Num:
        return self._other(other) + (-self)

    def __mul__(self, other: Num | Decimal | int) -> Num:
        b = self._other(other)
        bound = self.bound() * b.bound()
        va, vb = (self.v, b.v) if bound < _SAFE else (_widen(self.v), _widen(b.v))
        return _in_context(Num(va * vb, self.scale + b.scale, None, bound))

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
        return Num(np.maximum(a.v, b.v), a.scale, None, max(a.bound(), b.bound()))

    def minimum(self, other: Num | Decimal | int) -> Num:
        a, b = self.aligned(self._other(other))
        return Num(np.minimum(a.v, b.v), a.scale, None, max(a.bound(), b.bound()))

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
        v = self.v if self.bound() + unit < _SAFE else _widen(self.v)
        magnitude = (np.abs(v) * 2 + unit) // (2 * unit)
        fen = np.where(v < 0, -magnitude, magnitude)
        # (an amount in fen fits int64 even when its 40 digits did not: the totals and lines that follow stay there)
        return fen.astype(np.int64) if fen.dtype == object and self.bound() // unit < _SAFE else fen

    def __floordiv__(self, other: Num | Decimal | int) -> Num:
        """The integer quotient, truncated toward zero as Decimal's // is (a non-zero divisor: a parameter)."""
        a, b = self.aligned(self._other(other))
        q = np.abs(a.v) // np.abs(b.v)
        return Num(np.where((a.v < 0) != (b.v < 0), -q, q), 0)

    def to_fen(self) -> Num:
        """The numbers rounded half-up to the fen, as numbers (money.quantize; kit.fen)."""
        return Num(self.fen(), 2, self._given)

    def quotient(self, denominator: Num | Decimal | int) -> Num:
        """self ÷ denominator as the row engine's Decimal context gives it (kit.divide): the exact quotient rounded
        half-up to 40 significant digits (money.CONTEXT); 0 where the denominator is 0."""
        d = self._other(denominator)
        num = _widen(self.v) * 10**d.scale
        den = _widen(d.v) * 10**self.scale  # (the quotient is num ÷ den exactly)
        zero = den == 0
        den = np.where(zero, 1, den)
        places = CONTEXT.prec + 2 + len(str(_bound(den)))  # (enough for the 40th digit of any non-zero quotient)
        q = np.abs(num) * 10**places // np.abs(den)  # (truncated below it: half-up from there is exact rounding)
        signed = np.where(zero, 0, np.where((num < 0) != (den < 0), -q, q))
        return Num(signed, places).significant(CONTEXT.prec)

    def rquotient(self, numerator: Num | Decimal | int) -> Num:
        """numerator ÷ self (kit.divide with a number over a column)."""
        return self._other(numerator).quotient(self)

    def significant(self, digits: int) -> Num:
        """The numbers rounded half-up to `digits` significant digits, as a Decimal context of that precision leaves
        a result (kit.context_rounded); an int64 column (at most 19 digits) is left as it is."""
        assert digits >= 19, digits
        if self.v.dtype != object:
            return self
        negative = self.v < 0
        signed = bool(negative.any())
        magnitude = np.abs(self.v) if signed else self.v
        length = _digits(magnitude)
        cut = length - digits
        np.maximum(cut, 0, out=cut)  # (the digits rounded away: none where there are no more than that)
        rounded = (magnitude + _HALVES[cut]) // _POWERS[cut]  # (half-up, over each row's unit)
        # the trailing zeros every row now has dropped from the scale (a quotient's 60-odd places hold 40 digits): the
        # same numbers over a smaller power of ten — back in int64 when they fit, as a terminating quotient does
        nonzero = length > 0
        k = min(int(cut[nonzero].min()) if nonzero.any() else self.scale, self.scale)
        shift = cut - k
        if shift.any():
            rounded = rounded * _POWERS[shift]
        top = int(length.max()) - k if length.size else 0
        bound = 10**top
        if signed:
            rounded[negative] = -rounded[negative]
        if bound < _SAFE:
            rounded = rounded.astype(np.int64)
        return Num(rounded, self.scale - k, self._given, bound)


_BIT_LENGTH = np.frompyfunc(int.bit_length, 1, 1)


def _digits(magnitude: Array) -> Array:
    """The decimal digits of each non-negative integer (0 for 0): d with 10**(d-1) ≤ x < 10**d. From its bits b
    (2**(b-1) ≤ x < 2**b), d − 1 is ⌊b·log10 2⌋ or one less; one comparison with that power of ten decides."""
    bits = np.asarray(_BIT_LENGTH(magnitude), dtype=np.int64)
    guess = bits * 30103 // 100000  # ⌊b·log10 2⌋: exact for every b up to 13,300 (checked), past _POWERS' 400 digits
    return guess + (magnitude >= _POWERS[guess])


_CONTEXT_LIMIT = 10**CONTEXT.prec
_POWERS = np.array([10**k for k in range(400)], dtype=object)  # (Num.significant: digits by search)
_HALVES = _POWERS // 2  # (half of each unit: 0 for 1)


def _in_context(n: Num) -> Num:
    """A result as the row engine's Decimal context leaves it (money.CONTEXT: 40 significant digits, half-up): exact
    as it is while no value can have more digits (every sum and product of the profile's figures and the
    parameters), else each value rounded there (what follows a division: Decimal rounds every operation)."""
    return n if n.bound() < _CONTEXT_LIMIT else n.significant(CONTEXT.prec)


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

    def to_fen(self) -> Num:
        """The exact quotients rounded half-up (away from zero at the half) to the fen (kit.fen)."""
        num, den = self.num, self.den  # (den > 0)
        shift = den.scale + 2 - num.scale  # fen = num.v·10^shift ÷ den.v
        up, down = 10 ** max(shift, 0), 10 ** max(-shift, 0)
        a, b = num.v, den.v
        if (_bound(a) * up + _bound(b) * down) * 2 >= _SAFE:
            a, b = _widen(a), _widen(b)
        a, b = a * up, b * down
        magnitude = (np.abs(a) * 2 + b) // (2 * b)
        return Num(np.where(a < 0, -magnitude, magnitude), 2)

    def __mul__(self, other: Num | Decimal | int) -> Ratio:
        """(num × other) ÷ den: a quotient times a number, still exact (B18's interest ÷ 12 × share)."""
        return Ratio(self.num * other, self.den)

    __rmul__ = __mul__

    def fen(self) -> Array:
        """The quotients rounded half-up to the fen, exactly, as integer fen (to_fen's integers)."""
        return self.to_fen().v


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

    def get(self, key: Any) -> Cat:
        """Each row's mapping's value at `key` (a YearMap field: history.small_low_profit), None where not given."""
        out = np.empty(len(self.v), dtype=object)
        out[:] = [None if m is None else m.get(key) for m in self.v]
        return Cat(out)

    def value_or(self, default: Any) -> Any:
        """The values where given, else `default`: a Mask when the default is a flag (a YearMap of flags)."""
        given = self.v != None  # noqa: E711 (elementwise)
        if isinstance(default, bool):
            return Mask(np.where(given, self.v, default).astype(bool))
        return Cat(np.where(given, self.v, default))


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
    if isinstance(column, Fields):
        return column.view(idx, {})
    if isinstance(column, Seq):
        return Seq(column._rows, column, idx)
    if isinstance(column, Num):
        return Num(column.v[idx], column.scale, None if column._given is None else column._given[idx])
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
    if part is None and whole is None:  # (a classification no row has a value of: A4 outside manufacturing)
        return None
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


_is_given = partial(is_not, None)  # (a value is given: not None)


def _column(values: Sequence[Any]) -> Any:
    """The column of one profile field (or classification value) over the rows, by the values' type. Each distinct
    value is converted once (a field is mostly its default, or a few values repeated)."""
    n = len(values)
    distinct = set(values)
    has_none = None in distinct
    distinct.discard(None)
    if not distinct:  # (given in no row: absent everywhere; kit.value_or supplies the default's kind)
        return Absent(n)
    sample = next(iter(distinct))
    given = np.fromiter(map(_is_given, values), dtype=bool, count=n) if has_none else np.ones(n, dtype=bool)
    if isinstance(sample, bool):
        return Mask(np.fromiter(map(bool, values), dtype=bool, count=n))  # (a flag, or None: not given, false)
    if isinstance(sample, Decimal | int):
        exponents = (v.as_tuple().exponent if isinstance(v, Decimal) else 0 for v in distinct)
        scale = max(0, *(-e for e in exponents if isinstance(e, int)))
        scaled = {v: int(Decimal(v).scaleb(scale)) for v in distinct}
        if len(scaled) == 1 and not has_none:
            return Num.of(Decimal(scaled[sample]).scaleb(-scale), n)
        scaled[None] = 0
        bound = max(map(abs, scaled.values()))
        dtype = np.int64 if bound < _SAFE else object
        ints = np.fromiter(map(scaled.__getitem__, values), dtype=dtype, count=n)
        return Num(ints, scale, given)
    if isinstance(sample, date):  # (each distinct day counted from the epoch once: days are few, rows many)
        epoch = date(1970, 1, 1)
        days = {d: (d - epoch).days for d in distinct}
        days[None] = 0
        return Day(np.fromiter(map(days.__getitem__, values), dtype=np.int64, count=n).view("datetime64[D]"), given)
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


class Prepared:
    """The fields of a section (or the profile, or a table's row), or the elements of a list, read column by column
    from a chunk's cells (batch/cells.py) instead of from profiles: each column made once, when first asked for."""

    __slots__ = ("_made", "_makers", "n")

    def __init__(self, n: int, makers: Mapping[Any, Callable[[], Any]]) -> None:
        self.n = n
        self._makers = makers
        self._made: dict[Any, Any] = {}

    def __len__(self) -> int:
        return self.n

    def width(self) -> int:
        """The number of elements (a list's)."""
        return len(self._makers)

    def column(self, key: Any) -> Any:
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._makers[key]()
        return made


class Fields:
    """A profile section (or the profile, or the i-th element of a list of sections) over the rows: an attribute is
    the column of that field, converted once. `given` marks the rows that have the section (an element of a shorter
    list: not). `view(idx, fixed)` is the same fields at the rows `idx` (a part of the block: kit.columnar's `by`),
    taken from the columns already converted, with `fixed` dotted paths read as the one value those rows have."""

    block = True  # (what classify.py and the rules ask to know they are given columns: no reasons to build)

    def __init__(
        self,
        rows: Sequence[Any] | Prepared,
        given: Array | None = None,
        fixed: Mapping[str, Any] | None = None,
        parent: Fields | None = None,
        idx: Array | None = None,
    ) -> None:
        self._rows = rows
        self._given = given
        self._fixed = fixed or {}  # dotted path → the one value every row has (kit.columnar's `by`)
        self._parent = parent  # a view: the block's fields, and the rows of this part
        self._idx = idx
        self._columns: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        column = self._columns.get(name)
        if column is None:
            inner = {k[len(name) + 1 :]: v for k, v in self._fixed.items() if k.startswith(name + ".")}
            if name in self._fixed:
                column = self._fixed[name]
            elif self._parent is not None:
                assert self._idx is not None
                column = _take(getattr(self._parent, name), self._idx)
            elif isinstance(self._rows, Prepared):  # (read from cells: batch/cells.py)
                column = self._rows.column(name)
            else:
                get = attrgetter(name)
                rows = self._rows
                column = _field(list(map(get, rows)) if self._given is None else [r and get(r) for r in rows])
            if inner and isinstance(column, Fields):
                column = column.view(None, inner)
            self._columns[name] = column
        return column

    def __len__(self) -> int:
        return len(self._rows) if self._idx is None else len(self._idx)

    def view(self, idx: Array | None, fixed: Mapping[str, Any]) -> Fields:
        """These fields at the rows `idx` (None: all), the `fixed` paths single values."""
        if idx is None:
            return Fields(self._rows, self._given, {**self._fixed, **fixed}, self._parent, self._idx)
        given = None if self._given is None else self._given[idx]
        return Fields(self._rows, given, fixed, self, idx)

    def present(self) -> Mask:
        if self._given is not None:
            return Mask(self._given)
        return Mask(np.ones(len(self), dtype=bool))


class Seq:
    """A list field over the rows (quarters' or months' sales, machines, first-set items): as long as the longest
    row's in the block; `seq[i]` is the column of the i-th elements (not given in a row with fewer)."""

    def __init__(
        self, rows: Sequence[tuple[Any, ...]] | Prepared, parent: Seq | None = None, idx: Array | None = None
    ) -> None:
        self._rows = rows
        if parent is not None:
            self._width = len(parent)
        elif isinstance(rows, Prepared):
            self._width = rows.width()
        else:
            self._width = max(map(len, rows), default=0)
        self._parent = parent
        self._idx = idx
        self._elements: dict[int, Any] = {}

    def __len__(self) -> int:
        return self._width

    def __getitem__(self, i: int) -> Any:
        if not -self._width <= i < self._width:
            raise IndexError(i)
        i %= self._width
        element = self._elements.get(i)
        if element is None:
            if self._parent is not None:
                assert self._idx is not None
                element = _take(self._parent[i], self._idx)
            elif isinstance(self._rows, Prepared):
                element = self._rows.column(i)
            else:
                element = _field([row[i] if i < len(row) else None for row in self._rows])
            self._elements[i] = element
        return element

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._width))


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
    """A classification over the rows (its value column, or one value for all); its reasons are not kept."""

    value: Any


@dataclass(frozen=True)
class Block:
    """One (jurisdiction, tax year) group of rows: what the row engine left for each (its Context: profile,
    classifications, CIT summary, VAT payable), the parameters (under the reform), the policies the jurisdiction
    offers with their place in a row's items, and those not computed that year (engine.settled)."""

    jurisdiction: str
    year: int
    rows: Sequence[Context | Profile]  # (bare profiles when the row engine ran nothing: RowEngine.parse_only)
    params: ParamSet
    offered: Mapping[str, PolicyInfo]
    positions: Mapping[str, int]
    settled: Mapping[str, Any]
    fields: Fields | None = None  # the profiles' fields read from cells (batch/cells.py): then `rows` is empty

    @staticmethod
    def of(
        jurisdiction: str, year: int, rows: Sequence[Context | Profile], params: ParamSet, fields: Fields | None = None
    ) -> Block:
        """The block of these rows (or of these fields read from cells), with what follows from the jurisdiction and
        year (the catalogue, each policy's place in a row's items, engine.settled)."""
        from ..engine import settled
        from ..params import catalogue

        offered = {p.id: p for p in catalogue(jurisdiction)}
        positions = {pid: i for i, pid in enumerate(offered)}
        return Block(jurisdiction, year, rows, params, offered, positions, settled(jurisdiction, year), fields)

    @property
    def n(self) -> int:
        """The number of rows."""
        return len(self.rows) if self.fields is None else len(self.fields)

    @property
    def bare(self) -> bool:
        """Whether the row engine ran nothing on these rows (read from cells, or bare profiles)."""
        return self.fields is not None or (bool(self.rows) and isinstance(self.rows[0], Profile))


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

    def give(self, amount: Num | Ratio | Decimal | int) -> tuple[str, Array, Array]:
        n = len(self.eligible.v)
        fen = amount.fen() if isinstance(amount, Ratio) else Num.of(amount, n).fen()
        return self.policy, self.eligible.v, np.where(self.eligible.v, fen, 0)

    def component(self, name: str, value: Num | Ratio | Decimal | int) -> Num:
        """A named part of the amount, rounded half-up to the fen (kit.ItemBuilder.component; not kept here)."""
        return value.to_fen() if isinstance(value, Num | Ratio) else Num.of(value, len(self.eligible.v)).to_fen()


class ColumnContext:
    """kit.Context's counterpart over a block: the profile's fields and the classifications as columns, the
    parameters as scalars (one jurisdiction and year), lookups by a column of days or names."""

    def __init__(self, block: Block, fixed: Mapping[str, Any] | None = None) -> None:
        rows = block.rows
        self.block = block
        self.n = block.n
        contexts = [r for r in rows if not isinstance(r, Profile)]
        if block.fields is not None:
            self.profile = block.fields if not fixed else block.fields.view(None, fixed)
        else:
            self.profile = Fields([r if isinstance(r, Profile) else r.profile for r in rows], fixed=fixed)
        self.classification: dict[str, Any] = {}
        self.cit: dict[str, Any] = {}
        self.vat_payable: Any = Num(np.zeros(self.n, dtype=np.int64), 0)
        if contexts:  # (the row engine ran the families before these: what they left)
            names = contexts[0].classification.keys()
            self.classification = {
                name: ColumnFinding(_column([r.classification[name].value for r in contexts])) for name in names
            }
            keys = contexts[0].cit.keys()
            self.cit = {key: _column([r.cit.get(key) for r in contexts]) for key in keys}
            self.vat_payable = _column([r.vat_payable for r in contexts])
        self.params = block.params
        self.offered = block.offered
        self.year = block.year
        self.year_end = date(block.year, 12, 31)
        self.outcomes: dict[str, tuple[Array, Array | None]] = {}
        self.taken: tuple[dict[str, Any], dict[str, Any], Any] = ({}, {}, None)  # a part's state as taken (absorb)

    def fixing(self, fixed: Mapping[str, Any]) -> ColumnContext:
        """This context with the `by` fields read as the single value every row has (the state is shared)."""
        view = copy.copy(self)
        view.profile = self.profile.view(None, fixed)
        return view

    def per(self, path: str, rule: Callable[..., Any], *values: Any, key: Callable[[Any], Any] | None = None) -> Any:
        """kit.Context.per over the block: `rule(part, *values at its rows)` once for each `key` of the field's
        values (each value when no key), the field fixed there to one of the part's values; the results (columns,
        or findings: their value columns) put back at their rows."""
        result: Any = None
        for standing, idx in _parts(self, (path,), None if key is None else lambda v: key(v[0])):
            at = values if idx is None else tuple(_take(v, idx) for v in values)
            got = rule(self.view(idx, standing), *at)
            got = ColumnFinding(got.value) if isinstance(got, Finding) else got
            result = got if idx is None else _put(result, idx, got, self.n)
        return result

    def view(self, idx: Array | None, fixed: Mapping[str, Any]) -> ColumnContext:
        """The rows `idx` of the block as a context of their own (`part`), or the whole block (None: `fixing`), with
        the `fixed` fields single values there."""
        return self.fixing(fixed) if idx is None else self.part(idx, fixed)

    def merge(self, view: ColumnContext, idx: Array | None) -> None:
        """What a family left in `view(idx, …)` put back: at the part's rows (`absorb`), or all of it (`adopt`)."""
        if idx is None:
            self.adopt(view)
        else:
            self.absorb(view, idx)

    def adopt(self, view: ColumnContext) -> None:
        """The state a family left in a view of the whole block (`fixing`): what it rebound, not only what it
        changed in place (ctx.vat_payable = …)."""
        self.classification, self.cit, self.vat_payable, self.outcomes = (
            view.classification,
            view.cit,
            view.vat_payable,
            view.outcomes,
        )

    def part(self, idx: Array, fixed: Mapping[str, Any]) -> ColumnContext:
        """The rows `idx` of the block as a context of their own, the `by` fields fixed."""
        part = copy.copy(self)
        part.n = len(idx)
        part.profile = self.profile.view(idx, fixed)
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
            assert amount is not None, policy  # (eligible-only benefits are judged on the whole block)
            whole_eligible, whole_amount = self.outcomes.get(
                policy, (np.zeros(n, dtype=bool), np.zeros(n, dtype=amount.dtype))
            )
            assert whole_amount is not None
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
        if isinstance(name, str) and isinstance(day, Day) and name in self.params:
            by_windows = _on_days(self.params.parameter(name), day)
            if by_windows is not None:
                return by_windows
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

    def param(self, name: str, on: date | None = None) -> Any:
        """A parameter's value on `on` (default: the last day of the tax year), as kit.Context.param."""
        return self.params.get(name, on or self.year_end)

    def computes(self, policy_id: str) -> bool:
        """Whether the policy is computed in the block's year (kit.Context.computes)."""
        return policy_id in self.offered and policy_id not in self.block.settled

    def decide(self, name: str, value: Mask | bool) -> None:
        """A classification a family decides, as its value column (kit.decide)."""
        self.classification[name] = ColumnFinding(value)


class Outcome:
    """What the columnar families computed over a block: each policy's eligibility and amount in integer fen
    (`arrays`; None for an eligible-only benefit), the totals by kind in fen (`total_fen`: over the policies computed
    here, a bare block's all of them), the classifications they decided as each row's value (`classification`: small
    low-profit, by the CIT chain). batch/lines.py writes a block's lines from these; the row's forms — `items` (per
    policy each row's eligibility and yuan Decimal, rounded to the fen), `totals` (yuan), `nonzero` (each policy's
    rows whose amount is not 0) — are made when first asked for (RowEngine.complete's rows)."""

    def __init__(
        self,
        arrays: dict[str, tuple[Array, Array | None]],
        total_fen: dict[str, Array],
        classification: dict[str, list[Any]],
    ) -> None:
        self.arrays = arrays
        self.total_fen = total_fen
        self.classification = classification

    @cached_property
    def items(self) -> dict[str, tuple[list[bool], Sequence[Decimal | None]]]:
        return {
            policy: (eligible.tolist(), [None] * len(eligible) if amount is None else _yuan(amount))
            for policy, (eligible, amount) in self.arrays.items()
        }

    @cached_property
    def totals(self) -> dict[str, list[Decimal]]:
        return {kind: _yuan(total) for kind, total in self.total_fen.items()}

    @cached_property
    def nonzero(self) -> dict[str, list[int]]:
        return {
            policy: np.flatnonzero(amount).tolist() for policy, (_, amount) in self.arrays.items() if amount is not None
        }


def _parts(
    ctx: ColumnContext, paths: Sequence[str], key: Callable[[tuple[Any, ...]], Any] | None = None
) -> list[tuple[dict[str, Any], Array | None]]:
    """The block's rows in parts by the values of the profile fields `paths` (or by `key` of them): for each part,
    the values standing for it (its first row's) and its rows — None when one part holds every row. Each distinct
    combination of values is numbered once (its `key` taken once); the rows are grouped by those numbers in numpy."""
    columns = [_values(_path(ctx.profile, path), ctx.n) for path in paths]
    rows: Sequence[Any] = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
    number: dict[Any, int] = {}
    seen = number.setdefault
    codes = np.fromiter((seen(v, len(number)) for v in rows), dtype=np.int64, count=ctx.n)
    distinct = [(v,) if len(columns) == 1 else v for v in number]
    groups: dict[Any, int] = {}  # a part's key → its number, in the order the parts first appear
    standing: list[tuple[Any, ...]] = []
    part_of = np.empty(len(distinct), dtype=np.int64)
    for code, values in enumerate(distinct):
        k = values if key is None else key(values)
        if k not in groups:
            groups[k] = len(groups)
            standing.append(values)
        part_of[code] = groups[k]
    if not groups:
        return []
    if len(groups) == 1:
        return [(dict(zip(paths, standing[0], strict=True)), None)]
    which = part_of[codes]
    order = np.argsort(which, kind="stable")  # (a part's rows stay in their order)
    bounds = np.cumsum(np.bincount(which, minlength=len(groups)))[:-1]
    return [
        (dict(zip(paths, values, strict=True)), idx)
        for values, idx in zip(standing, np.split(order, bounds), strict=True)
    ]


def _run(family: RuleFamily, ctx: ColumnContext) -> None:
    """The family over the block — once for each value of its `by` fields among the rows, each part's outcomes and
    the state it leaves (classifications, CIT summary, VAT payable) put back in the block's columns."""
    by: tuple[str, ...] = getattr(family, "columnar_by", ())
    if not by:
        family(ctx)  # type: ignore[arg-type]
        return
    for standing, idx in _parts(ctx, by):
        part = ctx.view(idx, standing)
        family(part)  # type: ignore[arg-type]
        ctx.merge(part, idx)


def evaluate(block: Block, families: Sequence[RuleFamily]) -> Outcome:
    """Run the families over the block (in the engine's order). A block of bare profiles (the row engine ran
    nothing) is classified first and its eligible-only benefits judged last, as engine.evaluate does."""
    ctx = ColumnContext(block)
    bare = block.bare
    decided_before = {} if bare else dict(ctx.classification)
    if bare:
        _classification(ctx)
    for family in families:
        _run(family, ctx)
    if bare:
        _eligible_only(ctx)
    totals: dict[str, Array] = {}
    for policy, (_, amount) in ctx.outcomes.items():
        if amount is None:  # (an eligible-only benefit: no amount)
            continue
        if policy not in block.settled:
            kind = block.offered[policy].kind
            total = totals.get(kind)
            if total is not None and total.dtype != amount.dtype:
                total, amount = _widen(total), _widen(amount)
            totals[kind] = amount if total is None else total + amount
    decided = {
        name: _values(finding.value, ctx.n)
        for name, finding in ctx.classification.items()
        if finding is not decided_before.get(name)
    }
    return Outcome(dict(ctx.outcomes), totals, decided)


def _yuan(fen: Array) -> list[Decimal]:
    """Integer fen as yuan Decimals with two decimals (0.00 shared: most amounts are 0)."""
    out = [_ZERO] * len(fen)
    for i in np.flatnonzero(fen).tolist():
        out[i] = Decimal(int(fen[i])).scaleb(-2)
    return out


def _values(column: Any, n: int) -> list[Any]:
    """A classification's (or a `by` field's) column as the row engine's values (bool, str, int or None per row)."""
    if isinstance(column, Mask):
        return [bool(v) for v in column.v.tolist()]
    if isinstance(column, Cat):
        return list(column.v.tolist())
    if isinstance(column, Num) and column.scale == 0:  # (a count or a year: kit.columnar's `by` fields)
        return [v if g else None for v, g in zip(column.v.tolist(), column.given.tolist(), strict=True)]
    if isinstance(column, Absent):
        return [None] * n
    if isinstance(column, bool | str | int) or column is None:
        return [column] * n
    raise TypeError(f"a classification column of {type(column).__name__}")


_ZERO = Decimal(0).quantize(FEN)


def _on_days(param: Parameter, days: Day) -> Num | None:
    """A numeric parameter's value on each day of a column, from its windows without a loop over the rows (the
    first window holding a day wins, as Parameter.at; not given outside them); None when a window's value is not a
    number (ColumnContext.lookup then asks day by day)."""
    windows = param.windows
    if not all(isinstance(w.value, Decimal | int) and not isinstance(w.value, bool) for w in windows):
        return None
    constants = [_constant(w.value) for w in windows]
    scale = max((s for _, s in constants), default=0)
    integers = [integer * 10 ** (scale - s) for integer, s in constants]
    n = len(days.v)
    v = np.zeros(n, dtype=np.int64 if max(map(abs, integers), default=0) < _SAFE else object)
    given = np.zeros(n, dtype=bool)
    for w, integer in reversed(list(zip(windows, integers, strict=True))):
        held = (days.v >= np.datetime64(w.start, "D")) & (days.v <= np.datetime64(w.end, "D"))
        v[held] = integer
        given[held] = True
    return Num(v, scale, given)


def whole_rows(block: Block, outcome: Outcome) -> list[list[tuple[str, str, bool, Decimal | None, str]]]:
    """Each row's items (policy, kind, eligible, amount, status) in catalogue order, for rows the row engine only
    read: from the block's outcome, or the policy's status that year (engine.settled). Put together column by
    column — one shared tuple for the common items (ineligible or eligible at 0.00) — and turned into rows by
    numpy."""
    n = block.n
    columns = []
    for pid, info in block.offered.items():
        column = np.empty(n, dtype=object)
        held = block.settled.get(pid)
        if held is not None:
            column.fill((pid, info.kind, False, held.amount, held.status))
            columns.append(column)
            continue
        eligible, amounts = outcome.items[pid]
        zero = None if info.certainty == "eligible_only" else _ZERO
        column.fill((pid, info.kind, False, zero, "computed"))
        column[np.array(eligible, dtype=bool)] = _boxed((pid, info.kind, True, zero, "computed"))
        for i in outcome.nonzero.get(pid, ()):
            column[i] = (pid, info.kind, eligible[i], amounts[i], "computed")
        columns.append(column)
    if not columns:
        return [[] for _ in range(n)]
    rows: list[list[tuple[str, str, bool, Decimal | None, str]]] = np.stack(columns, axis=1).tolist()
    return rows


def _boxed(value: Any) -> Array:
    """A value as a 0-d object array: assigned to an array's rows whole (a tuple would be read as a row)."""
    box = np.empty((), dtype=object)
    box[()] = value
    return box
