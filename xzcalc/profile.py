"""The enterprise profile: one declared schema, read from TOML, JSON, a CSV row, CLI options and --set PATH=VALUE.

The schema is the dataclasses below; each field's metadata names its kind — an object of xzcalc/schema/kinds.py,
which parses that kind, reads its CSV cells, gives its JSON Schema, template example, unit and sweep step — and its
meaning in both languages. Everything else — dotted paths, the CSV header, the template — is derived from it, so a
field is declared once.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress
from typing import Any, TypeVar, cast

from .schema.kinds import (
    BLANK,
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
    Reader,
    Scalar,
    Section,
    Table,
    is_blank,
)

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


@dataclass(frozen=True, slots=True)
class Income:
    taxable_income: Decimal = spec(
        SIGNED_MONEY,
        "应纳税所得额（研发加计扣除和设备一次性扣除前；可为负数即亏损）",
        "taxable income before the R&D super deduction and the special equipment deduction (negative = a loss)",
    )
    rd_expense: Decimal = spec(MONEY, "本年可加计扣除的研发费用", "eligible R&D expense of the year")
    rd_expense_q4: Decimal = spec(
        MONEY, "其中2022年10月至12月发生的研发费用", "of which incurred 2022-10..12 (part of rd_expense)"
    )
    other_relief: Decimal = spec(
        MONEY,
        "个体工商户：已享受的其他政策减免税额（国家税务总局公告2021年第8号公式中的“其他政策减免税额”）",
        "individual business: relief already given by other policies (the 2021年第8号 formula)",
    )


@dataclass(frozen=True, slots=True)
class Equipment:
    name: str = spec(TEXT, "设备名称", "equipment name")
    unit_value: Decimal = spec(MONEY, "单位价值（元）", "unit value (yuan)")
    years: int = spec(
        NumberChoice((3, 4, 5, 10)),
        "企业所得税法实施条例规定的最低折旧年限",
        "minimum depreciation years under the CIT implementation regulations",
        10,
    )
    in_service: date | None = spec(DATE, "投入使用月份", "month it entered service", example="2022-06")


@dataclass(frozen=True, slots=True)
class Vat:
    taxpayer: str = spec(Choice(("small-scale", "general")), "增值税纳税人类型", "VAT taxpayer type", "general")
    sales_3pct: tuple[Decimal, ...] = spec(
        FixedList(MONEY, 4), "适用3%征收率的不含税销售额，按季度", "tax-exclusive sales at 3%, by quarter"
    )
    sales_other: tuple[Decimal, ...] = spec(
        FixedList(MONEY, 4),
        "适用其他征收率（5%）的不含税销售额，按季度",
        "tax-exclusive sales at other rates (5%), by quarter",
    )
    vat_payable: Decimal = spec(
        MONEY,
        "一般纳税人：全年应纳增值税（附加税费计税依据）",
        "general taxpayer: VAT payable for the year (surcharge base)",
    )
    consumption_tax: Decimal = spec(MONEY, "全年应纳消费税", "consumption tax payable for the year")
    stock_credit: Decimal = spec(MONEY, "存量留抵税额", "stock of uncredited input VAT (存量留抵)")
    incremental_credit: Decimal = spec(MONEY, "增量留抵税额", "incremental uncredited input VAT (增量留抵)")
    input_ratio: Decimal = spec(RATE, "进项构成比例", "input composition ratio (进项构成比例)", Decimal(1))
    refund_conditions_met: bool = spec(
        FLAG,
        "纳税信用等级为A级或B级且符合留抵退税其他条件",
        "credit rating A or B and the other credit-refund conditions met",
    )


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Employment:
    ui_premiums_prior_year: Decimal = spec(
        MONEY,
        "上年度企业及职工实际缴纳的失业保险费",
        "unemployment insurance actually paid last year, enterprise + employees",
    )
    insured_employees: int = spec(PERSONS, "参保职工人数", "insured employees")
    insured_months: int = spec(MONTHS, "连续参保月数", "months insured", 12)
    layoff_rate: Decimal = spec(RATE, "上年度裁员率", "layoff rate of the prior year")
    refund_date: date | None = spec(DATE, "稳岗返还发放日期", "date the stable-job refund is paid")


@dataclass(frozen=True, slots=True)
class Deferral:
    taxes_2021q4: Decimal = spec(MONEY, "2021年第四季度可缓缴税费", "deferrable taxes of 2021 Q4")
    taxes_2022q1: Decimal = spec(MONEY, "2022年第一季度可缓缴税费", "deferrable taxes of 2022 Q1")
    taxes_2022q2: Decimal = spec(MONEY, "2022年第二季度可缓缴税费", "deferrable taxes of 2022 Q2")


@dataclass(frozen=True, slots=True)
class Innovation:
    voucher_spend: Decimal = spec(
        MONEY, "购买创新服务、开展技术合作的支出", "spend on innovation services or technical cooperation"
    )


@dataclass(frozen=True, slots=True)
class FirstSet:
    name: str = spec(TEXT, "首台（套）装备名称", "first-set equipment name")
    price: Decimal = spec(MONEY, "购置价格", "purchase price")


@dataclass(frozen=True, slots=True)
class Materials:
    first_batch_premium: Decimal = spec(
        MONEY, "首批次新材料保险年度保费", "annual premium paid for first-batch new-material insurance"
    )


@dataclass(frozen=True, slots=True)
class TechUpgrade:
    investment: Decimal = spec(MONEY, "技术改造项目固定资产投资", "fixed-asset investment of the upgrade project")
    national_grant: Decimal = spec(MONEY, "获得的国家专项资金支持", "national grant received for the project")


@dataclass(frozen=True, slots=True)
class ChainLeader:
    member: bool = spec(FLAG, "八大重点产业链链主企业", "chain-leader enterprise of a Xinzhou key industrial chain")
    output_prior: Decimal = spec(MONEY, "2021年产值", "2021 output value")
    output: Decimal = spec(MONEY, "2022年产值", "2022 output value")


@dataclass(frozen=True, slots=True)
class Whitelist:
    member: bool = spec(FLAG, "六大重点产业链供应链“白名单”企业", "key supply-chain white-list enterprise")
    growth_2023: tuple[Decimal, ...] = spec(
        FixedList(GROWTH, 3), "2023年1、2、3月产值同比增速", "Jan, Feb, Mar 2023 year-on-year output growth"
    )


@dataclass(frozen=True, slots=True)
class DevZone:
    monthly_rent: Decimal = spec(
        MONEY, "省级开发区标准化厂房月租金", "monthly rent of standardised factory space in a provincial zone"
    )


@dataclass(frozen=True, slots=True)
class Guarantee:
    amount: Decimal = spec(MONEY, "批量化担保金额", "batch guarantee amount")
    fee_rate: Decimal = spec(RATE, "担保费率", "guarantee fee rate")
    contract_date: date | None = spec(DATE, "担保合同签订日期", "guarantee contract date")


@dataclass(frozen=True, slots=True)
class StartupLoan:
    principal: Decimal = spec(MONEY, "创业担保贷款本金", "start-up guaranteed loan principal")
    months: int = spec(MONTHS, "贷款期限（月）", "loan term (months)")
    contract_date: date | None = spec(DATE, "贷款合同签订日期", "loan contract date")
    lpr: Decimal | None = spec(
        RATE, "合同约定的1年期LPR（可选）", "the 1-year LPR named in the contract (optional)", None
    )


@dataclass(frozen=True, slots=True)
class Utilities:
    deferred_bills: Decimal = spec(
        MONEY, "缓缴的2022年12月至2023年3月水、气费", "water and gas bills of 2022-12..2023-03 deferred"
    )


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = spec(TEXT, "企业名称", "enterprise name")
    uscc: str = spec(
        USCC, "统一社会信用代码（可选，校验位）", "unified social credit code (optional; check digit verified)"
    )
    jurisdiction: str = spec(Choice(("xinzhou", "shanxi", "inner-mongolia")), "所在地区", "jurisdiction", "xinzhou")
    year: int = spec(YEAR, "纳税年度", "tax year", 2022)
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
    employees: Decimal = spec(HEADCOUNT, "全年季度平均从业人数", "annual average headcount (从业人数)")
    total_assets: Decimal = spec(MONEY, "全年季度平均资产总额", "annual average total assets")
    revenue: Decimal = spec(MONEY, "本年营业收入", "operating revenue of the year")
    prior_revenue: Decimal = spec(MONEY, "上年销售额（缓税划型）", "prior-year sales (deferral size test)")
    tech_sme: bool = spec(FLAG, "已入库科技型中小企业", "registered technology-based SME (科技型中小企业)")
    restricted_industry: bool = spec(FLAG, "从事国家限制或禁止行业", "in a restricted or prohibited industry")
    income: Income = spec(Section(Income), "所得", "income")
    equipment: tuple[Equipment, ...] = spec(Table(Equipment), "本年新购置设备器具", "equipment bought in the year")
    vat: Vat = spec(Section(Vat), "增值税", "VAT")
    local_taxes: LocalTaxes = spec(
        Section(LocalTaxes), "六税两费（减免前全年税额）", "local taxes (annual, before relief)"
    )
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


# ── parsing ───────────────────────────────────────────────────────────────────────────────────────────────────

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
        if isinstance(kind, Section):
            kwargs[name] = _build(kind.item, value, f"{path}.")
        elif isinstance(kind, Table):
            rows: list[Any] = []
            for index, element in _index_items(value, path):
                if isinstance(element, Mapping) and all(is_blank(v) for v in element.values()):
                    continue  # an all-empty row of a CSV's equipment.N.* columns
                rows.append(_build(kind.item, element, f"{path}.{index}."))
            kwargs[name] = tuple(rows)
        elif isinstance(kind, FixedList):
            length = kind.length
            values = [D0] * length
            for index, element in _index_items(value, path):
                if index > length:
                    raise ProfileError(f"{path}.{index}", element, f"at most {length} values (1..{length})")
                values[index - 1] = kind.element.parse(element, f"{path}.{index}")
            kwargs[name] = tuple(values)
        else:
            parsed = kind.read(value, path)
            if parsed is not BLANK:  # (a blank rate keeps the declared default: input_ratio = 1, lpr = None)
                kwargs[name] = parsed
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
        if isinstance(kind, Section):
            yield from _paths(kind.item, f"{path}.", rows)
        elif isinstance(kind, Table):
            for i in range(1, rows + 1):
                yield from _paths(kind.item, f"{path}.{i}.", rows)
        elif isinstance(kind, FixedList):
            for i in range(1, kind.length + 1):
                yield f"{path}.{i}"
        else:
            yield path


def resolve_path(path: str) -> tuple[Kind, Mapping[str, Any]]:
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
        if isinstance(kind, Section):
            cls, i = kind.item, i + 1
            if not rest:
                raise ProfileError(
                    path, path, "a field inside the table, e.g. " + f"{path}.{next(iter(_field_meta(cls)))}"
                )
            continue
        if isinstance(kind, Table):
            if len(rest) < 2 or not rest[0].isdigit() or int(rest[0]) < 1:
                raise ProfileError(path, path, f"{parts[i]}.N.FIELD with N counted from 1")
            cls, i = kind.item, i + 2
            continue
        if isinstance(kind, FixedList):
            length = kind.length
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


@dataclass(frozen=True, slots=True)
class _Column:
    """Where a dotted path (a CSV column) lands in the schema: checked once, then reused for every row."""

    group: str  # "" for a top-level field, else the section or table it is in
    row: int  # 1-based row of a table (equipment.2.*), 0 otherwise
    field: str
    length: int  # the length of a fixed list (vat.sales_3pct), 0 otherwise
    element: int  # 1-based element of a fixed list (vat.sales_3pct.2), 0 otherwise
    read: Reader  # a cell → its value (or BLANK); the errors parse_profile gives, naming this path


_IGNORED = _Column("", 0, "", 0, 0, lambda value: BLANK)  # a column that is not a profile field


@lru_cache(maxsize=4096)
def _column(path: str) -> _Column:
    kind, _meta = resolve_path(path)  # ProfileError for a path the schema does not have
    parts = path.split(".")
    length, element = 0, 0
    if isinstance(kind, FixedList):
        length, element = kind.length, int(parts.pop())
        kind = kind.element
    *head, name = parts
    group, row = (head[0], int(head[1])) if len(head) == 2 else (head[0] if head else "", 0)
    assert isinstance(kind, Scalar)
    return _Column(group, row, name, length, element, kind.cell_reader(path))


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
        if value is BLANK:
            continue
        if c.element:
            values = lists.get((c.group, c.field))
            if values is None:
                values = lists[(c.group, c.field)] = [D0] * c.length
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
        top[name] = schema[name]["kind"].item(**kwargs)
    for name, rows in tables.items():
        top[name] = tuple(schema[name]["kind"].item(**rows[i]) for i in sorted(rows))
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
