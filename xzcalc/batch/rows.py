"""The batch row: pure and importable. `RowEngine(reform).compute(cells)` turns one row (dotted profile path →
cell text) into a RowResult — classification, each policy's eligibility and amount, totals by kind — or the error
that stopped it; the output Layout fixes the columns before the first row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..engine import evaluate
from ..model import KINDS
from ..money import MoneyError, fmt_amount
from ..params import UnsupportedYear
from ..rules import FAMILIES
from ..schema.build import profile_from_flat
from ..schema.profile import Profile, ProfileError

if TYPE_CHECKING:
    from ..params import ParamSet
    from ..reform import Reform
    from ..rules.kit import Context, RuleFamily


# ── the output layout ───────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Layout:
    """The output columns: fixed before the first row, the same whatever the rows' jurisdictions."""

    classifications: tuple[str, ...]
    policies: tuple[tuple[str, bool], ...]  # (policy id, has an amount column)

    def columns(self) -> list[str]:
        cols = ["line", "id", "name", "jurisdiction", "year"]
        cols += [f"classification.{c}" for c in self.classifications]
        cols += [f"total.{k}" for k in KINDS]
        for pid, has_amount in self.policies:
            cols.append(f"{pid}.eligible")
            if has_amount:
                cols.append(f"{pid}.amount")
        cols.append("error")
        return cols

    def positions(self) -> dict[str, tuple[int, int]]:
        """policy id → (column of eligible, column of amount or -1)."""
        cols = self.columns()
        index = {c: i for i, c in enumerate(cols)}
        return {pid: (index[f"{pid}.eligible"], index.get(f"{pid}.amount", -1)) for pid, _ in self.policies}


@cache
def layout() -> Layout:
    """Every policy of every jurisdiction (catalogue order) and every classification a Result carries, from their
    declarations (the catalogue, classify.CLASSIFICATIONS)."""
    from ..classify import CLASSIFICATIONS
    from ..params import all_policies

    policies = tuple((p.id, p.certainty != "eligible_only") for p in all_policies())
    return Layout(CLASSIFICATIONS, policies)


# ── the row: pure and importable ────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class RowResult:
    """One enterprise's batch row: a projection of `calculate(...).to_json()`, or the error that stopped
    it."""

    line: int  # the input line the row starts on (the header is line 1)
    id: str
    name: str
    jurisdiction: str = ""
    year: int | None = None
    classification: dict[str, bool | str | None] = field(default_factory=dict)
    # policy, kind, eligible, amount, status (model.Status: computed, or not_in_force / not_computed that year)
    items: list[tuple[str, str, bool, Decimal | None, str]] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    error: str = ""
    carried: tuple[str, ...] = ()  # the cells of the columns carried through (--keep, --group-by), as read
    unclaimed: dict[str, Decimal] = field(default_factory=dict)  # policy → entitled − claimed, never below 0
    # while the row is being made (never written): what the row's families left for the columnar ones to read, and
    # the amounts the row's claimed columns say were claimed
    pending: Context | Profile | None = None
    claimed: list[tuple[str, Decimal]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The keys and values of `calc --format json` that a batch row carries (for Python callers; the JSONL
        output has the CSV's columns instead: worker.ChunkWriter.json_row)."""
        ok = not self.error
        return {
            "line": self.line,
            "id": self.id,
            "name": self.name,
            "jurisdiction": self.jurisdiction or None,
            "year": self.year,
            "classification": self.classification if ok else None,
            "items": [
                {
                    "policy": pid,
                    "kind": kind,
                    "eligible": eligible,
                    "amount": None if a is None else fmt_amount(a),
                    **({} if status == "computed" else {"status": status}),
                }
                for pid, kind, eligible, a, status in self.items
            ],
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()} if ok else None,
            "error": self.error or None,
            **({"unclaimed": {p: fmt_amount(v) for p, v in self.unclaimed.items()}} if self.unclaimed else {}),
        }


_ITEM_FIELDS = attrgetter(
    "policy.id", "policy.kind", "eligible", "amount", "status"
)  # an Item → RowResult.items' tuple


def cell_text(value: bool | str | None) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


class RowEngine:
    """Computes batch rows; holds the reform and the reformed parameter sets per (jurisdiction, year).

    Picklable. One per worker or per partition: `engine = RowEngine(reform)`, then
    `engine.compute(cells, line)` for each row.
    """

    def __init__(self, reform: Reform | None = None, deferred: frozenset[RuleFamily] = frozenset()) -> None:
        self.reform = reform
        self.deferred = deferred  # families the caller evaluates over columns (engine.evaluate's `deferred`)
        # every family deferred: the row engine only reads the profile, and the caller computes the whole row
        self.parse_only = bool(deferred) and all(family in deferred for _, family in FAMILIES)
        self._params: dict[tuple[str, int], ParamSet] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"reform": self.reform, "deferred": self.deferred}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["reform"], state.get("deferred", frozenset()))  # type: ignore[misc]

    def param_set(self, jurisdiction: str, year: int) -> ParamSet:
        """The parameters of a jurisdiction and tax year, under the reform (one set per pair, kept)."""
        key = (jurisdiction, year)
        params = self._params.get(key)
        if params is None:
            from ..params import param_set

            params = param_set(jurisdiction, year)
            if self.reform is not None:
                params = self.reform.apply(params)[0]
            self._params[key] = params
        return params

    def compute(self, cells: Mapping[str, str], line: int = 0) -> RowResult:
        """One row: `cells` maps dotted profile paths (and optionally `id`) to cell text; blank cells are
        missing values."""
        flat = {k: v for k, v in cells.items() if v and k != "id"}
        return self.compute_flat(flat, (cells.get("id") or "").strip(), line)

    def compute_flat(self, flat: dict[str, str], ident: str, line: int) -> RowResult:
        """`compute` for a row already reduced to its non-empty profile cells."""
        return self._compute(profile_from_flat, flat, ident, lambda: (flat.get("name") or "").strip(), line)

    def _compute(
        self, read: Callable[[Any], Profile], cells: Any, ident: str, name: Callable[[], str], line: int
    ) -> RowResult:
        """A row whose profile is `read(cells)`; `name()` is the name an error row echoes."""
        try:
            profile = read(cells)
            params = self.param_set(profile.jurisdiction, profile.year)  # (UnsupportedYear: the row's error)
            if self.parse_only:
                row = RowResult(line, ident, profile.name, profile.jurisdiction, profile.year)
                row.pending = profile
                return row
            result, ctx = evaluate(profile, params=params, deferred=self.deferred)
        except (ProfileError, UnsupportedYear) as e:
            error = str(e)
        except MoneyError as e:
            error = f"{e.value!r}: expected {e.expected}"
        except Exception as e:  # a bug must not lose the other rows; the row says what happened
            error = f"internal error: {e.__class__.__name__}: {e}"
        else:
            row = RowResult(
                line,
                ident,
                profile.name,
                result.jurisdiction,
                result.year,
                {k: f.value for k, f in result.classification.items()},
                list(map(_ITEM_FIELDS, result.items)),
                dict(result.totals),
            )
            if self.deferred:
                row.pending = ctx
            return row
        return RowResult(line, ident, name(), error=error)


def compute_row(cells: Mapping[str, str], reform: Reform | None = None, line: int = 0) -> RowResult:
    """One batch row from its cells (dotted path → text), optionally under a reform. Pure; see RowEngine."""
    return RowEngine(reform).compute(cells, line)
