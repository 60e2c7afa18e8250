"""Classifications computed once per profile and reused by the rules (policies.md A2–A4; A1 is in the CIT chain).

Each returns a Finding: the value and the reason it holds or fails, in words and numbers — or the value alone while
the engine runs without words (money.WORDS: a batch row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from .data import load_data
from .model import Finding, Text
from .money import WORDS
from .money import say as fmt_num  # numbers in reasons: skipped when the engine runs without words
from .params import ParamSet
from .schema.profile import Profile

__all__ = ["Group", "classify", "manufacturing_size", "match_group", "size_class", "sme_equipment"]

WAN = Decimal(10_000)
_INDICATORS = {
    "employees": ("从业人员", "employees"),
    "revenue": ("营业收入", "revenue"),
    "assets": ("资产总额", "total assets"),
}


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: Text
    sectors: tuple[str, ...]
    default_for: tuple[str, ...]
    source: str
    bounds: Mapping[str, Mapping[str, Decimal]]  # e.g. {"sme_below": {"employees": 1000, ...}, ...} in yuan / persons


def _groups(
    table: Sequence[Mapping[str, Any]], bound_keys: Sequence[str], scale: Decimal, source: str
) -> tuple[Group, ...]:
    groups = []
    for g in table:
        bounds = {
            key: {k: Decimal(v) * (scale if k != "employees" else 1) for k, v in g[key].items()} for key in bound_keys
        }
        groups.append(
            Group(
                id=g["id"],
                name=Text(g["name_zh"], g["name_en"]),
                sectors=tuple(g["sectors"]),
                default_for=tuple(g.get("default_for", ())),
                source=g.get("source", source),
                bounds=bounds,
            )
        )
    return tuple(groups)


@cache
def size_standard() -> tuple[Group, ...]:
    table = load_data("size_standard.toml")["group"]
    return _groups(table, ("sme_below", "medium_at_least", "small_at_least"), WAN, "工信部联企业〔2011〕300号")


@cache
def sme_equipment_groups() -> tuple[tuple[Group, ...], tuple[str, ...], date, date]:
    doc = load_data("sme_equipment.toml")
    groups = _groups(doc["group"], ("below_any",), Decimal(1), "; ".join(doc["sources"]))
    return groups, tuple(doc["sources"]), doc["valid_from"], doc["valid_until"]


def _per_sector(fn: Callable[[Sequence[Group], str], tuple[Group, Text | None]]) -> Any:
    """Remember match_group's answer per (groups, sector): a batch asks it twice a row for a few dozen
    sectors. Keyed by the groups' identity, checked on every hit (the tables come from cached loaders)."""
    memo: dict[tuple[int, str], tuple[Sequence[Group], tuple[Group, Text | None]]] = {}

    def matched(groups: Sequence[Group], sector: str) -> tuple[Group, Text | None]:
        hit = memo.get((id(groups), sector))
        if hit is not None and hit[0] is groups:
            return hit[1]
        answer = fn(groups, sector)
        if len(memo) >= 4096:
            memo.clear()
        memo[(id(groups), sector)] = (groups, answer)
        return answer

    matched.__doc__ = fn.__doc__
    return matched


@_per_sector
def match_group(groups: Sequence[Group], sector: str) -> tuple[Group, Text | None]:
    """The group of a sector code: a bare code a group stands for, else the longest matching prefix."""
    for g in groups:
        if sector in g.default_for:
            note = Text(
                f"行业代码 {sector} 未细分到类，按“{g.name.zh}”处理",
                f"sector {sector} does not say which group; read as {g.name.en}",
            )
            return g, note
    best = max(
        (g for g in groups for p in g.sectors if sector.startswith(p)),
        key=lambda g: max(len(p) for p in g.sectors if sector.startswith(p)),
    )
    return best, None


def _values(profile: Profile, revenue: Decimal | None = None) -> dict[str, Decimal]:
    return {
        "employees": profile.employees,
        "revenue": profile.revenue if revenue is None else revenue,
        "assets": profile.total_assets,
    }


def _show(key: str, value: Decimal, lang: str) -> str:
    zh, en = _INDICATORS[key]
    if key == "employees":
        return f"{zh} {fmt_num(value)} 人" if lang == "zh" else f"{en} {fmt_num(value)}"
    return f"{zh} {fmt_num(value)} 元" if lang == "zh" else f"{en} {fmt_num(value)} yuan"


def _compare(key: str, value: Decimal, bound: Decimal, op: str) -> Text:
    return Text(f"{_show(key, value, 'zh')} {op} {fmt_num(bound)}", f"{_show(key, value, 'en')} {op} {fmt_num(bound)}")


def size_class(
    profile: Profile,
    *,
    revenue: Decimal | None = None,
    indicators: Sequence[str] | None = None,
    sales_bands: Mapping[str, Decimal] | None = None,
) -> Finding:
    """A3: large / medium / small / micro by the 2011 standard.

    `revenue` replaces 营业收入 (VAT sales for B7). `indicators` keeps only those indicators of the table (2022年第14号
    第六条 sizes by 营业收入 and 资产总额 only); a group left with none is sized by `sales_bands` on `revenue` instead
    ("未采用营业收入指标或资产总额指标划型确定的纳税人" — micro / small / medium ceilings, strictly below).
    """
    group, note = match_group(size_standard(), profile.sector)
    values = _values(profile, revenue)
    bounds = group.bounds
    if indicators is not None:
        bounds = {key: {k: v for k, v in b.items() if k in indicators} for key, b in bounds.items()}
        if not bounds["sme_below"]:
            assert sales_bands is not None, "a group without the kept indicators needs sales bands"
            return _size_by_sales_bands(values["revenue"], sales_bands, _group_reasons(group, note))
    below = [(k, b) for k, b in bounds["sme_below"].items() if values[k] < b]
    if not below:
        cls = "large"
    elif all(values[k] >= b for k, b in bounds["medium_at_least"].items()):
        cls = "medium"
    elif all(values[k] >= b for k, b in bounds["small_at_least"].items()):
        cls = "small"
    else:
        cls = "micro"
    if not WORDS.get():
        return Finding("size_class", cls, ())
    reasons = _group_reasons(group, note)
    if cls == "large":
        shown = [_compare(k, values[k], b, "≥") for k, b in bounds["sme_below"].items()]
        reasons.append(
            Text(
                "大型：" + "，".join(t.zh for t in shown) + "，均未低于中小微企业上限",
                "large: " + ", ".join(t.en for t in shown) + " — none below the SME ceilings",
            )
        )
    elif cls in ("medium", "small"):
        k, b = below[0]
        sme = _compare(k, values[k], b, "<")
        zh = "中型" if cls == "medium" else "小型"
        shown = [_compare(k, values[k], b, "≥") for k, b in bounds[f"{cls}_at_least"].items()]
        reasons.append(
            Text(
                f"{zh}：{sme.zh}（中小微），且 " + "，".join(t.zh for t in shown),
                f"{cls}: {sme.en} (SME), and " + ", ".join(t.en for t in shown),
            )
        )
    else:
        failed = [_compare(k, values[k], b, "<") for k, b in bounds["small_at_least"].items() if values[k] < b]
        reasons.append(
            Text(
                "微型：" + "，".join(t.zh for t in failed) + "（低于小型企业下限）",
                "micro: " + ", ".join(t.en for t in failed) + " (below the small-enterprise bounds)",
            )
        )
    return Finding("size_class", cls, tuple(reasons))


def _group_reasons(group: Group, note: Text | None) -> list[Text]:
    """The first reasons of a size finding: how the sector was read, and the size group it falls in."""
    if not WORDS.get():
        return []
    reasons = [] if note is None else [note]
    reasons.append(
        Text(f"划型行业：{group.name.zh}（{group.source}）", f"size group: {group.name.en} ({group.source})")
    )
    return reasons


def _size_by_sales_bands(sales: Decimal, bands: Mapping[str, Decimal], reasons: list[Text]) -> Finding:
    for cls, zh in (("micro", "微型"), ("small", "小型"), ("medium", "中型")):
        ceiling = Decimal(bands[cls])
        if sales < ceiling:
            if WORDS.get():
                reasons.append(
                    Text(
                        f"{zh}：该行业划型不用营业收入、资产总额指标，按增值税销售额 {fmt_num(sales)} < "
                        f"{fmt_num(ceiling)}",
                        f"{cls}: the group is not sized by revenue or assets, so by VAT sales {fmt_num(sales)} "
                        f"< {fmt_num(ceiling)}",
                    )
                )
            return Finding("size_class", cls, tuple(reasons))
    top = Decimal(bands["medium"])
    if WORDS.get():
        reasons.append(
            Text(
                f"大型：增值税销售额 {fmt_num(sales)} ≥ {fmt_num(top)}",
                f"large: VAT sales {fmt_num(sales)} ≥ {fmt_num(top)}",
            )
        )
    return Finding("size_class", "large", tuple(reasons))


def sme_equipment(profile: Profile) -> Finding:
    """A2: 中小微企业 for the equipment deduction — ONE criterion strictly below its ceiling suffices."""
    groups, sources, _, _ = sme_equipment_groups()
    group, note = match_group(groups, profile.sector)
    values = _values(profile)
    ceilings = group.bounds["below_any"]
    below = [(k, b) for k, b in ceilings.items() if values[k] < b]
    if not WORDS.get():
        return Finding("sme_equipment", bool(below), ())
    reasons: list[Text] = [] if note is None else [note]
    if below:
        k, b = below[0]
        c = _compare(k, values[k], b, "<")
        reasons.append(
            Text(
                f"符合设备器具扣除的中小微企业标准（{group.name.zh}）：{c.zh}（{sources[0]}）",
                f"an SME for the equipment deduction ({group.name.en}): {c.en} ({sources[0]})",
            )
        )
        return Finding("sme_equipment", True, tuple(reasons))
    shown = [_compare(k, values[k], b, "≥") for k, b in ceilings.items()]
    reasons.append(
        Text(
            f"不符合设备器具扣除的中小微企业标准（{group.name.zh}）：" + "，".join(t.zh for t in shown),
            f"not an SME for the equipment deduction ({group.name.en}): " + ", ".join(t.en for t in shown),
        )
    )
    return Finding("sme_equipment", False, tuple(reasons))


def manufacturing_size(profile: Profile, params: ParamSet) -> Finding:
    """A4: manufacturing small/micro (< 20,000,000) or medium (< 400,000,000) by prior-year sales, for B8."""
    on = date(2021, 12, 31)  # the size test of 2021年第30号 uses the prior year's sales; the bands are dated data
    words = WORDS.get()
    if not profile.sector.startswith("C"):
        if not words:
            return Finding("manufacturing_size", None, ())
        return Finding(
            "manufacturing_size",
            None,
            (
                Text(
                    f"非制造业（行业 {profile.sector}），不适用制造业中小微企业缓税",
                    f"not manufacturing (sector {profile.sector}): the manufacturing SME deferral does not apply",
                ),
            ),
        )
    sales = profile.prior_revenue
    small = Decimal(params.get("tax.manufacturing_sme_deferral.small_micro_below", on))
    medium = Decimal(params.get("tax.manufacturing_sme_deferral.medium_below", on))
    value = "small-micro" if sales < small else "medium" if sales < medium else None
    if not words:
        return Finding("manufacturing_size", value, ())
    src = params.parameter("tax.manufacturing_sme_deferral.small_micro_below").source
    if value == "small-micro":
        reason = Text(
            f"制造业小微企业：上年销售额 {fmt_num(sales)} < {fmt_num(small)}（{src}）",
            f"manufacturing small/micro: prior-year sales {fmt_num(sales)} < {fmt_num(small)} ({src})",
        )
    elif value == "medium":
        reason = Text(
            f"制造业中型企业：{fmt_num(small)} ≤ 上年销售额 {fmt_num(sales)} < {fmt_num(medium)}",
            f"manufacturing medium: {fmt_num(small)} ≤ prior-year sales {fmt_num(sales)} < {fmt_num(medium)}",
        )
    else:
        reason = Text(
            f"上年销售额 {fmt_num(sales)} ≥ {fmt_num(medium)}，不属于制造业中小微企业",
            f"prior-year sales {fmt_num(sales)} ≥ {fmt_num(medium)}: not a manufacturing SME",
        )
    return Finding("manufacturing_size", value, (reason,))


def classify(profile: Profile, params: ParamSet) -> dict[str, Finding]:
    """A2–A4 (A1 small_low_profit is added by the CIT chain, which needs the taxable income after deductions)."""
    return {
        "sme_equipment": sme_equipment(profile),
        "size_class": size_class(profile),
        "manufacturing_size": manufacturing_size(profile, params),
    }
