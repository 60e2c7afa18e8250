"""The subsidies and awards (rules/subsidies.py: B10 innovation voucher, B11 first-set equipment, B12 first-batch
material insurance, B13 technical upgrade, B14 chain-leader output award, B15 white-list growth award) through both
evaluators: one definition, the same bytes from `xzcalc batch --evaluator row` and `--evaluator columnar`.

- a stress file with values on every line these families test and one step (1 fen, one growth step) either side:
  the voucher cap and its 1:1 split (odd fen), the first-set cap read per item, the first-batch cap, the technical
  upgrade's rate (half a fen either way) and its national match, the chain leader's output line, its first reaching,
  its growth line, its increment steps and its cap, the white-list tiers month by month; blank and 0 values,
  individual businesses and companies, the three jurisdictions, the tax year computed (2022) and years not (2021,
  2023), amounts of 1 fen and near the largest accepted;
- the bench generator's files (today's mix and a bureau's) through both evaluators;
- the column operations added for these families (Num // and to_fen, Ratio.to_fen, kit.fen/one_of/step_when/
  component_when) against Decimal.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import IDENTITY, identity, same_bytes

from xzcalc.batch.columnar import COLUMNAR, Cat, ColumnItem, Mask, Num
from xzcalc.params import policy
from xzcalc.rules import kit, subsidies

ROOT = Path(__file__).resolve().parents[1]
FEN = Decimal("0.01")
BIG = "999999999999999.99"

HEADER = [
    *IDENTITY,
    "sector",
    "tech_sme",
    "innovation.voucher_spend",
    "first_set.1.name",
    "first_set.1.price",
    "first_set.2.name",
    "first_set.2.price",
    "first_set.3.name",
    "first_set.3.price",
    "materials.first_batch_premium",
    "tech_upgrade.investment",
    "tech_upgrade.national_grant",
    "chain_leader.member",
    "chain_leader.output_prior",
    "chain_leader.output",
    "whitelist.member",
    "whitelist.growth_2023.1",
    "whitelist.growth_2023.2",
    "whitelist.growth_2023.3",
]

EDGES = {
    "jurisdiction": ["xinzhou", "xinzhou", "xinzhou", "shanxi", "shanxi", "inner-mongolia"],
    "year": ["2021", "2022", "2022", "2022", "2022", "2022", "2023"],  # (B10–B15 are computed in 2022 only)
    "entity": ["company", "company", "individual-business"],
    "sector": ["C34", "C", "C13", "F51", "B06", ""],
    "flag": ["true", "true", "false", ""],
    # B10: cap 200000 (≤), 1:1 split in Xinzhou (an odd fen halves to a half fen), spend to a fraction of a fen
    "innovation.voucher_spend": [
        "",
        "0",
        "0.01",
        "0.004",
        "0.005",
        "0.03",
        "12345.67",
        "12345.675",
        "199999.99",
        "199999.995",
        "200000",
        "200000.01",
        BIG,
    ],
    # B11: 10% of each price, at most 300000 per item (the line: a price of 3000000)
    "first_set.price": [
        "",
        "",
        "0",
        "0.01",
        "0.04",
        "0.05",
        "0.15",
        "123456.78",
        "2999999.99",
        "3000000",
        "3000000.01",
        BIG,
    ],
    "first_set.name": ["", "", "磨机", "Press"],
    # B12: 80% of the premium, at most 5000000 (the line: a premium of 6250000)
    "materials.first_batch_premium": [
        "",
        "0",
        "0.01",
        "0.005",
        "1.23",
        "6249999.99",
        "6250000",
        "6250000.01",
        BIG,
    ],
    # B13: 15% of the investment (half a fen at 0.03 and 0.1), the national grant matched 1:1
    "tech_upgrade.investment": ["", "0", "0.01", "0.03", "0.1", "0.11", "1000000", "3333333.33", BIG],
    "tech_upgrade.national_grant": ["", "", "0", "0.01", "0.005", "500000", BIG],
    # B15: tiers 50% and 100% (≥), each month's growth one step (0.0001%) either side; −100% the lowest accepted
    "whitelist.growth": [
        "",
        "0",
        "-100%",
        "49.9999%",
        "50%",
        "0.500001",
        "99.9999%",
        "100%",
        "1.000001",
        "300%",
    ],
}

LINE = 500_000_000  # B14: output first reaching 5亿, up by 10%, 10万 + 5万 per full 1亿 of the increase, at most 50万
# (output of the year before, output, the award worked by hand for a manufacturing chain leader; None: not eligible)
CHAIN = [
    ("", "", None),
    ("0", "0", None),
    ("0", "600000000", None),  # no output the year before: no growth to read
    ("0.01", "500000000", "300000.00"),  # increase 499999999.99: 4 full steps
    ("400000000", "499999999.99", None),  # the output line
    ("400000000", "500000000", "150000.00"),
    ("400000000", "500000000.01", "150000.00"),
    ("499999999.99", "600000000", "150000.00"),  # first reaching: the year before below the line
    ("500000000", "600000000", None),
    ("460000000", "505999999.99", None),  # growth 10%: 506000000 exactly
    ("460000000", "506000000", "100000.00"),
    ("460000000", "506000000.01", "100000.00"),
    ("454545454.55", "500000000", None),  # 10% × 454545454.55 = 45454545.455 > the increase 45454545.45
    ("454545454.54", "500000000", "100000.00"),  # 45454545.46 ≥ 45454545.454
    ("450000000", "549999999.99", "100000.00"),  # the increase one fen short of a full step
    ("450000000", "550000000", "150000.00"),
    ("450000000", "550000000.01", "150000.00"),
    ("100000000", "899999999.99", "450000.00"),  # 7 steps: 10万 + 35万
    ("100000000", "900000000", "500000.00"),  # 8 steps: 10万 + 40万 = the cap exactly
    ("100000000", "1000000000", "500000.00"),  # 9 steps: 55万, capped
    ("1", BIG, "500000.00"),
    ("499999999.99", BIG, "500000.00"),
    (BIG, BIG, None),
]


def _growth(rng: random.Random) -> list[str]:
    return [rng.choice(EDGES["whitelist.growth"]) for _ in range(3)]


def _first_set(rng: random.Random) -> list[str]:
    cells: list[str] = []
    for _ in range(3):
        cells += [rng.choice(EDGES["first_set.name"]), rng.choice(EDGES["first_set.price"])]
    return cells


def _stress_rows(n: int, seed: int = 1015) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        prior, output, _ = rng.choice(CHAIN)
        rows.append(
            [
                *identity(rng.choice, EDGES, "S", i),
                rng.choice(EDGES["sector"]),
                rng.choice(EDGES["flag"]),
                rng.choice(EDGES["innovation.voucher_spend"]),
                *_first_set(rng),
                rng.choice(EDGES["materials.first_batch_premium"]),
                rng.choice(EDGES["tech_upgrade.investment"]),
                rng.choice(EDGES["tech_upgrade.national_grant"]),
                rng.choice(EDGES["flag"]),
                prior,
                output,
                rng.choice(EDGES["flag"]),
                *_growth(rng),
            ]
        )
    return rows


def _yuan(cell: str) -> Decimal:
    return Decimal(cell or "0")


def _rate(cell: str) -> Decimal:
    return Decimal(cell[:-1]) / 100 if cell.endswith("%") else Decimal(cell or "0")


def _fen_text(value: Decimal) -> str:
    return f"{value.quantize(FEN, ROUND_HALF_UP):.2f}"


def _expected(row: dict[str, str]) -> dict[str, str | None]:
    """The amounts of B10–B15 for a row of tax year 2022, worked from the clauses' numbers (None: not eligible)."""
    company = row["entity"] == "company"
    out: dict[str, str | None] = {}
    spend = _yuan(row["innovation.voucher_spend"])  # B10: a company that is a tech SME, min(spend, 20万)
    eligible = company and row["tech_sme"] == "true"
    out[subsidies.VOUCHER] = _fen_text(min(spend, Decimal(200000))) if eligible else None
    prices = [_yuan(row[f"first_set.{i}.price"]) for i in (1, 2, 3)]  # B11: Σ min(10% × price, 30万), per item
    total = sum(
        (min(price * Decimal("0.1"), Decimal(300000)).quantize(FEN, ROUND_HALF_UP) for price in prices), FEN * 0
    )
    out[subsidies.FIRST_SET] = _fen_text(total) if any(prices) else None
    premium = _yuan(row["materials.first_batch_premium"])  # B12: a company, min(80% × premium, 500万)
    out[subsidies.FIRST_BATCH] = (
        _fen_text(min(premium * Decimal("0.8"), Decimal(5000000))) if company and premium else None
    )
    investment, grant = _yuan(row["tech_upgrade.investment"]), _yuan(row["tech_upgrade.national_grant"])
    upgrade = (investment * Decimal("0.15")).quantize(FEN, ROUND_HALF_UP) + grant.quantize(FEN, ROUND_HALF_UP)
    out[subsidies.TECH_UPGRADE] = _fen_text(upgrade) if investment or grant else None  # B13: 15% + the grant 1:1
    chain = {(prior, output): award for prior, output, award in CHAIN}[
        (row["chain_leader.output_prior"], row["chain_leader.output"])
    ]
    # (a blank sector is presumed section C: the profile's default)
    leader = company and row["chain_leader.member"] == "true" and (row["sector"] or "C").startswith("C")
    out[subsidies.CHAIN_LEADER] = chain if leader else None
    best = max(_rate(row[f"whitelist.growth_2023.{i}"]) for i in (1, 2, 3))  # B15: the best month's tier, +50%
    tier = "1500000.00" if best >= 1 else "750000.00" if best >= Decimal("0.5") else None
    out[subsidies.WHITELIST] = tier if company and row["whitelist.member"] == "true" else None
    return out


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = same_bytes(tmp_path, HEADER, _stress_rows(4000))
    assert not any(r["error"] for r in rows)
    for pid in subsidies.POLICIES:  # both sides of each family's conditions were reached
        seen = {r[f"{pid}.eligible"] for r in rows}
        assert {"true", "false", ""} <= seen, pid
    # and each line from both sides: every 2022 row's amounts as worked from the clauses' numbers
    offered = {
        "xinzhou": set(subsidies.POLICIES),
        "shanxi": {subsidies.VOUCHER, subsidies.FIRST_BATCH, subsidies.TECH_UPGRADE},
    }
    sources = {r[0]: dict(zip(HEADER, r, strict=True)) for r in _stress_rows(4000)}
    reached: dict[str, set[str | None]] = {pid: set() for pid in subsidies.POLICIES}
    for out in rows:
        row = sources[out["id"]]
        if row["year"] != "2022" or row["jurisdiction"] not in offered:
            continue
        for pid, amount in _expected(row).items():
            if pid not in offered[row["jurisdiction"]]:
                continue
            assert out[f"{pid}.eligible"] == ("false" if amount is None else "true"), (row, pid)
            assert out[f"{pid}.amount"] == (amount or "0.00"), (row, pid)
            reached[pid].add(amount)
    assert {"200000.00", "199999.99", "0.00", "0.01", "12345.67", "12345.68", None} <= reached[subsidies.VOUCHER]
    assert {"300000.00", "0.01", "12345.68", None} <= reached[subsidies.FIRST_SET]
    assert {"5000000.00", "4999999.99", "0.01", "0.00", "0.98", None} <= reached[subsidies.FIRST_BATCH]
    assert {"0.00", "0.01", "0.02", "150000.00", None} <= reached[subsidies.TECH_UPGRADE]
    assert {award for _, _, award in CHAIN} <= reached[subsidies.CHAIN_LEADER]
    assert {"750000.00", "1500000.00", None} <= reached[subsidies.WHITELIST]


def test_the_families_are_marked_columnar() -> None:
    ported = {"_innovation_voucher", "_first_set", "_first_batch", "_tech_upgrade", "_chain_leader", "_whitelist"}
    assert {family.__name__ for _, family in subsidies.FAMILIES} == ported
    assert all(family in COLUMNAR for _, family in subsidies.FAMILIES)


# ── the column operations these families added, against Decimal ───────────────────────────────────────────

amounts = st.decimals(min_value=Decimal(-(10**15) + 1), max_value=Decimal(10**15 - 1), places=3)
divisors = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2)


def _num(values: list[Decimal]) -> Num:
    scale = max(-int(v.as_tuple().exponent) for v in values)
    return Num(np.array([int(v.scaleb(scale)) for v in values], dtype=object), scale)


def _fen(value: Decimal) -> int:
    return int(value.quantize(FEN, ROUND_HALF_UP).scaleb(2))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(amounts, divisors, st.booleans()), min_size=1, max_size=20))
def test_quotients_and_fen_as_decimal(rows: list[tuple[Decimal, Decimal, bool]]) -> None:
    a = _num([r[0] for r in rows])
    d = _num([r[1] * (-1 if r[2] else 1) for r in rows])
    steps = a // d
    exact = kit.ratio(a, d).to_fen()
    rounded = kit.fen(a)
    for i, (x, y, negative) in enumerate(rows):
        divisor = -y if negative else y
        assert steps.scale == 0 and int(steps.v[i]) == int(x // divisor)  # (Decimal's //: toward zero)
        assert exact.scale == 2 and int(exact.v[i]) == _fen(x / divisor)
        assert rounded.scale == 2 and int(rounded.v[i]) == _fen(x)


@pytest.mark.parametrize(
    ("value", "divisor", "fen"),
    [("0.01", "2", 1), ("0.03", "2", 2), ("-0.01", "2", -1), ("0.01", "3", 0), ("0.02", "3", 1), (BIG, "2", None)],
)
def test_a_ratio_rounds_half_up_to_the_fen(value: str, divisor: str, fen: int | None) -> None:
    expected = _fen(Decimal(value) / Decimal(divisor)) if fen is None else fen
    for dtype in (np.int64, object):
        num = Num(np.array([int(Decimal(value).scaleb(2))], dtype=dtype), 2)
        assert int(kit.ratio(num, Decimal(divisor)).to_fen().v[0]) == expected


def test_one_of_step_when_and_component_when_on_a_row_and_a_column() -> None:
    assert kit.one_of("company", ["company"]) is True
    assert kit.one_of("individual-business", ["company"]) is False
    assert kit.one_of("company", []) is False
    names = Cat(np.array(["company", "individual-business", None], dtype=object))
    assert list(kit.one_of(names, ["company", "x"]).v) == [True, False, False]

    builder = kit.ItemBuilder(policy(subsidies.FIRST_SET), explain=True)
    kit.step_when(builder, False, "m.never", lambda: {"x": 1 / 0})
    kit.step_when(builder, True, "m.shown", lambda: {"x": 1})
    assert [m.id for m in builder.trace] == ["m.shown"]
    assert kit.component_when(builder, False, "item_1", Decimal("1.005")) == 0
    assert kit.component_when(builder, True, "item_2", Decimal("1.005")) == Decimal("1.01")
    assert dict(builder.components) == {"item_2": Decimal("1.01")}

    column = ColumnItem(subsidies.FIRST_SET, 3)
    kit.step_when(column, Mask(np.array([True, False, True])), "m.never", lambda: {"x": 1 / 0})  # type: ignore[arg-type]
    value = Num(np.array([1005, 2004, 3], dtype=np.int64), 3)
    part = kit.component_when(column, Mask(np.array([True, False, True])), "item_1", value)  # type: ignore[arg-type]
    assert part.scale == 2 and [int(v) for v in part.v] == [101, 0, 0]
