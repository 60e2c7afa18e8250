"""The one profile builder (xzcalc/schema/build.py) on CSV cells — what a batch row gives: amounts in every written
form, blank cells, tables and lists by index, the one-line errors naming the column — and the promise that a cell
and the same text in a TOML profile read alike."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_batch import generated
from xzcalc.schema.build import RowReader, parse_profile, profile_from_flat
from xzcalc.schema.kinds import BLANK, Scalar
from xzcalc.schema.paths import all_paths, locate
from xzcalc.schema.profile import ProfileError


def error(row: dict[str, str]) -> str:
    with pytest.raises(ProfileError) as e:
        profile_from_flat(row)
    return str(e.value)


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("2000000", "2000000"),
        ("007", "7"),
        ("999999999999999", "999999999999999"),
        ("2,000,000", "2000000"),
        ("1，000", "1000"),
        ("200万", "2000000"),
        ("12万元", "120000"),
        ("1.2亿", "120000000"),
        (" 12 ", "12"),
        ("+5", "5"),
        ("0.5", "0.5"),
        ("１２", "12"),
    ],
)
def test_every_written_form_of_an_amount(cell: str, amount: str) -> None:
    assert profile_from_flat({"revenue": cell}).revenue == Decimal(amount)
    assert profile_from_flat({"vat.sales_3pct.3": cell}).vat.sales_3pct[2] == Decimal(amount)


def test_only_taxable_income_may_be_negative() -> None:
    assert profile_from_flat({"income.taxable_income": "-300万"}).income.taxable_income == Decimal(-3_000_000)
    assert error({"revenue": "-1"}) == (
        'revenue: "-1" is not valid — expected an amount in yuan (2000000, "2,000,000", "200万", "1.2亿") that is not '
        "negative"
    )


AMOUNT = 'an amount in yuan (2000000, "2,000,000", "200万", "1.2亿") that is not negative'
RATE = 'a fraction or a percent (0.5 or "50%")'
SECTOR = (
    "a GB/T 4754-2017 code: a section letter A–T, optionally its 2-digit division and 3/4-digit class (C, C34, K7010)"
)
USCC = "an 18-character 统一社会信用代码 with a valid check digit (GB 32100-2015)"
BAD_CELLS = [
    ("employees", "-3", 'employees: "-3" is not valid — expected a headcount that is not negative'),
    ("revenue", "1e3", f'revenue: "1e3" is not valid — expected {AMOUNT}'),
    (
        "revenue",
        "1000000000000000",
        f'revenue: "1000000000000000" is not valid — expected {AMOUNT}, below 10^15 (1,000万亿)',
    ),
    ("vat.sales_3pct.2", "12万五", f'vat.sales_3pct.2: "12万五" is not valid — expected {AMOUNT}'),
    ("equipment.2.years", "7", 'equipment.2.years: "7" is not valid — expected one of 3, 4, 5, 10'),
    ("sector", "Z9", f'sector: "Z9" is not valid — expected {SECTOR}'),
    ("sector", "C99", 'sector: "C99" is not valid — expected a division of section C (13–43) after the letter'),
    (
        "whitelist.growth_2023.3",
        "-200%",
        f'whitelist.growth_2023.3: "-200%" is not valid — expected {RATE} of at least -1',
    ),
    ("vat.input_ratio", "150%", f'vat.input_ratio: "150%" is not valid — expected {RATE} between 0 and 1 (0%–100%)'),
    (  # policies.md E8: Excel's 15 significant digits are accepted (tests/cases/b7_input_ratio_*), 16 are not
        "vat.input_ratio",
        "0.9523809523809524",
        'vat.input_ratio: "0.9523809523809524" has more than 15 significant digits — expected '
        f"{RATE} between 0 and 1 (0%–100%) at Excel's precision",
    ),
    (
        "employment.insured_months",
        "3.5",
        'employment.insured_months: "3.5" is not valid — expected a whole number that is not negative',
    ),
    (
        "year",
        "2019x",
        'year: "2019x" is not valid — expected a tax year from 2019 to 2027 (the years xzcalc has data for)',
    ),
    ("tech_sme", "maybe", 'tech_sme: "maybe" is not valid — expected true or false (also 1/0, yes/no, 是/否)'),
    (
        "employment.refund_date",
        "2022-13",
        'employment.refund_date: "2022-13" is not valid — expected a date "YYYY-MM" or "YYYY-MM-DD" '
        "(2022-06, 2022/06, 2022.06, 2022年6月, 2022年6月15日)",
    ),
    ("entity", "bank", 'entity: "bank" is not valid — expected one of company, individual-business'),
    (
        "uscc",
        "91140900MA0K0TN15X",
        f'uscc: "91140900MA0K0TN15X" is not valid — expected {USCC}; check digit X does not match N',
    ),
    (
        "income.rd_expense_q4",
        "99亿",
        'income.rd_expense_q4: "9900000000" is not valid — expected at most income.rd_expense (0): it is the part '
        "incurred in 2022-10..12",
    ),
    (
        "vat.sales_3pct.5",
        "1",
        'vat.sales_3pct.5: "1" is not valid — expected at most 4 values with vat.period = "quarter" (12 monthly '
        'values need vat.period = "month")',
    ),
    (
        "vat.sales_3pct.13",
        "1",
        'vat.sales_3pct.13: "vat.sales_3pct.13" is not valid — expected vat.sales_3pct.N with N from 1 to 12',
    ),
    (
        "equipment.0.unit_value",
        "1",
        'equipment.0.unit_value: "equipment.0.unit_value" is not valid — expected equipment.N.FIELD with N counted '
        "from 1 to 50",
    ),
    ("vat", "1", 'vat: "vat" is not valid — expected a field inside the table, e.g. vat.taxpayer'),
]


@pytest.mark.parametrize(("column", "cell", "message"), BAD_CELLS, ids=[f"{c}={v}" for c, v, _ in BAD_CELLS])
def test_a_bad_cell_is_one_line_naming_its_column(column: str, cell: str, message: str) -> None:
    row = {k: v for k, v in generated(1, seed=4)[0].items() if k != "id"}
    row[column] = cell
    assert error(row) == message


def test_an_unknown_column_names_the_known_fields() -> None:
    message = error({"nonsense": "1"})
    assert message.startswith("nonsense: not a profile field — expected a known field (name, uscc, jurisdiction,")


def test_blank_cells_keep_the_declared_defaults() -> None:
    profile = profile_from_flat(
        {
            "year": " ",
            "employment.insured_months": "",
            "vat.input_ratio": "\u3000",
            "startup_loan.lpr": "",
            "equipment.1.years": " ",
            "name": "  ",
        }
    )
    assert profile.year == 2022 and profile.employment.insured_months == 12
    assert profile.vat.input_ratio == 1 and profile.startup_loan.lpr is None
    assert profile.equipment == () and profile.name == ""


def test_table_rows_in_index_order_and_list_elements_by_index() -> None:
    profile = profile_from_flat(
        {
            "equipment.3.name": "数控机床",
            "equipment.3.years": "3",
            "equipment.1.unit_value": "600万",
            "equipment.2.name": " ",  # a row whose cells are all blank is left out
            "vat.sales_3pct.4": "1",
            "vat.sales_3pct.2": "2",
        }
    )
    assert [(e.name, e.unit_value, e.years) for e in profile.equipment] == [
        ("", Decimal(6_000_000), 10),
        ("数控机床", Decimal(0), 3),
    ]
    assert profile.vat.sales_3pct == tuple(map(Decimal, (0, 2, 0, 1, *[0] * 8)))  # 12: monthly filers


def test_text_cells_are_stripped_and_bounded() -> None:
    assert profile_from_flat({"name": "  忻州某机械制造有限公司 "}).name == "忻州某机械制造有限公司"
    assert error({"name": "x" * 201}).endswith("is not valid — expected text of at most 200 characters")


def test_choices_codes_and_flags_in_any_case() -> None:
    profile = profile_from_flat(
        {"entity": " Individual-Business", "sector": "k7010", "tech_sme": "是", "vat.taxpayer": "SMALL-SCALE"}
    )
    assert (profile.entity, profile.sector, profile.tech_sme, profile.vat.taxpayer) == (
        "individual-business",
        "K7010",
        True,
        "small-scale",
    )


def test_repeated_cells_read_alike_and_errors_are_not_remembered() -> None:
    header = ["id", "", "year", "entity", "sector", "equipment.1.years", "revenue"]
    reader = RowReader(header)
    row = ["e1", "", "2022", "company", "C34", "3", "200万"]
    first, second = reader.read(row), reader.read(row)
    assert first == second and first.revenue == Decimal(2_000_000) and first.equipment[0].years == 3
    for _ in range(2):
        with pytest.raises(ProfileError, match=r'^sector: "C99" is not valid'):
            reader.read(["e2", "", "2022", "company", "C99", "3", "1"])


def test_a_header_naming_no_field_is_refused_when_read() -> None:
    with pytest.raises(ProfileError, match=r"^vat\.sales_3pct\.13:"):
        RowReader(["id", "vat.sales_3pct.13"])


def test_rows_in_any_column_order() -> None:
    row = {k: v for k, v in generated(1, seed=5)[0].items() if k != "id"}
    items = list(row.items())
    random.Random(0).shuffle(items)
    assert profile_from_flat(dict(items)) == profile_from_flat(row)


# a cell and the same text in a TOML or JSON profile give the same value, or the same error (blank cells apart: a
# blank cell is a value not given)
TEXTS = st.one_of(
    st.sampled_from(
        [
            "0",
            "7",
            "12",
            "2022",
            "3",
            "10",
            "2,000,000",
            "200万",
            "1.2亿",
            "-5",
            "50%",
            "-20%",
            "0.5",
            "1.5",
            "是",
            "no",
            "TRUE",
            "2022-06",
            "2022-06-15",
            "2022-13",
            "C34",
            " k7010 ",
            "Z9",
            "company",
            "General",
            "city",
            "91140900MA0K0TN15N",
            "1e3",
            "１２",
            "x" * 201,
            " 12 ",
        ]
    ),
    st.text(alphabet="0123456789.,-+%万亿元 CKabc是否", min_size=1, max_size=12),
)


def outcome(read: Any, value: Any) -> Any:
    try:
        return read(value)
    except ProfileError as e:
        return f"error: {e}"


@given(st.sampled_from(all_paths(1)), TEXTS)
def test_a_cell_reads_as_the_same_text_in_a_profile(path: str, text: str) -> None:
    kind = locate(path).kind
    assert isinstance(kind, Scalar)
    cell = outcome(kind.cell_reader(path), text)
    if cell is BLANK:
        assert not text.strip()
        return
    assert cell == outcome(lambda t: kind.read(t, path), text)
    if not isinstance(cell, str) or not cell.startswith("error:"):
        parts = path.split(".")
        nested: dict[str, Any] = {}
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = text
        assert outcome(parse_profile, nested) == outcome(profile_from_flat, {path: text})


def test_a_profile_written_out_reads_back_the_same() -> None:
    """profile_to_dict → parse_profile is the identity for every bundled example and golden case: an optional field
    left "not given" (written as blank) stays not given, never 0 (the sweep and what-if re-read profiles this way)."""
    from pathlib import Path

    from xzcalc.data import load_toml
    from xzcalc.schema.profile import load_profile, profile_to_dict

    root = Path(__file__).resolve().parent.parent
    sources = [load_profile(p.read_text(encoding="utf-8")) for p in sorted((root / "data/examples").glob("*.toml"))]
    sources += [load_toml(p)["profile"] for p in sorted((root / "tests/cases").glob("*.toml"))]
    for data in sources:
        profile = parse_profile(data)
        assert parse_profile(profile_to_dict(profile)) == profile
