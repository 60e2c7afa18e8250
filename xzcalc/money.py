"""Exact money: Decimal from text to output, never float; round once, half-up, to the fen.

Accepted forms (contract.md): ``2000000``, ``"2,000,000"``, ``"200万"``, ``"1.2亿"``, optionally followed by 元;
rates as a fraction ``0.5`` or a percent ``"50%"``. Exponent notation, NaN and Infinity are refused.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = [
    "CONTEXT",
    "FEN",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "UNITS",
    "ZERO",
    "MoneyError",
    "fmt_amount",
    "fmt_num",
    "parse_decimal",
    "parse_money",
    "parse_rate",
    "quantize",
]

ZERO = Decimal(0)
FEN = Decimal("0.01")
# Larger than any enterprise's figures (10^15 yuan = 1000万亿); refuses absurd inputs such as "1e999999999".
MAX_DIGITS = 15
MAX_AMOUNT = Decimal(10) ** MAX_DIGITS
TOO_LARGE = f", below 10^{MAX_DIGITS} (1,000万亿)"  # what an error adds when a number is past MAX_AMOUNT
# Intermediate arithmetic is exact for + − ×; divisions (B2's O × B / T) keep 40 significant digits.
CONTEXT = Context(prec=40, rounding=ROUND_HALF_UP)

# the units an amount may be written in (contract.md): 200万, 1.2亿, optionally with 元
UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(万元|亿元|万|亿|元)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?(万元|亿元|万|亿|元)?$")


class MoneyError(ValueError):
    """A value that is not a usable number; ``expected`` says what would have been."""

    def __init__(self, value: object, expected: str) -> None:
        super().__init__(expected)
        self.value = value
        self.expected = expected


def _from_text(text: str, expected: str) -> Decimal:
    """A number written as text (the forms above), exactly, within MAX_AMOUNT and at most 12 decimals."""
    s = text.strip().replace(" ", "").replace("\u3000", "").replace("，", ",")
    if "," in s:
        if not _GROUPED.match(s):
            raise MoneyError(text, expected)
        s = s.replace(",", "")
    m = _NUMBER.match(s)
    if not m:
        raise MoneyError(text, expected)
    sign, digits, unit = m.group(1), m.group(2), m.group(3)
    point = digits.find(".")
    if len(digits) > 40 or (point >= 0 and len(digits) - point - 1 > 12):  # more than 12 decimals: not an amount
        raise MoneyError(text, expected)
    value = Decimal(sign + digits)  # exact: text has no exponent, so neither has the value (nothing to normalise)
    if unit:
        value = CONTEXT.multiply(value, UNITS[unit])  # (exact: 40 digits of precision; keeps the decimals' exponent)
    if value and value.adjusted() >= MAX_DIGITS:
        raise MoneyError(text, expected + TOO_LARGE)
    return value


def parse_decimal(value: object, expected: str = "a number") -> Decimal:
    """Any number the profile may hold, exactly: int, Decimal (from TOML/JSON) or text. Never float."""
    if isinstance(value, str):
        if len(value) < 16 and value.isdigit() and value.isascii():
            # (batch: most cells are plain digits) fewer than 16 digits are below MAX_AMOUNT, and an integer is exact
            return Decimal(value)
        return _from_text(value, expected)
    if isinstance(value, bool):
        raise MoneyError(value, expected)
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = value
    else:  # float included: a float has already lost the exact value
        raise MoneyError(value, expected)
    # adjusted() is the exponent of the leading digit: |x| ≥ 10^15 ⟺ adjusted() ≥ 15, with no arithmetic that could
    # overflow the context (abs(Decimal("1E+999999999")) raises decimal.Overflow).
    if not result.is_finite():
        raise MoneyError(value, expected)
    if result and result.adjusted() >= MAX_DIGITS:
        raise MoneyError(value, expected + TOO_LARGE)
    exponent = result.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if exponent < -12:  # more than 12 decimals: not an amount anyone means
        raise MoneyError(value, expected)
    # plain digits, never exponent notation: Decimal("1E+3") becomes Decimal("1000")
    return result.quantize(Decimal(1)) if exponent > 0 else result


def parse_money(value: object, *, signed: bool = False) -> Decimal:
    expected = 'an amount in yuan (2000000, "2,000,000", "200万", "1.2亿")'
    if not signed:
        expected += " that is not negative"
    amount = parse_decimal(value, expected)
    if not signed and amount < 0:
        raise MoneyError(value, expected)
    return amount


def parse_rate(value: object, *, low: Decimal | None = ZERO, high: Decimal | None = Decimal(1)) -> Decimal:
    """A fraction (0.5) or a percent string ("50%"), within [low, high] when given."""
    bounds = ""
    if low is not None and high is not None:
        bounds = f" between {fmt_num(low)} and {fmt_num(high)} ({fmt_num(low * 100)}%–{fmt_num(high * 100)}%)"
    elif low is not None:
        bounds = f" of at least {fmt_num(low)}"
    expected = f'a fraction or a percent (0.5 or "50%"){bounds}'
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        rate = parse_decimal(value.strip()[:-1], expected) / 100
    else:
        rate = parse_decimal(value, expected)
    if (low is not None and rate < low) or (high is not None and rate > high):
        raise MoneyError(value, expected)
    return rate


def quantize(value: Decimal) -> Decimal:
    """四舍五入到分: half-up to 0.01. The one rounding an item's amount gets."""
    return value.quantize(FEN, ROUND_HALF_UP)  # (positional: a keyword costs more than the rounding)


def fmt_amount(value: Decimal) -> str:
    """An amount as the JSON carries it: exactly two decimals, no separators."""
    return f"{quantize(value):f}"


def fmt_num(value: Decimal | int) -> str:
    """A number for people: thousands separators, exact digits, no trailing zeros after the point."""
    d = value if type(value) is Decimal else Decimal(value)
    text = f"{d:,f}"  # one C-level call (rules' traces call fmt_num ~70 times a row)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
