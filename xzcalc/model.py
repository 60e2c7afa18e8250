"""The result of a calculation: items with amounts, reasons, sources and the arithmetic that made them.

Frozen types only. Reasons and steps are messages (xzcalc.messages.Msg: an id and the values used), turned into
sentences only by a view; the JSON of a result is xzcalc.views.machine's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from .messages import Lang, Msg, Text
from .record import record
from .schema.profile import Profile

Kind = Literal["tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving"]
KINDS: tuple[Kind, ...] = ("tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving")
Certainty = Literal["entitled", "up_to", "eligible_only"]
# An item's standing in the tax year (years.md): computed with that year's parameters; not in force that year; or in
# force but not computed by xzcalc (a later rule not modelled). The last two are never eligible, amount 0.00.
Status = Literal["computed", "not_in_force", "not_computed"]
Channel = Literal["on_return", "apply", "automatic"]
CHANNELS: tuple[Channel, ...] = ("on_return", "apply", "automatic")

KIND_TITLES: dict[str, tuple[str, str]] = {
    "tax_reduction": ("减税（不再缴纳的税款）", "Tax reductions (tax never paid)"),
    "tax_deferral": ("缓税（延后缴纳，仅影响时间）", "Tax deferrals (paid later: timing only)"),
    "refund": ("退税退费（现金返还）", "Refunds (cash back)"),
    "subsidy": ("补贴奖励（现金）", "Subsidies and awards (cash)"),
    "cost_saving": ("成本节约（免付的费用、租金、利息）", "Cost savings (fees, rent, interest not paid)"),
}


@record
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
    computed_years: tuple[int, int] = (0, 0)  # first and last tax year xzcalc computes it (data `years`)
    in_force_years: tuple[int, int] = (0, 0)  # first and last tax year it is in force (⊇ computed_years)
    not_computed: str = ""  # the message id saying why, in a year in force but not computed

    def status_in(self, year: int) -> Status:
        """computed, not_in_force or not_computed in tax year `year`."""
        if self.computed_years[0] <= year <= self.computed_years[1]:
            return "computed"
        if self.in_force_years[0] <= year <= self.in_force_years[1]:
            return "not_computed"
        return "not_in_force"


EMPTY: Mapping[str, Decimal] = MappingProxyType({})


@record
class Claim:
    """How an item is obtained where the enterprise is (data/claims.toml, xzcalc.claims): the channel (on_return
    申报享受, apply 依申请, automatic 免申即享), the responsible units the documents in force there name for its
    clauses (or the office receiving the claim), the window (None: no window in the documents) and the clauses all
    this comes from."""

    channel: Channel
    units: tuple[Text, ...]
    start: date | None
    until: date | None
    sources: tuple[str, ...]


NO_CLAIMS: Mapping[str, Claim] = MappingProxyType({})


@record
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
    status: Status = "computed"


@record
class Finding:
    """A classification (A1–A4) with the reason it holds or fails."""

    name: str
    value: bool | str | None
    reasons: tuple[Msg, ...]


@record
class Change:
    """One item whose amount or eligibility differs between a result and a what-if re-run of it."""

    policy: PolicyInfo
    now: Decimal | None
    moved: Decimal | None
    eligible_now: bool
    eligible_moved: bool


@record
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


@record
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
    changed_params: tuple[str, ...] = ()
    claims: Mapping[str, Claim] = field(default_factory=lambda: NO_CLAIMS)  # policy id → how it is claimed there

    def item(self, policy_id: str) -> Item:
        for it in self.items:
            if it.policy.id == policy_id:
                return it
        raise KeyError(policy_id)
