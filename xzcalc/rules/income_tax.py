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

from ..messages import Msg, Text
from ..model import Finding, Result
from ..money import ZERO, quantize
from ..params import ParamSet, jurisdictions
from ..schema.profile import Equipment, Profile
from .common import add_months, window
from .kit import Context, ItemBuilder, RuleFamily
from .thresholds import TableThreshold, Threshold

RD = "cit.rd_super_deduction"
EQUIPMENT = "cit.equipment_deduction"
HIGH_TECH_EQUIPMENT = "cit.high_tech_equipment_super_deduction"
SLPE = "cit.small_low_profit"
PREFERENTIAL_RATE = "cit.preferential_rate"
IIT = "iit.individual_business_halving"
POLICIES = (RD, EQUIPMENT, HIGH_TECH_EQUIPMENT, SLPE, PREFERENTIAL_RATE, IIT)
MONTHS_A_YEAR = 12


def income_tax(ctx: Context) -> None:
    if ctx.profile.entity == "company":
        _cit_chain(ctx)
        ctx.emit(ctx.start(IIT).ineligible("iit.individual_business_halving.company"))
    else:
        for pid in (RD, EQUIPMENT, HIGH_TECH_EQUIPMENT, SLPE, PREFERENTIAL_RATE):
            ctx.emit(ctx.start(pid).ineligible("cit.not_for_individual_business"))
        reason = Msg("cit.small_low_profit.individual_business")
        ctx.classification["small_low_profit"] = Finding("small_low_profit", False, (reason,))
        if ctx.computes(IIT):  # (no halving in force in 2019–2020: the engine lists it as not in force)
            _individual_business(ctx)


# ── B3 R&D super deduction ──────────────────────────────────────────────────────────────────────────
def _manufacturing_enterprise(ctx: Context, item: ItemBuilder) -> bool:
    """2021年第13号 第一条: a 制造业企业 has manufacturing revenue of at least `manufacturing_share` of 收入总额 in the
    year. With both figures given the test decides; without them a section-C sector is presumed to pass (E2)."""
    p = ctx.profile
    revenue, total = p.income.manufacturing_revenue, p.income.total_income
    name = "cit.rd_super_deduction.manufacturing_share"
    line = ctx.dec(name)
    if revenue is None or not total:
        if p.sector.startswith("C"):
            item.because("cit.rd_super_deduction.manufacturing_presumed", line=line, source=ctx.source(name))
            return True
        return False
    share = revenue / total
    shown = share.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)  # never shows a share below the line as on it
    passes = share >= line
    item.because(
        "cit.rd_super_deduction.manufacturing_share_" + ("met" if passes else "not_met"),
        revenue=revenue,
        total=total,
        share=shown,
        line=line,
        source=ctx.source(name),
    )
    return passes


def _rd_extra_deduction(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """财税〔2015〕119号 第四条 negative list (None: not eligible); 100% for manufacturing (2021年第13号) and
    科技型中小企业 (2022年第16号), else 75%; expense incurred in the window of rate_q4_2022 at that rate
    (2022年第28号 第二条: 2022年10月1日至12月31日 … 100%)."""
    p = ctx.profile
    negative = ctx.param("cit.rd_super_deduction.negative_list")
    hit = next((code for code in negative if p.sector.startswith(code)), None)
    if hit is not None:
        source = ctx.source("cit.rd_super_deduction.negative_list")
        item.because("cit.rd_super_deduction.negative_list", sector=p.sector, hit=hit, source=source)
        return None

    # the rates the enterprise qualifies for in the year — a rate without a window in the year is no rate then
    # (manufacturers' 100% from 2021, 科技型中小企业' from 2022, 2023年第44号's 120% in 2023–2027) — the highest wins
    def in_force(who: str) -> bool:
        return ctx.params.get_or_none(f"cit.rd_super_deduction.rate_{who}", ctx.year_end) is not None

    qualifies = [
        *(["ic_or_machine_tool"] if p.ic_or_machine_tool and in_force("ic_or_machine_tool") else []),
        *(["manufacturing"] if in_force("manufacturing") and _manufacturing_enterprise(ctx, item) else []),
        *(["tech_sme"] if p.tech_sme and in_force("tech_sme") else []),
        "other",
    ]
    who = max(qualifies, key=lambda w: ctx.dec(f"cit.rd_super_deduction.rate_{w}"))  # (the first of equal rates)
    name = f"cit.rd_super_deduction.rate_{who}"
    rate = ctx.dec(name)
    item.because(
        "cit.rd_super_deduction.rate", who=Msg(f"cit.rd_super_deduction.who.{who}"), rate=rate, source=ctx.source(name)
    )
    window = ctx.window_in_year("cit.rd_super_deduction.rate_q4_2022")
    in_window = p.income.rd_expense_q4
    window_rate = rate if window is None else max(Decimal(window.value), rate)
    base = p.income.rd_expense - in_window
    extra = base * rate + in_window * window_rate
    if in_window and window is not None and window_rate != rate:
        item.because(
            "cit.rd_super_deduction.window_rate",
            start=window.start,
            end=window.end,
            expense=in_window,
            rate=window_rate,
            source=ctx.source("cit.rd_super_deduction.rate_q4_2022"),
        )
    item.step(
        "cit.rd_super_deduction.extra",
        base=base,
        rate=rate,
        window_expense=in_window,
        window_rate=window_rate,
        extra=extra,
    )
    return extra


# ── B4 equipment deduction ────────────────────────────────────────────────────────────────────────────────────
def _equipment_extra(
    ctx: Context, item: ItemBuilder, super_item: ItemBuilder, supers: list[Decimal], index: int, e: Equipment, sme: bool
) -> Decimal | None:
    """One machine's extra deduction in the tax year (None: nothing this year); a 高新技术企业's machine bought in
    2022年第28号's window also appends its further super deduction to `supers` (the reasons go to `super_item`).

    国家税务总局公告2018年第46号 第二条: the deduction falls in the tax year of the month after the month the machine
    entered service; 第一条(二): the purchase date (购置时点) decides which policy window applies — 财税〔2018〕54号
    (≤ the small-value line: deducted at once by any enterprise) or 2022年第12号 (an SME above the line: all of it for
    a 3-year minimum, a share for longer ones). The extra deduction is the policy deduction minus the normal
    straight-line depreciation it replaces in that year (实施条例 第五十九条: from the month after entering service).
    2022年第28号 第一条 takes precedence for a 高新技术企业's purchase in its window: deducted in full at once, and a
    further super deduction of the value (the 46号 timing applies to it too — an interpretation, docs/)."""
    label = e.name or Msg("cit.equipment_deduction.label", {"index": index})
    high_tech_window = _high_tech_window(ctx, e.purchased or e.in_service)
    if e.in_service is None:
        item.because("cit.equipment_deduction.no_service_month", label=label)
        return None
    lag = int(ctx.dec("cit.equipment_deduction.deduction_lag_months"))
    deducted_from = add_months(e.in_service, lag)
    if deducted_from.year != ctx.year:
        for builder in (item, super_item) if high_tech_window else (item,):
            builder.because(
                "cit.equipment_deduction.other_year",
                label=label,
                in_service=e.in_service,
                month=deducted_from,
                deduction_year=deducted_from.year,
                year=ctx.year,
                source=ctx.source("cit.equipment_deduction.deduction_lag_months"),
            )
        return None
    purchased = e.purchased
    if purchased is None:
        purchased = e.in_service
        item.because("cit.equipment_deduction.purchase_presumed", label=label, in_service=e.in_service)
    v = e.unit_value
    small_line = ctx.params.get_or_none("cit.equipment_deduction.small_value_line", purchased)
    sme_line = ctx.params.get_or_none("cit.equipment_deduction.sme_value_line", purchased)
    if high_tech_window:
        rule, name, line = "high_tech", "cit.high_tech_equipment.deduction_share", ZERO
        super_rate = ctx.params.get_or_none("cit.high_tech_equipment.super_deduction_rate", purchased)
        if super_rate is not None:
            super_extra = v * Decimal(super_rate)
            supers.append(super_extra)
            source = ctx.source("cit.high_tech_equipment.super_deduction_rate")
            super_item.because(
                "cit.high_tech_equipment.item", label=label, purchased=purchased, rate=super_rate, source=source
            )
            super_item.step("cit.high_tech_equipment.extra", label=label, value=v, rate=super_rate, extra=super_extra)
    elif small_line is not None and v <= small_line:
        rule, name, line = "small_value", "cit.equipment_deduction.small_value_share", small_line
    elif sme_line is not None and v > sme_line:
        longer = "3_years" if e.years == 3 else "longer"
        rule = "sme" if sme else "not_sme"  # above the line and not an SME: no special deduction
        name, line = (f"cit.equipment_deduction.sme_share_{longer}" if sme else ""), sme_line
    else:
        rule, name, line = "no_window", "", ZERO  # bought outside every window for its value
    share = ctx.params.get_or_none(name, purchased) if name else None
    values = {"line": line, "years": e.years, "share": share or ZERO, "purchased": purchased}
    if high_tech_window:
        values.update(start=high_tech_window[0], end=high_tech_window[1])
    shown = Msg(f"cit.equipment_deduction.rule.{rule}", values)
    if share is None:
        item.because("cit.equipment_deduction.item", label=label, rule=shown)
        return None
    item.because("cit.equipment_deduction.item_sourced", label=label, rule=shown, source=ctx.source(name))
    start = add_months(e.in_service, int(ctx.dec("cit.equipment_deduction.depreciation_lag_months")))
    months = max(0, min(MONTHS_A_YEAR, (ctx.year - start.year) * MONTHS_A_YEAR + MONTHS_A_YEAR + 1 - start.month))
    normal = v * months / (MONTHS_A_YEAR * e.years)
    extra = v * Decimal(share) - normal
    item.step(
        "cit.equipment_deduction.normal",
        label=label,
        in_service=e.in_service,
        start=start,
        months=months,
        months_a_year=MONTHS_A_YEAR,
        value=v,
        years=e.years,
        normal=normal,
    )
    item.step("cit.equipment_deduction.extra", label=label, value=v, share=share, normal=normal, extra=extra)
    return extra


def _high_tech_window(ctx: Context, purchased: date | None) -> tuple[date, date] | None:
    """2022年第28号 第一条's purchase window (first and last day) when the enterprise is a 高新技术企业 and bought
    the machine in it; None otherwise."""
    name = "cit.high_tech_equipment.deduction_share"
    if not ctx.profile.high_tech or purchased is None or ctx.params.get_or_none(name, purchased) is None:
        return None
    return window(ctx, name)


# ── A1 and B1 small low-profit enterprise ─────────────────────────────────────────────────────────────────────
def _small_low_profit(ctx: Context, income: Decimal) -> Finding:
    """A1 (2022年第13号 第二条): taxable income (after the deductions and the loss offset) at most income_limit —
    with no lower bound: a loss-maker meeting the other tests is small low-profit and owes nothing (policies.md E2,
    parameter loss_makers_qualify) —, headcount and assets within their limits, not a restricted industry."""
    p = ctx.profile
    income_limit = ctx.dec("cit.small_low_profit.income_limit")
    employee_limit = ctx.dec("cit.small_low_profit.employee_limit")
    asset_limit = ctx.dec("cit.small_low_profit.asset_limit")
    loss_makers = bool(ctx.param("cit.small_low_profit.loss_makers_qualify"))
    failed: list[Msg] = []
    if income <= 0 and not loss_makers:
        failed.append(Msg("cit.small_low_profit.no_income", {"income": income}))
    elif income > income_limit:
        failed.append(Msg("cit.small_low_profit.income_over", {"income": income, "limit": income_limit}))
    if p.employees > employee_limit:
        failed.append(Msg("cit.small_low_profit.employees_over", {"employees": p.employees, "limit": employee_limit}))
    if p.total_assets > asset_limit:
        failed.append(Msg("cit.small_low_profit.assets_over", {"assets": p.total_assets, "limit": asset_limit}))
    if p.restricted_industry:
        failed.append(Msg("cit.small_low_profit.restricted"))
    source = ctx.source("cit.small_low_profit.income_limit")
    if failed:
        return Finding(
            "small_low_profit", False, (Msg("cit.small_low_profit.fails", {"failed": failed, "source": source}),)
        )
    values = {
        "income": income,
        "income_limit": income_limit,
        "employees": p.employees,
        "employee_limit": employee_limit,
        "assets": p.total_assets,
        "asset_limit": asset_limit,
        "source": source,
    }
    holds = Msg("cit.small_low_profit.holds", values)
    if income <= 0:
        loss = Msg("cit.small_low_profit.loss_year", {"source": ctx.source("cit.small_low_profit.loss_makers_qualify")})
        return Finding("small_low_profit", True, (holds, loss))
    return Finding("small_low_profit", True, (holds,))


def slpe_tax_of(ctx: Context, t: Decimal, item: ItemBuilder | None = None) -> Decimal:
    """2021年第12号 第一条 and 2022年第13号 第一条: the part up to band1_limit counted at band1_inclusion, the part
    above at band2_inclusion, taxed at reduced_rate (yuan, unrounded)."""
    band1_limit = ctx.dec("cit.small_low_profit.band1_limit")
    inc1 = ctx.dec("cit.small_low_profit.band1_inclusion")
    inc2 = ctx.dec("cit.small_low_profit.band2_inclusion")
    rate = ctx.dec("cit.small_low_profit.reduced_rate")
    part1 = min(t, band1_limit)
    part2 = max(ZERO, t - band1_limit)
    tax1 = part1 * inc1 * rate
    tax2 = part2 * inc2 * rate
    if item is not None:
        item.step("cit.small_low_profit.band1", limit=band1_limit, part=part1, inclusion=inc1, rate=rate, tax=tax1)
        item.step("cit.small_low_profit.band2", limit=band1_limit, part=part2, inclusion=inc2, rate=rate, tax=tax2)
    return tax1 + tax2


# ── the rate of the chain ─────────────────────────────────────────────────────────────────────────────────────
def _preferential_rate(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """The enterprise's own reduced rate (None: the statutory rate): 企业所得税法 第二十八条 for a 高新技术企业,
    2020年第23号 第一条 for an encouraged-industry enterprise in the western region; the lower if both."""
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


def _after_losses(t: Decimal, losses: Decimal) -> Decimal:
    """A step's income after offsetting earlier losses (弥补以前年度亏损): T − min(L, max(T, 0))."""
    return t - min(losses, max(t, ZERO))


def _taxes(rate: Decimal, incomes: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """The tax at each step of the chain at one rate (on incomes after the loss offset), rounded to the fen as a
    return shows it."""
    return tuple(quantize(rate * max(t, ZERO)) for t in incomes)


def _cit_chain(ctx: Context) -> None:
    p = ctx.profile
    statutory = ctx.dec("cit.rate")

    rd = ctx.start(RD)
    rd_extra = _rd_extra_deduction(ctx, rd)
    eq = ctx.start(EQUIPMENT)
    sme = bool(ctx.classification["sme_equipment"].value)
    hte = ctx.start(HIGH_TECH_EQUIPMENT)
    supers: list[Decimal] = []
    extras = [_equipment_extra(ctx, eq, hte, supers, i, e, sme) for i, e in enumerate(p.equipment, 1)]
    eq_extra = sum((x for x in extras if x is not None), ZERO)
    hte_extra = sum(supers, ZERO)
    slpe = ctx.start(SLPE)

    income = p.income
    reported = income.taxable_income_reported or ZERO
    if not income.taxable_income and (reported or income.losses_offset):
        # policies.md E2: the figure as filed (A100000 line 23, after the deductions and the loss offset) —
        # the chain worked backwards from it; the losses used are those the return offset
        t3 = reported + income.losses_offset
        t2 = t3 + hte_extra
        t1 = t2 + eq_extra
        t0 = t1 + (rd_extra or ZERO)
        losses = income.losses_offset if reported > 0 else max(income.losses_offset, income.prior_losses)
        backwards = {
            "reported": reported,
            "offset": income.losses_offset,
            "super": hte_extra,
            "equipment": eq_extra,
            "rd": rd_extra or ZERO,
            "t0": t0,
        }
        which = "cit.chain.from_reported_high_tech" if hte_extra else "cit.chain.from_reported"
        for item in (rd, eq, hte, slpe) if hte_extra else (rd, eq, slpe):
            item.because(which, **backwards)
        if reported > 0 and income.prior_losses > income.losses_offset:
            slpe.because("cit.chain.prior_losses_beyond_offset", available=income.prior_losses, offset=losses)
    else:
        t0 = income.taxable_income
        t1 = t0 - (rd_extra or ZERO)
        t2 = t1 - eq_extra
        t3 = t2 - hte_extra
        losses = income.prior_losses

    # every step taxes its income after the earlier losses (A100000: the loss offset comes after the R&D and
    # equipment steps), so the items still add up; the SLPE test and bands use the last step's figure
    incomes = tuple(_after_losses(t, losses) for t in (t0, t1, t2, t3))
    t_final = incomes[-1]
    losses_used = t3 - t_final
    losses_left = losses - losses_used + max(ZERO, -t3)

    slpe_finding = _small_low_profit(ctx, t_final)
    ctx.classification["small_low_profit"] = slpe_finding
    pref = ctx.start(PREFERENTIAL_RATE)
    reduced = _preferential_rate(ctx, pref)

    # the statutory chain, ending in the SLPE tax when A1 holds; the chain at the enterprise's own reduced rate
    at_statutory = _taxes(statutory, incomes)
    slpe_tax = quantize(slpe_tax_of(ctx, max(t_final, ZERO), slpe)) if slpe_finding.value else None
    final_statutory = at_statutory[-1] if slpe_tax is None else slpe_tax
    at_reduced = _taxes(reduced, incomes) if reduced is not None else at_statutory
    lower_of_two = bool(ctx.param("cit.preferential_rate.lower_of_two"))
    # the choice arises only where both hold; on equal tax (a loss year) the statutory chain with SLPE is kept
    use_reduced = reduced is not None and (slpe_tax is None or at_reduced[-1] < final_statutory or not lower_of_two)
    rate = reduced if use_reduced and reduced is not None else statutory
    taxes = at_reduced if use_reduced else at_statutory
    tax_final = taxes[-1] if use_reduced else final_statutory
    baseline = at_statutory[0]

    # the preferential rate: the 10 points saved at step 0, or why not
    if reduced is None:
        ctx.emit(pref.ineligible())  # the reason was given by _preferential_rate
    else:
        if slpe_tax is not None:
            pref.because(
                "cit.preferential_rate.lower_of_two" if lower_of_two else "cit.preferential_rate.rate_always",
                chosen=Msg("cit.preferential_rate.chosen_rate" if use_reduced else "cit.preferential_rate.chosen_slpe"),
                rate=reduced,
                tax_rate=at_reduced[-1],
                tax_slpe=slpe_tax,
                source=ctx.source("cit.preferential_rate.lower_of_two"),
            )
        if use_reduced:
            pref.step(
                "cit.chain.rate_saved",
                statutory=statutory,
                rate=reduced,
                t0=t0,
                tax0=baseline,
                tax_rate=at_reduced[0],
                saved=baseline - at_reduced[0],
            )
        ctx.emit(pref.done(baseline - taxes[0]))

    # B3
    if rd_extra is None:
        ctx.emit(rd.ineligible())  # the reason was given by _rd_extra_deduction
    else:
        rd.step("cit.chain.t1", t0=t0, extra=rd_extra, t1=t1)
        rd.step("cit.chain.rd_saved", rate=rate, tax0=taxes[0], tax1=taxes[1], saved=taxes[0] - taxes[1])
        if t0 <= 0 and rd_extra:
            rd.because("cit.rd_super_deduction.loss_year")
        if not p.income.rd_expense:
            rd.because("cit.rd_super_deduction.no_expense")
        ctx.emit(rd.done(taxes[0] - taxes[1]))

    # B4
    if not p.equipment:
        eq.because("cit.equipment_deduction.none_bought")
    eq.step("cit.chain.t2", t1=t1, extra=eq_extra, t2=t2)
    eq.step("cit.chain.deferred", rate=rate, tax1=taxes[1], tax2=taxes[2], deferred=taxes[1] - taxes[2])
    if eq_extra and t2 < 0:
        years = ctx.dec("cit.loss_carry_forward_years")
        eq.because("cit.equipment_deduction.loss_carried", loss=-t2, years=years)
    if p.equipment and all(x is None for x in extras):
        ctx.emit(eq.ineligible())  # each item's reason says why it does not qualify
    else:
        ctx.emit(eq.done(taxes[1] - taxes[2]))

    # 2022年第28号 第一条: the further 100% on a 高新技术企业's equipment of 2022 Q4 (never paid back)
    if not p.high_tech:
        ctx.emit(hte.ineligible("cit.high_tech_equipment.not_high_tech"))
    elif not supers:
        start, end = window(ctx, "cit.high_tech_equipment.super_deduction_rate")
        ctx.emit(hte.ineligible("cit.high_tech_equipment.none_in_window", start=start, end=end))
    else:
        hte.step("cit.chain.t3", t2=t2, extra=hte_extra, t3=t3)
        hte.step("cit.chain.super_saved", rate=rate, tax2=taxes[2], tax3=taxes[3], saved=taxes[2] - taxes[3])
        if t3 < 0:
            years = ctx.dec("cit.loss_carry_forward_years")
            hte.because("cit.equipment_deduction.loss_carried", loss=-t3, years=years)
        ctx.emit(hte.done(taxes[2] - taxes[3]))

    # B1
    if losses:
        slpe.because(
            "cit.small_low_profit.losses",
            t2=t3,
            used=losses_used,
            final=t_final,
            available=losses,
            left=losses_left,
            years=ctx.dec("cit.loss_carry_forward_years"),
        )
    if not slpe_finding.value:
        ctx.emit(slpe.fails(slpe_finding))
    elif use_reduced:
        slpe.cite(slpe_finding)
        slpe.because(
            "cit.small_low_profit.not_stacked",
            rate=rate,
            tax_rate=tax_final,
            tax_slpe=slpe_tax,
            source=ctx.source("cit.preferential_rate.lower_of_two"),
        )
        ctx.emit(slpe.done(ZERO))
    else:
        slpe.cite(slpe_finding)
        slpe.step("cit.chain.tax_at_rate", rate=statutory, t2=max(t_final, ZERO), tax2=at_statutory[-1])
        slpe.step("cit.chain.relief", tax2=at_statutory[-1], tax3=tax_final, relief=at_statutory[-1] - tax_final)
        ctx.emit(slpe.done(at_statutory[-1] - tax_final))

    ctx.cit.update(
        {
            "taxable_income": t0,
            "rd_extra_deduction": quantize(rd_extra or ZERO),
            "equipment_extra_deduction": quantize(eq_extra),
            "high_tech_equipment_super_deduction": quantize(hte_extra),
            "taxable_income_final": quantize(t_final),
            "prior_losses_used": quantize(losses_used),
            "loss_carried_forward": quantize(losses_left),
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
    t = p.income.taxable_income or p.income.taxable_income_reported or ZERO  # no deduction chain: one figure
    if t <= 0:
        item.because("iit.individual_business_halving.no_income")
        ctx.emit(item.done(ZERO))
        return
    others = p.income.other_business_income
    combine = bool(others) and bool(ctx.param("iit.individual_business_halving.combined_filing"))
    total = t + others if combine else t
    brackets = ctx.param("iit.business_income.brackets")
    rate, quick = next((Decimal(r), Decimal(q)) for upper, r, q in brackets if upper == "" or total <= Decimal(upper))
    limit = ctx.dec("iit.individual_business_halving.limit")
    share = ctx.dec("iit.individual_business_halving.share")
    b = min(total, limit)
    o = p.income.other_relief
    relief = max(ZERO, (b * rate - quick - o * b / total) * share)
    source = ctx.source("iit.individual_business_halving.share")
    item.because("iit.individual_business_halving.rule", limit=limit, source=source)
    if combine:
        item.because(
            "iit.individual_business_halving.combined",
            income=t,
            others=others,
            combined=total,
            source=ctx.source("iit.individual_business_halving.combined_filing"),
        )
    item.step("iit.individual_business_halving.bracket", income=total, rate=rate, quick=quick)
    item.step(
        "iit.individual_business_halving.relief",
        share=share,
        b=b,
        rate=rate,
        quick=quick,
        other=o,
        income=total,
        relief=relief,
    )
    if not combine:
        ctx.emit(item.done(relief))
        return
    combined = item.component("combined", relief)
    mine = quantize(combined * t / total)
    item.component("other_businesses", mine - combined)
    item.because("iit.individual_business_halving.shared", combined=combined, share=mine, others=combined - mine)
    item.step(
        "iit.individual_business_halving.share_of_combined",
        relief=combined,
        income=t,
        combined=total,
        share=mine,
        others=combined - mine,
    )
    ctx.emit(item.done())


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
