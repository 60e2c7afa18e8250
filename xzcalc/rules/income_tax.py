"""The corporate income-tax chain (rate → B3 → B4 → 28号 → B1) and the individual-business halving (B2).

The CIT items interact (a deduction can make a company small-low-profit), so they are one computation in the order
of the annual return, and each item's amount is the tax it removes at its step, at the enterprise's own rate r
(25%, or 15% for a 高新技术企业 or a western-region encouraged enterprise — policies.md E2):

    tax_b = 25% × max(T0, 0)                                      the baseline
    tax_0 = r × max(T0, 0)                                        the 15% rate saves tax_b − tax_0
    T1 = T0 − R&D super deduction          tax_1 = r × max(T1, 0)    B3 saves tax_0 − tax_1
    T2 = T1 − equipment extra deduction    tax_2 = r × max(T2, 0)    B4 defers tax_1 − tax_2
    T3 = T2 − 28号 equipment super deduction  tax_3 = r × max(T3, 0)  the further 100% saves tax_2 − tax_3
    tax_4 = SLPE(T3) if small-low-profit                             B1 saves tax_3 − tax_4

Given the figure as filed instead (income.taxable_income_reported, A100000 line 23), the chain is worked backwards:
T3 = reported + losses offset, T2 = T3 + super deduction, T1 = T2 + equipment extra, T0 = T1 + R&D extra.

Earlier losses L (income.prior_losses) are offset after the deduction steps, as on the return: every step taxes
max(T_k − L, 0), and the SLPE test and bands use T3 − min(L, max(T3, 0)); a loss-maker that meets the headcount,
assets and industry tests is still small low-profit (it owes nothing; the status matters for 六税两费).

A 15%-rate enterprise that is also small low-profit cannot stack the two reduced rates: both chains are computed
(the statutory one ending in SLPE, and the 15% one) and the lower tax applies; the items say which was chosen.
Each step's tax is rounded to the fen as a return would show it, so the items add up exactly to tax_b − tax_final.
Every rate, line and date comes from data/params (cit.*, iit.*); every sentence from data/messages/income_tax.toml.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ..messages import Msg, Text
from ..model import Result
from ..money import ZERO
from ..params import ParamSet, jurisdictions
from ..schema.profile import Profile
from .common import add_months, window
from .kit import (
    Context,
    ItemBuilder,
    RuleFamily,
    both,
    columnar,
    decide,
    divide,
    either,
    fen,
    maximum,
    minimum,
    negate,
    present,
    ratio,
    read_by,
    rounded_when,
    sector_in,
    select,
    settle,
    step_when,
    value_or,
    where,
)
from .thresholds import TableThreshold, Threshold

RD = "cit.rd_super_deduction"
EQUIPMENT = "cit.equipment_deduction"
HIGH_TECH_EQUIPMENT = "cit.high_tech_equipment_super_deduction"
SLPE = "cit.small_low_profit"
PREFERENTIAL_RATE = "cit.preferential_rate"
IIT = "iit.individual_business_halving"
POLICIES = (RD, EQUIPMENT, HIGH_TECH_EQUIPMENT, SLPE, PREFERENTIAL_RATE, IIT)
MONTHS_A_YEAR = 12


def _or_zero(value: Any) -> Any:
    """`value or ZERO` (a figure of 0 as the constant 0, as the row engine wrote it) for a row or a column."""
    return where(value != 0, value, ZERO)


@columnar(by=("entity", "high_tech", "western_encouraged", "jurisdiction"))
@read_by("local_taxes.six_taxes_two_fees")  # (六税两费 reads A1, small low-profit)
def income_tax(ctx: Context) -> None:
    """The CIT chain for a company, B2 for an individual business. Written in kit's vocabulary: the same definition
    runs on one profile and on the batch's columns (xzcalc/batch/columnar.py), once for each entity, 高新技术企业
    flag, western-encouraged flag and jurisdiction among a block's rows (they decide the rate and which items
    apply)."""
    if ctx.profile.entity == "company":
        _cit_chain(ctx)
        iit = ctx.start(IIT)
        iit.require(False, "iit.individual_business_halving.company")
        ctx.emit(iit.give(ZERO))
    else:
        for pid in (RD, EQUIPMENT, HIGH_TECH_EQUIPMENT, SLPE, PREFERENTIAL_RATE):
            item = ctx.start(pid)
            item.require(False, "cit.not_for_individual_business")
            ctx.emit(item.give(ZERO))
        decide(ctx, "small_low_profit", False, lambda: (Msg("cit.small_low_profit.individual_business"),))
        if ctx.computes(IIT):  # (no halving in force in 2019–2020: the engine lists it as not in force)
            _individual_business(ctx)


# ── B3 R&D super deduction ──────────────────────────────────────────────────────────────────────────
def _manufacturing_enterprise(ctx: Context, item: ItemBuilder, said: Any) -> Any:
    """2021年第13号 第一条: a 制造业企业 has manufacturing revenue of at least `manufacturing_share` of 收入总额 in the
    year. With both figures given the test decides; without them a section-C sector is presumed to pass (E2).
    Its reasons are given where `said` holds."""
    p = ctx.profile
    revenue, total = p.income.manufacturing_revenue, p.income.total_income
    name = "cit.rd_super_deduction.manufacturing_share"
    line = ctx.dec(name)
    known = both(present(revenue), value_or(total, ZERO) != 0)
    section_c = sector_in(p.sector, ("C",))
    item.because_when(
        both(said, both(negate(known), section_c)),
        "cit.rd_super_deduction.manufacturing_presumed",
        lambda: {"line": line, "source": ctx.source(name)},
    )
    share = ratio(value_or(revenue, ZERO), value_or(total, ZERO))
    passes = share >= line

    def values() -> dict[str, Any]:
        return {
            "revenue": revenue,
            "total": total,
            "share": share.quantize(
                Decimal("0.0001"), rounding=ROUND_DOWN
            ),  # never shows a share below the line as on it
            "line": line,
            "source": ctx.source(name),
        }

    item.because_when(both(said, both(known, passes)), "cit.rd_super_deduction.manufacturing_share_met", values)
    item.because_when(
        both(said, both(known, negate(passes))), "cit.rd_super_deduction.manufacturing_share_not_met", values
    )
    return where(known, passes, section_c)


def _rd_extra_deduction(ctx: Context, item: ItemBuilder) -> tuple[Any, Any]:
    """财税〔2015〕119号 第四条 negative list (the first value: whether the enterprise may deduct); 100% for
    manufacturing (2021年第13号) and 科技型中小企业 (2022年第16号), else 75%; expense incurred in the window of
    rate_q4_2022 at that rate (2022年第28号 第二条: 2022年10月1日至12月31日 … 100%). The second value: the extra
    deduction (whatever the first)."""
    p = ctx.profile
    negative = ctx.param("cit.rd_super_deduction.negative_list")
    hit = sector_in(p.sector, negative)
    allowed = negate(hit)

    def listed() -> dict[str, Any]:
        code = next(code for code in negative if p.sector.startswith(code))
        return {"sector": p.sector, "hit": code, "source": ctx.source("cit.rd_super_deduction.negative_list")}

    item.because_when(hit, "cit.rd_super_deduction.negative_list", listed)

    # the rates the enterprise qualifies for in the year — a rate without a window in the year is no rate then
    # (manufacturers' 100% from 2021, 科技型中小企业' from 2022, 2023年第44号's 120% in 2023–2027) — the highest wins
    def in_force(who: str) -> bool:
        return ctx.params.get_or_none(f"cit.rd_super_deduction.rate_{who}", ctx.year_end) is not None

    flags = {"ic_or_machine_tool": p.ic_or_machine_tool, "tech_sme": p.tech_sme}
    qualifies = {
        w: _manufacturing_enterprise(ctx, item, allowed) if w == "manufacturing" else flags[w]
        for w in ("ic_or_machine_tool", "manufacturing", "tech_sme")
        if in_force(w)
    }
    rates = {w: ctx.dec(f"cit.rd_super_deduction.rate_{w}") for w in (*qualifies, "other")}
    # the first of the highest rates in this order (a stable sort keeps it); "other" comes last, so a rate equal
    # to its rate still wins
    ranked = sorted(qualifies, key=lambda w: -rates[w])
    above = [w for w in ranked if rates[w] >= rates["other"]]
    who = select(((qualifies[w], w) for w in above), "other")
    rate = select(((qualifies[w], rates[w]) for w in above), rates["other"])

    def named() -> dict[str, Any]:
        name = f"cit.rd_super_deduction.rate_{who}"
        return {"who": Msg(f"cit.rd_super_deduction.who.{who}"), "rate": rate, "source": ctx.source(name)}

    item.because_when(allowed, "cit.rd_super_deduction.rate", named)
    window = ctx.window_in_year("cit.rd_super_deduction.rate_q4_2022")
    in_window = p.income.rd_expense_q4
    window_rate = rate if window is None else maximum(Decimal(window.value), rate)
    base = p.income.rd_expense - in_window
    extra = base * rate + in_window * window_rate
    if window is not None:
        item.because_when(
            both(allowed, both(in_window != 0, window_rate != rate)),
            "cit.rd_super_deduction.window_rate",
            lambda: {
                "start": window.start,
                "end": window.end,
                "expense": in_window,
                "rate": window_rate,
                "source": ctx.source("cit.rd_super_deduction.rate_q4_2022"),
            },
        )
    step_when(
        item,
        allowed,
        "cit.rd_super_deduction.extra",
        lambda: {
            "base": base,
            "rate": rate,
            "window_expense": in_window,
            "window_rate": window_rate,
            "extra": extra,
        },
    )
    return allowed, extra


# ── B4 equipment deduction ────────────────────────────────────────────────────────────────────────────────────
class _Equipment:
    """What the machines add up to: the extra deduction (B4) and whether any machine has one, the further super
    deduction of 2022年第28号 and whether any has one, and whether any machine was given."""

    def __init__(self) -> None:
        self.extra: Any = ZERO
        self.any: Any = False
        self.supers: Any = ZERO
        self.any_super: Any = False
        self.bought: Any = False


def _equipment_extra(
    ctx: Context, item: ItemBuilder, super_item: ItemBuilder, found: _Equipment, index: int, e: Any, sme: Any
) -> None:
    """One machine's extra deduction in the tax year (added to `found` where it has one this year); a
    高新技术企业's machine bought in 2022年第28号's window also adds its further super deduction (the reasons go to
    `super_item`).

    国家税务总局公告2018年第46号 第二条: the deduction falls in the tax year of the month after the month the machine
    entered service; 第一条(二): the purchase date (购置时点) decides which policy window applies — 财税〔2018〕54号
    (≤ the small-value line: deducted at once by any enterprise) or 2022年第12号 (an SME above the line: all of it for
    a 3-year minimum, a share for longer ones). The extra deduction is the policy deduction minus the normal
    straight-line depreciation it replaces in that year (实施条例 第五十九条: from the month after entering service).
    2022年第28号 第一条 takes precedence for a 高新技术企业's purchase in its window: deducted in full at once, and a
    further super deduction of the value (the 46号 timing applies to it too — an interpretation, docs/)."""

    def label() -> Any:
        return e.name or Msg("cit.equipment_deduction.label", {"index": index})

    given = present(e)
    found.bought = either(found.bought, given)
    in_service = e.in_service
    serving = both(given, present(in_service))
    on = value_or(e.purchased, value_or(in_service, ctx.year_end))  # 购置时点: the purchase date, else the month
    high_tech_window = _high_tech_window(ctx, both(given, either(present(e.purchased), present(in_service))), on)
    item.because_when(
        both(given, negate(serving)), "cit.equipment_deduction.no_service_month", lambda: {"label": label()}
    )
    service = value_or(in_service, ctx.year_end)
    lag = int(ctx.dec("cit.equipment_deduction.deduction_lag_months"))
    deducted_from = add_months(service, lag)
    other_year = both(serving, deducted_from.year != ctx.year)

    def elsewhere() -> dict[str, Any]:
        return {
            "label": label(),
            "in_service": in_service,
            "month": deducted_from,
            "deduction_year": deducted_from.year,
            "year": ctx.year,
            "source": ctx.source("cit.equipment_deduction.deduction_lag_months"),
        }

    item.because_when(other_year, "cit.equipment_deduction.other_year", elsewhere)
    super_item.because_when(both(other_year, high_tech_window), "cit.equipment_deduction.other_year", elsewhere)
    this_year = both(serving, negate(other_year))
    item.because_when(
        both(this_year, negate(present(e.purchased))),
        "cit.equipment_deduction.purchase_presumed",
        lambda: {"label": label(), "in_service": in_service},
    )
    purchased = on
    v = e.unit_value
    small_line = ctx.lookup("cit.equipment_deduction.small_value_line", purchased)
    sme_line = ctx.lookup("cit.equipment_deduction.sme_value_line", purchased)
    small = both(present(small_line), v <= value_or(small_line, ZERO))
    above = both(present(sme_line), v > value_or(sme_line, ZERO))

    def rule_of() -> str:  # (a row's: for its reasons)
        rule: str = select(
            ((high_tech_window, "high_tech"), (small, "small_value"), (above, "sme" if sme else "not_sme")),
            "no_window",
        )
        return rule

    super_rate = ctx.lookup("cit.high_tech_equipment.super_deduction_rate", purchased)
    supers = both(this_year, both(high_tech_window, present(super_rate)))
    super_extra = v * value_or(super_rate, ZERO)
    found.supers = found.supers + where(supers, super_extra, ZERO)
    found.any_super = either(found.any_super, supers)

    def raw(name: str) -> Any:
        return ctx.params.get_or_none(name, purchased)

    super_item.because_when(
        supers,
        "cit.high_tech_equipment.item",
        lambda: {
            "label": label(),
            "purchased": purchased,
            "rate": raw("cit.high_tech_equipment.super_deduction_rate"),
            "source": ctx.source("cit.high_tech_equipment.super_deduction_rate"),
        },
    )
    step_when(
        super_item,
        supers,
        "cit.high_tech_equipment.extra",
        lambda: {
            "label": label(),
            "value": v,
            "rate": raw("cit.high_tech_equipment.super_deduction_rate"),
            "extra": super_extra,
        },
    )
    # the share deducted at once under the window that applies (none: no window for its value and size)
    sme_share = where(
        e.years == 3,
        ctx.lookup("cit.equipment_deduction.sme_share_3_years", purchased),
        ctx.lookup("cit.equipment_deduction.sme_share_longer", purchased),
    )
    cases = (
        (high_tech_window, ctx.lookup("cit.high_tech_equipment.deduction_share", purchased)),
        (small, ctx.lookup("cit.equipment_deduction.small_value_share", purchased)),
        (both(above, sme), sme_share),
    )
    has_share = select(((holds, present(share)) for holds, share in cases), False)
    share = select(((holds, value_or(share, ZERO)) for holds, share in cases), ZERO)

    def name_of_share() -> str:
        rule = rule_of()
        longer = "3_years" if e.years == 3 else "longer"
        if rule == "high_tech":
            return "cit.high_tech_equipment.deduction_share"
        if rule == "small_value":
            return "cit.equipment_deduction.small_value_share"
        return f"cit.equipment_deduction.sme_share_{longer}" if rule == "sme" else ""

    def shown() -> Msg:
        rule = rule_of()
        line = {"high_tech": ZERO, "small_value": raw("cit.equipment_deduction.small_value_line")}.get(
            rule, raw("cit.equipment_deduction.sme_value_line") if rule in ("sme", "not_sme") else ZERO
        )
        name = name_of_share()
        values = {
            "line": line,
            "years": e.years,
            "share": (raw(name) if name else None) or ZERO,
            "purchased": purchased,
        }
        if rule == "high_tech":
            start, end = window(ctx, "cit.high_tech_equipment.deduction_share")
            values.update(start=start, end=end)
        return Msg(f"cit.equipment_deduction.rule.{rule}", values)

    deducts = both(this_year, has_share)
    item.because_when(
        both(this_year, negate(has_share)),
        "cit.equipment_deduction.item",
        lambda: {"label": label(), "rule": shown()},
    )
    item.because_when(
        deducts,
        "cit.equipment_deduction.item_sourced",
        lambda: {"label": label(), "rule": shown(), "source": ctx.source(name_of_share())},
    )
    start = add_months(service, int(ctx.dec("cit.equipment_deduction.depreciation_lag_months")))
    months = maximum(
        0, minimum(MONTHS_A_YEAR, (ctx.year - start.year) * MONTHS_A_YEAR + MONTHS_A_YEAR + 1 - start.month)
    )
    normal = divide(v * months, MONTHS_A_YEAR * e.years)
    extra = v * share - normal
    step_when(
        item,
        deducts,
        "cit.equipment_deduction.normal",
        lambda: {
            "label": label(),
            "in_service": in_service,
            "start": start,
            "months": months,
            "months_a_year": MONTHS_A_YEAR,
            "value": v,
            "years": e.years,
            "normal": normal,
        },
    )
    step_when(
        item,
        deducts,
        "cit.equipment_deduction.extra",
        lambda: {"label": label(), "value": v, "share": raw(name_of_share()), "normal": normal, "extra": extra},
    )
    found.extra = found.extra + where(deducts, extra, ZERO)
    found.any = either(found.any, deducts)


def _high_tech_window(ctx: Context, dated: Any, purchased: Any) -> Any:
    """Whether the enterprise is a 高新技术企业 and bought the machine (`dated`: a purchase or service date is
    given) in 2022年第28号 第一条's purchase window."""
    name = "cit.high_tech_equipment.deduction_share"
    if not ctx.profile.high_tech:  # (one value in a block's part: income_tax is run by it)
        return False
    return both(dated, present(ctx.lookup(name, purchased)))


# ── A1 and B1 small low-profit enterprise ─────────────────────────────────────────────────────────────────────
def _small_low_profit(ctx: Context, income: Any) -> Any:
    """A1 (2022年第13号 第二条): taxable income (after the deductions and the loss offset) at most income_limit —
    with no lower bound: a loss-maker meeting the other tests is small low-profit and owes nothing (policies.md E2,
    parameter loss_makers_qualify) —, headcount and assets within their limits, not a restricted industry.
    Decides the classification and returns whether it holds."""
    p = ctx.profile
    income_limit = ctx.dec("cit.small_low_profit.income_limit")
    employee_limit = ctx.dec("cit.small_low_profit.employee_limit")
    asset_limit = ctx.dec("cit.small_low_profit.asset_limit")
    loss_makers = bool(ctx.param("cit.small_low_profit.loss_makers_qualify"))
    no_income = both(income <= 0, not loss_makers)
    income_over = both(negate(no_income), income > income_limit)
    employees_over = p.employees > employee_limit
    assets_over = p.total_assets > asset_limit
    restricted = p.restricted_industry
    holds = negate(either(either(either(no_income, income_over), either(employees_over, assets_over)), restricted))

    def reasons() -> tuple[Msg, ...]:
        failed = [
            message
            for fails, message in (
                (no_income, Msg("cit.small_low_profit.no_income", {"income": income})),
                (income_over, Msg("cit.small_low_profit.income_over", {"income": income, "limit": income_limit})),
                (
                    employees_over,
                    Msg("cit.small_low_profit.employees_over", {"employees": p.employees, "limit": employee_limit}),
                ),
                (
                    assets_over,
                    Msg("cit.small_low_profit.assets_over", {"assets": p.total_assets, "limit": asset_limit}),
                ),
                (restricted, Msg("cit.small_low_profit.restricted")),
            )
            if fails
        ]
        source = ctx.source("cit.small_low_profit.income_limit")
        if failed:
            return (Msg("cit.small_low_profit.fails", {"failed": failed, "source": source}),)
        values = {
            "income": income,
            "income_limit": income_limit,
            "employees": p.employees,
            "employee_limit": employee_limit,
            "assets": p.total_assets,
            "asset_limit": asset_limit,
            "source": source,
        }
        if income <= 0:
            loss_source = ctx.source("cit.small_low_profit.loss_makers_qualify")
            return Msg("cit.small_low_profit.holds", values), Msg(
                "cit.small_low_profit.loss_year", {"source": loss_source}
            )
        return (Msg("cit.small_low_profit.holds", values),)

    decide(ctx, "small_low_profit", holds, reasons)
    return holds


def slpe_tax_of(ctx: Context, t: Any, item: ItemBuilder | None = None, shown: Any = True) -> Any:
    """2021年第12号 第一条 and 2022年第13号 第一条: the part up to band1_limit counted at band1_inclusion, the part
    above at band2_inclusion, taxed at reduced_rate (yuan, unrounded). The steps go to `item` where `shown` holds."""
    band1_limit = ctx.dec("cit.small_low_profit.band1_limit")
    inc1 = ctx.dec("cit.small_low_profit.band1_inclusion")
    inc2 = ctx.dec("cit.small_low_profit.band2_inclusion")
    rate = ctx.dec("cit.small_low_profit.reduced_rate")
    part1 = minimum(t, band1_limit)
    part2 = maximum(ZERO, t - band1_limit)
    tax1 = part1 * inc1 * rate
    tax2 = part2 * inc2 * rate
    if item is not None:
        band1 = {"limit": band1_limit, "part": part1, "inclusion": inc1, "rate": rate, "tax": tax1}
        step_when(item, shown, "cit.small_low_profit.band1", band1)
        band2 = {"limit": band1_limit, "part": part2, "inclusion": inc2, "rate": rate, "tax": tax2}
        step_when(item, shown, "cit.small_low_profit.band2", band2)
    return tax1 + tax2


# ── the rate of the chain ─────────────────────────────────────────────────────────────────────────────────────
def _preferential_rate(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """The enterprise's own reduced rate (None: the statutory rate): 企业所得税法 第二十八条 for a 高新技术企业,
    2020年第23号 第一条 for an encouraged-industry enterprise in the western region; the lower if both. (The flags
    and the jurisdiction are single values: income_tax runs once for each of theirs among a block's rows.)"""
    p = ctx.profile
    found: list[Decimal] = []
    if p.high_tech:
        name = "cit.preferential_rate.high_tech"
        rate = ctx.params.get_or_none(name, ctx.year_end)
        if rate is not None:
            found.append(Decimal(rate))
            item.because("cit.preferential_rate.high_tech", rate=rate, source=ctx.source(name))
    if p.western_encouraged:
        name = "cit.preferential_rate.western_encouraged"
        regions = ctx.params.get_or_none("cit.preferential_rate.western_regions", ctx.year_end) or ()
        rate = ctx.params.get_or_none(name, ctx.year_end)
        region = jurisdiction_name(p.jurisdiction)
        if p.jurisdiction not in regions:
            source = ctx.source("cit.preferential_rate.western_regions")
            item.because("cit.preferential_rate.not_western", region=region, source=source)
        elif rate is not None:
            found.append(Decimal(rate))
            item.because("cit.preferential_rate.western", region=region, rate=rate, source=ctx.source(name))
    if not found and not p.high_tech and not p.western_encouraged:
        item.because("cit.preferential_rate.none", rate=ctx.dec("cit.rate"))
    return min(found) if found else None


def jurisdiction_name(jurisdiction: str) -> Text:
    """A jurisdiction's name in both languages (data/jurisdictions.toml)."""
    entry = jurisdictions()[jurisdiction]
    return Text(entry["name_zh"], entry["name_en"])


def _after_losses(t: Any, losses: Any) -> Any:
    """A step's income after offsetting earlier losses (弥补以前年度亏损): T − min(L, max(T, 0))."""
    return t - minimum(losses, maximum(t, ZERO))


def _taxes(rate: Decimal, incomes: tuple[Any, ...]) -> tuple[Any, ...]:
    """The tax at each step of the chain at one rate (on incomes after the loss offset), rounded to the fen as a
    return shows it."""
    return tuple(fen(rate * maximum(t, ZERO)) for t in incomes)


def _cit_chain(ctx: Context) -> None:
    p = ctx.profile
    statutory = ctx.dec("cit.rate")

    rd = ctx.start(RD)
    rd_allowed, rd_computed = _rd_extra_deduction(ctx, rd)
    rd_extra = _or_zero(where(rd_allowed, rd_computed, ZERO))  # (none on the negative list)
    eq = ctx.start(EQUIPMENT)
    sme = ctx.classification["sme_equipment"].value
    hte = ctx.start(HIGH_TECH_EQUIPMENT)
    machines = _Equipment()
    for i, e in enumerate(p.equipment, 1):
        _equipment_extra(ctx, eq, hte, machines, i, e, sme)
    eq_extra = machines.extra
    hte_extra = machines.supers
    slpe = ctx.start(SLPE)

    income = p.income
    reported = _or_zero(value_or(income.taxable_income_reported, ZERO))
    # policies.md E2: the figure as filed (A100000 line 23, after the deductions and the loss offset) — the chain
    # worked backwards from it; the losses used are those the return offset
    backwards = both(income.taxable_income == 0, either(reported != 0, income.losses_offset != 0))
    t3_filed = reported + income.losses_offset
    t2_filed = t3_filed + hte_extra
    t1_filed = t2_filed + eq_extra
    t0_filed = t1_filed + rd_extra
    losses_filed = where(reported > 0, income.losses_offset, maximum(income.losses_offset, income.prior_losses))

    def filed() -> dict[str, Any]:
        return {
            "reported": reported,
            "offset": income.losses_offset,
            "super": hte_extra,
            "equipment": eq_extra,
            "rd": rd_extra,
            "t0": t0_filed,
        }

    with_super = hte_extra != 0
    for item in (rd, eq, hte, slpe):
        item.because_when(both(backwards, with_super), "cit.chain.from_reported_high_tech", filed)
        if item is not hte:
            item.because_when(both(backwards, negate(with_super)), "cit.chain.from_reported", filed)
    slpe.because_when(
        both(backwards, both(reported > 0, income.prior_losses > income.losses_offset)),
        "cit.chain.prior_losses_beyond_offset",
        lambda: {"available": income.prior_losses, "offset": losses_filed},
    )
    t0 = where(backwards, t0_filed, income.taxable_income)
    t1 = where(backwards, t1_filed, t0 - rd_extra)
    t2 = where(backwards, t2_filed, t1 - eq_extra)
    t3 = where(backwards, t3_filed, t2 - hte_extra)
    losses = where(backwards, losses_filed, income.prior_losses)

    # every step taxes its income after the earlier losses (A100000: the loss offset comes after the R&D and
    # equipment steps), so the items still add up; the SLPE test and bands use the last step's figure
    incomes = tuple(_after_losses(t, losses) for t in (t0, t1, t2, t3))
    t_final = incomes[-1]
    losses_used = t3 - t_final
    losses_left = losses - losses_used + maximum(ZERO, -t3)

    slpe_holds = _small_low_profit(ctx, t_final)
    pref = ctx.start(PREFERENTIAL_RATE)
    reduced = _preferential_rate(ctx, pref)

    # the statutory chain, ending in the SLPE tax when A1 holds; the chain at the enterprise's own reduced rate
    at_statutory = _taxes(statutory, incomes)
    slpe_tax = fen(slpe_tax_of(ctx, maximum(t_final, ZERO), slpe, slpe_holds))
    final_statutory = where(slpe_holds, slpe_tax, at_statutory[-1])
    at_reduced = _taxes(reduced, incomes) if reduced is not None else at_statutory
    lower_of_two = bool(ctx.param("cit.preferential_rate.lower_of_two"))
    # the choice arises only where both hold; on equal tax (a loss year) the statutory chain with SLPE is kept
    use_reduced: Any = False
    if reduced is not None:
        use_reduced = either(negate(slpe_holds), either(at_reduced[-1] < final_statutory, not lower_of_two))
    rate = statutory if reduced is None else where(use_reduced, reduced, statutory)
    taxes = tuple(where(use_reduced, a, b) for a, b in zip(at_reduced, at_statutory, strict=True))
    tax_final = where(use_reduced, taxes[-1], final_statutory)
    baseline = at_statutory[0]

    # the preferential rate: the 10 points saved at step 0, or why not
    if reduced is None:
        ctx.emit(settle(pref, False, ZERO))  # the reason was given by _preferential_rate
    else:
        pref.because_when(
            slpe_holds,
            "cit.preferential_rate.lower_of_two" if lower_of_two else "cit.preferential_rate.rate_always",
            lambda: {
                "chosen": Msg(
                    "cit.preferential_rate.chosen_rate" if use_reduced else "cit.preferential_rate.chosen_slpe"
                ),
                "rate": reduced,
                "tax_rate": at_reduced[-1],
                "tax_slpe": slpe_tax,
                "source": ctx.source("cit.preferential_rate.lower_of_two"),
            },
        )
        step_when(
            pref,
            use_reduced,
            "cit.chain.rate_saved",
            lambda: {
                "statutory": statutory,
                "rate": reduced,
                "t0": t0,
                "tax0": baseline,
                "tax_rate": at_reduced[0],
                "saved": baseline - at_reduced[0],
            },
        )
        ctx.emit(settle(pref, True, baseline - taxes[0]))

    # B3
    step_when(rd, rd_allowed, "cit.chain.t1", lambda: {"t0": t0, "extra": rd_computed, "t1": t1})
    step_when(
        rd,
        rd_allowed,
        "cit.chain.rd_saved",
        lambda: {"rate": rate, "tax0": taxes[0], "tax1": taxes[1], "saved": taxes[0] - taxes[1]},
    )
    rd.because_when(both(rd_allowed, both(t0 <= 0, rd_extra != 0)), "cit.rd_super_deduction.loss_year")
    rd.because_when(both(rd_allowed, p.income.rd_expense == 0), "cit.rd_super_deduction.no_expense")
    ctx.emit(settle(rd, rd_allowed, taxes[0] - taxes[1]))

    # B4
    eq.because_when(negate(machines.bought), "cit.equipment_deduction.none_bought")
    eq.step("cit.chain.t2", t1=t1, extra=eq_extra, t2=t2)
    eq.step("cit.chain.deferred", rate=rate, tax1=taxes[1], tax2=taxes[2], deferred=taxes[1] - taxes[2])
    eq.because_when(
        both(eq_extra != 0, t2 < 0),
        "cit.equipment_deduction.loss_carried",
        lambda: {"loss": -t2, "years": ctx.dec("cit.loss_carry_forward_years")},
    )
    # each machine's reason says why it does not qualify when none does
    ctx.emit(settle(eq, either(negate(machines.bought), machines.any), taxes[1] - taxes[2]))

    # 2022年第28号 第一条: the further 100% on a 高新技术企业's equipment of 2022 Q4 (never paid back)
    hte.require(p.high_tech, "cit.high_tech_equipment.not_high_tech")
    hte.require(
        machines.any_super,
        "cit.high_tech_equipment.none_in_window",
        lambda: dict(zip(("start", "end"), window(ctx, "cit.high_tech_equipment.super_deduction_rate"), strict=True)),
    )
    hte.step("cit.chain.t3", t2=t2, extra=hte_extra, t3=t3)
    hte.step("cit.chain.super_saved", rate=rate, tax2=taxes[2], tax3=taxes[3], saved=taxes[2] - taxes[3])
    hte.because_when(
        t3 < 0,
        "cit.equipment_deduction.loss_carried",
        lambda: {"loss": -t3, "years": ctx.dec("cit.loss_carry_forward_years")},
    )
    ctx.emit(hte.give(taxes[2] - taxes[3]))

    # B1
    slpe.because_when(
        losses != 0,
        "cit.small_low_profit.losses",
        lambda: {
            "t2": t3,
            "used": losses_used,
            "final": t_final,
            "available": losses,
            "left": losses_left,
            "years": ctx.dec("cit.loss_carry_forward_years"),
        },
    )
    finding = ctx.classification["small_low_profit"]
    slpe.require(slpe_holds, "cit.small_low_profit.fails", lambda: finding.reasons[0].values)
    slpe.cite(finding)
    slpe.because_when(
        use_reduced,
        "cit.small_low_profit.not_stacked",
        lambda: {
            "rate": rate,
            "tax_rate": tax_final,
            "tax_slpe": slpe_tax,
            "source": ctx.source("cit.preferential_rate.lower_of_two"),
        },
    )
    step_when(
        slpe,
        negate(use_reduced),
        "cit.chain.tax_at_rate",
        lambda: {"rate": statutory, "t2": maximum(t_final, ZERO), "tax2": at_statutory[-1]},
    )
    step_when(
        slpe,
        negate(use_reduced),
        "cit.chain.relief",
        lambda: {"tax2": at_statutory[-1], "tax3": tax_final, "relief": at_statutory[-1] - tax_final},
    )
    ctx.emit(slpe.give(where(use_reduced, ZERO, at_statutory[-1] - tax_final)))

    ctx.cit.update(
        {
            "taxable_income": t0,
            "rd_extra_deduction": fen(rd_extra),
            "equipment_extra_deduction": fen(eq_extra),
            "high_tech_equipment_super_deduction": fen(hte_extra),
            "taxable_income_final": fen(t_final),
            "prior_losses_used": fen(losses_used),
            "loss_carried_forward": fen(losses_left),
            "tax_baseline": baseline,
            "tax_final": tax_final,
        }
    )


# ── B2 individual business halving ────────────────────────────────────────────────────────────────────────────
def _individual_business(ctx: Context) -> None:
    """国家税务总局公告2021年第8号: 减免税额 = (B × r − q − O × B / T) × share, B = min(T, limit).

    One owner with several individual businesses (income.other_business_income): 8号 第二条 combines their taxable
    income at the annual filing and recomputes the relief on the total C; this business's amount is its share of
    that combined relief by taxable income (T / C — an interpretation: the law fixes the combined figure, not its
    split), so the rows of one owner add up to the combined relief. Components: `combined` and, negative, the
    `other_businesses`' share."""
    p = ctx.profile
    item = ctx.start(IIT)
    # no deduction chain: one figure
    reported = _or_zero(value_or(p.income.taxable_income_reported, ZERO))
    t = where(p.income.taxable_income != 0, p.income.taxable_income, reported)
    positive = t > 0
    item.because_when(negate(positive), "iit.individual_business_halving.no_income")
    others = p.income.other_business_income
    combine = both(positive, both(others != 0, bool(ctx.param("iit.individual_business_halving.combined_filing"))))
    total = where(combine, t + others, t)
    brackets = ctx.param("iit.business_income.brackets")
    bounded = [(Decimal(upper), Decimal(r), Decimal(q)) for upper, r, q in brackets if upper != ""]
    last = next((Decimal(r), Decimal(q)) for upper, r, q in brackets if upper == "")
    rate = select(((total <= upper, r) for upper, r, _ in bounded), last[0])
    quick = select(((total <= upper, q) for upper, _, q in bounded), last[1])
    limit = ctx.dec("iit.individual_business_halving.limit")
    share = ctx.dec("iit.individual_business_halving.share")
    b = minimum(total, limit)
    o = p.income.other_relief
    relief = maximum(ZERO, (b * rate - quick - divide(o * b, total)) * share)
    item.because_when(
        positive,
        "iit.individual_business_halving.rule",
        lambda: {"limit": limit, "source": ctx.source("iit.individual_business_halving.share")},
    )
    item.because_when(
        combine,
        "iit.individual_business_halving.combined",
        lambda: {
            "income": t,
            "others": others,
            "combined": total,
            "source": ctx.source("iit.individual_business_halving.combined_filing"),
        },
    )
    step_when(
        item, positive, "iit.individual_business_halving.bracket", {"income": total, "rate": rate, "quick": quick}
    )
    step_when(
        item,
        positive,
        "iit.individual_business_halving.relief",
        lambda: {
            "share": share,
            "b": b,
            "rate": rate,
            "quick": quick,
            "other": o,
            "income": total,
            "relief": relief,
        },
    )
    combined = rounded_when(item, combine, "combined", relief)
    mine = fen(divide(combined * t, total))
    rounded_when(item, combine, "other_businesses", mine - combined)
    item.because_when(
        combine,
        "iit.individual_business_halving.shared",
        lambda: {"combined": combined, "share": mine, "others": combined - mine},
    )
    step_when(
        item,
        combine,
        "iit.individual_business_halving.share_of_combined",
        lambda: {"relief": combined, "income": t, "combined": total, "share": mine, "others": combined - mine},
    )
    ctx.emit(item.give(where(positive, where(combine, mine, relief), ZERO)))


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, income_tax),)


# ── thresholds: the lines of B1 and B4 the advisor tests from both sides (xzcalc/analysis/advisor.py) ───────────
def _company(p: Profile, r: Result) -> bool:
    return p.entity == "company"


def _slpe(p: Profile, r: Result) -> bool:
    return p.entity == "company" and r.classification["small_low_profit"].value is True


def _income_path(p: Profile, i: int) -> str:
    """The field that moves the taxable income the SLPE test compares: the filed line 23 when the profile gives it
    (the chain is worked back from it), else the taxable income before the deductions."""
    reported = p.income.taxable_income_reported is not None
    return "income.taxable_income_reported" if reported else "income.taxable_income"


def _t_final(p: Profile, r: Result, i: int) -> Decimal | None:
    return r.cit.get("taxable_income_final")  # T2: the SLPE test is on taxable income after the deductions


def _equipment_of_year(p: Profile) -> Sequence[int]:
    return [i for i, e in enumerate(p.equipment, 1) if e.in_service is not None and e.in_service.year == p.year]


def _bought_above_value_line(p: Profile, params: ParamSet) -> bool:
    """The A2 ceilings matter only to a company that bought equipment above the value line in the tax year."""
    line = params.get_or_none(EQUIPMENT + ".sme_value_line", date(p.year, 12, 31))
    return (
        p.entity == "company"
        and line is not None
        and any(p.equipment[i - 1].unit_value > line for i in _equipment_of_year(p))
    )


THRESHOLDS: tuple[Threshold | TableThreshold, ...] = (
    Threshold(
        SLPE + ".income_limit",
        _income_path,
        "le",
        SLPE + ".compared.taxable_income",
        SLPE + ".line.income_limit",
        measure="cit.tax_final",
        policy=SLPE,
        value=_t_final,
        when=_company,
    ),
    Threshold(
        SLPE + ".employee_limit",
        "employees",
        "le",
        SLPE + ".compared.employees",
        SLPE + ".line.employee_limit",
        measure="cit.tax_final",
        unit="persons",
        policy=SLPE,
        when=_company,
    ),
    Threshold(
        SLPE + ".asset_limit",
        "total_assets",
        "le",
        SLPE + ".compared.total_assets",
        SLPE + ".line.asset_limit",
        measure="cit.tax_final",
        policy=SLPE,
        when=_company,
    ),
    Threshold(
        SLPE + ".band1_limit",
        "income.taxable_income",
        "le",
        SLPE + ".compared.taxable_income",
        SLPE + ".line.band1_limit",
        measure="cit.tax_final",
        policy=SLPE,
        value=_t_final,
        when=_slpe,
    ),
    Threshold(
        EQUIPMENT + ".sme_value_line",
        "equipment.{i}.unit_value",
        "le",
        EQUIPMENT + ".compared.unit_value",
        EQUIPMENT + ".line.sme_value_line",
        measure=f"item:{EQUIPMENT}",
        policy=EQUIPMENT,
        indices=_equipment_of_year,
        when=_company,
    ),
    # A2: the SME ceilings of the equipment deduction (one criterion below suffices)
    TableThreshold(
        "sme_equipment",
        "below_any",
        "lt",
        "sme_equipment.{group}.{indicator}",
        EQUIPMENT + ".line.sme_ceiling",
        measure=f"item:{EQUIPMENT}",
        policy=EQUIPMENT,
        requires=_bought_above_value_line,
    ),
)
