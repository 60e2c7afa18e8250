"""Section C: benefits the documents name without an amount (data/eligible_only.toml). Shown with the conditions
met, or the first condition that fails; never a number."""

from __future__ import annotations

from ..messages import Msg
from ..model import Item, PolicyInfo
from .kit import Context


def _check(ctx: Context, info: PolicyInfo) -> tuple[list[Msg], Msg | None]:
    """(conditions met, the first condition that fails), the conditions as data/eligible_only.toml gives them."""
    p = ctx.profile
    met: list[Msg] = []
    cond = info.conditions
    if "entity" in cond:
        if p.entity not in cond["entity"]:
            entities = [Msg(f"eligible_only.entity.{e}") for e in cond["entity"]]
            return met, Msg("eligible_only.entity.fails", {"entities": entities})
        met.append(Msg("eligible_only.entity.met", {"entity": Msg(f"eligible_only.entity.{p.entity}")}))
    if "sector_sections" in cond:
        if p.sector[0] not in cond["sector_sections"]:
            return met, Msg("eligible_only.sector.fails", {"sector": p.sector, "sections": cond["sector_sections"]})
        met.append(Msg("eligible_only.sector.met", {"sector": p.sector}))
    if "size_class" in cond:
        size = ctx.classification["size_class"].value
        if size not in cond["size_class"]:
            return met, Msg("eligible_only.size.fails", {"size": size, "sizes": cond["size_class"]})
        met.append(Msg("eligible_only.size.met", {"size": size}))
    if "taxpayer" in cond:
        if p.vat.taxpayer not in cond["taxpayer"]:
            return met, Msg("eligible_only.taxpayer.fails", {"taxpayers": cond["taxpayer"]})
        met.append(Msg("eligible_only.taxpayer.met", {"taxpayer": p.vat.taxpayer}))
    if cond.get("tech_sme"):
        if not p.tech_sme:
            return met, Msg("eligible_only.tech_sme.fails")
        met.append(Msg("eligible_only.tech_sme.met"))
    return met, None


def eligible_only_items(ctx: Context) -> None:
    """An Item (amount None) for every eligible-only policy the jurisdiction offers that no family computed."""
    for info in ctx.offered.values():
        if info.certainty != "eligible_only" or info.id in ctx.items:
            continue
        met, failed = _check(ctx, info)
        if failed is not None:
            ctx.items[info.id] = Item(info, False, None, reasons=(failed,))
            continue
        may = Msg("eligible_only.may_apply", {"summary": info.summary})
        confirm = tuple(Msg("eligible_only.confirm", {"what": c}) for c in info.confirm)
        ctx.items[info.id] = Item(info, True, None, reasons=(may, *met, *confirm))
