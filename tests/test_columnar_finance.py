"""The cost-savings family (B16 development-zone rent, B17 batch guarantee fee halved, B18 start-up loan interest;
xzcalc/rules/finance.py) through both evaluators: `xzcalc batch` writes the same bytes with `--evaluator row` and
`--evaluator columnar` on a stress file with values on every line the family tests and one step either side:

- B16: industrial sections B/C/D against others, a monthly rent of 0, one fen, fractions of a fen whose 6 months
  round either side of the half fen, and near the largest accepted;
- B17: contract dates on either side of the window 2022-12-01..2023-03-31 (one day either side), blank dates and
  amounts, fee rates of 0, 1E-15, 15 significant digits and 100%;
- B18: the size classes either side of small/medium (299/300 employees), principals at the 3,000,000 cap and one
  fen either side, terms of 23/24/25 months and 0, the contract LPR or the LPR table on each of its boundary days
  (and outside it), a principal of 12 decimals and a rate of 15 significant digits (its ÷ 12 not terminating);
- individual businesses and companies, the three jurisdictions (the family is offered in Xinzhou only), the tax
  year it computes (2022) and two it does not (2021, 2023).

Also: the bench generator's mixes through both evaluators, and the exact division the B18 subsidy needs (Ratio ×,
Ratio.fen) against Decimal.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import IDENTITY, _block, identity, same_bytes

from xzcalc.batch.columnar import Cat, ColumnContext, Day, Mask, Num, Ratio
from xzcalc.money import CONTEXT, quantize
from xzcalc.params import param_set
from xzcalc.rules.kit import cite_when, one_of, ratio
from xzcalc.schema.build import parse_profile

ROOT = Path(__file__).resolve().parent.parent

HEADER = [
    *IDENTITY,
    "sector",
    "employees",
    "revenue",
    "total_assets",
    "dev_zone.monthly_rent",
    "guarantee.amount",
    "guarantee.fee_rate",
    "guarantee.contract_date",
    "startup_loan.principal",
    "startup_loan.months",
    "startup_loan.contract_date",
    "startup_loan.lpr",
]
EDGES = {
    "jurisdiction": ["xinzhou", "xinzhou", "xinzhou", "xinzhou", "shanxi", "inner-mongolia"],
    "year": ["2021", "2022", "2022", "2022", "2022", "2022", "2023"],  # (the family is computed in 2022 only)
    "entity": ["company", "company", "individual-business"],
    # (sector, employees, revenue, total assets): industrial (B, C, D) and not; small/micro and medium/large
    "size": [
        ("C34", "50", "1000万", ""),
        ("C34", "299", "2000万", ""),
        ("C34", "300", "2000万", ""),
        ("C13", "5", "100万", ""),
        ("B06", "120", "8000万", "5000万"),
        ("D44", "1200", "5亿", "20亿"),
        ("F51", "2500", "9亿", "20亿"),
        ("I65", "8", "200万", "100万"),
        ("A01", "20", "300万", ""),
    ],
    # 6 months: 0.000833333333 × 6 = 0.004999999998 (0.00), 0.000833333334 × 6 = 0.005000000004 (0.01)
    "dev_zone.monthly_rent": [
        "",
        "0",
        "0.01",
        "0.000833333333",
        "0.000833333334",
        "0.005",
        "12345.67",
        "166666666666666.66",
        "999999999999999.99",
    ],
    "guarantee.amount": ["", "0", "0.01", "1", "1000000", "3333333.333333333333", "999999999999999.99"],
    "guarantee.fee_rate": ["", "0", "0.000000000000001", "1%", "1.5%", "12.3456789012345%", "0.333333333333333", "1"],
    "guarantee.contract_date": [
        "",
        "2022-06-15",
        "2022-11-30",
        "2022-12-01",
        "2022-12-02",
        "2023-03-30",
        "2023-03-31",
        "2023-04-01",
    ],
    "startup_loan.principal": [
        "",
        "0",
        "0.01",
        "1",
        "500000",
        "1234.567890123456",
        "2999999.99",
        "3000000",
        "3000000.01",
        "999999999999999.99",
    ],
    "startup_loan.months": ["", "0", "1", "7", "12", "23", "24", "25", "120"],
    # the LPR table: 2020-04-20 3.85%, 2021-12-20 3.80%, 2022-01-20 3.70%, 2022-08-22 3.65% until 2023-06-19
    "startup_loan.contract_date": [
        "",
        "2020-04-19",
        "2020-04-20",
        "2021-12-19",
        "2021-12-20",
        "2022-01-19",
        "2022-01-20",
        "2022-08-21",
        "2022-08-22",
        "2023-06-19",
        "2023-06-20",
    ],
    "startup_loan.lpr": ["", "", "", "0", "3.65%", "0.0385", "0.000000000000001", "3.14159265358979%", "1"],
}
COLUMNS = HEADER[9:]


def stress_rows(n: int, seed: int = 1618) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        sector, employees, revenue, assets = rng.choice(EDGES["size"])
        rows.append(
            [
                *identity(rng.choice, EDGES, "F", i),
                sector,
                employees,
                revenue,
                assets,
                *(rng.choice(EDGES[c]) for c in COLUMNS),
            ]
        )
    return rows


POLICIES = ("relief.dev_zone_rent", "finance.guarantee_fee_halving", "finance.startup_loan_interest")


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    source = stress_rows(3000)
    out = same_bytes(tmp_path, HEADER, source)
    inputs = {row[0]: dict(zip(HEADER, row, strict=True)) for row in source}
    computed = [(inputs[r["id"]], r) for r in out if not r["error"] and r["jurisdiction"] == "xinzhou"]
    computed = [(i, r) for i, r in computed if r["year"] == "2022"]
    assert len(computed) > 1000

    def outcomes(policy: str, **cells: str) -> set[tuple[str, str]]:
        """(eligible, amount) of the computed rows whose input cells are these (dotted paths with _ for .)."""
        wanted = {k.replace("__", "."): v for k, v in cells.items()}
        return {
            (r[f"{policy}.eligible"], r[f"{policy}.amount"])
            for i, r in computed
            if all(i[k] == v for k, v in wanted.items())
        }

    def eligible(policy: str, **cells: str) -> set[str]:
        return {e for e, _ in outcomes(policy, **cells)}

    b16, b17, b18 = POLICIES
    for policy in POLICIES:  # (both sides of every policy; individual businesses refused by B16 and B18 only)
        assert eligible(policy) == {"true", "false"}, policy
        assert eligible(policy, entity="individual-business") == ({"true", "false"} if policy == b17 else {"false"})
    # B16: industrial sections only; no rent, no waiver; the half fen of 6 months' rent
    assert eligible(b16, sector="F51") == eligible(b16, dev_zone__monthly_rent="0") == {"false"}
    assert "true" in eligible(b16, sector="B06") and "true" in eligible(b16, sector="D44")
    assert ("true", "0.00") in outcomes(b16, dev_zone__monthly_rent="0.000833333333")
    assert ("true", "0.01") in outcomes(b16, dev_zone__monthly_rent="0.000833333334")
    assert ("true", "5999999999999999.94") in outcomes(b16, dev_zone__monthly_rent="999999999999999.99")
    # B17: the window by contract date, one day either side
    for outside in ("2022-11-30", "2023-04-01", ""):
        assert eligible(b17, guarantee__contract_date=outside) == {"false"}, outside
    for inside in ("2022-12-01", "2023-03-31"):
        assert eligible(b17, guarantee__contract_date=inside) == {"true", "false"}, inside
    # B18: small (299 employees) and not (300); the LPR table's first day and the day before it; the caps
    assert "true" in eligible(b18, employees="299") and eligible(b18, employees="300") == {"false"}
    assert eligible(b18, startup_loan__contract_date="2020-04-19", startup_loan__lpr="") == {"false"}
    assert "true" in eligible(b18, startup_loan__contract_date="2020-04-20", startup_loan__lpr="")
    assert "true" in eligible(b18, startup_loan__principal="3000000.01")
    assert "true" in eligible(b18, startup_loan__months="25")
    capped = outcomes(b18, startup_loan__principal="999999999999999.99", startup_loan__months="120")
    assert capped & outcomes(b18, startup_loan__principal="3000000", startup_loan__months="24") - {("false", "0.00")}


# ── the exact quotient B18 needs (columnar.Ratio × a number, rounded half-up to the fen) against Decimal ─────────

principals = st.decimals(min_value=Decimal(0), max_value=Decimal(3000000), places=12)
lprs = st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=17)


def _num(values: list[Decimal]) -> Num:
    scale = max(-int(v.as_tuple().exponent) for v in values)
    return Num(np.array([int(v.scaleb(scale)) for v in values], dtype=object), scale)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(principals, lprs, st.integers(0, 24)), min_size=1, max_size=20),
    st.sampled_from([Decimal("1.00"), Decimal("0.5"), Decimal("0.333")]),
)
def test_quotient_times_share_rounds_as_the_row_engine(
    rows: list[tuple[Decimal, Decimal, int]], share: Decimal
) -> None:
    """principal × LPR × months ÷ 12 × share: the row engine's Decimal (40 digits, half-up) then its one rounding to
    the fen, against the exact quotient of the columns."""
    principal, lpr = _num([r[0] for r in rows]), _num([r[1] for r in rows])
    months = Num(np.array([r[2] for r in rows], dtype=np.int64), 0)
    fen = (ratio(principal * lpr * months, 12) * share).fen()
    with localcontext(CONTEXT):
        for i, (p, r, m) in enumerate(rows):
            expected = quantize(ratio(p * r * m, 12) * share)
            assert int(fen[i]) == int(expected.scaleb(2)), (p, r, m)


@pytest.mark.parametrize(
    ("numerator", "denominator", "fen"),
    [("0.06", "12", 1), ("0.059999", "12", 0), ("-0.06", "12", -1), ("1", "3", 33), ("2", "3", 67), ("5", "0", 0)],
)
def test_quotient_half_up_at_the_fen(numerator: str, denominator: str, fen: int) -> None:
    quotient = Ratio(_num([Decimal(numerator)]), _num([Decimal(denominator)]))
    assert int(quotient.fen()[0]) == fen
    assert int((quotient * 3).fen()[0]) == int(quantize(ratio(Decimal(numerator), Decimal(denominator)) * 3).scaleb(2))


def test_rescaling_by_more_than_int64_holds() -> None:
    """A column of int64 rescaled past 10^18 (a rate of 17 decimals times a principal of 12): exact, not an
    overflow."""
    zeros = Num(np.zeros(3, dtype=np.int64), 0)
    wide = zeros.rescaled(43)
    assert [int(v) for v in wide.v] == [0, 0, 0] and wide.scale == 43
    assert [int(v) for v in Num(np.array([1, 2, 3], dtype=np.int64), 0).rescaled(30).v] == [
        10**30,
        2 * 10**30,
        3 * 10**30,
    ]


def test_one_of_and_cite_when_for_a_row_and_a_column() -> None:
    codes = Cat(np.array(["small", "medium", None, "micro"], dtype=object))
    assert list(one_of(codes, ["small", "micro"]).v) == [True, False, False, True]
    assert one_of("micro", ("small", "micro")) is True
    assert one_of("large", ("small", "micro")) is False
    cited: list[str] = []

    class Item:
        def cite(self, finding: str) -> None:
            cited.append(finding)

    cite_when(Item(), True, "row holds")
    cite_when(Item(), False, "row fails")
    cite_when(Item(), Mask(np.array([True, False])), "column")  # (a column's item keeps no reasons)
    assert cited == ["row holds"]


def _lookup_both_ways(name: str, days: list[date]) -> tuple[list[Decimal | None], list[Decimal | None]]:
    """A parameter on each day: the block's column lookup (by the parameter's windows) and the row's."""
    profiles = [parse_profile({"jurisdiction": "xinzhou", "year": 2022}) for _ in days]
    ctx = ColumnContext(_block(profiles))
    column = ctx.lookup(name, Day(np.array(days, dtype="datetime64[D]"), np.ones(len(days), dtype=bool)))
    by_column = [
        Decimal(int(v)).scaleb(-column.scale) if held else None
        for v, held in zip(column.v.tolist(), column.given.tolist(), strict=True)
    ]
    by_row = [None if (raw := ctx.params.get_or_none(name, d)) is None else Decimal(raw) for d in days]
    return by_column, by_row


def test_a_parameter_on_a_column_of_days_equals_the_rows_lookup() -> None:
    """ColumnContext.lookup by a column of days (the LPR table's boundary days and one day either side, the
    guarantee window's, before and after every window) gives each row's value, not given outside the windows."""
    days = []
    for name in ("finance.lpr_1y", "finance.guarantee_fee_halving.share"):
        for w in param_set("xinzhou", 2022).parameter(name).windows:
            days += [w.start - timedelta(days=1), w.start, w.start + timedelta(days=1), w.end, w.end + timedelta(1)]
    days += [date(1970, 1, 1), date(2019, 6, 30), date(2030, 1, 1)]
    for name in ("finance.lpr_1y", "finance.guarantee_fee_halving.share", "relief.dev_zone_rent.months"):
        by_column, by_row = _lookup_both_ways(name, days)
        assert by_column == by_row, name
        assert None in by_row and any(v is not None for v in by_row), name


@settings(max_examples=50, deadline=None)
@given(st.lists(st.dates(date(2019, 1, 1), date(2024, 12, 31)), min_size=1, max_size=30))
def test_the_lpr_on_any_days_equals_the_rows_lookup(days: list[date]) -> None:
    by_column, by_row = _lookup_both_ways("finance.lpr_1y", days)
    assert by_column == by_row
