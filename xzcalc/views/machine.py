"""Machine formats of a result: JSON, TOML and CSV for scripts (byte-stable; amounts as exact strings, never JSON
numbers), and the catalogue as JSON.

The JSON of a result carries its advisories (xzcalc.advisor's), which the calc command computes beside the result
and passes here: a Result is frozen and nothing is attached to it after calculate.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..inputs import neutralise
from ..messages import Lang
from ..model import Advisory, Claim, Item, PolicyInfo, Result
from ..money import fmt_amount
from ..schema.profile import profile_to_dict

__all__ = [
    "CSV_COLUMNS",
    "advisory_json",
    "catalogue_json",
    "claim_json",
    "drop_none",
    "dumps",
    "item_json",
    "items_csv",
    "result_json",
    "to_text",
]


def claim_json(claim: Claim, lang: Lang = "zh") -> dict[str, Any]:
    """contract.md: {"channel", "units", "from", "until"} — units in the result's language, dates ISO or null."""
    return {
        "channel": claim.channel,
        "units": [u.get(lang) for u in claim.units],
        "from": None if claim.start is None else claim.start.isoformat(),
        "until": None if claim.until is None else claim.until.isoformat(),
    }


def item_json(item: Item, lang: Lang = "zh", explain: bool = False, claim: Claim | None = None) -> dict[str, Any]:
    info = item.policy
    out: dict[str, Any] = {
        "policy": info.id,
        "title": {"zh": info.title.zh, "en": info.title.en},
        "kind": info.kind,
        "certainty": info.certainty,
        "eligible": item.eligible,
        "amount": None if item.amount is None else fmt_amount(item.amount),
        "components": {k: fmt_amount(v) for k, v in item.components.items()},
        "reasons": [r.get(lang) for r in item.reasons],
        "sources": list(info.sources),
    }
    if item.status != "computed":  # years.md: not_in_force | not_computed that tax year (reasons say why)
        out["status"] = item.status
    if claim is not None and item.status == "computed":  # (a measure not computed that year has no claim then)
        out["claim"] = claim_json(claim, lang)
    if explain:
        out["trace"] = [s.get(lang) for s in item.trace]
    return out


def advisory_json(advisory: Advisory, lang: Lang = "zh") -> dict[str, Any]:
    a = advisory

    def num(value: Decimal, unit: str = a.unit) -> str:  # yuan as amounts (two decimals); others exact
        if unit == "yuan":
            return fmt_amount(value)
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"

    path_unit = a.path_unit or a.unit
    return {
        "threshold": a.threshold,
        "message": a.message.get(lang),
        "field": a.path,
        "value": num(a.value),
        "line": num(a.line),
        "distance": num(abs(a.value - a.line)),
        "position": "above" if a.value > a.line else "below" if a.value < a.line else "at",
        "unit": a.unit,
        "parameter": a.parameter,
        "source": a.source,
        "moved_to": num(a.moved_to, path_unit),
        "relative_to": None if a.relative_to is None else num(a.relative_to, path_unit),
        "stake": {
            "measure": a.measure.get(lang),
            "now": fmt_amount(a.measure_now),
            "moved": fmt_amount(a.measure_moved),
            "difference": fmt_amount(a.measure_moved - a.measure_now),
        },
        "items": [
            {
                "policy": c.policy.id,
                "now": None if c.now is None else fmt_amount(c.now),
                "moved": None if c.moved is None else fmt_amount(c.moved),
                "eligible_now": c.eligible_now,
                "eligible_moved": c.eligible_moved,
            }
            for c in a.changes
        ],
        "totals": {k: fmt_amount(v) for k, v in a.totals.items()},
    }


def result_json(
    result: Result,
    lang: Lang = "zh",
    explain: bool = False,
    advisories: Sequence[Advisory] = (),
    receipt: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The result as plain data; `receipt` (xzcalc.receipt's, contract.md) comes last when given."""
    out: dict[str, Any] = {
        "profile": profile_to_dict(result.profile),
        "jurisdiction": result.jurisdiction,
        "year": result.year,
        "classification": {k: f.value for k, f in result.classification.items()},
        "classification_reasons": {k: [r.get(lang) for r in f.reasons] for k, f in result.classification.items()},
        "items": [item_json(it, lang, explain, result.claims.get(it.policy.id)) for it in result.items],
        "totals": {k: fmt_amount(v) for k, v in result.totals.items()},
        "cit": {k: fmt_amount(v) for k, v in result.cit.items()},
        "advisories": [advisory_json(a, lang) for a in advisories],
    }
    if result.changed_params:
        out["changed_params"] = list(result.changed_params)
    if receipt is not None:
        out["receipt"] = dict(receipt)
    return out


def dumps(
    result: Result,
    fmt: str,
    *,
    lang: Lang = "zh",
    explain: bool = False,
    advisories: Sequence[Advisory] = (),
    receipt: Mapping[str, str | None] | None = None,
) -> str:
    """The result as `fmt`: json, toml or csv."""
    data = result_json(result, lang, explain, advisories, receipt)
    if fmt == "csv":
        return items_csv(data)
    return to_text(data, fmt)


def to_text(data: Any, fmt: str) -> str:
    """JSON (indented, UTF-8 as it is) or TOML (which has no null: those keys are left out)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(drop_none(data))
    raise ValueError(fmt)


def drop_none(value: Any) -> Any:
    """TOML has no null: an eligible_only amount is left out (its `certainty` says why)."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


CSV_COLUMNS = (
    "policy",
    "title",
    "kind",
    "certainty",
    "eligible",
    "amount",
    "components",
    "reasons",
    "sources",
    "claim",
)


def claim_cell(claim: dict[str, Any] | None) -> str:
    """A claim in one CSV cell: `on_return; 市税务局、市财政局; 2023-01-01..2023-05-31` (an open end left blank)."""
    if not claim:
        return ""
    window = (
        "" if claim["from"] is None and claim["until"] is None else f"{claim['from'] or ''}..{claim['until'] or ''}"
    )
    return "; ".join((claim["channel"], "、".join(claim["units"]), window))


def items_csv(data: dict[str, Any]) -> str:
    """One row per item, then one `total.<kind>` row per kind (from a result's JSON)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for it in data["items"]:
        writer.writerow(
            [
                it["policy"],
                it["title"]["zh"],
                it["kind"],
                it["certainty"],
                "true" if it["eligible"] else "false",
                "" if it["amount"] is None else it["amount"],
                ";".join(f"{k}={v}" for k, v in it["components"].items()),
                neutralise(" | ".join(it["reasons"])),  # (reasons quote user text: an equipment's name)
                "; ".join(it["sources"]),
                claim_cell(it.get("claim")),
            ]
        )
    for kind, amount in data["totals"].items():
        writer.writerow([f"total.{kind}", "", kind, "", "", amount, "", "", "", ""])
    return out.getvalue()


def catalogue_json(policies: Sequence[PolicyInfo], jurisdiction: str, year: int) -> str:
    """`xzcalc policies --format json`: each policy with what it rests on that year (params.sources_in_year)."""
    from ..params import sources_in_year

    rows = [
        {
            "id": p.id,
            "title": {"zh": p.title.zh, "en": p.title.en},
            "kind": p.kind,
            "certainty": p.certainty,
            "jurisdictions": list(p.jurisdictions),
            "sources": list(sources_in_year(p, jurisdiction, year)),
            **({} if p.status_in(year) == "computed" else {"status": p.status_in(year)}),
        }
        for p in policies
    ]
    from ..receipt import receipt

    return to_text({"jurisdiction": jurisdiction, "year": year, "policies": rows, "receipt": receipt()}, "json")
