"""xzcalc.uscc against python-stdnum's stdnum.cn.uscc as the oracle (GB 32100-2015)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as oracle

from xzcalc.uscc import ALPHABET, USCCError, check_digit, validate

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
rest = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


@given(digits, rest)
def test_check_digit_matches_stdnum(head: str, tail: str) -> None:
    first17 = head + tail
    assert check_digit(first17) == oracle.calc_check_digit(first17 + "0")


@given(st.text(alphabet=ALPHABET + "IOSVZ- abc", max_size=22))
def test_validity_matches_stdnum(code: str) -> None:
    try:
        validate(code)
        ours = True
    except USCCError:
        ours = False
    assert ours == oracle.is_valid(code)


def test_known_code() -> None:
    assert validate("91110000600037341L") == "91110000600037341L"
