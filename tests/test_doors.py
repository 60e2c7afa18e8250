"""Every door holds (issue 14): a malformed input gives one line naming the field, the value and what was expected,
exit 2, never a traceback. This file: the reform file (`--params`), with the reproducers of issue 14 §4."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"

REFORMS: list[tuple[str, bytes, str]] = [
    ("deep", ("a = " + "[" * 600 + "]" * 600 + "\n").encode(), "nests deeper than 16 levels"),
    ("5000 digits", b"[cit.rate]\nvalue = " + b"9" * 5000 + b"\n", "thousands of digits"),
    ("invalid UTF-8", b'[cit.rate]\nvalue = 0.3\nx = "\xff\xfe"\n', "is not UTF-8 text (byte 0xff at position 28)"),
    ("nan", b"[cit.rate]\nvalue = nan\n", "cit.rate: NaN is not valid — expected a rate between 0 and 1"),
    ("inf", b"[cit.rate]\nvalue = inf\n", "cit.rate: Infinity is not valid — expected a rate between 0 and 1"),
    ("1e999999", b"[cit.rate]\nvalue = 1e999999\n", "cit.rate: 1E+999999 is not valid"),
    ("a rate of 500%", b"[cit.rate]\nvalue = 5\n", "cit.rate: 5 is not valid — expected a rate between 0 and 1"),
    (
        "a super deduction of 250%",
        b"[cit.rd_super_deduction.rate_manufacturing]\nvalue = 2.5\n",
        "expected a ratio between 0 and 2 (0%–200%)",
    ),
    (
        "a negative cap",
        b"[subsidy.first_set_equipment.cap]\nvalue = -5\n",
        "expected an amount in yuan that is not negative",
    ),
    ("scalar values", b"[cit.rate]\nvalues = 0.3\n", "cit.rate: values = 0.3 is not valid — expected a list of"),
    ("list of scalars", b"[cit.rate]\nvalues = [0.3, 0.4]\n", "cit.rate: the window 0.3 is not valid"),
    ("window without dates", b"[cit.rate]\nvalues = [{value = 0.3}]\n", "cit.rate: a window with value is not valid"),
    (
        "reversed window",
        b"[cit.rate]\nvalues = [{from = 2022-12-31, until = 2022-01-01, value = 0.3}]\n",
        "the window from 2022-12-31 until 2022-01-01 is not valid — expected from ≤ until",
    ),
    (
        "a table's keys",
        b"[subsidy.innovation_voucher.split]\nvalue = { province = 1 }\n",
        "expected the keys city, province",
    ),
    ("a control character in a name", b'["cit\\u001b[2Jrate"]\nvalue = 0.3\n', "cit\\x1b[2Jrate: not a parameter"),
    ("a count with decimals", b"[cit.small_low_profit.employee_limit]\nvalue = 300.5\n", "expected a whole number"),
]


def xzcalc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("content", "fragment"), [r[1:] for r in REFORMS], ids=[r[0] for r in REFORMS])
def test_a_malformed_reform_file_is_one_line_and_exit_2(tmp_path: Path, content: bytes, fragment: str) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_bytes(content)
    done = xzcalc("calc", str(EXAMPLE), "--params", str(reform), "-f", "json")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("xzcalc: error: "), done.stderr
    assert fragment in lines[0]
    assert "\x1b" not in done.stderr


def test_a_reform_file_with_a_bom_is_read(tmp_path: Path) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_bytes(b"\xef\xbb\xbf[subsidy.first_set_equipment.cap]\nvalue = 500000\n")
    done = xzcalc("calc", str(EXAMPLE), "--set", "first_set.1.price=600万", "--params", str(reform), "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["difference"]["items"]["subsidy.first_set_equipment"] == "200000.00"


def test_dated_windows_that_miss_a_date_the_rules_read_are_one_line(tmp_path: Path) -> None:
    """Dated windows replace the parameter's own: a Q4-only window for the CIT rate leaves 2022-12-31 … covered, but
    a window ending in June leaves the year-end date the chain reads without a value — one line, exit 2."""
    reform = tmp_path / "reform.toml"
    reform.write_text(
        "[cit.rate]\nvalues = [{ from = 2022-01-01, until = 2022-06-30, value = 0.3 }]\n", encoding="utf-8"
    )
    done = xzcalc("calc", str(EXAMPLE), "--params", str(reform), "-f", "json")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "xzcalc: error: --params: cit.rate has no value on 2022-12-31 (reform reform.toml) — expected dated windows "
        "that cover every date the rules read (or `value = …` for all of them)"
    ]


def test_a_dated_window_changes_its_dates_only(tmp_path: Path) -> None:
    """The Q4 R&D rate raised to 120% in its own window (2022-10..12): the 300,000 spent in Q4 is deducted at 120%,
    the rest at the manufacturing rate, 100%."""
    reform = tmp_path / "reform.toml"
    reform.write_text(
        "[cit.rd_super_deduction.rate_q4_2022]\nvalues = [{ from = 2022-10-01, until = 2022-12-31, value = 1.2 }]\n",
        encoding="utf-8",
    )
    done = xzcalc("calc", str(EXAMPLE), "--params", str(reform), "-f", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["reformed"]["cit"]["rd_extra_deduction"] == "1260000.00"  # 900,000 × 100% + 300,000 × 120%
    assert data["baseline"]["cit"]["rd_extra_deduction"] == "1200000.00"
