"""Deferrals (timing only): B8 manufacturing SME tax deferral and B19 water and gas bill deferral.

The amount of a deferral is what is paid later, not a saving. B8 also shows the value of the deferral as interest at
the 1-year LPR; that value is in the reasons and the trace, never added into the amount.

Every share, term, quarter and date comes from data/params (tax.manufacturing_sme_deferral.*, finance.lpr_1y,
fees.water_gas_deferral.*); every sentence from data/messages/deferral.toml.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache, partial, reduce
from itertools import groupby
from typing import Any, NamedTuple

from ..messages import Msg
from ..model import Result
from ..money import ZERO
from ..params import ParamSet
from ..schema.profile import Profile
from .common import require_enterprise, window
from .kit import Context, RuleFamily, both, columnar, first_reason, present, step_when, where
from .thresholds import Threshold

DEFERRAL = "tax.manufacturing_sme_deferral"
WATER_GAS = "fees.water_gas_deferral"
POLICIES = (DEFERRAL, WATER_GAS)
MONTHS_PER_YEAR = 12
MONTHS_PER_QUARTER = 3
LPR_YEARS = 1  # the tenor of the benchmark the deferral is priced at (an interpretation: deferral_start's description)
LPR = f"finance.lpr_{LPR_YEARS}y"
_P = DEFERRAL + "."

# The quarters whose taxes may be deferred: (component, profile field in [deferral], the parameters whose months add up
# to its term); the names are fixed by contract.md and data/params. Each quarter's first day, and so its label, is the
# data's (tax.manufacturing_sme_deferral.quarters).
#   2021年第30号 第四条: 延缓的期限为3个月;  2022年第2号 第一条: 2021年第四季度…缓缴期限继续延长6个月;
#   2022年第2号 第二条（一）: 2022年第一季度、第二季度…延缓的期限为6个月
_QUARTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("q4_2021", "taxes_2021q4", ("months_2021q4_initial", "months_2021q4_extension")),
    ("q1_2022", "taxes_2022q1", ("months_2022h1",)),
    ("q2_2022", "taxes_2022q2", ("months_2022h1",)),
)


@columnar(by=("entity",))
def deferrals(ctx: Context) -> None:
    """The family: one Item each for B8 and (where offered) B19, both of kind tax_deferral (amounts in yuan). Written
    in kit's vocabulary: the same definition runs on one profile and on the batch's columns (by entity, a single
    value there)."""
    _manufacturing_sme(ctx)
    _water_gas(ctx)


# ── B8 manufacturing SME deferral ─────────────────────────────────────────────────────────────────────────────
def _quarters_named(first_days: list[date]) -> Msg:
    """Quarters of one year as the documents name them (2022年第一、二季度 / 2022 Q1, Q2), from their first days."""
    numbers = [Msg(f"{_P}quarter.q{(d.month - 1) // MONTHS_PER_QUARTER + 1}") for d in first_days]
    return Msg(_P + "quarters", {"year": str(first_days[0].year), "numbers": numbers})


def _term(first_days: list[date], months: Decimal) -> Msg:
    """The term of a quarter, or of quarters of one year deferred alike (各)."""
    each = where(len(first_days) > 1, "each", "one")
    return Msg(f"{_P}term.{each}", {"quarters": _quarters_named(first_days), "months": months})


def _sources(params: ParamSet, on: date, names: list[str]) -> str:
    """The clauses of some parameters, each once, in order ("; " as data/params joins the clauses of one source)."""
    clauses = [c for name in names for c in params.source_on(name, on).split("; ")]
    return "; ".join(dict.fromkeys(clauses))


class _Quarter(NamedTuple):
    """A quarter whose taxes may be deferred, as the year's parameters fix it: its component and profile field, its
    name, the months deferred, the day its tax fell due and the LPR in force that day."""

    key: str
    field: str
    first_day: date
    quarter: Msg
    months: Decimal
    start: date
    lpr: Decimal


class _Schedule(NamedTuple):
    quarters: tuple[_Quarter, ...]
    terms: Msg  # each quarter's term, quarters of one year deferred alike named together
    sources: str  # the clauses of their months


@lru_cache(maxsize=256)
def _schedule(params: ParamSet, year: int) -> _Schedule:
    """B8's quarters and their terms in a tax year: a function of the dated parameters alone, the same for every row
    (the amounts are the row's)."""
    year_end = date(year, 12, 31)
    # 2022年第17号 第一条 (from 2022-09-01): 已缓缴税费的缓缴期限届满后继续延长4个月
    further = params.get_or_none(_P + "months_further", year_end)
    extra = [_P + "months_further"] if further is not None else []
    first_days = params.get(_P + "quarters", year_end)
    starts = params.get(_P + "deferral_start", year_end)
    quarters = []
    for key, field, parts in _QUARTERS:
        # the quarter's term: its months (30号 第四条, 2号 第一条, 第二条（一）) plus 17号's further months
        months = sum((params.number(_P + part, year_end) for part in parts), Decimal(further or 0))
        # the LPR in force when the quarter's tax fell due (deferral_start: an interpretation of the tool, not a clause)
        start = starts[key]
        quarter = _quarters_named([first_days[key]])
        quarters.append(_Quarter(key, field, first_days[key], quarter, months, start, params.number(LPR, start)))
    # quarters of one year deferred alike are named together: 2022年第一、二季度各 10 个月
    by_term = groupby(quarters, key=lambda q: (q.first_day.year, q.months))
    named = [_term([q.first_day for q in group], months) for (_, months), group in by_term]
    all_terms = named[0] if len(named) == 1 else Msg(_P + "and", {"first": named[:-1], "last": named[-1]})
    month_params = [_P + part for _, _, parts in _QUARTERS for part in parts] + extra
    return _Schedule(tuple(quarters), all_terms, _sources(params, year_end, month_params))


def _interest(quarter: _Quarter, deferred: Decimal) -> Decimal:
    """What paying a quarter's deferred taxes later is worth (not in the amount): the LPR in force when its tax fell
    due, for the months deferred."""
    return deferred * quarter.lpr * quarter.months / MONTHS_PER_YEAR


def _manufacturing_sme(ctx: Context) -> None:
    """B8: the taxes deferred, quarter by quarter (yuan: deferrable taxes × share, each rounded to the fen as a
    component), with the value of the deferral at the 1-year LPR in the reasons and the trace.

    国家税务总局 财政部公告2021年第30号, 2022年第2号 and 2022年第17号; 内蒙古方案 第2条, 忻政办发〔2022〕34号 第2条."""
    p = ctx.profile
    item = ctx.start(DEFERRAL)
    size = ctx.classification["manufacturing_size"]
    individual = p.entity == "individual-business"
    # 30号: 现就制造业中小微企业（含个人独资企业、合伙企业、个体工商户，下同）延缓缴纳…
    included = _P + "individual_business_included"
    # A4 (30号 第一条): 行业门类为制造业，且年销售额…4亿元以下
    item.require(present(size.value), *first_reason(size))
    item.require(
        not individual or bool(ctx.params.get(included, ctx.year_end)),
        "common.individual_business_excluded",
        {"why": Msg(_P + "individual_business_not_included", {"source": ctx.source(included)})},
    )
    item.cite(size)
    if individual:
        item.because(_P + "individual_business_included", source=ctx.source(included))

    # 内蒙古方案 第2条: 制造业中型企业可以延缓缴纳…税费金额的50%，制造业小微企业可以延缓缴纳…全部税费
    small = size.value == "small-micro"
    share = where(small, ctx.dec(_P + "share_small_micro"), ctx.dec(_P + "share_medium"))

    def shared() -> dict[str, Any]:
        who = where(small, "small_micro", "medium")
        return {"who": Msg(f"{_P}who.{who}"), "share": share, "source": ctx.source(f"{_P}share_{who}")}

    item.because_when(True, _P + "share", shared)

    schedule = _schedule(ctx.params, ctx.year)
    total = ZERO
    deferred_by: list[tuple[_Quarter, Any]] = []
    for q in schedule.quarters:
        base = getattr(p.deferral, q.field)
        # 可以延缓缴纳…各项税费金额的50% / 全部税费
        deferred = item.component(q.key, base * share)
        total = total + deferred
        deferred_by.append((q, deferred))
        item.step(_P + "deferred", quarter=q.quarter, base=base, share=share, deferred=deferred)
        values = {"quarter": q.quarter, "months": q.months, "start": q.start, "term": LPR_YEARS, "lpr": q.lpr}
        # what paying later is worth (not in the amount; computed only to be shown)
        step_when(item, True, _P + "interest", partial(_interest_step, values, q, deferred))
    item.because(_P + "terms", terms=schedule.terms, sources=schedule.sources)
    item.because_when(
        True,
        _P + "value",
        lambda: {"term": LPR_YEARS, "value": sum((_interest(q, d) for q, d in deferred_by), ZERO)},
    )
    none = reduce(both, (getattr(p.deferral, field) == 0 for _, field, _ in _QUARTERS))
    item.because_when(none, _P + "no_taxes", {"fields": [f"deferral.{field}" for _, field, _ in _QUARTERS]})
    ctx.emit(item.give(total))


def _interest_step(values: dict[str, Any], quarter: _Quarter, deferred: Decimal) -> dict[str, Any]:
    """The values of a quarter's interest step."""
    interest = _interest(quarter, deferred)
    return {**values, "deferred": deferred, "months_a_year": MONTHS_PER_YEAR, "interest": interest}


# ── B19 water and gas bills ───────────────────────────────────────────────────────────────────────────────────
def _water_gas(ctx: Context) -> None:
    """B19 (忻政办发〔2022〕86号 第七条): 2022年12月至2023年3月企业产生的水、气费用可申请缓缴…免收欠费滞纳金.
    The amount is the bills deferred (yuan, utilities.deferred_bills); the bill months are the window of
    fees.water_gas_deferral.bill_months."""
    if WATER_GAS not in ctx.offered:
        return  # a Xinzhou measure: its parameters exist only there
    item = ctx.start(WATER_GAS)
    # 企业产生的水、气费用: an individual business is not named
    name = WATER_GAS + ".bill_months"
    require_enterprise(ctx, item, WATER_GAS + ".not_individual_business", source=ctx.source(name))
    first, last = window(ctx, name)
    bills = ctx.profile.utilities.deferred_bills
    item.because(WATER_GAS + ".rule", first=first, last=last, source=ctx.source(name))
    item.step(WATER_GAS + ".bills", bills=bills)
    item.because_when(bills == 0, WATER_GAS + ".no_bills")
    ctx.emit(item.give(bills))


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, deferrals),)


# ── thresholds: the A4 bands of B8 the advisor tests from both sides (xzcalc/analysis/advisor.py) ──────────────
def _manufacturing(p: Profile, r: Result) -> bool:
    return p.sector.startswith("C")


def _prior_year_end(p: Profile, params: ParamSet, i: int) -> date:
    return date(p.year - 1, 12, 31)  # A4 sizes by the prior year's sales (classify.manufacturing_size)


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        _P + "small_micro_below",
        "prior_revenue",
        "lt",
        _P + "compared.prior_revenue",
        _P + "line.small_micro_below",
        measure=f"item:{DEFERRAL}",
        policy=DEFERRAL,
        when=_manufacturing,
        on=_prior_year_end,
    ),
    Threshold(
        _P + "medium_below",
        "prior_revenue",
        "lt",
        _P + "compared.prior_revenue",
        _P + "line.medium_below",
        measure=f"item:{DEFERRAL}",
        policy=DEFERRAL,
        when=_manufacturing,
        on=_prior_year_end,
    ),
)
