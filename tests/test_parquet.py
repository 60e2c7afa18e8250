"""Parquet in and out (xzcalc/batch/parquet.py): the same values as the CSV, row for row, bad rows included;
amounts as decimal128 with two decimals (never float), eligibility as booleans; unusable Parquet input is one line
and exit status 2."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xzcalc.batch import neutralise, run
from xzcalc.money import MoneyError, parse_money
from xzcalc.schema.template import csv_header

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = csv_header().strip().split(",")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def rows_with_bad_ones(n: int, seed: int) -> list[dict[str, str]]:
    """Generated enterprises, with bad rows among them (each an error row in the CSV) and text a spreadsheet would
    run (which the CSV prefixes and Parquet keeps)."""
    rows: list[dict[str, str]] = list(GEN.rows(n, seed))
    rows[3]["vat.sales_3pct.2"] = "12万五"
    rows[11]["jurisdiction"] = "beijing"
    rows[17]["name"] = '=HYPERLINK("http://x","点我")'
    rows[23]["employees"] = "-5"
    rows[29]["name"] = "忻州\x01某公司"  # a control character
    rows[31]["id"] = "@SUM(1)"
    rows[37] = dict.fromkeys(rows[37], "")  # a blank record: no row, counted as blank
    rows[41]["year"] = "1999"
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def as_csv_cell(column: str, value: object) -> str:
    """A Parquet value as the CSV writes the same value."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if column in ("id", "name", "error"):
        assert isinstance(value, str)
        return neutralise(value)
    return str(value)


def test_parquet_output_has_the_csv_values_bad_rows_included(tmp_path: Path) -> None:
    rows = rows_with_bad_ones(200, seed=11)
    src = write_csv(tmp_path / "in.csv", rows)
    run(str(src), str(tmp_path / "out.csv"), jobs=1)
    report = run(str(src), str(tmp_path / "out.parquet"), jobs=2, chunk_rows=37)
    expected = read_csv(tmp_path / "out.csv")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == list(expected[0])
    got = [{c: as_csv_cell(c, v) for c, v in row.items()} for row in table.to_pylist()]
    assert got == expected
    assert report.summary.rows == 199 and report.summary.blank == 1 and report.summary.failed == 5
    errors = {r["id"]: r["error"] for r in table.to_pylist() if r["error"] is not None}
    assert errors[rows[3]["id"]].startswith('vat.sales_3pct.2: "12万五" is not valid')
    # text is kept exactly (the CSV's spreadsheet prefix is the CSV's)
    assert table.column("name")[17].as_py() == rows[17]["name"]
    assert table.column("id")[31].as_py() == "@SUM(1)"


def test_jsonl_output_has_the_csv_columns_and_values_bad_rows_included(tmp_path: Path) -> None:
    """contract.md "Added 2026-11": the JSONL keeps the CSV's column names in the CSV's order, one flat object a
    line, typed as the Parquet output types them (amounts as text with two decimals, line and year integers,
    eligibility booleans, null for an empty cell) — the same values as the CSV, column for column."""
    rows = rows_with_bad_ones(200, seed=11)
    src = write_csv(tmp_path / "in.csv", rows)
    run(str(src), str(tmp_path / "out.csv"), jobs=1)
    report = run(str(src), str(tmp_path / "out.jsonl"), jobs=2, chunk_rows=37)
    expected = read_csv(tmp_path / "out.csv")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(list(line) == list(expected[0]) for line in lines)
    assert [{c: as_csv_cell(c, v) for c, v in line.items()} for line in lines] == expected
    assert report.summary.failed == 5
    table = pq.read_table(run_parquet(src, tmp_path)).to_pylist()
    for line, row in zip(lines, table, strict=True):
        for column, value in row.items():
            got = line[column]
            if isinstance(value, Decimal):
                assert isinstance(got, str) and got == f"{value:.2f}", column
            else:
                assert got == value or (value is None and got == "" and column in ("id", "name")), column
    ok = next(line for line in lines if line["error"] is None)
    assert isinstance(ok["line"], int) and isinstance(ok["year"], int)
    assert ok["total.tax_reduction"].count(".") == 1 and len(ok["total.tax_reduction"].split(".")[1]) == 2
    assert isinstance(ok["cit.small_low_profit.eligible"], bool)
    bad = next(line for line in lines if line["error"] is not None)
    assert bad["total.tax_reduction"] is None and bad["jurisdiction"] is None and bad["year"] is None
    assert lines[17]["name"] == rows[17]["name"] and lines[31]["id"] == "@SUM(1)"  # kept exactly


def run_parquet(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / "same.parquet"
    run(str(src), str(out), jobs=1)
    return out


def test_parquet_output_types(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", rows_with_bad_ones(50, seed=3))
    run(str(src), str(tmp_path / "out.parquet"), jobs=1)
    schema = pq.read_schema(tmp_path / "out.parquet")
    for field in schema:
        assert not pa.types.is_floating(field.type), field
        if field.name.startswith("total.") or field.name.endswith(".amount"):
            assert field.type == pa.decimal128(38, 2), field
        elif field.name.endswith(".eligible"):
            assert field.type == pa.bool_(), field
    assert schema.field("error").type == pa.string()
    assert schema.field("line").type == pa.int64()
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("line").to_pylist() == sorted(table.column("line").to_pylist())
    ok = next(r for r in table.to_pylist() if r["error"] is None)
    assert isinstance(ok["total.tax_reduction"], Decimal) and ok["total.tax_reduction"].as_tuple().exponent == -2


def _typed_table(rows: list[dict[str, str]]) -> pa.Table:
    """The rows as a Parquet table whose columns have the types a data platform gives them: amounts as decimal
    where every value reads as one (else text), counts as integers, flags as booleans, blanks as null."""
    columns: dict[str, pa.Array] = {}
    for name in COLUMNS:
        cells = [r.get(name, "") for r in rows]
        values: list[Any] = [c if c else None for c in cells]
        array: pa.Array | None = None
        if name in ("employees", "year") and all(v is None or v.isdigit() for v in values):
            array = pa.array([None if v is None else int(v) for v in values], pa.int64())
        elif name in ("revenue", "total_assets", "vat.vat_payable", "local_taxes.stamp"):
            try:
                array = pa.array([None if v is None else parse_money(v) for v in values], pa.decimal128(20, 2))
            except MoneyError:
                array = None
        elif name in ("tech_sme", "high_tech") and all(v in (None, "true", "false") for v in values):
            array = pa.array([None if v is None else v == "true" for v in values], pa.bool_())
        columns[name] = array if array is not None else pa.array(values, pa.string())
    return pa.table(columns)


def test_parquet_input_reads_as_the_csv(tmp_path: Path) -> None:
    rows = rows_with_bad_ones(120, seed=5)
    src = write_csv(tmp_path / "in.csv", rows)
    run(str(src), str(tmp_path / "from-csv.csv"), jobs=1)
    table = _typed_table(rows)
    assert table.schema.field("revenue").type == pa.decimal128(20, 2)
    assert table.schema.field("employees").type == pa.string()  # (-5 is in it: a bad value stays text)
    assert table.schema.field("year").type == pa.int64()
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=50)
    run(str(tmp_path / "in.parquet"), str(tmp_path / "from-parquet.csv"), jobs=2, chunk_rows=16)
    assert (tmp_path / "from-parquet.csv").read_bytes() == (tmp_path / "from-csv.csv").read_bytes()
    # a folder of parts (as Spark or Dask write them): read in the order of their names
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(table.slice(0, 70), folder / "part-00000.parquet")
    pq.write_table(table.slice(70), folder / "part-00001.parquet")
    (folder / "_SUCCESS").write_text("")
    run(str(folder), str(tmp_path / "from-folder.csv"), jobs=1)
    assert (tmp_path / "from-folder.csv").read_bytes() == (tmp_path / "from-csv.csv").read_bytes()


def xzcalc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, cwd=ROOT)


def test_parquet_round_trip_through_the_command(tmp_path: Path) -> None:
    rows = rows_with_bad_ones(60, seed=9)
    pq.write_table(_typed_table(rows), tmp_path / "in.parquet")
    done = xzcalc("batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), "-q")
    assert done.returncode == 1, done.stderr  # some rows failed, each says why
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 59
    assert table.column("id").to_pylist() == [r["id"] for i, r in enumerate(rows) if i != 37]
    assert sum(1 for e in table.column("error").to_pylist() if e) == 5


@pytest.mark.parametrize(
    ("make", "args", "expected"),
    [
        (lambda p: pq.write_table(pa.table({"revenue": [1.5]}), p), (), "column 'revenue' of"),
        (lambda p: pq.write_table(pa.table({"revenue": ["1"]}), p), ("--encoding", "gbk"), "--encoding: 'gbk'"),
        (lambda p: pq.write_table(pa.table({"revenu": ["1"]}), p), (), "unknown column 'revenu'"),
        (lambda p: p.write_text("id,name\n"), (), "is not a readable Parquet file"),
    ],
)
def test_unusable_parquet_input_is_one_line_and_exit_2(
    tmp_path: Path, make: Any, args: tuple[str, ...], expected: str
) -> None:
    src = tmp_path / "in.parquet"
    make(src)
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "out.csv"), *args)
    assert done.returncode == 2, done.stderr
    # (a header's problems are a short list, one a line, as for a CSV header — bureau.resolve_columns)
    lines = done.stderr.strip().splitlines()
    assert expected in done.stderr and (len(lines) == 1 or "header" in lines[0]), done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_folder_without_parquet_files_is_exit_2(tmp_path: Path) -> None:
    done = xzcalc("batch", str(tmp_path), "-o", str(tmp_path / "out.csv"))
    assert done.returncode == 2 and "without .parquet files" in done.stderr, done.stderr


def test_float_amounts_are_refused_before_any_row(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["A"], "revenue": pa.array([8e7], pa.float64())}), tmp_path / "in.parquet")
    done = xzcalc("batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"))
    assert done.returncode == 2 and "never read from floating point" in done.stderr, done.stderr
    assert not (tmp_path / "out.parquet").exists()


def test_a_bureau_table_in_parquet_carries_its_columns_and_unclaimed_amounts(tmp_path: Path) -> None:
    """Parquet in with a bureau's headers (Chinese names, a 万元 unit, a county to carry, an amount already claimed),
    Parquet out: the carried column as text under its header, unclaimed.<policy> as decimal128, and the same values
    as the CSV output of the same rows. Worked by hand: T = 2,000,000 (200 万元), 50 employees, 2022 → SLPE relief
    425,000.00 (2,000,000 × 25% − [1,000,000 × 12.5% + 1,000,000 × 25%] × 20%); claimed 100,000 → unclaimed 325,000."""
    import csv
    from decimal import Decimal

    table = pa.table(
        {
            "企业名称": ["甲公司", "乙公司"],
            "从业人数": [50, 50],
            "应纳税所得额（万元）": ["200", "200"],
            "所属县": ["忻府区", "原平市"],
            "claimed.cit.small_low_profit": ["100000", "500000"],
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    args = ("--keep", "所属县", "-q")
    done = xzcalc("batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), *args)
    assert done.returncode == 0, done.stderr
    assert xzcalc("batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.csv"), *args).returncode == 0
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("所属县").to_pylist() == ["忻府区", "原平市"]
    assert out.schema.field("unclaimed.cit.small_low_profit").type == pa.decimal128(38, 2)
    assert out.column("cit.small_low_profit.amount").to_pylist() == [Decimal("425000.00")] * 2
    assert out.column("unclaimed.cit.small_low_profit").to_pylist() == [Decimal("325000.00"), Decimal("0.00")]
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        as_csv = list(csv.DictReader(f))
    assert out.column_names == list(as_csv[0])
    for name in ("所属县", "unclaimed.cit.small_low_profit", "cit.small_low_profit.amount", "total.tax_reduction"):
        assert [str(v) for v in out.column(name).to_pylist()] == [row[name] for row in as_csv], name


def test_a_pandas_timestamp_column_is_read_as_dates(tmp_path: Path) -> None:
    """pandas writes its dates as timestamp[us] (it has no date type): one at midnight is the date, as an .xlsx date
    cell is (contract.md); any other time is that row's error naming the value, the other rows computed."""
    import datetime
    import json

    table = pa.table(
        {
            "name": ["甲", "乙"],
            "established": pa.array(
                [datetime.datetime(2021, 9, 1), datetime.datetime(2021, 9, 1, 13, 5)], pa.timestamp("us")
            ),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    done = xzcalc("batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl"), "-q")
    assert done.returncode == 1, done.stderr  # (one row failed, said in its row)
    first, second = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert first["error"] is None
    assert second["error"].startswith('established: "2021-09-01T13:05:00" is not valid')
