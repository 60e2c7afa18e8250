from __future__ import annotations

from decimal import Decimal

import pytest

from xzcalc.money import MoneyError, fmt_amount, fmt_num, parse_money, parse_rate, quantize


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (2000000, "2000000"),
        ("2,000,000", "2000000"),
        ("200万", "2000000"),
        ("1.2亿", "120000000"),
        ("200万元", "2000000"),
        (" 1,234.56 ", "1234.56"),
        (Decimal("0.1"), "0.1"),
        ("12.5万", "125000"),
        ("0", "0"),
        (".5", "0.5"),
        ("5.", "5"),
        (Decimal("1E+3"), "1000"),
    ],
)
def test_money_forms(text: object, value: str) -> None:
    parsed = parse_money(text)
    assert parsed == Decimal(value) and isinstance(parsed, Decimal)
    assert "E" not in str(parsed)


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "Infinity",
        "-1",
        "1e5",
        "1,00",
        "12,34,567",
        "abc",
        "",
        1.5,
        True,
        "1万亿",
        "1e999999999",
        Decimal("NaN"),
        Decimal("1E+999999999"),
        "1" * 50,
    ],
)
def test_money_refused(text: object) -> None:
    with pytest.raises(MoneyError):
        parse_money(text)


def test_signed_money() -> None:
    assert parse_money("-500万", signed=True) == Decimal(-5000000)


@pytest.mark.parametrize(("text", "value"), [("50%", "0.5"), ("0.5", "0.5"), ("5.5%", "0.055"), (1, "1"), ("0%", "0")])
def test_rates(text: object, value: str) -> None:
    assert parse_rate(text) == Decimal(value)


@pytest.mark.parametrize("text", ["101%", "-1%", "1.01", "x%"])
def test_rates_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_rate(text)


def test_half_up_to_the_fen() -> None:
    """四舍五入: 0.005 rounds up, which banker's rounding would not."""
    assert quantize(Decimal("0.005")) == Decimal("0.01")
    assert quantize(Decimal("2.345")) == Decimal("2.35")
    assert quantize(Decimal("-2.345")) == Decimal("-2.35")
    assert fmt_amount(Decimal("425000")) == "425000.00"


def test_fmt_num() -> None:
    assert fmt_num(Decimal("2345000")) == "2,345,000"
    assert fmt_num(Decimal("750000.2500")) == "750,000.25"
    assert fmt_num(Decimal("-1234.5")) == "-1,234.5"
