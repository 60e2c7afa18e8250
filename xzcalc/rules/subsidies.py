"""Subsidies and awards: B10 innovation voucher, B11 first-set equipment, B12 first-batch material
insurance, B13 technical upgrade (Shanxi, inherited by Xinzhou), B14 chain-leader output award, B15 white-list
growth award (Xinzhou). Each rule runs only where its jurisdiction offers it (see RULES): its parameters exist only
there.

Each rule states its eligibility as Conditions and its amount as arithmetic (yuan, Decimal, components rounded to the
fen); every rate, cap, line, month and clause comes from data/params (subsidy.*, award.*), every sentence from
data/messages/subsidies.toml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ..messages import Msg
from ..model import Result
from ..params import ParamSet
from ..schema.profile import Profile
from .common import INDIVIDUAL_BUSINESS, add_months, enterprises_only, require_enterprise, window
from .kit import (
    Context,
    ItemBuilder,
    RuleFamily,
    any_of,
    both,
    columnar,
    component_when,
    either,
    fen,
    minimum,
    negate,
    one_of,
    present,
    ratio,
    sector_in,
    select,
    step_when,
    where,
)
from .thresholds import Threshold

VOUCHER = "subsidy.innovation_voucher"
FIRST_SET = "subsidy.first_set_equipment"
FIRST_BATCH = "subsidy.first_batch_material_insurance"
TECH_UPGRADE = "subsidy.tech_upgrade"
CHAIN_LEADER = "award.chain_leader_output"
WHITELIST = "award.whitelist_growth"

MANUFACTURING = "C"  # GB/T 4754-2017 section C 制造业
_GROWTH_SHOWN = Decimal("0.0001")  # growth rates are shown to 0.01% (the test itself compares exact amounts)
_ONE = Decimal(1)


# ── B10 ─────────────────────────────────────────────
@columnar()
def _innovation_voucher(ctx: Context) -> None:
    """B10, 晋政办发〔2022〕34号 第11条: a registered technology-based SME (a resident enterprise: one of
    `entity_types`, 科技型中小企业评价办法 第六条) gets vouchers for its innovation-service spend, up to `cap` a
    year (yuan); in Xinzhou the province and the city share them by the weights of `split` (忻政办发〔2022〕34号
    第11条). Components: province [, city]. Written in kit's vocabulary (one definition for a row and a column)."""
    p = ctx.profile
    item = ctx.start(VOUCHER)
    # 对购买创新服务、开展技术合作的科技型中小企业给予资助（科技型中小企业须为在中国境内注册的居民企业）
    resident = enterprises_only(
        one_of(p.entity, ctx.params.get(VOUCHER + ".entity_types", ctx.year_end)),
        "subsidy.innovation_voucher.resident_enterprise",
        source=ctx.source(VOUCHER + ".entity_types"),
    )
    item.require(*resident)
    item.require(p.tech_sme, "subsidy.innovation_voucher.not_tech_sme")
    # 省级科技创新券对每个企业年补助额最高不超过20万元
    cap = ctx.dec(VOUCHER + ".cap")
    spend = p.innovation.voucher_spend
    voucher = fen(minimum(spend, cap))
    item.because("subsidy.innovation_voucher.rule", cap=cap, source=ctx.source(VOUCHER + ".cap"))
    item.step("subsidy.innovation_voucher.voucher", spend=spend, cap=cap, voucher=voucher)
    item.because_when(spend > cap, "subsidy.innovation_voucher.above_cap", {"spend": spend, "cap": cap})
    # 忻政办发〔2022〕34号 第11条: 创新券资金由省、市财政按1：1配套 (a city that says so; else all provincial)
    split: Mapping[str, Any] | None = ctx.params.get_or_none(VOUCHER + ".split", ctx.year_end)
    if split is None:
        total = item.component("province", voucher)
        item.because("subsidy.innovation_voucher.provincial")
    else:
        weight_p, weight_c = Decimal(split["province"]), Decimal(split["city"])
        province = item.component("province", ratio(voucher * weight_p, weight_p + weight_c))
        city = item.component("city", voucher - province)
        total = province + city
        item.because(
            "subsidy.innovation_voucher.split",
            province=weight_p,
            city=weight_c,
            source=ctx.source(VOUCHER + ".split"),
        )
        item.step("subsidy.innovation_voucher.shares", voucher=voucher, province=province, city=city)
    item.because_when(spend == 0, "subsidy.innovation_voucher.no_spend")
    ctx.emit(item.give(total))


# ── B11 ─────────────────────────────────────────────
@columnar()
def _first_set(ctx: Context) -> None:
    """B11, 忻政办发〔2022〕34号 第46条: for each first-set item bought (price > 0), min(price × rate, cap) yuan
    (the cap read per item). Components: item_<n>, n counting every [[first_set]] entry from 1. Written in kit's
    vocabulary (one definition for a row and a column: the i-th entries of a block's rows are a column)."""
    p = ctx.profile
    item = ctx.start(FIRST_SET)
    bought = [(i, e, both(present(e), e.price > 0)) for i, e in enumerate(p.first_set, 1)]
    item.require(any_of(b for _, _, b in bought), "subsidy.first_set_equipment.none_bought")
    # 对首购首用首台套重大技术装备或重大创新产品的，市财政可按购买价格10%给予补贴，最高不超过30万元
    rate = ctx.dec(FIRST_SET + ".rate")
    cap = ctx.dec(FIRST_SET + ".cap")
    item.because("subsidy.first_set_equipment.rule", rate=rate, cap=cap, source=ctx.source(FIRST_SET + ".rate"))
    item.because_when(p.entity == INDIVIDUAL_BUSINESS, "subsidy.first_set_equipment.individual_business")
    total: Any = Decimal(0)
    for i, e, holds in bought:
        total = total + _first_set_item(item, i, e, holds, rate, cap)
    ctx.emit(item.give(total))


def _first_set_item(item: ItemBuilder, i: int, e: Any, holds: Any, rate: Decimal, cap: Decimal) -> Any:
    """The i-th item's subsidy where it was bought (`holds`), with its step and reason; 0 elsewhere."""
    raw = e.price * rate
    subsidy = component_when(item, holds, f"item_{i}", minimum(raw, cap))

    def label() -> Any:
        return e.name or Msg("subsidy.first_set_equipment.label", {"index": i})

    step_when(
        item,
        holds,
        "subsidy.first_set_equipment.item",
        lambda: {"label": label(), "price": e.price, "rate": rate, "cap": cap, "subsidy": subsidy},
    )
    item.because_when(
        both(holds, raw > cap),
        "subsidy.first_set_equipment.above_cap",
        lambda: {"label": label(), "price": e.price, "rate": rate, "raw": raw, "cap": cap},
    )
    return subsidy


# ── B12 ─────────────────────────────────────────────
@columnar()
def _first_batch(ctx: Context) -> None:
    """B12, 晋政办发〔2022〕34号 第46条: min(annual premium × rate, cap) yuan for a producing enterprise insuring a
    first batch of a key new material. Written in kit's vocabulary (one definition for a row and a column)."""
    p = ctx.profile
    item = ctx.start(FIRST_BATCH)
    premium = p.materials.first_batch_premium
    require_enterprise(ctx, item, "subsidy.first_batch_material_insurance.producing_enterprise")
    item.require(premium != 0, "subsidy.first_batch_material_insurance.no_premium")
    # 对符合山西省保险补偿要求的重点新材料首批次产品，以实际投保年度保费的80%给予补贴，单户企业最高补贴500万元
    rate = ctx.dec(FIRST_BATCH + ".rate")
    cap = ctx.dec(FIRST_BATCH + ".cap")
    raw = premium * rate
    subsidy = minimum(raw, cap)
    item.because(
        "subsidy.first_batch_material_insurance.rule", rate=rate, cap=cap, source=ctx.source(FIRST_BATCH + ".rate")
    )
    item.step("subsidy.first_batch_material_insurance.subsidy", premium=premium, rate=rate, cap=cap, subsidy=subsidy)
    item.because_when(raw > cap, "subsidy.first_batch_material_insurance.above_cap", {"raw": raw, "cap": cap})
    ctx.emit(item.give(subsidy))


# ── B13 ─────────────────────────────────────────────
@columnar()
def _tech_upgrade(ctx: Context) -> None:
    """B13: investment × investment_rate (晋政办发〔2022〕34号 第36条) plus national grant × national_match
    (第46条; 忻政办发〔2022〕34号 第46条), yuan. Components: investment, national_match. Written in kit's vocabulary
    (one definition for a row and a column)."""
    p = ctx.profile
    item = ctx.start(TECH_UPGRADE)
    investment, grant = p.tech_upgrade.investment, p.tech_upgrade.national_grant
    item.require(either(investment != 0, grant != 0), "subsidy.tech_upgrade.no_project")
    item.because_when(p.entity == INDIVIDUAL_BUSINESS, "subsidy.tech_upgrade.individual_business")
    # 晋政办发〔2022〕34号 第36条: 安排省级技术改造专项资金，对符合条件的技术改造项目给予不超过固定资产投资15%支持
    rate = ctx.dec(TECH_UPGRADE + ".investment_rate")
    support = item.component("investment", investment * rate)
    item.because("subsidy.tech_upgrade.rule", rate=rate, source=ctx.source(TECH_UPGRADE + ".investment_rate"))
    item.step("subsidy.tech_upgrade.support", investment=investment, rate=rate, support=support)
    # 忻政办发〔2022〕34号 第46条: 落实好省级技改资金对获批国家支持项目给予补助资金1：1奖励政策
    match = ctx.dec(TECH_UPGRADE + ".national_match")
    award = item.component("national_match", grant * match)
    item.because_when(
        grant != 0,
        "subsidy.tech_upgrade.national",
        {"match": match, "source": ctx.source(TECH_UPGRADE + ".national_match")},
    )
    step_when(item, grant != 0, "subsidy.tech_upgrade.match", {"grant": grant, "match": match, "award": award})
    ctx.emit(item.give(support + award))


# ── B14 ─────────────────────────────────────────────
@columnar()
def _chain_leader(ctx: Context) -> None:
    """B14, 忻政办发〔2022〕86号 第十三条: a manufacturing chain leader whose output of the tax year first reached
    output_line, up by growth_min or more on the year before, gets one_off plus increment_award per full
    increment_step of the increase, at most cap in all (yuan). Components: one_off, increment. Written in kit's
    vocabulary (one definition for a row and a column)."""
    p, c = ctx.profile, ctx.profile.chain_leader
    item = ctx.start(CHAIN_LEADER)
    line = ctx.dec(CHAIN_LEADER + ".output_line")
    growth_min = ctx.dec(CHAIN_LEADER + ".growth_min")
    increase = c.output - c.output_prior  # 产值增量: the output of the tax year less the year before's (同比)

    def said() -> dict[str, Any]:  # what the sentences show (growth rounded down: never shown as reached when not)
        growth = (increase / where(c.output_prior == 0, _ONE, c.output_prior)).quantize(_GROWTH_SHOWN, ROUND_DOWN)
        return {
            "year": str(ctx.year),
            "prior_year": str(ctx.year - 1),
            "output": c.output,
            "prior": c.output_prior,
            "line": line,
            "growth": growth,
            "growth_min": growth_min,
            "source": ctx.source(CHAIN_LEADER + ".output_line"),
        }

    # 对于“建链延链补链强链”作用明显、2022年产值首次达到5亿元以上且同比增长10%以上的制造业重点产业链链主企业，
    require_enterprise(ctx, item, "award.chain_leader_output.for_chain_leaders")
    # 重点产业链链主企业
    item.require(c.member, "award.chain_leader_output.not_member")
    # 制造业
    item.require(
        sector_in(p.sector, (MANUFACTURING,)),
        "award.chain_leader_output.not_manufacturing",
        {"sector": p.sector, "section": MANUFACTURING},
    )
    # 产值……达到5亿元以上
    item.require(c.output >= line, "award.chain_leader_output.below_line", said)
    # 首次达到: the year before was below the line
    item.require(c.output_prior < line, "award.chain_leader_output.not_first", said)
    # 同比增长10%以上: increase ≥ growth_min × the year before's output (exact, not the rounded growth)
    item.require(c.output_prior != 0, "award.chain_leader_output.no_prior", said)
    item.require(increase >= c.output_prior * growth_min, "award.chain_leader_output.growth_below", said)
    # 一次性奖励10万元，产值增量每增加1亿元再奖励5万元，单个企业累计获得奖励最高不超过50万元
    one_off = ctx.dec(CHAIN_LEADER + ".one_off")
    step = ctx.dec(CHAIN_LEADER + ".increment_step")
    per_step = ctx.dec(CHAIN_LEADER + ".increment_award")
    cap = ctx.dec(CHAIN_LEADER + ".cap")
    steps = increase // step  # 每增加1亿元: full steps only
    award = one_off + steps * per_step
    base = item.component("one_off", one_off)
    increment = item.component("increment", minimum(steps * per_step, cap - base))  # 累计……最高不超过 cap

    item.because_when(True, "award.chain_leader_output.qualifies", said)
    item.because_when(True, "award.chain_leader_output.reading", said)
    item.step("award.chain_leader_output.increase", output=c.output, prior=c.output_prior, increase=increase)
    item.step("award.chain_leader_output.award", one_off=one_off, steps=steps, per_step=per_step, award=award)
    item.because_when(award > cap, "award.chain_leader_output.above_cap", {"award": award, "cap": cap})
    item.step("award.chain_leader_output.total", one_off=base, increment=increment, total=base + increment)
    ctx.emit(item.give(base + increment))


# ── B15 ─────────────────────────────────────────────
def _tier_reached(tiers: Sequence[Mapping[str, Any]] | None, growth: Any) -> tuple[Any, Any, Any]:
    """Whether a month's growth reaches a tier (`tiers` lists the highest first; None: the month is outside the
    measure's window, no tier), and the growth threshold and provincial award of the highest tier it reaches (0 where
    none) — for a row or a column."""
    cases = [(both(present(growth), growth >= Decimal(t["growth"])), t) for t in tiers or ()]
    threshold = select(((holds, Decimal(t["growth"])) for holds, t in cases), Decimal(0))
    award = select(((holds, Decimal(t["province"])) for holds, t in cases), Decimal(0))
    return any_of(holds for holds, _ in cases), threshold, award


@columnar()
def _whitelist(ctx: Context) -> None:
    """B15, 忻政办发〔2022〕86号 第十二条: a white-list enterprise whose output grew year on year by a tier's growth in
    a month of the window of `tiers` gets the tier's provincial one-off award once (the best month counts), and the
    city adds city_match of it (yuan). The i-th growth of whitelist.growth_2023 is the i-th month of the window.
    Components: province, city. Written in kit's vocabulary (one definition for a row and a column: the i-th growths
    of a block's rows are a column)."""
    w = ctx.profile.whitelist
    item = ctx.start(WHITELIST)
    name = WHITELIST + ".tiers"
    source = ctx.source(name)
    # 对2023年1月至3月期间“白名单”企业当月产值同比增速达到50%或100%以上的
    first, last = window(ctx, name)
    months = [(add_months(first, i), growth) for i, growth in enumerate(w.growth_2023)]
    reached = [(on, g, _tier_reached(ctx.params.get_or_none(name, on), g)) for on, g in months]
    require_enterprise(ctx, item, "award.whitelist_growth.for_white_list")
    item.require(w.member, "award.whitelist_growth.not_member")
    # the best month: the highest award; the first month of equal ones
    found: Any = False
    when: Any = first
    threshold: Any = Decimal(0)
    award: Any = Decimal(0)
    for on, g, (holds, line, prize) in reached:
        step_when(item, holds, "award.whitelist_growth.month_reached", {"month": on, "growth": g, "threshold": line})
        better = both(holds, either(negate(found), prize > award))
        when, threshold, award = where(better, on, when), where(better, line, threshold), where(better, prize, award)
        found = either(found, holds)

    def no_month() -> dict[str, Any]:  # no month reached the lowest tier
        lowest = min(Decimal(t["growth"]) for t in ctx.params.get(name, first))
        shown = [Msg("award.whitelist_growth.month_growth", {"month": on, "growth": g}) for on, g, _ in reached]
        return {"first": first, "last": last, "lowest": lowest, "shown": shown, "source": source}

    item.require(found, "award.whitelist_growth.no_month", no_month)
    # 在争取省级技改资金一次性50万元或100万元奖励基础上，市级再给予50%的配套奖励支持
    match = ctx.dec(WHITELIST + ".city_match", first)
    province = item.component("province", award)
    city = item.component("city", award * match)
    item.because(
        "award.whitelist_growth.awarded",
        month=when,
        threshold=threshold,
        province=province,
        match=match,
        city=city,
        source=source,
    )
    item.because("award.whitelist_growth.sought")
    item.step("award.whitelist_growth.total", province=province, city=city, total=province + city)
    ctx.emit(item.give(province + city))


# One rule per policy; the engine runs each only where the jurisdiction offers it (its parameters exist only there).
FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = (
    ((VOUCHER,), _innovation_voucher),
    ((FIRST_SET,), _first_set),
    ((FIRST_BATCH,), _first_batch),
    ((TECH_UPGRADE,), _tech_upgrade),
    ((CHAIN_LEADER,), _chain_leader),
    ((WHITELIST,), _whitelist),
)
POLICIES = tuple(pid for ids, _ in FAMILIES for pid in ids)


# ── thresholds: the lines of B14 and B15 the advisor tests from both sides (xzcalc/analysis/advisor.py) ──────────
def _chain_leader_member(p: Profile, r: Result) -> bool:
    return p.chain_leader.member and p.entity == "company"


def _chain_leader_awarded(p: Profile, r: Result) -> bool:
    return _chain_leader_member(p, r) and r.item(CHAIN_LEADER).eligible


def _chain_growth(p: Profile, r: Result, i: int) -> Decimal | None:
    c = p.chain_leader
    return (c.output - c.output_prior) / c.output_prior if c.output_prior > 0 else None


def _output_for_growth(p: Profile, growth: Decimal) -> Decimal:
    return p.chain_leader.output_prior * (1 + growth)


def _chain_increase(p: Profile, r: Result, i: int) -> Decimal:
    return p.chain_leader.output - p.chain_leader.output_prior


def _increase_steps(step: Any, p: Profile, r: Result, i: int) -> Sequence[Decimal]:
    """The full step the increase last passed and the next one (each full step adds to the award)."""
    step = Decimal(step)
    reached = _chain_increase(p, r, i) // step
    return [s * step for s in (reached, reached + 1) if s > 0]


def _whitelist_member(p: Profile, r: Result) -> bool:
    return p.whitelist.member and p.entity == "company"


def _growth_months(p: Profile) -> Sequence[int]:
    return range(1, len(p.whitelist.growth_2023) + 1)


def _growth_month(p: Profile, params: ParamSet, i: int) -> date:
    """The i-th month of the window of `tiers` (the i-th growth of whitelist.growth_2023), as the rule reads it."""
    first = min(w.start for w in params.parameter(WHITELIST + ".tiers").windows)
    return add_months(first, i - 1)


def _tiers(tiers: Any, p: Profile, r: Result, i: int) -> Sequence[Decimal]:
    return [Decimal(t["growth"]) for t in tiers]


THRESHOLDS: tuple[Threshold, ...] = (
    # B14: output first reaching the line, the growth line, and the staircase of the increase
    Threshold(
        CHAIN_LEADER + ".output_line",
        "chain_leader.output",
        "ge",
        CHAIN_LEADER + ".compared.output",
        CHAIN_LEADER + ".line.output_line",
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader_member,
    ),
    Threshold(
        CHAIN_LEADER + ".output_line",
        "chain_leader.output_prior",
        "lt",
        CHAIN_LEADER + ".compared.output_prior",
        CHAIN_LEADER + ".line.first_reached",
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader_member,
        id=CHAIN_LEADER + ".output_line.prior",
    ),
    Threshold(
        CHAIN_LEADER + ".growth_min",
        "chain_leader.output",
        "ge",
        CHAIN_LEADER + ".compared.growth",
        CHAIN_LEADER + ".line.growth_min",
        measure=f"item:{CHAIN_LEADER}",
        unit="rate",
        policy=CHAIN_LEADER,
        when=_chain_leader_member,
        value=_chain_growth,
        to_path=_output_for_growth,
    ),
    Threshold(
        CHAIN_LEADER + ".increment_step",
        "chain_leader.output",
        "ge",
        CHAIN_LEADER + ".compared.increase",
        CHAIN_LEADER + ".line.increment_step",
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader_awarded,
        value=_chain_increase,
        lines=_increase_steps,
    ),
    # B15: each month's growth against each tier
    Threshold(
        WHITELIST + ".tiers",
        "whitelist.growth_2023.{i}",
        "ge",
        WHITELIST + ".compared.month_growth",
        WHITELIST + ".line.tiers",
        measure=f"item:{WHITELIST}",
        unit="rate",
        policy=WHITELIST,
        when=_whitelist_member,
        indices=_growth_months,
        on=_growth_month,
        lines=_tiers,
    ),
)
