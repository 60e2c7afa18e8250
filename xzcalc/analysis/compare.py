"""Results side by side: one enterprise in the three jurisdictions (`xzcalc compare`) or in several tax years
(`xzcalc compare --years`), and a baseline against a reform (`--params FILE.toml` on calc, compare and sweep), per
item and totals by kind — never added across kinds.

Numbers only: the results and the parameters a reform changes; xzcalc.views.compare shows them (JSON, CSV, tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..data import tax_years
from ..model import KINDS, Item, PolicyInfo, Result
from ..schema.kinds import YearMap
from ..schema.profile import Profile

if TYPE_CHECKING:
    from ..reform import Reform

__all__ = ["JURISDICTIONS", "Comparison", "compare_jurisdictions", "compare_years", "reform_changes", "shift_years"]

JURISDICTIONS = ("xinzhou", "shanxi", "inner-mongolia")


@dataclass(slots=True)
class Comparison:
    """Results in columns (one per jurisdiction key); `reformed` (same columns) when a reform was given."""

    profile: Profile
    keys: tuple[str, ...]
    results: tuple[Result, ...]
    reformed: tuple[Result, ...] | None = None
    reform: Reform | None = None
    axis: str = "jurisdiction"  # what the columns vary: "jurisdiction", or "year" (keys are the tax years)
    # by tax year: policy id (or total.<kind>) → the keys of the columns in which it differs from the column before
    changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def policies(self) -> list[PolicyInfo]:
        """Every policy offered in any column, in catalogue order (the first column's order, then the others')."""
        seen: dict[str, PolicyInfo] = {}
        for result in self.results:
            for it in result.items:
                seen.setdefault(it.policy.id, it.policy)
        return list(seen.values())

    def cell(self, column: int, policy_id: str, reformed: bool = False) -> Item | None:
        results = self.reformed if reformed and self.reformed is not None else self.results
        try:
            return results[column].item(policy_id)
        except KeyError:
            return None


def compare_jurisdictions(profile: Profile, *, reform: Reform | None = None, explain: bool = False) -> Comparison:
    """The same enterprise computed as if it were in each jurisdiction (only `jurisdiction` changes)."""
    from dataclasses import replace

    from ..engine import calculate

    results, reformed = [], []
    for j in JURISDICTIONS:
        moved = replace(profile, jurisdiction=j)
        results.append(calculate(moved, explain=explain))
        if reform is not None:
            reformed.append(calculate(moved, explain=explain, reform=reform))
    return Comparison(
        profile,
        JURISDICTIONS,
        tuple(results),
        tuple(reformed) if reform is not None else None,
        reform,
    )


def _shifted(value: Any, delta: int) -> Any:
    """A profile value with every date `delta` years later (29 February → 28 February) and year keys moved alike
    (kept within the supported years)."""
    if isinstance(value, date):
        try:
            return value.replace(year=value.year + delta)
        except ValueError:
            return value.replace(year=value.year + delta, day=28)
    if isinstance(value, YearMap):
        years = tax_years()
        return YearMap((y + delta, v) for y, v in value.items() if y + delta in years)
    if isinstance(value, tuple):
        return tuple(_shifted(v, delta) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _shifted(getattr(value, f.name), delta) for f in fields(value) if f.init})
    return value


def shift_years(profile: Profile, year: int) -> Profile:
    """The profile as if filed for tax year `year`: `year` set, and every date in it (machines in service, purchases,
    contracts, refunds, founding) and every year-keyed filing moved by the same number of years — a machine in service
    in June of the profile's year is in service in June of `year`."""
    delta = year - profile.year
    if delta == 0:
        return profile
    moved: Profile = _shifted(profile, delta)
    return replace(moved, year=year)


def compare_years(
    profile: Profile, years: Sequence[int], *, reform: Reform | None = None, explain: bool = False
) -> Comparison:
    """The same enterprise under each tax year's rules (shift_years: its dates move with the year), with the years in
    which each item and each total changed from the column before."""
    from ..engine import calculate

    results, reformed = [], []
    for y in years:
        moved = shift_years(profile, y)
        results.append(calculate(moved, explain=explain))
        if reform is not None:
            reformed.append(calculate(moved, explain=explain, reform=reform))
    keys = tuple(str(y) for y in years)
    # a line changes in a year when its baseline or (with a reform) its reformed figure differs from the year before
    sides = [results, reformed] if reform is not None else [results]
    changed: dict[str, tuple[str, ...]] = {}
    for pid in {it.policy.id: None for r in results for it in r.items}:
        cells = [
            tuple((it.amount, it.eligible, it.status) for side in sides for it in side[i].items if it.policy.id == pid)
            for i in range(len(years))
        ]
        changed[pid] = tuple(keys[i] for i in range(1, len(cells)) if cells[i] != cells[i - 1])
    for kind in KINDS:
        totals = [tuple(side[i].totals[kind] for side in sides) for i in range(len(years))]
        changed[f"total.{kind}"] = tuple(keys[i] for i in range(1, len(totals)) if totals[i] != totals[i - 1])
    return Comparison(
        profile,
        keys,
        tuple(results),
        tuple(reformed) if reform is not None else None,
        reform,
        axis="year",
        changed=changed,
    )


# ── reforms: which parameters changed, from what to what ─────────────────────────────────────────────────────


def _plain(value: Any) -> Any:
    """A parameter value for JSON: numbers as exact strings (like every amount), dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def reform_changes(reform: Reform, jurisdiction: str, year: int) -> list[dict[str, Any]]:
    """The parameters the reform replaces for this jurisdiction: name, source, value before and after.

    A value is the one in force on the last day of the tax year, or all dated windows when none is.
    """
    from ..params import Parameter, param_set

    base = param_set(jurisdiction, year)
    _reformed, overrides = reform.apply(base)
    on = date(year, 12, 31)

    def value(p: Parameter) -> Any:
        for w in p.windows:
            if w.start <= on <= w.end:
                return _plain(w.value)
        return [{"from": w.start.isoformat(), "until": w.end.isoformat(), "value": _plain(w.value)} for w in p.windows]

    out = []
    for name in sorted(overrides):
        old = base.parameter(name)
        out.append(
            {
                "name": name,
                "description": old.description,
                "source": old.source,
                "baseline": value(old),
                "reform": value(overrides[name]),
            }
        )
    return out


def kinds_present(results: Sequence[Result]) -> list[str]:
    return [k for k in KINDS if any(r.totals[k] for r in results)]
