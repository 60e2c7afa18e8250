"""A chunk's cells read as columns (xzcalc/batch/cells.py) against the one builder (schema/build.py).

- which rows the columns leave to the builder (slow), row by row, worked out by hand below: a cell its reader refuses,
  each check across fields the builder makes (both sides of it), a table given with a gap, a year not supported;
- every field of every other row holds what the builder's Profile holds (the columns turned back into values);
- `xzcalc batch` writes the same bytes with `--evaluator row` and `--evaluator columnar` on these rows, and on a
  generated file of every field of the template header.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_columnar import same_bytes

from xzcalc.batch.cells import CellColumns
from xzcalc.batch.columnar import Absent, Cat, Day, Fields, Mask, Num, Seq
from xzcalc.schema.build import cell_column, profile_from_flat
from xzcalc.schema.kinds import BLANK
from xzcalc.schema.paths import all_paths, locate

HEADER = [
    "id",
    "name",
    "uscc",
    "jurisdiction",
    "year",
    "entity",
    "sector",
    "employees",
    "total_assets",
    "revenue",
    "established",
    "income.taxable_income",
    "income.taxable_income_reported",
    "income.losses_offset",
    "income.rd_expense",
    "income.rd_expense_q4",
    "vat.taxpayer",
    "vat.period",
    "vat.sales_3pct.1",
    "vat.sales_3pct.5",
    "equipment.1.unit_value",
    "equipment.1.in_service",
    "equipment.2.unit_value",
    "equipment.2.in_service",
    "history.small_low_profit.2020",
    "history.small_low_profit.2021",
    "employment.insured_start",
    "local_taxes.first_half_share",
]
PLAIN = dict.fromkeys(HEADER, "") | {
    "id": "P",
    "name": "plain",
    "sector": "C34",
    "employees": "50",
    "total_assets": "8000000",
    "revenue": "12000000",
    "income.taxable_income": "900000",
    "income.rd_expense": "400000",
    "vat.taxpayer": "general",
}

# (the cells that differ from PLAIN, whether the row is slow, why)
ROWS: list[tuple[dict[str, str], bool, str]] = [
    ({}, False, "plain"),
    ({"income.rd_expense_q4": "400000.01"}, True, "q4 above the year's R&D expense: the builder refuses it"),
    ({"income.rd_expense_q4": "400000"}, False, "q4 equal to the year's: allowed"),
    ({"income.taxable_income_reported": "5"}, True, "both incomes: refused"),
    ({"income.taxable_income": "0", "income.taxable_income_reported": "5"}, False, "the filed figure alone"),
    ({"income.taxable_income": "", "income.taxable_income_reported": "0"}, False, "a filed 0 alone"),
    ({"income.losses_offset": "1"}, True, "losses offset with taxable_income: refused"),
    (
        {"income.taxable_income": "", "income.taxable_income_reported": "9", "income.losses_offset": "1"},
        False,
        "losses offset with the filed figure",
    ),
    ({"established": "2021-09-01", "history.small_low_profit.2020": "true"}, True, "a filing before it existed"),
    ({"established": "2019-01-01", "history.small_low_profit.2021": "true"}, True, "both given: the builder judges"),
    ({"history.small_low_profit.2021": "false"}, False, "history alone"),
    ({"vat.sales_3pct.5": "1"}, True, "a fifth entry of a quarterly list: refused"),
    ({"vat.period": "month", "vat.sales_3pct.5": "1"}, False, "a fifth month"),
    ({"vat.sales_3pct.5": "0"}, False, "a fifth entry of 0"),
    ({"equipment.2.unit_value": "1000"}, True, "machine 2 without machine 1: the builder closes the gap"),
    ({"equipment.1.unit_value": "1000", "equipment.2.in_service": "2022-06"}, False, "machines 1 and 2"),
    ({"equipment.1.in_service": " "}, False, "a blank machine is no machine"),
    ({"total_assets": "abc"}, True, "a cell its reader refuses"),
    ({"total_assets": "1.5万", "revenue": "1,200,000.5"}, False, "万 and separators, read by the reader"),
    ({"revenue": " 12 "}, False, "spaces around digits"),
    ({"income.taxable_income": "-0"}, False, "minus zero"),
    ({"employment.insured_start": "12", "local_taxes.first_half_share": "40%"}, False, "optional fields given"),
    ({"uscc": "91140900MA0K00000X"}, True, "a USCC whose check digit is wrong"),
    ({"year": "2031"}, True, "a year the schema does not know"),
    ({"jurisdiction": "shanxi", "year": "2019", "entity": "individual-business"}, False, "another block"),
]


def _rows() -> list[list[str]]:
    return [[{**PLAIN, **cells, "id": f"R{k}"}[c] for c in HEADER] for k, (cells, _, _) in enumerate(ROWS)]


def test_the_rows_the_columns_leave_to_the_builder() -> None:
    read = CellColumns(HEADER).read(_rows())
    expected = [(why, slow) for _, slow, why in ROWS]
    assert list(zip([why for why, _ in expected], read.slow, strict=True)) == expected


def _values(column: Any, n: int) -> list[Any]:
    """A column as each row's value (None where not given)."""
    if isinstance(column, Absent):
        return [None] * n
    if isinstance(column, Num):
        return [
            Decimal(int(v)).scaleb(-column.scale) if g else None
            for v, g in zip(column.v.tolist(), column.given.tolist(), strict=True)
        ]
    if isinstance(column, Mask):
        return [bool(v) for v in column.v.tolist()]
    if isinstance(column, Day):
        return [d if g else None for d, g in zip(column.dates(), column.given.tolist(), strict=True)]
    if isinstance(column, Cat):
        return list(column.v.tolist())
    raise TypeError(type(column).__name__)


def _column_at(fields: Fields, path: str) -> tuple[Any, int | None]:
    """The column a dotted path reads, and the 0-based table row it is in (None outside tables)."""
    parts = path.split(".")
    node: Any = fields
    row = None
    k = 0
    while k < len(parts):
        node = getattr(node, parts[k])
        if isinstance(node, Seq) and k + 1 < len(parts) and parts[k + 1].isdigit():
            index = int(parts[k + 1]) - 1
            if index >= len(node):
                return None, index  # (a table row no row gives)
            node = node[index]
            row = index if k + 2 < len(parts) else row
            k += 1
        k += 1
    return node, row


def _profile_value(profile: Any, path: str) -> Any:
    node = profile
    parts = path.split(".")
    for k, part in enumerate(parts):
        if part.isdigit():
            index = int(part) - 1
            if isinstance(node, tuple) and index >= len(node):
                return None
            node = node[index]
        elif hasattr(node, "get") and k and parts[k - 1] == "small_low_profit":
            node = node.get(int(part))
        else:
            node = getattr(node, part)
            if part == "small_low_profit" and k + 1 < len(parts):
                node = node.get(int(parts[k + 1]))
                break
    return node


def _same_as_builder(header: list[str], rows: list[list[str]]) -> int:
    """Every field of every row the columns read (not slow) holds the builder's value; the number of such rows."""
    read = CellColumns(header).read(rows)
    fast = [k for k, slow in enumerate(read.slow) if not slow]
    profiles = {
        k: profile_from_flat({p: c for p, c in zip(header, rows[k], strict=True) if c and p != "id"}) for k in fast
    }
    for path in header:
        if path == "id" or path.startswith("history."):
            continue
        column, _ = _column_at(read.fields, path)
        values = [None] * len(rows) if column is None else _values(column, len(rows))
        for k in fast:
            expected = _profile_value(profiles[k], path)
            assert values[k] == expected, (path, k, rows[k], values[k], expected)
            assert type(values[k]) is type(expected) or isinstance(expected, int | Decimal), (path, k)
    history = read.fields.history.small_low_profit
    for k in fast:
        assert dict(history.v[k].items()) == dict(profiles[k].history.small_low_profit.items()), k
    assert [read.names[k] for k in fast] == [profiles[k].name for k in fast]
    assert [read.years[k] for k in fast] == [profiles[k].year for k in fast]
    assert [read.jurisdictions[k] for k in fast] == [profiles[k].jurisdiction for k in fast]
    return len(fast)


def test_every_field_of_a_row_read_as_columns_is_the_builders() -> None:
    assert _same_as_builder(HEADER, _rows()) == sum(not slow for _, slow, _ in ROWS)


def test_the_edge_rows_give_the_same_bytes_from_both_evaluators(tmp_path: Path) -> None:
    out = same_bytes(tmp_path, HEADER, _rows())
    errors = [bool(r["error"]) for r in out]
    # the builder refuses these (the others compute, slow or not)
    refused = {
        "q4 above",
        "both incomes",
        "losses offset with taxable",
        "a filing before",
        "a fifth entry of a q",
        "a cell its reader",
        "a USCC",
        "a year the schema",
    }
    assert errors == [any(why.startswith(r) for r in refused) for _, _, why in ROWS]


def _generated(n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """Rows over every column of the template header: most cells blank, the rest a plausible or an odd value of
    the column's kind (amounts in plain digits, with decimals, 万, separators; dates; flags; choices)."""
    header = ["id", *all_paths()]
    rng = random.Random(seed)
    amounts = ["0", "1", "0.01", "12.5", "999999999999999.99", "1,234,567.89", "3万", "0.5亿", "100000", "7"]
    choices = {
        "jurisdiction": ["xinzhou", "shanxi", "inner-mongolia"],
        "year": ["2019", "2021", "2022", "2023", "2027"],
        "entity": ["company", "individual-business"],
        "sector": ["C34", "C", "F52", "I65", "A01"],
        "location": ["city", "county", "other"],
        "vat.taxpayer": ["small-scale", "general"],
        "vat.period": ["quarter", "month"],
    }
    rows = []
    for i in range(n):
        row = []
        for path in header:
            last = path.rsplit(".", 1)[-1]
            if path == "id":
                row.append(f"G{i}")
            elif rng.random() < 0.7:
                row.append("")
            elif path in choices:
                row.append(rng.choice(choices[path]))
            elif path == "name" or last == "name":
                row.append(rng.choice(["甲公司", "machine", " x "]))
            elif path == "uscc":
                row.append("")
            elif last in ("established", "in_service", "purchased", "refund_date", "contract_date"):
                row.append(rng.choice(["2022-06", "2022-06-30", "2021-01-01", "2023-03"]))
            elif path.startswith("history.") or last in (
                "tech_sme",
                "high_tech",
                "western_encouraged",
                "ic_or_machine_tool",
                "restricted_industry",
                "refund_conditions_met",
                "member",
            ):
                row.append(rng.choice(["true", "false"]))
            elif last in ("years",):
                row.append(rng.choice(["3", "10"]))
            elif "rate" in last or "ratio" in last or "share" in last or last == "lpr":
                row.append(rng.choice(["0.5", "5%", "0", "1"]))
            elif path.startswith("whitelist.growth"):
                row.append(rng.choice(["-5%", "0.1", "12%"]))
            elif last in ("employees", "insured_employees", "insured_start", "insured_end", "months", "insured_months"):
                row.append(rng.choice(["0", "12", "300"]))
            else:
                row.append(rng.choice(amounts))
        cells = dict(zip(header, row, strict=True))
        if rng.random() < 0.9:  # (most rows keep to the checks across fields; the rest test them)
            for path in header:
                element = path.rsplit(".", 1)[-1]
                if path.startswith("vat.sales") and int(element) > 4 and cells["vat.period"] != "month":
                    cells[path] = ""
            if cells["income.taxable_income"]:
                cells["income.taxable_income_reported"] = cells["income.losses_offset"] = ""
            cells["income.rd_expense_q4"] = ""
            if rng.random() < 0.5:
                cells["established"] = ""
        rows.append([cells[path] for path in header])
    return header, rows


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_rows_of_every_column_read_as_the_builder_reads_them(seed: int) -> None:
    header, rows = _generated(400, seed)
    assert _same_as_builder(header, rows) > 40  # (most rows are refused somewhere; enough are read as columns)


def test_generated_rows_of_every_column_give_the_same_bytes(tmp_path: Path) -> None:
    header, rows = _generated(600, 3)
    same_bytes(tmp_path, header, rows)


def test_a_header_naming_a_path_twice_is_read_row_by_row() -> None:
    assert not CellColumns(["id", "revenue", "revenue"]).usable
    assert CellColumns(["id", "revenue", "", "name"]).usable


def test_dates_are_dates() -> None:  # (the columns' days turned back: a guard on _values itself)
    read = CellColumns(["established"]).read([["2022-06-30"], [""]])
    assert _values(read.fields.established, 2) == [date(2022, 6, 30), None]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_rows_written_column_by_column_are_the_rows_and_summary_of_the_row_path(fmt: str) -> None:
    """A chunk of the bench's enterprises (some refused, most not): the columnar evaluator's text and summary —
    counted block by block (batch/lines.py) for a CSV — are the row evaluator's, field for field."""
    from test_columnar import _generated_records

    from xzcalc.batch.worker import ChunkWriter, Job

    header, records = _generated_records(1500, seed=5)
    for k in (7, 700):  # (error rows among them)
        cells = next(csv.reader([records[k][1].decode()]))
        cells[header.index("entity")] = "corporation"
        line = io.StringIO()
        csv.writer(line).writerow(cells)
        records[k] = (records[k][0], line.getvalue().encode())
    expected, expected_summary = ChunkWriter(Job(header, fmt, evaluator="row")).process(records)
    got, summary = ChunkWriter(Job(header, fmt)).process(records)
    assert got == expected
    assert summary == expected_summary
    assert summary.failed == 2 and summary.rows == len(records)


def test_a_bureau_header_converted_column_by_column_gives_the_same_bytes(tmp_path: Path) -> None:
    """Chinese column names, names of places and sectors, units in the header (资产总额（万元）) and 年度 suffixes are
    converted text by text with the columns; a cell that does not convert makes its row the builder's, whose error
    names every bad cell at once, as the row path does."""
    header = ["序号", "企业名称", "地区", "所属年度", "主体类型", "行业", "从业人数", "资产总额（万元）", "营业收入"]
    rows = [
        ["1", "甲", "忻州市", "2022年", "公司", "通用设备制造业", "50", "3000", "12000000"],
        ["2", "乙", "北京", "2022", "公司", "制造业", "abc", "12万五", "1"],  # three bad cells
        ["3", "丙", "内蒙古自治区", "2023年度", "个体工商户", "餐饮业", "3", "", "800000.5"],
        ["4", "丁", "山西", "2022", "企业", "批发业", "", "0.5", ""],
        ["5", "戊", "山西", "2031年", "公司", "C34", "10", "1", "1"],  # a year the schema does not know
    ]
    out = same_bytes(tmp_path, header, rows)
    assert [bool(r["error"]) for r in out] == [False, True, False, False, True]
    assert out[1]["error"].count("is not valid") == 3
    assert [r["jurisdiction"] for r in out] == ["xinzhou", "", "inner-mongolia", "shanxi", ""]


def test_a_chunk_split_at_once_or_record_by_record_gives_the_same_rows() -> None:
    """The chunk's records are split by one csv.reader (ChunkWriter._split) unless one of them would not split alone:
    a record with a stray quote, one that is not UTF-8 or GB18030, a blank one — then each is read by itself. Either
    way every row is what that record alone gives."""
    from test_columnar import _generated_records

    from xzcalc.batch.worker import ChunkWriter, Job

    header, records = _generated_records(60, seed=9)
    odd = {
        5: b'X5,"unclosed name\n',  # (its quote is never closed: records.py would flag it; here csv refuses it)
        9: b'X9,"a" b,xinzhou\n',  # a closing quote followed by more text
        13: b",,,\n",  # blank
        17: "X17,名称".encode("gb18030") + b",xinzhou\n",  # GB18030
        21: b"X21,\xff\xfe,xinzhou\n",  # neither encoding
    }
    plain = ChunkWriter(Job(header, "csv"))
    whole, _ = plain.process(records)
    assert plain._split(records) is not None
    for k, data in odd.items():
        records[k] = (records[k][0], data)
    writer = ChunkWriter(Job(header, "csv"))
    assert writer._split(records) is None
    together, summary = writer.process(records)
    alone = "".join(ChunkWriter(Job(header, "csv")).process([record])[0] for record in records)
    assert together == alone
    assert summary.blank == 1 and summary.failed == 4
    assert whole != together


def test_a_wide_header_takes_fewer_rows_a_chunk() -> None:
    """A worker holds a chunk's cells as columns: the rows of a chunk are capped by its cells (driver.CHUNK_CELLS), so
    the widest template header (479 columns) stays within a process's memory, and today's 150 columns keep most of the
    rows the columns need to spread their per-operation cost."""
    from xzcalc.batch.driver import CHUNK_CELLS, CHUNK_ROWS, rows_a_chunk

    assert rows_a_chunk(CHUNK_ROWS, 32) == CHUNK_ROWS
    assert rows_a_chunk(CHUNK_ROWS, 150) == CHUNK_CELLS // 150 < CHUNK_ROWS
    assert rows_a_chunk(CHUNK_ROWS, len(["id", *all_paths(50)])) == CHUNK_CELLS // 479
    assert rows_a_chunk(10, 479) == 10 and rows_a_chunk(CHUNK_ROWS, 10**7) == 1


def test_a_chunk_leaves_no_reference_cycle() -> None:
    """Computing a chunk (its cells read as columns, the families, the lines) leaves no garbage only the cyclic
    collector would free: a cycle through the columns kept each chunk's cells alive until the collector's next full
    run, and a worker's memory grew by tens of MB."""
    import gc

    from test_columnar import _generated_records

    from xzcalc.batch.worker import ChunkWriter, Job

    header, records = _generated_records(300, seed=3)
    for fmt in ("csv", "jsonl"):
        writer = ChunkWriter(Job(header, fmt))
        writer.process(records)  # (what is loaded once)
        gc.collect()
        gc.disable()
        try:
            writer.process(records)
            assert gc.collect() == 0, fmt
        finally:
            gc.enable()


def test_a_csv_chunk_written_at_once_or_row_by_row_gives_the_same_rows() -> None:
    """A CSV chunk goes from its split records straight to the columns and back to lines (ChunkWriter._lines_chunk)
    unless a record is one `result` makes an error row of — more cells than the header, a control character, text
    under a blank-named column —: then the chunk goes record by record. Either way: the same lines, blank
    records counted and not written, and the rows the columns leave (an unknown entity) in their places."""
    from test_columnar import _generated_records

    from xzcalc.batch.worker import ChunkWriter, Job

    header, records = _generated_records(80, seed=13)
    records[3] = (records[3][0], b",,,\n")  # blank
    cells = next(csv.reader([records[40][1].decode()]))
    cells[header.index("entity")] = "corporation"  # the builder's error row
    line = io.StringIO()
    csv.writer(line).writerow(cells)
    records[40] = (records[40][0], line.getvalue().encode())
    expected, expected_summary = ChunkWriter(Job(header, "csv", evaluator="row")).process(records)
    calls: list[bool] = []
    writer = ChunkWriter(Job(header, "csv"))
    lines_chunk = writer._lines_chunk
    writer._lines_chunk = lambda *a: calls.append((written := lines_chunk(*a)) is not None) or written  # type: ignore[method-assign]
    got, summary = writer.process(records)
    assert (got, summary) == (expected, expected_summary) and calls == [True]
    assert summary.blank == 1 and summary.failed == 1 and got.count("\n") == len(records) - 1
    for odd in (b"X,1" + b",2" * len(header) + b"\n", b"X\x01Y" + b"," * (len(header) - 1) + b"\n"):
        changed = [*records[:9], (records[9][0], odd), *records[10:]]
        expected, expected_summary = ChunkWriter(Job(header, "csv", evaluator="row")).process(changed)
        calls.clear()
        assert writer.process(changed) == (expected, expected_summary) and calls == [False]
    # a spreadsheet's empty column with no name: at once while it is empty, record by record when a cell holds text
    widened = [(number, data.rstrip(b"\r\n") + b",\r\n") for number, data in records]
    blank_named = ChunkWriter(Job((*header, ""), "csv"))
    at_once = blank_named._lines_chunk
    blank_named._lines_chunk = lambda *a: calls.append((written := at_once(*a)) is not None) or written  # type: ignore[method-assign]
    for stray in (b"", b"stray"):
        widened[5] = (widened[5][0], widened[5][1].rstrip(b"\r\n") + stray + b"\r\n")
        expected, expected_summary = ChunkWriter(Job((*header, ""), "csv", evaluator="row")).process(widened)
        calls.clear()
        assert blank_named.process(widened) == (expected, expected_summary) and calls == [not stray]
    assert "has no name in the header but holds" in expected and expected_summary.failed == 2  # (and row 40)


def test_the_last_chunks_shrink_so_the_workers_end_together() -> None:
    """For workers reading a file of known size the chunks keep `rows` until the rows left would give each worker
    fewer than TAIL_SHARE chunks; from there each holds at most 1/(TAIL_SHARE × jobs) of the rows left, down to
    `rows` // CHUNK_ROWS_LEAST. One worker (or an input of unknown size: a pipe) gets even chunks. Every record is
    in one chunk, in order."""
    import io as _io

    from xzcalc.batch.driver import CHUNK_ROWS_LEAST, TAIL_SHARE, _chunks
    from xzcalc.batch.io import AUTO, Source

    records = [(k + 2, b"x" * 99 + b"\n") for k in range(20_000)]  # (100 bytes a record)

    def sizes(jobs: int, size: int | None) -> list[int]:
        source = Source(_io.BytesIO(b""), b"", "utf-8", AUTO, size)
        chunks = [chunk for chunk, _ in _chunks(records, 1000, source, jobs)]
        assert [r for chunk in chunks for r in chunk] == records
        return [len(chunk) for chunk in chunks]

    assert sizes(1, 2_000_000) == sizes(2, None) == [1000] * 20
    shrinking = sizes(2, 2_000_000)
    # 1000 a chunk while the rows left (20,000 − given) allow it: left // (TAIL_SHARE × 2) ≥ 1000 until 4,000 are left
    assert shrinking[:16] == [1000] * 16 and TAIL_SHARE == 2
    assert shrinking[16:19] == [1000, 750, 562]  # 4,000 // 4; 3,000 // 4; 2,250 // 4
    assert all(a >= b for a, b in itertools.pairwise(shrinking[16:]))
    assert min(shrinking[:-1]) == 1000 // CHUNK_ROWS_LEAST >= shrinking[-1] and sum(shrinking) == 20_000


plain_texts = st.one_of(
    st.just(""),
    st.from_regex(r"[0-9]{1,16}(\.[0-9]{1,13})?", fullmatch=True),
    st.text(alphabet="0123456789.\n", max_size=20),
    st.sampled_from(["5.", ".5", "1.2.3", "１２", " 12", "1,000", "12万", "-3"]),
)


@settings(max_examples=300)
@given(st.lists(plain_texts, min_size=1, max_size=30))
def test_a_column_read_at_once_is_each_text_read_by_itself(texts: list[str]) -> None:
    """_PlainColumn.of reads a column of amounts at once, or says it cannot (None: each text is read by itself);
    when it reads one, each cell's value is the one `_texts_read` gives it (the builder's reader's, as a Point) —
    and a text that reader reads otherwise or refuses (a point with no digit on a side, two points, 16 digits
    before the point, 13 after it, any other character) makes it say it cannot."""
    from xzcalc.batch.cells import _Cell, _PlainColumn, _Texts

    path = "revenue"
    cell = _Cell(0, locate(path), cell_column(path).read)
    cells = tuple(texts)
    plain = _PlainColumn.of(cells)
    by_text = _Texts(("",), cell)._texts_read(set(cells))[0]  # (each text by itself, the reader's where needed)
    readable = all(type(by_text.get(t)) in (int, tuple) or by_text.get(t) is BLANK for t in cells)
    plain_form = all(t == "" or re.fullmatch(r"[0-9]{1,15}(\.[0-9]{1,12})?", t) for t in cells)
    if plain is None:  # (always allowed: each text is then read by itself)
        return
    assert readable and plain_form
    for k, t in enumerate(cells):
        value = by_text[t]
        integer, scale = (0, 0) if value is BLANK else (value, 0) if type(value) is int else value
        exact = Decimal(integer).scaleb(-scale)
        assert Decimal(int(plain.ints[k])).scaleb(-plain.scale) == exact, t
        assert bool(plain.given[k]) == (t != "")
    assert plain.scale == max((len(t.partition(".")[2]) for t in cells), default=0)


def test_a_column_read_at_once_worked_by_hand() -> None:
    from xzcalc.batch.cells import _PlainColumn

    plain = _PlainColumn.of(("817497.29", "", "12", "0.5", "000123.100"))
    assert plain is not None and plain.scale == 3
    assert plain.ints.tolist() == [817497290, 0, 12000, 500, 123100]
    assert plain.given.tolist() == [True, False, True, True, True]
    for odd in ("5.", ".5", "1.2.3", "1234567890123456", "1.1234567890123", " 1", "1,000", "１"):
        assert _PlainColumn.of(("1", odd)) is None, odd
    for broken in (("1\n2", "", "1234.5"), ("1234.5\n", "1"), ("1", "\n")):  # (a line break in a quoted cell)
        assert _PlainColumn.of(broken) is None, broken
    assert _PlainColumn.of(("123456789012345.123",)) is not None  # (18 digits fit int64)
    assert _PlainColumn.of(("123456789012345.1234",)) is None  # (19 might not: text by text)


amount_texts = st.one_of(
    st.from_regex(r"-?[0-9]{1,3}(,[0-9]{3}){1,5}(\.[0-9]{0,13})?(万|亿|万元|元)?", fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{1,17}(\.[0-9]{0,13})?(万|亿|元)?", fullmatch=True),
    st.sampled_from(["-0", "-0.00万", "0万", "1,23", "12,345,", " 1,000", "1，000", "1.5 万", "100000000000万"]),
)


@settings(max_examples=400)
@given(st.lists(amount_texts, min_size=1, max_size=12))
def test_amount_texts_read_as_the_builders_reader_reads_them(texts: list[str]) -> None:
    """Each distinct text of an amount's column — plain, grouped, with 万 or 亿, signed — reads as what the builder's
    reader gives (its Decimal as (integer, scale)), or is refused where the reader refuses it: for an amount that may
    not be negative (revenue), one that may (taxable income), and a headcount."""
    from xzcalc.batch.cells import _Cell, _Texts
    from xzcalc.batch.columnar import fixed_point

    for path in ("revenue", "income.taxable_income", "employees"):
        reader = cell_column(path).read
        read, refused = _Texts(("",), _Cell(0, locate(path), reader))._texts_read(set(texts))
        for text in texts:
            try:
                expected: Any = reader(text)
            except Exception:
                assert text in refused, (path, text)
                continue
            got = read[text]
            if expected is BLANK:
                assert got is BLANK
                continue
            integer, scale = (got, 0) if type(got) is int else got
            assert (integer, scale) == fixed_point(expected), (path, text)
            assert Decimal(integer).scaleb(-scale) == expected, (path, text)


def test_rows_written_one_by_one_take_smaller_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk whose rows are written one by one (JSON lines, .xlsx, Parquet, carried or claimed columns, the row
    evaluator) holds every row's result until it is written, so it takes CHUNK_ROWS_BY_ROW rows; a CSV written
    column by column takes CHUNK_ROWS (the memory of each measured in driver.py)."""
    from test_columnar import _generated_records

    from xzcalc.batch import driver
    from xzcalc.batch.worker import ChunkWriter

    header, records = _generated_records(30, seed=2)
    src = tmp_path / "in.csv"
    src.write_bytes((",".join(header) + "\n").encode() + b"".join(data for _, data in records))
    sizes: list[int] = []
    process = ChunkWriter.process
    monkeypatch.setattr(ChunkWriter, "process", lambda self, chunk: sizes.append(len(chunk)) or process(self, chunk))
    monkeypatch.setattr(driver, "CHUNK_ROWS", 20)
    monkeypatch.setattr(driver, "CHUNK_ROWS_BY_ROW", 7)
    for out, options, expected in (
        ("o.csv", {}, [20, 10]),
        ("o.jsonl", {}, [7, 7, 7, 7, 2]),
        ("o.csv", {"evaluator": "row"}, [7, 7, 7, 7, 2]),
        ("o.csv", {"keep": ("name",)}, [7, 7, 7, 7, 2]),
    ):
        sizes.clear()
        driver.run(str(src), str(tmp_path / out), jobs=1, **options)  # type: ignore[arg-type]
        assert sizes == expected, (out, options)


@pytest.mark.parametrize("odd", ["1\n2", "1234.5\n"])
def test_a_line_break_in_a_quoted_amount_is_the_builders_to_judge(tmp_path: Path, odd: str) -> None:
    """A quoted amount holding a line break among many plain ones (found by trying to break the batch): the column is
    not read at once — it took every later row's value from the row before, or failed — but text by text, where the
    builder refuses it; the same bytes from both evaluators."""
    rows = [[f"E{i}", {1: "", 2: odd, 3: "1234.5"}.get(i, str(1_000_000 + i))] for i in range(70)]
    out = same_bytes(tmp_path, ["id", "revenue"], rows)
    assert [bool(r["error"]) for r in out[:5]] == [False, False, odd == "1\n2", False, False]
