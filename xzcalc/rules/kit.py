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
from ..vocabulary import both, either, maximum, minimum, negate, present, ratio, select, value_or, where

__all__ = [
    "NOTHING",
    "Condition",
    "Context",
    "ItemBuilder",
    "RuleFamily",
    "Values",
    "any_of",
    "both",
    "cite_when",
    "columnar",
    "component_when",
    "decide",
    "divide",
    "either",
    "fen",
    "first_reason",
    "maximum",
    "minimum",
    "negate",
    "one_of",
    "present",
    "ratio",
    "read_by",
    "rounded_when",
    "sector_in",
    "select",
    "settle",
    "step_when",
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

    def require(
        self, holds: bool, message: str | Callable[[], str], values: Values = MappingProxyType({}), met: str = ""
    ) -> None:
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
            self.failed = _msg((message() if callable(message) else message, shown))

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

    def per(self, path: str, rule: Callable[..., T], *values: Any, key: Callable[[Any], Any] | None = None) -> T:
        """`rule(ctx, *values)`: on a block of batch rows it runs once for each value of the profile field `path`
        (or each `key` of it), where that field is a single value (batch/columnar.ColumnContext.per)."""
        return rule(self, *values)

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


# where, select, negate, both, either, present, value_or, maximum, minimum, ratio: xzcalc/vocabulary.py (also used
# by classify, below the rules)
Values = Mapping[str, Any] | Callable[[], Mapping[str, Any]]  # a message's values, or a function giving them


def sector_in(sector: str, prefixes: Iterable[str]) -> bool:
    """Whether a GB/T 4754 code falls under any of the prefixes (a section letter, a division "C13", a class)."""
    return sector.startswith(tuple(prefixes))


# ── shared by the families written for both (local_taxes, deferral, subsidies, …) ─────────────────────────────


def fen(value: Any) -> Any:
    """An amount rounded half-up to the fen (money.quantize), for a row or a column (exact: a ratio too)."""
    return quantize(Decimal(value)) if isinstance(value, Decimal | int) else value.to_fen()


def one_of(value: Any, choices: Iterable[Any]) -> Any:
    """`value in choices` (a parameter's list), for a row or a column (a column of codes answers each row)."""
    options = tuple(choices)
    if not hasattr(value, "present"):
        return value in options
    held: Any = False
    for option in options:
        held = either(held, value == option)
    return held


def any_of(conditions: Iterable[Any]) -> Any:
    """Whether any of the conditions holds (False when there are none), for a row or a column."""
    holds: Any = False
    for condition in conditions:
        holds = either(holds, condition)
    return holds


def step_when(item: Any, holds: Any, message: str, values: Values = MappingProxyType({})) -> None:
    """A step of the derivation given only when `holds` (a row's condition; a column item keeps no steps), its values
    (or the function giving them) computed only then."""
    if isinstance(item, ItemBuilder) and item.explain and item.failed is None and holds:
        item.step(message, **(values() if callable(values) else values))


def component_when(item: Any, holds: Any, name: str, value: Any) -> Any:
    """A named part of the amount that exists only where `holds` (ItemBuilder.component), else 0: a row's item has
    no such component then, a column's is 0 in those rows."""
    if holds is True or holds is False:
        return item.component(name, value) if holds else ZERO
    return where(holds, item.component(name, value), 0)


def first_reason(finding: Any) -> tuple[str, Mapping[str, Any]]:
    """A classification's first reason (message id, values), which says why its value is None where it is — for
    `item.require(present(finding.value), *first_reason(finding))`; the batch's findings keep no reasons: ("", {})."""
    reasons = getattr(finding, "reasons", ())
    if not reasons:
        return "", MappingProxyType({})
    return reasons[0].id, reasons[0].values


def cite_when(item: Any, holds: Any, finding: Any) -> None:
    """item.cite(finding) only where `holds`: on a row when it holds; a column's item keeps no reasons."""
    if holds is True:
        item.cite(finding)


# ── income_tax (the CIT chain and B2): an item settled by a condition, conditional steps and components, exact
# quotients, rounding to the fen, and a classification decided by a family — for a row and for a block ─────────


def settle(item: ItemBuilder, eligible: bool, amount: Any) -> Item:
    """The item: eligible with `amount` where `eligible` holds, else not eligible with the reasons given so far (the
    last of them says why: ItemBuilder.ineligible without a message). A failed `require` still wins."""
    if not isinstance(item, ItemBuilder):  # (a column's item: batch/columnar.ColumnItem)
        item.require(eligible, "")
        return item.give(amount)
    if item.failed is None and not eligible:
        return item.ineligible()
    return item.give(amount)


def rounded_when(item: ItemBuilder, holds: bool, name: str, value: Any) -> Any:
    """A named part of the amount (ItemBuilder.component: rounded to the fen) where `holds`; elsewhere the value as
    it is, and no component (component_when gives 0 there instead)."""
    if holds is True or holds is False:
        return item.component(name, value) if holds else value
    return where(holds, item.component(name, value), value)


def divide(numerator: Any, denominator: Any) -> Any:
    """numerator ÷ denominator as a number to compute on (0 where the denominator is 0): a Decimal to 40 significant
    digits on a row, as `/` gives; on a column the exact quotient rounded half-up to the same 40 digits
    (batch/columnar.Num.quotient), so that what follows is the row's figure to the fen."""
    if isinstance(numerator, Decimal | int) and isinstance(denominator, Decimal | int):
        return numerator / denominator if denominator else Decimal(0)
    if hasattr(numerator, "quotient"):
        return numerator.quotient(denominator)
    return denominator.rquotient(numerator)


def decide(ctx: Context, name: str, value: bool, reasons: Callable[[], tuple[Msg, ...]]) -> None:
    """A classification a family decides (A1, small low-profit, by the CIT chain): on a row a Finding with the
    reasons `reasons()` gives; on a block its value column (reasons are not kept)."""
    if isinstance(ctx, Context):
        ctx.classification[name] = Finding(name, value, reasons())
    else:
        ctx.decide(name, value)


def read_by(*readers: str) -> Callable[[F], F]:
    """Marks a family whose state (a classification it decides, ctx.cit, ctx.vat_payable) later families read,
    named "module.function" (local_taxes.six_taxes_two_fees): the batch runs it on columns only when they are marked
    `columnar` too — a family left to the row engine cannot read what the columns decide."""

    def mark(family: F) -> F:
        family.read_by = readers  # type: ignore[attr-defined]
        return family

    return mark


def context_rounded(value: T) -> T:
    """A result as the row engine's Decimal context leaves it (money.CONTEXT: 40 significant digits, half-up): a
    row's Decimal is so already, a column (exact) is rounded alike — for arithmetic whose exact result may pass 40
    digits (a part of a filing period's sales: a third of a quarter)."""
    method = getattr(value, "significant", None)
    return value if method is None else method(CONTEXT.prec)
