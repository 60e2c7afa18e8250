"""Classifications computed once per profile and reused by the rules (policies.md A2–A4; A1 is in the CIT chain).

Each returns a Finding: the value and the reasons it holds or fails, as messages (xzcalc.messages) with the numbers
compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Literal

from .data import load_data
from .messages import Msg, Text
from .model import Finding
from .params import ParamSet, cites_in_force
from .schema.profile import Profile

__all__ = [
    "CLASSIFICATIONS",
    "Group",
    "classify",
    "manufacturing_size",
    "match_group",
    "size_class",
    "sme_equipment",
    "sme_equipment_source",
]

WAN = Decimal(10_000)


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


@lru_cache(maxsize=4096)
def match_group(table: Literal["size_standard", "sme_equipment"], sector: str) -> tuple[Group, Msg | None]:
    """The group of a sector code in one of the two size tables: a bare code a group stands for, else the longest
    matching prefix; with a note when a bare code was read as its default group."""
    groups = size_standard() if table == "size_standard" else sme_equipment_groups()[0]
    for g in groups:
        if sector in g.default_for:
            return g, Msg("classify.sector_read_as", {"sector": sector, "group": g.name})
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


def _compare(key: str, value: Decimal, bound: Decimal, op: str) -> Msg:
    """ "从业人员 120 人 < 300" — one indicator against its bound."""
    return Msg(f"classify.indicator.{key}", {"value": value, "op": op, "bound": bound})


def _size(cls: str) -> Msg:
    return Msg(f"classify.size_name.{cls}")


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
    group, note = match_group("size_standard", profile.sector)
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
    reasons = _group_reasons(group, note)
    if cls == "large":
        shown = [_compare(k, values[k], b, "≥") for k, b in bounds["sme_below"].items()]
        reasons.append(Msg("classify.size_class.large", {"shown": shown}))
    elif cls in ("medium", "small"):
        k, b = below[0]
        shown = [_compare(k, values[k], b, "≥") for k, b in bounds[f"{cls}_at_least"].items()]
        reasons.append(
            Msg("classify.size_class.sme", {"size": _size(cls), "sme": _compare(k, values[k], b, "<"), "shown": shown})
        )
    else:
        failed = [_compare(k, values[k], b, "<") for k, b in bounds["small_at_least"].items() if values[k] < b]
        reasons.append(Msg("classify.size_class.micro", {"failed": failed}))
    return Finding("size_class", cls, tuple(reasons))


def _group_reasons(group: Group, note: Msg | None) -> list[Msg]:
    """The first reasons of a size finding: how the sector was read, and the size group it falls in."""
    reasons = [] if note is None else [note]
    reasons.append(Msg("classify.size_group", {"group": group.name, "source": group.source}))
    return reasons


def _size_by_sales_bands(sales: Decimal, bands: Mapping[str, Decimal], reasons: list[Msg]) -> Finding:
    for cls in ("micro", "small", "medium"):
        ceiling = Decimal(bands[cls])
        if sales < ceiling:
            reasons.append(
                Msg("classify.size_class.by_sales", {"size": _size(cls), "sales": sales, "ceiling": ceiling})
            )
            return Finding("size_class", cls, tuple(reasons))
    top = Decimal(bands["medium"])
    reasons.append(Msg("classify.size_class.large_by_sales", {"sales": sales, "top": top}))
    return Finding("size_class", "large", tuple(reasons))


@cache
def sme_equipment_source(jurisdiction: str) -> str:
    """The clause A2's table is cited by in `jurisdiction`: the first of data/sme_equipment.toml's `sources` in force
    there (the same text is in the three plans and the national announcement; policies.md E7)."""
    return cites_in_force(sme_equipment_groups()[1], jurisdiction)[0]


def sme_equipment(profile: Profile) -> Finding:
    """A2: 中小微企业 for the equipment deduction — ONE criterion strictly below its ceiling suffices."""
    source = sme_equipment_source(profile.jurisdiction)
    group, note = match_group("sme_equipment", profile.sector)
    values = _values(profile)
    ceilings = group.bounds["below_any"]
    below = [(k, b) for k, b in ceilings.items() if values[k] < b]
    reasons: list[Msg] = [] if note is None else [note]
    if below:
        k, b = below[0]
        compared = _compare(k, values[k], b, "<")
        reasons.append(Msg("classify.sme_equipment.yes", {"group": group.name, "compared": compared, "source": source}))
        return Finding("sme_equipment", True, tuple(reasons))
    shown = [_compare(k, values[k], b, "≥") for k, b in ceilings.items()]
    reasons.append(Msg("classify.sme_equipment.no", {"group": group.name, "shown": shown}))
    return Finding("sme_equipment", False, tuple(reasons))


def manufacturing_size(profile: Profile, params: ParamSet) -> Finding:
    """A4: manufacturing small/micro or medium by the prior year's sales, for B8 (2021年第30号: the bands are dated
    data, read on the last day of the prior year)."""
    if not profile.sector.startswith("C"):
        return Finding("manufacturing_size", None, (Msg("classify.manufacturing.not", {"sector": profile.sector}),))
    on = date(profile.year - 1, 12, 31)
    sales = profile.prior_revenue
    bands = [
        params.get_or_none(f"tax.manufacturing_sme_deferral.{b}", on) for b in ("small_micro_below", "medium_below")
    ]
    if None in bands:  # a tax year whose prior year the deferral's bands do not cover (years.md: not in force)
        return Finding("manufacturing_size", None, (Msg("classify.manufacturing.no_bands", {"year": profile.year}),))
    small, medium = Decimal(bands[0]), Decimal(bands[1])
    value = "small-micro" if sales < small else "medium" if sales < medium else None
    src = params.parameter("tax.manufacturing_sme_deferral.small_micro_below").source
    message = {"small-micro": "small_micro", "medium": "medium", None: "neither"}[value]
    values = {"sales": sales, "small": small, "medium": medium, "source": src}
    return Finding("manufacturing_size", value, (Msg(f"classify.manufacturing.{message}", values),))


# Every classification a Result carries, in the order outputs show them: A1 (added by the CIT chain, which needs
# the taxable income after deductions), then A2–A4 computed here.
CLASSIFICATIONS = ("small_low_profit", "sme_equipment", "size_class", "manufacturing_size")


def classify(profile: Profile, params: ParamSet) -> dict[str, Finding]:
    """A2–A4 (A1 small_low_profit is added by the CIT chain, which needs the taxable income after deductions)."""
    return {
        "sme_equipment": sme_equipment(profile),
        "size_class": size_class(profile),
        "manufacturing_size": manufacturing_size(profile, params),
    }
