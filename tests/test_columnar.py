"""The columnar evaluator (xzcalc/batch/columnar.py) against the row engine: one rule definition, two evaluators,
the same eligibility and the same amount to the fen.

- every golden case, alone and all together in blocks, through the columnar families: eligibility and amount equal
  the case's expectation where it states one, and the row engine's everywhere;
- a stress file with values on every line the columnar families test and one step either side (the B9 months,
  layoff-rate limits, the 30-insured line, the refund dates around the 2022-05-31 raise, headcounts that grew, blank
  and 0 headcounts, amounts of one fen and near the largest accepted): `xzcalc batch` writes the same bytes with
  `--evaluator row` and `--evaluator columnar`;
- the exact integer columns against Decimal: products rounded half-up to the fen, sums, comparisons and ratios.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cases import CASES
from test_cli import run

from xzcalc.batch.columnar import COLUMNAR, Block, ColumnContext, Num, _run, evaluate
from xzcalc.data import load_toml
from xzcalc.engine import calculate, planned
from xzcalc.engine import evaluate as run_rows
from xzcalc.money import CONTEXT
from xzcalc.params import param_set
from xzcalc.rules import FAMILIES
from xzcalc.schema.build import parse_profile
from xzcalc.schema.build import profile_from_flat as parse_profile_flat
from xzcalc.schema.profile import Profile

COLUMNAR_POLICIES = {pid for ids, family in FAMILIES if family in COLUMNAR for pid in ids}


def _block(profiles: list[Profile]) -> Block:
    """A block of profiles of one jurisdiction and year, as the row engine leaves them when it defers the
    columnar families (each row's Context)."""
    first = profiles[0]
    params = param_set(first.jurisdiction, first.year)
    contexts = [run_rows(p, params=params, deferred=frozenset(COLUMNAR))[1] for p in profiles]
    return Block.of(first.jurisdiction, first.year, contexts, params)


def _columnar(profiles: list[Profile]) -> list[dict[str, Any]]:
    """Each profile's columnar items (policy → (eligible, amount)) and the classifications the columnar families
    decided ("classification.<name>" → value), the profiles evaluated as blocks by jurisdiction and year."""
    out: list[dict[str, Any]] = [{} for _ in profiles]
    keyed = sorted(range(len(profiles)), key=lambda i: (profiles[i].jurisdiction, profiles[i].year))
    for (jurisdiction, year), members in itertools.groupby(
        keyed, lambda i: (profiles[i].jurisdiction, profiles[i].year)
    ):
        indexes = list(members)
        families = [f for f in COLUMNAR if planned(jurisdiction, year, f)]
        if not families:
            continue
        block = _block([profiles[i] for i in indexes])
        outcome = evaluate(block, families)
        for pid, (eligible, amounts) in outcome.items.items():
            if pid in block.settled:
                continue
            for i, holds, amount in zip(indexes, eligible, amounts, strict=True):
                out[i][pid] = (holds, f"{amount:.2f}")
        for name, values in outcome.classification.items():
            for i, value in zip(indexes, values, strict=True):
                out[i][f"classification.{name}"] = value
    return out


def _row(profile: Profile, decided: set[str]) -> dict[str, Any]:
    result = calculate(profile)
    out: dict[str, Any] = {
        it.policy.id: (it.eligible, f"{it.amount:.2f}")
        for it in result.items
        if it.policy.id in COLUMNAR_POLICIES and it.status == "computed"
    }
    for name in decided:
        out[f"classification.{name}"] = result.classification[name].value
    return out


def _case_profiles() -> list[tuple[str, Profile, dict[str, Any]]]:
    cases = []
    for path in CASES:
        case = load_toml(path)
        cases.append((path.stem, parse_profile(case["profile"]), case["expect"]))
    return cases


def test_golden_cases_through_both_evaluators() -> None:
    cases = _case_profiles()
    together = _columnar([p for _, p, _ in cases])
    checked = 0
    for (name, profile, expect), in_block in zip(cases, together, strict=True):
        alone = _columnar([profile])[0]
        assert alone == in_block, name
        decided = {k.removeprefix("classification.") for k in in_block if k.startswith("classification.")}
        assert in_block == _row(profile, decided), name
        for pid, (holds, amount) in ((k, v) for k, v in in_block.items() if not k.startswith("classification.")):
            if pid in expect.get("amounts", {}):
                assert amount == str(expect["amounts"][pid]), (name, pid)
                checked += 1
            if pid in expect.get("eligible", {}):
                assert holds is expect["eligible"][pid], (name, pid)
    assert checked >= 10  # (the B9 cases state their amounts)


# ── the stress file: every line the columnar families test, and one step either side ───────────────────────────

# the columns every stress file starts with (the id and name echoed, and what places the row)
IDENTITY = ["id", "name", "jurisdiction", "year", "entity"]
HEADER = [
    *IDENTITY,
    "sector",
    "employees",
    "revenue",
    "total_assets",
    "employment.ui_premiums_prior_year",
    "employment.insured_employees",
    "employment.insured_months",
    "employment.layoff_rate",
    "employment.insured_start",
    "employment.insured_end",
    "employment.refund_date",
]
EDGES = {
    "jurisdiction": ["xinzhou", "shanxi", "inner-mongolia"],
    "year": ["2021", "2022", "2022", "2022", "2022", "2023", "2025"],  # (B9 is computed in 2022 only)
    "entity": ["company", "individual-business"],
    "size": [("C34", "120", "8000万", "5000万"), ("F51", "2500", "9亿", "20亿"), ("I65", "8", "200万", "100万")],
    "employment.ui_premiums_prior_year": ["", "0", "0.01", "0.05", "1", "12345.67", "999999999999999.99"],
    "employment.insured_employees": ["", "0", "29", "30", "31", "100"],
    "employment.insured_months": ["", "11", "12", "13"],
    "employment.layoff_rate": ["", "0", "5.4%", "5.5%", "0.0550001", "5.6%", "19.99%", "20%", "0.2000001", "50%"],
    "headcounts": [
        ("", ""),
        ("0", "0"),
        ("0", "5"),
        ("100", ""),
        ("", "90"),
        ("1000", "945"),
        ("1000", "944"),
        ("30", "24"),
        ("30", "23"),
        ("29", "24"),
        ("10", "12"),
        ("7", "7"),
        ("3", "0"),
    ],
    "employment.refund_date": ["", "2022-05-30", "2022-05-31", "2022-06-01", "2021-12-31", "2023-01-01"],
}


def identity(choose: Callable[[list[str]], str], edges: Mapping[str, list[str]], tag: str, i: int) -> list[str]:
    """The IDENTITY cells of the i-th generated stress row: an id and a name, and a jurisdiction, year and entity
    drawn from `edges` in that order by `choose` (a random.Random's choice)."""
    return [
        f"{tag}{i:05d}",
        f"edge {i}",
        choose(edges["jurisdiction"]),
        choose(edges["year"]),
        choose(edges["entity"]),
    ]


def _stress_rows(n: int, seed: int = 15) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        sector, employees, revenue, assets = rng.choice(EDGES["size"])
        start, end = rng.choice(EDGES["headcounts"])
        rows.append(
            [
                *identity(rng.choice, EDGES, "S", i),
                sector,
                employees,
                revenue,
                assets,
                rng.choice(EDGES["employment.ui_premiums_prior_year"]),
                rng.choice(EDGES["employment.insured_employees"]),
                rng.choice(EDGES["employment.insured_months"]),
                rng.choice(EDGES["employment.layoff_rate"]),
                start,
                end,
                rng.choice(EDGES["employment.refund_date"]),
            ]
        )
    return rows


def same_bytes(tmp_path: Path, header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    """`xzcalc batch` on these rows with --evaluator row and columnar: asserts the same bytes and returns the output
    rows (for the caller to check that both sides of its lines were reached)."""
    source = tmp_path / "edges.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    outputs = {}
    for evaluator in ("row", "columnar"):
        target = tmp_path / f"{evaluator}.csv"
        code, out, err = run("batch", str(source), "-o", str(target), "-q", "--jobs", "1", "--evaluator", evaluator)
        assert code in (0, 1), out + err
        outputs[evaluator] = target.read_bytes()
    if outputs["row"] != outputs["columnar"]:
        row_lines = outputs["row"].decode("utf-8-sig").splitlines()
        col_lines = outputs["columnar"].decode("utf-8-sig").splitlines()
        names = row_lines[0].split(",")
        for a, b in zip(row_lines, col_lines, strict=True):
            if a != b:
                cells = [
                    f"{n}: row {x!r} columnar {y!r}"
                    for n, x, y in zip(names, next(csv.reader([a])), next(csv.reader([b])), strict=False)
                    if x != y
                ]
                raise AssertionError(f"first differing row: {cells}")
    return list(csv.DictReader(outputs["row"].decode("utf-8-sig").splitlines()))


def test_stress_file_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    rows = same_bytes(tmp_path, HEADER, _stress_rows(3000))
    eligible = [r["ui.stable_job_refund.eligible"] for r in rows if not r["error"]]
    assert "true" in eligible and "false" in eligible  # (both sides of the lines were reached)


# ── the exact integer columns against Decimal ───────────────────────────────────────────────────────────────

amounts = st.decimals(min_value=Decimal("-999999999999999.99"), max_value=Decimal("999999999999999.99"), places=2)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(2), places=6)


def _num(values: list[Decimal]) -> Num:
    scale = max(-int(v.as_tuple().exponent) for v in values)
    return Num(np.array([int(v.scaleb(scale)) for v in values], dtype=object), scale)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(amounts, rates, amounts), min_size=1, max_size=20))
def test_columns_round_and_compare_as_decimal(rows: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    a = _num([r[0] for r in rows])
    rate = _num([r[1] for r in rows])
    b = _num([r[2] for r in rows])
    product = (a * rate).fen()
    total = (a + b - rate).fen()
    for i, (x, r, y) in enumerate(rows):
        assert int(product[i]) == int((x * r).quantize(Decimal("0.01"), ROUND_HALF_UP).scaleb(2))
        assert int(total[i]) == int((x + y - r).quantize(Decimal("0.01"), ROUND_HALF_UP).scaleb(2))
    assert list((a <= b).v) == [x <= y for x, _, y in rows]
    assert list((a.maximum(b) == b).v) == [max(x, y) == y for x, _, y in rows]


DIVISORS = ("1", "2", "4", "8", "10", "12", "3", "7", "0", "0.5")
divisors = st.one_of(st.sampled_from([Decimal(d) for d in DIVISORS]), amounts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(amounts, divisors, rates, amounts), min_size=1, max_size=20))
def test_a_quotient_and_what_follows_it_round_as_the_decimal_context(
    rows: list[tuple[Decimal, Decimal, Decimal, Decimal]],
) -> None:
    """x ÷ d × r + y, each operation rounded to 40 significant digits as money.CONTEXT rounds it, then to the fen:
    a quotient's columns keep only the digits that matter (back to int64 when it terminates: ÷ 2, 4, 8, 10 …) and
    give every row the Decimal's fen, zeros and repeating quotients among them."""
    x, d, r, y = (_num([row[k] for row in rows]) for k in range(4))
    got = (x.quotient(d) * r + y).fen()
    for i, (a, b, c, e) in enumerate(rows):
        q = CONTEXT.divide(a, b) if b else Decimal(0)
        want = CONTEXT.add(CONTEXT.multiply(q, c), e).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert int(got[i]) == int(want.scaleb(2)), (a, b, c, e)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), rates), min_size=1, max_size=20))
def test_ratios_compare_as_decimal_division(rows: list[tuple[int, int, Decimal]]) -> None:
    num = Num(np.array([r[0] for r in rows], dtype=np.int64), 0)
    den = Num(np.array([r[1] for r in rows], dtype=np.int64), 0)
    line = _num([r[2] for r in rows])
    ratio = num.divided_by(den)
    expected = [Decimal(n) / d if d else Decimal(0) for n, d, _ in rows]
    assert list((ratio <= line).v) == [e <= r for e, (_, _, r) in zip(expected, rows, strict=True)]
    assert list((ratio == 0).v) == [e == 0 for e in expected]


@pytest.mark.parametrize(("amount", "fen"), [("0.005", 1), ("-0.005", -1), ("0.0049999", 0), ("2.675", 268)])
def test_half_up_at_the_fen(amount: str, fen: int) -> None:
    assert int(_num([Decimal(amount)]).fen()[0]) == fen


def test_a_family_by_entity_runs_once_per_entity_and_its_rows_go_back_in_place() -> None:
    """kit.columnar(by=…): a family branching with plain Python on the entity runs on each entity's rows, with the
    entity a single value there, and its items and state go back to their rows in the block's order."""
    from xzcalc.rules.kit import columnar

    seen: list[str] = []

    @columnar(by=("entity",))
    def family(ctx: Any) -> None:
        entity = ctx.profile.entity
        assert isinstance(entity, str)
        seen.append(entity)
        item = ctx.start("ui.stable_job_refund")
        amount = ctx.profile.employment.ui_premiums_prior_year * (2 if entity == "company" else 3)
        ctx.vat_payable = amount
        ctx.emit(item.give(amount))

    entities = ["company", "individual-business", "company", "individual-business", "company"]
    profiles = [
        parse_profile({"jurisdiction": "xinzhou", "entity": e, "employment": {"ui_premiums_prior_year": f"{i}.01"}})
        for i, e in enumerate(entities)
    ]
    block = _block(profiles)
    ctx = ColumnContext(block)
    _run(family, ctx)
    assert sorted(seen) == ["company", "individual-business"]
    eligible, amount = ctx.outcomes["ui.stable_job_refund"]
    assert list(eligible) == [True] * 5
    assert [int(a) for a in amount] == [2, 303, 402, 903, 802]  # fen: 0.01×2, 1.01×3, 2.01×2, 3.01×3, 4.01×2
    assert [int(v) for v in ctx.vat_payable.fen()] == [2, 303, 402, 903, 802]


def _bare_blocks(profiles: list[Profile]) -> list[tuple[list[int], Block]]:
    """The profiles as blocks of bare profiles (what the row engine leaves when it only reads them)."""

    def key(i: int) -> tuple[str, int]:
        return profiles[i].jurisdiction, profiles[i].year

    blocks = []
    for (jurisdiction, year), members in itertools.groupby(sorted(range(len(profiles)), key=key), key):
        indexes = list(members)
        block = Block.of(jurisdiction, year, [profiles[i] for i in indexes], param_set(jurisdiction, year))
        blocks.append((indexes, block))
    return blocks


def test_bare_blocks_classify_and_judge_eligible_only_as_the_row_engine() -> None:
    """A block of profiles the row engine did not run: A2–A4 (classify.py, written for both) and the eligible-only
    benefits come out as engine.calculate gives them, on every golden case and 2,000 generated enterprises."""
    from bench.generate import enterprise

    rng = random.Random(9)
    generated = []
    for i in range(2000):
        cells = {k: v for k, v in enterprise(rng, i).items() if v and k not in ("id", "uscc")}
        try:
            generated.append(parse_profile_flat(cells))
        except Exception:
            continue
    profiles = [p for _, p, _ in _case_profiles()] + generated
    compared = 0
    for indexes, block in _bare_blocks(profiles):
        outcome = evaluate(block, [])
        for k, i in enumerate(indexes):
            result = calculate(profiles[i])
            for name in ("sme_equipment", "size_class", "manufacturing_size"):
                assert outcome.classification[name][k] == result.classification[name].value, (i, name)
            for it in result.items:
                if it.policy.certainty == "eligible_only" and it.status == "computed":
                    assert outcome.items[it.policy.id][0][k] is it.eligible, (i, it.policy.id)
                    assert outcome.items[it.policy.id][1][k] is None
                    compared += 1
    assert compared > 10_000


def test_a_reform_gives_the_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    """--params: the columns read the reformed parameter set (RowEngine.param_set) as the rows do — the CIT rate, the
    small low-profit bands, 六税两费's share, the stable-job ratio and the first-set cap all moved."""
    reform = tmp_path / "reform.toml"
    reform.write_text(
        "[cit.rate]\nvalue = 0.30\n"
        "[cit.small_low_profit.band1_inclusion]\nvalue = 0.2\n"
        "[local.six_taxes_two_fees.share]\nvalue = 0.4\n"
        "[ui.stable_job_refund.ratio_sme]\nvalue = 0.75\n"
        "[subsidy.first_set_equipment.cap]\nvalue = 500000\n",
        encoding="utf-8",
    )
    from bench.generate import enterprise

    rng = random.Random(3)
    generated = [enterprise(rng, i) for i in range(1500)]
    header = list(dict.fromkeys(k for row in generated for k in row))
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, restval="")
        writer.writeheader()
        writer.writerows(generated)
    outputs = {}
    for evaluator in ("row", "columnar"):
        target = tmp_path / f"{evaluator}.csv"
        code, out, err = run(
            "batch",
            str(source),
            "-o",
            str(target),
            "-q",
            "--jobs",
            "1",
            "--params",
            str(reform),
            "--evaluator",
            evaluator,
        )
        assert code in (0, 1), out + err
        outputs[evaluator] = target.read_bytes()
    assert outputs["row"] == outputs["columnar"]
    plain = tmp_path / "plain.csv"
    assert run("batch", str(source), "-o", str(plain), "-q", "--jobs", "1")[0] in (0, 1)
    assert plain.read_bytes() != outputs["columnar"]  # (the reform moved amounts)


def _generated_records(n: int, seed: int) -> tuple[tuple[str, ...], list[tuple[int, bytes]]]:
    """n enterprises of bench/generate.py as a batch's header and its records (line number, CSV bytes)."""
    from bench.generate import enterprise

    rng = random.Random(seed)
    rows = [enterprise(rng, i) for i in range(n)]
    header = tuple(dict.fromkeys(k for row in rows for k in row))
    records = []
    for i, r in enumerate(rows):
        line = io.StringIO()
        csv.writer(line).writerow([r.get(k, "") for k in header])
        records.append((i + 2, line.getvalue().encode("utf-8")))
    return header, records


@pytest.mark.parametrize(
    ("module", "broken_part", "fmt"),
    [
        ("columnar", "evaluate", "csv"),
        ("columnar", "whole_rows", "jsonl"),
        ("lines", "block_lines", "csv"),
        ("lines", "_amounts", "csv"),
        ("cells", "_PlainColumn", "csv"),
        ("cells", "_PlainColumn", "jsonl"),
    ],
)
def test_a_block_the_columns_cannot_compute_is_computed_row_by_row(
    monkeypatch: pytest.MonkeyPatch, module: str, broken_part: str, fmt: str
) -> None:
    """A bug in the columnar evaluator (computing the block, putting its rows together, or writing their lines)
    loses no row: the block's rows are read by the builder and computed by the row engine, each as the reference
    evaluator computes it, with the same summary."""
    import importlib

    from xzcalc.batch.worker import ChunkWriter, Job

    header, records = _generated_records(200, seed=11)
    expected, expected_summary = ChunkWriter(Job(header, fmt, evaluator="row")).process(records)

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(importlib.import_module(f"xzcalc.batch.{module}"), broken_part, broken)
    got, summary = ChunkWriter(Job(header, fmt)).process(records)
    assert got == expected
    assert summary == expected_summary
    assert summary.rows == len(records)


@pytest.mark.parametrize("mix", ["today", "bureau"])
def test_bench_mixes_same_bytes(tmp_path: Path, mix: str) -> None:
    """3,000 rows of each bench mix (bench/generate.py: today's 150 template columns with 万 and separators, and a
    bureau's 32 columns in plain yuan) give the same bytes from both evaluators."""
    import subprocess
    import sys

    source = tmp_path / f"{mix}.csv"
    root = Path(__file__).resolve().parent.parent
    generate = [sys.executable, str(root / "bench" / "generate.py"), "3000", str(source), "--mix", mix]
    subprocess.run(generate, check=True, cwd=root, capture_output=True)
    with source.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    out = same_bytes(tmp_path, header, rows)
    assert len(out) == 3000


def test_compute_many_gives_what_compute_gives_row_by_row() -> None:
    """RowEngine.compute_many (the columns, for a Python caller's partition) and RowEngine.compute (one row at a
    time): the same RowResults — bad rows included — on 1,500 generated enterprises and some broken ones."""
    from bench.generate import enterprise
    from xzcalc.batch.rows import RowEngine

    rng = random.Random(21)
    rows = [{k: v for k, v in enterprise(rng, i).items() if v} for i in range(1500)]
    rows[7]["revenue"] = "二千万"  # (a bad cell: its row's error)
    rows[11]["year"] = "2031"  # (a year without data)
    engine = RowEngine()
    one_by_one = [engine.compute(cells, line) for line, cells in enumerate(rows, 2)]
    many = engine.compute_many(rows)
    assert [r.to_json() for r in many] == [r.to_json() for r in one_by_one]
    assert many[5].error == "" and many[7].error and many[11].error


def test_some_families_on_columns_and_the_rest_by_rows_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A family not marked @columnar runs in the row engine and the marked ones over the block (RowEngine.complete
    patches the place-holding items, the totals and A1): the output equals the row evaluator's. Here only B9, B6
    (reading the VAT payable and A1 from the rows) and the subsidies are on columns."""
    import xzcalc.batch.columnar as columnar
    from xzcalc.batch.worker import ChunkWriter, Job
    from xzcalc.rules import employment, local_taxes, subsidies

    header, records = _generated_records(600, seed=17)
    expected, _ = ChunkWriter(Job(header, "csv", evaluator="row")).process(records)
    some = (employment.stable_job_refund, local_taxes.six_taxes_two_fees, *(f for _, f in subsidies.FAMILIES))
    monkeypatch.setattr(columnar, "COLUMNAR", tuple(f for _, f in FAMILIES if f in some))
    writer = ChunkWriter(Job(header, "csv"))
    assert not writer.engine.parse_only
    got, _ = writer.process(records)
    assert got == expected


def test_digits_of_large_integers() -> None:
    """columnar._digits (Num.significant's count of digits, from each integer's bits) against str(): powers of ten and
    one either side, powers of two, zero, and random integers up to 120 digits."""
    from xzcalc.batch.columnar import _digits

    rng = random.Random(3)
    values = [0, 1, 2**62, 2**63, *(10**k + e for k in range(1, 130) for e in (-1, 0, 1)), *(2**b for b in range(400))]
    values += [rng.randrange(10 ** rng.randint(1, 120)) for _ in range(5000)]
    column = np.empty(len(values), dtype=object)
    column[:] = values
    assert _digits(column).tolist() == [len(str(v)) if v else 0 for v in values]


@settings(max_examples=500, deadline=None)
@given(st.integers(-(10**60), 10**60), st.integers(-5, 20))
def test_fixed_point_is_the_decimal_exactly(coefficient: int, places: int) -> None:
    """columnar.fixed_point — (integer, scale) with value = integer / 10**scale at the Decimal's own scale — for
    coefficients past the 40 digits money.CONTEXT holds (shifted digit by digit there) and whole numbers with an
    exponent."""
    from decimal import Context

    from xzcalc.batch.columnar import fixed_point

    wide = Context(prec=200)
    number = Decimal(coefficient).scaleb(-places, wide)
    integer, scale = fixed_point(number)
    assert scale == max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    assert Decimal(integer).scaleb(-scale, wide) == number


@given(st.lists(st.one_of(st.just(0), st.integers(-(10**17), 10**17), st.integers(-199, 199)), max_size=40))
def test_amount_texts_are_the_decimals_written(fen: list[int]) -> None:
    """A column of fen written as text (batch/lines._amounts, numpy's string functions) is str() of each amount's
    Decimal in yuan with two decimals — as the row path writes it — in int64 and, past it, in an object column."""
    from xzcalc.batch.lines import _amounts

    expected = [str(Decimal(f).scaleb(-2)) for f in fen]
    assert _amounts(np.array(fen, dtype=np.int64)) == expected
    assert _amounts(np.array([f * 10**4 for f in fen], dtype=object)) == [
        str(Decimal(f * 10**4).scaleb(-2)) for f in fen
    ]


def test_amount_texts_worked_by_hand() -> None:
    from xzcalc.batch.lines import _amounts

    assert _amounts(np.array([0, 1, -1, 100, -100, 12345, -1999, 10**17], dtype=np.int64)) == [
        "0.00", "0.01", "-0.01", "1.00", "-1.00", "123.45", "-19.99", "1000000000000000.00"
    ]  # fmt: skip
