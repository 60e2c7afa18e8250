"""B5 small-scale exemption (xzcalc/rules/vat.py) through both evaluators: one definition, the same bytes.

- a stress file on every B5 line (the quarter's and the month's, 30万/45万 and 10万/15万, in force by the period's
  first day), exactly on it and one fen either side, with a sale of real estate that alone carries a period over,
  专票 sales (also larger than the 3% sales: capped), blank and 0 cells, sales of one fen and near the largest
  accepted, quarterly and monthly filers, small-scale and general taxpayers, companies and individual businesses,
  the three jurisdictions and locations, the tax years 2019–2027 (2020: the 2020-03-01 1% inside the first quarter)
  and 2028 (not computed): `xzcalc batch` with `--evaluator row` and `--evaluator columnar` writes the same bytes;
- the VAT payable B5 leaves (the surcharges' base of 六税两费) as a column equals the row engine's, row by row;
- (the bench generator's files: tests/test_columnar.py).
"""

from __future__ import annotations

import random
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import IDENTITY, _block, same_bytes

from xzcalc.batch import columnar
from xzcalc.batch.columnar import COLUMNAR, ColumnContext, Num, _run
from xzcalc.engine import evaluate as run_rows
from xzcalc.money import CONTEXT
from xzcalc.rules.local_taxes import six_taxes_two_fees
from xzcalc.rules.vat import small_scale_exemption
from xzcalc.schema.build import parse_profile

ROOT = Path(__file__).resolve().parent.parent
MAX = Decimal("999999999999999.99")
LISTS = ("sales_3pct", "sales_3pct_special", "sales_other", "sales_real_estate")
HEADER = [
    *IDENTITY,
    "location",
    "vat.taxpayer",
    "vat.period",
    *(f"vat.{name}.{i}" for name in LISTS for i in range(1, 13)),
    "vat.vat_payable",
    "vat.consumption_tax",
]
YEARS = ["2019", "2020", "2020", "2021", "2021", "2022", "2022", "2022", "2023", "2025", "2027", "2028"]
# the lines of each filing period over the years (data/params: vat.small_scale.quarter_threshold, month_threshold)
LINES = {"quarter": [Decimal(300000), Decimal(450000)], "month": [Decimal(100000), Decimal(150000)]}
FEN = Decimal("0.01")
WIDE = Context(prec=200)  # (a column's value as a Decimal, unrounded)


def _cell(value: Decimal, rng: random.Random) -> str:
    """A cell for an amount: blank for 0 now and then."""
    if value == 0 and rng.random() < 0.3:
        return ""
    return f"{value:.2f}"


def _period(rng: random.Random, period: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """One filing period's (3% sales, of which 专票, other sales, of which real estate): totals on a line ± 1 fen,
    the line reached only with a sale of real estate, 0, 1 fen, and near the largest accepted."""
    line = rng.choice(LINES[period])
    kind = rng.randrange(7)
    if kind == 0:
        total = Decimal(0)
    elif kind == 1:
        total = FEN
    elif kind == 2:
        total = MAX - rng.choice([0, 1, 7]) * FEN
    else:
        total = line + rng.choice([-1, 0, 1]) * FEN
    share = rng.choice([Decimal(0), Decimal(1), Decimal("0.5"), Decimal("0.3333")])
    s3 = (total * share).quantize(FEN)
    s5 = total - s3
    special = rng.choice([Decimal(0), Decimal(0), s3, (s3 / 2).quantize(FEN), s3 + FEN, FEN])
    real_estate = Decimal(0)
    if kind >= 5 or rng.random() < 0.2:
        # a sale of real estate that alone carries the period over (or not): the rest on the line ± 1 fen
        rest = line + rng.choice([-1, 0, 1]) * FEN
        real_estate = rng.choice([Decimal(1000), Decimal("0.01"), s5 + FEN])
        s5 = max(rest - s3, Decimal(0)) + real_estate if real_estate <= s5 + FEN else s5
        real_estate = min(real_estate, s5) if rng.random() < 0.8 else s5 + FEN
    return s3, special, s5, real_estate


def _stress_rows(n: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        period = rng.choice(["quarter", "quarter", "month"])
        count = 4 if period == "quarter" else 12
        lists: dict[str, list[str]] = {name: [""] * 12 for name in LISTS}
        for k in range(count):
            for name, value in zip(LISTS, _period(rng, period), strict=True):
                lists[name][k] = _cell(value, rng)
        if period == "quarter" and rng.random() < 0.02:  # (a monthly list without vat.period: an error row)
            lists["sales_3pct"][6] = "1"
        rows.append(
            [
                f"V{i:05d}",
                f"vat {i}",
                rng.choice(["xinzhou", "shanxi", "inner-mongolia"]),
                rng.choice(YEARS),
                rng.choice(["company", "individual-business"]),
                rng.choice(["city", "county", "other", ""]),
                rng.choice(["small-scale", "small-scale", "small-scale", "general", ""]),
                period if rng.random() < 0.9 or period == "month" else "",
                *(cell for name in LISTS for cell in lists[name]),
                rng.choice(["", "0", "0.01", "123456.78", str(MAX)]),
                rng.choice(["", "0", "0.01", "5000"]),
            ]
        )
    return rows


def _split_rows() -> list[list[str]]:
    """2020's quarterly filers: the first quarter split (1% from 2020-03-01: a third of its sales, 40 digits), with
    3% sales whose third at the 2 points removed lands on a half fen, and large sales in the other quarters (the
    row engine's sums rounded to 40 digits)."""
    rows = []
    thirds = ["100.50", "75.75", "300000.75", "300001.50", "450000.75", "999999999999999.75", "999999999999998.25"]
    others = ["", "0.01", "10000000000000.00", "123456789012.35", "999999999999999.99"]
    for i, (q1, q2) in enumerate((q1, q2) for q1 in thirds for q2 in others):
        lists: dict[str, list[str]] = {name: [""] * 12 for name in LISTS}
        lists["sales_3pct"][:4] = [q1, q2, q2, q1]
        lists["sales_3pct_special"][:4] = ["", "", "0.01", q1] if i % 2 else ["0.03", "", "", ""]
        lists["sales_other"][:4] = [q2, "", q1, ""]
        lists["sales_real_estate"][:4] = ["0.01" if i % 3 else "", "", "", ""]
        cells = [cell for name in LISTS for cell in lists[name]]
        rows.append([f"T{i:03d}", "", "xinzhou", "2020", "company", "city", "small-scale", "quarter", *cells, "", ""])
    return rows


def test_stress_file_b5_on_columns(tmp_path: Path) -> None:
    stress = [*_stress_rows(3000), *_split_rows()]
    row = same_bytes(tmp_path, HEADER, stress)
    b5 = [r for r in row if not r["error"] and r["vat.small_scale_exemption.eligible"] == "true"]
    amounts = [Decimal(r["vat.small_scale_exemption.amount"]) for r in b5]
    assert any(a == 0 for a in amounts) and any(a > 0 for a in amounts) and max(amounts) > Decimal(10) ** 13
    refused = [r for r in row if not r["error"] and r["vat.small_scale_exemption.eligible"] == "false"]
    assert refused and any(r["error"] for r in row)  # (general taxpayers; a year not computed, a bad list)
    # the lines, exactly and one fen either side, were in the file
    cells = {Decimal(c) for r in stress for c in r[8:56] if c}
    for line in (*LINES["quarter"], *LINES["month"]):
        assert {line - FEN, line, line + FEN} & cells


def test_stress_file_same_bytes(tmp_path: Path) -> None:
    """Another seed, through same_bytes; B5 and 六税两费 (which reads its VAT payable) both on the columns."""
    rows = same_bytes(tmp_path, HEADER, _stress_rows(1000, seed=6))
    assert any(r["vat.small_scale_exemption.amount"] not in ("", "0.00") for r in rows)
    assert small_scale_exemption in COLUMNAR and six_taxes_two_fees in COLUMNAR


def _profile(cells: list[str]) -> Any:
    data: dict[str, Any] = {}
    for path, cell in zip(HEADER, cells, strict=True):
        if not cell or path in ("id", "name"):
            continue
        *parents, leaf = path.split(".")
        at = data
        for name in parents:
            at = at.setdefault(name, {})
        at[leaf] = cell
    vat = data.get("vat", {})
    for name in LISTS:
        if name in vat:
            vat[name] = [Decimal(vat[name].get(str(i), 0)) for i in range(1, 13)]
    for key in ("vat_payable", "consumption_tax"):
        if key in vat:
            vat[key] = Decimal(vat[key])
    if "year" in data:
        data["year"] = int(data["year"])
    return parse_profile(data)


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023])
def test_vat_payable_column_equals_the_rows(year: int) -> None:
    """The surcharges' base B5 leaves on a block is a Num column equal to each row's ctx.vat_payable."""
    rows = [r for r in _stress_rows(1500, seed=year) if r[3] == str(year) and r[2] == "xinzhou"]
    if year == 2020:
        rows += _split_rows()
    profiles = []
    for cells in rows:
        try:
            profiles.append(_profile(cells))
        except Exception:  # (a bad list: an error row in the batch)
            continue
    assert len(profiles) > 20
    block = _block(profiles)
    ctx = ColumnContext(block)
    _run(small_scale_exemption, ctx)
    payable = ctx.vat_payable
    assert isinstance(payable, Num)
    for i, profile in enumerate(profiles):
        expected = run_rows(profile)[1].vat_payable
        got = Decimal(int(payable.v[i])).scaleb(-payable.scale, WIDE)
        assert got == expected, (i, profile.vat)
    eligible, amounts = ctx.outcomes["vat.small_scale_exemption"]
    for i, profile in enumerate(profiles):
        item = next(it for it in run_rows(profile)[0].items if it.policy.id == "vat.small_scale_exemption")
        assert bool(eligible[i]) is item.eligible
        assert Decimal(int(amounts[i])).scaleb(-2) == item.amount


def test_column_item_component_rounds_half_up() -> None:
    item = columnar.ColumnItem("x", 4)
    value = Num(np.array([12345, 12355, -12345, 50], dtype=np.int64), 4)
    assert item.component("c", value).v.tolist() == [123, 124, -123, 1]


def _fraction(text: str) -> Decimal:
    numerator, _, denominator = text.partition("/")
    return CONTEXT.divide(Decimal(numerator), Decimal(denominator or 1))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("-1e17"), max_value=Decimal("1e17"), places=2, allow_nan=False),
            st.sampled_from(["1/3", "2/3", "1/12", "0.03", "1.00", "0.0275"]).map(_fraction),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_significant_rounds_as_the_decimal_context(rows: list[tuple[Decimal, Decimal]]) -> None:
    """Num.significant(40) leaves a product as money.CONTEXT (40 digits, half-up) does."""
    x = Num(np.array([int(a.scaleb(2)) for a, _ in rows], dtype=object), 2)
    scale = max(-int(f.as_tuple().exponent) for _, f in rows)
    f = Num(np.array([int(v.scaleb(scale, WIDE)) for _, v in rows], dtype=object), scale)
    got = (x * f).significant(CONTEXT.prec)
    for i, (a, fraction) in enumerate(rows):
        expected = CONTEXT.multiply(a, fraction)
        assert Decimal(int(got.v[i])).scaleb(-got.scale, WIDE) == expected, (a, fraction)
