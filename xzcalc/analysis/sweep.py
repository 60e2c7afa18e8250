"""`xzcalc sweep`: every total (and chosen items) as one profile field varies — the cliffs made visible.

The field takes `steps + 1` evenly spaced values from `start` to `stop` (both included). Each threshold that the field
crosses in that range (xzcalc.advisor's lines) adds the two values on either side of its line, so a cliff is drawn
as the vertical drop it is, not as a slope between two grid points. Every point is a full engine run.

Numbers only; xzcalc.views.sweep shows them (table, terminal chart, SVG, HTML, CSV, JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..messages import Msg
from ..model import KINDS, Result
from ..schema.build import parse_profile
from ..schema.kinds import Number
from ..schema.paths import set_path
from ..schema.profile import Profile, profile_to_dict
from .whatif import get_path, numeric_kind, with_path

if TYPE_CHECKING:
    from ..reform import Reform

__all__ = ["SweepError", "SweepResult", "columns", "parse_field_value", "run_sweep"]

MAX_POINTS = 5000


class SweepError(ValueError):
    """An unusable sweep request; str() is one line naming the option and the problem."""


@dataclass(slots=True)
class Point:
    value: Decimal
    result: Result
    reformed: Result | None = None
    edge: str = ""  # the threshold whose line this point was added at


@dataclass(slots=True)
class SweepResult:
    profile: Profile
    path: str  # the field that varies
    kind: Number[Any]  # its kind: the grid's step, its unit
    points: list[Point]
    items: tuple[str, ...]
    lines: list[tuple[Decimal, str, Msg]] = field(default_factory=list)  # field value at each line, id, name
    reform: Reform | None = None


def parse_field_value(profile: Profile, path: str, text: str, option: str) -> tuple[Profile, Decimal]:
    """`text` as the field's kind would parse it in a profile (same checks, same message), and the profile with it."""
    from ..schema.profile import ProfileError

    try:
        kind = numeric_kind(path)
    except ProfileError as e:
        raise SweepError(f"--field: {path!r} is not valid — expected {e.expected}") from None
    if kind is None:
        raise SweepError(f"--field: {path!r} is not a numeric field — expected an amount, count or rate path")
    data = profile_to_dict(profile)
    set_path(data, path, text)
    try:
        moved = parse_profile(data)
    except ProfileError as e:
        raise SweepError(f"{option}: {text!r} is not valid for {path} — expected {e.expected}") from None
    return moved, Decimal(get_path(moved, path))


def _grid(start: Decimal, stop: Decimal, steps: int, kind: Number[Any]) -> list[Decimal]:
    resolution = kind.step
    values = []
    for i in range(steps + 1):
        v = start + (stop - start) * i / steps
        values.append(v.quantize(resolution, rounding=ROUND_HALF_UP))
    return values


def run_sweep(
    profile: Profile,
    path: str,
    start_text: str,
    stop_text: str,
    steps: int,
    *,
    items: Sequence[str] = (),
    reform: Reform | None = None,
    edges: bool = True,
) -> SweepResult:
    from ..engine import calculate
    from .advisor import crossings, params_for

    if steps < 1:
        raise SweepError(f"--steps: {steps} is not valid — expected at least 1")
    base, start = parse_field_value(profile, path, start_text, "--from")
    _, stop = parse_field_value(profile, path, stop_text, "--to")
    kind = numeric_kind(path)
    assert kind is not None
    low, high = min(start, stop), max(start, stop)
    values = set(_grid(start, stop, steps, kind))
    base_result = calculate(base, reform=reform)
    offered = {it.policy.id for it in base_result.items}
    unknown = [i for i in items if i not in offered]
    if unknown:
        raise SweepError(
            f"--item: {unknown[0]!r} is not offered in {base.jurisdiction} — expected an id listed by `xzcalc policies`"
        )
    edge_of: dict[Decimal, str] = {}
    lines: dict[Decimal, tuple[str, Msg]] = {}
    if edges:
        # the lines seen from both ends of the range (which field a line moves can depend on the value: Q1 sales
        # move the 3% sales once there are any), with the baseline's and the reform's parameters (a reform can
        # move a line)
        found = []
        for end in (start, stop):
            at = with_path(base, path, kind.typed(end))
            at_result = base_result if end == start else calculate(at, reform=reform)
            for param_reform in (None, reform) if reform is not None else (None,):
                found += crossings(at, at_result, params_for(at, param_reform), every=True)
        for c in found:
            if c.threshold.path != path:
                continue
            below, above = c.edges()
            line_at = c.path_at(c.threshold.line)
            for v in (below, above):
                if low <= v <= high and kind.accepts(v):
                    values.add(v)
                    edge_of.setdefault(v, c.threshold.id)
            if low <= line_at <= high:
                lines.setdefault(line_at, (c.threshold.id, c.threshold.line_name))
    if len(values) > MAX_POINTS:
        raise SweepError(f"--steps: {steps} gives {len(values)} points — expected at most {MAX_POINTS}")
    points = []
    for v in sorted(values):
        moved = with_path(base, path, kind.typed(v))
        point = Point(v, calculate(moved), edge=edge_of.get(v, ""))
        if reform is not None:
            point.reformed = calculate(moved, reform=reform)
        points.append(point)
    return SweepResult(
        base, path, kind, points, tuple(items), [(v, i, t) for v, (i, t) in sorted(lines.items())], reform
    )


# ── the numbers of each point ────────────────────────────────────────────────────────────────────────────────


def _income_tax(r: Result) -> Decimal | None:
    return r.cit.get("tax_final")


def _effective_rate(r: Result) -> Decimal | None:
    tax, income = r.cit.get("tax_final"), r.cit.get("taxable_income")
    if tax is None or income is None or income <= 0:
        return None
    return tax / income


Getter = Callable[[Result], Decimal | None]


def _total(kind: str) -> Getter:
    return lambda r: r.totals[kind]


def _amount(policy_id: str) -> Getter:
    return lambda r: r.item(policy_id).amount


def columns(sweep: SweepResult) -> list[tuple[str, str, Getter]]:
    """(key, axis, getter) for every number a sweep reports: the income tax, each kind's total that is ever non-zero,
    the chosen items, the effective income-tax rate (on the right-hand axis)."""
    cols: list[tuple[str, str, Getter]] = []
    results = [p.result for p in sweep.points] + [p.reformed for p in sweep.points if p.reformed is not None]
    if any(_income_tax(r) is not None for r in results):
        cols.append(("income_tax", "left", _income_tax))
    for kind in KINDS:
        if any(r.totals[kind] for r in results):
            cols.append((f"total.{kind}", "left", _total(kind)))
    for pid in sweep.items:
        cols.append((f"item.{pid}", "left", _amount(pid)))
    if any(_effective_rate(r) is not None for r in results):
        cols.append(("effective_rate", "right", _effective_rate))
    return cols
