"""B6 六税两费 halved, with the surcharges computed from the VAT actually payable (after B5) + consumption tax."""

from __future__ import annotations

from decimal import Decimal

from .kit import Context, n

SIX_TAXES = "local.six_taxes_two_fees"
POLICIES = (SIX_TAXES,)

_TAXES = (
    ("resource", "资源税", "resource tax"),
    ("property", "房产税", "property tax"),
    ("land_use", "城镇土地使用税", "urban land-use tax"),
    ("stamp", "印花税", "stamp tax"),
    ("farmland", "耕地占用税", "farmland occupation tax"),
)


def six_taxes_two_fees(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(SIX_TAXES)
    # 2022年第10号: 对增值税小规模纳税人、小型微利企业和个体工商户…减按50%征收
    who = []
    if p.vat.taxpayer == "small-scale":
        who.append(("增值税小规模纳税人", "a small-scale VAT taxpayer"))
    if ctx.classification["small_low_profit"].value:
        who.append(("小型微利企业", "a small low-profit enterprise"))
    if p.entity == "individual-business":
        who.append(("个体工商户", "an individual business"))
    if not who:
        ctx.emit(
            item.ineligible(
                "不是增值税小规模纳税人、小型微利企业或个体工商户",
                "not a small-scale VAT taxpayer, a small low-profit enterprise or an individual business",
            )
        )
        return
    share = ctx.params.get_or_none("local.six_taxes_two_fees.share", ctx.year_end)
    if share is None:
        if item.words:
            item.because(f"{ctx.year} 年度不在减征期内", f"not in force in {ctx.year}")
        ctx.emit(item.ineligible())
        return
    share = Decimal(share)
    if item.words:
        item.because(
            "、".join(w[0] for w in who)
            + f"：六税两费减按{n(share * 100)}%征收（{ctx.source('local.six_taxes_two_fees.share')}）",
            " and ".join(w[1] for w in who) + f": the six taxes and two fees reduced by {n(share * 100)}% "
            f"({ctx.source('local.six_taxes_two_fees.share')})",
        )
    for key, zh, en in _TAXES:
        tax = getattr(p.local_taxes, key)
        if tax:
            item.component(key, tax * share)
            if item.words:
                item.step(f"{zh}减征", f"{en} relief", f"{n(tax)} × {n(share * 100)}% = {n(tax * share)}")
    base = ctx.vat_payable + p.vat.consumption_tax
    urban = Decimal(ctx.param("local.urban_maintenance.rate")[p.location])
    surcharges = (
        ("urban_maintenance", "城市维护建设税", "urban maintenance tax", urban),
        ("education", "教育费附加", "education surcharge", ctx.dec("local.education_surcharge.rate")),
        (
            "local_education",
            "地方教育附加",
            "local education surcharge",
            ctx.dec("local.local_education_surcharge.rate"),
        ),
    )
    if base and item.words:
        item.step(
            "附加税费计税依据 = 实际缴纳增值税 + 消费税",
            "surcharge base = VAT actually payable + consumption tax",
            f"{n(ctx.vat_payable)} + {n(p.vat.consumption_tax)} = {n(base)}",
        )
    for key, zh, en, rate in surcharges:
        if base:
            item.component(key, base * rate * share)
            if item.words:
                item.step(
                    f"{zh}减征",
                    f"{en} relief",
                    f"{n(base)} × {n(rate * 100)}% × {n(share * 100)}% = {n(base * rate * share)}",
                )
    if not item.components:
        item.because(
            "未填写六税两费税额，且无应纳增值税、消费税", "no local taxes given and no VAT or consumption tax payable"
        )
    ctx.emit(item.done())
