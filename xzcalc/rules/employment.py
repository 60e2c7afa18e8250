"""B9 stable-job refund of unemployment insurance (稳岗返还).

Ratio by size class (A3): SMEs 90%, large 30%, raised to 50% by the notice of 2022-05-31 (国发〔2022〕12号) — the
default for 2022 (policies.md E6); 30% only when `employment.refund_date` falls before the raise. Conditions
(人社部发〔2022〕23号): insured at least 12 months; no layoffs, or a layoff rate within the national target,
or within 20% for enterprises with at most 30 insured. (The numbers are data: data/params/national.toml,
ui.stable_job_refund.*; the sentences: data/messages/employment.toml.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..messages import Msg
from ..model import Result
from ..schema.profile import Profile
from .common import window
from .kit import (
    Context,
    ItemBuilder,
    RuleFamily,
    Values,
    both,
    columnar,
    either,
    maximum,
    negate,
    present,
    ratio,
    select,
    value_or,
    where,
)
from .thresholds import Threshold

STABLE_JOB = "ui.stable_job_refund"
POLICIES = (STABLE_JOB,)
_P = "ui.stable_job_refund."
_SHOWN = Decimal("0.000001")  # a computed layoff rate is shown to 0.0001%


@columnar()
def stable_job_refund(ctx: Context) -> None:
    """B9: last year's unemployment-insurance premiums (yuan, employment.ui_premiums_prior_year) × the ratio of the
    size class, for an enterprise insured long enough and within the layoff limits (人社部发〔2022〕23号;
    忻政办发〔2022〕34号 第9条; 国发〔2022〕12号). Written in kit's vocabulary: the same definition runs on one profile
    and on the batch's columns (xzcalc/batch/columnar.py)."""
    p = ctx.profile
    e = p.employment
    item = ctx.start(STABLE_JOB)
    item.because_when(p.entity == "individual-business", _P + "individual_business")
    # 人社部发〔2022〕23号: 依法参加失业保险并足额缴纳失业保险费12个月以上
    months_min = ctx.dec(_P + "insured_months_min")

    def insured() -> dict[str, Any]:
        return {"months": e.insured_months, "min": months_min, "source": ctx.source(_P + "insured_months_min")}

    within, message, values = _layoffs(ctx, item)
    item.require(e.insured_months >= months_min, _P + "insured_short", insured, met=_P + "insured")
    item.require(within, message, values, met=message)
    rate = _ratio(ctx, item)
    # 按…上年度实际缴纳失业保险费的…返还
    premiums = e.ui_premiums_prior_year
    amount = premiums * rate
    item.step(_P + "refund", premiums=premiums, ratio=rate, amount=amount)
    item.because_when(premiums == 0, _P + "no_premiums")
    ctx.emit(item.give(amount))


def _layoff_rate(ctx: Context, item: ItemBuilder) -> tuple[Any, Any]:
    """The prior year's layoff rate and whether it was computed: from `insured_start` and `insured_end` when both are
    given (policies.md E6: the drop in insured headcount over the year ÷ the headcount at its start, never below 0),
    else `layoff_rate` as given."""
    e = ctx.profile.employment
    start, end = value_or(e.insured_start, 0), value_or(e.insured_end, 0)
    given = present(e.insured_start), present(e.insured_end)
    computed = both(both(*given), start != 0)
    blank = either(negate(either(*given)), both(both(*given), both(start == 0, end == 0)))  # (0 and 0: the template's)
    item.because_when(
        both(negate(blank), negate(computed)), _P + "layoff_rate.not_computed", lambda: {"given": e.layoff_rate}
    )
    rate = where(computed, ratio(maximum(start - end, 0), start), e.layoff_rate)

    def shown() -> dict[str, Any]:
        return {"start": start, "end": end, "rate": rate.quantize(_SHOWN)}  # (shown to 0.0001%; compared exactly)

    item.because_when(both(computed, end > start), _P + "layoff_rate.grew", shown)
    item.because_when(both(computed, end <= start), _P + "layoff_rate.computed", shown)
    item.because_when(
        both(computed, both(e.layoff_rate != 0, e.layoff_rate != rate)),
        _P + "layoff_rate.replaced",
        lambda: {"given": e.layoff_rate, "rate": rate.quantize(_SHOWN)},
    )
    return rate, computed


def _layoffs(ctx: Context, item: ItemBuilder) -> tuple[Any, Any, Values]:
    """人社部发〔2022〕23号: 上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制目标，30人（含）以下的参保企业裁员率
    不高于参保职工总数20%. Whether it holds, the message that says which case applies, and its values. The insured
    headcount of the 30-employee line is `insured_employees`, or the start-of-year headcount when only that is
    given."""
    e = ctx.profile.employment
    rate, computed = _layoff_rate(ctx, item)
    start = value_or(e.insured_start, 0)
    insured = where(e.insured_employees != 0, e.insured_employees, where(computed, start, 0))
    limit = ctx.dec(_P + "layoff_rate_limit")
    small_limit = ctx.dec(_P + "small_insured_limit")
    small_rate = ctx.dec(_P + "small_layoff_rate_limit")
    none = both(rate == 0, negate(computed))  # (a computed 0 is a headcount that did not fall: within the target)
    within_target = rate <= limit
    small = both(insured > 0, insured <= small_limit)
    within_small = both(small, rate <= small_rate)
    # the sentence that says why: the first of these cases that holds
    case = select(
        (
            (none, "none"),
            (within_target, "target"),
            (within_small, "small"),
            (small, "small_over"),
            (insured == 0, "employees_missing"),
        ),
        "over",
    )

    def values() -> dict[str, Any]:
        return {
            "rate": rate.quantize(_SHOWN) if computed else rate,
            "limit": limit,
            "employees": insured,
            "small_limit": small_limit,
            "small_rate": small_rate,
            "source": ctx.source(_P + "layoff_rate_limit"),
            "small_source": ctx.source(_P + "small_layoff_rate_limit"),
        }

    return either(either(none, within_target), within_small), f"{_P}layoffs.{case}", values


def _ratio(ctx: Context, item: ItemBuilder) -> Any:
    """The ratio for the size class on the refund date (the year's end when no date is given); the item fails when
    that date is outside the policy's window."""
    size = ctx.classification["size_class"]
    item.cite(size)
    paid = ctx.profile.employment.refund_date
    on = value_or(paid, ctx.year_end)
    large = size.value == "large"
    # 忻政办发〔2022〕34号 第9条: 将中小微企业返还比例从60%提高至90%，大型企业仍按照不超过…上年度实际缴纳失业保险费的
    # 30%返还; the notice of 2022-05-31 (国发〔2022〕12号): 将大型企业稳岗返还比例由30%提至50% — policies.md E6: the
    # raised ratio is the default for the year (no date: its end); the 30% only for a refund paid before the raise
    raised = _P + "ratio_large_raised"
    raised_applies = present(ctx.lookup(raised, on))
    name = where(large, where(raised_applies, raised, _P + "ratio_large"), _P + "ratio_sme")
    rate = ctx.lookup(name, on)
    item.because_when(large, _P + "large_up_to")
    in_year = ctx.window_in_year(raised)
    if in_year is not None:
        item.because_when(
            both(large, negate(present(paid))),
            _P + "large_no_date",
            lambda: {"on": on, "start": in_year.start, "before": ctx.dec(_P + "ratio_large", in_year.start)},
        )

    def outside() -> dict[str, Any]:
        first, last = window(ctx, name)
        return {"on": on, "first": first, "last": last}

    item.require(present(rate), _P + "outside_window", outside)

    def chosen() -> dict[str, Any]:
        who = Msg(_P + ("who.large" if large else "who.sme"))
        return {"who": who, "ratio": rate, "source": ctx.source(name)}

    item.because_when(present(rate), _P + "ratio", chosen)
    return value_or(rate, Decimal(0))


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
