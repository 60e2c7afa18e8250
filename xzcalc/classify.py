"""Classifications computed once per profile and reused by the rules (policies.md A2–A4; A1 is in the CIT chain).

Each returns a Finding: the value and the reasons it holds or fails, as messages (xzcalc.messages) with the numbers
compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache, reduce
from typing import Any, Literal

from .data import load_data
from .messages import Msg, Text
from .model import Finding
from .params import ParamSet, cites_in_force
from .record import record
from .schema.profile import Profile
from .vocabulary import negate, select

__all__ = [
    "CLASSIFICATIONS",
    "Group",
    "classify",
    "manufacturing_size",
    "match_group",
    "size_class",
    "size_group",
    "sme_equipment",
    "sme_equipment_source",
]

WAN = Decimal(10_000)


@record
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


def size_group(sector: str) -> str:
    """The group of the 2011 size standard a sector falls in: all size_class reads of the sector (the batch's
    columns size the rows of one group together)."""
    return match_group("size_standard", sector)[0].id


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


def _finding(profile: Profile, name: str, value: Any, reasons: Callable[[], Sequence[Msg]]) -> Finding:
    """The finding; its reasons only for one profile (a block of batch rows, batch/columnar.Fields, keeps none)."""
    return Finding(name, value, () if getattr(profile, "block", False) else tuple(reasons()))


def _all(conditions: Sequence[bool]) -> bool:
    """Every condition holds (for a row or a column; kit.both over a list)."""
    return reduce(lambda a, b: a & b, conditions, True)


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
    Written for a row and for a block of rows (rules/kit's vocabulary; the sector a single value).
    """
    group, note = match_group("size_standard", profile.sector)
    values = _values(profile, revenue)
    bounds = group.bounds
    if indicators is not None:
        bounds = {key: {k: v for k, v in b.items() if k in indicators} for key, b in bounds.items()}
        if not bounds["sme_below"]:
            assert sales_bands is not None, "a group without the kept indicators needs sales bands"
            return _size_by_sales_bands(profile, values["revenue"], sales_bands, group, note)
    sme = negate(_all([values[k] >= b for k, b in bounds["sme_below"].items()]))
    medium = _all([values[k] >= b for k, b in bounds["medium_at_least"].items()])
    small = _all([values[k] >= b for k, b in bounds["small_at_least"].items()])
    cls = select(((negate(sme), "large"), (medium, "medium"), (small, "small")), "micro")

    def reasons() -> list[Msg]:
        found = _group_reasons(group, note)
        below = [(k, b) for k, b in bounds["sme_below"].items() if values[k] < b]
        if cls == "large":
            shown = [_compare(k, values[k], b, "≥") for k, b in bounds["sme_below"].items()]
            found.append(Msg("classify.size_class.large", {"shown": shown}))
        elif cls in ("medium", "small"):
            k, b = below[0]
            shown = [_compare(k, values[k], b, "≥") for k, b in bounds[f"{cls}_at_least"].items()]
            sme_msg = _compare(k, values[k], b, "<")
            found.append(Msg("classify.size_class.sme", {"size": _size(cls), "sme": sme_msg, "shown": shown}))
        else:
            failed = [_compare(k, values[k], b, "<") for k, b in bounds["small_at_least"].items() if values[k] < b]
            found.append(Msg("classify.size_class.micro", {"failed": failed}))
        return found

    return _finding(profile, "size_class", cls, reasons)


def _group_reasons(group: Group, note: Msg | None) -> list[Msg]:
    """The first reasons of a size finding: how the sector was read, and the size group it falls in."""
    reasons = [] if note is None else [note]
    reasons.append(Msg("classify.size_group", {"group": group.name, "source": group.source}))
    return reasons


def _size_by_sales_bands(
    profile: Profile, sales: Decimal, bands: Mapping[str, Decimal], group: Group, note: Msg | None
) -> Finding:
    ceilings = {cls: Decimal(bands[cls]) for cls in ("micro", "small", "medium")}
    cls = select(((sales < ceiling, name) for name, ceiling in ceilings.items()), "large")

    def reasons() -> list[Msg]:
        found = _group_reasons(group, note)
        if cls == "large":
            found.append(Msg("classify.size_class.large_by_sales", {"sales": sales, "top": ceilings["medium"]}))
        else:
            values = {"size": _size(cls), "sales": sales, "ceiling": ceilings[cls]}
            found.append(Msg("classify.size_class.by_sales", values))
        return found

    return _finding(profile, "size_class", cls, reasons)


@cache
def sme_equipment_source(jurisdiction: str) -> str:
    """The clause A2's table is cited by in `jurisdiction`: the first of data/sme_equipment.toml's `sources` in force
    there (the same text is in the three plans and the national announcement; policies.md E7)."""
    return cites_in_force(sme_equipment_groups()[1], jurisdiction)[0]


def sme_equipment(profile: Profile) -> Finding:
    """A2: 中小微企业 for the equipment deduction — ONE criterion strictly below its ceiling suffices. For a row and
    for a block of rows (the sector and jurisdiction single values)."""
    group, note = match_group("sme_equipment", profile.sector)
    values = _values(profile)
    ceilings = group.bounds["below_any"]
    holds = negate(_all([values[k] >= b for k, b in ceilings.items()]))

    def reasons() -> list[Msg]:
        found: list[Msg] = [] if note is None else [note]
        below = [(k, b) for k, b in ceilings.items() if values[k] < b]
        if below:
            k, b = below[0]
            compared = _compare(k, values[k], b, "<")
            source = sme_equipment_source(profile.jurisdiction)
            values_yes = {"group": group.name, "compared": compared, "source": source}
            found.append(Msg("classify.sme_equipment.yes", values_yes))
        else:
            shown = [_compare(k, values[k], b, "≥") for k, b in ceilings.items()]
            found.append(Msg("classify.sme_equipment.no", {"group": group.name, "shown": shown}))
        return found

    return _finding(profile, "sme_equipment", holds, reasons)


def manufacturing_size(profile: Profile, params: ParamSet) -> Finding:
    """A4: manufacturing small/micro or medium by the prior year's sales, for B8 (2021年第30号: the bands are dated
    data, read on the last day of the prior year). For a row and for a block of rows (sector and year single)."""
    if not profile.sector.startswith("C"):
        reason = Msg("classify.manufacturing.not", {"sector": profile.sector})
        return _finding(profile, "manufacturing_size", None, lambda: (reason,))
    on = date(profile.year - 1, 12, 31)
    sales = profile.prior_revenue
    bands = [
        params.get_or_none(f"tax.manufacturing_sme_deferral.{b}", on) for b in ("small_micro_below", "medium_below")
    ]
    if None in bands:  # a tax year whose prior year the deferral's bands do not cover (years.md: not in force)
        reason = Msg("classify.manufacturing.no_bands", {"year": profile.year})
        return _finding(profile, "manufacturing_size", None, lambda: (reason,))
    small, medium = Decimal(bands[0]), Decimal(bands[1])
    value = select(((sales < small, "small-micro"), (sales < medium, "medium")), None)

    def reasons() -> tuple[Msg]:
        src = params.parameter("tax.manufacturing_sme_deferral.small_micro_below").source
        message = {"small-micro": "small_micro", "medium": "medium", None: "neither"}[value]
        values = {"sales": sales, "small": small, "medium": medium, "source": src}
        return (Msg(f"classify.manufacturing.{message}", values),)

    return _finding(profile, "manufacturing_size", value, reasons)


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
