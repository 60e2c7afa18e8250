"""The vocabulary a rule is written in, so that one definition runs on one profile and on a block of batch rows.

On a row the values are Decimals, ints, bools, strs, dates and None (a value not given); in the batch they are
columns (xzcalc/batch/columnar.py), which answer each of these functions with a method of the same name. A rule
branches on a value only through them — never with Python's `if`, `and`, `or`, `not`, `min` or `max` on a value that
can be a column. Used by the rules (rules/kit re-exports them) and the classifications (classify.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

__all__ = ["both", "either", "maximum", "minimum", "negate", "present", "ratio", "select", "value_or", "where"]

T = TypeVar("T")


def where(condition: bool, then: T, otherwise: T) -> T:
    """`then` if the condition holds, else `otherwise` (numpy's where, on one value)."""
    if condition is True or condition is False:
        return then if condition else otherwise
    return condition.where(then, otherwise)


def select(cases: Iterable[tuple[bool, T]], default: T) -> T:
    """The value of the first case that holds, else `default` (numpy's select, on one value)."""
    pending = list(cases)
    if all(c is True or c is False for c, _ in pending):
        return next((value for holds, value in pending if holds), default)
    result = default
    for holds, value in reversed(pending):
        result = where(holds, value, result)
    return result


def negate(condition: bool) -> bool:
    """not `condition` (`~` on a column; `~` on a bool would be an integer)."""
    if condition is True or condition is False:
        return not condition
    return ~condition


def either(a: bool, b: bool) -> bool:
    """`a or b`, for a row or a column."""
    return a | b


def both(a: bool, b: bool) -> bool:
    """`a and b`, for a row or a column."""
    return a & b


def present(value: Any) -> bool:
    """Whether an optional value was given (not None; a column answers row by row)."""
    if value is None:
        return False
    method = getattr(value, "present", None)
    return True if method is None else method()


def value_or(value: Any, default: Any) -> Any:
    """An optional value, or `default` where it was not given."""
    if value is None:
        return default
    method = getattr(value, "value_or", None)
    return value if method is None else method(default)


def maximum(a: Any, b: Any) -> Any:
    """max(a, b), for a row or a column."""
    if isinstance(a, Decimal | int) and isinstance(b, Decimal | int):
        return max(a, b)
    return a.maximum(b) if hasattr(a, "maximum") else b.maximum(a)


def minimum(a: Any, b: Any) -> Any:
    """min(a, b), for a row or a column."""
    if isinstance(a, Decimal | int) and isinstance(b, Decimal | int):
        return min(a, b)
    return a.minimum(b) if hasattr(a, "minimum") else b.minimum(a)


def ratio(numerator: Any, denominator: Any) -> Any:
    """numerator ÷ denominator (a Decimal to 40 digits for a row; exact for a column, compared by cross-multiplying);
    0 where the denominator is 0."""
    if isinstance(numerator, Decimal | int) and isinstance(denominator, Decimal | int):
        return Decimal(numerator) / denominator if denominator else Decimal(0)
    return numerator.divided_by(denominator) if hasattr(numerator, "divided_by") else denominator.dividing(numerator)
