"""B6 六税两费 (xzcalc/rules/local_taxes.py, family `six_taxes_two_fees`) through both evaluators: a stress file with
values on every line the family tests and one step either side — the payers of each year (small-scale only in
2019–2021; small-scale, small low-profit and individual businesses from 2022), a general taxpayer's two halves (the
filings of the year before last and of last year, given true/false or not given and presumed from this year's
result), the new-enterprise test (established on 31 December of the governing year or the day after; 300 / 301
employees; assets of 5000万 ± 1 fen; a restricted industry), the share of the first half (blank, 0, ½, 1 and odd
shares), each of the six taxes and the surcharges' base (VAT payable from the VAT family + consumption tax) blank, 0,
1 fen and near the largest accepted, the three locations, the three jurisdictions, individual businesses and
companies, and a year the family does not compute (2018: refused) — `xzcalc batch` writes the same bytes with
`--evaluator row` and `--evaluator columnar`. Also the bench generator's mixes, and the column operations added for
the family (Cat.get / Cat.value_or on a YearMap, ColumnItem.component)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import IDENTITY, same_bytes

from xzcalc.batch.columnar import Cat, ColumnItem, Mask, Num
from xzcalc.rules import local_taxes
from xzcalc.rules.kit import present, value_or
from xzcalc.schema.kinds import YearMap

ROOT = Path(__file__).resolve().parent.parent
SIX = "local.six_taxes_two_fees"
YEARS = [2018, 2019, 2021, 2022, 2022, 2022, 2023, 2023, 2025, 2027]  # (2018: not a supported year)
FILINGS = range(2019, 2028)  # the years history.small_low_profit may be given for
MONEY = ["", "0", "0.01", "0.02", "0.03", "1", "12345.67", "999999999999999.99"]
HEADER = [
    *IDENTITY,
    "sector",
    "location",
    "employees",
    "total_assets",
    "established",
    "restricted_industry",
    "income.taxable_income",
    "vat.taxpayer",
    "vat.sales_3pct.1",
    "vat.sales_3pct.2",
    "vat.vat_payable",
    "vat.consumption_tax",
    *(f"local_taxes.{key}" for key in local_taxes.TAXES),
    "local_taxes.first_half_share",
    *(f"history.small_low_profit.{year}" for year in FILINGS),
]
EDGES = {
    "jurisdiction": ["xinzhou", "shanxi", "inner-mongolia"],
    "entity": ["company", "company", "individual-business"],
    "sector": ["C34", "F51", "I65"],
    "location": ["", "city", "county", "other"],
    "employees": ["", "0", "1", "299", "300", "301"],
    # 2022年第3号 第一条: 资产总额不超过5000万元 (≤)
    "total_assets": ["", "0", "49999999.99", "50000000", "50000000.01", "999999999999999.99"],
    # the new-enterprise test: established after the governing year (the year before last, or last year), by
    # days from 1 January of the tax year (−731…: the year before last; −366…: last year)
    "established_days": [None, -800, -732, -731, -730, -367, -366, -365, -1, 0, 100],
    "restricted_industry": ["", "false", "true"],
    # this year's small low-profit result (A1: 应纳税所得额不超过300万元)
    "income.taxable_income": ["", "0", "1000000", "3000000", "3000000.01", "50000000"],
    "vat.taxpayer": ["", "small-scale", "general"],
    "sales": ["", "0", "90000", "100000", "100000.01", "300000", "300000.01", "2000000"],
    "vat.vat_payable": ["", "0", "0.01", "0.03", "12345.67", "999999999999999.99"],
    "vat.consumption_tax": ["", "0", "0.01", "5000", "999999999999999.99"],
    "local_taxes": MONEY,
    "local_taxes.first_half_share": ["", "0", "0.01", "0.333333", "0.5", "0.499999", "0.99", "1"],
    "history": ["", "", "true", "false"],
}


def stress_rows(n: int, seed: int = 6) -> list[list[str]]:
    """n rows of the stress file (HEADER's columns)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        year = rng.choice(YEARS)
        days = rng.choice(EDGES["established_days"])
        established = "" if days is None else str(np.datetime64(f"{year}-01-01") + np.timedelta64(days, "D"))
        history = {
            y: rng.choice(EDGES["history"]) if y in (year - 2, year - 1) or rng.random() < 0.1 else "" for y in FILINGS
        }
        taxes = [rng.choice(EDGES["local_taxes"]) if rng.random() < 0.6 else "" for _ in local_taxes.TAXES]
        rows.append(
            [
                f"L{i:05d}",
                f"six taxes {i}",
                rng.choice(EDGES["jurisdiction"]),
                str(year),
                rng.choice(EDGES["entity"]),
                rng.choice(EDGES["sector"]),
                rng.choice(EDGES["location"]),
                rng.choice(EDGES["employees"]),
                rng.choice(EDGES["total_assets"]),
                established,
                rng.choice(EDGES["restricted_industry"]),
                rng.choice(EDGES["income.taxable_income"]),
                rng.choice(EDGES["vat.taxpayer"]),
                rng.choice(EDGES["sales"]),
                rng.choice(EDGES["sales"]),
                rng.choice(EDGES["vat.vat_payable"]),
                rng.choice(EDGES["vat.consumption_tax"]),
                *taxes,
                rng.choice(EDGES["local_taxes.first_half_share"]),
                *(history[y] for y in FILINGS),
            ]
        )
    return rows


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = stress_rows(4000)
    out = same_bytes(tmp_path, HEADER, rows)
    by_id = {r["id"]: r for r in out}
    cells = [dict(zip(HEADER, row, strict=True)) for row in rows]
    computed = [(c, by_id[c["id"]]) for c in cells if not by_id[c["id"]]["error"]]
    assert any(by_id[c["id"]]["error"] for c in cells if c["year"] == "2018")  # (the year not computed)

    def reached(rows: list[tuple[dict[str, str], dict[str, str]]]) -> set[str]:
        return {r[f"{SIX}.eligible"] for _, r in rows}

    general = [(c, r) for c, r in computed if c["vat.taxpayer"] != "small-scale" and c["entity"] == "company"]
    # a general taxpayer: refused before 2022, relieved or not by its halves from 2022
    assert reached([(c, r) for c, r in general if c["year"] in ("2019", "2021")]) == {"false"}
    assert reached([(c, r) for c, r in general if c["year"] >= "2022"]) == {"true", "false"}
    # small-scale taxpayers: relieved every year; individual businesses (general) from 2022 only
    assert reached([(c, r) for c, r in computed if c["vat.taxpayer"] == "small-scale"]) == {"true"}
    individual = [
        (c, r) for c, r in computed if c["entity"] == "individual-business" and c["vat.taxpayer"] != "small-scale"
    ]
    assert reached([(c, r) for c, r in individual if c["year"] >= "2022"]) == {"true"}
    assert reached([(c, r) for c, r in individual if c["year"] < "2022"]) == {"false"}
    # the new-enterprise line from both sides: established after last year, 300 and 301 employees
    new = [
        (c, r)
        for c, r in general
        if c["year"] >= "2022"
        and c["established"] >= c["year"]
        and not c[f"history.small_low_profit.{int(c['year']) - 1}"]
    ]
    assert reached([(c, r) for c, r in new if c["employees"] == "300"]) >= {"true"}
    assert reached([(c, r) for c, r in new if c["employees"] == "301"]) == {"false"}
    # relieved amounts: of one fen, and near the largest accepted
    amounts = {r[f"{SIX}.amount"] for _, r in computed if r[f"{SIX}.eligible"] == "true"}
    assert "0.01" in amounts and "0.00" in amounts
    assert any(len(a) > 17 for a in amounts)


# ── the column operations added for the family ────────────────────────────────────────────────────────────


def test_a_year_map_column_gives_each_rows_value_and_its_absence() -> None:
    maps = [YearMap({2020: True, 2021: False}.items()), YearMap(), YearMap({2021: True}.items())]
    column = Cat(np.array([*maps, None], dtype=object))
    filed = column.get(2021)
    assert list(present(filed).v) == [True, False, True, False]
    held = value_or(filed, False)
    assert isinstance(held, Mask) and list(held.v) == [False, False, True, False]
    assert list(value_or(column.get(2020), True).v) == [True, True, True, True]
    # one row, as the row engine reads it
    assert [present(m.get(2021)) for m in maps] == [True, False, True]
    assert [value_or(m.get(2021), False) for m in maps] == [False, False, True]


money = st.decimals(min_value=Decimal("-999999999999999.99"), max_value=Decimal("999999999999999.99"), places=2)
shares = st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(money, shares, shares), min_size=1, max_size=20))
def test_a_components_rounding_is_the_row_engines(rows: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    """ColumnItem.component rounds each row half-up to the fen as ItemBuilder.component (money.quantize) does, and
    the sum of components is exact."""
    scale = 6
    tax = Num(np.array([int(t.scaleb(2)) for t, _, _ in rows], dtype=object), 2)
    covered = Num(np.array([int(c.scaleb(scale)) for _, c, _ in rows], dtype=object), scale)
    share = Num(np.array([int(s.scaleb(scale)) for _, _, s in rows], dtype=object), scale)
    item = ColumnItem(SIX, len(rows))
    first = item.component("property", tax * covered * share)
    second = item.component("stamp", tax * share)
    total = first + second
    for i, (t, c, s) in enumerate(rows):
        a = (t * c * s).quantize(Decimal("0.01"), ROUND_HALF_UP)
        b = (t * s).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert first.scale == 2 and int(first.v[i]) == int(a.scaleb(2))
        assert int(total.fen()[i]) == int((a + b).scaleb(2))


def test_an_all_zero_column_rescales_to_a_scale_past_int64() -> None:
    """Num.rescaled: a column of zeros brought to the scale of a VAT payable of 36 decimals (as the VAT family leaves
    some: 14000.000…) widens instead of overflowing int64 — the factor alone passes it."""
    zeros = Num(np.zeros(2, dtype=np.int64), 2)
    payable = Num.of(Decimal("14000.000000000000000000000000000000000"), 2)
    assert [int(f) for f in (zeros + payable).fen()] == [1400000, 1400000]
    assert [int(f) for f in (payable + zeros).fen()] == [1400000, 1400000]
