"""`calc --html` / `calc --svg`: a self-contained report with explanations and quoted clauses, every text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from markupsafe import escape
from typer.testing import CliRunner

from xzcalc.clauses import clause
from xzcalc.cli import app, build_profile
from xzcalc.engine import calculate

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


def escaped(text: str) -> str:
    """`text` as the page carries it: escaped by Jinja2's autoescape (markupsafe: ' as &#39;, " as &#34;)."""
    return str(escape(text))


def write_report(*args: str, tmp_path: Path, name: str = "report.html") -> str:
    out = tmp_path / name
    result = runner.invoke(app, ["calc", *args, "--html", str(out), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    return out.read_text(encoding="utf-8")


def test_report_has_amounts_reasons_arithmetic_and_quoted_clauses(example_profile: Path, tmp_path: Path) -> None:
    page = write_report(str(example_profile), "--lang", "en", tmp_path=tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    result = calculate(build_profile(str(example_profile), {}, []), explain=True)
    for item in result.items:
        if item.amount is not None and item.amount > 0:
            assert escaped(item.policy.title.en) in page
            assert f"{item.amount:,.2f}" in page
            for step in item.trace:
                assert escaped(step.get("en")) in page
    # every local source is quoted in full, escaped
    quoted = 0
    for item in result.items:
        if not item.eligible:
            continue
        for cite in item.policy.sources:
            found = clause(cite)
            if found is not None:
                assert escaped(found.text) in page, cite
                quoted += 1
    assert quoted > 20
    for kind in ("Tax reductions", "Subsidies and awards", "Kinds are never added together"):
        assert kind in page


def test_report_is_self_contained(example_profile: Path, tmp_path: Path) -> None:
    page = write_report(str(example_profile), tmp_path=tmp_path)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls  # the SVG namespace is a name, not a fetch


def test_everything_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script> & <evil-tag onclick="x">'
    page = write_report("--set", f"name={evil}", "--income", "3050000", tmp_path=tmp_path)
    assert "<script" not in page and "<evil-tag" not in page
    assert escaped(evil) in page
    svg_out = tmp_path / "b.svg"
    result = runner.invoke(app, ["calc", "--set", f"name={evil}", "--svg", str(svg_out)])
    assert result.exit_code == 0
    root = ET.parse(svg_out).getroot()  # well-formed despite the name
    assert evil in "".join(root.itertext())


def test_report_carries_advisories(tmp_path: Path) -> None:
    page = write_report("--income", "3050000", "--employees", "120", "--lang", "en", tmp_path=tmp_path)
    assert "Thresholds near or just past" in page
    assert "at 3,000,000 the income tax would be 125,000 instead of 762,500" in page


def test_report_with_reform(example_profile: Path, tmp_path: Path) -> None:
    reform = tmp_path / "r.toml"
    reform.write_text("[subsidy.first_set_equipment.cap]\nvalue = 500000\n", encoding="utf-8")
    page = write_report(
        str(example_profile),
        "--set",
        "first_set.1.price=600万",
        "--params",
        str(reform),
        "--lang",
        "en",
        tmp_path=tmp_path,
    )
    assert "Reform compared with the baseline" in page
    assert "subsidy.first_set_equipment.cap: 300,000 → 500,000" in page
    assert "+200,000.00" in page


def test_svg_breakdown(example_profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "breakdown.svg"
    result = runner.invoke(app, ["calc", str(example_profile), "--svg", str(out), "--format", "csv"])
    assert result.exit_code == 0
    root = ET.parse(out).getroot()
    bars = {Decimal(g.get("data-value", "")) for g in root.iter(f"{SVG}g") if g.get("class") == "bar"}
    calc = calculate(build_profile(str(example_profile), {}, []))
    expected = {it.amount for it in calc.items if it.amount is not None and it.amount > 0}
    assert bars == expected
    assert "忻州某机械制造有限公司" in "".join(root.itertext())


def test_unwritable_report_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["calc", "--employees", "3", "--html", str(tmp_path / "no" / "such" / "dir" / "r.html")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("xzcalc: error: --html: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_report_is_byte_stable(example_profile: Path, tmp_path: Path) -> None:
    a = write_report(str(example_profile), tmp_path=tmp_path, name="a.html")
    b = write_report(str(example_profile), tmp_path=tmp_path, name="b.html")
    assert a == b


def test_a_claim_window_past_on_the_report_date_says_so(tmp_path: Path) -> None:
    """The report is dated: a window that ended before its date says so (the second tester: a 2019 report dated
    2026 listed 2020-01-01 至 2020-05-31 as if it were open); none is marked on a date before the windows."""
    import subprocess
    import sys

    example = str(Path(__file__).resolve().parent.parent / "data" / "examples" / "xinzhou_manufacturer.toml")
    marks = []
    for year, day in (("2019", "2026-11-30"), ("2022", "2022-12-10")):
        page = tmp_path / f"r{year}.html"
        done = subprocess.run(
            [sys.executable, "-m", "xzcalc", "calc", example, "--year", year, "--html", str(page), "--date", day],
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
        marks.append(page.read_text(encoding="utf-8").count("截至报告日期已过"))
    assert marks[0] >= 1 and marks[1] == 0
