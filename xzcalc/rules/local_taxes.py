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
from typing import Any, NamedTuple

from ..data import DataError
from ..messages import Msg
from ..money import ZERO
from ..params import ParamSet
from .kit import (
    Condition,
    Context,
    ItemBuilder,
    RuleFamily,
    both,
    columnar,
    component_when,
    either,
    negate,
    present,
    select,
    step_when,
    unmet,
    value_or,
    where,
)
from .thresholds import Threshold

SIX_TAXES = "local.six_taxes_two_fees"
POLICIES = (SIX_TAXES,)
_P = "local.six_taxes_two_fees."

# the profile's `local_taxes` fields, in the order 2022年第10号 names them (names: local.six_taxes_two_fees.tax.<key>)
TAXES = ("resource", "property", "land_use", "stamp", "farmland")


def surcharge_rates(ctx: Context) -> Mapping[str, Any]:
    """The surcharges on VAT + consumption tax, as rates (fractions) by component name: 城市维护建设税 by the profile's
    `location` (城市维护建设税法 第四条: a Decimal for one profile, a column of rates over a block of rows), 教育费附加
    and 地方教育附加."""
    by_location, education, local_education = _surcharge_rates(ctx.params, ctx.year_end)
    location = ctx.profile.location
    urban = select(((location == place, rate) for place, rate in by_location.items()), ZERO)
    return {"urban_maintenance": urban, "education": education, "local_education": local_education}


@lru_cache(maxsize=256)
def _surcharge_rates(params: ParamSet, on: date) -> tuple[Mapping[str, Decimal], Decimal, Decimal]:
    """The rates of a parameter set on a day: 城市维护建设税's by location, and the two surcharges'."""
    by_location = {place: Decimal(rate) for place, rate in params.get("local.urban_maintenance.rate", on).items()}
    return (
        MappingProxyType(by_location),
        params.number("local.education_surcharge.rate", on),
        params.number("local.local_education_surcharge.rate", on),
    )


class Half(NamedTuple):
    """A part of the tax year whose small-low-profit status one annual filing decides."""

    start: date
    end: date
    filed: int  # the tax year whose annual filing (made the year after it) governs this part
    share: Any  # this part's share of the year's amounts (a Decimal; a column in the batch)


def halves(ctx: Context) -> tuple[Half, Half]:
    """国家税务总局公告2022年第3号 第一条: a filing made in year C (for tax year C − 1) governs from the month
    `filing_governs_from` of C to the month before it in C + 1; so the first part of tax year Y follows the filing of
    Y − 2, the second that of Y − 1. Shares from `local_taxes.first_half_share`."""
    month = ctx.dec(_P + "filing_governs_from")
    if month != month.to_integral_value() or not 2 <= month <= 12:
        raise DataError(f"parameter {_P}filing_governs_from is not a month from 2 to 12: {month}")
    first = value_or(ctx.profile.local_taxes.first_half_share, ctx.dec(_P + "first_half_share_default"))
    switch = date(ctx.year, int(month), 1)
    return (
        Half(date(ctx.year, 1, 1), switch - timedelta(days=1), ctx.year - 2, first),
        Half(switch, ctx.year_end, ctx.year - 1, 1 - first),
    )


def _half_holds(ctx: Context, item: ItemBuilder, half: Half) -> Any:
    """Whether the general taxpayer is a small low-profit enterprise for this part of the year, with the reason:
    no filing yet (established after the governing year) → the new-enterprise test on headcount and assets;
    otherwise the governing filing's result as given (`history.small_low_profit.<year>`), presumed from the current
    year's when not given."""
    p = ctx.profile
    when = {"start": half.start, "end": half.end, "filed": half.filed}
    # 2022年第3号 第一条: 新设立企业…同时符合申报期上月末从业人数不超过300人、资产总额不超过5000万元…可在首次办理
    # 汇算清缴前按规定申报享受
    new = both(present(p.established), value_or(p.established, half.start) > date(half.filed, 12, 31))
    employee_limit = ctx.dec(_P + "new_enterprise.employee_limit")
    asset_limit = ctx.dec(_P + "new_enterprise.asset_limit")
    employees_within = p.employees <= employee_limit
    assets_within = p.total_assets <= asset_limit
    new_holds = both(both(employees_within, assets_within), negate(p.restricted_industry))

    def tested() -> dict[str, Any]:
        return {
            **when,
            "established": p.established,
            "employees": p.employees,
            "employee_limit": employee_limit,
            "assets": p.total_assets,
            "asset_limit": asset_limit,
        }

    def failed() -> dict[str, Any]:
        values = tested()
        why = unmet(
            Condition(employees_within, _P + "new_enterprise.employees_over", values),
            Condition(assets_within, _P + "new_enterprise.assets_over", values),
            Condition(negate(p.restricted_industry), _P + "new_enterprise.restricted"),
        )
        return {**values, "failed": why, "source": ctx.source(_P + "new_enterprise.employee_limit")}

    item.because_when(
        both(new, new_holds),
        _P + "half.new_enterprise",
        lambda: {**tested(), "source": ctx.source(_P + "new_enterprise.employee_limit")},
    )
    item.because_when(both(new, negate(new_holds)), _P + "half.new_enterprise_fails", failed)
    # 2022年第3号 第一条(一): 以企业所得税年度汇算清缴结果为准 — the governing filing's result, when given
    filed = p.history.small_low_profit.get(half.filed)
    given = present(filed)
    filed_holds = value_or(filed, False)
    item.because_when(
        both(negate(new), given),
        _P + "half.filed",
        lambda: {**when, "status": Msg(_P + where(filed_holds, "status.yes", "status.no"))},
    )
    # the governing filing's result is not given: presumed from this year's (A1)
    this_year = value_or(ctx.classification["small_low_profit"].value, False)
    item.because_when(
        both(negate(new), negate(given)),
        _P + "half.presumed",
        lambda: {**when, "status": Msg(_P + where(this_year, "status.yes", "status.no"))},
    )
    return select(((new, new_holds), (given, filed_holds)), this_year)


def _covered(ctx: Context, item: ItemBuilder) -> Any:
    """E4: the share of the year's amounts in the parts where a general VAT taxpayer is small low-profit."""
    parts = halves(ctx)
    first, second = parts
    given = present(ctx.profile.local_taxes.first_half_share)
    split = {
        "first": first.share,
        "first_start": first.start,
        "first_end": first.end,
        "second": second.share,
        "second_start": second.start,
        "second_end": second.end,
        "source": ctx.source(_P + "filing_governs_from"),
    }
    item.because_when(given, _P + "split", split)
    item.because_when(negate(given), _P + "split_assumed", split)
    holds = [_half_holds(ctx, item, half) for half in parts]
    return sum((where(h, half.share, ZERO) for h, half in zip(holds, parts, strict=True)), ZERO)


@columnar(by=("vat.taxpayer", "entity"))
def six_taxes_two_fees(ctx: Context) -> None:
    """财政部 税务总局公告2022年第10号 第一条: for a small-scale VAT taxpayer, a small low-profit enterprise or an
    individual business, each of the six taxes (profile `local_taxes`, yuan a year) and each surcharge (on
    `ctx.vat_payable` + consumption tax, yuan) reduced by `local.six_taxes_two_fees.share`; for a general VAT taxpayer,
    on the part of the year in which it is small low-profit (E4). One component per tax, in yuan. Written in kit's
    vocabulary: the same definition runs on one profile and on the batch's columns (by VAT taxpayer type and entity,
    each a single value there)."""
    p = ctx.profile
    item = ctx.start(SIX_TAXES)
    in_force = ctx.params.get_or_none(_P + "share", ctx.year_end)
    if in_force is None:  # (a parameter: the same for every row of a block)
        item.require(False, _P + "not_in_force", {"year": str(ctx.year)})
        ctx.emit(item.give(ZERO))
        return
    share = Decimal(in_force)
    # who is relieved that year (payers): 13号 第三条 small-scale taxpayers only (2019–2021); 2022年第10号 and
    # 2023年第12号 第二条 对增值税小规模纳税人、小型微利企业和个体工商户…减征;
    # 2022年第3号: the first two for the whole year
    listed = ctx.params.get(_P + "payers", ctx.year_end)
    small_scale = p.vat.taxpayer == "small-scale"
    individual = p.entity == "individual-business"
    whole_year = small_scale or (individual and "individual_business" in listed)
    covered = Decimal(1) if whole_year else _covered(ctx, item) if "small_low_profit" in listed else Decimal(0)
    this_year = value_or(ctx.classification["small_low_profit"].value, False)
    payers = {
        "small_scale": small_scale,
        "small_low_profit": where(whole_year, this_year, covered > 0),
        "individual_business": individual,
    }
    eligible = reduce(either, (holds for k, holds in payers.items() if k in listed), False)
    if "small_low_profit" not in listed:  # 13号 第三条: small-scale taxpayers only that year
        item.require(eligible, _P + "small_scale_only", {"year": ctx.year, "source": ctx.source(_P + "payers")})
    else:
        item.require(eligible, _P + where(whole_year, "not_eligible", "not_eligible_general"), {"year": ctx.year})

    def rule() -> dict[str, Any]:
        who = [Msg(f"{_P}who.{k}") for k, holds in payers.items() if holds and k in listed]
        return {
            "who": reduce(lambda a, b: Msg(_P + "who.both", {"first": a, "second": b}), who),
            "share": share,
            "source": ctx.source(_P + "share"),
        }

    item.because_when(True, _P + "rule", rule)
    partial = covered != 1  # (the steps show the share covered only when it is not the whole year)
    item.because_when(partial, _P + "covered", {"covered": covered})
    whole = negate(partial)
    total = ZERO
    # 资源税、房产税、城镇土地使用税、印花税、耕地占用税: tax × covered × share
    taxes = [getattr(p.local_taxes, key) for key in TAXES]
    for key, tax in zip(TAXES, taxes, strict=True):
        given = tax != 0
        relief = component_when(item, given, key, tax * covered * share)
        total = total + relief
        name = Msg(f"{_P}tax.{key}")
        step_when(
            item, both(given, whole), _P + "tax_relief", {"tax": name, "amount": tax, "share": share, "relief": relief}
        )
        step_when(
            item,
            both(given, partial),
            _P + "tax_relief_part",
            {"tax": name, "amount": tax, "covered": covered, "share": share, "relief": relief},
        )
    # 城市维护建设税、教育费附加、地方教育附加: (VAT actually payable + consumption tax) × rate × covered × share
    consumption = p.vat.consumption_tax
    base = ctx.vat_payable + consumption
    surcharged = base != 0
    step_when(
        item, surcharged, _P + "surcharge_base", {"vat": ctx.vat_payable, "consumption": consumption, "base": base}
    )
    for key, rate in surcharge_rates(ctx).items():
        relief = component_when(item, surcharged, key, base * rate * covered * share)
        total = total + relief
        values = {"tax": Msg(f"{_P}tax.{key}"), "base": base, "rate": rate}
        step_when(item, both(surcharged, whole), _P + "surcharge_relief", {**values, "share": share, "relief": relief})
        step_when(
            item,
            both(surcharged, partial),
            _P + "surcharge_relief_part",
            {**values, "covered": covered, "share": share, "relief": relief},
        )
    nothing = reduce(both, (tax == 0 for tax in taxes), negate(surcharged))
    item.because_when(nothing, _P + "nothing_given")
    ctx.emit(item.give(total))


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, six_taxes_two_fees),)


# ── thresholds: none yet (the advisor reads each module's THRESHOLDS: xzcalc/analysis/advisor.py) ───────────────
THRESHOLDS: tuple[Threshold, ...] = ()
