"""Runs a jurisdiction's rules on a profile and collects a Result.

The flow: profile → classify (A2–A4) → each rule family reads the profile, the classification and its dated
parameters → Items with amounts, reasons, sources and (when asked) the arithmetic → totals by kind.
Rules never print; the engine never formats for people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, localcontext
from functools import cache, lru_cache
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING

from .claims import claims_for
from .classify import classify
from .data import DataError, tax_years
from .messages import Msg, cited
from .model import KINDS, Item, PolicyInfo, Result
from .money import CONTEXT
from .params import Parameter, ParamSet, catalogue, local_documents, param_set, parameter_sources
from .rules import FAMILIES
from .rules.eligible_only import eligible_only_items
from .rules.kit import NOTHING, Context, RuleFamily
from .schema.profile import Profile

if TYPE_CHECKING:
    from .reform import Reform

__all__ = ["calculate", "evaluate", "planned"]


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
def settled(jurisdiction: str, year: int) -> Mapping[str, Item]:
    """The items of the policies offered in `jurisdiction` that xzcalc does not compute in tax `year` (years.md):
    not in force that year, or in force but not computed — each with its reason, never an amount of another year."""
    out: dict[str, Item] = {}
    package = tax_years().package
    for pid, info in _offered(jurisdiction).items():
        status = info.status_in(year)
        if status == "computed":
            continue
        if status == "not_in_force":
            first, last = info.in_force_years
            which = "years.not_in_force_one" if first == last else "years.not_in_force"
            reason = Msg(which, {"year": year, "first": first, "last": last})
        else:
            national = [s for s in info.sources if not s.startswith(local_documents())]
            why = Msg(info.not_computed, {"year": year, "package": package, "source": "; ".join(national)})
            reason = Msg("years.not_computed", {"year": year, "why": why})
        amount = None if info.certainty == "eligible_only" else NOTHING
        if year != package and "national" in info.jurisdictions:  # (the 2022 action plans restated it for 2022 only)
            info = replace(info, sources=tuple(s for s in info.sources if not s.startswith(local_documents())))
        out[pid] = Item(info, False, amount, reasons=(reason,), status=status)
    return MappingProxyType(out)


@cache
def _pending(jurisdiction: str, deferred: frozenset[RuleFamily]) -> Mapping[str, Item]:
    """The place-holding items of the policies offered in `jurisdiction` that the `deferred` families compute
    (calculate's `deferred`: the batch's columns fill them in)."""
    offered = _offered(jurisdiction)
    reason = (Msg("batch.deferred"),)
    return MappingProxyType(
        {
            pid: Item(offered[pid], False, NOTHING, reasons=reason)
            for policy_ids, family in FAMILIES
            if family in deferred
            for pid in policy_ids
            if pid in offered
        }
    )


def planned(jurisdiction: str, year: int, family: RuleFamily) -> bool:
    """Whether `family` runs for `jurisdiction` in tax `year` (it owns a policy offered and computed then)."""
    return family in _plan(jurisdiction, year)


@cache
def _plan(jurisdiction: str, year: int) -> tuple[RuleFamily, ...]:
    """The rule families to run for a jurisdiction in a tax year, in order: those owning a policy it offers and
    computes that year, then the eligible-only benefits (which fill in the policies no family computed)."""
    offered = _offered(jurisdiction)
    skip = settled(jurisdiction, year)
    families = [
        family for policy_ids, family in FAMILIES if any(pid in offered and pid not in skip for pid in policy_ids)
    ]
    return (*families, eligible_only_items)


@lru_cache(maxsize=1024)
def _year_info(jurisdiction: str, year: int, policy_id: str, cites: tuple[str, ...]) -> PolicyInfo:
    """The policy citing `cites` (the clauses its rule quoted that year) — or, when it quoted none (an enterprise
    it does not apply to), the clauses of the windows of its parameters in force that year — never the local
    action plans of 2022."""
    info = _offered(jurisdiction)[policy_id]
    local = local_documents()
    national = (
        tuple(c for c in cites if not c.startswith(local))
        or parameter_sources(info, jurisdiction, year)
        or tuple(s for s in info.sources if not s.startswith(local))
    )
    return replace(info, sources=national) if national and national != info.sources else info


def _cite_the_year(items: dict[str, Item], jurisdiction: str, year: int) -> None:
    """Outside the five documents' year (data/years.toml `package`), a national measure computed by its own later
    announcements cites those — the clauses its rule quoted for the parameters of that year (messages.cited):
    2023年第7号 for the 2024 R&D rate, not 2021年第13号, which it repealed; nor the 2022 action plans restating it."""
    for pid, item in items.items():
        if item.status == "computed" and "national" in item.policy.jurisdictions:
            info = _year_info(jurisdiction, year, pid, cited(item.reasons))
            if info is not item.policy:
                items[pid] = replace(item, policy=info)


def calculate(
    profile: Profile,
    *,
    explain: bool = False,
    reform: Reform | None = None,
    params: ParamSet | None = None,
) -> Result:
    """Every policy of the profile's jurisdiction and year, eligible or not, with totals by kind.

    Raises params.UnsupportedYear for a year with no data (never computed with another year's figures).
    `reform` overrides parameters (xzcalc.reform); `params` supplies a whole parameter set (batch workers cache one).
    `explain` keeps the arithmetic of every item (its trace); reasons are always kept, as messages (never words).
    """
    return evaluate(profile, explain=explain, reform=reform, params=params)[0]


def evaluate(
    profile: Profile,
    *,
    explain: bool = False,
    reform: Reform | None = None,
    params: ParamSet | None = None,
    deferred: frozenset[RuleFamily] = frozenset(),
) -> tuple[Result, Context]:
    """`calculate`, and the Context the families left (what the batch's columnar families read: the
    classifications, the CIT chain's summary, the VAT payable). `deferred` families are not run: their policies
    hold a place-holding item (not eligible, 0.00) for the caller to fill — the batch evaluates them over a block
    of rows (xzcalc/batch/columnar.py)."""
    if params is None:
        params = param_set(profile.jurisdiction, profile.year)
    overrides: dict[str, Parameter] = {}
    if reform is not None:
        params, overrides = reform.apply(params)
    offered = _offered(profile.jurisdiction)
    with localcontext(CONTEXT):
        classification = classify(profile, params)
        year = profile.year
        skip = settled(profile.jurisdiction, year)
        ctx = Context(profile, params, classification, offered, explain, year, _year_end(year), skip)
        for family in _plan(profile.jurisdiction, year):
            if family not in deferred:
                family(ctx)
        if deferred:
            for pid, item in _pending(profile.jurisdiction, deferred).items():
                ctx.items.setdefault(pid, item)
        ctx.items.update(skip)  # (a family computing several policies may have filled one in: the status wins)
        if year != tax_years().package:
            _cite_the_year(ctx.items, profile.jurisdiction, year)
    if len(ctx.items) != len(offered):  # (ctx.emit keeps offered policies only)
        missing = [pid for pid in offered if pid not in ctx.items]
        raise DataError(f"no rule computed {', '.join(missing)}")
    items = _in_order(profile.jurisdiction)(ctx.items)
    totals: dict[str, Decimal] = dict.fromkeys(KINDS, NOTHING)
    for it in _with_amounts(profile.jurisdiction)(ctx.items):
        assert it.amount is not None, it.policy.id  # only eligible-only items have no amount
        if it.amount:  # (most are 0.00, and a Decimal addition costs more than the test)
            totals[it.policy.kind] += it.amount  # exact: every amount is already rounded to the fen
    changed = tuple(sorted(overrides)) if overrides else ()
    result = Result(
        profile,
        profile.jurisdiction,
        profile.year,
        MappingProxyType(ctx.classification),
        items,
        MappingProxyType(totals),
        MappingProxyType(ctx.cit),
        changed,
        claims_for(profile.jurisdiction, profile.year),  # (one shared mapping per place and year)
    )
    return result, ctx
