"""Thresholds: the eligibility lines of a rule, declared beside the rule they test (each rule module's THRESHOLDS).

A threshold is a line read from the dated parameters (data/params) or from a size table (data/size_standard.toml,
data/sme_equipment.toml), the profile field that crosses it, the side the rule describes (≤, <, ≥, >) and what is at
stake. `lines` makes it concrete for one profile: the line(s) in force, the field, and message ids with the values
that name them (the sentences are in the family's data/messages file). The advisor (xzcalc/analysis/advisor.py) runs
the engine on both sides of each line near the profile; sweeps add the two sides of each line as points.

Nothing here names a year or a date of a document: a line is read on a date derived from the profile's tax year or
from the parameter's own dated windows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ..classify import match_group, sme_equipment_source
from ..messages import Msg
from ..model import Result
from ..params import ParamSet
from ..record import record
from ..schema.profile import Profile

__all__ = ["INDICATORS", "SIZE_CLASS", "STEPS", "Line", "Op", "TableThreshold", "Threshold"]

Op = Literal["le", "lt", "ge", "gt"]
# the smallest move that puts a value on the other side of a line, by unit
STEPS = {"yuan": Decimal(1), "persons": Decimal(1), "rate": Decimal("0.0001")}


@record
class Line:
    """A threshold made concrete for one profile: the line in force, the field that crosses it and the messages that
    name them (`label`: the compared value; `line_name`: the line). `value` is the compared value when it is not the
    field's own (None: the field's)."""

    id: str
    parameter: str  # where the line comes from: a dated parameter, or a size table's file and group
    source: str  # the clause the line is written in
    path: str
    label: Msg
    line_name: Msg
    op: Op
    line: Decimal
    unit: str
    measure: str
    value: Decimal | None = None
    to_path: Callable[[Profile, Decimal], Decimal] | None = None


def _label(message: str, profile: Profile, i: int, on: date) -> Msg:
    """The compared value's name: its message with the index `i` (a quarter, an equipment row), the date `on` the
    line is read (a month of a window), the tax year and the year before it."""
    return Msg(message, {"i": i, "on": on, "year": profile.year, "prior_year": profile.year - 1})


@record
class Threshold:
    """One eligibility line set by a dated parameter.

    `label` and `line_name` are message ids: the compared value (given i, on, year, prior_year) and the line (given
    `line`, and each parameter of `cites` by its placeholder, read on the same date). `measure` names the headline:
    "cit.tax_final" (income tax after relief), "item:<policy id>" or "totals" (the kind whose total changes most).
    `value` gives the compared value when it is not the field itself (the SLPE test is on taxable income after
    deductions, moved through income.taxable_income); `indices` expands a path with "{i}" over list elements or table
    rows; `when` skips lines that cannot matter for this enterprise (saving a re-run; a sweep keeps them); `on` is the
    date the line is read (default: the last day of the tax year); `lines` turns the parameter's value into the
    line(s) for this profile (a table of tiers, the next step of a staircase); `to_path` gives the field's value for a
    compared value when the two do not move one for one (a growth rate compared, the output moved).
    """

    param: str
    path: str | Callable[[Profile, int], str]
    op: Op
    label: str
    line_name: str
    measure: str = "totals"
    unit: str = "yuan"
    policy: str = ""
    value: Callable[[Profile, Result, int], Decimal | None] | None = None
    indices: Callable[[Profile], Sequence[int]] | None = None
    when: Callable[[Profile, Result], bool] | None = None
    on: Callable[[Profile, ParamSet, int], date] | None = None
    lines: Callable[[Any, Profile, Result, int], Sequence[Decimal]] | None = None
    to_path: Callable[[Profile, Decimal], Decimal] | None = None
    id: str = ""
    cites: tuple[tuple[str, str], ...] = ()  # (placeholder, parameter) pairs the line's name shows

    def lines_for(
        self, profile: Profile, result: Result, params: ParamSet, offered: Collection[str], every: bool
    ) -> Iterator[Line]:
        """The lines of this threshold for the profile (none when the jurisdiction lacks the parameter or the policy,
        or — unless `every` — when `when` says the line cannot matter)."""
        if self.param not in params or (self.policy and self.policy not in offered):
            return
        if self.when is not None and not every and not self.when(profile, result):
            return
        year_end = date(profile.year, 12, 31)
        for i in self.indices(profile) if self.indices else (0,):
            on = self.on(profile, params, i) if self.on else year_end
            raw = params.get_or_none(self.param, on)
            if raw is None:
                continue
            if self.lines is not None:
                lines = list(self.lines(raw, profile, result, i))
            elif isinstance(raw, Decimal | int) and not isinstance(raw, bool):
                lines = [Decimal(raw)]
            else:
                continue
            value = None
            if self.value is not None:
                value = self.value(profile, result, i)
                if value is None:
                    continue
            path = self.path(profile, i) if callable(self.path) else self.path.format(i=i)
            label = _label(self.label, profile, i, on)
            cited = {key: params.get_or_none(name, on) for key, name in self.cites}
            for line in lines:
                yield Line(
                    id=self.id or self.param,
                    parameter=self.param,
                    source=params.parameter(self.param).source_on(on),
                    path=path,
                    label=label,
                    line_name=Msg(self.line_name, {"line": line, **cited}),
                    op=self.op,
                    line=line,
                    unit=self.unit,
                    measure=self.measure,
                    value=None if value is None else Decimal(value),
                    to_path=self.to_path,
                )


# the indicators of the size tables: the profile field each is read from, and its unit
INDICATORS = {"employees": ("employees", "persons"), "revenue": ("revenue", "yuan"), "assets": ("total_assets", "yuan")}


@record
class TableThreshold:
    """The lines of one bound of a size table (classify.match_group: the profile's sector group), one per indicator.

    `table` and `bound` name the table and the key of the group's bounds; `id` is a format of {group} and
    {indicator}; `line_name` a message id given {group} (the group's name). `requires` is checked always (also by a
    sweep): the lines only matter then."""

    table: Literal["size_standard", "sme_equipment"]
    bound: str
    op: Op
    id: str
    line_name: str
    measure: str = "totals"
    policy: str = ""
    requires: Callable[[Profile, ParamSet], bool] | None = None

    def lines_for(
        self, profile: Profile, result: Result, params: ParamSet, offered: Collection[str], every: bool
    ) -> Iterator[Line]:
        if self.policy and self.policy not in offered:
            return
        if self.requires is not None and not self.requires(profile, params):
            return
        group, _note = match_group(self.table, profile.sector)
        # the A2 table is one text in several plans: its lines cite the first in force here (as its classification does)
        source = group.source if self.table == "size_standard" else sme_equipment_source(params.jurisdiction)
        year_end = date(profile.year, 12, 31)
        for indicator, bound in group.bounds[self.bound].items():
            path, unit = INDICATORS[indicator]
            yield Line(
                id=self.id.format(group=group.id, indicator=indicator),
                parameter=f"data/{self.table}.toml [{group.id}]",
                source=source,
                path=path,
                label=_label(f"classify.threshold.indicator.{indicator}", profile, 0, year_end),
                line_name=Msg(self.line_name, {"line": bound, "group": group.name}),
                op=self.op,
                line=bound,
                unit=unit,
                measure=self.measure,
            )


# A3 size class (工信部联企业〔2011〕300号), which reliefs of several families rest on: the bounds of the profile's
# sector group, each crossing measured by the kind whose total changes most
SIZE_CLASS: tuple[TableThreshold, ...] = (
    TableThreshold(
        "size_standard",
        "sme_below",
        "lt",
        "size_standard.{group}.sme_below.{indicator}",
        "classify.threshold.sme_below",
    ),
    TableThreshold(
        "size_standard",
        "medium_at_least",
        "ge",
        "size_standard.{group}.medium_at_least.{indicator}",
        "classify.threshold.medium_at_least",
    ),
    TableThreshold(
        "size_standard",
        "small_at_least",
        "ge",
        "size_standard.{group}.small_at_least.{indicator}",
        "classify.threshold.small_at_least",
    ),
)
