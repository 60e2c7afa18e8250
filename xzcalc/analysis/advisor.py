"""Threshold advisories: eligibility lines the enterprise is near or just past, and what crossing them is worth.

A threshold is a line read from the dated parameters (data/params) or from the size tables (data/size_standard.toml,
data/sme_equipment.toml), the profile field that crosses it, the side the rule describes (≤, <, ≥, >) and what is at
stake. For each line the enterprise is within `margin` of (default 10% of the line), the engine runs again with the
field moved just across the line; the advisory reports the distance and the difference in yuan between the two runs
(the headline measure, every item that changes, and each kind's total). No hand formula: a cliff in a rule shows up
because the rule is run on both sides of it.

Lines whose parameters a jurisdiction does not have, or whose policy it does not offer, are skipped, so a spec can
be declared before its parameter lands in data/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..messages import Text
from ..model import KIND_TITLES, Advisory, Change, Result
from ..money import fmt_num, quantize
from ..params import ParamSet, param_set
from ..schema.profile import Profile
from .whatif import diff, get_path, numeric_kind, with_path

if TYPE_CHECKING:
    from ..reform import Reform

__all__ = ["DEFAULT_MARGIN", "THRESHOLDS", "Crossing", "Threshold", "advise", "crossings", "params_for"]

DEFAULT_MARGIN = Decimal("0.1")
Op = Literal["le", "lt", "ge", "gt"]
OP_SIGNS = {"le": "≤", "lt": "<", "ge": "≥", "gt": ">"}
# the smallest move that puts a value on the other side of a line, by unit
STEPS = {"yuan": Decimal(1), "persons": Decimal(1), "rate": Decimal("0.0001")}

SLPE = "cit.small_low_profit"
VAT_SMALL_SCALE = "vat.small_scale_exemption"
EQUIPMENT = "cit.equipment_deduction"
DEFERRAL = "tax.manufacturing_sme_deferral"
STABLE_JOB = "ui.stable_job_refund"
CHAIN_LEADER = "award.chain_leader_output"
WHITELIST = "award.whitelist_growth"


@dataclass(frozen=True, slots=True)
class Threshold:
    """One eligibility line: the parameter that sets it, the profile field that crosses it, the side the rule
    describes and what is at stake.

    `measure` names the headline: "cit.tax_final" (income tax after relief), "item:<policy id>" or "totals" (the
    kind whose total changes most). `value` gives the compared value when it is not the field itself (the SLPE test
    is on taxable income after deductions, moved through income.taxable_income); `indices` expands a path with
    "{i}" over list elements or table rows; `when` skips lines that cannot matter for this enterprise (saving a
    re-run); `on` is the date the line is read (default: the last day of the tax year); `lines` turns the
    parameter's value into the line(s) for this profile (a table of tiers, the next step of a staircase);
    `to_path` gives the field's value for a compared value when the two do not move one for one (a growth rate
    compared, the output moved).
    """

    param: str
    path: str | Callable[[Profile, int], str]
    op: Op
    label: Text
    line_name: Text
    measure: str = "totals"
    unit: str = "yuan"
    policy: str = ""
    value: Callable[[Profile, Result, int], Decimal | None] | None = None
    indices: Callable[[Profile], Sequence[int]] | None = None
    when: Callable[[Profile, Result], bool] | None = None
    on: Callable[[Profile, int], date] | None = None
    lines: Callable[[Any, Profile, Result, int], Sequence[Decimal]] | None = None
    to_path: Callable[[Profile, Decimal], Decimal] | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class Crossing:
    """A threshold made concrete for one profile: the line, the compared value and the field that moves."""

    id: str
    parameter: str
    source: str
    path: str
    label: Text
    line_name: Text
    op: Op
    line: Decimal
    value: Decimal
    path_value: Decimal
    unit: str
    measure: str
    to_path: Callable[[Profile, Decimal], Decimal] | None = None
    profile: Profile | None = None

    def holds(self, value: Decimal) -> bool:
        return {"le": value <= self.line, "lt": value < self.line, "ge": value >= self.line, "gt": value > self.line}[
            self.op
        ]

    def across(self) -> Decimal:
        """The nearest compared value on the other side of the line."""
        step = STEPS[self.unit]
        inside = self.holds(self.value)
        if self.op == "le":
            return self.line + step if inside else self.line
        if self.op == "lt":
            return self.line if inside else self.line - step
        if self.op == "ge":
            return self.line - step if inside else self.line
        return self.line if inside else self.line + step

    def path_at(self, compared: Decimal) -> Decimal:
        """The field's value that gives `compared` (one for one with its field unless the spec says otherwise)."""
        if self.to_path is not None and self.profile is not None:
            return self.to_path(self.profile, compared)
        return self.path_value + (compared - self.value)

    def edges(self) -> tuple[Decimal, Decimal]:
        """The field's values on both sides of the line (for sweeps: a cliff between two adjacent points)."""
        step = STEPS[self.unit]
        low = self.line if self.op in ("le", "gt") else self.line - step
        return self.path_at(low), self.path_at(low + step)


# ── the specs whose lines are dated parameters ────────────────────────────────────────────────────────────────


def _company(p: Profile, r: Result) -> bool:
    return p.entity == "company"


def _slpe(p: Profile, r: Result) -> bool:
    return p.entity == "company" and r.classification["small_low_profit"].value is True


def _t_final(p: Profile, r: Result, i: int) -> Decimal | None:
    return r.cit.get("taxable_income_final")


def _small_scale(p: Profile, r: Result) -> bool:
    return p.vat.taxpayer == "small-scale"


def _quarters(p: Profile) -> Sequence[int]:
    return (1, 2, 3, 4)


def _quarter_sales(p: Profile, r: Result, i: int) -> Decimal:
    return p.vat.sales_3pct[i - 1] + p.vat.sales_other[i - 1]


def _quarter_path(p: Profile, i: int) -> str:
    # move the 3% sales when there are any, else the other-rate sales (neither may go below zero)
    return f"vat.sales_3pct.{i}" if p.vat.sales_3pct[i - 1] > 0 else f"vat.sales_other.{i}"


def _quarter_start(p: Profile, i: int) -> date:
    return date(p.year, 3 * i - 2, 1)


def _equipment_of_year(p: Profile) -> Sequence[int]:
    return [i for i, e in enumerate(p.equipment, 1) if e.in_service is not None and e.in_service.year == p.year]


def _manufacturing(p: Profile, r: Result) -> bool:
    return p.sector.startswith("C")


def _prior_year_end(p: Profile, i: int) -> date:
    return date(p.year - 1, 12, 31)  # A4 sizes by the prior year's sales (classify.manufacturing_size)


def _laid_off(p: Profile, r: Result) -> bool:
    return p.employment.layoff_rate > 0  # no layoffs at all qualifies whatever the lines


def _chain_leader(p: Profile, r: Result) -> bool:
    return p.chain_leader.member and p.entity == "company"


def _chain_leader_awarded(p: Profile, r: Result) -> bool:
    return _chain_leader(p, r) and r.item(CHAIN_LEADER).eligible


def _chain_growth(p: Profile, r: Result, i: int) -> Decimal | None:
    c = p.chain_leader
    return (c.output - c.output_prior) / c.output_prior if c.output_prior > 0 else None


def _output_for_growth(p: Profile, growth: Decimal) -> Decimal:
    return p.chain_leader.output_prior * (1 + growth)


def _chain_increase(p: Profile, r: Result, i: int) -> Decimal:
    return p.chain_leader.output - p.chain_leader.output_prior


def _increase_steps(step: Any, p: Profile, r: Result, i: int) -> Sequence[Decimal]:
    """The full step the increase last passed and the next one (each full step adds to the award)."""
    step = Decimal(step)
    reached = _chain_increase(p, r, i) // step
    return [s * step for s in (reached, reached + 1) if s > 0]


def _whitelist(p: Profile, r: Result) -> bool:
    return p.whitelist.member and p.entity == "company"


def _months_2023(p: Profile) -> Sequence[int]:
    return (1, 2, 3)


def _month_2023(p: Profile, i: int) -> date:
    return date(2023, i, 1)  # growth_2023 = Jan, Feb, Mar 2023 (the profile schema); the tiers' window says when


def _tiers(tiers: Any, p: Profile, r: Result, i: int) -> Sequence[Decimal]:
    return [Decimal(t["growth"]) for t in tiers]


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "cit.small_low_profit.income_limit",
        "income.taxable_income",
        "le",
        Text("应纳税所得额", "taxable income"),
        Text("小型微利企业所得额标准", "small low-profit line"),
        measure="cit.tax_final",
        policy=SLPE,
        value=_t_final,
        when=_company,
    ),
    Threshold(
        "cit.small_low_profit.employee_limit",
        "employees",
        "le",
        Text("从业人数", "headcount"),
        Text("小型微利企业从业人数标准", "small low-profit headcount line"),
        measure="cit.tax_final",
        unit="persons",
        policy=SLPE,
        when=_company,
    ),
    Threshold(
        "cit.small_low_profit.asset_limit",
        "total_assets",
        "le",
        Text("资产总额", "total assets"),
        Text("小型微利企业资产总额标准", "small low-profit assets line"),
        measure="cit.tax_final",
        policy=SLPE,
        when=_company,
    ),
    Threshold(
        "cit.small_low_profit.band1_limit",
        "income.taxable_income",
        "le",
        Text("应纳税所得额", "taxable income"),
        Text("小型微利企业100万元档", "first band of the small low-profit relief"),
        measure="cit.tax_final",
        policy=SLPE,
        value=_t_final,
        when=_slpe,
    ),
    Threshold(
        "vat.small_scale.quarter_threshold",
        _quarter_path,
        "le",
        Text("第{i}季度销售额", "Q{i} sales"),
        Text("小规模纳税人季度免税标准", "small-scale quarterly exemption line"),
        measure=f"item:{VAT_SMALL_SCALE}",
        policy=VAT_SMALL_SCALE,
        value=_quarter_sales,
        indices=_quarters,
        when=_small_scale,
        on=_quarter_start,
    ),
    Threshold(
        "cit.equipment_deduction.sme_value_line",
        "equipment.{i}.unit_value",
        "le",
        Text("设备{i}单位价值", "equipment {i} unit value"),
        Text("设备器具500万元标准", "equipment value line"),
        measure=f"item:{EQUIPMENT}",
        policy=EQUIPMENT,
        indices=_equipment_of_year,
        when=_company,
    ),
    # B9 stable-job refund: the layoff lines (人社部发〔2022〕23号) and the months insured
    Threshold(
        "ui.stable_job_refund.layoff_rate_limit",
        "employment.layoff_rate",
        "le",
        Text("裁员率", "layoff rate"),
        Text("稳岗返还裁员率标准", "stable-job refund layoff line"),
        measure=f"item:{STABLE_JOB}",
        unit="rate",
        policy=STABLE_JOB,
        when=_laid_off,
    ),
    Threshold(
        "ui.stable_job_refund.small_layoff_rate_limit",
        "employment.layoff_rate",
        "le",
        Text("裁员率", "layoff rate"),
        Text("30人以下参保企业裁员率标准", "layoff line for enterprises with few insured"),
        measure=f"item:{STABLE_JOB}",
        unit="rate",
        policy=STABLE_JOB,
        when=_laid_off,
    ),
    Threshold(
        "ui.stable_job_refund.small_insured_limit",
        "employment.insured_employees",
        "le",
        Text("参保职工人数", "insured employees"),
        Text("稳岗返还小企业参保人数标准", "stable-job refund small-enterprise line"),
        measure=f"item:{STABLE_JOB}",
        unit="persons",
        policy=STABLE_JOB,
        when=_laid_off,
    ),
    # B14 chain leader: output first reaching the line, the growth line, and the staircase of the increase
    Threshold(
        "award.chain_leader_output.output_line",
        "chain_leader.output",
        "ge",
        Text("2022年产值", "2022 output"),
        Text("链主企业产值标准", "chain-leader output line"),
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader,
    ),
    Threshold(
        "award.chain_leader_output.output_line",
        "chain_leader.output_prior",
        "lt",
        Text("2021年产值", "2021 output"),
        Text("链主企业“首次达到”标准", "chain-leader “first reached” line"),
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader,
        id="award.chain_leader_output.output_line.prior",
    ),
    Threshold(
        "award.chain_leader_output.growth_min",
        "chain_leader.output",
        "ge",
        Text("产值同比增速", "output growth"),
        Text("链主企业增速标准", "chain-leader growth line"),
        measure=f"item:{CHAIN_LEADER}",
        unit="rate",
        policy=CHAIN_LEADER,
        when=_chain_leader,
        value=_chain_growth,
        to_path=_output_for_growth,
    ),
    Threshold(
        "award.chain_leader_output.increment_step",
        "chain_leader.output",
        "ge",
        Text("产值增量", "output increase"),
        Text("链主企业产值增量台阶", "chain-leader increase step"),
        measure=f"item:{CHAIN_LEADER}",
        policy=CHAIN_LEADER,
        when=_chain_leader_awarded,
        value=_chain_increase,
        lines=_increase_steps,
    ),
    # B15 white list: each month's growth against each tier
    Threshold(
        "award.whitelist_growth.tiers",
        "whitelist.growth_2023.{i}",
        "ge",
        Text("2023年{i}月产值同比增速", "2023-{i:02d} output growth"),
        Text("白名单企业增速档", "white-list growth tier"),
        measure=f"item:{WHITELIST}",
        unit="rate",
        policy=WHITELIST,
        when=_whitelist,
        indices=_months_2023,
        on=_month_2023,
        lines=_tiers,
    ),
    # B8 manufacturing SME deferral bands (A4), on prior-year sales
    Threshold(
        "tax.manufacturing_sme_deferral.small_micro_below",
        "prior_revenue",
        "lt",
        Text("上年销售额", "prior-year sales"),
        Text("制造业小微企业缓税标准", "manufacturing small/micro deferral line"),
        measure=f"item:{DEFERRAL}",
        policy=DEFERRAL,
        when=_manufacturing,
        on=_prior_year_end,
    ),
    Threshold(
        "tax.manufacturing_sme_deferral.medium_below",
        "prior_revenue",
        "lt",
        Text("上年销售额", "prior-year sales"),
        Text("制造业中型企业缓税标准", "manufacturing medium deferral line"),
        measure=f"item:{DEFERRAL}",
        policy=DEFERRAL,
        when=_manufacturing,
        on=_prior_year_end,
    ),
)


def _param_crossings(
    profile: Profile, result: Result, params: ParamSet, offered: set[str], every: bool
) -> Iterator[Crossing]:
    year_end = date(profile.year, 12, 31)
    for spec in THRESHOLDS:
        if spec.param not in params or (spec.policy and spec.policy not in offered):
            continue
        if spec.when is not None and not every and not spec.when(profile, result):
            continue
        for i in spec.indices(profile) if spec.indices else (0,):
            on = spec.on(profile, i) if spec.on else year_end
            raw = params.get_or_none(spec.param, on)
            if raw is None:
                continue
            if spec.lines is not None:
                lines = list(spec.lines(raw, profile, result, i))
            elif isinstance(raw, Decimal | int) and not isinstance(raw, bool):
                lines = [Decimal(raw)]
            else:
                continue
            path = spec.path(profile, i) if callable(spec.path) else spec.path.format(i=i)
            path_value = get_path(profile, path)
            value = spec.value(profile, result, i) if spec.value else path_value
            if path_value is None or value is None:
                continue
            label = Text(spec.label.zh.format(i=i), spec.label.en.format(i=i))
            for line in lines:
                yield Crossing(
                    id=spec.id or spec.param,
                    parameter=spec.param,
                    source=params.parameter(spec.param).source,
                    path=path,
                    label=label,
                    line_name=spec.line_name,
                    op=spec.op,
                    line=line,
                    value=Decimal(value),
                    path_value=Decimal(path_value),
                    unit=spec.unit,
                    measure=spec.measure,
                    to_path=spec.to_path,
                    profile=profile,
                )


# ── the lines of the size tables (data files, not dated parameters) ──────────────────────────────────────────

_INDICATOR_PATHS = {
    "employees": ("employees", Text("从业人员", "employees"), "persons"),
    "revenue": ("revenue", Text("营业收入", "revenue"), "yuan"),
    "assets": ("total_assets", Text("资产总额", "total assets"), "yuan"),
}
_SIZE_BOUNDS: dict[str, tuple[Op, str, str]] = {
    "sme_below": ("lt", "中小企业上限", "SME ceiling"),
    "medium_at_least": ("ge", "中型企业下限", "medium-size floor"),
    "small_at_least": ("ge", "小型企业下限", "small-size floor"),
}


def _size_crossings(profile: Profile) -> Iterator[Crossing]:
    """工信部联企业〔2011〕300号 bounds of the profile's sector group (A3 size class)."""
    from ..classify import match_group

    group, _note = match_group("size_standard", profile.sector)
    for key, (op, zh, en) in _SIZE_BOUNDS.items():
        for indicator, bound in group.bounds[key].items():
            path, label, unit = _INDICATOR_PATHS[indicator]
            value = Decimal(get_path(profile, path))
            yield Crossing(
                id=f"size_standard.{group.id}.{key}.{indicator}",
                parameter=f"data/size_standard.toml [{group.id}]",
                source=group.source,
                path=path,
                label=label,
                line_name=Text(f"企业划型（{group.name.zh}）{zh}", f"size-class {en} ({group.name.en})"),
                op=op,
                line=bound,
                value=value,
                path_value=value,
                unit=unit,
                measure="totals",
            )


def _sme_equipment_crossings(profile: Profile, params: ParamSet) -> Iterator[Crossing]:
    """A2 ceilings (one criterion below suffices) — only matter when equipment above the value line was bought."""
    from ..classify import match_group, sme_equipment_groups

    line_name = "cit.equipment_deduction.sme_value_line"
    line = params.get_or_none(line_name, date(profile.year, 12, 31))
    if line is None or not any(profile.equipment[i - 1].unit_value > line for i in _equipment_of_year(profile)):
        return
    _, sources, _, _ = sme_equipment_groups()
    group, _note = match_group("sme_equipment", profile.sector)
    for indicator, bound in group.bounds["below_any"].items():
        path, label, unit = _INDICATOR_PATHS[indicator]
        value = Decimal(get_path(profile, path))
        yield Crossing(
            id=f"sme_equipment.{group.id}.{indicator}",
            parameter=f"data/sme_equipment.toml [{group.id}]",
            source=sources[0],
            path=path,
            label=label,
            line_name=Text(
                f"设备扣除中小微企业上限（{group.name.zh}）", f"equipment-deduction SME ceiling ({group.name.en})"
            ),
            op="lt",
            line=bound,
            value=value,
            path_value=value,
            unit=unit,
            measure=f"item:{EQUIPMENT}",
        )


def crossings(profile: Profile, result: Result, params: ParamSet, *, every: bool = False) -> list[Crossing]:
    """Every line that applies to this profile, near or not (sweeps use them to sample both sides of a cliff).

    `every` keeps the lines a spec's `when` would skip for this profile (a sweep moves the profile into them).
    """
    offered = {it.policy.id for it in result.items}
    found = list(_param_crossings(profile, result, params, offered, every))
    if EQUIPMENT in offered and profile.entity == "company":
        found += _sme_equipment_crossings(profile, params)
    found += _size_crossings(profile)
    return [c for c in found if c.line != 0]


# ── advising ──────────────────────────────────────────────────────────────────────────────────────────────────


def params_for(profile: Profile, reform: Reform | None) -> ParamSet:
    params = param_set(profile.jurisdiction, profile.year)
    return reform.apply(params)[0] if reform is not None else params


def near(c: Crossing, margin: Decimal) -> bool:
    return abs(c.value - c.line) <= margin * abs(c.line)


def advise(
    profile: Profile, result: Result, *, margin: Decimal = DEFAULT_MARGIN, reform: Reform | None = None
) -> list[Advisory]:
    """Advisories for the lines within `margin` of the profile, most yuan at stake first.

    Each move re-runs the engine once (well under a millisecond to a few ms) with the field just across a line.
    Lines crossed by the same move (the same field to the same value) share one run and one advisory. When one
    move goes past a nearer line on the same field in the same direction (305 employees: ≤ 300 for the small
    low-profit test, then ≥ 300 for the size class at 299), the farther move is compared with the nearer one's
    run, so each advisory shows only what its own line is worth. Moves that change no amount (and open or close
    no benefit) are dropped.
    """
    from ..engine import calculate

    if margin <= 0:
        return []
    groups: dict[tuple[str, Decimal], list[tuple[Crossing, Decimal]]] = {}
    for c in crossings(profile, result, params_for(profile, reform)):
        if not near(c, margin):
            continue
        kind = numeric_kind(c.path)
        compared = c.across()
        target = c.path_at(compared)
        if kind is None or not kind.accepts(target) or target == c.path_value:
            continue
        groups.setdefault((c.path, target), []).append((c, compared))
    # the moves of each field and direction, nearest first
    chains: dict[tuple[str, bool], list[tuple[Decimal, list[tuple[Crossing, Decimal]]]]] = {}
    for (path, target), found in groups.items():
        chains.setdefault((path, target > found[0][0].path_value), []).append((target, found))
    advisories = []
    for (path, _up), moves in chains.items():
        kind = numeric_kind(path)
        assert kind is not None
        before, before_at = result, None
        for target, found in sorted(moves, key=lambda m: abs(m[0] - m[1][0][0].path_value)):
            moved = calculate(with_path(profile, path, kind.typed(target)), reform=reform)
            changes, totals = diff(before, moved)
            # worth saying: an amount changes, or a benefit without an amount opens or closes (an item whose
            # eligibility flips with 0.00 on both sides — no premiums paid, no sales — is not)
            if any(ch.now != ch.moved or ch.now is None for ch in changes):
                advisories.append(_advisory(found, target, before, before_at, moved, changes, totals))
                before, before_at = moved, target  # a farther line is measured from here
    advisories.sort(key=lambda a: -abs(a.measure_moved - a.measure_now))
    return advisories


def _measure(name: str, now: Result, moved: Result, totals: dict[str, Decimal]) -> tuple[Text, Decimal, Decimal]:
    if name == "cit.tax_final" and "tax_final" in now.cit and "tax_final" in moved.cit:
        return Text("企业所得税", "income tax"), now.cit["tax_final"], moved.cit["tax_final"]
    if name.startswith("item:"):
        pid = name[5:]
        try:
            a, b = now.item(pid), moved.item(pid)
        except KeyError:
            pass
        else:
            return a.policy.title, a.amount or Decimal(0), b.amount or Decimal(0)
    if totals:
        kind = max(totals, key=lambda k: abs(totals[k]))
        zh, en = KIND_TITLES[kind]
        return (
            Text(zh.split("（")[0] + "合计", en.split(" (")[0].lower() + " total"),
            now.totals[kind],
            moved.totals[kind],
        )
    return Text("金额", "amount"), Decimal(0), Decimal(0)


def show(value: Decimal, unit: str, *, apart_from: Decimal | None = None) -> str:
    """A value in words. Rates to a hundredth of a percent (an exact growth rate can have 28 digits), rounded away
    from `apart_from` so a value never looks equal to a line it is not equal to (9.99999% shows 9.99%, not 10%)."""
    if unit != "rate":
        return fmt_num(value)
    rounding = ROUND_HALF_UP
    if apart_from is not None and value != apart_from:
        rounding = ROUND_FLOOR if value < apart_from else ROUND_CEILING
    return f"{fmt_num((value * 100).quantize(Decimal('0.01'), rounding=rounding))}%"


def _advisory(
    found: list[tuple[Crossing, Decimal]],
    target: Decimal,
    now: Result,
    now_at: Decimal | None,
    moved: Result,
    changes: tuple[Change, ...],
    totals: dict[str, Decimal],
) -> Advisory:
    """One advisory in words: where the value is, the line(s), and what the re-run at `target` gives.

    Lines crossed by the same move that compare the same value with the same line are named together (the size
    class and the equipment SME ceiling at 1,000 employees); otherwise the first speaks for the move.
    """
    c, compared = found[0]
    same = [f for f, _ in found if (f.label, f.value, f.line, f.op) == (c.label, c.value, c.line, c.op)]
    names = Text("、".join(f.line_name.zh for f in same), " and the ".join(f.line_name.en for f in same))
    label, m_now, m_moved = _measure(c.measure, now, moved, totals)
    dist = show(abs(c.value - c.line), c.unit, apart_from=Decimal(0))
    line = f"{OP_SIGNS[c.op]} {show(c.line, c.unit)}"
    v, at = show(c.value, c.unit, apart_from=c.line), show(compared, c.unit, apart_from=c.line)
    if c.value == c.line:
        where = Text(
            f"{c.label.zh} {v} 恰在{names.zh}（{line}）上", f"{c.label.en} {v} is exactly at the {names.en} ({line})"
        )
    else:
        above = c.value > c.line
        where = Text(
            f"{c.label.zh} {v} {'高于' if above else '低于'}{names.zh}（{line}）{dist}",
            f"{c.label.en} {v} is {dist} {'over' if above else 'under'} the {names.en} ({line})",
        )
    field_note = Text("", "")
    if compared != target:  # the compared value is derived (taxable income after deductions): name the field too
        field_note = Text(f"（{c.path} = {fmt_num(target)}）", f" ({c.path} = {fmt_num(target)})")
    after, before = fmt_num(quantize(m_moved)), fmt_num(quantize(m_now))
    near_at = f"{c.path} = {fmt_num(now_at)}" if now_at is not None else ""
    if now_at is not None and m_now != m_moved:  # against the run across the nearer line, not the profile as given
        stake = Text(
            f"若为 {at}{field_note.zh}，{label.zh}将为 {after}，而 {near_at} 时为 {before}",
            f"at {at}{field_note.en} the {label.en} would be {after} instead of {before} at {near_at}",
        )
    elif m_now != m_moved:
        stake = Text(
            f"若为 {at}{field_note.zh}，{label.zh}将为 {after}，而非 {before}",
            f"at {at}{field_note.en} the {label.en} would be {after} instead of {before}",
        )
    else:
        stake = Text(
            f"若为 {at}{field_note.zh}" + (f"（与 {near_at} 相比）" if near_at else ""),
            f"at {at}{field_note.en}" + (f" (compared with {near_at})" if near_at else ""),
        )
    headline_item = c.measure[5:] if c.measure.startswith("item:") else ""
    # in words: items whose amount changes, and eligible-only benefits that open or close (the JSON has them all)
    others = [
        ch
        for ch in changes
        if ch.policy.id != headline_item and (ch.now != ch.moved or (ch.now is None and ch.moved is None))
    ]
    also = also_en = ""
    if others:
        more = len(others) - 4
        also = "；变化：" + "；".join(_change_text(ch, "zh") for ch in others[:4])
        also += f" 等 {len(others)} 项" if more > 0 else ""
        also_en = "; changes: " + "; ".join(_change_text(ch, "en") for ch in others[:4])
        also_en += f" and {more} more" if more > 0 else ""
    return Advisory(
        threshold=c.id,
        parameter=c.parameter,
        source=c.source,
        path=c.path,
        value=c.value,
        line=c.line,
        unit=c.unit,
        moved_to=target,
        measure=label,
        measure_now=m_now,
        measure_moved=m_moved,
        changes=changes,
        totals=totals,
        message=Text(f"{where.zh}；{stake.zh}{also}", f"{where.en}; {stake.en}{also_en}"),
        relative_to=now_at,
        path_unit=_unit_of(c.path),
    )


def _unit_of(path: str) -> str:
    kind = numeric_kind(path)
    assert kind is not None  # (a threshold's path is a number)
    return kind.unit


def _change_text(ch: Change, lang: str) -> str:
    title = ch.policy.title.zh if lang == "zh" else ch.policy.title.en
    if ch.now is None and ch.moved is None:  # eligible_only: no amount, eligibility changes
        if lang == "zh":
            return f"{title}{'变为可申请' if ch.eligible_moved else '不再可申请'}"
        return f"{title} {'becomes available' if ch.eligible_moved else 'no longer available'}"
    a = fmt_num(ch.now if ch.now is not None else Decimal(0))
    b = fmt_num(ch.moved if ch.moved is not None else Decimal(0))
    return f"{title} {a} → {b}"
