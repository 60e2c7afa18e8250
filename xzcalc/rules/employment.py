"""B9 stable-job refund of unemployment insurance (稳岗返还).

Ratio by size class (A3): SMEs 90%, large 30%; large raised to 50% for refunds paid from 2022-06
(国发〔2022〕12号), applied only when the profile gives `employment.refund_date`. Conditions
(人社部发〔2022〕23号): insured at least 12 months; no layoffs, or a layoff rate within the national target,
or within 20% for enterprises with at most 30 insured. (The numbers are data: data/params/national.toml.)
"""

from __future__ import annotations

from decimal import Decimal

from .common import month, pct, window
from .kit import Context, ItemBuilder, n

STABLE_JOB = "ui.stable_job_refund"
POLICIES = (STABLE_JOB,)
_P = "ui.stable_job_refund."


def stable_job_refund(ctx: Context) -> None:
    p = ctx.profile
    e = p.employment
    item = ctx.start(STABLE_JOB)
    if p.entity == "individual-business":
        item.because(
            "个体工商户以单位形式参加失业保险、为雇工缴费的，按参保企业同等计算；未以单位形式参保的没有可返还的保费",
            "an individual business insuring its employees as an employer (以单位形式参保) is computed like "
            "an "
            "insured enterprise; without such insurance there is nothing to refund",
        )
    # 人社部发〔2022〕23号: 依法参加失业保险并足额缴纳失业保险费12个月以上
    months_min = int(ctx.param(_P + "insured_months_min"))
    if e.insured_months < months_min:
        if item.words:
            item.because(
                f"参保缴费 {e.insured_months} 个月，不足 {months_min} 个月（{ctx.source(_P + 'insured_months_min')}）",
                f"insured {e.insured_months} months, fewer than {months_min} ({ctx.source(_P + 'insured_months_min')})",
            )
        ctx.emit(item.ineligible())
        return
    if item.words:
        item.because(
            f"参保缴费 {e.insured_months} 个月 ≥ {months_min}",
            f"insured {e.insured_months} months ≥ {months_min}",
        )
    if not _layoffs_within_limits(ctx, item):
        return
    ratio = _ratio(ctx, item)
    if ratio is None:
        return
    premiums = e.ui_premiums_prior_year
    amount = premiums * ratio
    if item.words:
        item.step(
            "返还 = 上年度企业及职工实际缴纳失业保险费 × 返还比例",
            "refund = last year's premiums paid by the enterprise and its employees × ratio",
            f"{n(premiums)} × {pct(ratio)} = {n(amount)}",
        )
    if not premiums:
        item.because(
            "未填写上年度实际缴纳的失业保险费（employment.ui_premiums_prior_year）",
            "no premiums given (employment.ui_premiums_prior_year)",
        )
    ctx.emit(item.done(amount))


def _layoffs_within_limits(ctx: Context, item: ItemBuilder) -> bool:
    """人社部发〔2022〕23号: 上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制目标，
    30人（含）以下的参保企业裁员率
    不高于参保职工总数20%. Emits the ineligible item and returns False when neither holds."""
    e = ctx.profile.employment
    rate = e.layoff_rate
    limit = ctx.dec(_P + "layoff_rate_limit")
    small_limit = ctx.dec(_P + "small_insured_limit")
    small_rate = ctx.dec(_P + "small_layoff_rate_limit")
    if rate == 0:
        item.because("上年度未裁员", "no layoffs last year")
        return True
    if rate <= limit:
        if item.words:
            item.because(
                f"裁员率 {pct(rate)} ≤ {pct(limit)}"
                f"（全国城镇调查失业率控制目标，{ctx.source(_P + 'layoff_rate_limit')}）",
                f"layoff rate {pct(rate)} ≤ {pct(limit)} (the national urban surveyed unemployment target, "
                f"{ctx.source(_P + 'layoff_rate_limit')})",
            )
        return True
    small = 0 < e.insured_employees <= small_limit
    if small and rate <= small_rate:
        if item.words:
            item.because(
                f"参保职工 {e.insured_employees} 人 ≤ {n(small_limit)} 人，裁员率 {pct(rate)} ≤ {pct(small_rate)}"
                f"（{ctx.source(_P + 'small_layoff_rate_limit')}）",
                f"{e.insured_employees} insured employees ≤ {n(small_limit)} and layoff rate {pct(rate)} ≤ "
                f"{pct(small_rate)} "
                f"({ctx.source(_P + 'small_layoff_rate_limit')})",
            )
        return True
    if small:
        zh = f"参保职工 {e.insured_employees} 人 ≤ {n(small_limit)} 人，但裁员率 {pct(rate)} > {pct(small_rate)}"
        en = (
            f"{e.insured_employees} insured employees ≤ {n(small_limit)}, "
            f"but layoff rate {pct(rate)} > {pct(small_rate)}"
        )
    elif e.insured_employees == 0:
        zh = (
            f"裁员率 {pct(rate)} > {pct(limit)}；未填写参保职工人数（employment.insured_employees），"
            f"无法适用 {n(small_limit)} 人及以下企业 {pct(small_rate)} 的标准"
        )
        en = (
            f"layoff rate {pct(rate)} > {pct(limit)}; insured employees not given "
            "(employment.insured_employees), so "
            f"the {pct(small_rate)} line for enterprises with at most {n(small_limit)} insured cannot apply"
        )
    else:
        zh = f"裁员率 {pct(rate)} > {pct(limit)}，且参保职工 {e.insured_employees} 人 > {n(small_limit)} 人"
        en = f"layoff rate {pct(rate)} > {pct(limit)} and {e.insured_employees} insured employees > {n(small_limit)}"
    source = ctx.source(_P + "layoff_rate_limit")
    if item.words:
        item.because(f"{zh}（{source}）", f"{en} ({source})")
    ctx.emit(item.ineligible())
    return False


def _ratio(ctx: Context, item: ItemBuilder) -> Decimal | None:
    """The ratio for the size class on the refund date (the year's end when no date is given)."""
    size = ctx.classification["size_class"]
    item.cite(size)
    paid = ctx.profile.employment.refund_date
    on = paid or ctx.year_end
    if size.value != "large":
        # 忻政办发〔2022〕34号 第9条: 将中小微企业返还比例从60%提高至90%
        name = _P + "ratio_sme"
        ratio = ctx.params.get_or_none(name, on)
        who = ("中小微企业", "an SME")
    else:
        # 忻政办发〔2022〕34号 第9条: 大型企业仍按照不超过…上年度实际缴纳失业保险费的30%返还;
        # 国发〔2022〕12号: 提至50%
        raised = _P + "ratio_large_raised"
        name = raised if paid is not None and ctx.params.get_or_none(raised, paid) is not None else _P + "ratio_large"
        ratio = ctx.params.get_or_none(name, on)
        who = ("大型企业", "a large enterprise")
        item.because(
            "文件对大型企业表述为“不超过”该比例返还，实际返还可能更低",
            "the documents say large enterprises get “not more than” this ratio: the refund may be lower",
        )
        if paid is None:
            start, _ = window(ctx, raised)
            if item.words:
                item.because(
                    f"未填写稳岗返还发放日期：按 {pct(ctx.dec(_P + 'ratio_large'))} 计算；{month(start)} "
                    "起发放的，大型企业"
                    f"返还比例提高至 {pct(ctx.dec(raised, start))}（{ctx.source(raised)}），可能适用（填写 "
                    "employment.refund_date）",
                    f"no refund date given: computed at {pct(ctx.dec(_P + 'ratio_large'))}; refunds paid from "
                    f"{month(start)} "
                    f"were raised to {pct(ctx.dec(raised, start))} for large enterprises ({ctx.source(raised)}) "
                    "— the higher "
                    f"ratio may apply (give employment.refund_date)",
                )
    if ratio is None:
        first, last = window(ctx, name)
        if item.words:
            item.because(
                f"稳岗返还发放日期 {on.isoformat()} 不在 {first.isoformat()} 至 {last.isoformat()} 的政策期内",
                f"refund date {on.isoformat()} is outside the policy window {first.isoformat()}..{last.isoformat()}",
            )
        ctx.emit(item.ineligible())
        return None
    ratio = Decimal(ratio)
    if item.words:
        item.because(
            f"{who[0]}返还比例 {pct(ratio)}（{ctx.source(name)}）",
            f"{who[1]}: ratio {pct(ratio)} ({ctx.source(name)})",
        )
    return ratio
