"""How each item is claimed (data/claims.toml; contract.md "Added 2026-11", issue 12 §5): the channel (on the return,
on application, automatic), the responsible units the documents in force where the enterprise is name for the item's
clauses (责任单位) — or, when none does, the office that receives the claim — and the window, as dated data.

`claims_for(jurisdiction, year)` is computed once per place and year and shared by every result of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any, cast

from .data import DataError, load_data, tax_years
from .messages import Text
from .model import CHANNELS, Channel, Claim
from .params import catalogue, cites_in_force, jurisdiction_chain, jurisdictions, local_documents

__all__ = ["claims_data", "claims_for"]


@cache
def claims_data() -> dict[str, Any]:
    return load_data("claims.toml")


def _day(value: Any, year: int, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, dict) and set(value) == {"years", "month", "day"}:
        return date(year + int(value["years"]), int(value["month"]), int(value["day"]))
    raise DataError(f"data/claims.toml {where}: {value!r} is not a date or {{years, month, day}}")


def _window(name: str | None, year: int) -> tuple[date | None, date | None, str | None]:
    if name is None:
        return None, None, None
    try:
        entry = claims_data()["window"][name]
    except KeyError:
        raise DataError(f"data/claims.toml: no [window.{name}]") from None
    if "years" in entry and year not in entry["years"]:
        return None, None, None
    start = _day(entry.get("from"), year, f"window.{name}.from")
    until = _day(entry.get("until"), year, f"window.{name}.until")
    return start, until, str(entry["source"])


def _rank(cite: str, chain: tuple[str, ...]) -> int:
    """The enterprise's own jurisdiction's documents first, then its parents' (the most local unit first)."""
    for rank, j in enumerate(reversed(chain)):
        if any(cite.startswith(doc) for doc in jurisdictions()[j].get("documents", ())):
            return rank
    return len(chain)


def _units(sources: tuple[str, ...], jurisdiction: str) -> tuple[tuple[Text, ...], tuple[str, ...]]:
    table = claims_data()["clause"]
    chain = jurisdiction_chain(jurisdiction)
    units: list[Text] = []
    cited: list[str] = []
    for cite in sorted(cites_in_force(sources, jurisdiction), key=lambda c: _rank(c, chain)):
        entry = table.get(cite)
        if entry is None:
            continue
        names = list(zip(entry["zh"], entry["en"], strict=True))
        names += list(zip(entry.get("also_zh", ()), entry.get("also_en", ()), strict=True))
        for zh, en in names:
            if all(u.zh != zh for u in units):
                units.append(Text(zh, en))
        cited.append(cite)
        if "also_source" in entry:
            cited.append(entry["also_source"])
    return tuple(units), tuple(dict.fromkeys(cited))


def _national(sources: tuple[str, ...]) -> tuple[str, ...]:
    local = local_documents()
    return tuple(s for s in sources if not s.startswith(local))


@cache
def claims_for(jurisdiction: str, year: int) -> Mapping[str, Claim]:
    """policy id → Claim for every policy of the catalogue, as it stands in `jurisdiction` and tax `year`."""
    data = claims_data()
    out: dict[str, Claim] = {}
    for info in catalogue(jurisdiction):
        try:
            entry = data["policy"][info.id]
        except KeyError:
            raise DataError(f"data/claims.toml has no [policy.{info.id!r}]") from None
        channel = entry["channel"]
        if channel not in CHANNELS:
            raise DataError(f"data/claims.toml policy {info.id}: channel {channel!r} is not one of {CHANNELS}")
        # outside the documents' year a national measure is claimed under its later announcements: the 2022 action
        # plans' 责任单位 are not named then (the receiving office is)
        local_too = year == tax_years().package or "national" not in info.jurisdictions
        units, cited = _units(info.sources if local_too else _national(info.sources), jurisdiction)
        if not units and "office" in entry:
            office = data["office"][entry["office"]]
            units, cited = (Text(office["zh"], office["en"]),), (str(office["source"]),)
        start, until, window_source = _window(entry.get("window"), year)
        # the clause that fixes the channel, when its document is in force here; else the item's clauses that are
        channel_source = cites_in_force((str(entry["channel_source"]),), jurisdiction) or cited
        sources = (*channel_source, *cited, *((window_source,) if window_source else ()))
        out[info.id] = Claim(cast(Channel, channel), units, start, until, tuple(dict.fromkeys(sources)))
    return MappingProxyType(out)
