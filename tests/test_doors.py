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
    (
        "invalid UTF-8",
        b'[cit.rate]\nvalue = 0.3\nx = "\xff\xfe"\n',
        "is not UTF-8 or GB18030 text (byte 0xff at position 28)",
    ),
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


# ── the profile door (issue 14 §4, §5): TOML, JSON, stdin, --set ──────────────────────────────────────────────

PROFILES: list[tuple[str, str, bytes, str]] = [
    ("deep TOML", "p.toml", ("a = " + "[" * 600 + "]" * 600 + "\n").encode(), "nests deeper than 16 levels"),
    ("deep JSON", "p.json", ('{"a":' + "[" * 1100 + "]" * 1100 + "}").encode(), "nests deeper than 16 levels"),
    ("5000 digits", "p.toml", b"employees = " + b"9" * 5000 + b"\n", "has a number of thousands of digits"),
    (
        "a TOML date-time in a date field",
        "p.toml",
        b"[employment]\nrefund_date = 2022-06-15T00:00:00\n",
        "2022年6月15日), not a date and time",
    ),
    (
        "a NUL in a name",
        "p.toml",
        b'name = "\\u0000abc"\n',
        "contains U+0000 — expected text without control characters",
    ),
    ("an ESC in a name", "p.toml", b'name = "\\u001b[2J"\n', "contains U+001B"),
    ("a lone surrogate in a name", "p.json", b'{"name": "\\ud800"}', "contains U+D800"),
    ("bytes neither UTF-8 nor GB18030", "p.toml", b'name = "\xff\xfe\xfd"\n', "is not UTF-8 or GB18030 text"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), [p[1:] for p in PROFILES], ids=[p[0] for p in PROFILES])
def test_a_malformed_profile_is_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    profile = tmp_path / name
    profile.write_bytes(content)
    for args, stdin in (([str(profile)], None), (["-"], content)):
        done = subprocess.run(
            [sys.executable, "-m", "xzcalc", "calc", *args, "-f", "json"], input=stdin, capture_output=True, check=False
        )
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2, err
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("xzcalc: error: "), err
        assert fragment in lines[0]
        assert "\x1b" not in err and done.stdout == b""


def test_stdin_with_a_bom_or_in_gb18030_is_read() -> None:
    for data in (
        "\ufeffname = '忻州某公司'\nemployees = 5\n".encode(),
        "name = '忻州某公司'\nemployees = 5\n".encode("gb18030"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "xzcalc", "calc", "-", "-f", "json"], input=data, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        assert json.loads(done.stdout)["profile"]["name"] == "忻州某公司"


def test_closed_stdin_is_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, os; os.close(0); sys.stdin = None; sys.argv = ['xzcalc', 'calc', '-'];"
         "from xzcalc.cli import main; main()"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "xzcalc: error: profile: stdin is closed — expected a TOML or JSON profile on stdin"
    ]


def test_minus_zero_is_zero() -> None:
    done = xzcalc("calc", "--set", "income.taxable_income=-0", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert "-0.00" not in done.stdout and json.loads(done.stdout)["profile"]["income"]["taxable_income"] == "0"


def test_an_unknown_key_with_control_characters_is_echoed_escaped() -> None:
    done = xzcalc("calc", "--set", "na\nme\x1b[2J=1")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert "\x1b" not in line and "na\\nme\\x1b[2J" in line


def test_calc_csv_neutralises_a_formula_in_user_text() -> None:
    done = xzcalc(
        "calc", "--set", "equipment.1.name==HYPERLINK(1)", "--set", "equipment.1.unit_value=1000", "-f", "csv"
    )
    assert done.returncode == 0, done.stderr
    assert not [cell for row in done.stdout.splitlines() for cell in row.split(",") if cell.startswith("=")]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"[cit.rate]\nvalue = 0.3\nfrom = 2030-01-01\n", "cit.rate: from is not valid — expected value = …"),
        (b"[cit.rate]\nvalue = 0.3\nbogus = 1\n", "cit.rate: bogus is not valid"),
        (b"[cit.rate]\nvalue = 0.3\ndescription = 5\n", "cit.rate: description = 5 is not valid — expected text"),
        (b"[cit.rate]\nvalue = 0.3\n[cit.rate2]\n", "cit.rate2: an empty table is not valid"),
        (
            b"[cit.rate]\nvalue = 0.3\nvalues = [{from = 2022-01-01, until = 2022-12-31, value = 0.3}]\n",
            "value and values together is not valid",
        ),
    ],
    ids=["a from beside value", "a stray key", "a description that is not text", "an empty table", "both forms"],
)
def test_a_reform_key_that_would_be_ignored_is_refused(tmp_path: Path, content: bytes, fragment: str) -> None:
    reform = tmp_path / "reform.toml"
    reform.write_bytes(content)
    done = xzcalc("calc", str(EXAMPLE), "--params", str(reform), "-f", "json")
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert fragment in line


def test_batch_neutralises_full_width_and_pipe_formulas(tmp_path: Path) -> None:
    """Issue 14 §5: the batch's list of formula prefixes missed the full-width ＝ (which Excel and WPS on a Chinese
    system also read as a formula) and | (DDE)."""
    src = tmp_path / "in.csv"
    src.write_text("id,name,employees\n＝SUM(A1),|cmd,5\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    done = xzcalc("batch", str(src), "-o", str(out), "--jobs", "1", "-q")
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "'＝SUM(A1)" in text and "'|cmd" in text


def test_a_parameter_with_a_stated_range_refuses_a_reform_outside_it(tmp_path: Path) -> None:
    """Found by `make fuzz`: filing_governs_from = 0 (a month of the year) ended in a DataError traceback; its data
    states `range = [2, 12]`, which the reform door now enforces."""
    reform = tmp_path / "reform.toml"
    reform.write_text("[local.six_taxes_two_fees.filing_governs_from]\nvalue = 0\n", encoding="utf-8")
    done = xzcalc("calc", str(EXAMPLE), "--params", str(reform))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "xzcalc: error: local.six_taxes_two_fees.filing_governs_from: 0 is not valid — expected a value from 2 to 12"
    ]


def test_a_table_row_past_the_limit_is_refused_not_renumbered() -> None:
    """equipment.99999999999.unit_value became 'equipment 1' (the tester's finding): rows are counted 1 to 50."""
    done = xzcalc("calc", "--set", "equipment.99999999999.unit_value=600万")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].endswith("expected equipment.N.FIELD with N counted from 1 to 50")
    assert xzcalc("calc", "--set", "equipment.50.unit_value=600万", "-f", "json").returncode == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calc", "--bogus"], "xzcalc: error: No such option: --bogus (see xzcalc calc --help)"),
        (["calc", "--employes", "3"], "xzcalc: error: No such option: --employes (Possible options: --employees)"),
        (["calc", "-f", "xml"], "xzcalc: error: Invalid value for '--format' / '-f': 'xml' is not one of"),
        (["nosuch"], "xzcalc: error: No such command 'nosuch'. (see xzcalc --help)"),
        (["batch"], "xzcalc: error: Missing argument"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], expected: str) -> None:
    """typer's own usage errors, like every other bad input: one line naming what was wrong, exit 2."""
    done = subprocess.run([sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1, done.stderr


def test_no_output_overwrites_an_input(tmp_path: Path) -> None:
    """The bureau's list or the client's profile is never the output: -o, --summary, --html and --svg naming an input
    file (by name or through a link) are one line and exit 2, and the input is untouched."""
    import shutil

    book = tmp_path / "bx.xlsx"
    shutil.copy(ROOT / "tests" / "fixtures" / "bureau.xlsx", book)
    (tmp_path / "link.xlsx").symlink_to(book)
    profile = tmp_path / "p.toml"
    shutil.copy(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml", profile)
    before = book.read_bytes(), profile.read_bytes()
    for args in (
        ["batch", str(book), "-o", str(book), "--keep", "所属县"],
        ["batch", str(book), "-o", str(tmp_path / "link.xlsx"), "--keep", "所属县"],
        ["batch", str(book), "-o", str(tmp_path / "out.csv"), "--summary", str(book), "--keep", "所属县"],
        ["calc", str(profile), "--html", str(profile)],
        ["calc", str(profile), "--svg", str(profile)],
        ["sweep", str(profile), "--field", "employees", "--html", str(profile)],
    ):
        done = subprocess.run([sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2, (args, done.stderr)
        assert "is the input" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert (book.read_bytes(), profile.read_bytes()) == before
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["calc", "data/examples/xinzhou_manufacturer.toml"],
        ["calc", "data/examples/xinzhou_manufacturer.toml", "-f", "json"],
        ["compare", "data/examples/xinzhou_manufacturer.toml", "-f", "json"],
        ["policies"],
        ["template"],
    ],
)
def test_standard_output_that_cannot_be_written_is_one_line_exit_3(args: list[str]) -> None:
    """contract.md: 3 when the output cannot be written — a full disk (/dev/full), standard output closed at start,
    a pipe closed by its reader — one line on stderr, never a traceback (rich and click alone exit 1 in silence)."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "xzcalc", *args], stdout=full, stderr=subprocess.PIPE, cwd=ROOT)
    assert done.returncode == 3, done.stderr
    assert done.stderr.decode().startswith("xzcalc: error: standard output cannot be written (")
    assert done.stderr.count(b"\n") == 1, done.stderr
    closed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.close(1); sys.argv = ['xzcalc', *sys.argv[1:]]; "
            "runpy.run_module('xzcalc', run_name='__main__')",
            *args,
        ],
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert closed.returncode == 3, closed.stderr
    assert closed.stderr.count(b"\n") == 1 and b"Traceback" not in closed.stderr, closed.stderr


def test_a_pipe_closed_by_its_reader_is_exit_3() -> None:
    """A pipe whose reader has gone (`xzcalc … | head` after head exits): the write fails — exit 3, one line — for
    the rich table and for JSON alike."""
    import os

    for args in (["policies"], ["calc", "data/examples/xinzhou_manufacturer.toml", "-f", "json"]):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "xzcalc", *args], stdout=write_end, stderr=subprocess.PIPE, cwd=ROOT
            )
        finally:
            os.close(write_end)
        assert done.returncode == 3, (args, done.stderr)
        assert done.stderr.decode() == "xzcalc: error: standard output cannot be written (Broken pipe)\n"


def test_an_empty_profile_is_no_enterprise(tmp_path: Path) -> None:
    """`calc - < /dev/null` or an empty file: one line and exit 2 (contract.md: calc with no input does not compute a
    default enterprise); a profile of comments only is a profile (every field its default)."""
    empty = tmp_path / "empty.toml"
    empty.write_bytes(b"\n  \n")
    for args, stdin in ((["calc", "-"], b""), (["calc", str(empty)], b"")):
        done = subprocess.run([sys.executable, "-m", "xzcalc", *args], input=stdin, capture_output=True, cwd=ROOT)
        assert done.returncode == 2 and done.stdout == b""
        assert b"is empty" in done.stderr and done.stderr.count(b"\n") == 1, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "calc", "-", "-f", "json"], input=b"# x\n", capture_output=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("assignment", "near"),
    [
        ("employes=3", "employees"),
        ("income.taxable_incom=3", "income.taxable_income"),
        ("taxable_income=3", "income.taxable_income"),
    ],
)
def test_set_with_a_misspelt_key_says_did_you_mean(assignment: str, near: str) -> None:
    """--set names the closest field as a profile or a CSV header does (the tester's finding 9)."""
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "calc", "--set", assignment], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2 and f"(did you mean {near}?)" in done.stderr and done.stderr.count("\n") == 1
