"""Cost savings (Xinzhou): B16 development-zone rent waiver, B17 batch guarantee fee halved, B18 start-up loan
interest subsidy. Each rule runs only where Xinzhou's measures are offered: their parameters exist only there.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .common import individual_business_excluded, month, pct, size_zh, window
from .kit import Context, n

DEV_ZONE = "relief.dev_zone_rent"
GUARANTEE = "finance.guarantee_fee_halving"
STARTUP_LOAN = "finance.startup_loan_interest"
MONTHS_PER_YEAR = 12


# ── B16 ─────────────────────────────────────────────
def _dev_zone_rent(ctx: Context) -> None:
    p = ctx.profile
    item = ctx.start(DEV_ZONE)
    # 忻政办发〔2022〕86号 第十一条: 鼓励5个工业类省级开发区年内为工业企业减免6个月标准化厂房租金
    if individual_business_excluded(
        ctx,
        item,
        "减免对象为租用标准化厂房的工业企业",
        "the waiver is for industrial enterprises renting standardised factory space",
    ):
        return
    sections = ctx.param(DEV_ZONE + ".industrial_sections")
    if p.sector[0] not in sections:
        if item.words:
            item.because(
                f"行业 {p.sector} 不是工业（{'/'.join(sections)}），"
                f"减免对象为工业企业（{ctx.source(DEV_ZONE + '.industrial_sections')}）",
                f"sector {p.sector} is not industry ({'/'.join(sections)}): the waiver is for industrial "
                "enterprises "
                f"({ctx.source(DEV_ZONE + '.industrial_sections')})",
            )
        ctx.emit(item.ineligible())
        return
    rent = p.dev_zone.monthly_rent
    if not rent:
        ctx.emit(
            item.ineligible(
                "未在工业类省级开发区租用标准化厂房（dev_zone.monthly_rent 未填写）",
                "no standardised factory space rented in an industrial provincial zone "
                "(dev_zone.monthly_rent not given)",
            )
        )
        return
    months = int(ctx.param(DEV_ZONE + ".months"))
    amount = rent * months
    if item.words:
        item.because(
            f"租用工业类省级开发区标准化厂房的工业企业：鼓励开发区减免 {months} 个月租金（“鼓励”，"
            "以开发区执行为准；"
            f"{ctx.source(DEV_ZONE + '.months')}）",
            "an industrial enterprise renting standardised factory space in an industrial provincial zone: "
            "zones are "
            f"encouraged to waive {months} months' rent (“encouraged”: up to the zone; "
            f"{ctx.source(DEV_ZONE + '.months')})",
        )
    issued, last = window(ctx, DEV_ZONE + ".months")
    if item.words:
        item.because(
            f"“年内”按{last.year}年理解（文件于{issued.isoformat()}印发）",
            f"“within the year” read as {last.year} (the document was issued on {issued.isoformat()})",
        )
        item.step(
            "减免租金 = 月租金 × 月数",
            "rent waived = monthly rent × months",
            f"{n(rent)} × {months} = {n(amount)}",
        )
    ctx.emit(item.done(amount))


# ── B17 ─────────────────────────────────────────────
def _guarantee(ctx: Context) -> None:
    p = ctx.profile
    g = p.guarantee
    item = ctx.start(GUARANTEE)
    if not g.amount or g.contract_date is None:
        ctx.emit(
            item.ineligible(
                "未填写批量化担保业务（guarantee.amount 与 guarantee.contract_date）",
                "no batch guarantee business given (guarantee.amount and guarantee.contract_date)",
            )
        )
        return
    # 忻政办发〔2022〕86号 第九条: 2022年12月到2023年3月新发生的批量化担保业务，实行担保费率减半政策
    name = GUARANTEE + ".share"
    first, last = window(ctx, name)
    share = ctx.params.get_or_none(name, g.contract_date)
    if share is None:
        if item.words:
            item.because(
                f"担保合同签订日期 {g.contract_date.isoformat()} 不在 {first.isoformat()} 至 "
                f"{last.isoformat()} 之间"
                f"（{ctx.source(name)}）",
                f"guarantee contracted on {g.contract_date.isoformat()}, outside "
                f"{first.isoformat()}..{last.isoformat()} "
                f"({ctx.source(name)})",
            )
        ctx.emit(item.ineligible())
        return
    share = Decimal(share)
    if p.entity == "individual-business":
        item.because(
            "条款未限定担保对象的主体类型，个体工商户的批量化担保业务按同一标准计算",
            "the clause names no borrower type: an individual business's batch guarantee is computed the same way",
        )
    if item.words:
        item.because(
            f"{month(first)} 至 {month(last)} 新发生的批量化担保业务（合同日期 {g.contract_date.isoformat()}），"
            f"担保费率减半，节省担保费的 {pct(share)}（{ctx.source(name)}）",
            f"batch guarantee business newly contracted {month(first)}..{month(last)} (contract "
            f"{g.contract_date.isoformat()}): "
            f"the fee rate is halved ({ctx.source(name)})",
        )
    fee = g.amount * g.fee_rate
    saved = fee * share
    if item.words:
        item.step(
            "节省担保费 = 担保金额 × 担保费率 × 减免比例",
            "fee saved = amount × fee rate × share",
            f"{n(g.amount)} × {pct(g.fee_rate)} × {pct(share)} = {n(saved)}",
        )
    if not g.fee_rate:
        item.because("未填写担保费率（guarantee.fee_rate）", "no fee rate given (guarantee.fee_rate)")
    ctx.emit(item.done(saved))


# ── B18 ─────────────────────────────────────────────
def _startup_loan(ctx: Context) -> None:
    p = ctx.profile
    s = p.startup_loan
    item = ctx.start(STARTUP_LOAN)
    # 忻政办发〔2022〕36号 第2条: 对于符合条件的小微企业创业担保贷款，
    # 按照贷款合同约定的贷款市场报价利率给予全额贴息
    if individual_business_excluded(
        ctx,
        item,
        "本条贴息对象为小微企业创业担保贷款；个体工商户经营者以个人名义申请的创业担保贷款另有额度和贴息规定"
        "（财金〔2020〕21号），此处不计算",
        "this subsidy is for small and micro enterprises' start-up loans; an individual business owner "
        "borrows as a "
        "person under separate limits (财金〔2020〕21号), not computed here",
    ):
        return
    sizes = ctx.param(STARTUP_LOAN + ".sizes")
    size = ctx.classification["size_class"]
    if size.value not in sizes:
        if item.words:
            item.because(
                f"企业规模为{size_zh(size.value)}，贴息对象为小微企业（{ctx.source(STARTUP_LOAN + '.sizes')}）",
                f"size class {size.value}: the subsidy is for small and micro enterprises "
                f"({ctx.source(STARTUP_LOAN + '.sizes')})",
            )
        ctx.emit(item.ineligible())
        return
    item.cite(size)
    if not s.principal:
        ctx.emit(
            item.ineligible(
                "未填写创业担保贷款（startup_loan.principal）",
                "no start-up guaranteed loan given (startup_loan.principal)",
            )
        )
        return
    if s.lpr is not None:
        lpr = s.lpr
        if item.words:
            item.because(
                f"贷款合同约定的1年期LPR {pct(lpr)}（startup_loan.lpr）",
                f"the LPR named in the contract: {pct(lpr)} (startup_loan.lpr)",
            )
    elif s.contract_date is None:
        ctx.emit(
            item.ineligible(
                "未填写贷款合同约定的LPR或合同签订日期（startup_loan.lpr / contract_date）",
                "neither the contract's LPR nor the contract date given (startup_loan.lpr / contract_date)",
            )
        )
        return
    else:
        found = ctx.params.get_or_none("finance.lpr_1y", s.contract_date)
        if found is None:
            first, last = window(ctx, "finance.lpr_1y")
            if item.words:
                item.because(
                    f"LPR表只覆盖 {first.isoformat()} 至 {last.isoformat()}，合同日期 "
                    f"{s.contract_date.isoformat()} 不在其内；"
                    "请填写合同约定的LPR（startup_loan.lpr）",
                    f"the LPR table covers {first.isoformat()}..{last.isoformat()}, not the contract date "
                    f"{s.contract_date.isoformat()}: give the contract's LPR (startup_loan.lpr)",
                )
            ctx.emit(item.ineligible())
            return
        lpr = Decimal(found)
        if item.words:
            item.because(
                f"合同未填写LPR，取合同签订日 {s.contract_date.isoformat()} 有效的1年期LPR "
                f"{pct(lpr)}（{ctx.source('finance.lpr_1y')}）",
                f"no LPR given: the 1-year LPR in force on the contract date {s.contract_date.isoformat()}, "
                f"{pct(lpr)} "
                f"({ctx.source('finance.lpr_1y')})",
            )
    principal_cap = ctx.dec(STARTUP_LOAN + ".principal_cap")
    months_cap = int(ctx.param(STARTUP_LOAN + ".months_cap"))
    principal = min(s.principal, principal_cap)
    months = min(s.months, months_cap)
    if s.principal > principal_cap and item.words:
        item.because(
            f"贷款本金 {n(s.principal)} 元超过小微企业创业担保贷款上限，按 {n(principal_cap)} "
            f"元计算（{ctx.source(STARTUP_LOAN + '.principal_cap')}）",
            f"principal {n(s.principal)} is above the small/micro start-up loan cap: computed on "
            f"{n(principal_cap)} "
            f"({ctx.source(STARTUP_LOAN + '.principal_cap')})",
        )
    if s.months > months_cap and item.words:
        item.because(
            f"贷款期限 {s.months} 个月超过最长期限，按 {months_cap} "
            f"个月计算（{ctx.source(STARTUP_LOAN + '.months_cap')}）",
            f"term {s.months} months is above the longest term: computed on {months_cap} months "
            f"({ctx.source(STARTUP_LOAN + '.months_cap')})",
        )
    share = ctx.dec(STARTUP_LOAN + ".share")
    if item.words:
        item.because(
            f"小微企业创业担保贷款，按贷款市场报价利率给予 {pct(share)} 贴息（{ctx.source(STARTUP_LOAN + '.share')}）",
            "a small or micro enterprise's start-up guaranteed loan: the LPR part of the interest subsidised at "
            f"{pct(share)} "
            f"({ctx.source(STARTUP_LOAN + '.share')})",
        )
    amount = principal * lpr * months / MONTHS_PER_YEAR * share
    if item.words:
        item.step(
            "贴息 = 本金 × LPR × 月数 ÷ 12 × 贴息比例",
            "subsidy = principal × LPR × months / 12 × share",
            f"{n(principal)} × {pct(lpr)} × {months} / {MONTHS_PER_YEAR} × {pct(share)} = {n(amount)}",
        )
    item.because(
        "按整个贷款期限、全额本金单利计算（未考虑分期还本）",
        "simple interest on the whole principal for the whole term (no amortisation)",
    )
    if not s.months:
        item.because("未填写贷款期限（startup_loan.months）", "no loan term given (startup_loan.months)")
    ctx.emit(item.done(amount))


# One rule per policy; the engine runs each only where the jurisdiction offers it (Xinzhou: its parameters).
RULES: tuple[tuple[str, Callable[[Context], None]], ...] = (
    (DEV_ZONE, _dev_zone_rent),
    (GUARANTEE, _guarantee),
    (STARTUP_LOAN, _startup_loan),
)
