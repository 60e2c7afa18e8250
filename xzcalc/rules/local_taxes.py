"""B6 六税两费 reduced, with the surcharges computed from the VAT actually payable (after B5) + consumption tax.

A small-scale VAT taxpayer or an individual business gets the relief for the whole year. A general VAT taxpayer gets
it as a small low-profit enterprise by half-year (policies.md E4, 国家税务总局公告2022年第3号 第一条): the months
before `filing_governs_from` follow the annual filing of the year before last, the rest that of last year; a company
established after the governing year has no filing yet and qualifies by headcount and assets; otherwise the
governing filing's result is `history.small_low_profit.<year>`, presumed from the current year's result when not
given. The year's amounts are split between the halves by
`local_taxes.first_half_share` (half when not given: `first_half_share_default`).

Every rate, share, line, month and clause comes from data/params (local.*); every sentence from
data/messages/local_taxes.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache, reduce
from types import MappingProxyType
from typing import NamedTuple

from ..data import DataError
from ..messages import Msg
from ..params import ParamSet
from .kit import Condition, Context, ItemBuilder, RuleFamily, unmet, where
from .thresholds import Threshold

SIX_TAXES = "local.six_taxes_two_fees"
POLICIES = (SIX_TAXES,)
_P = "local.six_taxes_two_fees."

# the profile's `local_taxes` fields, in the order 2022年第10号 names them (names: local.six_taxes_two_fees.tax.<key>)
TAXES = ("resource", "property", "land_use", "stamp", "farmland")


def surcharge_rates(ctx: Context) -> Mapping[str, Decimal]:
    """The surcharges on VAT + consumption tax, as rates (fractions) by component name: 城市维护建设税 by the profile's
    `location` (城市维护建设税法 第四条), 教育费附加 and 地方教育附加."""
    return _surcharge_rates(ctx.params, ctx.year_end, ctx.profile.location)


@lru_cache(maxsize=256)
def _surcharge_rates(params: ParamSet, on: date, location: str) -> Mapping[str, Decimal]:
    """surcharge_rates of a parameter set, a day and a location: the same for every row."""
    rates = {
        "urban_maintenance": Decimal(params.get("local.urban_maintenance.rate", on)[location]),
        "education": params.number("local.education_surcharge.rate", on),
        "local_education": params.number("local.local_education_surcharge.rate", on),
    }
    return MappingProxyType(rates)


class Half(NamedTuple):
    """A part of the tax year whose small-low-profit status one annual filing decides."""

    start: date
    end: date
    filed: int  # the tax year whose annual filing (made the year after it) governs this part
    share: Decimal  # this part's share of the year's amounts


def halves(ctx: Context) -> tuple[Half, Half]:
    """国家税务总局公告2022年第3号 第一条: a filing made in year C (for tax year C − 1) governs from the month
    `filing_governs_from` of C to the month before it in C + 1; so the first part of tax year Y follows the filing of
    Y − 2, the second that of Y − 1. Shares from `local_taxes.first_half_share`."""
    month = ctx.dec(_P + "filing_governs_from")
    if month != month.to_integral_value() or not 2 <= month <= 12:
        raise DataError(f"parameter {_P}filing_governs_from is not a month from 2 to 12: {month}")
    given = ctx.profile.local_taxes.first_half_share
    first = ctx.dec(_P + "first_half_share_default") if given is None else given
    switch = date(ctx.year, int(month), 1)
    return (
        Half(date(ctx.year, 1, 1), switch - timedelta(days=1), ctx.year - 2, first),
        Half(switch, ctx.year_end, ctx.year - 1, 1 - first),
    )


def _half_holds(ctx: Context, item: ItemBuilder, half: Half) -> bool:
    """Whether the general taxpayer is a small low-profit enterprise for this part of the year, with the reason:
    no filing yet (established after the governing year) → the new-enterprise test on headcount and assets;
    otherwise the governing filing's result as given (`history.small_low_profit.<year>`), presumed from the current
    year's when not given."""
    p = ctx.profile
    when = {"start": half.start, "end": half.end, "filed": half.filed}
    if p.established is not None and p.established.year > half.filed:
        # 2022年第3号 第一条: 新设立企业…同时符合申报期上月末从业人数不超过300人、资产总额不超过5000万元…可在首次办理
        # 汇算清缴前按规定申报享受
        employee_limit = ctx.dec(_P + "new_enterprise.employee_limit")
        asset_limit = ctx.dec(_P + "new_enterprise.asset_limit")
        values = {
            **when,
            "established": p.established,
            "employees": p.employees,
            "employee_limit": employee_limit,
            "assets": p.total_assets,
            "asset_limit": asset_limit,
        }
        failed = unmet(
            Condition(p.employees <= employee_limit, _P + "new_enterprise.employees_over", values),
            Condition(p.total_assets <= asset_limit, _P + "new_enterprise.assets_over", values),
            Condition(not p.restricted_industry, _P + "new_enterprise.restricted"),
        )
        source = ctx.source(_P + "new_enterprise.employee_limit")
        if failed is None:
            item.because(_P + "half.new_enterprise", **values, source=source)
        else:
            item.because(_P + "half.new_enterprise_fails", **values, failed=failed, source=source)
        return failed is None
    # 2022年第3号 第一条(一): 以企业所得税年度汇算清缴结果为准 — the governing filing's result, when given
    filed = p.history.small_low_profit.get(half.filed)
    if filed is not None:
        status = Msg(_P + where(filed, "status.yes", "status.no"))
        item.because(_P + "half.filed", **when, status=status)
        return filed
    # the governing filing's result is not given: presumed from this year's (A1)
    holds = bool(ctx.classification["small_low_profit"].value)
    item.because(_P + "half.presumed", **when, status=Msg(_P + where(holds, "status.yes", "status.no")))
    return holds


def _covered(ctx: Context, item: ItemBuilder) -> Decimal:
    """E4: the share of the year's amounts in the parts where a general VAT taxpayer is small low-profit."""
    parts = halves(ctx)
    first, second = parts
    given = ctx.profile.local_taxes.first_half_share is not None
    item.because(
        _P + where(given, "split", "split_assumed"),
        first=first.share,
        first_start=first.start,
        first_end=first.end,
        second=second.share,
        second_start=second.start,
        second_end=second.end,
        source=ctx.source(_P + "filing_governs_from"),
    )
    return sum((half.share for half in parts if _half_holds(ctx, item, half)), Decimal(0))


def six_taxes_two_fees(ctx: Context) -> None:
    """财政部 税务总局公告2022年第10号 第一条: for a small-scale VAT taxpayer, a small low-profit enterprise or an
    individual business, each of the six taxes (profile `local_taxes`, yuan a year) and each surcharge (on
    `ctx.vat_payable` + consumption tax, yuan) reduced by `local.six_taxes_two_fees.share`; for a general VAT taxpayer,
    on the part of the year in which it is small low-profit (E4). One component per tax, in yuan."""
    p = ctx.profile
    item = ctx.start(SIX_TAXES)
    share = ctx.params.get_or_none(_P + "share", ctx.year_end)
    failed = unmet(Condition(share is not None, _P + "not_in_force", {"year": str(ctx.year)}))
    if failed is not None:
        ctx.emit(item.unmet(failed))
        return
    share = Decimal(share)
    # who is relieved that year (payers): 13号 第三条 small-scale taxpayers only (2019–2021); 2022年第10号 and
    # 2023年第12号 第二条 对增值税小规模纳税人、小型微利企业和个体工商户…减征;
    # 2022年第3号: the first two for the whole year
    listed = ctx.param(_P + "payers")
    whole_year = p.vat.taxpayer == "small-scale" or (
        p.entity == "individual-business" and "individual_business" in listed
    )
    covered = Decimal(1) if whole_year else _covered(ctx, item) if "small_low_profit" in listed else Decimal(0)
    payers = {
        "small_scale": p.vat.taxpayer == "small-scale",
        "small_low_profit": where(whole_year, bool(ctx.classification["small_low_profit"].value), covered > 0),
        "individual_business": p.entity == "individual-business",
    }
    who = [Msg(f"{_P}who.{k}") for k, holds in payers.items() if holds and k in listed]
    if "small_low_profit" not in listed:  # 13号 第三条: small-scale taxpayers only that year
        why = Msg(_P + "small_scale_only", {"year": ctx.year, "source": ctx.source(_P + "payers")})
        failed = unmet(Condition(bool(who), why.id, why.values))
    else:
        failed = unmet(
            Condition(bool(who), _P + where(whole_year, "not_eligible", "not_eligible_general"), {"year": ctx.year})
        )
    if failed is not None:
        ctx.emit(item.unmet(failed))
        return
    item.because(
        _P + "rule",
        who=reduce(lambda a, b: Msg(_P + "who.both", {"first": a, "second": b}), who),
        share=share,
        source=ctx.source(_P + "share"),
    )
    partial = covered != 1  # (the steps show the share covered only when it is not the whole year)
    if partial:
        item.because(_P + "covered", covered=covered)
    # 资源税、房产税、城镇土地使用税、印花税、耕地占用税: tax × covered × share
    for key in TAXES:
        tax = getattr(p.local_taxes, key)
        if tax:
            relief = item.component(key, tax * covered * share)
            name = Msg(f"{_P}tax.{key}")
            if not partial:
                item.step(_P + "tax_relief", tax=name, amount=tax, share=share, relief=relief)
            else:
                item.step(_P + "tax_relief_part", tax=name, amount=tax, covered=covered, share=share, relief=relief)
    # 城市维护建设税、教育费附加、地方教育附加: (VAT actually payable + consumption tax) × rate × covered × share
    base = ctx.vat_payable + p.vat.consumption_tax
    if base:
        consumption = p.vat.consumption_tax
        item.step(_P + "surcharge_base", vat=ctx.vat_payable, consumption=consumption, base=base)
        for key, rate in surcharge_rates(ctx).items():
            relief = item.component(key, base * rate * covered * share)
            name = Msg(f"{_P}tax.{key}")
            if not partial:
                item.step(_P + "surcharge_relief", tax=name, base=base, rate=rate, share=share, relief=relief)
            else:
                item.step(
                    _P + "surcharge_relief_part",
                    tax=name,
                    base=base,
                    rate=rate,
                    covered=covered,
                    share=share,
                    relief=relief,
                )
    if not item.components:
        item.because(_P + "nothing_given")
    ctx.emit(item.done())


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, six_taxes_two_fees),)


# ── thresholds: none yet (the advisor reads each module's THRESHOLDS: xzcalc/analysis/advisor.py) ───────────────
THRESHOLDS: tuple[Threshold, ...] = ()
