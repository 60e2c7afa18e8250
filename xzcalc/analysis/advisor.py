"""Threshold advisories: eligibility lines the enterprise is near or just past, and what crossing them is worth.

The lines are declared beside the rules they test (each rule module's THRESHOLDS, xzcalc/rules/thresholds.py; the
size-class bounds in rules.thresholds.SIZE_CLASS): a dated parameter or a size table, the profile field that crosses
it, the side the rule describes and what is at stake. For each line the enterprise is within `margin` of (default
10% of the line), the engine runs again with the field moved just across the line; the advisory reports the distance
and the difference in yuan between the two runs (the headline measure, every item that changes, and each kind's
total). No hand formula: a cliff in a rule shows up because the rule is run on both sides of it.

Numbers and message ids only: an advisory's sentence is a Msg (data/messages/advisor.toml, the names of the values
and lines from the families' files) with the line in force — a reform's, when there is one — rendered by a view.

Lines whose parameters a jurisdiction does not have, or whose policy it does not offer, are skipped, so a threshold
can be declared before its parameter lands in data/.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..messages import Msg
from ..model import Advisory, Change, Result
from ..params import ParamSet, param_set
from ..record import record
from ..rules import MODULES
from ..rules.thresholds import SIZE_CLASS, STEPS, Line, TableThreshold, Threshold
from ..schema.profile import Profile
from .whatif import diff, get_path, numeric_kind, with_path

if TYPE_CHECKING:
    from ..reform import Reform

__all__ = ["DEFAULT_MARGIN", "THRESHOLDS", "Crossing", "advise", "crossings", "params_for"]

DEFAULT_MARGIN = Decimal("0.1")
RATE_SHOWN = Decimal("0.0001")  # rates are shown to a hundredth of a percent
CHANGES_SHOWN = 4  # the other items an advisory names in words (the JSON has them all)

# every line the advisor knows: each rule module's, in engine order, then the size class's
THRESHOLDS: tuple[Threshold | TableThreshold, ...] = (*(t for m in MODULES for t in m.THRESHOLDS), *SIZE_CLASS)


@record
class Crossing:
    """A rule module's threshold (rules.thresholds.Line: the line, its clause, the field that moves) made concrete for
    one profile: the value it compares now and the field's value."""

    threshold: Line
    value: Decimal
    path_value: Decimal
    profile: Profile

    def holds(self, value: Decimal) -> bool:
        line, op = self.threshold.line, self.threshold.op
        return {"le": value <= line, "lt": value < line, "ge": value >= line, "gt": value > line}[op]

    def across(self) -> Decimal:
        """The nearest compared value on the other side of the line."""
        line, op, step = self.threshold.line, self.threshold.op, STEPS[self.threshold.unit]
        inside = self.holds(self.value)
        if op == "le":
            return line + step if inside else line
        if op == "lt":
            return line if inside else line - step
        if op == "ge":
            return line - step if inside else line
        return line if inside else line + step

    def path_at(self, compared: Decimal) -> Decimal:
        """The field's value that gives `compared` (one for one with its field unless the threshold says otherwise)."""
        if self.threshold.to_path is not None:
            return self.threshold.to_path(self.profile, compared)
        return self.path_value + (compared - self.value)

    def edges(self) -> tuple[Decimal, Decimal]:
        """The field's values on both sides of the line (for sweeps: a cliff between two adjacent points)."""
        line, step = self.threshold.line, STEPS[self.threshold.unit]
        low = line if self.threshold.op in ("le", "gt") else line - step
        return self.path_at(low), self.path_at(low + step)


def _crossings(profile: Profile, result: Result, params: ParamSet, every: bool) -> Iterator[Crossing]:
    offered = {it.policy.id for it in result.items}
    for spec in THRESHOLDS:
        for line in spec.lines_for(profile, result, params, offered, every):
            path_value = get_path(profile, line.path)
            if path_value is None:  # past the end of a table
                continue
            value = Decimal(path_value) if line.value is None else line.value
            yield Crossing(line, value, Decimal(path_value), profile)


def crossings(profile: Profile, result: Result, params: ParamSet, *, every: bool = False) -> list[Crossing]:
    """Every line that applies to this profile, near or not (sweeps use them to sample both sides of a cliff).

    `every` keeps the lines a threshold's `when` would skip for this profile (a sweep moves the profile into them).
    """
    return [c for c in _crossings(profile, result, params, every) if c.threshold.line != 0]


# ── advising ──────────────────────────────────────────────────────────────────────────────────────────────────


def params_for(profile: Profile, reform: Reform | None) -> ParamSet:
    params = param_set(profile.jurisdiction, profile.year)
    return reform.apply(params)[0] if reform is not None else params


def near(c: Crossing, margin: Decimal) -> bool:
    return abs(c.value - c.threshold.line) <= margin * abs(c.threshold.line)


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
        kind = numeric_kind(c.threshold.path)
        compared = c.across()
        target = c.path_at(compared)
        if kind is None or not kind.accepts(target) or target == c.path_value:
            continue
        groups.setdefault((c.threshold.path, target), []).append((c, compared))
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


def _measure(name: str, now: Result, moved: Result, totals: dict[str, Decimal]) -> tuple[Msg, Decimal, Decimal]:
    if name == "cit.tax_final" and "tax_final" in now.cit and "tax_final" in moved.cit:
        return Msg("advisor.measure.income_tax"), now.cit["tax_final"], moved.cit["tax_final"]
    if name.startswith("item:"):
        pid = name[5:]
        try:
            a, b = now.item(pid), moved.item(pid)
        except KeyError:
            pass
        else:
            return (
                Msg("advisor.measure.item", {"title": a.policy.title}),
                a.amount or Decimal(0),
                b.amount or Decimal(0),
            )
    if totals:
        kind = max(totals, key=lambda k: abs(totals[k]))
        return Msg(f"advisor.measure.total.{kind}"), now.totals[kind], moved.totals[kind]
    return Msg("advisor.measure.amount"), Decimal(0), Decimal(0)


def shown(value: Decimal, unit: str, *, apart_from: Decimal | None = None) -> Msg:
    """A value as a sentence shows it, in its unit. A rate to a hundredth of a percent (an exact growth rate can have
    28 digits), rounded away from `apart_from` so a value never looks equal to a line it is not equal to (9.99999%
    shows 9.99%, not 10%)."""
    if unit == "rate":
        rounding = ROUND_HALF_UP
        if apart_from is not None and value != apart_from:
            rounding = ROUND_FLOOR if value < apart_from else ROUND_CEILING
        value = value.quantize(RATE_SHOWN, rounding=rounding)
    return Msg(f"advisor.in.{unit}", {"x": value})


def _names(same: Sequence[Crossing]) -> Msg:
    """The names of the lines one sentence speaks for: "A", "A and the B", …"""
    names = same[0].threshold.line_name
    for c in same[1:]:
        names = Msg("advisor.names.and", {"first": names, "next": c.threshold.line_name})
    return names


def _advisory(
    found: list[tuple[Crossing, Decimal]],
    target: Decimal,
    now: Result,
    now_at: Decimal | None,
    moved: Result,
    changes: tuple[Change, ...],
    totals: dict[str, Decimal],
) -> Advisory:
    """One advisory: where the value is, the line(s), and what the re-run at `target` gives (as a message).

    Lines crossed by the same move that compare the same value with the same line are named together (the size
    class and the equipment SME ceiling at 1,000 employees); otherwise the first speaks for the move.
    """
    c, compared = found[0]
    t = c.threshold
    same = [
        f
        for f, _ in found
        if (f.threshold.label, f.value, f.threshold.line, f.threshold.op) == (t.label, c.value, t.line, t.op)
    ]
    measure, m_now, m_moved = _measure(t.measure, now, moved, totals)
    said: dict[str, Any] = {
        "label": t.label,
        "value": shown(c.value, t.unit, apart_from=t.line),
        "names": _names(same),
        "line": Msg(f"advisor.line.{t.op}", {"line": shown(t.line, t.unit)}),
    }
    if c.value == t.line:
        where = Msg("advisor.where.at", said)
    else:
        distance = shown(abs(c.value - t.line), t.unit, apart_from=Decimal(0))
        where = Msg(
            "advisor.where.above" if c.value > t.line else "advisor.where.below",
            {**said, "distance": distance},
        )
    # the compared value is derived (taxable income after deductions): name the field too
    note: Msg | str = "" if compared == target else Msg("advisor.field_note", {"path": t.path, "target": target})
    stake_values: dict[str, Any] = {"at": shown(compared, t.unit, apart_from=t.line), "note": note}
    if now_at is not None:  # against the run across the nearer line, not the profile as given
        stake_values |= {"path": t.path, "near": now_at}
    if m_now != m_moved:
        stake_values |= {"measure": measure, "moved": m_moved, "now": m_now}
        stake = Msg("advisor.stake.measure" + ("_from_nearer" if now_at is not None else ""), stake_values)
    else:
        stake = Msg("advisor.stake.only" + ("_from_nearer" if now_at is not None else ""), stake_values)
    headline_item = t.measure[5:] if t.measure.startswith("item:") else ""
    # in words: items whose amount changes, and eligible-only benefits that open or close (the JSON has them all)
    others = [
        ch
        for ch in changes
        if ch.policy.id != headline_item and (ch.now != ch.moved or (ch.now is None and ch.moved is None))
    ]
    also: Msg | str = ""
    if others:
        listed = [_change(ch) for ch in others[:CHANGES_SHOWN]]
        more = len(others) - CHANGES_SHOWN
        if more > 0:
            also = Msg("advisor.changes.more", {"changes": listed, "count": len(others), "more": more})
        else:
            also = Msg("advisor.changes.listed", {"changes": listed})
    return Advisory(
        threshold=t.id,
        parameter=t.parameter,
        source=t.source,
        path=t.path,
        value=c.value,
        line=t.line,
        unit=t.unit,
        moved_to=target,
        measure=measure,
        measure_now=m_now,
        measure_moved=m_moved,
        changes=changes,
        totals=totals,
        message=Msg("advisor.advisory", {"where": where, "stake": stake, "changes": also}),
        relative_to=now_at,
        path_unit=_unit_of(t.path),
    )


def _unit_of(path: str) -> str:
    kind = numeric_kind(path)
    assert kind is not None  # (a threshold's path is a number)
    return kind.unit


def _change(ch: Change) -> Msg:
    title = ch.policy.title
    if ch.now is None and ch.moved is None:  # eligible_only: no amount, eligibility changes
        return Msg("advisor.change.opens" if ch.eligible_moved else "advisor.change.closes", {"title": title})
    now = ch.now if ch.now is not None else Decimal(0)
    moved = ch.moved if ch.moved is not None else Decimal(0)
    return Msg("advisor.change.amount", {"title": title, "now": now, "moved": moved})
