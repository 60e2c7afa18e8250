"""The corporate income-tax chain (B3 → B4 → B1) and the individual-business halving (B2).

The CIT items interact (a deduction can make a company small-low-profit), so they are one computation in the order
of the annual return, and each item's amount is the tax it removes at its step:

    T1 = T0 − R&D super deduction          tax_1 = 25% × max(T1, 0)   B3 saves tax_0 − tax_1
    T2 = T1 − equipment extra deduction    tax_2 = 25% × max(T2, 0)   B4 defers tax_1 − tax_2
    tax_3 = SLPE(T2) if small-low-profit                              B1 saves tax_2 − tax_3

Each step's tax is rounded to the fen as a return would show it, so the items add up exactly to tax_0 − tax_3.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..engine import Context, ItemBuilder, n
from ..model import Finding, Text
from ..money import ZERO, quantize
from ..schema.profile import Equipment

RD = "cit.rd_super_deduction"
EQUIPMENT = "cit.equipment_deduction"
SLPE = "cit.small_low_profit"
IIT = "iit.individual_business_halving"
POLICIES = (RD, EQUIPMENT, SLPE, IIT)


def income_tax(ctx: Context) -> None:
    if ctx.profile.entity == "company":
        _cit_chain(ctx)
        ctx.emit(
            ctx.start(IIT).ineligible(
                "公司缴纳企业所得税，本项仅适用于个体工商户经营所得",
                "a company pays corporate income tax; this relief is for individual businesses' business income",
            )
        )
    else:
        for pid in (RD, EQUIPMENT, SLPE):
            ctx.emit(
                ctx.start(pid).ineligible(
                    "个体工商户不缴纳企业所得税（其经营所得适用个人所得税）",
                    "an individual business pays no corporate income tax (its business income is taxed under IIT)",
                )
            )
        ctx.classification["small_low_profit"] = Finding(
            "small_low_profit",
            False,
            (
                Text(
                    "个体工商户不是企业所得税意义上的小型微利企业",
                    "an individual business is not a CIT small low-profit enterprise",
                ),
            ),
        )
        _individual_business(ctx)


# ── B3 R&D super deduction ──────────────────────────────────────────────────────────────────────────
def _rd_extra_deduction(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """财税〔2015〕119号 negative list; 100% for manufacturing / 科技型中小企业, else 75%;
    2022 Q4 100% for all (2022年第28号)."""
    p = ctx.profile
    negative = ctx.param("cit.rd_super_deduction.negative_list")
    if p.sector.startswith(tuple(negative)):
        if item.words:
            hit = next(code for code in negative if p.sector.startswith(code))
            src = ctx.source("cit.rd_super_deduction.negative_list")
            item.because(
                f"行业 {p.sector} 属于不适用研发费用加计扣除的行业（{hit}，{src}）",
                f"sector {p.sector} is on the negative list ({hit}, {src})",
            )
        return None
    if p.sector.startswith("C"):
        name = "cit.rd_super_deduction.rate_manufacturing"
        who = ("制造业企业", "a manufacturing enterprise")
    elif p.tech_sme:
        name = "cit.rd_super_deduction.rate_tech_sme"
        who = ("科技型中小企业", "a registered technology-based SME")
    else:
        name = "cit.rd_super_deduction.rate_other"
        who = ("其他企业", "another enterprise")
    rate = ctx.dec(name)
    q4 = p.income.rd_expense_q4
    q4_rate = ctx.params.get_or_none("cit.rd_super_deduction.rate_q4_2022", date(ctx.year, 10, 1))
    q4_rate = rate if q4_rate is None else max(Decimal(q4_rate), rate)
    base = p.income.rd_expense - q4
    extra = base * rate + q4 * q4_rate
    if item.words:
        item.because(
            f"{who[0]}，研发费用加计扣除比例 {n(rate * 100)}%（{ctx.source(name)}）",
            f"{who[1]}: super deduction rate {n(rate * 100)}% ({ctx.source(name)})",
        )
    if q4 and q4_rate != rate:
        src = ctx.source("cit.rd_super_deduction.rate_q4_2022")
        if item.words:
            item.because(
                f"2022年10月至12月发生的研发费用 {n(q4)} 元按 {n(q4_rate * 100)}% 加计扣除（{src}）",
                f"R&D expense of 2022-10..12 ({n(q4)}) gets {n(q4_rate * 100)}% ({src})",
            )
    if item.words:
        item.step(
            "加计扣除额",
            "extra deduction",
            f"{n(base)} × {n(rate * 100)}% + {n(q4)} × {n(q4_rate * 100)}% = {n(extra)}",
        )
    return extra


# ── B4 equipment deduction ────────────────────────────────────────────────────────────────────────────────────
def _equipment_extra(ctx: Context, item: ItemBuilder, index: int, e: Equipment, sme: bool) -> Decimal | None:
    """Policy deduction in the year minus the normal straight-line depreciation it replaces (None: not eligible)."""
    label = e.name or f"equipment {index}"
    v = e.unit_value
    if e.in_service is None or e.in_service.year != ctx.year:
        when = e.in_service.isoformat()[:7] if e.in_service else "未填写 / not given"
        if item.words:
            item.because(
                f"{label}：投入使用月份 {when} 不在 {ctx.year} 年度内，不计入本年",
                f"{label}: in service {when}, not in tax year {ctx.year} — not counted",
            )
        return None
    line = ctx.dec("cit.equipment_deduction.sme_value_line")
    if v <= line:
        name = "cit.equipment_deduction.small_value_share"
    elif sme:
        name = (
            "cit.equipment_deduction.sme_share_3_years" if e.years == 3 else "cit.equipment_deduction.sme_share_longer"
        )
    else:
        name = ""  # above the line and not an SME: no special deduction
    share = ctx.params.get_or_none(name, e.in_service) if name else None
    if item.words:
        if v <= line:
            rule = ("单位价值不超过500万元，一次性税前扣除", "unit value ≤ 5,000,000: deducted at once")
        elif sme:
            shown = n((share or 0) * 100)
            rule = (
                f"中小微企业单位价值500万元以上、最低折旧年限{e.years}年：当年扣除单位价值的{shown}%",
                f"SME, unit value above 5,000,000, {e.years}-year minimum: {shown}% deducted in the year",
            )
        else:
            rule = (
                "单位价值500万元以上且非中小微企业：仅按规定正常折旧",
                "above 5,000,000 and not an SME: normal depreciation only",
            )
        if share is None:
            item.because(f"{label}：{rule[0]}", f"{label}: {rule[1]}")
        else:
            item.because(f"{label}：{rule[0]}（{ctx.source(name)}）", f"{label}: {rule[1]} ({ctx.source(name)})")
    if share is None:
        return None
    months = 12 - e.in_service.month  # 从投入使用月份的次月起计算折旧
    normal = v * months / (12 * e.years)
    policy = v * Decimal(share)
    extra = policy - normal
    if item.words:
        item.step(
            f"{label} 正常折旧（{e.in_service.month}月投入使用，次月起 {months} 个月）",
            f"{label} normal depreciation (in service month {e.in_service.month}, {months} months from the next month)",
            f"{n(v)} × {months} / (12 × {e.years}) = {n(quantize(normal))}",
        )
        item.step(
            f"{label} 额外扣除 = 政策扣除 − 正常折旧",
            f"{label} extra deduction = policy deduction − normal depreciation",
            f"{n(v)} × {n(Decimal(share) * 100)}% − {n(quantize(normal))} = {n(quantize(extra))}",
        )
    return extra


# ── A1 and B1 small low-profit enterprise ─────────────────────────────────────────────────────────────────────
def _small_low_profit(ctx: Context, t_final: Decimal) -> Finding:
    p = ctx.profile
    income_limit = ctx.dec("cit.small_low_profit.income_limit")
    employee_limit = ctx.dec("cit.small_low_profit.employee_limit")
    asset_limit = ctx.dec("cit.small_low_profit.asset_limit")
    if not ctx.words:
        eligible = 0 < t_final <= income_limit and p.employees <= employee_limit and p.total_assets <= asset_limit
        return Finding("small_low_profit", eligible and not p.restricted_industry, ())
    src = ctx.source("cit.small_low_profit.income_limit")
    failed: list[Text] = []
    if t_final <= 0:
        failed.append(
            Text(f"应纳税所得额 {n(t_final)} ≤ 0（无应纳税额）", f"taxable income {n(t_final)} ≤ 0 (no tax to relieve)")
        )
    elif t_final > income_limit:
        failed.append(
            Text(f"应纳税所得额 {n(t_final)} > {n(income_limit)}", f"taxable income {n(t_final)} > {n(income_limit)}")
        )
    if p.employees > employee_limit:
        failed.append(
            Text(
                f"从业人数 {n(p.employees)} > {n(employee_limit)}", f"employees {n(p.employees)} > {n(employee_limit)}"
            )
        )
    if p.total_assets > asset_limit:
        failed.append(
            Text(
                f"资产总额 {n(p.total_assets)} > {n(asset_limit)}",
                f"total assets {n(p.total_assets)} > {n(asset_limit)}",
            )
        )
    if p.restricted_industry:
        failed.append(Text("从事国家限制或禁止行业", "in a restricted or prohibited industry"))
    if failed:
        return Finding(
            "small_low_profit",
            False,
            (
                Text(
                    "不是小型微利企业：" + "；".join(t.zh for t in failed) + f"（{src}）",
                    "not a small low-profit enterprise: " + "; ".join(t.en for t in failed) + f" ({src})",
                ),
            ),
        )
    return Finding(
        "small_low_profit",
        True,
        (
            Text(
                f"小型微利企业：应纳税所得额 {n(t_final)} ≤ {n(income_limit)}，"
                f"从业人数 {n(p.employees)} ≤ {n(employee_limit)}，"
                f"资产总额 {n(p.total_assets)} ≤ {n(asset_limit)}，非限制或禁止行业（{src}）",
                f"small low-profit: taxable income {n(t_final)} ≤ {n(income_limit)}, employees {n(p.employees)} ≤ "
                f"{n(employee_limit)}, assets {n(p.total_assets)} ≤ {n(asset_limit)}, not restricted ({src})",
            ),
        ),
    )


def slpe_tax(ctx: Context, t: Decimal, item: ItemBuilder | None = None) -> Decimal:
    """2022: ≤1,000,000 × 12.5% × 20%; the part above × 25% × 20% (2021年第12号; 2022年第13号)."""
    band1_limit = ctx.dec("cit.small_low_profit.band1_limit")
    inc1 = ctx.dec("cit.small_low_profit.band1_inclusion")
    inc2 = ctx.dec("cit.small_low_profit.band2_inclusion")
    rate = ctx.dec("cit.small_low_profit.reduced_rate")
    part1 = min(t, band1_limit)
    part2 = max(ZERO, t - band1_limit)
    tax1 = part1 * inc1 * rate
    tax2 = part2 * inc2 * rate
    if item is not None and item.words:
        item.step(
            "不超过100万元的部分",
            "band up to 1,000,000",
            f"{n(part1)} × {n(inc1 * 100)}% × {n(rate * 100)}% = {n(tax1)}",
        )
        item.step(
            "超过100万元的部分",
            "band above 1,000,000",
            f"{n(part2)} × {n(inc2 * 100)}% × {n(rate * 100)}% = {n(tax2)}",
        )
    return tax1 + tax2


def _cit_chain(ctx: Context) -> None:
    p = ctx.profile
    rate = ctx.dec("cit.rate")
    t0 = p.income.taxable_income
    tax0 = quantize(rate * max(t0, ZERO))

    rd = ctx.start(RD)
    rd_extra = _rd_extra_deduction(ctx, rd)
    t1 = t0 - (rd_extra or ZERO)
    tax1 = quantize(rate * max(t1, ZERO))

    eq = ctx.start(EQUIPMENT)
    sme = bool(ctx.classification["sme_equipment"].value)
    extras = [_equipment_extra(ctx, eq, i, e, sme) for i, e in enumerate(p.equipment, 1)]
    eq_extra = sum((x for x in extras if x is not None), ZERO)
    t2 = t1 - eq_extra
    tax2 = quantize(rate * max(t2, ZERO))

    slpe_finding = _small_low_profit(ctx, t2)
    ctx.classification["small_low_profit"] = slpe_finding
    slpe = ctx.start(SLPE)
    tax3 = quantize(slpe_tax(ctx, t2, slpe)) if slpe_finding.value else tax2

    # B3
    if rd_extra is None:
        ctx.emit(rd.ineligible())  # the reason was given by _rd_extra_deduction
    else:
        if rd.words:
            rd.step("T1 = T0 − 加计扣除", "T1 = T0 − extra deduction", f"{n(t0)} − {n(rd_extra)} = {n(t1)}")
            rd.step(
                "节税 = 25% × T0 − 25% × T1",
                "tax saved = 25% × T0 − 25% × T1",
                f"{n(tax0)} − {n(tax1)} = {n(tax0 - tax1)}",
            )
        if t0 <= 0 and rd_extra:
            rd.because(
                "本年亏损：加计扣除增加可结转以后年度弥补的亏损，本年不减少税款",
                "a loss year: the deduction adds to the loss carried forward, no tax saved this year",
            )
        if not p.income.rd_expense:
            rd.because("未填写研发费用（income.rd_expense = 0）", "no R&D expense given (income.rd_expense = 0)")
        ctx.emit(rd.done(tax0 - tax1))

    # B4
    if not p.equipment:
        eq.because("本年未新购置设备器具（未填写 equipment）", "no equipment bought in the year (no [[equipment]])")
    if eq.words:
        eq.step(
            "T2 = T1 − 设备器具额外扣除",
            "T2 = T1 − equipment extra deduction",
            f"{n(t1)} − {n(quantize(eq_extra))} = {n(t2)}",
        )
        eq.step(
            "递延税款 = 25% × T1 − 25% × T2",
            "tax deferred = 25% × T1 − 25% × T2",
            f"{n(tax1)} − {n(tax2)} = {n(tax1 - tax2)}",
        )
    if eq_extra and t2 < 0 and eq.words:
        eq.because(
            f"扣除后亏损 {n(-t2)} 元，可在以后5个纳税年度结转弥补",
            f"after the deduction a loss of {n(-t2)} is carried forward (5 years)",
        )
    if p.equipment and all(x is None for x in extras):
        ctx.emit(eq.ineligible())  # each item's reason says why it does not qualify
    else:
        ctx.emit(eq.done(tax1 - tax2))

    # B1
    if slpe_finding.value:
        slpe.cite(slpe_finding)
        if slpe.words:
            slpe.step("按25%计算的税额", "tax at 25%", f"{n(t2)} × {n(rate * 100)}% = {n(tax2)}")
            slpe.step("减免税额", "relief", f"{n(tax2)} − {n(tax3)} = {n(tax2 - tax3)}")
        ctx.emit(slpe.done(tax2 - tax3))
    else:
        ctx.emit(slpe.fails(slpe_finding))

    ctx.cit.update(
        {
            "taxable_income": t0,
            "rd_extra_deduction": quantize(rd_extra or ZERO),
            "equipment_extra_deduction": quantize(eq_extra),
            "taxable_income_final": quantize(t2),
            "loss_carried_forward": quantize(max(ZERO, -t2)),
            "tax_baseline": tax0,
            "tax_final": tax3,
        }
    )


# ── B2 individual business halving ────────────────────────────────────────────────────────────────────────────
def _individual_business(ctx: Context) -> None:
    """国家税务总局公告2021年第8号: 减免税额 = (B × r − q − O × B / T) × 50%, B = min(T, 1,000,000)."""
    p = ctx.profile
    item = ctx.start(IIT)
    t = p.income.taxable_income
    if t <= 0:
        item.because(
            "经营所得应纳税所得额不大于0，无应纳税额可减免", "no positive taxable business income: nothing to halve"
        )
        ctx.emit(item.done(ZERO))
        return
    brackets = ctx.param("iit.business_income.brackets")
    for upper, r, q in brackets:
        if upper == "" or t <= Decimal(upper):
            rate, quick = Decimal(r), Decimal(q)
            break
    limit = ctx.dec("iit.individual_business_halving.limit")
    share = ctx.dec("iit.individual_business_halving.share")
    b = min(t, limit)
    o = p.income.other_relief
    tax_on_b = b * rate - quick
    other = o * b / t
    relief = max(ZERO, (tax_on_b - other) * share)
    if item.words:
        item.because(
            f"个体工商户年应纳税所得额不超过{n(limit)}元的部分，再减半征收个人所得税（{ctx.source('iit.individual_business_halving.share')}）",
            f"an individual business: the part of annual taxable income up to {n(limit)} is taxed at half "
            f"({ctx.source('iit.individual_business_halving.share')})",
        )
        item.step(
            "适用税率与速算扣除数（按全部应纳税所得额 T 所在档次）",
            "rate and quick deduction of the band T falls in",
            f"T = {n(t)} → {n(rate * 100)}%, {n(quick)}",
        )
        item.step(
            "减免税额 = [(B × r − q) − O × B / T] × 50%",
            "relief = [(B × r − q) − O × B / T] × 50%",
            f"[({n(b)} × {n(rate * 100)}% − {n(quick)}) − {n(o)} × {n(b)} / {n(t)}] × {n(share * 100)}%"
            f" = {n(quantize(relief))}",
        )
    ctx.emit(item.done(relief))
