"""Invariants over generated profiles (hypothesis): the money parser never crashes and never returns a float;
items of each kind add up to the totals; no amount is negative; the CIT chain adds up to baseline − final;
relief never raises the tax."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xzcalc.engine import calculate
from xzcalc.model import KINDS
from xzcalc.money import MoneyError, parse_money, parse_rate
from xzcalc.schema.build import parse_profile
from xzcalc.schema.profile import Profile, ProfileError

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
signed = st.decimals(min_value=-(10**8), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.decimals(), st.booleans(), st.none()))
def test_parsers_never_crash_and_never_return_float(value: object) -> None:
    for parse in (parse_money, parse_rate):
        try:
            result = parse(value)
        except MoneyError:
            continue
        assert isinstance(result, Decimal) and result.is_finite()


@given(st.decimals(min_value=-(10**14), max_value=10**14, places=4, allow_nan=False, allow_infinity=False))
def test_every_written_form_of_an_amount_reads_back_exactly(amount: Decimal) -> None:
    """contract.md's money forms — plain, grouped with commas, 万 and 亿, 元, padded — give the same exact value."""
    plain = f"{amount:f}"
    grouped = f"{amount:,f}"
    forms = [plain, grouped, f"{plain}元", f" {grouped} ", f"{amount / 10_000:f}万", f"{amount / 100_000_000:f}亿元"]
    for text in forms:
        if text.count(".") and len(text.split(".")[1].rstrip("万亿元 ")) > 12:
            continue  # beyond 12 decimals: refused, see the next test
        assert parse_money(text, signed=True) == amount, text
        assert parse_money(text, signed=True).as_tuple().exponent <= 0  # never exponent notation


@given(st.integers(13, 20))
def test_more_than_twelve_decimals_are_refused(places: int) -> None:
    with pytest.raises(MoneyError):
        parse_money("1." + "0" * (places - 1) + "1")


@given(
    st.dictionaries(
        st.sampled_from(["employees", "revenue", "income", "sector", "year", "vat"]),
        st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.lists(st.integers(), max_size=3)),
    )
)
def test_profile_parser_raises_only_profile_errors(data: dict[str, object]) -> None:
    with contextlib.suppress(ProfileError):
        assert isinstance(parse_profile(data), Profile)


equipment = st.fixed_dictionaries(
    {
        "unit_value": money,
        "years": st.sampled_from([3, 4, 5, 10]),
        "in_service": st.sampled_from(["2022-01", "2022-06", "2022-12", "2021-12"]),
    }
)
profiles = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(["xinzhou", "shanxi", "inner-mongolia"]),
        "entity": st.sampled_from(["company", "company", "individual-business"]),
        "sector": st.sampled_from(["C34", "C16", "F51", "M73", "K7010", "I65", "E48", "B06", "D44"]),
        "location": st.sampled_from(["city", "county", "other"]),
        "employees": st.integers(0, 3000),
        "total_assets": money,
        "revenue": money,
        "prior_revenue": money,
        "tech_sme": st.booleans(),
        "income": st.fixed_dictionaries({"taxable_income": signed, "rd_expense": money}),
        "equipment": st.lists(equipment, max_size=3),
        "vat": st.fixed_dictionaries(
            {
                "taxpayer": st.sampled_from(["small-scale", "general"]),
                "sales_3pct": st.lists(money, min_size=4, max_size=4),
                "sales_other": st.lists(money, min_size=4, max_size=4),
                "vat_payable": money,
            }
        ),
        "local_taxes": st.fixed_dictionaries({"property": money, "stamp": money}),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_invariants(data: dict[str, object]) -> None:
    result = calculate(parse_profile(data))
    for kind in KINDS:
        total = sum((i.amount for i in result.items if i.policy.kind == kind and i.amount is not None), Decimal(0))
        assert total == result.totals[kind]
    for item in result.items:
        assert item.amount is None or item.amount >= 0, item.policy.id
        assert item.amount is None or item.amount == item.amount.quantize(Decimal("0.01"))
        if item.components:
            assert sum(item.components.values()) == item.amount
        if not item.eligible:
            assert item.amount in (None, Decimal("0.00")) and item.reasons
        assert not isinstance(item.amount, float)
    if result.cit:
        chain = sum(
            result.item(p).amount or 0
            for p in ("cit.rd_super_deduction", "cit.equipment_deduction", "cit.small_low_profit")
        )
        assert chain == result.cit["tax_baseline"] - result.cit["tax_final"]
        assert result.cit["tax_final"] <= result.cit["tax_baseline"]
