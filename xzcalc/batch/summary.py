"""What a batch run did: rows, failures, totals by kind, eligible enterprises per policy, the first errors; and its
closing text for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..model import KINDS
from ..money import ZERO, fmt_amount, fmt_num
from .rows import RowResult

if TYPE_CHECKING:
    from ..reform import Reform


ERROR_SAMPLE = 20
_POLICY, _ELIGIBLE = itemgetter(0), itemgetter(2)  # of a RowResult.items tuple


@dataclass(slots=True)
class Summary:
    """What the run did: rows, failures, blank records skipped, totals by kind, eligible enterprises per policy,
    the first errors; per policy and jurisdiction (and per value of each --group-by column) the enterprises with an
    amount above 0 and their sum, the eligible ones at 0, and the amounts entitled but not yet claimed."""

    rows: int = 0
    failed: int = 0
    blank: int = 0  # records with nothing in any cell: no row
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(KINDS, ZERO))
    eligible: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, id, error), the first ERROR_SAMPLE
    # (dimension, value, policy) → enterprises with an amount > 0 and their sum; dimension 0 is the jurisdiction,
    # 1… the --group-by columns in order
    counts: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    sums: dict[tuple[int, str, str], Decimal] = field(default_factory=dict)
    at_zero: Counter[tuple[str, str]] = field(default_factory=Counter)  # (jurisdiction, policy): eligible, amount 0
    enterprises: Counter[tuple[int, str]] = field(default_factory=Counter)  # (dimension, value) → rows computed
    unclaimed: dict[tuple[str, int, str], Decimal] = field(default_factory=dict)  # (policy, year, jurisdiction)
    unclaimed_count: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    distinct: Counter[int] = field(default_factory=Counter)  # dimension → its values kept apart so far

    def add(self, result: RowResult, groups: Sequence[str] = ()) -> None:
        self.rows += 1
        if result.error:
            self.failed += 1
            if len(self.errors) < ERROR_SAMPLE:
                self.errors.append((result.line, result.id, result.error))
            return
        self._totals(result.totals)
        items = result.items
        self.eligible.update(compress(map(_POLICY, items), map(_ELIGIBLE, items)))  # (counted in C)
        where = result.jurisdiction
        keys = [(0, where)] + [(d + 1, _bounded(self, d + 1, v)) for d, v in enumerate(groups)]
        for key in keys:
            self._enterprises(key, 1)
        for item in items:  # (policy, kind, eligible, amount, …): indexed, so a longer tuple reads the same
            if not item[2]:
                continue
            pid, amount = item[0], item[3]
            if amount:
                for d, v in keys:
                    self._paid((d, v, pid), 1, amount)
            elif amount is not None:
                self.at_zero[(where, pid)] += 1
        if result.unclaimed:
            year = result.year or 0
            for pid, amount in result.unclaimed.items():
                if amount:
                    k3 = (pid, year, where)
                    self.unclaimed[k3] = self.unclaimed.get(k3, ZERO) + amount
                    self.unclaimed_count[k3] += 1

    def add_computed(
        self,
        jurisdiction: str,
        rows: int,
        totals: Mapping[str, Decimal],
        eligible: Mapping[str, int],
        paid: Mapping[str, tuple[int, Decimal]],
        at_zero: Mapping[str, int],
    ) -> None:
        """`rows` computed rows of one jurisdiction counted at once, as `add` counts them one by one when they have
        no --group-by value and nothing unclaimed: their totals by kind, each policy's eligible enterprises, those
        paid (an amount above 0: how many, and the sum) and those eligible at 0 (batch/lines.py, a block's rows)."""
        self.rows += rows
        self._totals(totals)
        self.eligible.update({pid: n for pid, n in eligible.items() if n})
        self._enterprises((0, jurisdiction), rows)
        for pid, (n, amount) in paid.items():
            if n:
                self._paid((0, jurisdiction, pid), n, amount)
        for pid, n in at_zero.items():
            if n:
                self.at_zero[(jurisdiction, pid)] += n

    def _totals(self, totals: Mapping[str, Decimal]) -> None:
        for kind, total in totals.items():
            if total:  # (a Decimal addition costs more than the test)
                self.totals[kind] = self.totals.get(kind, ZERO) + total

    def _enterprises(self, key: tuple[int, str], n: int) -> None:
        """n more enterprises with the value `key` (dimension, value); a value not seen before is counted apart."""
        if key not in self.enterprises:
            self.distinct[key[0]] += 1
        self.enterprises[key] += n

    def _paid(self, key: tuple[int, str, str], n: int, amount: Decimal) -> None:
        """n more enterprises paid `amount` in all by a policy, under (dimension, value, policy)."""
        self.counts[key] += n
        self.sums[key] = self.sums.get(key, ZERO) + amount

    def merge(self, other: Summary) -> None:
        self.rows += other.rows
        self.failed += other.failed
        self.blank += other.blank
        for kind, amount in other.totals.items():
            self.totals[kind] = self.totals.get(kind, ZERO) + amount
        self.eligible.update(other.eligible)
        self.errors.extend(other.errors[: max(0, ERROR_SAMPLE - len(self.errors))])
        for key, value in other.enterprises.items():
            if key not in self.enterprises:
                if not _room(self, key[0]):
                    key = (key[0], OTHER)
                if key not in self.enterprises:
                    self.distinct[key[0]] += 1
            self.enterprises[key] += value
        for k, n in other.counts.items():
            d, v, pid = k
            if (d, v) not in self.enterprises:
                k = (d, OTHER, pid)
            self.counts[k] += n
            self.sums[k] = self.sums.get(k, ZERO) + other.sums[(d, v, pid)]
        self.at_zero.update(other.at_zero)
        for k3, amount in other.unclaimed.items():
            self.unclaimed[k3] = self.unclaimed.get(k3, ZERO) + amount
        self.unclaimed_count.update(other.unclaimed_count)

    # ── the per-policy tables (what the terminal summary, --summary JSON and the 汇总 sheet show) ──────────────

    def values(self, dimension: int) -> list[str]:
        """The values of a dimension that rows had, sorted (the catch-all OTHER last)."""
        found = sorted(v for d, v in self.enterprises if d == dimension and v != OTHER)
        return found + ([OTHER] if (dimension, OTHER) in self.enterprises else [])

    def by_policy(self, policies: Sequence[str], dimension: int = 0, value: str | None = None) -> list[PolicyLine]:
        """Per policy: enterprises with an amount > 0 and the sum — over every row (value None: the sum over the
        jurisdictions) or over the rows with `value` in `dimension` — and the eligible ones at 0."""
        lines = []
        if value is None:  # over every row: the sum over the jurisdictions
            counts: Counter[str] = Counter()
            sums: dict[str, Decimal] = {}
            for key, c in self.counts.items():
                if key[0] == 0:
                    p = key[2]
                    counts[p] += c
                    sums[p] = sums.get(p, ZERO) + self.sums[key]
            zeros: Counter[str] = Counter()
            for (_, p), c in self.at_zero.items():
                zeros[p] += c
            return [PolicyLine(pid, counts[pid], sums.get(pid, ZERO), zeros[pid]) for pid in policies]
        for pid in policies:
            n = self.counts.get((dimension, value, pid), 0)
            total = self.sums.get((dimension, value, pid), ZERO)
            zero = self.at_zero.get((value, pid), 0) if dimension == 0 else 0
            lines.append(PolicyLine(pid, n, total, zero))
        return lines

    def to_json(self, policies: Sequence[str] = (), groups: Sequence[str] = ()) -> dict[str, Any]:
        eligible = {pid: self.eligible.get(pid, 0) for pid in policies} if policies else dict(self.eligible)
        pids = list(policies) or sorted({p for _, _, p in self.counts})
        return {
            "rows": self.rows,
            "failed": self.failed,
            "blank": self.blank,
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
            "eligible": eligible,
            "policies": _lines_json(self.by_policy(pids)),
            "by_jurisdiction": {
                v: {"enterprises": self.enterprises[(0, v)], "policies": _lines_json(self.by_policy(pids, 0, v))}
                for v in self.values(0)
            },
            "by_column": {
                name: {
                    v: {"enterprises": self.enterprises[(d, v)], "policies": _lines_json(self.by_policy(pids, d, v))}
                    for v in self.values(d)
                }
                for d, name in enumerate(groups, start=1)
            },
            "errors": [{"line": n, "id": i, "error": e} for n, i, e in self.errors],
        }


OTHER = "…"  # the values of a --group-by column beyond MAX_GROUPS, summed together
MAX_GROUPS = 10_000  # distinct values of one --group-by column the summary keeps apart (memory stays bounded)


def _room(summary: Summary, dimension: int) -> bool:
    return dimension == 0 or summary.distinct[dimension] < MAX_GROUPS


def _bounded(summary: Summary, dimension: int, value: str) -> str:
    return value if (dimension, value) in summary.enterprises or _room(summary, dimension) else OTHER


@dataclass(frozen=True, slots=True)
class PolicyLine:
    """One policy in a summary table: enterprises with an amount above 0, their sum, the eligible ones at 0."""

    policy: str
    enterprises: int
    amount: Decimal
    eligible_at_zero: int


def _lines_json(lines: Sequence[PolicyLine]) -> dict[str, dict[str, Any]]:
    """The lines with an enterprise in them, as JSON (amounts as two-decimal strings)."""
    return {
        line.policy: {
            "enterprises": line.enterprises,
            "amount": fmt_amount(line.amount),
            "eligible_at_zero": line.eligible_at_zero,
        }
        for line in lines
        if line.enterprises or line.eligible_at_zero
    }


@dataclass(slots=True)
class Report:
    """What `run` returns: the summary and how it went."""

    summary: Summary
    input: str
    output: str
    fmt: str
    encoding: str
    jobs: int
    nanoseconds: int  # wall-clock time of the run (integers: the package has no float anywhere)
    policies: tuple[str, ...]
    groups: tuple[str, ...] = ()  # the --group-by columns, as the header names them
    as_of: date | None = None  # the day "still claimable" is judged on (--date, SOURCE_DATE_EPOCH or today)
    receipt: dict[str, str | None] = field(default_factory=dict)
    scheduler: str | None = None  # --scheduler (a Dask cluster; `jobs` is then its number of workers)
    reform: ReformApplied | None = None  # --params: the reform file every row was computed under

    @property
    def milliseconds(self) -> int:
        return self.nanoseconds // 1_000_000

    @property
    def rows_per_second(self) -> int:
        return self.summary.rows * 1_000_000_000 // self.nanoseconds if self.nanoseconds else 0

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "input": self.input,
            "output": self.output,
            "format": self.fmt,
            "encoding": self.encoding,
            "jobs": self.jobs,
            "milliseconds": self.milliseconds,
            "rows_per_second": self.rows_per_second,
            **s.to_json(self.policies, self.groups),
            "unclaimed": [u.to_json() for u in self.unclaimed()],
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "receipt": self.receipt,
            "reform": None if self.reform is None else self.reform.to_json(),
        }

    def unclaimed(self) -> list[Unclaimed]:
        """Per policy and tax year: what rows with a claimed.<policy> column are entitled to and have not claimed,
        and until when an overpaid tax can still be reclaimed (税收征收管理法 第五十一条; data/bureau.toml)."""
        s = self.summary
        keys = sorted({(p, y) for p, y, _ in s.unclaimed}, key=lambda k: (self.policies.index(k[0]), k[1]))
        out = []
        for pid, year in keys:
            amount = sum((a for (p, y, _), a in s.unclaimed.items() if (p, y) == (pid, year)), ZERO)
            n = sum(c for (p, y, _), c in s.unclaimed_count.items() if (p, y) == (pid, year))
            until = reclaim_until(pid, year)
            claimable = None if until is None or self.as_of is None else self.as_of <= until
            out.append(Unclaimed(pid, year, n, amount, until, claimable))
        return out


@dataclass(frozen=True, slots=True)
class ReformApplied:
    """The reform (--params) a run applied to every row: its file's name and each parameter it changes, with the
    value it gives (as text: a number as written, dated windows as FROM..UNTIL: VALUE)."""

    file: str
    parameters: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, reform: Reform) -> ReformApplied:
        from ..params import Parameter

        def shown(value: Any) -> str:
            if isinstance(value, Decimal):
                return fmt_num(value) if value.is_finite() and abs(value.adjusted()) < 20 else str(value)
            return str(value).lower() if isinstance(value, bool) else str(value)

        parameters = []
        for name, change in reform.changes.items():
            if isinstance(change, Parameter):
                windows = (f"{w.start.isoformat()}..{w.end.isoformat()}: {shown(w.value)}" for w in change.windows)
                text = ", ".join(windows)
            else:
                text = shown(change)
            parameters.append((name, text))
        return cls(reform.name, tuple(parameters))

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "parameters": dict(self.parameters)}


@dataclass(frozen=True, slots=True)
class Unclaimed:
    """One policy's amounts entitled but not claimed, for one tax year."""

    policy: str
    year: int
    enterprises: int
    amount: Decimal
    reclaim_until: date | None  # the last day an overpaid tax can be reclaimed; None: not a tax overpaid
    claimable: bool | None  # on the run's day; None when there is no reclaim period to judge

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "year": self.year,
            "enterprises": self.enterprises,
            "amount": fmt_amount(self.amount),
            "reclaim_until": None if self.reclaim_until is None else self.reclaim_until.isoformat(),
            "claimable": self.claimable,
        }


def _dated(name: str, day: date) -> int:
    """A parameter of data/bureau.toml's [reclaim] in force on `day`."""
    from ..data import load_data

    for window in load_data("bureau.toml")["reclaim"][name]["values"]:
        if window["from"] <= day <= window["until"]:
            return int(window["value"])
    raise LookupError(f"reclaim.{name} has no value on {day.isoformat()} (data/bureau.toml)")


def reclaim_until(pid: str, year: int) -> date | None:
    """The last day a tax paid in `year` although `pid` relieved it can be asked back: three years
    (税收征收管理法 第五十一条) from its settlement — the CIT annual settlement five months after the year
    (企业所得税法 第五十四条) for cit.* items, the year's end for taxes settled period by period within it (whose
    earlier periods' three years end earlier). None for what is not a tax paid (subsidies, refunds, deferrals)."""
    from ..params import policy

    if not year or policy(pid).kind != "tax_reduction":
        return None
    end = date(year, 12, 31)
    settled = end
    if pid.startswith("cit."):
        months = _dated("cit_settlement_months", end)
        month = 12 + months
        settled = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        settled = date(settled.year + settled.month // 12, settled.month % 12 + 1, 1) - timedelta(days=1)
    years = _dated("years", settled)
    try:
        return settled.replace(year=settled.year + years)
    except ValueError:  # 29 February
        return settled.replace(year=settled.year + years, day=28)
