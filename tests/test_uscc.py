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


# the batch's column check (xzcalc/batch/cells.py): a text it passes is one the reader gives back unchanged — a valid
# code as written (18 characters, compact, upper case); every other text goes to the reader
codes = st.one_of(
    st.builds(lambda head, tail: head + tail + check_digit(head + tail), digits, rest),  # valid
    st.builds(lambda head, tail, last: head + tail + last, digits, rest, st.sampled_from(ALPHABET)),  # any C18
    st.text(alphabet=ALPHABET + "IOSVZ- abc中", max_size=20),
)


@given(st.lists(codes, max_size=30))
def test_column_check_is_the_readers(texts: list[str]) -> None:
    from xzcalc.batch.cells import _valid_codes

    passed = _valid_codes(texts)
    assert len(set(passed)) == len(passed) or len(set(texts)) < len(texts)
    for text in texts:
        as_written = oracle.is_valid(text) and oracle.compact(text) == text
        assert (text in passed) == as_written, text
        if text in passed:
            assert validate(text) == text


def test_column_check_worked_by_hand() -> None:
    from xzcalc.batch.cells import _valid_codes

    good = "91110000600037341L"
    assert _valid_codes([good, good[:-1] + "M", good.lower(), good[:-1], " " + good, "9111000060003734IL"]) == [good]
