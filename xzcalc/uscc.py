"""统一社会信用代码 (GB 32100-2015) check: 18 characters, the first 8 digits, check digit mod 31.

The same checks as python-stdnum's `stdnum.cn.uscc.validate`, which the test suite uses as the oracle. It is not
imported at run time because it pulls in pydoc, ssl and pkgutil (18–50 ms), which alone would break the start-up
budget of `xzcalc calc` (≤ 2× the import of typer + rich).
"""

from __future__ import annotations

from operator import mul

__all__ = ["USCCError", "check_digit", "validate"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 表1: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class USCCError(ValueError):
    pass


def check_digit(first17: str) -> str:
    """C18 = 31 − (Σ Ci × Wi mod 31), as a character of the alphabet (31 → 0)."""
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"{len(first17)} characters, not {len(WEIGHTS)}")
    total = sum(map(mul, map(ALPHABET.index, first17), WEIGHTS))  # (a batch checks one a row: in C)
    return ALPHABET[(31 - total) % 31]


def validate(code: str) -> str:
    """The compact code (no spaces or hyphens, upper case), or USCCError saying what is wrong."""
    number = "".join(code.split()).replace("-", "").upper()
    if len(number) != 18:
        raise USCCError(f"{len(number)} characters, not 18")
    if not number[:8].isascii() or not number[:8].isdigit():
        raise USCCError("the first 8 characters must be digits")
    if number[8:].strip(ALPHABET):  # (what is left once the alphabet's characters are stripped: one outside it)
        raise USCCError("characters 9–18 must be digits or letters other than I, O, S, V, Z")
    if number[-1] != check_digit(number[:17]):
        raise USCCError(f"check digit {number[-1]} does not match {check_digit(number[:17])}")
    return number
