"""A bureau's spreadsheet (issue 12 §1–§4): .xlsx in and out, Chinese headers and values, units that scale, carried
columns, per-policy totals, 应享未享.

The done-when check: tests/fixtures/bureau.xlsx (30 enterprises, Chinese headers, money in 万元, a 所属县 column,
Chinese values; made by tools/bureau_fixture.py) and the same rows as a GB18030 CSV run unchanged with
`xzcalc batch bureau.xlsx -o out.xlsx --keep 所属县`: every row out, the county carried, each row's amounts equal to
what `calc` gives for that enterprise (its profile written here by hand, with this file's own reading of the headers
and 万元), and the 汇总 sheet's per-policy sums equal to the sums of the rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from xzcalc.batch import BatchError, run
from xzcalc.engine import calculate
from xzcalc.schema.build import parse_profile

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FEN = Decimal("0.01")

# this test's own reading of the fixture's headers (contract.md's table): the path and the factor to yuan
HEADERS: dict[str, tuple[str, Decimal]] = {
    "序号": ("id", Decimal(1)),
    "企业名称": ("name", Decimal(1)),
    "地区": ("jurisdiction", Decimal(1)),
    "主体类型": ("entity", Decimal(1)),
    "行业": ("sector", Decimal(1)),
    "从业人数": ("employees", Decimal(1)),
    "资产总额（万元）": ("total_assets", Decimal(10000)),
    "营业收入（万元）": ("revenue", Decimal(10000)),
    "应纳税所得额（万元）": ("income.taxable_income_reported", Decimal(10000)),
    "研发费用（万元）": ("income.rd_expense", Decimal(10000)),
    "纳税人类型": ("vat.taxpayer", Decimal(1)),
    "应纳增值税（万元）": ("vat.vat_payable", Decimal(10000)),
    "房产税（元）": ("local_taxes.property", Decimal(1)),
    "城镇土地使用税（元）": ("local_taxes.land_use", Decimal(1)),
    "印花税（元）": ("local_taxes.stamp", Decimal(1)),
    "是否科技型中小企业": ("tech_sme", Decimal(1)),
}
VALUES = {
    "忻州市": "xinzhou",
    "忻州": "xinzhou",
    "山西省": "shanxi",
    "山西": "shanxi",
    "内蒙古": "inner-mongolia",
    "内蒙古自治区": "inner-mongolia",
    "企业": "company",
    "个体工商户": "individual-business",
    "一般纳税人": "general",
    "小规模纳税人": "small-scale",
    "是": "true",
    "否": "false",
}
# GB/T 4754-2017 names used in the fixture, by hand
SECTORS = {
    "通用设备制造业": "C34",
    "餐饮业": "H62",
    "农副食品加工业": "C13",
    "住宿业": "H61",
    "批发业": "F51",
    "零售业": "F52",
    "软件和信息技术服务业": "I65",
    "食品制造业": "C14",
    "机动车、电子产品和日用产品修理业": "O81",
    "畜牧业": "A03",
    "道路运输业": "G54",
    "煤炭开采和洗选业": "B06",
    "化学原料和化学制品制造业": "C26",
    "建筑安装业": "E49",
    "印刷和记录媒介复制业": "C23",
    "电气机械和器材制造业": "C38",
    "有色金属冶炼和压延加工业": "C32",
    "纺织业": "C17",
    "装卸搬运和仓储业": "G59",
    "渔业": "A04",
}
CLAIMED = "已享受小型微利企业所得税减免（万元）"


def fixture_rows() -> list[dict[str, str]]:
    text = (FIXTURES / "bureau.csv").read_bytes().decode("gb18030")
    return list(csv.DictReader(io.StringIO(text)))


def profile_of(row: dict[str, str]) -> dict[str, Any]:
    """The profile `calc` would be given for a fixture row, written out by this test."""
    doc: dict[str, Any] = {}
    for header, (path, factor) in HEADERS.items():
        cell = row[header].strip()
        if path == "id" or not cell:
            continue
        if factor != 1:
            value: Any = str(Decimal(cell) * factor)
        elif path == "sector":
            value = SECTORS.get(cell, cell)
        else:
            value = VALUES.get(cell, cell)
        node = doc
        *parents, leaf = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return doc


def expected_amounts(row: dict[str, str]) -> dict[str, tuple[bool, Decimal | None]]:
    result = calculate(parse_profile(profile_of(row)))
    return {i.policy.id: (i.eligible, i.amount) for i in result.items}


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    rows = [tuple(r) for r in book[name].iter_rows(values_only=True)]
    book.close()
    width = max(map(len, rows), default=0)  # (a sheet's row ends at its last cell with a value)
    return [r + (None,) * (width - len(r)) for r in rows]


def as_amount(value: object) -> Decimal:
    """A number read back from the .xlsx (Excel keeps doubles; two decimals were written) as the yuan it stands for."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(FEN)


def xzcalc(*args: str, cwd: Path = ROOT, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: the reclaim dates judged on a fixed day
    return subprocess.run(
        [sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def bureau_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The done-when command, run unchanged in a directory holding the fixture."""
    work = tmp_path_factory.mktemp("bureau")
    shutil.copy(FIXTURES / "bureau.xlsx", work / "bureau.xlsx")
    done = xzcalc("batch", "bureau.xlsx", "-o", "out.xlsx", "--keep", "所属县", "--summary", "s.json", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return work


def test_the_fixture_is_what_the_generator_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bureau_fixture
    finally:
        sys.path.pop(0)
    bureau_fixture.write_csv(tmp_path / "bureau.csv")
    assert (tmp_path / "bureau.csv").read_bytes() == (FIXTURES / "bureau.csv").read_bytes()
    bureau_fixture.write_xlsx(tmp_path / "bureau.xlsx")
    assert sheet_rows(tmp_path / "bureau.xlsx", "企业名单") == sheet_rows(FIXTURES / "bureau.xlsx", "企业名单")
    assert len(fixture_rows()) == 30


def test_every_row_out_with_the_county_and_the_amounts_of_calc(bureau_run: Path) -> None:
    rows = sheet_rows(bureau_run / "out.xlsx", "结果")
    header = rows[0]
    assert header[:3] == ("行号", "序号", "企业名称")  # Chinese headers by default
    assert "所属县" in header and "小型微利企业所得税减免（元）" in header
    body = rows[1:]
    source = fixture_rows()
    assert len(body) == len(source) == 30
    ids = json.loads((bureau_run / "s.json").read_text(encoding="utf-8"))
    assert ids["rows"] == 30 and ids["failed"] == 0 and ids["blank"] == 0
    # the column ids, in the same order, from the same run with --lang en
    done = xzcalc("batch", "bureau.xlsx", "-o", "en.xlsx", "--keep", "所属县", "--lang", "en", "-q", cwd=bureau_run)
    assert done.returncode == 0, done.stderr
    en = sheet_rows(bureau_run / "en.xlsx", "结果")
    columns = list(en[0])
    assert columns[:3] == ["line", "id", "name"]
    assert columns[-3:] == ["所属县", "unclaimed.cit.small_low_profit", "error"]
    assert en[1:] == body  # the same cells whatever the header's language
    for out, src in zip(body, source, strict=True):
        cells = dict(zip(columns, out, strict=True))
        assert cells["所属县"] == src["所属县"]
        assert cells["name"] == src["企业名称"] and cells["error"] is None
        for pid, (eligible, amount) in expected_amounts(src).items():
            assert cells[f"{pid}.eligible"] is eligible, (src["序号"], pid)
            if f"{pid}.amount" in cells:
                got = cells[f"{pid}.amount"]
                if amount is None:
                    assert got is None
                else:
                    assert got is not None and as_amount(got) == amount, (src["序号"], pid, got, amount)


def test_amounts_equal_calc_run_through_the_command_line(bureau_run: Path, tmp_path: Path) -> None:
    """Three rows through `xzcalc calc --format json` itself: the same amounts as the workbook's rows."""
    rows = sheet_rows(bureau_run / "en.xlsx", "结果") if (bureau_run / "en.xlsx").exists() else None
    if rows is None:
        done = xzcalc("batch", "bureau.xlsx", "-o", "en.xlsx", "--keep", "所属县", "--lang", "en", "-q", cwd=bureau_run)
        assert done.returncode == 0
        rows = sheet_rows(bureau_run / "en.xlsx", "结果")
    columns = list(rows[0])
    source = fixture_rows()
    for index in (0, 1, 23):  # a Xinzhou manufacturer, a noodle shop (individual business), an Inner Mongolia firm
        profile = tmp_path / f"p{index}.json"
        profile.write_text(json.dumps(profile_of(source[index]), ensure_ascii=False), encoding="utf-8")
        done = xzcalc("calc", str(profile), "--format", "json")
        assert done.returncode == 0, done.stderr
        cells = dict(zip(columns, rows[index + 1], strict=True))
        for item in json.loads(done.stdout)["items"]:
            if item["amount"] is not None and f"{item['policy']}.amount" in cells:
                assert as_amount(cells[f"{item['policy']}.amount"]) == Decimal(item["amount"])


def summary_table(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str, str], tuple[int, Decimal, int]]:
    """The 汇总 sheet's per-policy table: (split, value, policy) → (enterprises, amount, eligible at 0)."""
    start = next(i for i, r in enumerate(rows) if r[:3] == ("分组", "取值", "政策编号"))
    table = {}
    for r in rows[start + 1 :]:
        if not r or r[0] is None or r[2] is None or not isinstance(r[4], int):
            break
        table[(r[0], r[1] or "", r[2])] = (r[4], as_amount(r[5]), r[6])
    return table


def test_the_summary_sheet_sums_equal_the_sums_of_the_rows(bureau_run: Path) -> None:
    rows = sheet_rows(bureau_run / "en.xlsx", "结果") if (bureau_run / "en.xlsx").exists() else None
    if rows is None:
        done = xzcalc("batch", "bureau.xlsx", "-o", "en.xlsx", "--keep", "所属县", "--lang", "en", "-q", cwd=bureau_run)
        assert done.returncode == 0
        rows = sheet_rows(bureau_run / "en.xlsx", "结果")
    columns = list(rows[0])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    kinds: dict[str, Decimal] = defaultdict(Decimal)
    for out in rows[1:]:
        cells = dict(zip(columns, out, strict=True))
        for c, v in cells.items():
            if c.endswith(".amount") and v is not None and as_amount(v) > 0:
                for split in ("", cells["jurisdiction"]):
                    counts[(split, c[: -len(".amount")])] += 1
                    sums[(split, c[: -len(".amount")])] += as_amount(v)
            if c.startswith("total."):
                kinds[c[len("total.") :]] += as_amount(v)
    summary = sheet_rows(bureau_run / "out.xlsx", "汇总")
    table = summary_table(summary)
    names = {"xinzhou": "忻州市", "shanxi": "山西省", "inner-mongolia": "内蒙古自治区"}
    assert counts  # (the fixture has amounts)
    for (split, pid), n in counts.items():
        key = ("全部", "", pid) if not split else ("地区", names[split], pid)
        assert table[key][:2] == (n, sums[(split, pid)]), (key, table[key], n, sums[(split, pid)])
    for (split, value, pid), (n, _, _) in table.items():
        if n:
            assert counts[("" if split == "全部" else next(k for k, v in names.items() if v == value), pid)] == n
    by_kind = {r[0]: as_amount(r[2]) for r in summary if r and r[0] in kinds}
    assert by_kind == dict(kinds)
    receipt = {r[0]: r[1] for r in summary if r and isinstance(r[0], str) and r[0].startswith("数据凭据.")}
    assert receipt["数据凭据.xzcalc"] and len(receipt["数据凭据.data_sha256"]) == 64
    data = json.loads((bureau_run / "s.json").read_text(encoding="utf-8"))
    assert data["receipt"]["data_sha256"] == receipt["数据凭据.data_sha256"]
    for pid, line in data["policies"].items():
        assert table[("全部", "", pid)] == (line["enterprises"], Decimal(line["amount"]), line["eligible_at_zero"])


def test_the_gb18030_csv_gives_the_same_rows_and_summary(bureau_run: Path) -> None:
    shutil.copy(FIXTURES / "bureau.csv", bureau_run / "bureau.csv")
    done = xzcalc(
        "batch", "bureau.csv", "-o", "out.csv", "--keep", "所属县", "--summary", "c.json", "-q", cwd=bureau_run
    )
    assert done.returncode == 0, done.stderr
    text = (bureau_run / "out.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # -o FILE: a BOM for Excel
    got = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(got) == 30
    for out, src in zip(got, fixture_rows(), strict=True):
        assert out["所属县"] == src["所属县"] and out["error"] == ""
        for pid, (_, amount) in expected_amounts(src).items():
            if amount is not None and f"{pid}.amount" in out:
                assert Decimal(out[f"{pid}.amount"]) == amount
    xlsx = json.loads((bureau_run / "s.json").read_text(encoding="utf-8"))
    csv_ = json.loads((bureau_run / "c.json").read_text(encoding="utf-8"))
    for key in ("rows", "failed", "blank", "totals", "policies", "by_jurisdiction", "unclaimed"):
        assert xlsx[key] == csv_[key], key


# ── 应享未享 ─────────────────────────────────────────────────────────────────────────────────────────────────────


def test_unclaimed_is_entitled_minus_claimed_never_below_zero(tmp_path: Path) -> None:
    """A Xinzhou company with 1,000,000 taxable income in 2022: CIT 25% = 250,000; as a small low-profit enterprise
    its first 1,000,000 is taxed at 12.5% × 20% = 2.5% (财政部 税务总局公告2021年第12号 第一条 with 2019年第13号
    第二条) = 25,000, a relief of 225,000. Claimed 100,000 (in 万元: 10) → 125,000 not yet claimed; claimed 300,000 →
    0, never below."""
    src = tmp_path / "u.csv"
    src.write_text(
        "序号,地区,行业,从业人数,资产总额（万元）,营业收入（万元）,income.taxable_income,已享受小型微利企业所得税减免（万元）\n"
        "A,忻州,制造业,50,1000,2000,100万,10\n"
        "B,忻州,制造业,50,1000,2000,100万,30\n"
        "C,忻州,制造业,50,1000,2000,100万,\n",
        encoding="utf-8",
    )
    out = tmp_path / "u.jsonl"
    report = run(str(src), str(out), jobs=1)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["cit.small_low_profit.amount"] for r in rows] == ["225000.00"] * 3
    assert [r["unclaimed.cit.small_low_profit"] for r in rows] == ["125000.00", "0.00", None]
    assert list(rows[0])[-2:] == ["unclaimed.cit.small_low_profit", "error"]
    (u,) = report.unclaimed()
    assert (u.policy, u.year, u.enterprises, u.amount) == ("cit.small_low_profit", 2022, 1, Decimal("125000"))
    # 税收征收管理法 第五十一条: three years from the 2022 annual settlement (企业所得税法 第五十四条: by 2023-05-31)
    assert str(u.reclaim_until) == "2026-05-31"


def test_the_reclaim_date_is_judged_on_the_run_day(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    src.write_text(
        "jurisdiction,sector,employees,total_assets,revenue,income.taxable_income,claimed.cit.small_low_profit\n"
        "xinzhou,C34,50,1000万,2000万,100万,0\n",
        encoding="utf-8",
    )
    for day, claimable in (("2026-05-31", True), ("2026-06-01", False)):
        done = xzcalc(
            "batch", str(src), "-o", str(tmp_path / "o.csv"), "--summary", str(tmp_path / "s.json"), "--date", day
        )
        assert done.returncode == 0, done.stderr
        (u,) = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["unclaimed"]
        assert u["claimable"] is claimable and u["reclaim_until"] == "2026-05-31" and u["amount"] == "225000.00"


# ── bureau headers and values ────────────────────────────────────────────────────────────────────────────────────


def run_rows(tmp_path: Path, text: str, **kwargs: Any) -> tuple[list[dict[str, Any]], Any]:
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    report = run(str(src), str(out), jobs=1, **kwargs)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], report


def amount(row: dict[str, Any], pid: str) -> str:
    return str(row[f"{pid}.amount"])


def items(row: dict[str, Any]) -> dict[str, Any]:
    """A JSONL row's policy columns (eligibility and amount of every policy)."""
    return {k: v for k, v in row.items() if k.endswith((".eligible", ".amount"))}


def carried(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: row[name] for name in names}


def test_a_unit_in_the_header_scales_the_column(tmp_path: Path) -> None:
    """资产总额（万元） 1,234.5 is 12,345,000 yuan; the same enterprise in yuan and in 亿元 gives the same result."""
    rows, _ = run_rows(
        tmp_path,
        "id,jurisdiction,sector,employees,资产总额（万元）,营业收入（万元）,应纳税所得额（万元）\n"
        'A,xinzhou,C34,50,"1,234.5",2000,100\n',
    )
    same, _ = run_rows(
        tmp_path,
        "id,jurisdiction,sector,employees,total_assets,revenue(亿元),income.taxable_income_reported(元)\n"
        "A,xinzhou,C34,50,12345000,0.2,1000000\n",
    )
    assert rows[0]["error"] is None and items(rows[0]) == items(same[0])
    assert amount(rows[0], "cit.small_low_profit") == "225000.00"


def test_every_cell_error_of_a_row_is_reported_together(tmp_path: Path) -> None:
    rows, report = run_rows(
        tmp_path,
        "序号,企业名称,地区,从业人数,资产总额（万元）,行业\nX,某公司,北京,abc,12万五,制造业\nY,好公司,山西,10,100,制造业\n",
    )
    error = rows[0]["error"]
    assert '资产总额（万元） (total_assets): "12万五" is not valid — expected a number of 万元' in error
    assert '地区 (jurisdiction): "北京" is not valid' in error
    assert '从业人数 (employees): "abc" is not valid' in error
    assert rows[0]["name"] == "某公司" and rows[1]["error"] is None and rows[1]["jurisdiction"] == "shanxi"
    assert report.summary.failed == 1


def test_chinese_values_and_sector_names(tmp_path: Path) -> None:
    rows, _ = run_rows(
        tmp_path,
        "企业名称,地区,主体类型,行业,纳税人类型,location\n"
        "甲,内蒙古自治区,个体工商户,餐饮业,小规模纳税人,县城\n"
        "乙,忻州市,公司,通用设备制造业,一般纳税人,市区\n"
        "丙,山西,企业,批发业,general,other\n",
    )
    assert [r["error"] for r in rows] == [None] * 3
    assert [r["jurisdiction"] for r in rows] == ["inner-mongolia", "xinzhou", "shanxi"]
    # the sector read as its code: the individual business gets the IIT halving, the manufacturer is C
    assert rows[0]["iit.individual_business_halving.eligible"] is True
    assert rows[1]["classification.manufacturing_size"] is not None
    assert rows[2]["classification.manufacturing_size"] is None


def test_unknown_columns_are_a_short_list_with_the_closest_field(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("企业名称,从业人娄,所属县,资产总额（万元）,营收\n甲,1,代县,1,1\n", encoding="utf-8")
    with pytest.raises(BatchError) as e:
        run(str(src), str(tmp_path / "o.csv"))
    lines = str(e.value).splitlines()
    assert lines[0].startswith("the header has 3 columns that are not a profile field")
    assert "  unknown column '从业人娄' — did you mean '从业人数 (employees)'?" in lines
    assert any(line.startswith("  unknown column '所属县'") for line in lines)
    assert len(lines) == 4 and not (tmp_path / "o.csv").exists()
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "o.csv"))
    assert done.returncode == 2 and done.stderr.startswith("xzcalc: error: the header has 3 columns")
    assert "Traceback" not in done.stderr
    # named with --keep (or --group-by), they are carried instead
    rows, _ = run_rows(tmp_path, src.read_text(encoding="utf-8"), keep=("所属县", "从业人娄", "营收"))
    assert carried(rows[0], ("从业人娄", "所属县", "营收")) == {"从业人娄": "1", "所属县": "代县", "营收": "1"}


def test_carried_text_is_neutralised_and_numbers_stay_numbers(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        'name,jurisdiction,所属县,备注,编号\n甲,xinzhou,代县,"=HYPERLINK(""http://x"",""y"")",140902\n',
        encoding="utf-8",
    )
    run(str(src), str(tmp_path / "o.csv"), keep=("备注", "编号"), group_by=("所属县",))
    out = list(csv.DictReader(io.StringIO((tmp_path / "o.csv").read_text(encoding="utf-8-sig"))))
    assert out[0]["备注"].startswith("'=HYPERLINK") and out[0]["编号"] == "140902" and out[0]["所属县"] == "代县"
    run(str(src), str(tmp_path / "o.xlsx"), keep=("备注", "编号"), group_by=("所属县",), lang="en")
    book = load_workbook(tmp_path / "o.xlsx")
    sheet = book["结果"]
    header = [c.value for c in sheet[1]]
    note = sheet.cell(2, header.index("备注") + 1)
    code = sheet.cell(2, header.index("编号") + 1)
    assert note.data_type == "s" and str(note.value).startswith("'=HYPERLINK")
    assert code.value == 140902 and code.data_type == "n"
    assert sheet.freeze_panes == "A2"
    amount_cell = sheet.cell(2, header.index("total.tax_reduction") + 1)
    assert amount_cell.data_type == "n" and amount_cell.number_format == "#,##0.00"


def test_group_by_splits_the_summary(tmp_path: Path) -> None:
    text = "id,jurisdiction,所属县,sector,employees,total_assets,revenue,income.taxable_income\n"
    text += "A,xinzhou,代县,C34,50,1000万,2000万,100万\n"
    text += "B,xinzhou,代县,C34,50,1000万,2000万,50万\n"
    text += "C,xinzhou,原平市,C34,50,1000万,2000万,100万\n"
    text += ",,,,,,,\n"  # a row of bare commas: blank, skipped and counted
    text += "D,xinzhou,原平市,C34,50,1000万,2000万,0\n"
    rows, report = run_rows(tmp_path, text, group_by=("所属县",))
    assert len(rows) == 4 and report.summary.blank == 1 and report.summary.rows == 4
    data = report.to_json()
    by = data["by_column"]["所属县"]
    slpe = "cit.small_low_profit"
    # 2.5% on the first 1,000,000 (2021年第12号, 2019年第13号): relief 225,000 at 100万, 112,500 at 50万
    assert by["代县"]["policies"][slpe] == {"enterprises": 2, "amount": "337500.00", "eligible_at_zero": 0}
    assert (
        by["原平市"]["policies"][slpe]["enterprises"] == 1 and by["原平市"]["policies"][slpe]["amount"] == "225000.00"
    )
    assert data["policies"][slpe] == {"enterprises": 3, "amount": "562500.00", "eligible_at_zero": 1}
    assert data["by_jurisdiction"]["xinzhou"]["enterprises"] == 4


# ── .xlsx in ────────────────────────────────────────────────────────────────────────────────────────────────────


def test_xlsx_in_title_rows_sheet_dates_and_excel_precision(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["this sheet is not the data"])
    sheet = book.create_sheet("名单")
    sheet.append(["2022年度企业名单"])
    sheet.append([])
    sheet.append(
        [
            "序号",
            "地区",
            "行业",
            "从业人数",
            "资产总额（万元）",
            "营业收入",
            "应纳税所得额",
            "equipment.1.unit_value",
            "equipment.1.years",
            "equipment.1.in_service",
            "vat.input_ratio",
        ]
    )
    from datetime import datetime

    sheet.append([])  # a blank row: skipped and counted
    sheet.append([1, "忻州", "C34", 50, 0.1 + 0.2, 20000000, 1000000, 600000, 10, datetime(2022, 6, 1), 200 / 210])
    book.save(tmp_path / "b.xlsx")
    out = tmp_path / "o.jsonl"
    report = run(str(tmp_path / "b.xlsx"), str(out), sheet="名单", header_row=3)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["error"] is None and rows[0]["line"] == 5
    assert report.summary.blank == 1
    assert amount(rows[0], "cit.equipment_deduction") != "0.00"  # the date cell read as 2022-06-01
    with pytest.raises(BatchError, match="--sheet"):
        run(str(tmp_path / "b.xlsx"), str(out), sheet="nosuch")


def test_xlsx_numbers_are_taken_at_fifteen_significant_digits() -> None:
    from xzcalc.batch.xlsx import cell_text

    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(200 / 210) == "0.952380952380952"
    assert cell_text(1234.5) == "1234.5" and cell_text(3000) == "3000" and cell_text(True) == "true"
    assert cell_text(0.05, "0%") == "5%"


# ── the output file ─────────────────────────────────────────────────────────────────────────────────────────────


def test_more_rows_than_a_sheet_holds_is_refused_up_front(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xzcalc.batch.driver as driver

    monkeypatch.setattr(driver, "MAX_SHEET_ROWS", 3)
    src = tmp_path / "in.csv"
    src.write_text("id,revenue\n1,1\n2,1\n3,1\n4,1\n", encoding="utf-8")
    with pytest.raises(BatchError, match="at most 3 rows"):
        run(str(src), str(tmp_path / "o.xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_failed_xlsx_run_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xzcalc.batch.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 3)  # (what a stream longer than it said would meet while writing)
    src = tmp_path / "in.csv"
    src.write_text("id,revenue\n1,1\n2,1\n3,1\n4,1\n", encoding="utf-8")
    from xzcalc.batch import RunFailed

    with pytest.raises(RunFailed, match="more than 2 rows"):
        run(str(src), str(tmp_path / "o.xlsx"), chunk_rows=1, jobs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_csv_bom_rules(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,revenue\n1,1\n", encoding="utf-8")
    # stdout a regular file (`> results.csv`): a BOM; a pipe: none; --excel: always; --no-bom: never
    with open(tmp_path / "r.csv", "wb") as f:
        done = subprocess.run(
            [sys.executable, "-m", "xzcalc", "batch", str(src), "-q"], stdout=f, cwd=ROOT, timeout=120
        )
    assert done.returncode == 0 and (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    piped = xzcalc("batch", str(src), "-q")
    assert not piped.stdout.startswith("\ufeff") and piped.stdout.startswith("line,")
    excel = xzcalc("batch", str(src), "-q", "--excel")
    assert excel.stdout.startswith("\ufeffline,")
    done = xzcalc("batch", str(src), "-q", "--no-bom", "-o", str(tmp_path / "n.csv"))
    assert done.returncode == 0 and (tmp_path / "n.csv").read_bytes().startswith(b"line,")
    assert xzcalc("batch", str(src), "--excel", "--no-bom").returncode == 2


def test_both_xlsx_readers_give_the_same_cells(tmp_path: Path) -> None:
    """python-calamine (the default) and openpyxl (for workbooks with percent formats) read the same texts."""
    from xzcalc.batch.xlsx import XlsxSource, percent_styles

    def texts(path: Path, engine: str) -> list[tuple[int, bytes]]:
        source = XlsxSource(str(path), None, engine)
        reader = source.reader()
        header = reader.header(1)
        rows = list(reader.records())
        source.close()
        return [(0, ",".join(header).encode()), *[(r[0], r[1]) for r in rows]]

    fixture = FIXTURES / "bureau.xlsx"
    assert not percent_styles(str(fixture))
    assert texts(fixture, "calamine") == texts(fixture, "openpyxl")
    assert XlsxSource(str(fixture), None).engine == "calamine"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["jurisdiction", "vat.input_ratio", "employment.layoff_rate"])
    sheet.append(["xinzhou", 0.95, 0.05])
    sheet["B2"].number_format = "0%"
    book.save(tmp_path / "p.xlsx")
    assert percent_styles(str(tmp_path / "p.xlsx"))
    source = XlsxSource(str(tmp_path / "p.xlsx"), None)
    assert source.engine == "openpyxl"
    reader = source.reader()
    reader.header(1)
    assert [r[1] for r in reader.records()] == [b"xinzhou,95%,0.05\n"]
    source.close()


def _rewrite_sheet(path: Path, replacements: list[tuple[str, str]]) -> None:
    """Edit the first sheet's XML of a saved workbook (what openpyxl cannot write: saved values, shared formulas)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for old, new in replacements:
        assert old in xml, old
        xml = xml.replace(old, new)
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_a_formula_with_no_value_saved_is_the_rows_error(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook a program wrote holds formulas without the values Excel saves with them; both readers give such a
    cell as blank, which computed 0. It is the row's error, naming the column and the formula; a formula with a value
    saved (a number, or empty text) is read as that value; the other rows are computed."""
    from xzcalc.batch import driver
    from xzcalc.batch.xlsx import XlsxSource

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "企业名称", "地区", "应纳税所得额（万元）", "营业收入（万元）"])
    sheet.append(["A", "甲", "忻州", 100, 2000])
    sheet.append(["B", "乙", "忻州", "=D2*2", 2000])  # line 3: no value saved
    sheet.append(["C", "丙", "忻州", "=D2*1", 2000])  # line 4: 100 saved (below)
    sheet.append(["D", "丁", "忻州", 100, "=T(1)"])  # line 5: empty text saved (below)
    sheet.append(["E", "戊", "忻州", 100, 2000])
    sheet["D7"] = "=D6*2"  # line 7: a row of a formula alone, past the cells with values
    sheet.append(["F", "己", "忻州", "=D2*3", 2000])  # line 8 and 9: a shared formula (below)
    sheet.append(["G", "庚", "忻州", "=D3*3", 2000])
    path = tmp_path / "f.xlsx"
    book.save(path)
    _rewrite_sheet(
        path,
        [
            ('<c r="D4"><f>D2*1</f><v /></c>', '<c r="D4"><f>D2*1</f><v>100</v></c>'),
            ('<c r="E5"><f>T(1)</f><v /></c>', '<c r="E5" t="str"><f>T(1)</f><v></v></c>'),
            ('<c r="D8"><f>D2*3</f><v /></c>', '<c r="D8"><f t="shared" ref="D8:D9" si="0">D2*3</f></c>'),
            ('<c r="D9"><f>D3*3</f><v /></c>', '<c r="D9"><f t="shared" si="0"/></c>'),
        ],
    )

    class Engine(XlsxSource):
        def __init__(self, source: str, sheet: str | None) -> None:
            super().__init__(source, sheet, engine)

    monkeypatch.setattr(driver, "XlsxSource", Engine)
    out = tmp_path / "o.jsonl"
    report = run(str(path), str(out), jobs=1)
    rows = {r["line"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8, 9]
    advice = "a formula with no value saved — expected a number; open and save the file in Excel/WPS, or paste values"
    assert rows[3]["error"] == f"应纳税所得额（万元）: =D2*2: {advice}"
    assert rows[3]["id"] == "B" and rows[3]["name"] == "乙"
    assert rows[7]["error"] == f"应纳税所得额（万元）: =D6*2: {advice}"
    assert rows[8]["error"] == f"应纳税所得额（万元）: =D2*3: {advice}"
    assert rows[9]["error"] == f"应纳税所得额（万元）: =D3*3: {advice}"  # the shared formula, moved a row
    for line in (2, 4, 5, 6):
        assert rows[line]["error"] is None, rows[line]
    # 1,000,000 yuan of taxable income (100 万元): the saved value 100 reads as the typed 100
    slpe = "cit.small_low_profit.amount"
    assert rows[2][slpe] == rows[4][slpe] == rows[5][slpe] == rows[6][slpe] != "0.00"
    assert report.summary.failed == 4


def test_unusable_workbooks_and_arguments_are_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_text("id,revenue\n1,2\n", encoding="utf-8")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    fixture = str(FIXTURES / "bureau.xlsx")
    for args, says in (
        (("fake.xlsx",), "cannot be read as an .xlsx workbook"),
        (("empty.xlsx",), "cannot be read as an .xlsx workbook"),
        ((fixture, "--header-row", "99"), "no header row"),
        ((fixture, "--keep", "所属县", "-f", "xlsx"), "an .xlsx output is a file"),
        ((fixture, "--sheet", "nosuch"), "--sheet"),
        ((str(FIXTURES / "bureau.csv"), "--sheet", "x"), "--sheet"),
        ((fixture, "--keep", "所属县", "--encoding", "gbk"), "--encoding"),
        ((fixture, "--keep", "nosuch"), "nosuch"),
    ):
        done = xzcalc("batch", *args, "-q", cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("xzcalc: error: ") and says in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_group_by_column_keeps_at_most_max_groups_values_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded whatever a --group-by column holds: values beyond MAX_GROUPS are summed under "…"."""
    import xzcalc.batch.summary as summary
    from xzcalc.batch import compute_row

    monkeypatch.setattr(summary, "MAX_GROUPS", 2)
    row = compute_row({"jurisdiction": "xinzhou", "sector": "C34", "employees": "50", "income.taxable_income": "100万"})
    parts = []
    for values in (("a", "b"), ("c", "a")):
        part = summary.Summary()
        for v in values:
            part.add(row, (v,))
        parts.append(part)
    total = summary.Summary()
    for part in parts:
        total.merge(part)
    assert total.values(1) == ["a", "b", "…"]
    slpe = "cit.small_low_profit"
    assert [(x.enterprises, x.amount) for x in total.by_policy([slpe], 1, "a")] == [(2, Decimal("450000.00"))]
    assert [x.enterprises for x in total.by_policy([slpe])] == [4]


def test_header_row_skips_title_lines_of_a_csv(tmp_path: Path) -> None:
    text = "2022年度忻州市企业名单,,\n制表单位：某局,,\n序号,地区,应纳税所得额（万元）\nA,忻州,100\n"
    src = tmp_path / "in.csv"
    src.write_bytes(text.encode("gb18030"))
    out = tmp_path / "o.jsonl"
    run(str(src), str(out), header_row=3)
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["line"] == 4 and row["id"] == "A" and row["error"] is None
    with pytest.raises(BatchError, match="none is a profile field"):
        run(str(src), str(out))  # the title taken for the header


def test_a_title_row_taken_for_the_header_says_where_the_header_seems_to_be(tmp_path: Path) -> None:
    """Line 1 names no column and a later line (within the first 10) would be a valid header: the error says which,
    as a --header-row to give; in a CSV (GB18030 or UTF-8) and a workbook."""
    text = "2022年度忻州市企业名单,,\n制表单位：某局,,\n序号,地区,应纳税所得额（万元）\nA,忻州,100\n"
    for encoding in ("gb18030", "utf-8"):
        src = tmp_path / f"in.{encoding}.csv"
        src.write_bytes(text.encode(encoding))
        with pytest.raises(BatchError) as e:
            run(str(src), str(tmp_path / "o.csv"))
        assert str(e.value) == (
            "line 1 has 1 column and none is a profile field (the first: '2022年度忻州市企业名单') — a title above the "
            "header? (the header seems to be line 3: --header-row 3)"
        )
    done = xzcalc("batch", str(tmp_path / "in.utf-8.csv"), "-o", str(tmp_path / "o.csv"))
    assert done.returncode == 2 and "(the header seems to be line 3: --header-row 3)" in done.stderr
    assert "Traceback" not in done.stderr
    # a bureau's header with a column of its own (所属县): still the likely header, and --keep then carries it
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2022年度忻州市企业名单"])
    sheet.append([])
    sheet.append(["序号", "地区", "所属县", "应纳税所得额（万元）"])
    sheet.append(["A", "忻州", "代县", 100])
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(BatchError) as e:
        run(str(tmp_path / "t.xlsx"), str(tmp_path / "o.csv"))
    assert str(e.value).endswith("(the header seems to be line 3: --header-row 3)")
    report = run(str(tmp_path / "t.xlsx"), str(tmp_path / "o.csv"), header_row=3, keep=("所属县",))
    assert report.summary.rows == 1 and report.summary.failed == 0
    # no line below would do: no guess
    (tmp_path / "none.csv").write_text("名单,\n甲,乙\n丙,丁\n", encoding="utf-8")
    with pytest.raises(BatchError) as e:
        run(str(tmp_path / "none.csv"), str(tmp_path / "o.csv"))
    assert "seems to be" not in str(e.value)
    # a header of line 1 with one known column is not a title row
    (tmp_path / "one.csv").write_text("地区,备注\n忻州,x\n", encoding="utf-8")
    with pytest.raises(BatchError) as e:
        run(str(tmp_path / "one.csv"), str(tmp_path / "o.csv"))
    assert "seems to be" not in str(e.value)


def test_the_rows_sheet_holds_numbers_booleans_and_text_never_a_formula(tmp_path: Path) -> None:
    """The 结果 sheet's cells read back (openpyxl, not write-only) as they were meant: amounts as numbers with two
    decimals written from their digits, line numbers as whole numbers, true/false as booleans, a carried number as a
    number, carried text as text (a formula neutralised, XML-unsafe characters as U+FFFD, spaces kept), a bold
    header frozen above the rows."""
    from openpyxl import load_workbook

    from xzcalc.batch.xlsx import XlsxOutput

    columns = ["line", "id", "name", "total.tax_reduction", "a.eligible", "a.amount", "备注", "error"]
    rows = [
        ["2", "A-1", "忻州 <某> & 公司 ", "425000.10", "true", "0.00", "=HYPERLINK(1)", ""],
        ["3", "", "", "", "false", "", "140902", "revenue: bad\x01"],
    ]
    out = XlsxOutput(str(tmp_path / "out.xlsx"), columns, columns, ["line", "total.tax_reduction", "a.amount"])
    out.write(rows)
    out.commit()
    sheet = load_workbook(tmp_path / "out.xlsx")["结果"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == columns and all(c.font.bold for c in sheet[1])
    first = sheet[2]
    assert [c.value for c in first] == [2, "A-1", "忻州 <某> & 公司 ", 425000.1, True, 0, "'=HYPERLINK(1)", None]
    assert (first[0].number_format, first[3].number_format, first[5].number_format) == ("0", "#,##0.00", "#,##0.00")
    assert first[6].data_type == "s"
    second = sheet[3]
    assert [c.value for c in second] == [3, None, None, None, False, None, 140902, "revenue: bad\ufffd"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4))
def test_any_text_cell_reads_back_as_written(tmp_path: Path, texts: list[str]) -> None:
    """Whatever text a cell holds reads back the same through openpyxl and python-calamine — neutralised, never a
    formula; characters XML 1.0 cannot hold as U+FFFD; line breaks as XML reads them (CR, CRLF → LF)."""
    import re

    from python_calamine import CalamineWorkbook

    from xzcalc.batch.xlsx import XlsxOutput
    from xzcalc.inputs import neutralise

    assume(all(t not in ("true", "false") and not re.match(r"^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$", t) for t in texts))
    columns = [f"c{i}" for i in range(len(texts))]
    path = tmp_path / "t.xlsx"
    out = XlsxOutput(str(path), columns, columns, [])
    out.write([texts])
    out.commit()
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    expected = [illegal.sub("\ufffd", neutralise(t)).replace("\r\n", "\n").replace("\r", "\n") for t in texts]
    assert list(sheet_rows(path, "结果")[1]) == expected
    # openpyxl marks xml:space="preserve" only on text with something besides whitespace (openpyxl.xml.functions.
    # whitespace), so python-calamine reads a cell of nothing but spaces or line breaks as "" (found by this test:
    # ["\n"]); a batch never writes one — echoed and carried text is stripped
    # (without that mark, XML's own spaces — space, tab, CR, LF — at either end are dropped; U+0085, which Python's
    # strip() counts as a space, is text to XML and stays)
    expected = [e.strip(" \t\r\n") if not e.strip() else e for e in expected]
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("结果").to_python()[1] == expected


def test_calc_csv_to_a_file_gets_a_bom(tmp_path: Path) -> None:
    """`xzcalc calc -f csv > r.csv` (issue 12: garbled in Excel on a Chinese Windows) starts with a BOM; a pipe not."""
    example = str(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml")
    with open(tmp_path / "r.csv", "wb") as f:
        done = subprocess.run([sys.executable, "-m", "xzcalc", "calc", example, "-f", "csv"], stdout=f, timeout=120)
    assert done.returncode == 0 and (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    piped = xzcalc("calc", example, "-f", "csv")
    assert piped.returncode == 0 and not piped.stdout.startswith("\ufeff")


def test_headcount_units_and_years_written_with_their_unit(tmp_path: Path) -> None:
    rows, _ = run_rows(
        tmp_path,
        "企业名称,所属年度,地区,从业人数（人）,employment.insured_months（个月）,应纳税所得额（万元）\n"
        "甲,2022年度,忻州,50,12,100\n乙,2022年,忻州,50,12,100\n丙,2022,忻州,50,12,100\n",
    )
    assert [r["error"] for r in rows] == [None] * 3 and [r["year"] for r in rows] == [2022] * 3
    assert items(rows[0]) == items(rows[1]) == items(rows[2])
    with pytest.raises(BatchError, match="the unit 万元 is for an amount in yuan, but employees is not one"):
        run_rows(tmp_path, "从业人数（万元）\n5\n")


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
    st.sampled_from(["忻州", "小规模纳税人", "制造业", "2022年", "12万五", "=1+1", " ", "1,234.5", "5%"]),
    st.dates(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=6), engine=st.sampled_from(["calamine", "openpyxl"])
)
def test_any_workbook_gives_one_row_per_non_blank_row(tmp_path: Path, rows: list[list[object]], engine: str) -> None:
    """Random cells of every type under a bureau's header: each non-blank row is one output row (computed or an error
    row), blank rows are counted, and nothing but a one-line BatchError stops the run — through either reader."""
    import xzcalc.batch.driver as driver
    from xzcalc.batch.xlsx import XlsxSource

    header = ["企业名称", "地区", "资产总额（万元）", "纳税人类型", "行业", "所属年度"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    rows = [[(None if isinstance(v, str) and v.startswith("=") else v) for v in row] for row in rows]  # no formulas
    for row in rows:
        sheet.append(row)
    path = tmp_path / "f.xlsx"
    book.save(path)
    out = tmp_path / "o.jsonl"

    class Engine(XlsxSource):
        def __init__(self, source: str, sheet: str | None) -> None:
            super().__init__(source, sheet, engine)

    original = driver.XlsxSource
    driver.XlsxSource = Engine  # type: ignore[misc]
    try:
        report = run(str(path), str(out), jobs=1)
    finally:
        driver.XlsxSource = original  # type: ignore[misc]
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]

    def blank(v: object) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    non_blank = [r for r in rows if not all(blank(v) for v in r)]
    assert len(got) == len(non_blank) == report.summary.rows
    assert all(r["error"] is None or "\n" not in r["error"] for r in got)


def test_the_terminal_summary_shows_at_most_thirty_values_of_a_group_column(tmp_path: Path) -> None:
    from xzcalc.views.summary import TERMINAL_GROUPS, summary_text

    text = "id,jurisdiction,sector,employees,income.taxable_income,企业\n"
    text += "".join(f"{i},xinzhou,C34,50,100万,企业{i}\n" for i in range(TERMINAL_GROUPS + 5))
    _, report = run_rows(tmp_path, text, group_by=("企业",))
    shown = summary_text(report, "zh")
    assert sum(1 for line in shown.splitlines() if line.startswith("  [企业: ")) == TERMINAL_GROUPS
    assert "--summary" in shown
    assert len(report.to_json()["by_column"]["企业"]) == TERMINAL_GROUPS + 5  # (all of them in the JSON)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terminal_summary_fits_the_width_wrapped_at_words(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line of the summary fits the terminal's width (COLUMNS, else stderr's terminal, else 80), long lines
    wrapped at words: nothing is lost, a policy id or a number is never cut, the number columns stay on their line."""
    from xzcalc.views.summary import summary_text, terminal_width
    from xzcalc.views.wrap import cells

    src = ROOT / "data" / "examples" / "enterprises.csv"
    report = run(str(src), str(tmp_path / "o.csv"), jobs=1, group_by=("jurisdiction",))
    wide = summary_text(report, lang, width=1000)
    assert max(map(cells, wide.splitlines())) > 100  # (there is something to wrap)
    words = set(re.findall(r"[a-z_]+(?:\.[a-z_]+)+|[\d,]+\.\d\d", wide))  # policy ids, amounts
    for width in (40, 60, 80, 120):
        text = summary_text(report, lang, width=width)
        assert all(cells(line) <= width for line in text.splitlines()), width
        assert "".join(text.split()) == "".join(wide.split()), width
        shown = set(re.findall(r"[a-z_]+(?:\.[a-z_]+)+|[\d,]+\.\d\d", text))
        assert words <= shown, (width, words - shown)
        for line in wide.splitlines():  # a table row's counts and amount (44 cells) stay together on one line
            if width >= 60 and (m := re.match(r"^( {4} *[\d,]+ +[\d,]+\.\d\d +[\d,]+)  ", line)):
                assert any(row.startswith(m[1]) for row in text.splitlines()), (width, m[1])
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_width() == 72 and summary_text(report, lang) == summary_text(report, lang, width=72)
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() == 80  # stderr is not a terminal under pytest


def test_a_kept_field_is_carried_as_written_and_still_read(tmp_path: Path) -> None:
    rows, report = run_rows(
        tmp_path, "企业名称,地区,所属县\n甲,忻州,代县\n", keep=("企业名称", "所属县"), group_by=("地区",)
    )
    assert rows[0]["name"] == "甲" and rows[0]["jurisdiction"] == "xinzhou" and rows[0]["error"] is None
    assert carried(rows[0], ("企业名称", "地区", "所属县")) == {"企业名称": "甲", "地区": "忻州", "所属县": "代县"}
    assert list(report.to_json()["by_column"]["地区"]) == ["忻州"]


def test_a_kept_column_named_as_an_output_column_is_carried_as_input_dot_name(tmp_path: Path) -> None:
    """--keep jurisdiction: the output's own `jurisdiction` is the computed id, the cell as written is carried as
    `input.jurisdiction` — every column name once, in CSV, JSONL and Parquet alike (a JSON object and a Parquet
    schema hold each name once; the CSV had two columns named jurisdiction)."""
    rows, _ = run_rows(tmp_path, "id,jurisdiction,income.taxable_income\nA,忻州,100万\n", keep=("jurisdiction",))
    assert rows[0]["jurisdiction"] == "xinzhou" and rows[0]["input.jurisdiction"] == "忻州"
    assert rows[0]["error"] is None
    out = tmp_path / "o.csv"
    run(str(tmp_path / "in.csv"), str(out), keep=("jurisdiction",))
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, first = list(csv.reader(f))[:2]
    assert len(header) == len(set(header))
    assert dict(zip(header, first, strict=True))["input.jurisdiction"] == "忻州"
    assert list(rows[0]) == header
    rows, _ = run_rows(tmp_path, "id,error,income.taxable_income\nA,x,abc\n", keep=("error",))
    assert rows[0]["error"].startswith('income.taxable_income: "abc" is not valid')  # (--keep error: still the error)
    assert rows[0]["input.error"] == "x"


def test_kept_columns_with_units_are_read_and_carried(tmp_path: Path) -> None:
    rows, _ = run_rows(
        tmp_path,
        "地区,资产总额（万元）,从业人数（万元）\n忻州,3000,5\n",
        keep=("资产总额（万元）", "从业人数（万元）"),
    )
    assert rows[0]["error"] is None
    kept = ("资产总额（万元）", "从业人数（万元）")
    assert carried(rows[0], kept) == {"资产总额（万元）": "3000", "从业人数（万元）": "5"}
    same, _ = run_rows(tmp_path, "jurisdiction,total_assets\nxinzhou,30000000\n")
    assert items(rows[0]) == items(same[0])  # the kept amount still read, in 万元
