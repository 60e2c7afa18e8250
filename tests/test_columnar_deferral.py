"""B8 manufacturing SME deferral and B19 water and gas bills (xzcalc/rules/deferral.py, family `deferrals`) through
both evaluators: a stress file with values on every line the family tests and one step either side — the A4 bands of
last year's sales (2000万 and 4亿, ± 1 fen), manufacturing and other sectors, the three quarters' deferrable taxes
and the deferred bills blank, 0, 1 fen, 3 fen (a medium enterprise's half: 1.5 fen, rounded up) and near the largest
accepted, individual businesses and companies, the three jurisdictions (B19 is Xinzhou's), and the tax years: 2022
(both computed), 2021, 2023 and 2024 (neither) — `xzcalc batch` writes the same bytes with `--evaluator row` and
`--evaluator columnar`. Also the bench generator's mixes, and kit.first_reason on a column finding."""

from __future__ import annotations

import random
from pathlib import Path

from test_columnar import IDENTITY, same_bytes

from xzcalc.batch.columnar import ColumnFinding
from xzcalc.rules.kit import first_reason

ROOT = Path(__file__).resolve().parent.parent
B8 = "tax.manufacturing_sme_deferral"
B19 = "fees.water_gas_deferral"
MONEY = ["", "0", "0.01", "0.03", "1", "12345.67", "999999999999999.99"]
HEADER = [
    *IDENTITY,
    "sector",
    "employees",
    "revenue",
    "prior_revenue",
    "deferral.taxes_2021q4",
    "deferral.taxes_2022q1",
    "deferral.taxes_2022q2",
    "utilities.deferred_bills",
]
EDGES = {
    "jurisdiction": ["xinzhou", "xinzhou", "shanxi", "inner-mongolia"],
    "year": ["2021", "2022", "2022", "2022", "2023", "2024"],
    "entity": ["company", "company", "individual-business"],
    "sector": ["C13", "C34", "C", "F51", "I65", ""],
    "employees": ["", "10", "500"],
    "revenue": ["", "0", "5000000", "500000000"],
    # A4 (30号 第一条): 年销售额2000万元以下 small/micro, 4亿元以下 medium (below: <)
    "prior_revenue": [
        "",
        "0",
        "0.01",
        "19999999.99",
        "20000000",
        "20000000.01",
        "399999999.99",
        "400000000",
        "400000000.01",
        "999999999999999.99",
    ],
    "money": MONEY,
}


def stress_rows(n: int, seed: int = 8) -> list[list[str]]:
    """n rows of the stress file (HEADER's columns)."""
    rng = random.Random(seed)
    return [
        [
            f"D{i:05d}",
            f"deferral {i}",
            rng.choice(EDGES["jurisdiction"]),
            rng.choice(EDGES["year"]),
            rng.choice(EDGES["entity"]),
            rng.choice(EDGES["sector"]),
            rng.choice(EDGES["employees"]),
            rng.choice(EDGES["revenue"]),
            rng.choice(EDGES["prior_revenue"]),
            *(rng.choice(EDGES["money"]) for _ in range(4)),
        ]
        for i in range(n)
    ]


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = stress_rows(3000)
    out = same_bytes(tmp_path, HEADER, rows)
    by_id = {r["id"]: r for r in out}
    cells = [dict(zip(HEADER, row, strict=True)) for row in rows]
    computed = [(c, by_id[c["id"]]) for c in cells if not by_id[c["id"]]["error"]]
    b8 = [(c, r) for c, r in computed if r[f"{B8}.eligible"] in ("true", "false")]  # (computed that year)
    # both sides of the A4 lines: manufacturing (a blank sector: C) below 4亿 eligible, at and above it not; outside
    # manufacturing not
    made = [(c, r) for c, r in b8 if c["sector"][:1] in ("C", "") and c["entity"] == "company"]
    assert {r[f"{B8}.eligible"] for c, r in made if c["prior_revenue"] == "399999999.99"} == {"true"}
    assert {r[f"{B8}.eligible"] for c, r in made if c["prior_revenue"] in ("400000000", "400000000.01")} == {"false"}
    assert {r[f"{B8}.eligible"] for c, r in b8 if c["sector"][:1] not in ("C", "")} == {"false"}
    # the share on each side of 2000万: the whole (small/micro) and half (medium) of 3 fen → 0.03 and 0.02
    for revenue, amount in (("19999999.99", "0.03"), ("20000000", "0.02"), ("20000000.01", "0.02")):
        shares = {
            r[f"{B8}.amount"]
            for c, r in made
            if c["prior_revenue"] == revenue
            and (c["deferral.taxes_2021q4"], c["deferral.taxes_2022q1"]) == ("0", "0")
            and c["deferral.taxes_2022q2"] == "0.03"
        }
        assert shares <= {amount}
    assert {r[f"{B8}.amount"] for _, r in made} >= {"0.01", "0.00"}
    assert any(len(r[f"{B8}.amount"]) > 17 for _, r in made)
    # B19 in Xinzhou: companies eligible, individual businesses not; not offered elsewhere
    b19 = [(c, r) for c, r in computed if r[f"{B19}.eligible"] in ("true", "false")]
    assert {c["jurisdiction"] for c, _ in b19} == {"xinzhou"}
    assert {r[f"{B19}.eligible"] for c, r in b19 if c["entity"] == "company"} == {"true"}
    assert {r[f"{B19}.eligible"] for c, r in b19 if c["entity"] != "company"} == {"false"}
    # the years: both computed in 2022 only
    assert {c["year"] for c, _ in b8} == {c["year"] for c, _ in b19} == {"2022"}


def test_a_column_finding_has_no_reason_to_give() -> None:
    """kit.first_reason: a row's classification gives its first reason; a column's (the batch keeps none) nothing."""
    assert first_reason(ColumnFinding(None)) == ("", {})
