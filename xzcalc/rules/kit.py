"""What a rule works with: the Context it reads (profile, classification, dated parameters) and the ItemBuilder that
turns its numbers and messages into a frozen Item.

A rule never formats a sentence: a reason or a step of arithmetic is a message id with the values used
(xzcalc.messages), rendered only when a view asks. Steps are kept only when the caller asked for the arithmetic
(explain); reasons always (a Msg is a tuple: cheap enough for a batch row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache, partial
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from ..messages import Msg
from ..model import EMPTY, Finding, Item, PolicyInfo
from ..money import CONTEXT, ZERO, quantize
from ..params import ParamSet, Window, catalogue
from ..params import policy as policy_info
from ..schema.profile import Profile

__all__ = [
    "NOTHING",
    "Condition",
    "Context",
    "ItemBuilder",
    "RuleFamily",
    "Values",
    "both",
    "columnar",
    "either",
    "maximum",
    "minimum",
    "negate",
    "present",
    "ratio",
    "sector_in",
    "select",
    "unmet",
    "value_or",
    "where",
]

T = TypeVar("T")
# Msg(id, values) in one C call: tuple.__new__ without the Python-level __new__ a NamedTuple is given (a row builds
# some twenty reasons this way)
_msg: Callable[[tuple[str, Mapping[str, Any]]], Msg] = partial(tuple.__new__, Msg)
NOTHING = quantize(ZERO)  # the amount of an ineligible item: 0.00


class ItemBuilder:
    """Collects one item's reasons, components and derivation; `done` or `ineligible` turns it into an Item.

    (A plain slotted class: a batch row starts about fifteen.) `jurisdiction` is the one whose catalogue `info` comes
    from ("" when it is not offered there): an item refused for one reason without values is then the same frozen
    Item for every row (_refusal)."""

    __slots__ = ("components", "explain", "failed", "info", "jurisdiction", "reasons", "trace")

    def __init__(self, info: PolicyInfo, explain: bool, jurisdiction: str = "") -> None:
        self.info = info
        self.explain = explain
        self.jurisdiction = jurisdiction
        self.reasons: list[Msg] = []
        self.trace: list[Msg] = []
        self.components: dict[str, Decimal] = {}
        self.failed: Msg | None = None  # the first condition `require` found unmet: nothing is said after it

    def because(self, message: str, **values: Any) -> ItemBuilder:
        """A reason: the message id (data/messages) and the values it shows."""
        if self.failed is None:
            self.reasons.append(_msg((message, values)))
        return self

    def because_when(self, holds: bool, message: str, values: Values = MappingProxyType({})) -> None:
        """A reason given only when `holds` (a row's condition; a column's in the batch, where reasons are not
        kept). `values` may be a function giving them, called only when the reason is given."""
        if holds and self.failed is None:
            self.reasons.append(_msg((message, values() if callable(values) else values)))

    def require(self, holds: bool, message: str, values: Values = MappingProxyType({}), met: str = "") -> None:
        """An eligibility condition: when it fails (and none failed before), `message` with `values` says why and
        the item will be ineligible (`give`); when it holds, `met` (if given) says so, with the same values. After
        a failure nothing more is said: the rule reads on, as a column evaluation does, but the item stops where
        the clause does."""
        if self.failed is not None or (holds and not met):
            return
        shown = values() if callable(values) else values
        if holds:
            self.reasons.append(_msg((met, shown)))
        else:
            self.failed = _msg((message, shown))

    def cite(self, finding: Finding) -> None:
        """The reasons of a classification the item rests on, as the item's own."""
        if self.failed is None:
            self.reasons.extend(finding.reasons)

    def step(self, message: str, **values: Any) -> None:
        """One line of the derivation (kept only when the arithmetic was asked for)."""
        if self.explain and self.failed is None:
            self.trace.append(_msg((message, values)))

    def give(self, amount: Decimal) -> Item:
        """The item: ineligible with the first failed condition (`require`) as its last reason, else eligible with
        `amount` (yuan, rounded here half-up to the fen)."""
        if self.failed is not None:
            failed, self.failed = self.failed, None
            return self.unmet(failed)
        return self.done(amount)

    def component(self, name: str, value: Decimal) -> Decimal:
        """A named part of the amount, rounded once to the fen; the amount is the sum of its components."""
        rounded = quantize(value)
        self.components[name] = rounded
        return rounded

    def done(self, amount: Decimal | None = None) -> Item:
        """Eligible, with `amount` (yuan, rounded here half-up to the fen) or the sum of the components."""
        if amount is None:
            amount = sum(self.components.values(), ZERO)
        final = quantize(amount)
        if self.components:
            assert final == sum(self.components.values(), ZERO), (self.info.id, self.components, amount)
        return Item(self.info, True, final, _frozen(self.components), tuple(self.reasons), tuple(self.trace))

    def fails(self, finding: Finding) -> Item:
        """Not eligible because of a classification: its first reason says why."""
        self.reasons.append(finding.reasons[0])
        return self.ineligible()

    def unmet(self, failed: Msg) -> Item:
        """Not eligible: the failed condition (from `unmet(...)`) as the last reason."""
        if self.jurisdiction and not (failed.values or self.reasons or self.trace):
            return _refusal(self.jurisdiction, self.info.id, failed.id)
        self.reasons.append(failed)
        return self.ineligible()

    def ineligible(self, message: str = "", **values: Any) -> Item:
        """Not eligible: amount 0.00 (None for eligible_only) and the failed condition as the last reason."""
        if message and self.jurisdiction and not (values or self.reasons or self.trace):
            return _refusal(self.jurisdiction, self.info.id, message)
        if message:
            self.because(message, **values)
        assert self.reasons, f"{self.info.id}: an ineligible item must say why"
        amount = None if self.info.certainty == "eligible_only" else NOTHING
        return Item(self.info, False, amount, EMPTY, tuple(self.reasons), tuple(self.trace))


def _frozen(components: dict[str, Decimal]) -> Mapping[str, Decimal]:
    return MappingProxyType(components) if components else EMPTY


@lru_cache(maxsize=4096)
def _refusal(jurisdiction: str, policy_id: str, message: str) -> Item:
    """The item of a policy offered in `jurisdiction` refused for one reason without values (an individual business
    where a clause reaches companies only, a general taxpayer for a small-scale measure): the same for every row."""
    info = _offered(jurisdiction)[policy_id]
    amount = None if info.certainty == "eligible_only" else NOTHING
    return Item(info, False, amount, EMPTY, (Msg(message),))


@cache
def _offered(jurisdiction: str) -> Mapping[str, PolicyInfo]:
    return MappingProxyType({p.id: p for p in catalogue(jurisdiction)})


@dataclass(slots=True)
class Context:
    """What a rule sees: the profile, its classification, the dated parameters, and what earlier families found
    (typed fields, not a free-form dict). The engine makes one per calculation; rules fill `items`."""

    profile: Profile
    params: ParamSet
    classification: dict[str, Finding]
    offered: Mapping[str, PolicyInfo]
    explain: bool
    year: int  # the tax year (the profile's)
    year_end: date  # its last day: the default date of a parameter lookup
    settled: Mapping[str, Item] = field(default_factory=dict)  # not computed this year (engine.settled): skip them
    items: dict[str, Item] = field(default_factory=dict)
    cit: dict[str, Decimal] = field(default_factory=dict)  # the CIT chain's summary (rules/income_tax.py)
    vat_payable: Decimal = ZERO  # VAT payable after relief, the surcharges' base (rules/vat.py → local_taxes.py)

    def param(self, name: str, on: date | None = None) -> Any:
        """A parameter's value on `on` (default: the last day of the tax year)."""
        return self.params.get(name, on or self.year_end)

    def dec(self, name: str, on: date | None = None) -> Decimal:
        """A numeric parameter as a Decimal. Raises DataError if it is not a number."""
        return self.params.number(name, on or self.year_end)

    def lookup(self, name: str, on: date | None = None) -> Decimal | None:
        """A numeric parameter's value on `on` (default: the last day of the tax year), None outside its windows (a
        measure not in force that day). The batch's columns answer for a column of names or days."""
        value = self.params.get_or_none(name, on or self.year_end)
        return None if value is None else Decimal(value)

    def windows_in_year(self, name: str) -> tuple[Window, ...]:
        """The dated windows of a parameter that overlap the tax year, each cut to the year (a measure in force for
        part of it, such as 2022年第28号's 2022-10-01..12-31)."""
        return self.params.windows_in_year(name, self.year)

    def window_in_year(self, name: str) -> Window | None:
        """The first of windows_in_year, or None."""
        windows = self.windows_in_year(name)
        return windows[0] if windows else None

    def source(self, name: str, on: date | None = None) -> str:
        """The clause a parameter is written in (data/params): that of its window in force on `on` (default: the last
        day of the tax year) when the windows cite their own, else the parameter's `source`."""
        return self.params.source_on(name, on or self.year_end)

    def offers(self, policy_id: str) -> bool:
        return policy_id in self.offered

    def computes(self, policy_id: str) -> bool:
        """Whether the policy is computed this tax year (offered, and neither not in force nor not computed)."""
        return policy_id in self.offered and policy_id not in self.settled

    def start(self, policy_id: str) -> ItemBuilder:
        info = self.offered.get(policy_id)
        if info is None:  # (not offered here: emit drops it)
            return ItemBuilder(policy_info(policy_id), self.explain)
        return ItemBuilder(info, self.explain, self.profile.jurisdiction)

    def emit(self, item: Item) -> None:
        """Keep the item if the jurisdiction offers its policy (a family may compute more than it offers)."""
        if item.policy.id in self.offered:
            self.items[item.policy.id] = item


RuleFamily = Callable[[Context], None]
F = TypeVar("F", bound=Callable[..., None])


def columnar(*, by: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Marks a family written wholly in this vocabulary: the batch runs it over columns (xzcalc/batch/columnar.py).
    `by` names profile fields (dotted paths: "entity", "vat.taxpayer") the family branches on with plain Python:
    the batch runs it once for each of their values among a block's rows, where each is a single value, not a
    column. Mark a family only when tests/test_columnar*.py prove both evaluators give the same bytes on its
    lines."""

    def mark(family: F) -> F:
        family.columnar_by = by  # type: ignore[attr-defined]
        return family

    return mark


# ── the vocabulary of a rule: conditions as data, arithmetic as expressions ───────────────────────────────────
# A rule states its eligibility as a list of Conditions and its amount as arithmetic over the profile, the
# classification and dated parameters (min, max, where, quantize), so that the same definition can later be
# evaluated over whole columns. Avoid control flow that only a scalar can take where an expression will do.


class Condition(NamedTuple):
    """One eligibility condition: whether it holds, and the message (id, values) that says why not when it fails."""

    holds: bool
    message: str
    values: Mapping[str, Any] = MappingProxyType({})


def unmet(*conditions: Condition) -> Msg | None:
    """The first condition that fails, as its message; None when all hold."""
    for c in conditions:
        if not c.holds:
            return _msg((c.message, c.values))
    return None


# The same rule runs on one profile (Decimals, bools, None for a value not given) and, in the batch, on columns
# (xzcalc/batch/columnar.py: exact integer columns, masks) — so a rule branches on a value only through these:
# a column value answers each of them with its own method of the same name.
Values = Mapping[str, Any] | Callable[[], Mapping[str, Any]]  # a message's values, or a function giving them


def where(condition: bool, then: T, otherwise: T) -> T:
    """`then` if the condition holds, else `otherwise` (numpy's where, on one value)."""
    if condition is True or condition is False:
        return then if condition else otherwise
    return condition.where(then, otherwise)


def select(cases: Iterable[tuple[bool, T]], default: T) -> T:
    """The value of the first case that holds, else `default` (numpy's select, on one value)."""
    pending = list(cases)
    if all(c is True or c is False for c, _ in pending):
        return next((value for holds, value in pending if holds), default)
    result = default
    for holds, value in reversed(pending):
        result = where(holds, value, result)
    return result


def negate(condition: bool) -> bool:
    """not `condition` (`~` on a column; `~` on a bool would be an integer)."""
    if condition is True or condition is False:
        return not condition
    return ~condition


def either(a: bool, b: bool) -> bool:
    """`a or b`, for a row or a column."""
    return a | b


def both(a: bool, b: bool) -> bool:
    """`a and b`, for a row or a column."""
    return a & b


def present(value: Any) -> bool:
    """Whether an optional value was given (not None; a column answers row by row)."""
    if value is None:
        return False
    method = getattr(value, "present", None)
    return True if method is None else method()


def value_or(value: Any, default: Any) -> Any:
    """An optional value, or `default` where it was not given."""
    if value is None:
        return default
    method = getattr(value, "value_or", None)
    return value if method is None else method(default)


def maximum(a: Any, b: Any) -> Any:
    """max(a, b), for a row or a column."""
    if isinstance(a, Decimal | int) and isinstance(b, Decimal | int):
        return max(a, b)
    return a.maximum(b) if hasattr(a, "maximum") else b.maximum(a)


def minimum(a: Any, b: Any) -> Any:
    """min(a, b), for a row or a column."""
    if isinstance(a, Decimal | int) and isinstance(b, Decimal | int):
        return min(a, b)
    return a.minimum(b) if hasattr(a, "minimum") else b.minimum(a)


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator ÷ denominator (a Decimal to 40 digits for a row; exact for a column, compared by cross-multiplying);
    0 where the denominator is 0."""
    if isinstance(numerator, Decimal | int) and isinstance(denominator, Decimal | int):
        return Decimal(numerator) / denominator if denominator else Decimal(0)
    return numerator.divided_by(denominator) if hasattr(numerator, "divided_by") else denominator.dividing(numerator)


def sector_in(sector: str, prefixes: Iterable[str]) -> bool:
    """Whether a GB/T 4754 code falls under any of the prefixes (a section letter, a division "C13", a class)."""
    return sector.startswith(tuple(prefixes))


# ── vat (B5 small-scale exemption): a step of the derivation chosen by a condition ──────────────────────────────
def step_when(item: Any, holds: Any, message: str, values: Callable[[], Mapping[str, Any]]) -> None:
    """A step of the derivation given only when `holds` (a row's condition; a column's in the batch, where steps are
    not kept); `values` a function giving its values, called only when the step is kept."""
    if holds is True and getattr(item, "explain", False):
        item.step(message, **values())


def feeds(*readers: RuleFamily) -> Callable[[F], F]:
    """Marks a family whose state (ctx.vat_payable) the later families `readers` read: the batch runs it over columns
    (kit.columnar) only while they run there too — a family left on the row path reads that state from the row."""

    def mark(family: F) -> F:
        family.columnar_feeds = readers  # type: ignore[attr-defined]
        return family

    return mark


def context_rounded(value: T) -> T:
    """A result as the row engine's Decimal context leaves it (money.CONTEXT: 40 significant digits, half-up): a
    row's Decimal is so already, a column (exact) is rounded alike — for arithmetic whose exact result may pass 40
    digits (a part of a filing period's sales: a third of a quarter)."""
    method = getattr(value, "significant", None)
    return value if method is None else method(CONTEXT.prec)
