"""Titles and number formats for people, written once and used by every view: kinds, jurisdictions, certainties,
classifications, the unnamed enterprise, yuan, signed differences, short axis numbers, parameter values.

Texts are messages.Text (zh and en side by side); numbers go through money.fmt_num (exact digits) or `yuan`
(thousands separators and two decimals: every amount is already rounded to the fen).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..messages import Lang, Msg, Text
from ..model import KIND_TITLES, Claim, Item
from ..money import fmt_num
from ..params import cites_in_force, jurisdiction_chain, jurisdictions, local_documents
from ..schema.profile import Profile

__all__ = [
    "AMOUNT_YUAN",
    "CERTAINTY_TITLES",
    "CIT",
    "CLAIM",
    "CLASS_TITLES",
    "JURISDICTION_TITLES",
    "KIND",
    "MAY_APPLY",
    "NATIONAL_TEXT",
    "POLICY",
    "SOURCES",
    "TOTALS",
    "TOTALS_BY_KIND",
    "UNNAMED",
    "amount_cell",
    "certainty_title",
    "claim_channel",
    "claim_line",
    "claim_short",
    "claim_units",
    "claim_window",
    "class_title",
    "enterprise_name",
    "finding_value",
    "jurisdiction_title",
    "kind_title",
    "local_sources",
    "param_value",
    "percent",
    "places_title",
    "short_number",
    "signed",
    "sources_in_force",
    "yuan",
]

# ── names ─────────────────────────────────────────────────────────────────────────────────────────────────────

_KINDS = {kind: Text(zh, en) for kind, (zh, en) in KIND_TITLES.items()}  # (declared beside KINDS in model.py)
_KINDS_SHORT = {kind: Text(zh.split("（")[0], en.split(" (")[0]) for kind, (zh, en) in KIND_TITLES.items()}

JURISDICTION_TITLES = {
    "xinzhou": Text("忻州市", "Xinzhou"),
    "shanxi": Text("山西省", "Shanxi"),
    "inner-mongolia": Text("内蒙古自治区", "Inner Mongolia"),
}

# the table's column is narrow; the report has room to say what the certainty means
CERTAINTY_TITLES = {
    "entitled": Text("应享", "entitled"),
    "up_to": Text("最高（按审核）", "up to (case by case)"),
    "eligible_only": Text("可申请（无金额）", "may apply (no amount)"),
}
_CERTAINTY_LONG = {
    "entitled": Text("应享", "entitled"),
    "up_to": Text("最高额（按审核确定）", "up to (granted case by case)"),
    "eligible_only": Text("可申请（文件未规定金额）", "may apply (no amount in the documents)"),
}

CLASS_TITLES = {
    "small_low_profit": Text("小型微利企业", "small low-profit enterprise"),
    "sme_equipment": Text("设备扣除中小微企业", "SME for the equipment deduction"),
    "size_class": Text("企业规模（2011标准）", "size class (2011 standard)"),
    "manufacturing_size": Text("制造业缓税划型", "manufacturing size (deferral)"),
}
_VALUES: dict[bool | str | None, Text] = {
    True: Text("是", "yes"),
    False: Text("否", "no"),
    None: Text("不适用", "n/a"),
    "large": Text("大型", "large"),
    "medium": Text("中型", "medium"),
    "small": Text("小型", "small"),
    "micro": Text("微型", "micro"),
    "small-micro": Text("小微", "small/micro"),
}

UNNAMED = Text("（未命名企业）", "(unnamed enterprise)")
POLICY = Text("政策", "Policy")
KIND = Text("类别", "Kind")
AMOUNT_YUAN = Text("金额（元）", "Amount (yuan)")
TOTALS_BY_KIND = Text("合计（按类别，不跨类相加）", "Totals by kind (never added across kinds)")
TOTALS = Text("合计（按类别）", "Totals by kind")
CIT = Text("企业所得税：", "Corporate income tax: ")
SOURCES = Text("依据", "Sources")
MAY_APPLY = Text("可申请", "may apply")
NATIONAL_TEXT = Text("国家政策文件（未收录全文）", "national document (text not bundled)")


def kind_title(kind: str, lang: Lang, *, short: bool = False) -> str:
    """减税（不再缴纳的税款） / Tax reductions (tax never paid); short: 减税 / Tax reductions."""
    return (_KINDS_SHORT if short else _KINDS)[kind].get(lang)


def jurisdiction_title(key: str, lang: Lang) -> str:
    return JURISDICTION_TITLES[key].get(lang)


def certainty_title(certainty: str, lang: Lang, *, long: bool = False) -> str:
    return (_CERTAINTY_LONG if long else CERTAINTY_TITLES)[certainty].get(lang)


def class_title(name: str, lang: Lang) -> str:
    found = CLASS_TITLES.get(name)
    return name if found is None else found.get(lang)


def finding_value(value: bool | str | None, lang: Lang) -> str:
    """A classification's value in words: 是/否/不适用, 小型/微型/…; anything else as it is."""
    found = _VALUES.get(value)
    return str(value) if found is None else found.get(lang)


def enterprise_name(profile: Profile, lang: Lang) -> str:
    return profile.name or UNNAMED.get(lang)


def sources_in_force(item: Item, jurisdiction: str) -> tuple[str, ...]:
    """The item's sources that are in force in `jurisdiction` (policies.md E7: national ones and its own chain's)."""
    return cites_in_force(item.policy.sources, jurisdiction)


def local_sources(item: Item, jurisdiction: str) -> list[str]:
    """The item's clauses of the local documents in force in `jurisdiction` (data/jurisdictions.toml `documents`);
    a table names these, leaving the national ones to the JSON and --explain."""
    local = local_documents()
    return [s for s in sources_in_force(item, jurisdiction) if s.startswith(local)]


def places_title(jurisdiction: str, lang: Lang) -> str:
    """The places whose measures apply, the jurisdiction first: 忻州市、山西省 / Xinzhou and Shanxi."""
    chain = [j for j in reversed(jurisdiction_chain(jurisdiction)) if jurisdictions()[j].get("documents")]
    names = [jurisdiction_title(j, lang) for j in chain]
    if lang == "zh" or len(names) < 2:
        return "、".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ── numbers ───────────────────────────────────────────────────────────────────────────────────────────────────


def yuan(amount: Decimal) -> str:
    """An amount for people: thousands separators and two decimals (1,187,500.25)."""
    return f"{amount:,.2f}"


def signed(value: Decimal) -> str:
    """A difference: +200,000.00 / -1,500.00, and 0.00 for none."""
    return f"{value:+,.2f}" if value else "0.00"


def amount_cell(item: Item, lang: Lang) -> str:
    """An item's amount in a table: ≤ marks an upper bound granted case by case (only when eligible: an item that is
    not eligible has no bound to show); an eligible-only benefit has none."""
    if item.amount is None:
        return MAY_APPLY.get(lang)
    text = yuan(item.amount)
    return f"≤ {text}" if item.policy.certainty == "up_to" and item.eligible else text


def percent(value: Decimal) -> str:
    """A rate to a tenth of a percent: 0.0725 → 7.3% (chart axes, sweep cells)."""
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}%"


def short_number(value: Decimal, lang: str = "en") -> str:
    """Tick labels: 300万 / 1.2亿 in Chinese, 3M / 450k in English; small numbers as they are."""
    v = abs(value)
    sign = "-" if value < 0 else ""

    def trim(d: Decimal) -> str:
        text = f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
        return text or "0"

    if lang == "zh":
        if v >= 100_000_000:
            return f"{sign}{trim(v / 100_000_000)}亿"
        if v >= 10_000:
            return f"{sign}{trim(v / 10_000)}万"
    else:
        if v >= 1_000_000_000:
            return f"{sign}{trim(v / 1_000_000_000)}B"
        if v >= 1_000_000:
            return f"{sign}{trim(v / 1_000_000)}M"
        if v >= 10_000:
            return f"{sign}{trim(v / 1_000)}k"
    return f"{sign}{trim(v)}"


def param_value(value: Any) -> str:
    """A dated parameter's value (a number, a table, a list, a date): numbers with separators and exact digits."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={param_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(param_value(v) for v in value) + "]"
    if isinstance(value, bool | str):
        return str(value)
    try:
        return fmt_num(value)
    except (TypeError, ValueError):
        return str(value)


# ── how an item is claimed (data/claims.toml; sentences in data/messages/claims.toml) ─────────────────────────


def claim_channel(claim: Claim, lang: Lang, *, long: bool = False) -> str:
    """申报享受 / 依申请 / 免申即享; long: what to do for it."""
    return Msg(f"claim.{'channel_help' if long else 'channel'}.{claim.channel}").get(lang)


def claim_window(claim: Claim, lang: Lang) -> str:
    """2023-01-01 至 2023-05-31 / 2023-05-31 前 / 2022-12-01 起, or that the unit's notice sets it."""
    if claim.start is not None and claim.until is not None:
        return Msg("claim.window.between", {"start": claim.start, "until": claim.until}).get(lang)
    if claim.until is not None:
        return Msg("claim.window.until", {"until": claim.until}).get(lang)
    if claim.start is not None:
        return Msg("claim.window.from", {"start": claim.start}).get(lang)
    return Msg("claim.window.none").get(lang)


def claim_units(claim: Claim, lang: Lang) -> str:
    return Msg("claim.units", {"units": [u.get(lang) for u in claim.units]}).get(lang)


def claim_line(claim: Claim, lang: Lang) -> str:
    """申领：申报享受；2023-01-01 至 2023-05-31；责任单位：市税务局、市财政局"""
    values = {"channel": claim_channel(claim, lang), "window": claim_window(claim, lang)}
    return Msg("claim.line", {**values, "units": claim_units(claim, lang)}).get(lang)


def claim_short(claim: Claim, lang: Lang) -> str:
    """The table's column: the channel, and the last day when there is one (申报享受 / 2023-05-31 前)."""
    channel = claim_channel(claim, lang)
    if claim.until is None:
        return channel
    return channel + "\n" + Msg("claim.window.until", {"until": claim.until}).get(lang)


CLAIM = Msg("claim.column")
