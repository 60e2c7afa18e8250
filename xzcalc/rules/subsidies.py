"""Subsidies and awards: B10 innovation voucher, B11 first-set equipment, B12 first-batch material
insurance, B13 technical upgrade (Shanxi, inherited by Xinzhou), B14 chain-leader output award, B15 white-list
growth award (Xinzhou). Each rule runs only where its jurisdiction offers it (see RULES): its parameters exist only
there.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from ..money import quantize
from .common import add_months, individual_business_excluded, month, pct, window
from .kit import Context, n

VOUCHER = "subsidy.innovation_voucher"
FIRST_SET = "subsidy.first_set_equipment"
FIRST_BATCH = "subsidy.first_batch_material_insurance"
TECH_UPGRADE = "subsidy.tech_upgrade"
CHAIN_LEADER = "award.chain_leader_output"
WHITELIST = "award.whitelist_growth"
_GROWTH_SHOWN = Decimal("0.0001")  # growth rates are shown to 0.01% (the test itself compares exact amounts)


# ── B10 ─────────────────────────────────────────────
def _innovation_voucher(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(VOUCHER)
    if individual_business_excluded(
        ctx,
        item,
        "科技型中小企业须为在中国境内注册的居民企业（科技型中小企业评价办法 第六条）",
        "a technology-based SME must be a resident enterprise (科技型中小企业评价办法 第六条)",
    ):
        return
    # 晋政办发〔2022〕34号 第11条: 对购买创新服务、开展技术合作的科技型中小企业给予资助
    if not p.tech_sme:
        ctx.emit(
            item.ineligible(
                "不是已入库的科技型中小企业（tech_sme）", "not a registered technology-based SME (tech_sme)"
            )
        )
        return
    # 晋政办发〔2022〕34号 第11条: 省级科技创新券对每个企业年补助额最高不超过20万元
    cap = ctx.dec(VOUCHER + ".cap")
    spend = p.innovation.voucher_spend
    total = quantize(min(spend, cap))
    if item.words:
        item.because(
            f"科技型中小企业购买创新服务、开展技术合作，创新券年补助额最高 {n(cap)} 元"
            f"（{ctx.source(VOUCHER + '.cap')}）",
            "a technology-based SME buying innovation services or technical cooperation: vouchers of at most "
            f"{n(cap)} a "
            f"year ({ctx.source(VOUCHER + '.cap')})",
        )
        item.step("创新券 = min(支出, 上限)", "voucher = min(spend, cap)", f"min({n(spend)}, {n(cap)}) = {n(total)}")
    if spend > cap and item.words:
        item.because(
            f"支出 {n(spend)} 元超过上限，按 {n(cap)} 元计",
            f"spend {n(spend)} is above the cap: {n(cap)} counted",
        )
    split = ctx.params.get_or_none(VOUCHER + ".split", ctx.year_end)
    if split is None:
        item.component("province", total)
        item.because("资金来自省级科技创新券", "funded by the provincial innovation voucher")
    else:
        # 忻政办发〔2022〕34号 第11条: 创新券资金由省、市财政按1：1配套
        weight_p, weight_c = Decimal(split["province"]), Decimal(split["city"])
        province = item.component("province", total * weight_p / (weight_p + weight_c))
        city = item.component("city", total - province)
        if item.words:
            item.because(
                f"忻州市创新券资金由省、市财政按 {n(weight_p)}:{n(weight_c)} 配套（{ctx.source(VOUCHER + '.split')}）",
                f"in Xinzhou the province and the city fund the voucher {n(weight_p)}:{n(weight_c)} "
                f"({ctx.source(VOUCHER + '.split')})",
            )
            item.step("省、市分担", "province and city shares", f"{n(total)} = {n(province)} + {n(city)}")
    if not spend:
        item.because(
            "未填写创新服务或技术合作支出（innovation.voucher_spend）",
            "no spend given (innovation.voucher_spend)",
        )
    ctx.emit(item.done())


# ── B11 ─────────────────────────────────────────────
def _first_set(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(FIRST_SET)
    bought = [(i, e) for i, e in enumerate(p.first_set, 1) if e.price > 0]
    if not bought:
        ctx.emit(
            item.ineligible(
                "未填写首购首用的首台（套）重大技术装备或重大创新产品（first_set）",
                "no first-set major equipment or major innovative product bought (first_set)",
            )
        )
        return
    # 忻政办发〔2022〕34号 第46条: 对首购首用首台套重大技术装备或重大创新产品的，
    # 市财政可按购买价格10%给予补贴，
    # 最高不超过30万元
    rate = ctx.dec(FIRST_SET + ".rate")
    cap = ctx.dec(FIRST_SET + ".cap")
    if item.words:
        item.because(
            f"首购首用首台（套）重大技术装备或重大创新产品：按购买价格 {pct(rate)} 补贴，每台（套）最高 {n(cap)} "
            "元"
            f"（{ctx.source(FIRST_SET + '.rate')}）",
            f"first purchase and use of first-set major equipment or a major innovative product: {pct(rate)} of "
            "the "
            f"price, at most {n(cap)} per item ({ctx.source(FIRST_SET + '.rate')})",
        )
    if p.entity == "individual-business":
        item.because(
            "条款未限定购买主体类型，个体工商户按同一标准计算（以市工信局认定为准）",
            "the clause names no buyer type: an individual business is computed the same way "
            "(subject to the city's approval)",
        )
    for i, e in bought:
        label = e.name or f"item {i}"
        raw = e.price * rate
        sub = item.component(f"item_{i}", min(raw, cap))
        if item.words:
            item.step(
                f"{label} 补贴 = min(价格 × {pct(rate)}, {n(cap)})",
                f"{label} subsidy = min(price × {pct(rate)}, {n(cap)})",
                f"min({n(e.price)} × {pct(rate)}, {n(cap)}) = {n(sub)}",
            )
        if raw > cap and item.words:
            item.because(
                f"{label}：{n(e.price)} × {pct(rate)} = {n(raw)} 超过上限，按 {n(cap)} 元计",
                f"{label}: {n(e.price)} × {pct(rate)} = {n(raw)} is above the cap: {n(cap)}",
            )
    ctx.emit(item.done())


# ── B12 ─────────────────────────────────────────────
def _first_batch(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(FIRST_BATCH)
    if individual_business_excluded(
        ctx,
        item,
        "补贴对象为投保首批次新材料保险的生产企业，上限按“单户企业”计",
        "the subsidy is for producing enterprises insuring a first batch, capped “per enterprise” (单户企业)",
    ):
        return
    premium = p.materials.first_batch_premium
    if not premium:
        ctx.emit(
            item.ineligible(
                "未填写重点新材料首批次保险的年度保费（materials.first_batch_premium）",
                "no first-batch new-material insurance premium given (materials.first_batch_premium)",
            )
        )
        return
    # 晋政办发〔2022〕34号 第46条: 对符合山西省保险补偿要求的重点新材料首批次产品，
    # 以实际投保年度保费的80%给予补贴，
    # 单户企业最高补贴500万元
    rate = ctx.dec(FIRST_BATCH + ".rate")
    cap = ctx.dec(FIRST_BATCH + ".cap")
    raw = premium * rate
    amount = min(raw, cap)
    if item.words:
        item.because(
            f"符合山西省保险补偿要求的重点新材料首批次产品：实际投保年度保费的 {pct(rate)}，单户企业最高 "
            f"{n(cap)} 元"
            f"（{ctx.source(FIRST_BATCH + '.rate')}）",
            f"a key new material, first batch, meeting Shanxi's insurance-compensation rules: {pct(rate)} of the "
            "annual "
            f"premium paid, at most {n(cap)} per enterprise ({ctx.source(FIRST_BATCH + '.rate')})",
        )
        item.step(
            "补贴 = min(保费 × 比例, 上限)",
            "subsidy = min(premium × rate, cap)",
            f"min({n(premium)} × {pct(rate)}, {n(cap)}) = {n(amount)}",
        )
    if raw > cap and item.words:
        item.because(f"{n(raw)} 超过单户上限，按 {n(cap)} 元计", f"{n(raw)} is above the per-enterprise cap: {n(cap)}")
    ctx.emit(item.done(amount))


# ── B13 ─────────────────────────────────────────────
def _tech_upgrade(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(TECH_UPGRADE)
    investment, grant = p.tech_upgrade.investment, p.tech_upgrade.national_grant
    if not investment and not grant:
        ctx.emit(
            item.ineligible(
                "未填写技术改造项目（tech_upgrade.investment / national_grant）",
                "no technical-upgrade project given (tech_upgrade.investment / national_grant)",
            )
        )
        return
    if p.entity == "individual-business":
        item.because(
            "条款以技术改造项目为对象，未限定主体类型（以省工信厅项目评审为准）",
            "the clause addresses the project, not the entity type (subject to the province's review)",
        )
    # 晋政办发〔2022〕34号 第36条: 安排省级技术改造专项资金，
    # 对符合条件的技术改造项目给予不超过固定资产投资15%支持
    rate = ctx.dec(TECH_UPGRADE + ".investment_rate")
    support = item.component("investment", investment * rate)
    if item.words:
        item.because(
            f"符合条件的技术改造项目：不超过固定资产投资的 {pct(rate)}"
            f"（{ctx.source(TECH_UPGRADE + '.investment_rate')}）",
            f"a qualifying technical-upgrade project: up to {pct(rate)} of its fixed-asset investment "
            f"({ctx.source(TECH_UPGRADE + '.investment_rate')})",
        )
        item.step("投资支持", "investment support", f"{n(investment)} × {pct(rate)} = {n(support)}")
    # 忻政办发〔2022〕34号 第46条: 落实好省级技改资金对获批国家支持项目给予补助资金1：1奖励政策
    match = ctx.dec(TECH_UPGRADE + ".national_match")
    award = item.component("national_match", grant * match)
    if grant and item.words:
        item.because(
            f"获批国家支持的项目，省技改资金按国家补助资金 1:{n(match)} "
            f"奖励（{ctx.source(TECH_UPGRADE + '.national_match')}）",
            f"a project approved for national support: the province matches the national grant 1:{n(match)} "
            f"({ctx.source(TECH_UPGRADE + '.national_match')})",
        )
        item.step("国家补助资金配套奖励", "match of the national grant", f"{n(grant)} × {n(match)} = {n(award)}")
    ctx.emit(item.done())


# ── B14 ─────────────────────────────────────────────
def _chain_leader(ctx: Context) -> None:
    p = ctx.profile
    c = p.chain_leader
    item = ctx.start(CHAIN_LEADER)
    if individual_business_excluded(
        ctx,
        item,
        "奖励对象为制造业重点产业链链主企业",
        "the award is for chain-leader manufacturing enterprises",
    ):
        return
    # 忻政办发〔2022〕86号 第十三条: 对于“建链延链补链强链”作用明显、
    # 2022年产值首次达到5亿元以上且同比增长10%以上的制造业重点产业链链主企业，一次性奖励10万元，
    # 产值增量每增加1亿元再奖励5万元，单个企业累计获得奖励最高不超过50万元
    if not c.member:
        ctx.emit(
            item.ineligible(
                "不是全市八大重点产业链的链主企业（chain_leader.member）",
                "not a chain leader of one of Xinzhou's eight key chains (chain_leader.member)",
            )
        )
        return
    if not p.sector.startswith("C"):
        if item.words:
            item.because(
                f"行业 {p.sector} 不是制造业（C），奖励对象为制造业链主企业",
                f"sector {p.sector} is not manufacturing (C): the award is for manufacturing chain leaders",
            )
        ctx.emit(item.ineligible())
        return
    src = ctx.source(CHAIN_LEADER + ".output_line")
    line = ctx.dec(CHAIN_LEADER + ".output_line")
    if c.output < line:
        if item.words:
            item.because(
                f"2022年产值 {n(c.output)} 元 < {n(line)} 元（{src}）", f"2022 output {n(c.output)} < {n(line)} ({src})"
            )
        ctx.emit(item.ineligible())
        return
    if c.output_prior >= line:
        if item.words:
            item.because(
                f"2021年产值 {n(c.output_prior)} 元已达到 {n(line)} 元，2022年不是首次达到（{src}）",
                f"2021 output {n(c.output_prior)} had already reached {n(line)}: 2022 is not the first time ({src})",
            )
        ctx.emit(item.ineligible())
        return
    if not c.output_prior:
        ctx.emit(
            item.ineligible(
                "未填写2021年产值（chain_leader.output_prior），无法判断同比增长",
                "no 2021 output given (chain_leader.output_prior): the year-on-year growth cannot be tested",
            )
        )
        return
    growth_min = ctx.dec(CHAIN_LEADER + ".growth_min")
    increase = c.output - c.output_prior
    growth = (increase / c.output_prior).quantize(_GROWTH_SHOWN, rounding=ROUND_DOWN)  # never shown as reached
    if increase < c.output_prior * growth_min:
        if item.words:
            item.because(
                f"同比增长 {pct(growth)} < {pct(growth_min)}（{src}）",
                f"year-on-year growth {pct(growth)} < {pct(growth_min)} ({src})",
            )
        ctx.emit(item.ineligible())
        return
    if item.words:
        item.because(
            f"制造业链主企业，2022年产值 {n(c.output)} 元首次达到 {n(line)} 元（2021年 {n(c.output_prior)} 元），"
            f"同比增长 {pct(growth)} ≥ {pct(growth_min)}（{src}）",
            f"a manufacturing chain leader whose 2022 output {n(c.output)} first reached {n(line)} (2021: "
            f"{n(c.output_prior)}), growth {pct(growth)} ≥ {pct(growth_min)} ({src})",
        )
    item.because(
        "“产值增量”按2022年产值减2021年产值计；“首次达到”按2021年产值未达到该标准判断（更早年度需自行确认）",
        "“产值增量” read as the year-on-year increase; “first” read as 2021 output below the line (earlier "
        "years to be confirmed)",
    )
    one_off = ctx.dec(CHAIN_LEADER + ".one_off")
    step = ctx.dec(CHAIN_LEADER + ".increment_step")
    per_step = ctx.dec(CHAIN_LEADER + ".increment_award")
    cap = ctx.dec(CHAIN_LEADER + ".cap")
    steps = increase // step
    base = item.component("one_off", one_off)
    increment = item.component("increment", min(steps * per_step, cap - base))
    if item.words:
        item.step("产值增量", "output increase", f"{n(c.output)} − {n(c.output_prior)} = {n(increase)}")
        item.step(
            "一次性奖励 + 每满一个增量台阶的奖励",
            "one-off award + award per full step of increase",
            f"{n(one_off)} + {n(steps)} × {n(per_step)} = {n(one_off + steps * per_step)}",
        )
    if one_off + steps * per_step > cap and item.words:
        item.because(
            f"奖励合计 {n(one_off + steps * per_step)} 元超过单个企业上限，按 {n(cap)} 元计",
            f"the award {n(one_off + steps * per_step)} is above the cap: {n(cap)}",
        )
    if item.words:
        item.step("合计", "total", f"{n(base)} + {n(increment)} = {n(base + increment)}")
    ctx.emit(item.done())


# ── B15 ─────────────────────────────────────────────
def _whitelist(ctx: Context) -> None:
    p = ctx.profile
    w = p.whitelist
    item = ctx.start(WHITELIST)
    if individual_business_excluded(
        ctx,
        item,
        "奖励对象为重点产业链供应链“白名单”企业",
        "the award is for the key supply-chain white-list enterprises",
    ):
        return
    if not w.member:
        ctx.emit(
            item.ineligible(
                "不是重点产业链供应链“白名单”企业（whitelist.member）",
                "not a key supply-chain white-list enterprise (whitelist.member)",
            )
        )
        return
    # 忻政办发〔2022〕86号 第十二条: 对2023年1月至3月期间“白名单”企业当月产值同比增速
    # 达到50%或100%以上的，在争取
    # 省级技改资金一次性50万元或100万元奖励基础上，市级再给予50%的配套奖励支持
    name = WHITELIST + ".tiers"
    src = ctx.source(name)
    first, last = window(ctx, name)
    best: tuple[Decimal, Decimal, str] | None = None  # (threshold, provincial award, month)
    for i, growth in enumerate(w.growth_2023):
        on = add_months(first, i)
        tiers = ctx.params.get_or_none(name, on)
        if tiers is None:
            continue  # a month outside the window does not count
        for tier in tiers:  # highest tier first
            threshold, award = Decimal(tier["growth"]), Decimal(tier["province"])
            if growth >= threshold:
                if item.words:
                    item.step(
                        f"{month(on)} 产值同比增速",
                        f"{month(on)} output growth",
                        f"{pct(growth)} ≥ {pct(threshold)}",
                    )
                if best is None or award > best[1]:
                    best = (threshold, award, month(on))
                break
    if best is None:
        shown = "，".join(f"{month(add_months(first, i))} {pct(g)}" for i, g in enumerate(w.growth_2023))
        lowest = min(Decimal(t["growth"]) for t in ctx.params.get(name, first))
        if item.words:
            item.because(
                f"{month(first)} 至 {month(last)} 没有一个月产值同比增速达到 {pct(lowest)}（{shown}；{src}）",
                f"no month of {month(first)}..{month(last)} with output growth of at least {pct(lowest)} "
                f"({shown.replace('，', ', ')}; {src})",
            )
        ctx.emit(item.ineligible())
        return
    threshold, award, when = best
    match = ctx.dec(WHITELIST + ".city_match", first)
    province = item.component("province", award)
    city = item.component("city", award * match)
    if item.words:
        item.because(
            f"“白名单”企业 {when} 产值同比增速达到 {pct(threshold)}：省级技改资金一次性奖励 {n(province)} 元，"
            f"市级再给予 {pct(match)} 配套 {n(city)} 元（{src}）",
            f"a white-list enterprise whose output grew at least {pct(threshold)} in {when}: provincial one-off "
            "award "
            f"{n(province)}, and the city adds {pct(match)}, {n(city)} ({src})",
        )
    item.because(
        "省级奖励为市里“争取”的省级技改资金，以省级审批为准",
        "the provincial part is provincial tech-upgrade money the city seeks (争取): subject to the province",
    )
    if item.words:
        item.step("合计", "total", f"{n(province)} + {n(city)} = {n(province + city)}")
    ctx.emit(item.done())


# One rule per policy; the engine runs each only where the jurisdiction offers it (its parameters exist only there).
RULES: tuple[tuple[str, Callable[[Context], None]], ...] = (
    (VOUCHER, _innovation_voucher),
    (FIRST_SET, _first_set),
    (FIRST_BATCH, _first_batch),
    (TECH_UPGRADE, _tech_upgrade),
    (CHAIN_LEADER, _chain_leader),
    (WHITELIST, _whitelist),
)
