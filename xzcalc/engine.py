"""Runs a jurisdiction's rules on a profile and collects a Result.

The flow: profile → classify (A2–A4) → each rule family reads the profile, the classification and its dated
parameters → Items with amounts, reasons, sources and (when asked) the arithmetic → totals by kind.
Rules never print; the engine never formats for people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from functools import cache
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .classify import classify
from .model import KINDS, Finding, Item, PolicyInfo, Result, Step, Text
from .money import CONTEXT, WORDS, ZERO, quantize, say
from .params import DataError, Parameter, ParamSet, catalogue, param_set
from .params import policy as policy_info
from .schema.profile import Profile

if TYPE_CHECKING:
    from .reform import Reform

__all__ = ["Context", "ItemBuilder", "calculate", "n"]


def n(value: Decimal | int) -> str:
    """A number as a reason or trace shows it (thousands separators, exact digits); "" when running without words."""
    return say(value)


class ItemBuilder:
    """Collects one item's reasons, components and derivation; `done` or `ineligible` turns it into an Item.

    (A plain class: a row starts about fifteen, and a dataclass's field machinery was a tenth of the engine.)"""

    __slots__ = ("components", "explain", "info", "reasons", "trace", "words")

    def __init__(self, info: PolicyInfo, explain: bool, words: bool = True) -> None:
        self.info = info
        self.explain = explain
        self.words = words
        self.reasons: list[Text] = []
        self.trace: list[Step] = []
        self.components: dict[str, Decimal] = {}

    def because(self, zh: str, en: str) -> ItemBuilder:
        """A reason in both languages. A rule puts a reason that formats numbers under `if item.words:`, so
        that a batch row (words=False) does not build sentences nobody reads: it was a tenth of a row's time."""
        if self.words:
            self.reasons.append(Text(zh, en))
        return self

    def cite(self, finding: Finding) -> None:
        """The reasons of a classification the item rests on, as the item's own."""
        if self.words:
            self.reasons.extend(finding.reasons)

    def step(self, zh: str, en: str, arithmetic: str) -> None:
        """One line of the derivation; recorded only when --explain asks for it."""
        if self.explain:
            self.trace.append(Step(Text(zh, en), arithmetic))

    def component(self, name: str, value: Decimal) -> Decimal:
        """A named part of the amount, rounded once to the fen; the amount is the sum of its components."""
        rounded = quantize(value)
        self.components[name] = rounded
        return rounded

    def done(self, amount: Decimal | None = None) -> Item:
        if amount is None:
            amount = sum(self.components.values(), ZERO)
        final = quantize(amount)
        if self.components:
            assert final == sum(self.components.values(), ZERO), (self.info.id, self.components, amount)
        return Item(self.info, True, final, self.components, self.reasons, self.trace)

    def fails(self, finding: Finding) -> Item:
        """Not eligible because of a classification: its first reason says why."""
        if not self.words:
            return self.ineligible()
        reason = finding.reasons[0]
        return self.ineligible(reason.zh, reason.en)

    def ineligible(self, zh: str = "", en: str = "") -> Item:
        """Not eligible: amount 0.00 (null for eligible_only) and the failed condition as the last reason."""
        if zh:
            self.because(zh, en)
        assert self.reasons or not self.words, f"{self.info.id}: an ineligible item must say why"
        amount = None if self.info.certainty == "eligible_only" else NOTHING
        return Item(self.info, False, amount, {}, self.reasons, self.trace)


NOTHING = quantize(ZERO)  # the amount of an ineligible item: 0.00


@dataclass(slots=True)
class Context:
    """What a rule sees: the profile, its classification, the dated parameters and facts earlier rules left."""

    profile: Profile
    params: ParamSet
    classification: dict[str, Finding]
    offered: Mapping[str, PolicyInfo]
    explain: bool
    words: bool
    year: int  # the tax year (the profile's)
    year_end: date  # its last day: the default date of a parameter lookup
    items: dict[str, Item] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    cit: dict[str, Decimal] = field(default_factory=dict)

    def param(self, name: str, on: date | None = None) -> Any:
        """A parameter's value on `on` (default: the last day of the tax year)."""
        return self.params.get(name, on or self.year_end)

    def dec(self, name: str, on: date | None = None) -> Decimal:
        value = self.params.get(name, on or self.year_end)
        if type(value) is Decimal:
            return value
        if not isinstance(value, int) or isinstance(value, bool):
            raise DataError(f"parameter {name} is not a number: {value!r}")
        return Decimal(value)

    def source(self, name: str) -> str:
        return self.params.parameter(name).source

    def offers(self, policy_id: str) -> bool:
        return policy_id in self.offered

    def start(self, policy_id: str) -> ItemBuilder:
        info = self.offered.get(policy_id) or policy_info(policy_id)
        return ItemBuilder(info, self.explain, self.words)

    def emit(self, item: Item) -> None:
        """Keep the item if the jurisdiction offers its policy (a family may compute more than it offers)."""
        if item.policy.id in self.offered:
            self.items[item.policy.id] = item


RuleFamily = Callable[[Context], None]


def _families() -> list[tuple[tuple[str, ...], RuleFamily]]:
    from .rules import FAMILIES

    return FAMILIES


@cache
def _year_end(year: int) -> date:
    return date(year, 12, 31)


@cache
def _offered(jurisdiction: str) -> Mapping[str, PolicyInfo]:
    """The jurisdiction's catalogue by policy id (read-only; built once, not per calculation)."""
    return MappingProxyType({p.id: p for p in catalogue(jurisdiction)})


def _picker(keys: tuple[str, ...]) -> Callable[[Mapping[str, Item]], tuple[Item, ...]]:
    """The items of these ids, in this order, out of a mapping — in one C call (operator.itemgetter)."""
    if len(keys) < 2:  # (itemgetter of one key returns the value itself, not a tuple)
        return lambda items: tuple(items[k] for k in keys)
    return itemgetter(*keys)


@cache
def _in_order(jurisdiction: str) -> Callable[[Mapping[str, Item]], tuple[Item, ...]]:
    """Picks a jurisdiction's items in catalogue order."""
    return _picker(tuple(_offered(jurisdiction)))


@cache
def _with_amounts(jurisdiction: str) -> Callable[[Mapping[str, Item]], tuple[Item, ...]]:
    """Picks the items that compute an amount (all but the eligible-only ones)."""
    offered = _offered(jurisdiction)
    return _picker(tuple(pid for pid, info in offered.items() if info.certainty != "eligible_only"))


@cache
def _plan(jurisdiction: str) -> tuple[RuleFamily, ...]:
    """The rule families to run for a jurisdiction, in order: those owning a policy it offers, then the
    eligible-only benefits (which fill in the policies no family computed)."""
    from .rules.eligible_only import eligible_only_items

    offered = _offered(jurisdiction)
    families = [family for policy_ids, family in _families() if any(pid in offered for pid in policy_ids)]
    return (*families, eligible_only_items)


def calculate(
    profile: Profile,
    *,
    explain: bool = False,
    reform: Reform | None = None,
    params: ParamSet | None = None,
    words: bool = True,
) -> Result:
    """Every policy of the profile's jurisdiction and year, eligible or not, with totals by kind.

    Raises params.UnsupportedYear for a year with no data (never computed with another year's figures).
    `reform` overrides parameters (xzcalc.reform); `params` supplies a whole parameter set (batch workers cache one).
    `words=False` computes amounts, eligibility and classification only: no reasons (and no trace), for batch rows.
    """
    if params is None:
        params = param_set(profile.jurisdiction, profile.year)
    overrides: dict[str, Parameter] = {}
    if reform is not None:
        params, overrides = reform.apply(params)
    offered = _offered(profile.jurisdiction)
    explain = explain and words
    token = WORDS.set(words)
    try:
        with localcontext(CONTEXT):
            classification = classify(profile, params)
            year = profile.year
            ctx = Context(profile, params, classification, offered, explain, words, year, _year_end(year))
            for family in _plan(profile.jurisdiction):
                family(ctx)
    finally:
        WORDS.reset(token)
    if len(ctx.items) != len(offered):  # (ctx.emit keeps offered policies only)
        missing = [pid for pid in offered if pid not in ctx.items]
        raise DataError(f"no rule computed {', '.join(missing)}")
    items = list(_in_order(profile.jurisdiction)(ctx.items))
    totals: dict[str, Decimal] = dict.fromkeys(KINDS, NOTHING)
    for it in _with_amounts(profile.jurisdiction)(ctx.items):
        assert it.amount is not None, it.policy.id  # only eligible-only items have no amount
        if it.amount:  # (most are 0.00, and a Decimal addition costs more than the test)
            totals[it.policy.kind] += it.amount  # exact: every amount is already rounded to the fen
    changed = tuple(sorted(overrides)) if overrides else ()
    return Result(profile, profile.jurisdiction, profile.year, ctx.classification, items, totals, ctx.cit, [], changed)
