"""The result of a calculation: items with amounts, reasons, sources and the arithmetic that made them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .money import fmt_amount, fmt_num

Kind = Literal["tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving"]
KINDS: tuple[Kind, ...] = ("tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving")
Certainty = Literal["entitled", "up_to", "eligible_only"]
Lang = Literal["zh", "en"]

KIND_TITLES: dict[str, tuple[str, str]] = {
    "tax_reduction": ("减税（不再缴纳的税款）", "Tax reductions (tax never paid)"),
    "tax_deferral": ("缓税（延后缴纳，仅影响时间）", "Tax deferrals (paid later: timing only)"),
    "refund": ("退税退费（现金返还）", "Refunds (cash back)"),
    "subsidy": ("补贴奖励（现金）", "Subsidies and awards (cash)"),
    "cost_saving": ("成本节约（免付的费用、租金、利息）", "Cost savings (fees, rent, interest not paid)"),
}


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence in both languages; the renderer picks one."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an item's derivation: what (in words) and the arithmetic (in numbers)."""

    label: Text
    arithmetic: str

    def get(self, lang: Lang) -> str:
        return f"{self.label.get(lang)}: {self.arithmetic}"


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


@dataclass(slots=True)
class Item:
    policy: PolicyInfo
    eligible: bool
    amount: Decimal | None  # quantized to the fen; None for eligible_only
    components: dict[str, Decimal] = field(default_factory=dict)
    reasons: list[Text] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)

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
    reasons: tuple[Text, ...]


@dataclass(slots=True)
class Result:
    profile: Any  # xzcalc.profile.Profile (kept Any to avoid an import cycle)
    jurisdiction: str
    year: int
    classification: dict[str, Finding]
    items: list[Item]
    totals: dict[str, Decimal]
    cit: dict[str, Decimal]
    advisories: list[Text] = field(default_factory=list)
    changed_params: tuple[str, ...] = ()

    def item(self, policy_id: str) -> Item:
        for it in self.items:
            if it.policy.id == policy_id:
                return it
        raise KeyError(policy_id)

    def to_json(self, lang: Lang = "zh", explain: bool = False) -> dict[str, Any]:
        from .profile import profile_to_dict

        out: dict[str, Any] = {
            "profile": profile_to_dict(self.profile),
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "classification": {k: f.value for k, f in self.classification.items()},
            "classification_reasons": {
                k: [r.get(lang) for r in f.reasons] for k, f in self.classification.items()
            },
            "items": [it.to_json(lang, explain) for it in self.items],
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
            "cit": {k: fmt_amount(v) for k, v in self.cit.items()},
            "advisories": [a.get(lang) for a in self.advisories],
        }
        if self.changed_params:
            out["changed_params"] = list(self.changed_params)
        return out


def money_words(value: Decimal) -> str:
    """An amount in a trace: thousands separators, exact digits."""
    return fmt_num(value)
