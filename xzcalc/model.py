"""The result of a calculation: items with amounts, reasons, sources and the arithmetic that made them.

Frozen types only. Reasons and steps are messages (xzcalc.messages.Msg: an id and the values used), turned into
sentences only by a view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from .messages import Lang, Msg, Text
from .money import fmt_amount
from .schema.profile import Profile, profile_to_dict

Kind = Literal["tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving"]
KINDS: tuple[Kind, ...] = ("tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving")
Certainty = Literal["entitled", "up_to", "eligible_only"]

KIND_TITLES: dict[str, tuple[str, str]] = {
    "tax_reduction": ("减税（不再缴纳的税款）", "Tax reductions (tax never paid)"),
    "tax_deferral": ("缓税（延后缴纳，仅影响时间）", "Tax deferrals (paid later: timing only)"),
    "refund": ("退税退费（现金返还）", "Refunds (cash back)"),
    "subsidy": ("补贴奖励（现金）", "Subsidies and awards (cash)"),
    "cost_saving": ("成本节约（免付的费用、租金、利息）", "Cost savings (fees, rent, interest not paid)"),
}


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    """A catalogue entry (data/policies.toml or data/eligible_only.toml)."""

    id: str
    title: Text
    kind: Kind
    certainty: Certainty
    jurisdictions: tuple[str, ...]
    sources: tuple[str, ...]
    summary: Text
    params: tuple[str, ...] = ()
    conditions: dict[str, Any] = field(default_factory=dict)
    confirm: tuple[Text, ...] = ()
    module: str = "xzcalc/rules/eligible_only.py"  # the file whose code computes it


EMPTY: Mapping[str, Decimal] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Item:
    """One policy's outcome for the profile (frozen: results may share one).

    amount: yuan quantized to the fen, 0.00 when not eligible, None for an eligible-only benefit; components: named
    parts of the amount (each rounded once, adding up to it); reasons: why it holds or fails, the failed condition
    last; trace: the arithmetic, recorded only with explain."""

    policy: PolicyInfo
    eligible: bool
    amount: Decimal | None
    components: Mapping[str, Decimal] = field(default_factory=lambda: EMPTY)
    reasons: tuple[Msg, ...] = ()
    trace: tuple[Msg, ...] = ()

    def to_json(self, lang: Lang = "zh", explain: bool = False) -> dict[str, Any]:
        info = self.policy
        out: dict[str, Any] = {
            "policy": info.id,
            "title": {"zh": info.title.zh, "en": info.title.en},
            "kind": info.kind,
            "certainty": info.certainty,
            "eligible": self.eligible,
            "amount": None if self.amount is None else fmt_amount(self.amount),
            "components": {k: fmt_amount(v) for k, v in self.components.items()},
            "reasons": [r.get(lang) for r in self.reasons],
            "sources": list(info.sources),
        }
        if explain:
            out["trace"] = [s.get(lang) for s in self.trace]
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    """A classification (A1–A4) with the reason it holds or fails."""

    name: str
    value: bool | str | None
    reasons: tuple[Msg, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One item whose amount or eligibility differs between a result and a what-if re-run of it."""

    policy: PolicyInfo
    now: Decimal | None
    moved: Decimal | None
    eligible_now: bool
    eligible_moved: bool


@dataclass(frozen=True, slots=True)
class Advisory:
    """A threshold the enterprise is near or just past, and what crossing it is worth (xzcalc.analysis.advisor).

    The yuan at stake come from running the engine again with `path` moved to `moved_to` — never a hand formula.
    """

    threshold: str  # the spec id (usually the parameter name)
    parameter: str  # where the line comes from: a dated parameter, or a data file for the size tables
    source: str  # the clause the line is written in
    path: str  # the profile field that was moved
    value: Decimal  # the compared value now (e.g. taxable income after deductions)
    line: Decimal
    unit: str  # yuan | persons | rate
    moved_to: Decimal  # the value of `path` in the re-run
    measure: Msg  # what the headline compares ("income tax")
    measure_now: Decimal
    measure_moved: Decimal
    changes: tuple[Change, ...]
    totals: dict[str, Decimal]  # change of each kind's total (moved − now), kinds that change only
    message: Msg  # the sentence: where the value is, the line, what the re-run gives (data/messages/advisor.toml)
    relative_to: Decimal | None = None  # the stake is against the run at this value of `path` (a nearer line's)
    path_unit: str = ""  # the unit of `path` when it differs from the compared value's (growth compared, output moved)

    def get(self, lang: Lang) -> str:
        return self.message.get(lang)

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        def num(value: Decimal, unit: str = self.unit) -> str:  # yuan as amounts (two decimals); others exact
            if unit == "yuan":
                return fmt_amount(value)
            return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"

        path_unit = self.path_unit or self.unit

        return {
            "threshold": self.threshold,
            "message": self.message.get(lang),
            "field": self.path,
            "value": num(self.value),
            "line": num(self.line),
            "distance": num(abs(self.value - self.line)),
            "position": "above" if self.value > self.line else "below" if self.value < self.line else "at",
            "unit": self.unit,
            "parameter": self.parameter,
            "source": self.source,
            "moved_to": num(self.moved_to, path_unit),
            "relative_to": None if self.relative_to is None else num(self.relative_to, path_unit),
            "stake": {
                "measure": self.measure.get(lang),
                "now": fmt_amount(self.measure_now),
                "moved": fmt_amount(self.measure_moved),
                "difference": fmt_amount(self.measure_moved - self.measure_now),
            },
            "items": [
                {
                    "policy": c.policy.id,
                    "now": None if c.now is None else fmt_amount(c.now),
                    "moved": None if c.moved is None else fmt_amount(c.moved),
                    "eligible_now": c.eligible_now,
                    "eligible_moved": c.eligible_moved,
                }
                for c in self.changes
            ],
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
        }


@dataclass(frozen=True, slots=True)
class Result:
    """Every policy of the profile's jurisdiction and year (items in catalogue order, eligible or not), the
    classifications, totals by kind (yuan; never across kinds) and the CIT chain's summary (cit)."""

    profile: Profile
    jurisdiction: str
    year: int
    classification: Mapping[str, Finding]
    items: tuple[Item, ...]
    totals: Mapping[str, Decimal]
    cit: Mapping[str, Decimal]
    advisories: tuple[Advisory, ...] = ()  # xzcalc.analysis.advisor's, for the calc command
    changed_params: tuple[str, ...] = ()

    def item(self, policy_id: str) -> Item:
        for it in self.items:
            if it.policy.id == policy_id:
                return it
        raise KeyError(policy_id)

    def to_json(self, lang: Lang = "zh", explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "profile": profile_to_dict(self.profile),
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "classification": {k: f.value for k, f in self.classification.items()},
            "classification_reasons": {k: [r.get(lang) for r in f.reasons] for k, f in self.classification.items()},
            "items": [it.to_json(lang, explain) for it in self.items],
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
            "cit": {k: fmt_amount(v) for k, v in self.cit.items()},
            "advisories": [a.to_json(lang) for a in self.advisories],
        }
        if self.changed_params:
            out["changed_params"] = list(self.changed_params)
        return out
