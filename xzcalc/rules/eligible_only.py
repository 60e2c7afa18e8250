"""Section C: benefits the documents name without an amount (data/eligible_only.toml). Shown with the conditions
met, or the first condition that fails; never a number."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from ..messages import Msg
from ..model import Item, PolicyInfo
from ..params import catalogue
from .kit import Context

# the fact each condition of data/eligible_only.toml reads (condition key → fact)
_READS = {
    "entity": "entity",
    "sector_sections": "sector",
    "size_class": "size_class",
    "taxpayer": "taxpayer",
    "tech_sme": "tech_sme",
}


def _check(facts: Mapping[str, Any], info: PolicyInfo) -> tuple[list[Msg], Msg | None]:
    """(conditions met, the first condition that fails), the conditions as data/eligible_only.toml gives them."""
    met: list[Msg] = []
    cond = info.conditions
    if "entity" in cond:
        entity = facts["entity"]
        if entity not in cond["entity"]:
            entities = [Msg(f"eligible_only.entity.{e}") for e in cond["entity"]]
            return met, Msg("eligible_only.entity.fails", {"entities": entities})
        met.append(Msg("eligible_only.entity.met", {"entity": Msg(f"eligible_only.entity.{entity}")}))
    if "sector_sections" in cond:
        sector = facts["sector"]
        if sector[0] not in cond["sector_sections"]:
            return met, Msg("eligible_only.sector.fails", {"sector": sector, "sections": cond["sector_sections"]})
        met.append(Msg("eligible_only.sector.met", {"sector": sector}))
    if "size_class" in cond:
        size = facts["size_class"]
        if size not in cond["size_class"]:
            return met, Msg("eligible_only.size.fails", {"size": size, "sizes": cond["size_class"]})
        met.append(Msg("eligible_only.size.met", {"size": size}))
    if "taxpayer" in cond:
        taxpayer = facts["taxpayer"]
        if taxpayer not in cond["taxpayer"]:
            return met, Msg("eligible_only.taxpayer.fails", {"taxpayers": cond["taxpayer"]})
        met.append(Msg("eligible_only.taxpayer.met", {"taxpayer": taxpayer}))
    if cond.get("tech_sme"):
        if not facts["tech_sme"]:
            return met, Msg("eligible_only.tech_sme.fails")
        met.append(Msg("eligible_only.tech_sme.met"))
    return met, None


@cache
def eligible_only_groups(jurisdiction: str) -> tuple[tuple[tuple[str, ...], tuple[PolicyInfo, ...]], ...]:
    """The jurisdiction's eligible-only policies grouped by the facts their conditions read (most read none, several
    only the size class), so that an outcome is remembered for those facts alone."""
    groups: dict[tuple[str, ...], list[PolicyInfo]] = {}
    for info in catalogue(jurisdiction):
        if info.certainty == "eligible_only":
            reads = tuple(fact for key, fact in _READS.items() if key in info.conditions)
            groups.setdefault(reads, []).append(info)
    return tuple((reads, tuple(infos)) for reads, infos in groups.items())


@lru_cache(maxsize=4096)
def eligible_only_outcomes(jurisdiction: str, reads: tuple[str, ...], facts: tuple[Any, ...]) -> Mapping[str, Item]:
    """The Items of the jurisdiction's eligible-only policies whose conditions read `reads`, for those facts (frozen,
    so results share them: a batch asks for the same few combinations again and again; the batch's columns judge
    each distinct combination once by this function)."""
    infos = dict(eligible_only_groups(jurisdiction))[reads]
    named = dict(zip(reads, facts, strict=True))
    out: dict[str, Item] = {}
    for info in infos:
        met, failed = _check(named, info)
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
    known = {
        "entity": p.entity,
        "sector": p.sector,
        "size_class": ctx.classification["size_class"].value,
        "taxpayer": p.vat.taxpayer,
        "tech_sme": p.tech_sme,
    }
    for reads, _ in eligible_only_groups(p.jurisdiction):
        for pid, item in eligible_only_outcomes(p.jurisdiction, reads, tuple(known[fact] for fact in reads)).items():
            ctx.items.setdefault(pid, item)  # (a family that computes an eligible-only policy keeps its own)
