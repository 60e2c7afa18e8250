"""The enterprise profile: one declared schema, read from TOML, JSON, a CSV row, CLI options and --set PATH=VALUE.

The schema is the dataclasses below; each field's metadata names its kind — an object of xzcalc/schema/kinds.py,
which parses that kind, reads its CSV cells, gives its JSON Schema, template example, unit and sweep step — and its
meaning in both languages. Everything else — the one builder (schema/build.py), dotted paths (schema/paths.py), the
CSV header, the template — is derived from it, so a field is declared once.
"""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, cast

from ..data import tax_years
from ..inputs import MAX_DEPTH, depth
from ..record import record
from .kinds import (
    DATE,
    FLAG,
    GROWTH,
    HEADCOUNT,
    MONEY,
    SECTOR,
    SIGNED_MONEY,
    TEXT,
    USCC,
    YEAR,
    Choice,
    Count,
    FixedList,
    Kind,
    NumberChoice,
    ProfileError,
    Rate,
    Section,
    Table,
    YearMap,
    YearTable,
)

__all__ = ["Profile", "ProfileError", "load_profile", "profile_to_dict", "spec"]

D0 = Decimal(0)

# the kinds several fields share (the others are declared where they are used)
PERSONS = Count("persons")
MONTHS = Count("months")
RATE = Rate()


def spec(kind: Kind, zh: str, en: str, default: Any = MISSING, *, example: Any = None) -> Any:
    """A declared field: its kind (xzcalc/schema/kinds.py), its meaning in Chinese and English, its default (the
    kind's when not given) and the example the template shows. Defaults are immutable (tuples, frozen sections),
    so one shared instance serves every profile: a batch row would otherwise build a dozen empty sections it never
    reads."""
    meta = {"kind": kind, "zh": zh, "en": en, "example": example}
    return field(default=kind.default if default is MISSING else default, metadata=meta)


@record
class Income:
    taxable_income: Decimal = spec(
        SIGNED_MONEY,
        "应纳税所得额（未扣除研发费用加计扣除和设备器具一次性扣除、未弥补以前年度亏损）：纳税调整后所得（A100000第19行）"
        "加回第17行中的研发费用加计扣除额和A105080的设备器具一次性扣除纳税调减额；可为负数即亏损。"
        "不是申报表第23行（申报数请填 income.taxable_income_reported）",
        "taxable income of the year without the R&D super deduction, without the special equipment deduction and "
        "before offsetting earlier losses: A100000 line 19 (纳税调整后所得) plus the R&D super deduction in line 17 "
        "plus the one-time-deduction adjustment of A105080; negative = a loss. Not line 23 of the return (give that "
        "as income.taxable_income_reported)",
    )
    taxable_income_reported: Decimal | None = spec(
        MONEY,
        "可选：申报的应纳税所得额（A100000第23行，已扣除研发费用加计扣除、设备器具一次性扣除并弥补以前年度亏损）；"
        "据此倒推本年所得。与 income.taxable_income 二选一",
        "optional: taxable income as filed — A100000 line 23 (应纳税所得额), after the R&D and equipment deductions "
        "and the loss offset; xzcalc works the chain backwards from it. Give this or income.taxable_income, not both",
        None,
    )
    losses_offset: Decimal = spec(
        MONEY,
        "与 income.taxable_income_reported 一起填写：该申报数中已弥补的以前年度亏损额（A100000第21行，来自A106000）",
        "with income.taxable_income_reported: the earlier losses offset in that figure (A100000 line 21, from A106000)",
    )
    prior_losses: Decimal = spec(
        MONEY,
        "以前年度亏损：尚在五年结转期内、可用本年所得弥补的亏损额（在研发费用加计扣除和设备器具扣除之后弥补）",
        "losses of earlier years still available (within the five-year carry-forward), offset after the R&D and "
        "equipment deductions",
    )
    rd_expense: Decimal = spec(MONEY, "本年可加计扣除的研发费用", "eligible R&D expense of the year")
    rd_expense_q4: Decimal = spec(
        MONEY,
        "其中2022年10月至12月发生的研发费用；可按全年研发费用 × 10月起的经营月份数 ÷ 全年实际经营月份数计算"
        "（财政部 税务总局 科技部公告2022年第28号 第二条）",
        "of which incurred 2022-10..12 (part of rd_expense); may be computed as the year's expense × months of "
        "operation from October ÷ months of operation in the year (2022年第28号 第二条)",
    )
    manufacturing_revenue: Decimal | None = spec(
        MONEY,
        "可选：制造业业务收入（GB/T 4754-2017 门类C），与收入总额一起判定研发费用100%加计扣除的制造业企业"
        "（占收入总额50%以上，财政部 税务总局公告2021年第13号 第一条）；未填写时制造业行业代码推定符合",
        "optional: revenue from manufacturing (GB/T 4754-2017 section C); with total_income it decides the 100% R&D "
        "rate of a manufacturing enterprise (at least 50% of 收入总额, 2021年第13号 第一条); when not given, a "
        "section-C sector is presumed to pass",
        None,
    )
    total_income: Decimal | None = spec(
        MONEY,
        "可选：收入总额（企业所得税法第六条，含不征税收入和免税收入），制造业收入占比的分母",
        "optional: 收入总额 as the CIT law's article 6 defines it — the denominator of the manufacturing share",
        None,
    )
    other_relief: Decimal = spec(
        MONEY,
        "个体工商户：已享受的其他政策减免税额（国家税务总局公告2021年第8号公式中的“其他政策减免税额”）",
        "individual business: relief already given by other policies (the 2021年第8号 formula)",
    )
    other_business_income: Decimal = spec(
        MONEY,
        "个体工商户：同一业主其他个体工商户的经营所得年应纳税所得额（两处以上经营所得在年度汇总申报时合并计算减免税额，"
        "本户金额为按应纳税所得额分摊的部分）",
        "individual business: the same owner's other individual businesses' taxable business income (combined at the "
        "annual filing; this business's amount is its share of the combined relief by taxable income)",
    )


@record
class Equipment:
    name: str = spec(TEXT, "设备名称", "equipment name")
    unit_value: Decimal = spec(MONEY, "单位价值（元）", "unit value (yuan)")
    years: int = spec(
        NumberChoice((3, 4, 5, 10)),
        "企业所得税法实施条例规定的最低折旧年限",
        "minimum depreciation years under the CIT implementation regulations",
        10,
    )
    in_service: date | None = spec(
        DATE,
        "投入使用月份（一次性扣除在投入使用月份的次月所属年度，国家税务总局公告2018年第46号 第二条）",
        "month it entered service (the one-time deduction falls in the tax year of the month after it)",
        example="2022-06",
    )
    purchased: date | None = spec(
        DATE,
        "购置时点（可选）：外购以发票开具日期，分期付款或赊销以到货日期，自行建造以竣工结算日期；决定适用哪一期政策；"
        "未填写时按投入使用月份",
        "optional: purchase date — the invoice date; the arrival date for instalment or credit purchases; the "
        "completion settlement for a self-built asset. It decides which policy window applies; when not given, "
        "the month it entered service is taken",
        example="2022-06",
    )


SALES_PERIODS = {"quarter": 4, "month": 12}  # entries of a sales list by vat.period (policies.md E3)


@record
class Vat:
    taxpayer: str = spec(Choice(("small-scale", "general")), "增值税纳税人类型", "VAT taxpayer type", "general")
    period: str = spec(
        Choice(tuple(SALES_PERIODS)),
        "小规模纳税人的纳税期限：按季（quarter，销售额各填4个季度）或按月（month，各填12个月）",
        "small-scale filing period: quarter (4 quarterly figures in each sales list) or month (12 monthly figures)",
        "quarter",
    )
    sales_3pct: tuple[Decimal, ...] = spec(
        FixedList(MONEY, SALES_PERIODS["month"]),
        "适用3%征收率的不含税销售额，按季度（按月申报的按月，12项）；差额征税的纳税人填差额后的销售额",
        "tax-exclusive sales at 3%, by quarter (by month, 12 entries, for monthly filers); a taxpayer under 差额征税 "
        "gives the net amount (sales less the deductible part), which is what the exemption line is tested on",
        example=[0, 0, 0, 0],
    )
    sales_3pct_special: tuple[Decimal, ...] = spec(
        FixedList(MONEY, SALES_PERIODS["month"]),
        "其中开具增值税专用发票的销售额（sales_3pct 的一部分，不免征），按季度（按月申报的按月）",
        "of sales_3pct, the part invoiced on 增值税专用发票 (never exempt), by quarter (by month for monthly filers)",
        example=[0, 0, 0, 0],
    )
    sales_other: tuple[Decimal, ...] = spec(
        FixedList(MONEY, SALES_PERIODS["month"]),
        "适用其他征收率（5%）的不含税销售额（不动产租赁、销售不动产等），按季度（按月申报的按月）；"
        "差额征税的纳税人（如选择差额纳税的劳务派遣）填差额后的销售额",
        "tax-exclusive sales at other rates (5%: renting or selling real estate, …), by quarter (by month for monthly "
        "filers); a taxpayer under 差额征税 (e.g. labour dispatch taxed on the difference) gives the net amount (sales "
        "less the deductible part), which is what the exemption line is tested on",
        example=[0, 0, 0, 0],
    )
    sales_real_estate: tuple[Decimal, ...] = spec(
        FixedList(MONEY, SALES_PERIODS["month"]),
        "其中销售不动产的销售额（sales_other 的一部分，不计入免税标准的判断），按季度（按月申报的按月）",
        "of sales_other, the part that is a sale of real estate (left out of the exemption-line test), by quarter "
        "(by month for monthly filers)",
        example=[0, 0, 0, 0],
    )
    vat_payable: Decimal = spec(
        MONEY,
        "一般纳税人：全年应纳增值税（附加税费计税依据）",
        "general taxpayer: VAT payable for the year (surcharge base)",
    )
    consumption_tax: Decimal = spec(MONEY, "全年应纳消费税", "consumption tax payable for the year")
    stock_credit: Decimal = spec(MONEY, "存量留抵税额", "stock of uncredited input VAT (存量留抵)")
    incremental_credit: Decimal = spec(MONEY, "增量留抵税额", "incremental uncredited input VAT (增量留抵)")
    input_ratio: Decimal = spec(
        RATE,
        "进项构成比例（可直接粘贴Excel中的比例，最多15位有效数字，如0.952380952380952）",
        "input composition ratio (进项构成比例); Excel's precision is accepted (up to 15 significant digits, e.g. "
        "0.952380952380952)",
        Decimal(1),
    )
    refund_conditions_met: bool = spec(
        FLAG,
        "纳税信用等级为A级或B级且符合留抵退税其他条件",
        "credit rating A or B and the other credit-refund conditions met",
    )

    # the JSON Schema of the check below (schema/jsonschema.py adds a section's JSON_SCHEMA_RULES as its allOf)
    JSON_SCHEMA_RULES: ClassVar[tuple[dict[str, Any], ...]] = (
        {
            "if": {"not": {"properties": {"period": {"const": "month"}}, "required": ["period"]}},
            "then": {
                "properties": {
                    name: {"maxItems": SALES_PERIODS["quarter"]}
                    for name in ("sales_3pct", "sales_3pct_special", "sales_other", "sales_real_estate")
                }
            },
        },
    )

    def __post_init__(self) -> None:
        # a quarterly filer's lists have 4 entries: a figure beyond them is a monthly list given without vat.period
        used = SALES_PERIODS[self.period]
        for name in ("sales_3pct", "sales_3pct_special", "sales_other", "sales_real_estate"):
            values: tuple[Decimal, ...] = getattr(self, name)
            for index, value in enumerate(values[used:], used + 1):
                if value:
                    raise ProfileError(
                        f"vat.{name}.{index}",
                        str(value),
                        f'at most {used} values with vat.period = "{self.period}" (12 monthly values need '
                        'vat.period = "month")',
                    )


@record
class LocalTaxes:
    resource: Decimal = spec(
        MONEY, "资源税（不含水资源税），减免前全年", "resource tax (not water resource tax), before relief"
    )
    property: Decimal = spec(MONEY, "房产税，减免前全年", "property tax, before relief")
    land_use: Decimal = spec(MONEY, "城镇土地使用税，减免前全年", "urban land-use tax, before relief")
    stamp: Decimal = spec(
        MONEY, "印花税（不含证券交易印花税），减免前全年", "stamp tax (not securities trading), before relief"
    )
    farmland: Decimal = spec(MONEY, "耕地占用税，减免前全年", "farmland occupation tax, before relief")
    first_half_share: Decimal | None = spec(
        RATE,
        "一般纳税人：全年六税两费及附加中属于1月至6月的比例（可选，默认一半；上半年按上上年度、下半年按上年度汇算清缴结果"
        "判定小型微利企业）",
        "general VAT taxpayer: share of the year's six taxes and surcharges falling in January–June (optional, half "
        "when not given; the first half follows the annual filing of the year before last, the second half that of "
        "last year)",
        None,
        example="0.5",
    )


# The tax years a filing of `history` may be given for: the years xzcalc supports (data/years.toml, the one place
# they are declared; years.md: 2019–2027); the key of every year-keyed field is checked against it.
FILING_YEARS = tax_years().all


@record
class History:
    small_low_profit: YearMap[bool] = spec(
        YearTable(FLAG, FILING_YEARS),
        f"以前年度企业所得税年度汇算清缴确定的小型微利企业结果，按所属年度（{FILING_YEARS[0]}–{FILING_YEARS[-1]}）填写"
        "（可选；如 2020 = false、2021 = true）："
        "一般纳税人上半年六税两费按上上年度、下半年按上年度的结果（国家税务总局公告2022年第3号 第一条）；"
        "未填写的年度按本年度情况推定",
        "the small-low-profit result of each earlier year's annual CIT filing, keyed by that tax year "
        f"({FILING_YEARS[0]}–{FILING_YEARS[-1]}; optional, e.g. "
        "2020 = false, 2021 = true): a general VAT taxpayer's six taxes relief follows the filing of the year "
        "before last in January–June and last year's in July–December (国家税务总局公告2022年第3号 第一条); a year not "
        "given is presumed from this year",
        example={"2020": False, "2021": True},
    )


@record
class Employment:
    ui_premiums_prior_year: Decimal = spec(
        MONEY,
        "上年度企业及职工实际缴纳的失业保险费",
        "unemployment insurance actually paid last year, enterprise + employees",
    )
    insured_employees: int = spec(PERSONS, "参保职工人数", "insured employees")
    insured_months: int = spec(MONTHS, "连续参保月数", "months insured", 12)
    layoff_rate: Decimal = spec(
        RATE,
        "上年度裁员率 =（上年初失业保险参保人数 − 上年末参保人数）÷ 上年初参保人数；"
        "也可填写 insured_start 和 insured_end 由程序计算",
        "layoff rate of the prior year = (insured at its start − insured at its end) ÷ insured at its start; or give "
        "insured_start and insured_end to compute it",
    )
    insured_start: int | None = spec(
        PERSONS,
        "上年初（即再上年末）失业保险参保人数（可选；与 insured_end 一起计算裁员率）",
        "insured headcount at the start of the prior year (optional; with insured_end it computes the layoff rate)",
        None,
    )
    insured_end: int | None = spec(
        PERSONS,
        "上年末失业保险参保人数（可选；与 insured_start 一起计算裁员率）",
        "insured headcount at the end of the prior year (optional; with insured_start it computes the layoff rate)",
        None,
    )
    refund_date: date | None = spec(DATE, "稳岗返还发放日期", "date the stable-job refund is paid")


@record
class Deferral:
    taxes_2021q4: Decimal = spec(MONEY, "2021年第四季度可缓缴税费", "deferrable taxes of 2021 Q4")
    taxes_2022q1: Decimal = spec(MONEY, "2022年第一季度可缓缴税费", "deferrable taxes of 2022 Q1")
    taxes_2022q2: Decimal = spec(MONEY, "2022年第二季度可缓缴税费", "deferrable taxes of 2022 Q2")


@record
class Innovation:
    voucher_spend: Decimal = spec(
        MONEY, "购买创新服务、开展技术合作的支出", "spend on innovation services or technical cooperation"
    )


@record
class FirstSet:
    name: str = spec(TEXT, "首台（套）装备名称", "first-set equipment name")
    price: Decimal = spec(MONEY, "购置价格", "purchase price")


@record
class Materials:
    first_batch_premium: Decimal = spec(
        MONEY, "首批次新材料保险年度保费", "annual premium paid for first-batch new-material insurance"
    )


@record
class TechUpgrade:
    investment: Decimal = spec(MONEY, "技术改造项目固定资产投资", "fixed-asset investment of the upgrade project")
    national_grant: Decimal = spec(MONEY, "获得的国家专项资金支持", "national grant received for the project")


@record
class ChainLeader:
    member: bool = spec(FLAG, "八大重点产业链链主企业", "chain-leader enterprise of a Xinzhou key industrial chain")
    output_prior: Decimal = spec(MONEY, "2021年产值", "2021 output value")
    output: Decimal = spec(MONEY, "2022年产值", "2022 output value")


@record
class Whitelist:
    member: bool = spec(FLAG, "六大重点产业链供应链“白名单”企业", "key supply-chain white-list enterprise")
    growth_2023: tuple[Decimal, ...] = spec(
        FixedList(GROWTH, 3), "2023年1、2、3月产值同比增速", "Jan, Feb, Mar 2023 year-on-year output growth"
    )


@record
class DevZone:
    monthly_rent: Decimal = spec(
        MONEY, "省级开发区标准化厂房月租金", "monthly rent of standardised factory space in a provincial zone"
    )


@record
class Guarantee:
    amount: Decimal = spec(MONEY, "批量化担保金额", "batch guarantee amount")
    fee_rate: Decimal = spec(RATE, "担保费率", "guarantee fee rate")
    contract_date: date | None = spec(DATE, "担保合同签订日期", "guarantee contract date")


@record
class StartupLoan:
    principal: Decimal = spec(MONEY, "创业担保贷款本金", "start-up guaranteed loan principal")
    months: int = spec(MONTHS, "贷款期限（月）", "loan term (months)")
    contract_date: date | None = spec(DATE, "贷款合同签订日期", "loan contract date")
    lpr: Decimal | None = spec(
        RATE, "合同约定的1年期LPR（可选）", "the 1-year LPR named in the contract (optional)", None
    )


@record
class Utilities:
    deferred_bills: Decimal = spec(
        MONEY, "缓缴的2022年12月至2023年3月水、气费", "water and gas bills of 2022-12..2023-03 deferred"
    )


@record
class Profile:
    name: str = spec(TEXT, "企业名称", "enterprise name")
    uscc: str = spec(
        USCC, "统一社会信用代码（可选，校验位）", "unified social credit code (optional; check digit verified)"
    )
    jurisdiction: str = spec(Choice(("xinzhou", "shanxi", "inner-mongolia")), "所在地区", "jurisdiction", "xinzhou")
    year: int = spec(YEAR, "纳税年度", "tax year", tax_years().default)
    entity: str = spec(Choice(("company", "individual-business")), "主体类型", "entity type", "company")
    sector: str = spec(
        SECTOR, "国民经济行业分类（GB/T 4754-2017）代码", "GB/T 4754-2017 sector code", "C", example="C34"
    )
    location: str = spec(
        Choice(("city", "county", "other")),
        "所在地（城市维护建设税 7%/5%/1%）",
        "location (urban maintenance tax 7%/5%/1%)",
        "city",
    )
    employees: Decimal = spec(
        HEADCOUNT,
        "全年季度平均从业人数（含与企业建立劳动关系的职工和接受的劳务派遣用工；"
        "季度平均值=(季初值+季末值)÷2，全年=各季度平均值之和÷4；"
        "年度中间开业或终止经营的，以实际经营期为一个纳税年度；财政部 税务总局公告2022年第13号 第二条）",
        "annual average headcount (从业人数): employees under contract plus dispatched workers (劳务派遣); "
        "each quarter (start + end) ÷ 2, the year the four quarters summed ÷ 4; an enterprise that started or "
        "stopped during the year averages over its months of operation (2022年第13号 第二条)",
    )
    total_assets: Decimal = spec(
        MONEY,
        "全年季度平均资产总额（季度平均值=(季初值+季末值)÷2，全年=各季度平均值之和÷4；"
        "年度中间开业或终止经营的，以实际经营期为一个纳税年度；财政部 税务总局公告2022年第13号 第二条）",
        "annual average total assets: each quarter (start + end) ÷ 2, the year the four quarters summed ÷ 4; "
        "an enterprise that started or stopped during the year averages over its months of operation "
        "(2022年第13号 第二条)",
    )
    established: date | None = spec(
        DATE,
        "成立日期（可选；一般纳税人在首次汇算清缴前按从业人数、资产总额判定六税两费的小型微利企业）",
        "date established (optional; a general VAT taxpayer without an annual filing yet qualifies for the six taxes "
        "relief by headcount and assets)",
        example="2021-09-01",
    )
    revenue: Decimal = spec(MONEY, "本年营业收入", "operating revenue of the year")
    prior_revenue: Decimal = spec(MONEY, "上年销售额（缓税划型）", "prior-year sales (deferral size test)")
    tech_sme: bool = spec(FLAG, "已入库科技型中小企业", "registered technology-based SME (科技型中小企业)")
    high_tech: bool = spec(
        FLAG,
        "高新技术企业（资格在本年度有效；企业所得税税率15%；2022年第四季度购置设备器具加计扣除）",
        "high-tech enterprise (高新技术企业) status valid in the year: 15% CIT rate; 2022 Q4 equipment super deduction",
    )
    western_encouraged: bool = spec(
        FLAG,
        "设在西部地区（含内蒙古）的鼓励类产业企业：主营业务属《西部地区鼓励类产业目录》且其收入占收入总额60%以上"
        "（15%税率，财政部 税务总局 国家发展改革委公告2020年第23号）",
        "an encouraged-industry enterprise in the western region (Inner Mongolia included): main business in the "
        "catalogue and at least 60% of total income (15% rate, 2020年第23号)",
    )
    ic_or_machine_tool: bool = spec(
        FLAG,
        "集成电路企业或工业母机企业（2023年至2027年研发费用按120%加计扣除，2023年第44号）",
        "integrated-circuit or 工业母机 (machine-tool) enterprise: R&D super deduction 120% in 2023–2027 "
        "(2023年第44号)",
    )
    restricted_industry: bool = spec(FLAG, "从事国家限制或禁止行业", "in a restricted or prohibited industry")
    income: Income = spec(Section(Income), "所得", "income")
    equipment: tuple[Equipment, ...] = spec(Table(Equipment), "本年新购置设备器具", "equipment bought in the year")
    vat: Vat = spec(Section(Vat), "增值税", "VAT")
    local_taxes: LocalTaxes = spec(
        Section(LocalTaxes), "六税两费（减免前全年税额）", "local taxes (annual, before relief)"
    )
    history: History = spec(Section(History), "以前年度汇算清缴结果", "results of earlier years' annual filings")
    employment: Employment = spec(Section(Employment), "稳岗", "employment")
    deferral: Deferral = spec(Section(Deferral), "制造业中小微企业缓税", "manufacturing SME deferral")
    innovation: Innovation = spec(Section(Innovation), "创新券", "innovation voucher")
    first_set: tuple[FirstSet, ...] = spec(Table(FirstSet), "首台（套）重大技术装备", "first-set equipment")
    materials: Materials = spec(Section(Materials), "首批次新材料", "first-batch materials")
    tech_upgrade: TechUpgrade = spec(Section(TechUpgrade), "技术改造", "technical upgrade")
    chain_leader: ChainLeader = spec(Section(ChainLeader), "链主企业", "chain leader")
    whitelist: Whitelist = spec(Section(Whitelist), "白名单企业", "white list")
    dev_zone: DevZone = spec(Section(DevZone), "开发区标准化厂房", "development zone")
    guarantee: Guarantee = spec(Section(Guarantee), "批量化担保", "batch guarantee")
    startup_loan: StartupLoan = spec(Section(StartupLoan), "创业担保贷款", "start-up loan")
    utilities: Utilities = spec(Section(Utilities), "水气费缓缴", "utility bills")


# ── reading files and writing back ────────────────────────────────────────────────────────────────────────────


def load_profile(text: str, *, source: str = "profile", fmt: str = "auto") -> dict[str, Any]:
    """Parse TOML or JSON text into a nested mapping (numbers as Decimal, never float), within the limits of a user's
    document (xzcalc/inputs.py: nesting depth). Raises ProfileError (one line naming the source)."""
    if fmt == "auto":
        fmt = "json" if text.lstrip().startswith("{") else "toml"
    if fmt == "json":
        import json  # (here: a TOML profile, the usual one, does not pay for it)

        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except json.JSONDecodeError as e:
            raise ProfileError(
                source, text, "a JSON object", problem=f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
            ) from None
        except RecursionError:
            raise ProfileError(source, "", "a flat document", problem=f"nests deeper than {MAX_DEPTH} levels") from None
        except ValueError as e:
            raise ProfileError(
                source, text, "finite JSON numbers of at most a few dozen digits", problem=f"not valid JSON: {e}"
            ) from None
        if not isinstance(data, dict):
            raise ProfileError(source, type(data).__name__, "a JSON object")
    else:
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as e:
            raise ProfileError(
                source, text, "a TOML profile (see `xzcalc template`)", problem=f"not valid TOML: {e}"
            ) from None
        except RecursionError:
            raise ProfileError(source, "", "a flat document", problem=f"nests deeper than {MAX_DEPTH} levels") from None
        except ValueError:  # an integer of more than 4,300 digits
            raise ProfileError(
                source, "", "numbers a tax form holds", problem="has a number of thousands of digits"
            ) from None
    if depth(data) > MAX_DEPTH:
        raise ProfileError(source, "", "a flat document", problem=f"nests deeper than {MAX_DEPTH} levels")
    return cast(dict[str, Any], data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, YearMap):
        return {str(year): _plain(v) for year, v in value.items()}
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The normalised profile: money as exact decimal strings, dates ISO, nothing lost."""
    return cast(dict[str, Any], _plain(profile))
