"""The enterprise profile: one declared schema, read from TOML, JSON, a CSV row, CLI options and --set PATH=VALUE.

The schema is the dataclasses below; each field's metadata says its kind, its bounds and its meaning in both
languages. Everything else — parsing, validation messages, dotted paths, the CSV header, the template — is derived
from it, so a field is declared once.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress
from typing import Any, TypeVar, cast

from .money import MoneyError, parse_decimal, parse_money, parse_rate

__all__ = [
    "Profile",
    "ProfileError",
    "all_paths",
    "load_profile",
    "parse_profile",
    "profile_from_flat",
    "profile_to_dict",
    "set_path",
]

D0 = Decimal(0)


class ProfileError(ValueError):
    """An unusable profile value. str() is the one line a user sees: field, value, what was expected."""

    def __init__(self, path: str, value: object, expected: str, *, problem: str = "") -> None:
        self.path = path
        self.value = value
        self.expected = expected
        problem = problem or f"{_show(value)} is not valid"
        super().__init__(f"{path}: {problem} — expected {expected}")


def _show(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return json.dumps(text, ensure_ascii=False) if isinstance(value, str) else text


# ── field kinds ───────────────────────────────────────────────────────────────────────────────────────────────
# money: ≥ 0 yuan · signed_money · headcount: ≥ 0 number (annual averages may be fractional) · count: whole ≥ 0 ·
# rate: 0..1 · growth: ≥ −100% · flag · date · year · choice · text · sector · uscc · money_list · growth_list ·
# section (a nested table) · table_list (an array of tables)


def spec(
    kind: str,
    zh: str,
    en: str,
    default: Any = MISSING,
    *,
    choices: tuple[Any, ...] = (),
    length: int = 0,
    example: Any = None,
    item: type | None = None,
) -> Any:
    meta = {"kind": kind, "zh": zh, "en": en, "choices": choices, "length": length, "example": example, "item": item}
    if default is MISSING:
        default = {
            "money": D0,
            "signed_money": D0,
            "headcount": D0,
            "count": 0,
            "rate": D0,
            "growth": D0,
            "flag": False,
            "date": None,
            "text": "",
            "uscc": "",
        }.get(kind, MISSING)
    # defaults are immutable (tuples, frozen sections), so one shared instance serves every profile: a batch
    # row would otherwise build a dozen empty sections it never reads
    if kind in ("money_list", "growth_list"):
        return field(default=(D0,) * length, metadata=meta)
    if kind == "table_list":
        return field(default=(), metadata=meta)
    if kind == "section":
        assert item is not None
        return field(default=item(), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class Income:
    taxable_income: Decimal = spec(
        "signed_money",
        "应纳税所得额（研发加计扣除和设备一次性扣除前；可为负数即亏损）",
        "taxable income before the R&D super deduction and the special equipment deduction (negative = a loss)",
    )
    rd_expense: Decimal = spec("money", "本年可加计扣除的研发费用", "eligible R&D expense of the year")
    rd_expense_q4: Decimal = spec(
        "money", "其中2022年10月至12月发生的研发费用", "of which incurred 2022-10..12 (part of rd_expense)"
    )
    other_relief: Decimal = spec(
        "money",
        "个体工商户：已享受的其他政策减免税额（国家税务总局公告2021年第8号公式中的“其他政策减免税额”）",
        "individual business: relief already given by other policies (the 2021年第8号 formula)",
    )


@dataclass(frozen=True, slots=True)
class Equipment:
    name: str = spec("text", "设备名称", "equipment name")
    unit_value: Decimal = spec("money", "单位价值（元）", "unit value (yuan)")
    years: int = spec(
        "choice",
        "企业所得税法实施条例规定的最低折旧年限",
        "minimum depreciation years under the CIT implementation regulations",
        10,
        choices=(3, 4, 5, 10),
    )
    in_service: date | None = spec("date", "投入使用月份", "month it entered service", example="2022-06")


@dataclass(frozen=True, slots=True)
class Vat:
    taxpayer: str = spec(
        "choice", "增值税纳税人类型", "VAT taxpayer type", "general", choices=("small-scale", "general")
    )
    sales_3pct: tuple[Decimal, ...] = spec(
        "money_list", "适用3%征收率的不含税销售额，按季度", "tax-exclusive sales at 3%, by quarter", length=4
    )
    sales_other: tuple[Decimal, ...] = spec(
        "money_list",
        "适用其他征收率（5%）的不含税销售额，按季度",
        "tax-exclusive sales at other rates (5%), by quarter",
        length=4,
    )
    vat_payable: Decimal = spec(
        "money",
        "一般纳税人：全年应纳增值税（附加税费计税依据）",
        "general taxpayer: VAT payable for the year (surcharge base)",
    )
    consumption_tax: Decimal = spec("money", "全年应纳消费税", "consumption tax payable for the year")
    stock_credit: Decimal = spec("money", "存量留抵税额", "stock of uncredited input VAT (存量留抵)")
    incremental_credit: Decimal = spec("money", "增量留抵税额", "incremental uncredited input VAT (增量留抵)")
    input_ratio: Decimal = spec("rate", "进项构成比例", "input composition ratio (进项构成比例)", Decimal(1))
    refund_conditions_met: bool = spec(
        "flag",
        "纳税信用等级为A级或B级且符合留抵退税其他条件",
        "credit rating A or B and the other credit-refund conditions met",
    )


@dataclass(frozen=True, slots=True)
class LocalTaxes:
    resource: Decimal = spec(
        "money", "资源税（不含水资源税），减免前全年", "resource tax (not water resource tax), before relief"
    )
    property: Decimal = spec("money", "房产税，减免前全年", "property tax, before relief")
    land_use: Decimal = spec("money", "城镇土地使用税，减免前全年", "urban land-use tax, before relief")
    stamp: Decimal = spec(
        "money", "印花税（不含证券交易印花税），减免前全年", "stamp tax (not securities trading), before relief"
    )
    farmland: Decimal = spec("money", "耕地占用税，减免前全年", "farmland occupation tax, before relief")


@dataclass(frozen=True, slots=True)
class Employment:
    ui_premiums_prior_year: Decimal = spec(
        "money",
        "上年度企业及职工实际缴纳的失业保险费",
        "unemployment insurance actually paid last year, enterprise + employees",
    )
    insured_employees: int = spec("count", "参保职工人数", "insured employees")
    insured_months: int = spec("count", "连续参保月数", "months insured", 12)
    layoff_rate: Decimal = spec("rate", "上年度裁员率", "layoff rate of the prior year")
    refund_date: date | None = spec("date", "稳岗返还发放日期", "date the stable-job refund is paid")


@dataclass(frozen=True, slots=True)
class Deferral:
    taxes_2021q4: Decimal = spec("money", "2021年第四季度可缓缴税费", "deferrable taxes of 2021 Q4")
    taxes_2022q1: Decimal = spec("money", "2022年第一季度可缓缴税费", "deferrable taxes of 2022 Q1")
    taxes_2022q2: Decimal = spec("money", "2022年第二季度可缓缴税费", "deferrable taxes of 2022 Q2")


@dataclass(frozen=True, slots=True)
class Innovation:
    voucher_spend: Decimal = spec(
        "money", "购买创新服务、开展技术合作的支出", "spend on innovation services or technical cooperation"
    )


@dataclass(frozen=True, slots=True)
class FirstSet:
    name: str = spec("text", "首台（套）装备名称", "first-set equipment name")
    price: Decimal = spec("money", "购置价格", "purchase price")


@dataclass(frozen=True, slots=True)
class Materials:
    first_batch_premium: Decimal = spec(
        "money", "首批次新材料保险年度保费", "annual premium paid for first-batch new-material insurance"
    )


@dataclass(frozen=True, slots=True)
class TechUpgrade:
    investment: Decimal = spec("money", "技术改造项目固定资产投资", "fixed-asset investment of the upgrade project")
    national_grant: Decimal = spec("money", "获得的国家专项资金支持", "national grant received for the project")


@dataclass(frozen=True, slots=True)
class ChainLeader:
    member: bool = spec("flag", "八大重点产业链链主企业", "chain-leader enterprise of a Xinzhou key industrial chain")
    output_prior: Decimal = spec("money", "2021年产值", "2021 output value")
    output: Decimal = spec("money", "2022年产值", "2022 output value")


@dataclass(frozen=True, slots=True)
class Whitelist:
    member: bool = spec("flag", "六大重点产业链供应链“白名单”企业", "key supply-chain white-list enterprise")
    growth_2023: tuple[Decimal, ...] = spec(
        "growth_list", "2023年1、2、3月产值同比增速", "Jan, Feb, Mar 2023 year-on-year output growth", length=3
    )


@dataclass(frozen=True, slots=True)
class DevZone:
    monthly_rent: Decimal = spec(
        "money", "省级开发区标准化厂房月租金", "monthly rent of standardised factory space in a provincial zone"
    )


@dataclass(frozen=True, slots=True)
class Guarantee:
    amount: Decimal = spec("money", "批量化担保金额", "batch guarantee amount")
    fee_rate: Decimal = spec("rate", "担保费率", "guarantee fee rate")
    contract_date: date | None = spec("date", "担保合同签订日期", "guarantee contract date")


@dataclass(frozen=True, slots=True)
class StartupLoan:
    principal: Decimal = spec("money", "创业担保贷款本金", "start-up guaranteed loan principal")
    months: int = spec("count", "贷款期限（月）", "loan term (months)")
    contract_date: date | None = spec("date", "贷款合同签订日期", "loan contract date")
    lpr: Decimal | None = spec(
        "rate", "合同约定的1年期LPR（可选）", "the 1-year LPR named in the contract (optional)", None
    )


@dataclass(frozen=True, slots=True)
class Utilities:
    deferred_bills: Decimal = spec(
        "money", "缓缴的2022年12月至2023年3月水、气费", "water and gas bills of 2022-12..2023-03 deferred"
    )


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = spec("text", "企业名称", "enterprise name")
    uscc: str = spec(
        "uscc", "统一社会信用代码（可选，校验位）", "unified social credit code (optional; check digit verified)"
    )
    jurisdiction: str = spec(
        "choice", "所在地区", "jurisdiction", "xinzhou", choices=("xinzhou", "shanxi", "inner-mongolia")
    )
    year: int = spec("year", "纳税年度", "tax year", 2022)
    entity: str = spec("choice", "主体类型", "entity type", "company", choices=("company", "individual-business"))
    sector: str = spec(
        "sector", "国民经济行业分类（GB/T 4754-2017）代码", "GB/T 4754-2017 sector code", "C", example="C34"
    )
    location: str = spec(
        "choice",
        "所在地（城市维护建设税 7%/5%/1%）",
        "location (urban maintenance tax 7%/5%/1%)",
        "city",
        choices=("city", "county", "other"),
    )
    employees: Decimal = spec("headcount", "全年季度平均从业人数", "annual average headcount (从业人数)")
    total_assets: Decimal = spec("money", "全年季度平均资产总额", "annual average total assets")
    revenue: Decimal = spec("money", "本年营业收入", "operating revenue of the year")
    prior_revenue: Decimal = spec("money", "上年销售额（缓税划型）", "prior-year sales (deferral size test)")
    tech_sme: bool = spec("flag", "已入库科技型中小企业", "registered technology-based SME (科技型中小企业)")
    restricted_industry: bool = spec("flag", "从事国家限制或禁止行业", "in a restricted or prohibited industry")
    income: Income = spec("section", "所得", "income", item=Income)
    equipment: tuple[Equipment, ...] = spec(
        "table_list", "本年新购置设备器具", "equipment bought in the year", item=Equipment
    )
    vat: Vat = spec("section", "增值税", "VAT", item=Vat)
    local_taxes: LocalTaxes = spec(
        "section", "六税两费（减免前全年税额）", "local taxes (annual, before relief)", item=LocalTaxes
    )
    employment: Employment = spec("section", "稳岗", "employment", item=Employment)
    deferral: Deferral = spec("section", "制造业中小微企业缓税", "manufacturing SME deferral", item=Deferral)
    innovation: Innovation = spec("section", "创新券", "innovation voucher", item=Innovation)
    first_set: tuple[FirstSet, ...] = spec("table_list", "首台（套）重大技术装备", "first-set equipment", item=FirstSet)
    materials: Materials = spec("section", "首批次新材料", "first-batch materials", item=Materials)
    tech_upgrade: TechUpgrade = spec("section", "技术改造", "technical upgrade", item=TechUpgrade)
    chain_leader: ChainLeader = spec("section", "链主企业", "chain leader", item=ChainLeader)
    whitelist: Whitelist = spec("section", "白名单企业", "white list", item=Whitelist)
    dev_zone: DevZone = spec("section", "开发区标准化厂房", "development zone", item=DevZone)
    guarantee: Guarantee = spec("section", "批量化担保", "batch guarantee", item=Guarantee)
    startup_loan: StartupLoan = spec("section", "创业担保贷款", "start-up loan", item=StartupLoan)
    utilities: Utilities = spec("section", "水气费缓缴", "utility bills", item=Utilities)


# ── parsing ───────────────────────────────────────────────────────────────────────────────────────────────────

_FLAGS_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FLAGS_FALSE = {"false", "0", "no", "n", "否", "f", ""}
_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_SECTOR = re.compile(r"^([A-T])(\d{2}(?:\d{1,2})?)?$")
_YEAR_RANGE = (2000, 2100)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _parse_flag(value: object, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _FLAGS_TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FLAGS_FALSE:
        return False
    raise ProfileError(path, value, "true or false (also 1/0, yes/no, 是/否)")


def _parse_date(value: object, path: str) -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, date):
        return value
    expected = 'a date "YYYY-MM" or "YYYY-MM-DD"'
    m = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise ProfileError(path, value, expected)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise ProfileError(path, value, expected) from None


def _parse_whole(value: object, path: str, expected: str) -> int:
    try:
        number = parse_decimal(value, expected)
    except MoneyError:
        raise ProfileError(path, value, expected) from None
    if number != number.to_integral_value():
        raise ProfileError(path, value, expected)
    return int(number)


@cache
def _sections() -> dict[str, tuple[int, int]]:
    from .data import load_data

    table = load_data("sectors.toml")["sections"]
    return {k: (int(v["divisions"][0]), int(v["divisions"][1])) for k, v in table.items()}


def _parse_sector(value: object, path: str) -> str:
    expected = (
        "a GB/T 4754-2017 code: a section letter A–T, optionally its 2-digit division "
        "and 3/4-digit class (C, C34, K7010)"
    )
    if not isinstance(value, str):
        raise ProfileError(path, value, expected)
    code = value.strip().upper()
    m = _SECTOR.match(code)
    if not m:
        raise ProfileError(path, value, expected)
    digits = m.group(2)
    if digits:
        low, high = _sections()[m.group(1)]
        if not low <= int(digits[:2]) <= high:
            raise ProfileError(
                path, value, f"a division of section {m.group(1)} ({low:02d}–{high:02d}) after the letter"
            )
    return code


def _parse_uscc(value: object, path: str) -> str:
    if _is_blank(value):
        return ""
    expected = "an 18-character 统一社会信用代码 with a valid check digit (GB 32100-2015)"
    if not isinstance(value, str):
        raise ProfileError(path, value, expected)
    from .uscc import USCCError, validate

    try:
        return validate(value)
    except USCCError as e:
        raise ProfileError(path, value, f"{expected}; {e}") from None


def _parse_scalar(kind: str, meta: Mapping[str, Any], value: object, path: str) -> Any:
    try:
        if kind == "money":
            return D0 if _is_blank(value) else parse_money(value)
        if kind == "signed_money":
            return D0 if _is_blank(value) else parse_money(value, signed=True)
        if kind == "headcount":
            if _is_blank(value):
                return D0
            number = parse_decimal(value, "a headcount that is not negative")
            if number < 0:
                raise ProfileError(path, value, "a headcount that is not negative")
            return number
        if kind == "rate":
            return parse_rate(value)
        if kind == "growth":
            return D0 if _is_blank(value) else parse_rate(value, low=Decimal(-1), high=None)
    except MoneyError as e:
        raise ProfileError(path, value, e.expected) from None
    if kind == "count":
        return 0 if _is_blank(value) else _parse_count(value, path)
    if kind == "flag":
        return _parse_flag(value, path)
    if kind == "date":
        return _parse_date(value, path)
    if kind == "year":
        year = _parse_whole(value, path, "a tax year such as 2022")
        if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
            raise ProfileError(path, value, "a tax year such as 2022")
        return year
    if kind == "choice":
        choices = meta["choices"]
        if isinstance(choices[0], int):
            whole = _parse_whole(value, path, "one of " + ", ".join(map(str, choices)))
            if whole in choices:
                return whole
        elif isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        raise ProfileError(path, value, "one of " + ", ".join(map(str, choices)))
    if kind == "text":
        if _is_blank(value):
            return ""
        if not isinstance(value, str) or len(value) > 200:
            raise ProfileError(path, value, "text of at most 200 characters")
        return value.strip()
    if kind == "sector":
        return _parse_sector(value, path)
    if kind == "uscc":
        return _parse_uscc(value, path)
    raise AssertionError(kind)


def _parse_count(value: object, path: str) -> int:
    expected = "a whole number that is not negative"
    number = _parse_whole(value, path, expected)
    if number < 0:
        raise ProfileError(path, value, expected)
    return number


_REPEATING = frozenset({"choice", "year", "flag", "date", "sector", "count", "rate"})
_PARSED: dict[tuple[Any, ...], Any] = {}


def _parse_repeating(kind: str, meta: Mapping[str, Any], value: object, path: str) -> Any:
    """_parse_scalar, remembered for the kinds whose few texts repeat row after row in a batch ("2022",
    "company", "C34", "2022-06", "10"): the (immutable) result depends on the kind, its choices and the text
    alone, never on the path, which only errors name — and errors are not remembered."""
    if kind not in _REPEATING or type(value) is not str:
        return _parse_scalar(kind, meta, value, path)
    key = (kind, meta["choices"], value)
    if key in _PARSED:
        return _PARSED[key]
    result = _parse_scalar(kind, meta, value, path)
    if len(_PARSED) >= 4096:
        _PARSED.clear()
    _PARSED[key] = result
    return result


T = TypeVar("T")


def _index_items(value: object, path: str) -> list[tuple[int, Any]]:
    """A list, or a {"1": …, "2": …} mapping (CSV / --set), as (1-based index, element) pairs."""
    if isinstance(value, list | tuple):
        return list(enumerate(value, start=1))
    if isinstance(value, Mapping):
        pairs = []
        for key, element in value.items():
            if not (isinstance(key, int) or (isinstance(key, str) and key.isdigit())) or int(key) < 1:
                raise ProfileError(f"{path}.{key}", element, "a 1-based list index")
            pairs.append((int(key), element))
        return sorted(pairs)
    raise ProfileError(path, value, "a list")


def _build(cls: type[T], data: Mapping[str, Any], prefix: str) -> T:
    if type(data) is not dict and not isinstance(data, Mapping):  # (the type test first: ABC checks are slow)
        raise ProfileError(prefix.rstrip(".") or "profile", data, "a table of fields")
    known = _field_meta(cls)
    for key in data:
        if key not in known:
            raise ProfileError(f"{prefix}{key}", data[key], _unknown_hint(cls, prefix), problem="not a profile field")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        meta = known[name]
        path = f"{prefix}{name}"
        kind = meta["kind"]
        if kind == "section":
            kwargs[name] = _build(meta["item"], value, f"{path}.")
        elif kind == "table_list":
            rows = []
            for index, element in _index_items(value, path):
                if isinstance(element, Mapping) and all(_is_blank(v) for v in element.values()):
                    continue  # an all-empty row of a CSV's equipment.N.* columns
                rows.append(_build(meta["item"], element, f"{path}.{index}."))
            kwargs[name] = tuple(rows)
        elif kind in ("money_list", "growth_list"):
            length = meta["length"]
            values = [D0] * length
            element_kind = "money" if kind == "money_list" else "growth"
            for index, element in _index_items(value, path):
                if index > length:
                    raise ProfileError(f"{path}.{index}", element, f"at most {length} values (1..{length})")
                values[index - 1] = _parse_scalar(element_kind, meta, element, f"{path}.{index}")
            kwargs[name] = tuple(values)
        elif kind == "rate" and _is_blank(value):
            continue  # keep the declared default (input_ratio = 1, lpr = None)
        else:
            kwargs[name] = _parse_repeating(kind, meta, value, path)
    return cls(**kwargs)


_FIELD_META: dict[type, dict[str, Mapping[str, Any]]] = {}


def _field_meta(cls: type) -> dict[str, Mapping[str, Any]]:
    """A schema class's fields by name with their metadata (kept: the batch hot path asks per row)."""
    meta = _FIELD_META.get(cls)
    if meta is None:
        assert is_dataclass(cls)
        meta = _FIELD_META[cls] = {f.name: f.metadata for f in fields(cls)}
    return meta


def _unknown_hint(cls: type, prefix: str) -> str:
    names = ", ".join(f"{prefix}{n}" for n in _field_meta(cls))
    return f"a known field ({names})" if len(names) < 400 else "a known field (see `xzcalc template`)"


def _cross_checks(profile: Profile) -> Profile:
    if profile.income.rd_expense_q4 > profile.income.rd_expense:
        raise ProfileError(
            "income.rd_expense_q4",
            str(profile.income.rd_expense_q4),
            f"at most income.rd_expense ({profile.income.rd_expense}): it is the part incurred in 2022-10..12",
        )
    return profile


def parse_profile(data: Mapping[str, Any]) -> Profile:
    """A profile from a nested mapping (TOML/JSON document, or the result of set_path calls)."""
    return _cross_checks(_build(Profile, data, ""))


# ── dotted paths: --set, CSV columns, the template ────────────────────────────────────────────────────────────


@cache
def all_paths(max_table_rows: int = 3) -> tuple[str, ...]:
    """Every dotted path of the schema, as CSV columns: list elements and table rows by 1-based index."""
    return tuple(_paths(Profile, "", max_table_rows))


def _paths(cls: type, prefix: str, rows: int) -> Iterator[str]:
    for name, meta in _field_meta(cls).items():
        path = f"{prefix}{name}"
        kind = meta["kind"]
        if kind == "section":
            yield from _paths(meta["item"], f"{path}.", rows)
        elif kind == "table_list":
            for i in range(1, rows + 1):
                yield from _paths(meta["item"], f"{path}.{i}.", rows)
        elif kind in ("money_list", "growth_list"):
            for i in range(1, meta["length"] + 1):
                yield f"{path}.{i}"
        else:
            yield path


def resolve_path(path: str) -> tuple[str, Mapping[str, Any]]:
    """Check a dotted path against the schema; return its leaf kind and metadata (or raise ProfileError)."""
    parts = path.split(".")
    cls: type = Profile
    i = 0
    while i < len(parts):
        meta = _field_meta(cls).get(parts[i])
        if meta is None:
            prefix = ".".join(parts[:i])
            raise ProfileError(
                path, path, _unknown_hint(cls, f"{prefix}." if prefix else ""), problem="not a profile field"
            )
        kind = meta["kind"]
        rest = parts[i + 1 :]
        if kind == "section":
            cls, i = meta["item"], i + 1
            if not rest:
                raise ProfileError(
                    path, path, "a field inside the table, e.g. " + f"{path}.{next(iter(_field_meta(cls)))}"
                )
            continue
        if kind == "table_list":
            if len(rest) < 2 or not rest[0].isdigit() or int(rest[0]) < 1:
                raise ProfileError(path, path, f"{parts[i]}.N.FIELD with N counted from 1")
            cls, i = meta["item"], i + 2
            continue
        if kind in ("money_list", "growth_list"):
            length = meta["length"]
            if len(rest) != 1 or not rest[0].isdigit() or not 1 <= int(rest[0]) <= length:
                raise ProfileError(path, path, f"{'.'.join(parts[: i + 1])}.N with N from 1 to {length}")
            return kind, meta
        if rest:
            raise ProfileError(path, path, f"a path ending at {'.'.join(parts[: i + 1])}")
        return kind, meta
    raise ProfileError(path, path, "a profile field")


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one dotted path in a nested mapping (validated against the schema; values are parsed later)."""
    resolve_path(path)
    parts = path.split(".")
    node: dict[str, Any] = data
    for part in parts[:-1]:
        child = node.get(part)
        if isinstance(child, list):  # a list from a TOML file: address its elements by 1-based index
            child = {str(i): v for i, v in enumerate(child, start=1)}
            node[part] = child
        elif not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


_BLANK = object()  # what a column's reader returns for a blank cell: the field keeps its default
_DECIMAL_KINDS = frozenset({"money", "signed_money", "money_list", "headcount"})  # plain digits: Decimal(text)


@dataclass(frozen=True, slots=True)
class _Column:
    """Where a dotted path (a CSV column) lands in the schema: checked once, then reused for every row."""

    group: str  # "" for a top-level field, else the section or table it is in
    row: int  # 1-based row of a table (equipment.2.*), 0 otherwise
    field: str
    kind: str
    meta: Mapping[str, Any]
    element: int  # 1-based element of a fixed list (vat.sales_3pct.2), 0 otherwise
    read: Callable[[Any], Any]  # a cell → its value (or _BLANK); the errors parse_profile gives, naming this path


_IGNORED = _Column("", 0, "", "", {}, 0, lambda value: _BLANK)  # a column that is not a profile field


@lru_cache(maxsize=4096)
def _column(path: str) -> _Column:
    kind, meta = resolve_path(path)  # ProfileError for a path the schema does not have
    parts = path.split(".")
    element = int(parts.pop()) if kind in ("money_list", "growth_list") else 0
    *head, name = parts
    group, row = (head[0], int(head[1])) if len(head) == 2 else (head[0] if head else "", 0)
    return _Column(group, row, name, kind, meta, element, _reader(kind, meta, path))


def _reader(kind: str, meta: Mapping[str, Any], path: str) -> Callable[[Any], Any]:
    """The parser of one column's cells: _parse_scalar with the column's kind and path bound (through
    _parse_repeating for the kinds whose few texts repeat), plus the shortcuts a batch takes for every row: plain
    digits straight to Decimal (as parse_decimal does, without the calls in between), text stripped. The shortcuts
    give what _parse_scalar gives."""
    scalar = {"money_list": "money", "growth_list": "growth"}.get(kind, kind)
    parse = _parse_repeating if scalar in _REPEATING else _parse_scalar

    def general(value: Any) -> Any:
        if _is_blank(value):
            return _BLANK
        return parse(scalar, meta, value, path)

    if kind in _DECIMAL_KINDS:

        def decimal(value: Any) -> Any:
            # plain digits (most amounts in a CSV): fewer than 16 are below MAX_AMOUNT, and an integer is exact
            if type(value) is str and len(value) < 16 and value.isdigit() and value.isascii():
                return Decimal(value)
            return general(value)

        return decimal
    if kind == "text":

        def text(value: Any) -> Any:
            if type(value) is str and len(value) <= 200:
                value = value.strip()  # (strip removes exactly what isspace() sees: blank when nothing is left)
                return value if value else _BLANK
            return general(value)

        return text
    return general


def profile_from_flat(row: Mapping[str, Any]) -> Profile:
    """A profile from dotted-path keys (a CSV row); blank cells are missing values.

    The same result and the same errors as parse_profile on the nested form, built directly: a batch parses every
    row this way, and going through nested dicts and the generic builder was a quarter of a row's time.
    """
    return _assemble(zip(map(_column, row), row.values(), strict=True))


class RowReader:
    """Profiles from the rows of one header (a CSV file's), each column resolved once: `read(cells)` is
    profile_from_flat of the row's non-empty cells. Blank-named columns and those in `ignore` are not read."""

    def __init__(self, header: Sequence[str], ignore: Collection[str] = ("id",)) -> None:
        self._columns = tuple(_IGNORED if not name or name in ignore else _column(name) for name in header)

    def read(self, cells: Sequence[str]) -> Profile:
        # the columns of the non-empty cells, paired with them — both picked in C
        # (cells beyond the header, which the caller checks, are left out by zip)
        return _assemble(zip(compress(self._columns, cells), filter(None, cells)))  # noqa: B905


def _assemble(cells: Iterable[tuple[_Column, Any]]) -> Profile:
    top: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[int, dict[str, Any]]] = {}
    lists: dict[tuple[str, str], list[Decimal]] = {}
    for c, cell in cells:
        value = c.read(cell)
        if value is _BLANK:
            continue
        if c.element:
            values = lists.get((c.group, c.field))
            if values is None:
                values = lists[(c.group, c.field)] = [D0] * c.meta["length"]
            values[c.element - 1] = value
        elif not c.group:
            top[c.field] = value
        elif c.row:
            table = tables.get(c.group)
            if table is None:
                table = tables[c.group] = {}
            fields_ = table.get(c.row)
            if fields_ is None:
                fields_ = table[c.row] = {}
            fields_[c.field] = value
        else:
            group = groups.get(c.group)
            if group is None:
                group = groups[c.group] = {}
            group[c.field] = value
    for (group_name, name), values in lists.items():
        (groups.setdefault(group_name, {}) if group_name else top)[name] = tuple(values)
    schema = _field_meta(Profile)
    for name, kwargs in groups.items():
        top[name] = schema[name]["item"](**kwargs)
    for name, rows in tables.items():
        top[name] = tuple(schema[name]["item"](**rows[i]) for i in sorted(rows))
    return _cross_checks(Profile(**top))


# ── reading files and writing back ────────────────────────────────────────────────────────────────────────────


def load_profile(text: str, *, source: str = "profile", fmt: str = "auto") -> dict[str, Any]:
    """Parse TOML or JSON text into a nested mapping (numbers as Decimal, never float)."""
    if fmt == "auto":
        fmt = "json" if text.lstrip().startswith("{") else "toml"
    if fmt == "json":
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except json.JSONDecodeError as e:
            raise ProfileError(
                source, text, "a JSON object", problem=f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
            ) from None
        except ValueError as e:
            raise ProfileError(
                source, text, "finite JSON numbers", problem=f"not valid JSON: {e} is not a number"
            ) from None
        if not isinstance(data, dict):
            raise ProfileError(source, type(data).__name__, "a JSON object")
        return cast(dict[str, Any], data)
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(
            source, text, "a TOML profile (see `xzcalc template`)", problem=f"not valid TOML: {e}"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The normalised profile: money as exact decimal strings, dates ISO, nothing lost."""
    return cast(dict[str, Any], _plain(profile))
