"""Deferrals (timing only): B8 manufacturing SME tax deferral and B19 water and gas bill deferral.

The amount of a deferral is what is paid later, not a saving. B8 also shows the value of the deferral as
interest at the 1-year LPR; that value is in the reasons and the trace, never added into the
amount.
"""

from __future__ import annotations

from decimal import Decimal

from ..money import ZERO, quantize
from .common import individual_business_excluded, month, pct, window
from .kit import Context, n

DEFERRAL = "tax.manufacturing_sme_deferral"
WATER_GAS = "fees.water_gas_deferral"
POLICIES = (DEFERRAL, WATER_GAS)
MONTHS_PER_YEAR = 12

# (component, profile field, zh, en)
_QUARTERS = (
    ("q4_2021", "taxes_2021q4", "2021年第四季度", "2021 Q4"),
    ("q1_2022", "taxes_2022q1", "2022年第一季度", "2022 Q1"),
    ("q2_2022", "taxes_2022q2", "2022年第二季度", "2022 Q2"),
)


def deferrals(ctx: Context) -> None:
    _manufacturing_sme(ctx)
    _water_gas(ctx)


def _months(ctx: Context) -> tuple[dict[str, int], list[str]]:
    """Months each quarter's taxes are deferred, and the clauses that make them up."""
    p = "tax.manufacturing_sme_deferral."
    # 30号: 延缓缴纳期限为3个月; 2022年第2号 / 忻政办发〔2022〕34号 第2条:
    # 2021年第四季度部分税费缓缴期限继续延长6个月，
    # 2022年第一季度、第二季度部分税费延缓缴纳6个月
    q4 = int(ctx.param(p + "months_2021q4_initial")) + int(ctx.param(p + "months_2021q4_extension"))
    h1 = int(ctx.param(p + "months_2022h1"))
    # 国家税务总局 财政部公告2022年第17号 (from 2022-09-01): 延缓缴纳期限届满后，继续延长4个月
    further = ctx.params.get_or_none(p + "months_further", ctx.year_end)
    extra = 0 if further is None else int(further)
    sources = [ctx.source(p + "months_2021q4_initial"), ctx.source(p + "months_2022h1")]
    if extra:
        sources.append(ctx.source(p + "months_further"))
    return {"q4_2021": q4 + extra, "q1_2022": h1 + extra, "q2_2022": h1 + extra}, sources


def _manufacturing_sme(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(DEFERRAL)
    finding = ctx.classification["manufacturing_size"]
    if finding.value is None:
        ctx.emit(item.fails(finding))
        return
    item.cite(finding)
    if p.entity == "individual-business":
        item.because(
            "制造业中小微企业含个人独资企业、合伙企业和个体工商户（财政部 税务总局公告2021年第30号）",
            "the manufacturing SMEs of the deferral include individual businesses (财政部 税务总局公告2021年第30号)",
        )
    small = finding.value == "small-micro"
    share_name = "tax.manufacturing_sme_deferral." + ("share_small_micro" if small else "share_medium")
    share = ctx.dec(share_name)
    who = (
        ("制造业小微企业", "a manufacturing small/micro enterprise")
        if small
        else ("制造业中型企业", "a manufacturing medium enterprise")
    )
    # 内蒙古方案 第2条: 制造业中型企业可以延缓缴纳…税费金额的50%，制造业小微企业可以延缓缴纳…全部税费
    if item.words:
        item.because(
            f"{who[0]}可延缓缴纳 {pct(share)} 的企业所得税、增值税、消费税及附加等税费，不含代扣代缴、"
            "代收代缴税费"
            f"（{ctx.source(share_name)}）",
            f"{who[1]} defers {pct(share)} of its CIT prepayments, VAT, consumption tax and surcharges, not "
            "withheld "
            f"taxes ({ctx.source(share_name)})",
        )
    months, sources = _months(ctx)
    starts = ctx.param("tax.manufacturing_sme_deferral.deferral_start")
    interest_total = ZERO
    for key, field, zh, en in _QUARTERS:
        base: Decimal = getattr(p.deferral, field)
        deferred = item.component(key, base * share)
        start = starts[key]
        lpr = ctx.dec("finance.lpr_1y", start)
        interest = deferred * lpr * months[key] / MONTHS_PER_YEAR
        interest_total += interest
        if item.words:
            item.step(f"{zh}缓缴税费", f"{en} taxes deferred", f"{n(base)} × {pct(share)} = {n(deferred)}")
            item.step(
                f"{zh}缓缴 {months[key]} 个月的时间价值（{month(start)} 起，1年期LPR {pct(lpr)}，不计入金额）",
                f"{en} value of {months[key]} months' deferral (from {month(start)}, 1-year LPR {pct(lpr)}; not "
                "in the amount)",
                f"{n(deferred)} × {pct(lpr)} × {months[key]} / {MONTHS_PER_YEAR} = {n(quantize(interest))}",
            )
    if item.words:
        item.because(
            f"缓缴期限：2021年第四季度 {months['q4_2021']} 个月，2022年第一、二季度各 {months['q1_2022']} 个月"
            f"（{'; '.join(sources)}）",
            f"deferred for {months['q4_2021']} months (2021 Q4) and {months['q1_2022']} months (2022 Q1, Q2) "
            f"({'; '.join(sources)})",
        )
    value = quantize(interest_total)
    if item.words:
        item.because(
            f"缓缴的时间价值按1年期LPR计约 {n(value)} 元（仅供参考，不计入金额；金额为缓缴税费，须到期缴纳）",
            f"the deferral is worth about {n(value)} as interest at the 1-year LPR (for reference only, not in "
            "the "
            f"amount; the amount is tax paid later)",
        )
    if not any(getattr(p.deferral, field) for _, field, _, _ in _QUARTERS):
        item.because(
            "未填写可缓缴税费（deferral.taxes_2021q4 / taxes_2022q1 / taxes_2022q2）",
            "no deferrable taxes given (deferral.taxes_2021q4 / taxes_2022q1 / taxes_2022q2)",
        )
    ctx.emit(item.done())


def _water_gas(ctx: Context) -> None:
    """忻政办发〔2022〕86号 第七条: 2022年12月至2023年3月企业产生的水、气费用可申请缓缴…免收欠费滞纳金."""
    if not ctx.offers(WATER_GAS):
        return  # a Xinzhou measure: its parameters exist only there
    item = ctx.start(WATER_GAS)
    if individual_business_excluded(
        ctx,
        item,
        "第七条的缓缴对象为“企业产生的水、气费用”，未包括个体工商户（可向供水、供气单位咨询）",
        "clause 七 defers the water and gas bills of enterprises (企业); individual businesses are not named "
        "(ask the supplier)",
    ):
        return
    first, last = window(ctx, "fees.water_gas_deferral.bill_months")
    bills = ctx.profile.utilities.deferred_bills
    if item.words:
        item.because(
            f"{month(first)} 至 {month(last)} 的水、气费用可申请缓缴，金额过大可部分缓缴；缓缴期内欠费不停供，"
            "免收滞纳金"
            f"（{ctx.source('fees.water_gas_deferral.bill_months')}）",
            f"water and gas bills of {month(first)}..{month(last)} may be deferred (in part if large), with no "
            "cut-off "
            f"and no late fee ({ctx.source('fees.water_gas_deferral.bill_months')})",
        )
        item.step("缓缴的水、气费", "water and gas bills deferred", n(bills))
    if not bills:
        item.because(
            "未填写缓缴的水、气费（utilities.deferred_bills）",
            "no deferred bills given (utilities.deferred_bills)",
        )
    ctx.emit(item.done(bills))
