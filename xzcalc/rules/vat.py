"""B5 small-scale VAT exemption. Leaves `vat_payable` (VAT still payable after relief) for the surcharges of B6."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..engine import Context, n
from ..money import ZERO

SMALL_SCALE = "vat.small_scale_exemption"
POLICIES = (SMALL_SCALE,)
QUARTER_STARTS = (1, 4, 7, 10)


def surcharge_rate(ctx: Context) -> Decimal:
    """城市维护建设税 7% / 5% / 1% by location + 教育费附加 3% + 地方教育附加 2% (on VAT + consumption tax)."""
    urban = ctx.param("local.urban_maintenance.rate")[ctx.profile.location]
    return Decimal(urban) + ctx.dec("local.education_surcharge.rate") + ctx.dec("local.local_education_surcharge.rate")


def small_scale_exemption(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(SMALL_SCALE)
    if p.vat.taxpayer != "small-scale":
        ctx.facts["vat_payable"] = p.vat.vat_payable
        ctx.emit(item.ineligible("一般纳税人不适用小规模纳税人免征增值税", "a general VAT taxpayer: the small-scale exemption does not apply"))
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
            item.step(f"{label} 季度销售额 {n(s3 + s5)} ≤ {n(threshold)}，全部免征",
                      f"{label} sales {n(s3 + s5)} ≤ {n(threshold)}: all exempt",
                      f"{n(s3)} × {n(rate3 * 100)}% + {n(s5)} × {n(rate5 * 100)}% = {n(saved)}")
            continue
        exempt_share = ctx.params.get_or_none("vat.small_scale.exempt_3pct", start)
        reduced_rate = ctx.params.get_or_none("vat.small_scale.reduced_rate_3pct", start)
        if exempt_share is not None:
            # 2022年第15号: 适用3%征收率的应税销售收入，免征增值税
            saved = s3 * rate3 * Decimal(exempt_share)
            exempt += saved
            payable += s3 * rate3 * (1 - Decimal(exempt_share)) + s5 * rate5
            item.step(f"{label} 适用3%征收率的销售额免征", f"{label} sales at 3% exempt",
                      f"{n(s3)} × {n(rate3 * 100)}% = {n(saved)}")
        elif reduced_rate is not None:
            # 2021年第7号 (to 2022-03-31): 减按1%征收率征收
            saved = s3 * (rate3 - Decimal(reduced_rate))
            reduced += saved
            payable += s3 * Decimal(reduced_rate) + s5 * rate5
            item.step(f"{label} 3%征收率减按{n(Decimal(reduced_rate) * 100)}%", f"{label} 3% reduced to {n(Decimal(reduced_rate) * 100)}%",
                      f"{n(s3)} × ({n(rate3 * 100)}% − {n(Decimal(reduced_rate) * 100)}%) = {n(saved)}")
        else:
            payable += s3 * rate3 + s5 * rate5
            item.step(f"{label} 无适用的减免", f"{label} no relief in force", f"{n(s3)} × {n(rate3 * 100)}% + {n(s5)} × {n(rate5 * 100)}%")
    ctx.facts["vat_payable"] = payable
    rate = surcharge_rate(ctx)
    vat = item.component("vat", exempt)
    red = item.component("reduced_rate", reduced)
    sur = item.component("surcharges", (exempt + reduced) * rate)
    item.step("附加税费（城建税、教育费附加、地方教育附加）随增值税一并免除",
              "surcharges removed with the VAT", f"({n(exempt)} + {n(reduced)}) × {n(rate * 100)}% = {n(sur)}")
    item.because(
        "增值税小规模纳税人：季度销售额不超过45万元免征；2022年4月1日至12月31日适用3%征收率的销售收入免征；"
        "2022年一季度3%征收率减按1%（财政部 税务总局公告2021年第11号、2022年第15号）",
        "small-scale taxpayer: quarters with sales ≤ 450,000 exempt; 3% sales exempt 2022-04-01..12-31; "
        "Q1 2022 3% reduced to 1% (财政部 税务总局公告2021年第11号, 2022年第15号)",
    )
    if not any(p.vat.sales_3pct) and not any(p.vat.sales_other):
        item.because("未填写销售额（vat.sales_3pct / vat.sales_other）", "no sales given (vat.sales_3pct / vat.sales_other)")
    item.step("合计", "total", f"{n(vat)} + {n(red)} + {n(sur)} = {n(vat + red + sur)}")
    ctx.emit(item.done())
