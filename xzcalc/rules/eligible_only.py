"""Section C: benefits the documents name without an amount (data/eligible_only.toml). Shown with the conditions
met, or the first condition that fails; never a number."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from ..messages import Msg
from ..model import Item, PolicyInfo
from ..params import catalogue
from .kit import Context


class _Facts(NamedTuple):
    """Everything a condition of data/eligible_only.toml reads: the outcome is a function of these alone."""

    jurisdiction: str
    entity: str
    sector: str
    size_class: object
    taxpayer: str
    tech_sme: bool


def _check(facts: _Facts, info: PolicyInfo) -> tuple[list[Msg], Msg | None]:
    """(conditions met, the first condition that fails), the conditions as data/eligible_only.toml gives them."""
    met: list[Msg] = []
    cond = info.conditions
    if "entity" in cond:
        if facts.entity not in cond["entity"]:
            entities = [Msg(f"eligible_only.entity.{e}") for e in cond["entity"]]
            return met, Msg("eligible_only.entity.fails", {"entities": entities})
        met.append(Msg("eligible_only.entity.met", {"entity": Msg(f"eligible_only.entity.{facts.entity}")}))
    if "sector_sections" in cond:
        if facts.sector[0] not in cond["sector_sections"]:
            return met, Msg("eligible_only.sector.fails", {"sector": facts.sector, "sections": cond["sector_sections"]})
        met.append(Msg("eligible_only.sector.met", {"sector": facts.sector}))
    if "size_class" in cond:
        if facts.size_class not in cond["size_class"]:
            return met, Msg("eligible_only.size.fails", {"size": facts.size_class, "sizes": cond["size_class"]})
        met.append(Msg("eligible_only.size.met", {"size": facts.size_class}))
    if "taxpayer" in cond:
        if facts.taxpayer not in cond["taxpayer"]:
            return met, Msg("eligible_only.taxpayer.fails", {"taxpayers": cond["taxpayer"]})
        met.append(Msg("eligible_only.taxpayer.met", {"taxpayer": facts.taxpayer}))
    if cond.get("tech_sme"):
        if not facts.tech_sme:
            return met, Msg("eligible_only.tech_sme.fails")
        met.append(Msg("eligible_only.tech_sme.met"))
    return met, None


@lru_cache(maxsize=4096)
def _outcomes(facts: _Facts) -> Mapping[str, Item]:
    """The Items of the jurisdiction's eligible-only policies for these facts (frozen, so results share them: a
    batch asks for the same few combinations again and again)."""
    out: dict[str, Item] = {}
    for info in catalogue(facts.jurisdiction):
        if info.certainty != "eligible_only":
            continue
        met, failed = _check(facts, info)
        if failed is not None:
            out[info.id] = Item(info, False, None, reasons=(failed,))
            continue
        may = Msg("eligible_only.may_apply", {"summary": info.summary})
        confirm = tuple(Msg("eligible_only.confirm", {"what": c}) for c in info.confirm)
        out[info.id] = Item(info, True, None, reasons=(may, *met, *confirm))
    return MappingProxyType(out)


def eligible_only_items(ctx: Context) -> None:
    """An Item (amount None) for every eligible-only policy the jurisdiction offers that no family computed."""
    p = ctx.profile
    facts = _Facts(
        p.jurisdiction, p.entity, p.sector, ctx.classification["size_class"].value, p.vat.taxpayer, p.tech_sme
    )
    for pid, item in _outcomes(facts).items():
        ctx.items.setdefault(pid, item)  # (a family that computes an eligible-only policy keeps its own)
