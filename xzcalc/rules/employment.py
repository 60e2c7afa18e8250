"""B9 stable-job refund of unemployment insurance (稳岗返还).

Ratio by size class (A3): SMEs 90%, large 30%, raised to 50% by the notice of 2022-05-31 (国发〔2022〕12号) — the
default for 2022 (policies.md E6); 30% only when `employment.refund_date` falls before the raise. Conditions
(人社部发〔2022〕23号): insured at least 12 months; no layoffs, or a layoff rate within the national target,
or within 20% for enterprises with at most 30 insured. (The numbers are data: data/params/national.toml,
ui.stable_job_refund.*; the sentences: data/messages/employment.toml.)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..messages import Msg
from ..model import Result
from ..schema.profile import Profile
from .common import window
from .kit import Condition, Context, ItemBuilder, RuleFamily, unmet, where
from .thresholds import Threshold

STABLE_JOB = "ui.stable_job_refund"
POLICIES = (STABLE_JOB,)
_P = "ui.stable_job_refund."
_SHOWN = Decimal("0.000001")  # a computed layoff rate is shown to 0.0001%


def _checked(item: ItemBuilder, checks: Sequence[tuple[Condition, Msg]]) -> Msg | None:
    """Each condition's reason that it holds, in order, up to the first that fails: that one's message (None when all
    hold)."""
    for condition, met in checks:
        failed = unmet(condition)
        if failed is not None:
            return failed
        item.because(met.id, **met.values)
    return None


def stable_job_refund(ctx: Context) -> None:
    """B9: last year's unemployment-insurance premiums (yuan, employment.ui_premiums_prior_year) × the ratio of the
    size class, for an enterprise insured long enough and within the layoff limits (人社部发〔2022〕23号;
    忻政办发〔2022〕34号 第9条; 国发〔2022〕12号)."""
    p = ctx.profile
    e = p.employment
    item = ctx.start(STABLE_JOB)
    if p.entity == "individual-business":
        item.because(_P + "individual_business")
    # 人社部发〔2022〕23号: 依法参加失业保险并足额缴纳失业保险费12个月以上
    months_min = ctx.dec(_P + "insured_months_min")
    insured = {"months": e.insured_months, "min": months_min, "source": ctx.source(_P + "insured_months_min")}
    failed = _checked(
        item,
        (
            (Condition(e.insured_months >= months_min, _P + "insured_short", insured), Msg(_P + "insured", insured)),
            _layoffs(ctx, item),
        ),
    )
    if failed is not None:
        ctx.emit(item.unmet(failed))
        return
    ratio = _ratio(ctx, item)
    if ratio is None:
        return
    # 按…上年度实际缴纳失业保险费的…返还
    premiums = e.ui_premiums_prior_year
    amount = premiums * ratio
    item.step(_P + "refund", premiums=premiums, ratio=ratio, amount=amount)
    if not premiums:
        item.because(_P + "no_premiums")
    ctx.emit(item.done(amount))


def _layoff_rate(ctx: Context, item: ItemBuilder) -> tuple[Decimal, bool]:
    """The prior year's layoff rate and whether it was computed: from `insured_start` and `insured_end` when both are
    given (policies.md E6: the drop in insured headcount over the year ÷ the headcount at its start, never below 0),
    else `layoff_rate` as given."""
    e = ctx.profile.employment
    start, end = e.insured_start, e.insured_end
    if (start is None and end is None) or start == end == 0:  # (not given; 0 and 0 is the template's blank)
        return e.layoff_rate, False
    if start is None or end is None or start == 0:
        item.because(_P + "layoff_rate.not_computed", given=e.layoff_rate)
        return e.layoff_rate, False
    rate = max(Decimal(start - end), Decimal(0)) / start
    shown = rate.quantize(_SHOWN)  # (shown to 0.0001%; compared exactly)
    item.because(_P + where(end > start, "layoff_rate.grew", "layoff_rate.computed"), start=start, end=end, rate=shown)
    if e.layoff_rate and e.layoff_rate != rate:
        item.because(_P + "layoff_rate.replaced", given=e.layoff_rate, rate=shown)
    return rate, True


def _layoffs(ctx: Context, item: ItemBuilder) -> tuple[Condition, Msg]:
    """人社部发〔2022〕23号: 上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制目标，30人（含）以下的参保企业裁员率
    不高于参保职工总数20%. The condition, and the reason it holds. The insured headcount of the 30-employee line is
    `insured_employees`, or the start-of-year headcount when only that is given."""
    e = ctx.profile.employment
    rate, computed = _layoff_rate(ctx, item)
    insured = e.insured_employees or (e.insured_start if computed and e.insured_start else 0)
    limit = ctx.dec(_P + "layoff_rate_limit")
    small_limit = ctx.dec(_P + "small_insured_limit")
    small_rate = ctx.dec(_P + "small_layoff_rate_limit")
    none = rate == 0 and not computed  # (a computed 0 is a headcount that did not fall: within the target below)
    within_target = rate <= limit
    small = 0 < insured <= small_limit
    within_small = small and rate <= small_rate
    # the sentence that says why: the first of these cases that holds (numpy's select)
    cases = (
        ("none", none),
        ("target", within_target),
        ("small", within_small),
        ("small_over", small),
        ("employees_missing", insured == 0),
        ("over", True),
    )
    case = next(name for name, holds in cases if holds)
    values = {
        "rate": rate.quantize(_SHOWN) if computed else rate,
        "limit": limit,
        "employees": insured,
        "small_limit": small_limit,
        "small_rate": small_rate,
        "source": ctx.source(_P + "layoff_rate_limit"),
        "small_source": ctx.source(_P + "small_layoff_rate_limit"),
    }
    message = f"{_P}layoffs.{case}"
    return Condition(none or within_target or within_small, message, values), Msg(message, values)


def _ratio(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """The ratio for the size class on the refund date (the year's end when no date is given); None (the item emitted
    ineligible) when that date is outside the policy's window."""
    size = ctx.classification["size_class"]
    item.cite(size)
    paid = ctx.profile.employment.refund_date
    on = paid or ctx.year_end
    large = size.value == "large"
    # 忻政办发〔2022〕34号 第9条: 将中小微企业返还比例从60%提高至90%，大型企业仍按照不超过…上年度实际缴纳失业保险费的
    # 30%返还; the notice of 2022-05-31 (国发〔2022〕12号): 将大型企业稳岗返还比例由30%提至50% — policies.md E6: the
    # raised ratio is the default for the year (no date: its end); the 30% only for a refund paid before the raise
    raised = _P + "ratio_large_raised"
    raised_applies = ctx.params.get_or_none(raised, on) is not None
    name = _P + where(large, where(raised_applies, "ratio_large_raised", "ratio_large"), "ratio_sme")
    ratio = ctx.params.get_or_none(name, on)
    if large:
        item.because(_P + "large_up_to")
    in_year = ctx.window_in_year(raised)
    if large and paid is None and in_year is not None:
        item.because(
            _P + "large_no_date",
            on=on,
            start=in_year.start,
            before=ctx.dec(_P + "ratio_large", in_year.start),
        )
    first, last = window(ctx, name)
    failed = unmet(Condition(ratio is not None, _P + "outside_window", {"on": on, "first": first, "last": last}))
    if failed is not None:
        ctx.emit(item.unmet(failed))
        return None
    ratio = Decimal(ratio)
    item.because(_P + "ratio", who=Msg(_P + where(large, "who.large", "who.sme")), ratio=ratio, source=ctx.source(name))
    return ratio


FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = ((POLICIES, stable_job_refund),)


# ── thresholds: the layoff and headcount lines of B9 the advisor tests from both sides ──────────────────────────
# (xzcalc/analysis/advisor.py; 人社部发〔2022〕23号)
def _laid_off(p: Profile, r: Result) -> bool:
    return p.employment.layoff_rate > 0  # no layoffs at all qualifies whatever the lines


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        _P + "layoff_rate_limit",
        "employment.layoff_rate",
        "le",
        _P + "compared.layoff_rate",
        _P + "line.layoff_rate_limit",
        measure=f"item:{STABLE_JOB}",
        unit="rate",
        policy=STABLE_JOB,
        when=_laid_off,
    ),
    Threshold(
        _P + "small_layoff_rate_limit",
        "employment.layoff_rate",
        "le",
        _P + "compared.layoff_rate",
        _P + "line.small_layoff_rate_limit",
        measure=f"item:{STABLE_JOB}",
        unit="rate",
        policy=STABLE_JOB,
        when=_laid_off,
        cites=(("insured", _P + "small_insured_limit"),),
    ),
    Threshold(
        _P + "small_insured_limit",
        "employment.insured_employees",
        "le",
        _P + "compared.insured_employees",
        _P + "line.small_insured_limit",
        measure=f"item:{STABLE_JOB}",
        unit="persons",
        policy=STABLE_JOB,
        when=_laid_off,
    ),
)
