"""The batch row: pure and importable. `RowEngine(reform).compute(cells)` turns one row (dotted profile path →
cell text) into a RowResult — classification, each policy's eligibility and amount, totals by kind — or the error
that stopped it; the output Layout fixes the columns before the first row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..classify import CLASSIFICATIONS
from ..engine import evaluate
from ..model import KINDS
from ..money import MoneyError, fmt_amount
from ..params import UnsupportedYear
from ..rules import FAMILIES
from ..rules.kit import NOTHING
from ..schema.build import profile_from_flat
from ..schema.profile import Profile, ProfileError

if TYPE_CHECKING:
    from ..params import ParamSet
    from ..reform import Reform
    from ..rules.kit import Context, RuleFamily
    from .cells import CellColumns, Read
    from .columnar import Block, Outcome


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
    cells: Sequence[str] | None = None  # the row's cells, to be read with its chunk's as columns (batch/cells.py)

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

    def compute_many(self, rows: Iterable[Mapping[str, str]], first_line: int = 2) -> list[RowResult]:
        """Many rows at once, over columns (batch/columnar.py): the RowResults `compute` gives one by one (the
        same numbers: tests/test_columnar.py), about three times faster — for a Dask or Spark partition or a pool of
        your own. Line numbers count from `first_line`."""
        if not self.parse_only:
            from .columnar import COLUMNAR

            engine = RowEngine(self.reform, frozenset(COLUMNAR))
            engine._params = self._params
            return engine.compute_many(rows, first_line)
        rows = list(rows)
        lines = range(first_line, first_line + len(rows))
        header = list(dict.fromkeys(path for cells in rows for path in cells))
        columns = _cell_columns(header)
        if columns is None or not all(type(v) is str for cells in rows for v in cells.values()):
            results = [self.compute(cells, line) for line, cells in zip(lines, rows, strict=True)]
        else:  # the rows' cells read as columns (batch/cells.py); the builder reads those the columns leave
            results = [
                RowResult(line, (cells.get("id") or "").strip(), "") for line, cells in zip(lines, rows, strict=True)
            ]
            read = columns.read([[cells.get(path, "") for path in header] for cells in rows])
            for k in self.complete_read(results, read):
                results[k] = self.compute(rows[k], results[k].line)
        self.complete([r for r in results if r.pending is not None])
        return results

    def complete(self, results: Sequence[RowResult]) -> None:
        """The deferred families over `results` (rows `_compute` left pending), a block per (jurisdiction, tax
        year): each row's place-holding items replaced by their eligibility and amount, the totals by kind brought
        up to date, the classifications they decided written — and a row the row engine only read (`parse_only`)
        given its whole result. A block the columns cannot compute (a bug) is computed row by row instead: no row is
        lost to it."""
        from ..engine import planned
        from .columnar import evaluate

        families = tuple(f for _, f in FAMILIES if f in self.deferred)  # (the engine's order)
        for block, rows in _blocks(results, self):
            planned_here = [f for f in families if planned(block.jurisdiction, block.year, f)]
            if not planned_here and not self.parse_only:
                continue
            try:
                outcome = evaluate(block, planned_here)
                if self.parse_only:
                    _whole(block, rows, outcome)
                    continue
            except Exception:  # (a bug on the columns: the block's rows computed by the row engine instead)
                self._by_rows(rows)
                continue
            for pid, (eligible, amounts) in outcome.items.items():
                if pid in block.settled:
                    continue
                kind = block.offered[pid].kind
                at = block.positions[pid]
                for r, holds, amount in zip(rows, eligible, amounts, strict=True):
                    r.items[at] = (pid, kind, holds, amount, "computed")
                    if amount:
                        r.totals[kind] += amount
            for name, values in outcome.classification.items():
                for r, value in zip(rows, values, strict=True):
                    r.classification[name] = value
        for r in results:
            r.pending = None

    def complete_read(self, rows: Sequence[RowResult], read: Read) -> list[int]:
        """Rows whose cells were read as columns (batch/cells.py; `rows` in the order `read` has them) given their
        whole result — name, jurisdiction, year, classifications, items, totals — by the columnar families
        (`evaluate_read`). Returns the positions of the rows the builder must read one by one instead."""
        again, blocks = self.evaluate_read(read)
        for members, block, outcome in blocks:
            chosen = [rows[k] for k in members]
            try:
                _whole(block, chosen, outcome)
            except Exception:  # (a bug on the columns: the builder and the row path take these rows)
                again.extend(members)
                continue
            for k, r in zip(members, chosen, strict=True):
                r.name, r.jurisdiction, r.year = read.names[k], block.jurisdiction, block.year
        return sorted(again)

    def evaluate_read(self, read: Read) -> tuple[list[int], list[tuple[list[int], Block, Outcome]]]:
        """The columnar families over rows read as columns, a block per (jurisdiction, tax year): each block's rows
        (their positions in `read`), the block and its outcome. Only for a `parse_only` engine. Also the positions
        of the rows the builder must read one by one instead: the slow ones, those of a year the parameters do not
        cover (the row path says so in the row's error), those of a block the columns could not compute (a bug: no
        row is lost to it)."""
        from ..engine import planned
        from .columnar import Block, evaluate

        assert self.parse_only
        again: list[int] = []
        by_key: dict[tuple[str, int], list[int]] = {}
        keys = zip(read.jurisdictions, read.years, strict=True)
        for k, (slow, key) in enumerate(zip(read.slow, keys, strict=True)):
            if slow:
                again.append(k)
            else:
                by_key.setdefault(key, []).append(k)
        families = tuple(f for _, f in FAMILIES if f in self.deferred)  # (the engine's order)
        blocks = []
        for (jurisdiction, year), members in by_key.items():
            try:
                params = self.param_set(jurisdiction, year)
            except UnsupportedYear:
                again.extend(members)
                continue
            block = Block.of(jurisdiction, year, (), params, read.part(members))
            try:
                outcome = evaluate(block, [f for f in families if planned(jurisdiction, year, f)])
            except Exception:  # (a bug on the columns: the builder and the row path take these rows)
                again.extend(members)
                continue
            blocks.append((members, block, outcome))
        return again, blocks

    def _by_rows(self, rows: Sequence[RowResult]) -> None:
        """The rows of a block computed wholly by the row engine (each keeps its line, id, carried cells)."""
        engine = RowEngine(self.reform)
        for r in rows:
            profile = r.pending if isinstance(r.pending, Profile) else r.pending.profile if r.pending else None
            if profile is None:
                continue
            name = r.name
            fresh = engine._compute(lambda p: p, profile, r.id, lambda: name, r.line)  # noqa: B023 (called at once)
            r.jurisdiction, r.year, r.error = fresh.jurisdiction, fresh.year, fresh.error
            r.classification, r.items, r.totals = fresh.classification, fresh.items, fresh.totals

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


def _cell_columns(header: Sequence[str]) -> CellColumns | None:
    """The header's columns read as columns, or None when a path is not the schema's (each row's error, then: the
    builder's, row by row) or named twice."""
    from .cells import CellColumns

    try:
        columns = CellColumns(header)
    except ProfileError:
        return None
    return columns if columns.usable else None


# the classifications in the order engine.evaluate leaves them: classify's A2–A4, then A1 from the CIT chain
CLASSIFIED_ORDER = (*CLASSIFICATIONS[1:], CLASSIFICATIONS[0])


def _blocks(rows: Sequence[RowResult], engine: RowEngine) -> list[tuple[Block, list[RowResult]]]:
    """The computed rows (each with its `pending` profile and classification) as blocks by jurisdiction and year,
    in the order each pair first appears; each block's rows in their order."""
    from .columnar import Block

    by_key: dict[tuple[str, int], list[RowResult]] = {}
    for r in rows:
        assert r.pending is not None and r.year is not None
        by_key.setdefault((r.jurisdiction, r.year), []).append(r)
    return [
        (Block.of(j, y, [r.pending for r in members if r.pending is not None], engine.param_set(j, y)), members)
        for (j, y), members in by_key.items()
    ]


def _whole(block: Block, rows: Sequence[RowResult], outcome: Outcome) -> None:
    """Rows the row engine only read: their items, totals by kind and classifications from the block's outcome
    (columnar.whole_rows)."""
    from .columnar import whole_rows

    items = whole_rows(block, outcome)
    names = [n for n in CLASSIFIED_ORDER if n in outcome.classification]
    values = [outcome.classification[n] for n in names]
    kinds = [(kind, outcome.totals.get(kind)) for kind in KINDS]
    for k, r in enumerate(rows):
        r.items = items[k]
        r.totals = {kind: NOTHING if total is None else total[k] for kind, total in kinds}
        r.classification = {n: v[k] for n, v in zip(names, values, strict=True)}


def compute_row(cells: Mapping[str, str], reform: Reform | None = None, line: int = 0) -> RowResult:
    """One batch row from its cells (dotted path → text), optionally under a reform. Pure; see RowEngine."""
    return RowEngine(reform).compute(cells, line)
