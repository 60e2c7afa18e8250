"""Cost savings (Xinzhou): B16 development-zone rent waiver, B17 batch guarantee fee halved, B18 start-up loan
interest subsidy. Each rule runs only where Xinzhou's measures are offered: their parameters exist only there.

Every month count, rate, cap and date comes from data/params (relief.dev_zone_rent.*, finance.guarantee_fee_halving.*,
finance.startup_loan_interest.*, finance.lpr_1y); every sentence from data/messages/finance.toml. Amounts are yuan
(Decimal), rounded to the fen once, by `ItemBuilder.give`. Each rule is written in kit's vocabulary: the same
definition runs on one profile and on a block of the batch's rows (xzcalc/batch/columnar.py).
"""

from __future__ import annotations

from ..messages import Msg
from ..money import ZERO
from .common import INDIVIDUAL_BUSINESS, require_enterprise, window
from .kit import (
    Context,
    RuleFamily,
    both,
    cite_when,
    columnar,
    either,
    minimum,
    negate,
    one_of,
    present,
    ratio,
    sector_in,
    value_or,
    where,
)
from .thresholds import Threshold

DEV_ZONE = "relief.dev_zone_rent"
GUARANTEE = "finance.guarantee_fee_halving"
STARTUP_LOAN = "finance.startup_loan_interest"
LPR = "finance.lpr_1y"
LPR_TERM_YEARS = 1  # the term of the LPR series LPR names (1年期): the name of the parameter read, not a figure of it
MONTHS_PER_YEAR = 12


# ── B16 ─────────────────────────────────────────────
@columnar()
def _dev_zone_rent(ctx: Context) -> None:
    """忻政办发〔2022〕86号 第十一条: 鼓励5个工业类省级开发区年内为工业企业减免6个月标准化厂房租金.

    An industrial enterprise (a sector in `industrial_sections`) renting standardised factory space in a zone at
    `dev_zone.monthly_rent` yuan a month saves monthly rent × `months` yuan ("up to": the zones are only encouraged).
    "年内" is the year the window of `months` ends in, the document's issue date the day it starts. Written in kit's
    vocabulary: the same definition runs on one profile and on the batch's columns."""
    p = ctx.profile
    item = ctx.start(DEV_ZONE)
    require_enterprise(ctx, item, "relief.dev_zone_rent.individual_business")
    sections_name = DEV_ZONE + ".industrial_sections"
    sections = ctx.param(sections_name)
    rent = p.dev_zone.monthly_rent
    # 为工业企业: 工业 = the GB/T 4754 sections of industry
    item.require(
        sector_in(p.sector, sections),
        "relief.dev_zone_rent.not_industrial",
        lambda: {"sector": p.sector, "sections": sections, "source": ctx.source(sections_name)},
    )
    # 减免…标准化厂房租金: a rent paid in a zone's standardised factory space
    item.require(rent != 0, "relief.dev_zone_rent.no_rent")
    months_name = DEV_ZONE + ".months"
    months = int(ctx.dec(months_name))
    issued, last = window(ctx, months_name)
    # 减免6个月…租金: the waiver is the rent of that many months
    amount = rent * months
    item.because("relief.dev_zone_rent.encouraged", months=months, source=ctx.source(months_name))
    item.because("relief.dev_zone_rent.within_year", year=str(last.year), issued=issued)
    item.step("relief.dev_zone_rent.waived", rent=rent, months=months, amount=amount)
    ctx.emit(item.give(amount))


# ── B17 ─────────────────────────────────────────────
@columnar()
def _guarantee(ctx: Context) -> None:
    """忻政办发〔2022〕86号 第九条: 2022年12月到2023年3月新发生的批量化担保业务，实行担保费率减半政策.

    A batch guarantee of `guarantee.amount` yuan at `guarantee.fee_rate` (a rate), contracted on a day inside the
    window of `share`, saves amount × fee rate × share yuan (share 0.5: the rate halved). Any borrower type. Written
    in kit's vocabulary: the same definition runs on one profile and on the batch's columns."""
    p = ctx.profile
    g = p.guarantee
    item = ctx.start(GUARANTEE)
    name = GUARANTEE + ".share"
    first, last = window(ctx, name)
    dated = present(g.contract_date)
    # (no date: the share looked up on the year's end, and not used)
    found = ctx.lookup(name, value_or(g.contract_date, ctx.year_end))
    within = both(dated, present(found))
    share = where(within, value_or(found, ZERO), ZERO)
    item.require(both(g.amount != 0, dated), "finance.guarantee_fee_halving.none_given")
    # 2022年12月到2023年3月新发生的: the contract date falls in the window of `share`
    item.require(
        within,
        "finance.guarantee_fee_halving.outside_window",
        lambda: {"contracted": g.contract_date, "first": first, "last": last, "source": ctx.source(name)},
    )
    # 担保费率减半: the fee saved is the share of the fee the rate no longer charges
    saved = g.amount * g.fee_rate * share
    item.because_when(p.entity == INDIVIDUAL_BUSINESS, "finance.guarantee_fee_halving.individual_business")
    item.because(
        "finance.guarantee_fee_halving.halved",
        first=first,
        last=last,
        contracted=g.contract_date,
        share=share,
        source=ctx.source(name),
    )
    item.step("finance.guarantee_fee_halving.saved", amount=g.amount, fee_rate=g.fee_rate, share=share, saved=saved)
    item.because_when(g.fee_rate == 0, "finance.guarantee_fee_halving.no_fee_rate")
    ctx.emit(item.give(saved))


# ── B18 ─────────────────────────────────────────────
@columnar()
def _startup_loan(ctx: Context) -> None:
    """忻政办发〔2022〕36号 第2条: 对于符合条件的小微企业创业担保贷款，按照贷款合同约定的贷款市场报价利率给予全额贴息;
    财金〔2020〕21号: 小微企业创业担保贷款额度最高不超过300万元，期限最长不超过2年.

    A small or micro enterprise (size class in `sizes`) with a start-up guaranteed loan of `startup_loan.principal`
    yuan over `startup_loan.months` months gets principal × LPR × months / 12 × `share` yuan, the principal and the
    months at most `principal_cap` and `months_cap`; the LPR is the contract's (`startup_loan.lpr`, a rate) or else
    the 1-year LPR (finance.lpr_1y) in force on `startup_loan.contract_date`. Simple interest, no amortisation.
    Written in kit's vocabulary: the same definition runs on one profile and on the batch's columns (there the ÷ 12
    is an exact quotient, rounded once to the fen)."""
    p = ctx.profile
    s = p.startup_loan
    item = ctx.start(STARTUP_LOAN)
    cap_name = STARTUP_LOAN + ".principal_cap"
    # (财金〔2020〕21号, the source of the caps, also sets the individual's separate limits)
    require_enterprise(ctx, item, "finance.startup_loan_interest.individual_business", source=ctx.source(cap_name))
    sizes_name = STARTUP_LOAN + ".sizes"
    size = ctx.classification["size_class"]
    small = one_of(size.value, ctx.param(sizes_name))
    cite_when(item, small, size)  # the classification the subsidy rests on
    dated = present(s.contract_date)
    named = present(s.lpr)
    # (no date: the LPR looked up on the year's end, and not used)
    found = ctx.lookup(LPR, value_or(s.contract_date, ctx.year_end))
    tabled = both(dated, present(found))
    # 按照贷款合同约定的贷款市场报价利率: the contract's LPR, else the 1-year LPR in force on the contract date
    lpr = where(named, value_or(s.lpr, ZERO), where(tabled, value_or(found, ZERO), ZERO))
    first, last = window(ctx, LPR)
    # 小微企业
    item.require(
        small,
        "finance.startup_loan_interest.not_small",
        lambda: {"size": Msg(f"classify.size_name.{size.value}"), "source": ctx.source(sizes_name)},
    )
    # 创业担保贷款
    item.require(s.principal != 0, "finance.startup_loan_interest.no_loan")
    item.require(either(named, dated), "finance.startup_loan_interest.no_lpr_no_date")
    item.require(
        either(named, tabled),
        "finance.startup_loan_interest.beyond_table",
        lambda: {"first": first, "last": last, "contracted": s.contract_date},
    )
    item.because_when(named, "finance.startup_loan_interest.contract_lpr", lambda: {"term": LPR_TERM_YEARS, "lpr": lpr})
    item.because_when(
        negate(named),
        "finance.startup_loan_interest.table_lpr",
        lambda: {"contracted": s.contract_date, "term": LPR_TERM_YEARS, "lpr": lpr, "source": ctx.source(LPR)},
    )
    months_name = STARTUP_LOAN + ".months_cap"
    share_name = STARTUP_LOAN + ".share"
    principal_cap = ctx.dec(cap_name)
    months_cap = int(ctx.dec(months_name))
    share = ctx.dec(share_name)
    # 额度最高不超过…，期限最长不超过…: the subsidy is computed on the principal and the term within the caps
    principal = minimum(s.principal, principal_cap)
    months = minimum(s.months, months_cap)
    # 按…贷款市场报价利率给予全额贴息: simple interest at the LPR over the term, times the share subsidised
    amount = ratio(principal * lpr * months, MONTHS_PER_YEAR) * share
    item.because_when(
        s.principal > principal_cap,
        "finance.startup_loan_interest.principal_capped",
        lambda: {"principal": s.principal, "cap": principal_cap, "source": ctx.source(cap_name)},
    )
    item.because_when(
        s.months > months_cap,
        "finance.startup_loan_interest.months_capped",
        lambda: {"months": s.months, "cap": months_cap, "source": ctx.source(months_name)},
    )
    item.because("finance.startup_loan_interest.subsidised", share=share, source=ctx.source(share_name))
    item.step(
        "finance.startup_loan_interest.subsidy",
        principal=principal,
        lpr=lpr,
        months=months,
        months_a_year=MONTHS_PER_YEAR,
        share=share,
        amount=amount,
    )
    item.because("finance.startup_loan_interest.simple_interest")
    item.because_when(s.months == 0, "finance.startup_loan_interest.no_months")
    ctx.emit(item.give(amount))


# One rule per policy; the engine runs each only where the jurisdiction offers it (Xinzhou: its parameters).
FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = (
    ((DEV_ZONE,), _dev_zone_rent),
    ((GUARANTEE,), _guarantee),
    ((STARTUP_LOAN,), _startup_loan),
)
POLICIES = tuple(pid for ids, _ in FAMILIES for pid in ids)


# ── thresholds: none yet (the advisor reads each module's THRESHOLDS: xzcalc/analysis/advisor.py) ───────────────
THRESHOLDS: tuple[Threshold, ...] = ()
