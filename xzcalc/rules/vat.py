"""B5 small-scale VAT exemption (leaves `vat_payable` for the surcharges of B6) and B7 VAT credit refund.

Every rate, line, date and clause comes from data/params (vat.small_scale.*, vat.credit_refund.*, local.*); every
sentence from data/messages/vat.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, NamedTuple, TypeVar

from ..classify import size_class, size_group
from ..messages import Msg
from ..model import Finding, Result
from ..money import CONTEXT, ZERO
from ..params import ParamSet
from ..schema.profile import Profile
from .common import add_months
from .kit import (
    Context,
    ItemBuilder,
    RuleFamily,
    both,
    columnar,
    context_rounded,
    either,
    minimum,
    negate,
    one_of,
    read_by,
    sector_in,
    step_when,
    where,
)
from .local_taxes import surcharge_rates
from .thresholds import Threshold

T = TypeVar("T")
SMALL_SCALE = "vat.small_scale_exemption"
CREDIT_REFUND = "vat.credit_refund"
POLICIES = (SMALL_SCALE, CREDIT_REFUND)
# the month each filing period of the tax year begins with (the calendar's, no document's), by vat.period
PERIOD_STARTS = {"quarter": (1, 4, 7, 10), "month": tuple(range(1, 13))}
PERIOD_MONTHS = {"quarter": 3, "month": 1}
# the exemption line of each filing period (2021年第11号: 月销售额15万元 / 季度销售额45万元)
LINES = {"quarter": "vat.small_scale.quarter_threshold", "month": "vat.small_scale.month_threshold"}

# the measures of B5 as the reason lists them: (parameter, message); each is in force where its parameter has a value
MEASURES = (
    ("vat.small_scale.exempt_3pct", "vat.small_scale_exemption.measure.exempt_3pct"),
    ("vat.small_scale.reduced_rate_3pct", "vat.small_scale_exemption.measure.reduced_rate_3pct"),
)


def surcharge_rate(ctx: Context) -> Any:
    """城市维护建设税 (by location) + 教育费附加 + 地方教育附加, as one rate (a fraction) on VAT + consumption tax (a
    Decimal for one profile, a column over a block of rows)."""
    return sum(surcharge_rates(ctx).values(), ZERO)


# ── B5 small-scale exemption ────────────────────────────────────
def _span(start: date, end: date) -> Msg:
    """Dates within one year as a reason shows them: 2022年4月1日至12月31日 / 2022-04-01..2022-12-31."""
    values = {"start": start, "end": end, "start_day": start.day, "end_month": end.month, "end_day": end.day}
    return Msg("vat.small_scale_exemption.span", values)


class Sales(NamedTuple):
    """One filing period's sales in yuan (tax-exclusive): at 3% (`s3`, of which `special` on 专票) and at other rates
    (`s5`, of which `real_estate` a sale of real estate)."""

    s3: Decimal
    special: Decimal
    s5: Decimal
    real_estate: Decimal


class Relief(NamedTuple):
    """What one filing period's relief comes to, in yuan (unrounded)."""

    exempt: Decimal  # VAT exempted
    reduced: Decimal  # VAT removed by the reduced rate (3% → 1%)
    payable: Decimal  # VAT still payable


def _period(
    ctx: Context, item: ItemBuilder, label: Msg, line_name: str, start: date, sales: Sales, months: int = 1
) -> Relief:
    """One filing period (a quarter or a month, first day `start`, `months` long, shown as `label`) of a small-scale
    taxpayer. The line is the one in force on its first day; a measure that changes inside the period (2020-03-01:
    3% → 1%, years.md) splits the period's sales evenly by month, each part at the measures of its own months
    (the line still tested on the whole period), and the reasons say so."""
    parts = _runs(ctx.params, start, months)
    if len(parts) == 1:
        return _part(ctx, item, label, line_name, start, sales, start, Decimal(1))
    item.because("vat.small_scale_exemption.split_by_month", period=label, months=months, changed=parts[1][0])
    total = Relief(ZERO, ZERO, ZERO)
    for first, n in parts:
        fraction = CONTEXT.divide(Decimal(n), Decimal(months))  # (the engine's precision, in the batch too)
        last = add_months(first, n) - timedelta(days=1)
        shown = Msg("vat.small_scale_exemption.part", {"period": label, "start": first, "end": last})
        part = _part(ctx, item, shown, line_name, start, sales, first, fraction)
        r = context_rounded  # (a part's amounts have up to 40 digits: the sums as the row engine rounds them)
        total = Relief(r(total.exempt + part.exempt), r(total.reduced + part.reduced), r(total.payable + part.payable))
    return total


def _measures(params: ParamSet, on: date) -> tuple[object, ...]:
    """The measures of B5 in force on a day (what may change inside a filing period)."""
    return tuple(params.get_or_none(name, on) for name, _ in MEASURES)


@lru_cache(maxsize=1024)
def _runs(params: ParamSet, start: date, months: int) -> tuple[tuple[date, int], ...]:
    """(first day, months) of the runs of months of a filing period under the same measures: one run unless a
    measure changes inside the period. A function of the dated parameters alone, the same for every row."""
    parts: list[tuple[date, int]] = []
    for k in range(months):
        first = add_months(start, k)
        if parts and _measures(params, parts[-1][0]) == _measures(params, first):
            parts[-1] = (parts[-1][0], parts[-1][1] + 1)
        else:
            parts.append((first, 1))
    return tuple(parts)


class Terms(NamedTuple):
    """B5's parameters for part of a filing period: the line and the treatment of real estate in force on the
    period's first day, the rates and measures on the part's (None: not in force), as data/params gives them."""

    rate3: Decimal
    rate5: Decimal
    line: Any
    share: Any  # exempt_3pct
    cut: Any  # reduced_rate_3pct
    re_outside: bool
    special_taxed: bool


@lru_cache(maxsize=1024)
def _terms(params: ParamSet, line_name: str, start: date, on: date) -> Terms:
    """The Terms of the part from `on` of the filing period from `start`: a function of the dated parameters alone,
    the same for every row."""
    return Terms(
        rate3=params.number("vat.small_scale.levy_rate_3pct", on),
        rate5=params.number("vat.small_scale.levy_rate_5pct", on),
        line=params.get_or_none(line_name, start),
        share=params.get_or_none("vat.small_scale.exempt_3pct", on),
        cut=params.get_or_none("vat.small_scale.reduced_rate_3pct", on),
        re_outside=bool(params.get_or_none("vat.small_scale.real_estate_outside_threshold", start)),
        special_taxed=bool(params.get_or_none("vat.small_scale.special_invoice_taxed", on)),
    )


def _part(
    ctx: Context,
    item: ItemBuilder,
    label: Msg,
    line_name: str,
    start: date,
    whole: Sales,
    on: date,
    fraction: Decimal,
) -> Relief:
    """`fraction` of a filing period (first day `start`) from the day `on`: the line in force on `start` tested on
    the whole period's sales, the measures in force on `on` applied to `fraction` of them: 2021年第11号 /
    国家税务总局公告2021年第5号 第一条 (the line, without a sale of real estate), 2022年第15号 (3% exempt), 2021年第7号
    (3% at 1%), 国家税务总局公告2022年第6号 第一条 (专票 taxed), and their counterparts of other years (years.md).
    Written in kit's vocabulary: the sales are a row's Decimals or the batch's columns."""
    rate3, rate5, line, share, cut, re_outside, special_taxed = _terms(ctx.params, line_name, start, on)
    # a measure not in force that period: nothing exempt, no rate cut
    cut_rate = rate3 if cut is None else Decimal(cut)
    total = whole.s3 + whole.s5
    # 国家税务总局公告2021年第5号 第一条: 合计销售额超过…，但扣除本期发生的销售不动产的销售额后未超过…的，
    # 其销售货物、劳务、服务、无形资产取得的销售额免征增值税
    tested = total - where(re_outside, whole.real_estate, ZERO)
    under_all: Any = False
    under_rest: Any = False
    if line is not None:
        under_all = total <= Decimal(line)
        under_rest = both(negate(under_all), tested <= Decimal(line))
    under = either(under_all, under_rest)
    # a part's sales (a third of a quarter) have 40 digits, and the arithmetic on them is rounded to 40 digits as
    # the row engine's Decimal context does (kit.context_rounded); a whole period's is exact
    r = _exact if fraction == 1 else context_rounded
    sales = whole if fraction == 1 else Sales(*(r(x * fraction) for x in whole))
    s3, s5 = sales.s3, sales.s5
    # 国家税务总局公告2022年第6号 第一条: 放弃免税并开具增值税专用发票的 (and under the line: 专票 sales are taxed)
    special = where(special_taxed, sales.special, ZERO)
    plain3 = r(s3 - special)
    taxed_re = where(under_rest, sales.real_estate, ZERO)
    exempt_3pct = both(negate(under), share is not None)
    # under the line everything but the 专票 sales (and a real-estate sale that alone carried it over) is exempt;
    # above it, 2022年第15号 exempts the 3% sales not on 专票
    exempt = where(
        under,
        r(r(plain3 * rate3) + r(r(s5 - taxed_re) * rate5)),
        where(exempt_3pct, r(r(plain3 * rate3) * Decimal(share or 0)), ZERO),
    )
    # 2021年第7号: the 3% sales not exempt bear 1% while the reduced rate is in force
    reduced_base = where(under, special, r(s3 - where(exempt_3pct, r(plain3 * Decimal(share or 0)), ZERO)))
    reduced = where(cut is not None, r(reduced_base * (rate3 - cut_rate)), ZERO)
    due = r(r(s3 * rate3) + r(s5 * rate5))

    def values() -> dict[str, Any]:
        return {"period": label, "sales": total, "threshold": line, "rate3": rate3, "rate5": rate5}

    def under_line() -> dict[str, Any]:
        return {
            **values(),
            "tested": tested,
            "s3": plain3,
            "s5": s5 - taxed_re,
            "real_estate": sales.real_estate,
            "real_estate_tax": taxed_re * rate5,
            "saved": exempt,
        }

    step_when(item, under_all, "vat.small_scale_exemption.under_line", under_line)
    step_when(item, under_rest, "vat.small_scale_exemption.under_line_but_real_estate", under_line)
    step_when(
        item,
        exempt_3pct,
        "vat.small_scale_exemption.exempt_3pct",
        lambda: {**values(), "s3": plain3, "share": share, "saved": exempt},
    )
    neither = both(negate(under), negate(exempt_3pct))
    if cut is not None:
        step_when(
            item,
            neither,
            "vat.small_scale_exemption.reduced_3pct",
            lambda: {**values(), "s3": reduced_base, "reduced_rate": cut, "saved": reduced},
        )
    else:
        step_when(item, neither, "vat.small_scale_exemption.no_relief", lambda: {**values(), "s3": s3, "s5": s5})
    step_when(
        item,
        both(special != 0, either(under, exempt_3pct)),
        "vat.small_scale_exemption.special_" + ("taxed" if cut is None else "reduced"),
        lambda: {
            "period": label,
            "special": special,
            "rate": cut_rate,
            "tax": special * cut_rate,
            "rate3": rate3,
            "saved": reduced,
        },
    )
    return Relief(exempt, reduced, r(r(due - exempt) - reduced))


def _exact(value: T) -> T:
    return value


@cache
def _label(period: str, number: int, year: int) -> Msg:
    """A filing period as the reasons name it, with its tax year (2022年第1季度 / 2022 Q1)."""
    return Msg(f"vat.small_scale_exemption.{period}", {"n": number, "year": year})


@lru_cache(maxsize=256)
def _measures_in_year(params: ParamSet, year: int, period: str) -> tuple[Msg, ...]:
    """B5's line and measures in force in the tax year, each with its dates and clause, as the reason lists them:
    a function of the dated parameters alone, the same for every row."""
    rate3 = params.number("vat.small_scale.levy_rate_3pct", date(year, 12, 31))
    line_message = f"vat.small_scale_exemption.measure.{period}_threshold"
    return tuple(
        Msg(
            message,
            {
                "value": w.value,
                "when": _span(w.start, w.end),
                "rate3": rate3,
                "source": params.source_on(name, w.start),
            },
        )
        for name, message in ((LINES[period], line_message), *MEASURES)
        for w in params.windows_in_year(name, year)
    )


@columnar(by=("vat.taxpayer", "vat.period"))
@read_by("local_taxes.six_taxes_two_fees")  # (六税两费 reads the VAT payable)
def small_scale_exemption(ctx: Context) -> None:
    """B5 (财政部 税务总局公告2021年第11号, 2022年第15号, 2021年第7号; 国家税务总局公告2021年第5号, 2022年第6号): a
    small-scale taxpayer's VAT not paid, filing period by filing period (`vat.period`: four quarters or twelve months)
    on the profile's `vat.sales_3pct` (of which `vat.sales_3pct_special` on 专票) and `vat.sales_other` (of which
    `vat.sales_real_estate` a sale of real estate), yuan, plus the surcharges it carries away; components `vat`,
    `reduced_rate` and `surcharges` in yuan. Sets `ctx.vat_payable` (yuan) to the VAT still payable (a general
    taxpayer's as given), the surcharge base of B6. Written in kit's vocabulary: the same definition runs on one
    profile and on the batch's columns (its rows by taxpayer type and filing period)."""
    p = ctx.profile
    v = p.vat
    item = ctx.start(SMALL_SCALE)
    if v.taxpayer != "small-scale":
        ctx.vat_payable = v.vat_payable
        item.require(False, "vat.small_scale_exemption.general")
        ctx.emit(item.give(ZERO))
        return
    line_name = LINES[v.period]
    exempt = reduced = payable = ZERO
    # a year in which a measure changes inside a filing period: its sums rounded as the row engine's (_period)
    r = context_rounded if _split_year(ctx.params, ctx.year, v.period) else _exact
    # the filing periods' sales (a quarterly filer's lists have four: Vat.__post_init__ refuses any other)
    count = len(PERIOD_STARTS[v.period])
    s3s, s5s = [v.sales_3pct[i] for i in range(count)], [v.sales_other[i] for i in range(count)]
    specials = [v.sales_3pct_special[i] for i in range(count)]
    real_estates = [v.sales_real_estate[i] for i in range(count)]
    capped: Any = False  # a part larger than its whole in some period
    for n, month in enumerate(PERIOD_STARTS[v.period], 1):
        i = n - 1
        s3, s5 = s3s[i], s5s[i]
        # a part larger than its whole (a what-if may move the whole below it) counts as the whole, said below
        special = minimum(specials[i], s3)
        real_estate = minimum(real_estates[i], s5)
        capped = either(either(capped, special < specials[i]), real_estate < real_estates[i])
        sales = Sales(s3, special, s5, real_estate)
        first = date(ctx.year, month, 1)
        relief = _period(ctx, item, _label(v.period, n, ctx.year), line_name, first, sales, PERIOD_MONTHS[v.period])
        exempt = r(exempt + relief.exempt)
        reduced = r(reduced + relief.reduced)
        payable = r(payable + relief.payable)
    ctx.vat_payable = payable
    # 附加税费 (城建税、教育费附加、地方教育附加) are levied on the VAT paid: the VAT not paid removes them too
    rate = surcharge_rate(ctx)
    vat = item.component("vat", exempt)
    red = item.component("reduced_rate", reduced)
    sur = item.component("surcharges", r(r(exempt + reduced) * rate))
    item.step("vat.small_scale_exemption.surcharges", exempt=exempt, reduced=reduced, rate=rate, surcharges=sur)
    measures = _measures_in_year(ctx.params, ctx.year, v.period)
    if measures:
        item.because("vat.small_scale_exemption.rule", measures=measures)
    else:
        item.because("vat.small_scale_exemption.no_measure", year=str(ctx.year))
    sold: Any = False
    for x in (*s3s, *s5s):
        sold = either(sold, x != 0)
    item.because_when(negate(sold), "vat.small_scale_exemption.no_sales", {})
    # (the totals a reason shows are the whole lists', as given)
    if ctx.window_in_year("vat.small_scale.special_invoice_taxed") is not None:
        source = ctx.source("vat.small_scale.special_invoice_taxed")
        item.because_when(
            sum(specials, ZERO) != 0,
            "vat.small_scale_exemption.special_invoice",
            lambda: {"sales": sum(v.sales_3pct_special, ZERO), "source": source},
        )
    if ctx.window_in_year("vat.small_scale.real_estate_outside_threshold") is not None:
        source_re = ctx.source("vat.small_scale.real_estate_outside_threshold")
        item.because_when(
            sum(real_estates, ZERO) != 0,
            "vat.small_scale_exemption.real_estate",
            lambda: {"sales": sum(v.sales_real_estate, ZERO), "source": source_re},
        )
    item.because_when(capped, "vat.small_scale_exemption.part_capped", lambda: {"paths": _capped(p)})
    item.step("vat.small_scale_exemption.total", vat=vat, reduced=red, surcharges=sur, total=vat + red + sur)
    ctx.emit(item.give(vat + red + sur))


@lru_cache(maxsize=256)
def _split_year(params: ParamSet, year: int, period: str) -> bool:
    """Whether a measure changes inside one of the year's filing periods (_runs): the same for every row."""
    return any(len(_runs(params, date(year, m, 1), PERIOD_MONTHS[period])) > 1 for m in PERIOD_STARTS[period])


def _capped(p: Profile) -> list[str]:
    """The paths of the parts (专票 sales, a sale of real estate) larger than their wholes on one profile, period by
    period."""
    v = p.vat
    capped: list[str] = []
    for i in range(len(PERIOD_STARTS[v.period])):
        if v.sales_3pct_special[i] > v.sales_3pct[i]:
            capped.append(f"vat.sales_3pct_special.{i + 1}")
        if v.sales_real_estate[i] > v.sales_other[i]:
            capped.append(f"vat.sales_real_estate.{i + 1}")
    return capped


# ── B7 VAT credit refund ────────────────────────────────────────
@columnar(by=("vat.taxpayer", "vat.refund_conditions_met"))
def credit_refund(ctx: Context) -> None:
    """财政部 税务总局公告2022年第14号: (stock + incremental credit, yuan) × input ratio × share, for small and micro
    enterprises in any industry and for the listed industries at any size (第一条、第二条), a general taxpayer
    meeting the conditions of 第三条; size by the 2011 standard with VAT sales for revenue (第六条). From the July
    2022 filing period seven more industries at any size (2022年第21号 第一条: vat.credit_refund.added_industries),
    the item saying from when. Components `stock` and `incremental` in yuan. Written once for a row and a block
    (the taxpayer kind and the 第三条 confirmation single values there: the first two conditions)."""
    p = ctx.profile
    item = ctx.start(CREDIT_REFUND)
    # 14号 第三条: 纳税信用等级为A级或者B级；申请退税前36个月未发生骗取留抵退税、骗取出口退税或虚开增值税专用发票情形；
    # 申请退税前36个月未因偷税被税务机关处罚两次及以上；2019年4月1日起未享受即征即退、先征后返（退）政策
    since = ctx.param("vat.credit_refund.no_immediate_refund_since")
    item.require(p.vat.taxpayer == "general", "vat.credit_refund.small_scale")
    confirmed = {"months": ctx.dec("vat.credit_refund.clean_record_months"), "since": since, "since_day": since.day}
    item.require(p.vat.refund_conditions_met, "vat.credit_refund.conditions_not_confirmed", confirmed)
    if p.vat.taxpayer != "general" or not p.vat.refund_conditions_met:  # (single values: kit.columnar's `by`)
        ctx.emit(item.give(ZERO))
        return
    # 14号 第六条: 按…营业收入指标、资产总额指标确定 (employees are not used); 营业收入 = 增值税销售额
    vat_sales = sum(p.vat.sales_3pct, ZERO) + sum(p.vat.sales_other, ZERO)
    has_sales = vat_sales != 0
    basis = where(has_sales, vat_sales, p.revenue)
    item.because_when(has_sales, "vat.credit_refund.size_by_vat_sales", lambda: {"sales": vat_sales})
    item.because_when(negate(has_sales), "vat.credit_refund.size_by_revenue", lambda: {"revenue": p.revenue})
    bands = {k: Decimal(v) for k, v in ctx.param("vat.credit_refund.vat_sales_bands").items()}
    indicators = ctx.param("vat.credit_refund.size_indicators")

    def sized(c: Context, revenue: Decimal) -> Finding:
        return size_class(c.profile, revenue=revenue, indicators=indicators, sales_bands=bands)

    size = ctx.per("sector", sized, basis, key=size_group)
    item.cite(size)
    industries = ctx.param("vat.credit_refund.industries")
    industry = sector_in(p.sector, industries)
    # 2022年第21号 第一条: from the July 2022 filing period, 批发零售业等行业 at any size (None: not in force this year)
    added = ctx.window_in_year("vat.credit_refund.added_industries")
    added_codes = [] if added is None else list(added.value)
    added_industry = sector_in(p.sector, added_codes)
    # 14号 第一条: 扩大至符合条件的小微企业（含个体工商户）; 第二条: “制造业”…等行业 (any size)
    small_or_micro = one_of(size.value, ctx.param("vat.credit_refund.any_industry_sizes"))
    listed = [*industries, *added_codes]

    def finer() -> list[str]:
        return [code for code in listed if code.startswith(p.sector) and code != p.sector]

    def size_name() -> Msg:
        return Msg(f"classify.size_name.{size.value}")

    item.require(
        either(small_or_micro, either(industry, added_industry)),
        lambda: "vat.credit_refund.not_listed_finer" if finer() else "vat.credit_refund.not_listed",
        lambda: {"size": size_name(), "sector": p.sector, "industries": listed, "finer": finer()},
    )
    source = ctx.source("vat.credit_refund.any_industry_sizes")
    item.because_when(small_or_micro, "vat.credit_refund.any_industry", {"source": source})
    item.because_when(
        both(small_or_micro, p.entity == "individual-business"),
        "vat.credit_refund.individual_business",
        {"source": source},
    )
    item.because_when(
        both(negate(small_or_micro), industry),
        "vat.credit_refund.listed_industry",
        lambda: {
            "sector": p.sector,
            "industry": next(code for code in industries if p.sector.startswith(code)),
            "source": ctx.source("vat.credit_refund.industries"),
        },
    )
    # 14号 第一条、第二条: 允许退还的留抵税额 = 留抵税额 × 进项构成比例 × 100%
    share = ctx.dec("vat.credit_refund.share")
    ratio = p.vat.input_ratio
    stock = item.component("stock", p.vat.stock_credit * ratio * share)
    incremental = item.component("incremental", p.vat.incremental_credit * ratio * share)
    item.step("vat.credit_refund.stock", credit=p.vat.stock_credit, ratio=ratio, share=share, refund=stock)
    item.step(
        "vat.credit_refund.incremental", credit=p.vat.incremental_credit, ratio=ratio, share=share, refund=incremental
    )
    # 忻政办发〔2022〕34号 第12条: 对小微企业的存量留抵税额于6月底前一次性全部退还，增量留抵税额足额退还
    at_once = either(small_or_micro, industry)
    item.because_when(
        at_once,
        "vat.credit_refund.stock_from",
        lambda: {
            "size": size_name(),
            "opens": ctx.param("vat.credit_refund.stock_refund_from")[size.value],
            "source": ctx.source("vat.credit_refund.stock_refund_from"),
        },
    )
    if added is not None:
        # 21号 第一条(一)(二): 可以自2022年7月纳税申报期起…申请退还增量留抵税额 / 一次性退还存量留抵税额
        item.because_when(
            negate(at_once),
            "vat.credit_refund.added_industry",
            lambda: {
                "sector": p.sector,
                "industry": next(code for code in added_codes if p.sector.startswith(code)),
                "size": size_name(),
                "opens": added.start,
                "source": ctx.source("vat.credit_refund.added_industries"),
            },
        )
    item.because_when(both(p.vat.stock_credit == 0, p.vat.incremental_credit == 0), "vat.credit_refund.no_credit")
    ctx.emit(item.give(stock + incremental))


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = (
    ((SMALL_SCALE,), small_scale_exemption),
    ((CREDIT_REFUND,), credit_refund),
)


# ── thresholds: the period line of B5 the advisor tests from both sides (xzcalc/analysis/advisor.py) ────────────
def _filer(period: str) -> Callable[[Profile, Result], bool]:
    def holds(p: Profile, r: Result) -> bool:
        return p.vat.taxpayer == "small-scale" and p.vat.period == period

    return holds


def _periods(p: Profile) -> Sequence[int]:
    return range(1, len(PERIOD_STARTS[p.vat.period]) + 1)


def _period_sales(p: Profile, r: Result, i: int) -> Decimal:
    """The sales the line decides on: a period's total less a sale of real estate (2021年第5号 第一条)."""
    v = p.vat
    return v.sales_3pct[i - 1] + v.sales_other[i - 1] - v.sales_real_estate[i - 1]


def _period_path(p: Profile, i: int) -> str:
    # move the 3% sales when there are any, else the other-rate sales (neither may go below zero)
    return f"vat.sales_3pct.{i}" if p.vat.sales_3pct[i - 1] > 0 else f"vat.sales_other.{i}"


def _period_start(p: Profile, params: ParamSet, i: int) -> date:
    # the line in force on the period's first day, as the rule reads it
    return date(p.year, PERIOD_STARTS[p.vat.period][i - 1], 1)


THRESHOLDS: tuple[Threshold, ...] = tuple(
    Threshold(
        LINES[period],
        _period_path,
        "le",
        SMALL_SCALE + f".compared.{period}_sales",
        SMALL_SCALE + f".line.{period}_threshold",
        measure=f"item:{SMALL_SCALE}",
        policy=SMALL_SCALE,
        value=_period_sales,
        indices=_periods,
        when=_filer(period),
        on=_period_start,
    )
    for period in ("quarter", "month")
)
