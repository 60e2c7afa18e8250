"""B7 留抵退税 (rules/vat.credit_refund) through both evaluators: the same bytes from `xzcalc batch --evaluator row`
and `--evaluator columnar` on a stress file with values on each of its lines and one step either side.

Lines (财政部 税务总局公告2022年第14号, data/params/national.toml vat.credit_refund.*): a general taxpayer (第三条)
that confirms the conditions; the size by 营业收入 = VAT sales (or revenue when no sales are given) and 资产总额 —
and, for a group sized by neither, the VAT sales bands 100万 / 2000万 / 1亿 (strictly below; 第六条); small and micro
any industry (第一条), the listed industries C/M/D/I65/N77/G at any size (第二条), and from 2022-07 the added
sections F/A/H/O/P/Q/R (2022年第21号 第一条). Amount: (stock + incremental credit) × input ratio × share.
"""

from __future__ import annotations

import random
from pathlib import Path

from test_columnar import IDENTITY, same_bytes

HEADER = [
    *IDENTITY,
    "sector",
    "employees",
    "revenue",
    "total_assets",
    "vat.taxpayer",
    "vat.refund_conditions_met",
    "vat.sales_3pct.1",
    "vat.sales_other.1",
    "vat.sales_other.2",
    "vat.stock_credit",
    "vat.incremental_credit",
    "vat.input_ratio",
]
SECTORS = ["C34", "C", "M73", "D44", "I65", "I64", "N77", "G54", "F51", "A01", "H62", "K70", "L72", "E47", "B06", "R88"]
# revenue and VAT sales on and beside the lines of the size standard's groups and the VAT sales bands
AMOUNTS = [
    "",
    "0",
    "0.01",
    "999999.99",
    "1000000",
    "1000000.01",
    "3000000",
    "19999999.99",
    "20000000",
    "20000000.01",
    "50000000",
    "99999999.99",
    "100000000",
    "100000000.01",
    "400000000",
    "999999999999999.99",
]
ASSETS = ["", "0", "49999999.99", "50000000", "50000000.01", "3亿", "400000000", "999999999999999.99"]
CREDITS = ["", "0", "0.01", "0.03", "1", "123456.78", "999999999999999.99"]
RATIOS = ["", "0", "0.333333", "0.5", "0.999999", "1", "100%"]


def _rows(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        sales = rng.choice(AMOUNTS) if rng.random() < 0.6 else ""
        rows.append(
            [
                f"R{i:05d}",
                f"refund {i}",
                rng.choice(["xinzhou", "shanxi", "inner-mongolia"]),
                rng.choice(["2021", "2022", "2022", "2022", "2022", "2023"]),
                rng.choice(["company", "company", "individual-business"]),
                rng.choice(SECTORS),
                str(rng.choice([1, 8, 19, 20, 99, 100, 299, 300, 999, 1000, 5000])),
                rng.choice(AMOUNTS),
                rng.choice(ASSETS),
                rng.choice(["general", "general", "general", "small-scale"]),
                rng.choice(["true", "true", "true", "false", ""]),
                sales,
                rng.choice(AMOUNTS) if sales and rng.random() < 0.5 else "",
                rng.choice(["", "0.01", "500000"]),
                rng.choice(CREDITS),
                rng.choice(CREDITS),
                rng.choice(RATIOS),
            ]
        )
    return rows


def test_credit_refund_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = [r for r in same_bytes(tmp_path, HEADER, _rows(3000)) if not r["error"]]
    assert len(rows) > 2500
    computed = [r for r in rows if r["year"] == "2022"]
    eligible = {r["vat.credit_refund.eligible"] for r in computed}
    assert eligible == {"true", "false"}
    # both sides of the lines reached: eligible small/micro outside the industries, a listed industry at a large
    # size, an added section, and a large enterprise outside every industry refused
    assert any(r["vat.credit_refund.eligible"] == "true" and r["classification.size_class"] == "large" for r in rows)
    assert any(
        r["vat.credit_refund.amount"] not in ("", "0.00") and r["vat.credit_refund.eligible"] == "true" for r in rows
    )
    assert {r["vat.credit_refund.eligible"] for r in rows if r["year"] == "2021"} == {"not_computed"}  # (years.md)
