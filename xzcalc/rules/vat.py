"""B5 small-scale VAT exemption (leaves `vat_payable` for the surcharges of B6) and B7 VAT credit refund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..classify import size_class
from ..money import ZERO
from .common import month as month_of
from .common import pct, size_zh
from .kit import Context, n

SMALL_SCALE = "vat.small_scale_exemption"
POLICIES = (SMALL_SCALE,)
CREDIT_REFUND = "vat.credit_refund"
CREDIT_REFUND_POLICIES = (CREDIT_REFUND,)
QUARTER_STARTS = (1, 4, 7, 10)


def surcharge_rate(ctx: Context) -> Decimal:
    """城市维护建设税 7% / 5% / 1% by location + 教育费附加 3% + 地方教育附加 2% (on VAT + consumption tax)."""
    urban = ctx.param("local.urban_maintenance.rate")[ctx.profile.location]
    return Decimal(urban) + ctx.dec("local.education_surcharge.rate") + ctx.dec("local.local_education_surcharge.rate")


def small_scale_exemption(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(SMALL_SCALE)
    if p.vat.taxpayer != "small-scale":
        ctx.vat_payable = p.vat.vat_payable
        ctx.emit(
            item.ineligible(
                "一般纳税人不适用小规模纳税人免征增值税",
                "a general VAT taxpayer: the small-scale exemption does not apply",
            )
        )
        return
    rate3 = ctx.dec("vat.small_scale.levy_rate_3pct")
    rate5 = ctx.dec("vat.small_scale.levy_rate_5pct")
    exempt = reduced = payable = ZERO
    for q, month in enumerate(QUARTER_STARTS):
        start = date(ctx.year, month, 1)
        s3, s5 = p.vat.sales_3pct[q], p.vat.sales_other[q]
        label = f"Q{q + 1}"
        threshold = ctx.params.get_or_none("vat.small_scale.quarter_threshold", start)
        if threshold is not None and s3 + s5 <= Decimal(threshold):
            # 2021年第11号: 季度销售额未超过45万元的，免征增值税
            saved = s3 * rate3 + s5 * rate5
            exempt += saved
            if item.words:
                item.step(
                    f"{label} 季度销售额 {n(s3 + s5)} ≤ {n(threshold)}，全部免征",
                    f"{label} sales {n(s3 + s5)} ≤ {n(threshold)}: all exempt",
                    f"{n(s3)} × {n(rate3 * 100)}% + {n(s5)} × {n(rate5 * 100)}% = {n(saved)}",
                )
            continue
        exempt_share = ctx.params.get_or_none("vat.small_scale.exempt_3pct", start)
        reduced_rate = ctx.params.get_or_none("vat.small_scale.reduced_rate_3pct", start)
        if exempt_share is not None:
            # 2022年第15号: 适用3%征收率的应税销售收入，免征增值税
            saved = s3 * rate3 * Decimal(exempt_share)
            exempt += saved
            payable += s3 * rate3 * (1 - Decimal(exempt_share)) + s5 * rate5
            if item.words:
                item.step(
                    f"{label} 适用3%征收率的销售额免征",
                    f"{label} sales at 3% exempt",
                    f"{n(s3)} × {n(rate3 * 100)}% = {n(saved)}",
                )
        elif reduced_rate is not None:
            # 2021年第7号 (to 2022-03-31): 减按1%征收率征收
            saved = s3 * (rate3 - Decimal(reduced_rate))
            reduced += saved
            payable += s3 * Decimal(reduced_rate) + s5 * rate5
            if item.words:
                item.step(
                    f"{label} 3%征收率减按{n(Decimal(reduced_rate) * 100)}%",
                    f"{label} 3% reduced to {n(Decimal(reduced_rate) * 100)}%",
                    f"{n(s3)} × ({n(rate3 * 100)}% − {n(Decimal(reduced_rate) * 100)}%) = {n(saved)}",
                )
        else:
            payable += s3 * rate3 + s5 * rate5
            if item.words:
                item.step(
                    f"{label} 无适用的减免",
                    f"{label} no relief in force",
                    f"{n(s3)} × {n(rate3 * 100)}% + {n(s5)} × {n(rate5 * 100)}%",
                )
    ctx.vat_payable = payable
    rate = surcharge_rate(ctx)
    vat = item.component("vat", exempt)
    red = item.component("reduced_rate", reduced)
    sur = item.component("surcharges", (exempt + reduced) * rate)
    if item.words:
        item.step(
            "附加税费（城建税、教育费附加、地方教育附加）随增值税一并免除",
            "surcharges removed with the VAT",
            f"({n(exempt)} + {n(reduced)}) × {n(rate * 100)}% = {n(sur)}",
        )
    item.because(
        "增值税小规模纳税人：季度销售额不超过45万元免征；2022年4月1日至12月31日适用3%征收率的销售收入免征；"
        "2022年一季度3%征收率减按1%（财政部 税务总局公告2021年第11号、2022年第15号）",
        "small-scale taxpayer: quarters with sales ≤ 450,000 exempt; 3% sales exempt 2022-04-01..12-31; "
        "Q1 2022 3% reduced to 1% (财政部 税务总局公告2021年第11号, 2022年第15号)",
    )
    if not any(p.vat.sales_3pct) and not any(p.vat.sales_other):
        item.because(
            "未填写销售额（vat.sales_3pct / vat.sales_other）", "no sales given (vat.sales_3pct / vat.sales_other)"
        )
    if item.words:
        item.step("合计", "total", f"{n(vat)} + {n(red)} + {n(sur)} = {n(vat + red + sur)}")
    ctx.emit(item.done())


# ── B7 VAT credit refund ────────────────────────────────────────
def credit_refund(ctx: Context) -> None:
    """财政部 税务总局公告2022年第14号: (stock + incremental credit) × input ratio × 100%, for small/micro
    in any industry and for the listed industries at any size; size by the 2011 standard with VAT sales for
    revenue."""
    p = ctx.profile
    item = ctx.start(CREDIT_REFUND)
    if p.vat.taxpayer != "general":
        ctx.emit(
            item.ineligible(
                "增值税小规模纳税人按征收率计税，没有进项留抵税额；留抵退税适用于一般纳税人",
                "a small-scale VAT taxpayer has no input credit to refund; the credit refund is for general taxpayers",
            )
        )
        return
    # 14号: 纳税信用等级为A级或者B级；
    # 申请退税前36个月未发生骗取留抵退税、骗取出口退税或虚开增值税专用发票情形；
    # 申请退税前36个月未因偷税被税务机关处罚两次及以上；2019年4月1日起未享受即征即退、先征后返（退）政策
    if not p.vat.refund_conditions_met:
        ctx.emit(
            item.ineligible(
                "未确认满足留抵退税条件（纳税信用等级A级或B级、36个月内无骗取退税或虚开发票、"
                "2019年4月1日起未享受即征即退或先征后返等；vat.refund_conditions_met）",
                "the refund conditions are not confirmed (credit rating A or B, no refund fraud or false "
                "invoices in 36 months, no 即征即退/先征后返 since 2019-04-01; vat.refund_conditions_met)",
            )
        )
        return
    vat_sales = sum(p.vat.sales_3pct, ZERO) + sum(p.vat.sales_other, ZERO)
    if vat_sales:
        basis = vat_sales
        if item.words:
            item.because(
                f"企业划型以增值税销售额 {n(vat_sales)} 元代替营业收入（vat.sales_3pct + vat.sales_other）",
                f"size tested with VAT sales {n(vat_sales)} in place of revenue (vat.sales_3pct + vat.sales_other)",
            )
    else:
        basis = p.revenue
        if item.words:
            item.because(
                f"未填写增值税销售额，划型以营业收入 {n(p.revenue)} 元代替",
                f"no VAT sales given: size tested with revenue {n(p.revenue)} in their place",
            )
    # 14号 第六条: 按…营业收入指标、资产总额指标确定 (employees are not used); 营业收入 = 增值税销售额
    bands = {k: Decimal(v) for k, v in ctx.param("vat.credit_refund.vat_sales_bands").items()}
    size = size_class(p, revenue=basis, indicators=ctx.param("vat.credit_refund.size_indicators"), sales_bands=bands)
    item.cite(size)
    sizes = ctx.param("vat.credit_refund.any_industry_sizes")
    industries = ctx.param("vat.credit_refund.industries")
    industry = next((code for code in industries if p.sector.startswith(code)), None)
    if size.value in sizes:
        # 14号 第一条: 将先进制造业按月全额退还增值税增量留抵税额政策范围
        # 扩大至符合条件的小微企业（含个体工商户）
        if item.words:
            item.because(
                f"小微企业不分行业均可申请退还（{ctx.source('vat.credit_refund.any_industry_sizes')}）",
                "a small or micro enterprise: eligible in any industry "
                f"({ctx.source('vat.credit_refund.any_industry_sizes')})",
            )
        if p.entity == "individual-business":
            item.because(
                "14号公告所称小微企业含个体工商户",
                "the small and micro enterprises of 14号 include individual businesses",
            )
    elif industry is not None:
        # 14号 第二条: 加大“制造业”、“科学研究和技术服务业”…等行业留抵退税力度
        if item.words:
            item.because(
                f"行业 {p.sector} 属于不分规模均可退还的行业"
                f"（{industry}，{ctx.source('vat.credit_refund.industries')}）",
                f"sector {p.sector} is an industry eligible at any size ({industry}, "
                f"{ctx.source('vat.credit_refund.industries')})",
            )
    else:
        hint = [code for code in industries if code.startswith(p.sector) and code != p.sector]
        zh_hint = f"（如属 {'/'.join(hint)} 请填写更细的行业代码）" if hint else ""
        en_hint = f" (give the finer sector code if it is {'/'.join(hint)})" if hint else ""
        if item.words:
            item.because(
                f"企业规模为{size_zh(size.value)}（非小微企业），"
                f"且行业 {p.sector} 不在 {'、'.join(industries)} 之列{zh_hint}",
                f"size class {size.value} (not small or micro) and sector {p.sector} is not one of "
                f"{', '.join(industries)}{en_hint}",
            )
        ctx.emit(item.ineligible())
        return
    share = ctx.dec("vat.credit_refund.share")
    ratio = p.vat.input_ratio
    stock = item.component("stock", p.vat.stock_credit * ratio * share)
    incremental = item.component("incremental", p.vat.incremental_credit * ratio * share)
    if item.words:
        item.step(
            f"存量留抵退税 = 存量留抵税额 × 进项构成比例 × {pct(share)}",
            f"stock refund = stock credit × input ratio × {pct(share)}",
            f"{n(p.vat.stock_credit)} × {n(ratio)} × {pct(share)} = {n(stock)}",
        )
        item.step(
            f"增量留抵退税 = 增量留抵税额 × 进项构成比例 × {pct(share)}",
            f"incremental refund = incremental credit × input ratio × {pct(share)}",
            f"{n(p.vat.incremental_credit)} × {n(ratio)} × {pct(share)} = {n(incremental)}",
        )
    opens = ctx.param("vat.credit_refund.stock_refund_from")[size.value]
    # 忻政办发〔2022〕34号 第12条: 对小微企业的存量留抵税额于6月底前一次性全部退还，增量留抵税额足额退还
    if item.words:
        item.because(
            f"{size_zh(size.value)}企业自 {month_of(opens)} 起可申请一次性退还存量留抵税额；"
            "增量留抵税额按月足额退还"
            f"（{ctx.source('vat.credit_refund.stock_refund_from')}）",
            f"a {size.value} enterprise could claim the stock refund at once from {month_of(opens)}; incremental "
            f"credit is refunded in full monthly ({ctx.source('vat.credit_refund.stock_refund_from')})",
        )
    if not p.vat.stock_credit and not p.vat.incremental_credit:
        item.because(
            "未填写留抵税额（vat.stock_credit / vat.incremental_credit）",
            "no credit given (vat.stock_credit / vat.incremental_credit)",
        )
    ctx.emit(item.done())
