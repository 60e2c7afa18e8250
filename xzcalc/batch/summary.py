"""What a batch run did: rows, failures, totals by kind, eligible enterprises per policy, the first errors; and its
closing text for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..model import KINDS
from ..money import ZERO, fmt_amount
from .rows import RowResult

if TYPE_CHECKING:
    pass


ERROR_SAMPLE = 20
_POLICY, _ELIGIBLE = itemgetter(0), itemgetter(2)  # of a RowResult.items tuple


@dataclass(slots=True)
class Summary:
    """What the run did: rows, failures, blank records skipped, totals by kind, eligible enterprises per policy,
    the first errors."""

    rows: int = 0
    failed: int = 0
    blank: int = 0  # records with nothing in any cell: no row
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(KINDS, ZERO))
    eligible: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, id, error), the first ERROR_SAMPLE

    def add(self, result: RowResult) -> None:
        self.rows += 1
        if result.error:
            self.failed += 1
            if len(self.errors) < ERROR_SAMPLE:
                self.errors.append((result.line, result.id, result.error))
            return
        totals = self.totals
        for kind, amount in result.totals.items():
            if amount:  # (a Decimal addition costs more than the test)
                totals[kind] = totals.get(kind, ZERO) + amount
        items = result.items
        self.eligible.update(compress(map(_POLICY, items), map(_ELIGIBLE, items)))  # (counted in C)

    def merge(self, other: Summary) -> None:
        self.rows += other.rows
        self.failed += other.failed
        self.blank += other.blank
        for kind, amount in other.totals.items():
            self.totals[kind] = self.totals.get(kind, ZERO) + amount
        self.eligible.update(other.eligible)
        self.errors.extend(other.errors[: max(0, ERROR_SAMPLE - len(self.errors))])

    def to_json(self, policies: Sequence[str] = ()) -> dict[str, Any]:
        eligible = {pid: self.eligible.get(pid, 0) for pid in policies} if policies else dict(self.eligible)
        return {
            "rows": self.rows,
            "failed": self.failed,
            "blank": self.blank,
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
            "eligible": eligible,
            "errors": [{"line": n, "id": i, "error": e} for n, i, e in self.errors],
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
    scheduler: str | None = None  # --scheduler (a Dask cluster; `jobs` is then its number of workers)

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
            **s.to_json(self.policies),
        }
