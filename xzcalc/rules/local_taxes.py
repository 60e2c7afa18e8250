"""B6 六税两费 reduced, with the surcharges computed from the VAT actually payable (after B5) + consumption tax.

Every rate, share and clause comes from data/params (local.*); every sentence from data/messages/local_taxes.toml.
"""

from __future__ import annotations

from decimal import Decimal
from functools import reduce

from ..messages import Msg
from .kit import Condition, Context, RuleFamily, unmet
from .thresholds import Threshold

SIX_TAXES = "local.six_taxes_two_fees"
POLICIES = (SIX_TAXES,)

# the profile's `local_taxes` fields, in the order 2022年第10号 names them (names: local.six_taxes_two_fees.tax.<key>)
TAXES = ("resource", "property", "land_use", "stamp", "farmland")


def surcharge_rates(ctx: Context) -> dict[str, Decimal]:
    """The surcharges on VAT + consumption tax, as rates (fractions) by component name: 城市维护建设税 by the profile's
    `location` (城市维护建设税法 第四条), 教育费附加 and 地方教育附加."""
    return {
        "urban_maintenance": Decimal(ctx.param("local.urban_maintenance.rate")[ctx.profile.location]),
        "education": ctx.dec("local.education_surcharge.rate"),
        "local_education": ctx.dec("local.local_education_surcharge.rate"),
    }


def six_taxes_two_fees(ctx: Context) -> None:
    """财政部 税务总局公告2022年第10号 第一条: for a small-scale VAT taxpayer, a small low-profit enterprise or an
    individual business, each of the six taxes (profile `local_taxes`, yuan a year) and each surcharge (on
    `ctx.vat_payable` + consumption tax, yuan) reduced by `local.six_taxes_two_fees.share`; one component per tax,
    in yuan."""
    p = ctx.profile
    item = ctx.start(SIX_TAXES)
    # 2022年第10号: 对增值税小规模纳税人、小型微利企业和个体工商户…减征
    payers = {
        "small_scale": p.vat.taxpayer == "small-scale",
        "small_low_profit": bool(ctx.classification["small_low_profit"].value),
        "individual_business": p.entity == "individual-business",
    }
    who = [Msg(f"local.six_taxes_two_fees.who.{k}") for k, holds in payers.items() if holds]
    share = ctx.params.get_or_none("local.six_taxes_two_fees.share", ctx.year_end)
    failed = unmet(
        Condition(bool(who), "local.six_taxes_two_fees.not_eligible"),
        Condition(share is not None, "local.six_taxes_two_fees.not_in_force", {"year": str(ctx.year)}),
    )
    if failed is not None:
        ctx.emit(item.unmet(failed))
        return
    share = Decimal(share)
    item.because(
        "local.six_taxes_two_fees.rule",
        who=reduce(lambda a, b: Msg("local.six_taxes_two_fees.who.both", {"first": a, "second": b}), who),
        share=share,
        source=ctx.source("local.six_taxes_two_fees.share"),
    )
    # 资源税、房产税、城镇土地使用税、印花税、耕地占用税: tax × share
    for key in TAXES:
        tax = getattr(p.local_taxes, key)
        if tax:
            item.component(key, tax * share)
            name = Msg(f"local.six_taxes_two_fees.tax.{key}")
            item.step("local.six_taxes_two_fees.tax_relief", tax=name, amount=tax, share=share, relief=tax * share)
    # 城市维护建设税、教育费附加、地方教育附加: (VAT actually payable + consumption tax) × rate × share
    base = ctx.vat_payable + p.vat.consumption_tax
    if base:
        consumption = p.vat.consumption_tax
        item.step("local.six_taxes_two_fees.surcharge_base", vat=ctx.vat_payable, consumption=consumption, base=base)
        for key, rate in surcharge_rates(ctx).items():
            item.component(key, base * rate * share)
            name = Msg(f"local.six_taxes_two_fees.tax.{key}")
            item.step(
                "local.six_taxes_two_fees.surcharge_relief",
                tax=name,
                base=base,
                rate=rate,
                share=share,
                relief=base * rate * share,
            )
    if not item.components:
        item.because("local.six_taxes_two_fees.nothing_given")
    ctx.emit(item.done())


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, six_taxes_two_fees),)


# ── thresholds: none yet (the advisor reads each module's THRESHOLDS: xzcalc/analysis/advisor.py) ───────────────
THRESHOLDS: tuple[Threshold, ...] = ()
