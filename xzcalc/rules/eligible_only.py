"""Section C: benefits the documents name without an amount. Shown with the conditions met; never a number."""

from __future__ import annotations

from typing import Any

from ..engine import Context
from ..model import Item, PolicyInfo, Text

_ENTITY = {"company": ("公司", "a company"), "individual-business": ("个体工商户", "an individual business")}


def _check(ctx: Context, info: PolicyInfo) -> tuple[list[Text], Text | None]:
    """(conditions met, the first condition that fails)."""
    p = ctx.profile
    met: list[Text] = []
    cond = info.conditions
    if "entity" in cond:
        if p.entity not in cond["entity"]:
            return met, Text(
                f"主体类型须为：{'、'.join(_ENTITY[e][0] for e in cond['entity'])}",
                f"entity must be {' or '.join(_ENTITY[e][1] for e in cond['entity'])}",
            )
        met.append(Text(f"主体类型：{_ENTITY[p.entity][0]}", f"entity: {_ENTITY[p.entity][1]}"))
    if "sector_sections" in cond:
        if p.sector[0] not in cond["sector_sections"]:
            return met, Text(
                f"行业 {p.sector} 不在适用门类 {'/'.join(cond['sector_sections'])} 内",
                f"sector {p.sector} is not in sections {'/'.join(cond['sector_sections'])}",
            )
        met.append(Text(f"行业 {p.sector} 属于适用门类", f"sector {p.sector} is in an eligible section"))
    if "size_class" in cond:
        size = ctx.classification["size_class"].value
        if size not in cond["size_class"]:
            return met, Text(
                f"企业规模为 {size}，须为 {'/'.join(cond['size_class'])}",
                f"size class {size}; must be {'/'.join(cond['size_class'])}",
            )
        met.append(Text(f"企业规模：{size}", f"size class: {size}"))
    if "taxpayer" in cond:
        if p.vat.taxpayer not in cond["taxpayer"]:
            return met, Text(
                f"增值税纳税人类型须为 {'/'.join(cond['taxpayer'])}",
                f"VAT taxpayer type must be {'/'.join(cond['taxpayer'])}",
            )
        met.append(Text(f"增值税纳税人类型：{p.vat.taxpayer}", f"VAT taxpayer: {p.vat.taxpayer}"))
    if cond.get("tech_sme") and not p.tech_sme:
        return met, Text("须为已入库科技型中小企业", "must be a registered technology-based SME")
    if cond.get("tech_sme"):
        met.append(Text("已入库科技型中小企业", "a registered technology-based SME"))
    return met, None


# The outcome (eligible, reasons) of every eligible-only policy depends only on the values _check reads and on
# the jurisdiction (which policies it offers and the rules already computed): the Items are built once per such
# key and shared by every result with that key, because a batch asks for the same few combinations again and
# again (Items are never changed once built). EVERY profile value _check reads is in the key.
_OUTCOMES: dict[tuple[Any, ...], dict[str, Item]] = {}


def eligible_only_items(ctx: Context) -> None:
    p = ctx.profile
    key = (
        # the jurisdiction fixes ctx.offered and which of its policies the rules have computed by now (each family
        # emits every offered policy it owns: calculate checks that)
        p.jurisdiction,
        p.entity,
        p.sector if ctx.words else p.sector[0],  # _check tests the section letter; only its words show the code
        ctx.classification["size_class"].value,
        p.vat.taxpayer,
        p.tech_sme,
        ctx.words,
    )
    items = _OUTCOMES.get(key)
    if items is None:
        items = {
            info.id: Item(info, eligible, None, {}, list(reasons), []) for info, eligible, reasons in _outcomes(ctx)
        }
        if len(_OUTCOMES) >= 4096:
            _OUTCOMES.clear()
        _OUTCOMES[key] = items
    ctx.items.update(items)  # (what ctx.emit does: every outcome is of an offered policy)


def _outcomes(ctx: Context) -> tuple[tuple[PolicyInfo, bool, tuple[Text, ...]], ...]:
    out: list[tuple[PolicyInfo, bool, tuple[Text, ...]]] = []
    for info in ctx.offered.values():
        if info.certainty != "eligible_only" or info.id in ctx.items:
            continue
        item = ctx.start(info.id)
        met, failed = _check(ctx, info)
        if failed is not None:  # as item.ineligible(failed): the failed condition alone
            out.append((info, False, (failed,) if ctx.words else ()))
            continue
        if not ctx.words:
            out.append((info, True, ()))
            continue
        if item.words:
            item.because(f"可申请：{info.summary.zh}", f"may apply: {info.summary.en}")
        item.reasons.extend(met)
        for c in info.confirm:
            if item.words:
                item.because(f"需自行确认：{c.zh}", f"to confirm: {c.en}")
        out.append((info, True, tuple(item.reasons)))
    return tuple(out)
