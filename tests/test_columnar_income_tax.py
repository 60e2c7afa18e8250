"""The CIT chain and B2 (xzcalc/rules/income_tax.py) through both evaluators: one definition, the same eligibility,
amounts to the fen, A1 (small low-profit) and the chain's summary (ctx.cit) on a row and on a block of columns.

- a stress file with values on every line the family tests and one step either side: the SLPE income, headcount and
  asset limits and the first band, the IIT brackets and the halving's cap (1,000,000 / 2,000,000), the 500万 value
  lines, the purchase windows (2022-10-01 of 2022年第28号, the 2022 SME window), the service month that moves the
  deduction into the next year, the manufacturing share of 50%, the negative list, the figure as filed (line 23)
  with its losses, blank and 0 values, 1 fen and amounts near the largest accepted, companies and individual
  businesses, 高新技术企业 and western-encouraged flags in the three jurisdictions, every tax year 2019–2027;
- `xzcalc batch` writes the same bytes with --evaluator row and columnar on it;
- the family evaluated over the stress file's blocks equals the row engine row by row (items, A1, the CIT summary);
- kit.read_by: the batch runs the chain on columns only while 六税两费, which reads A1, runs there too;
- kit.divide / fen / rounded_when on columns against Decimal.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import IDENTITY, identity, same_bytes

from xzcalc.batch.columnar import COLUMNAR, ColumnContext, Num, _run
from xzcalc.batch.rows import RowEngine
from xzcalc.batch.rows import _blocks as group
from xzcalc.engine import calculate
from xzcalc.rules import income_tax as family
from xzcalc.rules.kit import divide, fen
from xzcalc.rules.local_taxes import six_taxes_two_fees

ROOT = Path(__file__).resolve().parent.parent
POLICIES = family.POLICIES

HEADER = [
    *IDENTITY,
    "sector",
    "employees",
    "total_assets",
    "revenue",
    "tech_sme",
    "high_tech",
    "western_encouraged",
    "ic_or_machine_tool",
    "restricted_industry",
    "income.taxable_income",
    "income.taxable_income_reported",
    "income.losses_offset",
    "income.prior_losses",
    "income.rd_expense",
    "income.rd_expense_q4",
    "income.manufacturing_revenue",
    "income.total_income",
    "income.other_relief",
    "income.other_business_income",
    *(f"equipment.{i}.{f}" for i in (1, 2, 3) for f in ("name", "unit_value", "years", "in_service", "purchased")),
]
LARGEST = "999999999999999.99"
EDGES: dict[str, list[Any]] = {
    "jurisdiction": ["xinzhou", "shanxi", "inner-mongolia"],
    # every year the chain computes (B2 from 2021: 2019–2020 not in force) and the 2022 edges more often
    "year": ["2019", "2020", "2021", "2022", "2022", "2022", "2022", "2023", "2024", "2025", "2027"],
    "entity": ["company", "company", "individual-business"],
    "sector": ["C34", "C13", "C16", "F51", "H61", "K70", "R90", "I65", "M73"],
    "employees": ["", "0", "1", "299", "300", "301"],
    "total_assets": ["", "0", "0.01", "49999999.99", "50000000", "50000000.01", "2亿"],
    "flag": ["", "false", "true"],
    # the SLPE income limit and first band, the IIT brackets and the halving's caps, losses, 1 fen, the largest
    "income": [
        "",
        "0",
        "0.01",
        "-0.01",
        "30000",
        "30000.01",
        "90000",
        "90000.01",
        "299999.99",
        "300000",
        "500000.01",
        "999999.99",
        "1000000",
        "1000000.01",
        "1999999.99",
        "2000000",
        "2000000.01",
        "2999999.99",
        "3000000",
        "3000000.01",
        "12345678.91",
        "-3000000",
        LARGEST,
        "-" + LARGEST,
    ],
    "reported": ["0", "0.01", "999999.99", "1000000", "2999999.99", "3000000", "3000000.01", LARGEST],
    "losses": ["", "0", "0.01", "500000", "2999999.99", LARGEST],
    "rd": [("", ""), ("0", "0"), ("0.01", "0.01"), ("1000000", ""), ("1000000", "250000"), ("1000000", "1000000")],
    "rd_large": [(LARGEST, ""), (LARGEST, "0.01")],
    "manufacturing": [("", ""), ("50", "100"), ("49.99", "100"), ("50.01", "100"), ("1", "0"), ("", "100"), ("0", "")],
    "other": ["", "0", "0.01", "1000", "1000000", "2000000"],
    "unit_value": ["0.01", "1", "1000000", "4999999.99", "5000000", "5000000.01", "30000000", LARGEST],
    "years": ["", "3", "4", "5", "10"],
    "in_service": [
        "",
        "2018-12",
        "2020-12",
        "2021-11",
        "2021-12",
        "2022-01",
        "2022-09",
        "2022-10",
        "2022-11",
        "2022-12",
        "2023-01",
        "2023-11",
        "2023-12",
        "2026-12",
    ],
    "purchased": ["", "2017-12-31", "2021-12-31", "2022-01-01", "2022-09-30", "2022-10-01", "2022-12-31", "2023-01-01"],
}


def _stress_rows(n: int, seed: int = 28) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        pick = rng.choice
        backwards = rng.random() < 0.3  # the figure as filed, with the losses the return offset
        taxable = "" if backwards else pick(EDGES["income"])
        reported = pick(EDGES["reported"]) if backwards else ""
        offset = pick(EDGES["losses"]) if backwards else ""
        rd, q4 = pick(EDGES["rd_large"]) if rng.random() < 0.05 else pick(EDGES["rd"])
        manufacturing, total = pick(EDGES["manufacturing"])
        machines = []
        for _ in range(3):
            if rng.random() < 0.45:
                machines += [
                    pick(["", "lathe"]),
                    pick(EDGES["unit_value"]),
                    pick(EDGES["years"]),
                    pick(EDGES["in_service"]),
                    pick(EDGES["purchased"]),
                ]
            else:
                machines += [""] * 5
        rows.append(
            [
                *identity(pick, EDGES, "T", i),
                pick(EDGES["sector"]),
                pick(EDGES["employees"]),
                pick(EDGES["total_assets"]),
                pick(["", "0", "1000000"]),
                pick(EDGES["flag"]),
                pick(EDGES["flag"]),
                pick(EDGES["flag"]),
                pick(EDGES["flag"]),
                pick(["", "", "", "true"]),
                taxable,
                reported,
                offset,
                pick(EDGES["losses"]),
                rd,
                q4,
                manufacturing,
                total,
                pick(EDGES["other"]),
                pick(EDGES["other"]),
                *machines,
            ]
        )
    return rows


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = same_bytes(tmp_path, HEADER, _stress_rows(3000))
    computed = [r for r in rows if not r["error"]]
    assert len(computed) > 2500
    for pid in POLICIES:  # (both sides of every item's lines were reached)
        seen = {r[f"{pid}.eligible"] for r in computed if r[f"{pid}.amount"] not in ("", "0.00")}
        assert "true" in seen, pid
        assert "false" in {r[f"{pid}.eligible"] for r in computed}, pid
    assert {r["classification.small_low_profit"] for r in computed} == {"true", "false"}


# ── the family over blocks of the stress file against the row engine, row by row ───────────────────────────────


def _cells(rows: list[list[str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in zip(HEADER, row, strict=True) if v} for row in rows]


def _through_columns(cells: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Each row's income-tax items, A1 and CIT summary with the family run over its block's columns (六税两费,
    which reads A1, left out of the row pass: its items are not compared)."""
    engine = RowEngine(deferred=frozenset({family.income_tax, six_taxes_two_fees}))
    results = [engine.compute(c, i) for i, c in enumerate(cells)]
    out: list[dict[str, Any]] = [{} for _ in cells]
    index = {id(r): i for i, r in enumerate(results)}
    for block, members in group([r for r in results if r.pending is not None], engine):
        ctx = ColumnContext(block)
        _run(family.income_tax, ctx)
        for pid, (eligible, amount) in ctx.outcomes.items():
            if pid in block.settled:
                continue
            for r, holds, fen_ in zip(members, eligible.tolist(), amount.tolist(), strict=True):
                out[index[id(r)]][pid] = (holds, Decimal(int(fen_)).scaleb(-2))
        slpe = ctx.classification["small_low_profit"].value
        for j, r in enumerate(members):
            row = out[index[id(r)]]
            row["small_low_profit"] = bool(slpe.v[j]) if hasattr(slpe, "v") else slpe
            if r.pending is not None and r.pending.profile.entity == "company":
                row["cit"] = {k: Decimal(int(v.fen()[j])).scaleb(-2) for k, v in ctx.cit.items()}
    return out


def _through_rows(cells: list[dict[str, str]]) -> list[dict[str, Any]]:
    engine = RowEngine()
    out: list[dict[str, Any]] = []
    for i, c in enumerate(cells):
        r = engine.compute(c, i)
        row: dict[str, Any] = {}
        if not r.error:
            row = {pid: (holds, amount) for pid, _, holds, amount, status in r.items if pid in POLICIES}
            row = {pid: v for pid, v in row.items() if _computed(r, pid)}
            row["small_low_profit"] = r.classification["small_low_profit"]
            pending = RowEngine(deferred=frozenset({six_taxes_two_fees})).compute(c, i).pending
            assert pending is not None
            if pending.profile.entity == "company":
                result = calculate(pending.profile)
                row["cit"] = {k: v.quantize(Decimal("0.01"), ROUND_HALF_UP) for k, v in result.cit.items()}
        out.append(row)
    return out


def _computed(r: Any, pid: str) -> bool:
    return next(status for p, _, _, _, status in r.items if p == pid) == "computed"


def test_the_family_over_columns_equals_the_row_engine() -> None:
    cells = _cells(_stress_rows(1500, seed=15))
    rows, columns = _through_rows(cells), _through_columns(cells)
    compared = 0
    for line, (by_row, by_column) in enumerate(zip(rows, columns, strict=True)):
        if not by_row:  # (an error row: no block)
            continue
        assert by_column == by_row, (line, cells[line])
        compared += 1
    assert compared > 1200


# ── the column operations the family added, against Decimal ─────────────────────────────────────────────────────

amounts = st.decimals(min_value=Decimal("-999999999999999.99"), max_value=Decimal("999999999999999.99"), places=2)


def _num(values: list[Decimal]) -> Num:
    scale = max(-int(v.as_tuple().exponent) for v in values)
    return Num(np.array([int(v.scaleb(scale)) for v in values], dtype=object), scale)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(amounts, amounts, st.sampled_from([3, 4, 5, 10, 36, 120, 7])), min_size=1, max_size=20))
def test_divide_then_round_as_decimal(rows: list[tuple[Decimal, Decimal, int]]) -> None:
    """kit.divide on a column, then arithmetic and fen: the row engine's Decimal figure to the fen."""
    a, b = _num([r[0] for r in rows]), _num([r[1] for r in rows])
    d = Num(np.array([r[2] for r in rows], dtype=np.int64), 0)
    got = fen(divide(a * 12, d) - b).v
    quotient = fen(divide(a, b)).v
    for i, (x, y, k) in enumerate(rows):
        assert int(got[i]) == int(fen(divide(x * 12, Decimal(k)) - y).scaleb(2))
        assert int(quotient[i]) == int(fen(divide(x, y)).scaleb(2))


def test_divide_by_zero_is_zero_on_both() -> None:
    assert divide(Decimal(5), Decimal(0)) == 0
    assert list(divide(_num([Decimal(5), Decimal(-7)]), _num([Decimal(0), Decimal(2)])).to_fen().v) == [0, -350]


def test_the_batch_runs_it_on_columns_only_with_six_taxes_two_fees() -> None:
    """kit.read_by: 六税两费 reads A1, so the chain is left to the row engine while 六税两费 is (a row family cannot
    read what the columns decide), and runs on columns once 六税两费 does."""
    assert (family.income_tax in COLUMNAR) is hasattr(six_taxes_two_fees, "columnar_by")


def test_golden_cases_through_the_family_on_columns() -> None:
    """Every golden case, all together in blocks by jurisdiction and year, through the family on columns: its items
    and A1 equal the row engine's and the amounts the case states."""
    from test_columnar import _case_profiles

    from xzcalc.batch.columnar import Block
    from xzcalc.engine import evaluate
    from xzcalc.params import param_set

    cases = _case_profiles()
    deferred = frozenset({family.income_tax, six_taxes_two_fees})
    by_block: dict[tuple[str, int], list[int]] = {}
    for i, (_, profile, _) in enumerate(cases):
        by_block.setdefault((profile.jurisdiction, profile.year), []).append(i)
    checked = 0
    for (jurisdiction, year), members in by_block.items():
        params = param_set(jurisdiction, year)
        rows = [evaluate(cases[i][1], params=params, deferred=deferred)[1] for i in members]
        block = Block.of(jurisdiction, year, rows, params)
        ctx = ColumnContext(block)
        _run(family.income_tax, ctx)
        slpe = ctx.classification["small_low_profit"].value
        for j, i in enumerate(members):
            name, profile, expect = cases[i]
            result = calculate(profile)
            assert (bool(slpe.v[j]) if hasattr(slpe, "v") else slpe) is result.classification["small_low_profit"].value
            for pid, (eligible, amount) in ctx.outcomes.items():
                if pid in block.settled:
                    continue
                item = result.item(pid)
                assert (bool(eligible[j]), int(amount[j])) == (item.eligible, int(item.amount.scaleb(2))), (name, pid)
                if pid in expect.get("amounts", {}):
                    assert Decimal(int(amount[j])).scaleb(-2) == Decimal(str(expect["amounts"][pid])), (name, pid)
                    checked += 1
    assert checked >= 40


@pytest.mark.parametrize(
    "name",
    [
        "cit.high_tech_equipment.deduction_share",
        "cit.equipment_deduction.sme_value_line",
        "cit.equipment_deduction.small_value_line",
        "cit.rd_super_deduction.rate_other",
        "cit.small_low_profit.band1_inclusion",
        "no.such.parameter",
    ],
)
def test_lookup_by_a_column_of_days_as_by_each_day(name: str) -> None:
    """ColumnContext.lookup on a column of days (window by window) against the parameter set's lookup of each day:
    the days on and either side of every window's ends."""
    from datetime import date, timedelta

    from xzcalc.batch.columnar import Block, Day
    from xzcalc.params import param_set

    params = param_set("xinzhou", 2022)
    try:
        ends = [d for w in params.parameter(name).windows for d in (w.start, w.end)]
    except Exception:
        ends = [date(2022, 6, 1)]
    days = sorted({d + timedelta(days=k) for d in ends for k in (-1, 0, 1)} | {date(1970, 1, 1), date(2099, 12, 31)})
    block = Block.of("xinzhou", 2022, [], params)
    ctx = ColumnContext(block)
    ctx.n = len(days)
    column = ctx.lookup(name, Day(np.array(days, dtype="datetime64[D]"), np.ones(len(days), dtype=bool)))
    expected = [params.get_or_none(name, d) for d in days]
    assert list(column.given) == [e is not None for e in expected]
    assert [Decimal(int(v)).scaleb(-column.scale) for v in column.v] == [Decimal(e or 0) for e in expected]
