"""The client report (issue 12 §6): dated, Chinese first, no internal id, the material warnings only, the receipt,
the appendix printed only on request — and the bundled example printed by headless Chromium to at most two A4 pages
(skipped only when Chromium is absent: .ci/run installs it with fonts-noto-cjk)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from xzcalc.data import load_data
from xzcalc.params import all_policies
from xzcalc.receipt import data_sha256
from xzcalc.views.html import report_date

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"  # make run's (tests/test_terminal.py reads it)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _report(tmp_path: Path, *args: str, env: dict[str, str] | None = None, name: str = "r.html") -> str:
    out = tmp_path / name
    full_env = {"PATH": "/usr/bin:/bin", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "calc", *args, "--html", str(out), "--format", "json"],
        capture_output=True,
        cwd=ROOT,
        env=full_env,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


class _Text(HTMLParser):
    """The text a reader sees, split at the appendix (inside <details class="appendix">)."""

    def __init__(self) -> None:
        super().__init__()
        self.main: list[str] = []
        self.appendix: list[str] = []
        self._in_appendix = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details" and ("class", "appendix") in attrs:
            self._in_appendix = True
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            (self.appendix if self._in_appendix else self.main).append(data)


def _text(page: str) -> tuple[str, str]:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.main), " ".join(parser.appendix)


def test_report_is_dated_from_date_or_source_date_epoch(tmp_path: Path) -> None:
    page = _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30")
    assert "报告日期：2026-11-30" in page
    # 1,764,547,200 s = 2025-12-01 00:00 UTC (86,400 × 20,423 days after 1970-01-01)
    page = _report(tmp_path, str(EXAMPLE), env={"SOURCE_DATE_EPOCH": "1764547200"})
    assert "报告日期：2025-12-01" in page
    assert report_date(None, {"SOURCE_DATE_EPOCH": "1764547200"}) == date(2025, 12, 1)
    assert report_date("2023-05-31", {"SOURCE_DATE_EPOCH": "1764547200"}) == date(2023, 5, 31)
    assert report_date(None, {}) == date.today()
    bad = subprocess.run(
        [sys.executable, "-m", "xzcalc", "calc", str(EXAMPLE), "--html", str(tmp_path / "x.html"), "--date", "30.11"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("xzcalc: error: --date: ")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_report_shows_no_internal_id(tmp_path: Path) -> None:
    for example in sorted((ROOT / "data" / "examples").glob("*.toml")):
        page = _report(tmp_path, str(example), "--date", "2026-11-30")
        main, appendix = _text(page)
        ids = {p.id for p in all_policies()}
        assert not [i for i in ids if i in page], example.name  # not even in an attribute
        for internal in ("company", "individual-business", "reduced_rate", "eligible_only", "tax_reduction"):
            assert internal not in main, (example.name, internal)
        assert "reduced_rate" not in appendix


def test_report_lists_the_items_with_an_amount_and_how_to_claim_them(tmp_path: Path) -> None:
    page = _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30")
    main, _ = _text(page)
    # the small low-profit relief: 494,000.00, claimed on the return by 2023-05-31 (企业所得税法 第五十四条), the units
    # of 忻政办发〔2022〕34号 第7条 （责任单位：市税务局、市财政局）
    row = re.search(r"小型微利企业所得税减免.*?</tr>", page, re.S)
    assert row is not None
    assert "494,000.00" in row.group() and "申报享受" in row.group() and "2023-05-31" in row.group()
    assert "市税务局、市财政局" in row.group()
    assert "失业保险稳岗返还" in main and "免申即享" in main
    assert "高新技术企业设备器具加计扣除" not in main  # not eligible: only in the appendix
    assert "减税" in main and "缓税" in main


def test_report_carries_the_receipt(tmp_path: Path) -> None:
    main, _ = _text(_report(tmp_path, str(EXAMPLE), "--date", "2026-11-30"))
    assert data_sha256() in main and "xzcalc 0.1.0" in main
    reform = tmp_path / "reform.toml"
    reform.write_text("[subsidy.first_set_equipment.cap]\nvalue = 500000\n", encoding="utf-8")
    import hashlib

    page = _report(tmp_path, str(EXAMPLE), "--params", str(reform), "--date", "2026-11-30")
    assert hashlib.sha256(reform.read_bytes()).hexdigest() in page


def test_only_material_warnings_reach_the_report(tmp_path: Path) -> None:
    """The Inner Mongolia dairy workshop has three VAT-threshold advisories: +1,113.03, −636.00 and −159.00 yuan (its
    JSON's stakes). With the floor of data/report.toml (500 yuan) the report keeps the first two."""
    floor = Decimal(str(load_data("report.toml")["advisories"]["materiality_floor"]))
    assert floor == 500
    example = ROOT / "data" / "examples" / "inner_mongolia_dairy_workshop.toml"
    main, _ = _text(_report(tmp_path, str(example), "--date", "2026-11-30"))
    assert main.count("影响：") == 2
    assert "影响：1,113.03 元" in main and "影响：636 元" in main and "159" not in main


def test_the_appendix_prints_only_on_request(tmp_path: Path) -> None:
    page = _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30")
    assert "@media print{.appendix{display:none}body.with-appendix .appendix{display:block" in page
    assert '<body class="zh">' in page and '<details class="appendix">' in page
    with_appendix = _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30", "--appendix")
    assert '<body class="zh with-appendix">' in with_appendix and '<details class="appendix" open>' in with_appendix


def _pdf_pages(html: Path, pdf: Path) -> int:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_bundled_example_prints_to_at_most_two_a4_pages(tmp_path: Path, lang: str) -> None:
    _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30", "--lang", lang, name="report.html")
    pages = _pdf_pages(tmp_path / "report.html", tmp_path / "report.pdf")
    assert 1 <= pages <= 2, pages
    # the appendix, asked for, is printed too (on pages of its own)
    _report(tmp_path, str(EXAMPLE), "--date", "2026-11-30", "--lang", lang, "--appendix", name="full.html")
    assert _pdf_pages(tmp_path / "full.html", tmp_path / "full.pdf") > pages
