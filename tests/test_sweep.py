"""`xzcalc sweep`: totals as one field varies; the 3,000,000 cliff must be visible in the SVG, structurally and in a
real browser (skipped when chromium is absent)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xzcalc.cli import app

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"
SWEEP = [
    "sweep",
    "--set",
    "employees=120",
    "--field",
    "income.taxable_income",
    "--from",
    "0",
    "--to",
    "5000000",
    "--steps",
    "50",
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def points(polyline: ET.Element) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(x), Decimal(y)) for x, y in (p.split(",") for p in (polyline.get("points") or "").split())]


def test_svg_shows_the_cliff_at_3_000_000(tmp_path: Path) -> None:
    svg = tmp_path / "sweep.svg"
    code, _out, err = invoke(*SWEEP, "--svg", str(svg), "--format", "csv", "--lang", "en")
    assert code == 0, err
    root = ET.parse(svg).getroot()
    left, right = Decimal(root.get("data-plot-left", "")), Decimal(root.get("data-plot-right", ""))
    top, bottom = Decimal(root.get("data-plot-top", "")), Decimal(root.get("data-plot-bottom", ""))
    x_min, x_max = Decimal(root.get("data-x-min", "")), Decimal(root.get("data-x-max", ""))
    y_min, y_max = Decimal(root.get("data-y-min", "")), Decimal(root.get("data-y-max", ""))

    def x_px(x: Decimal) -> Decimal:
        return left + (x - x_min) / (x_max - x_min) * (right - left)

    def yuan(y_px: Decimal) -> Decimal:
        return y_min + (bottom - y_px) / (bottom - top) * (y_max - y_min)

    series = {p.get("data-series"): p for p in root.iter(f"{SVG}polyline")}
    assert {"income_tax", "total.tax_reduction", "effective_rate"} <= set(series)
    cliff = x_px(Decimal(3_000_000))
    tax = points(series["income_tax"])
    # two neighbouring points at the 3,000,000 x-position (3,000,000 and 3,000,001): the line jumps up there …
    jumps = [(a, b) for a, b in pairwise(tax) if abs(a[0] - cliff) < 1 and abs(b[0] - cliff) < 1]
    assert len(jumps) == 1
    (_xa, ya), (_xb, yb) = jumps[0]
    assert yb < ya  # SVG y grows downward: the tax goes up
    assert abs(yuan(ya) - 125_000) < 3_000 and abs(yuan(yb) - Decimal("750000.25")) < 3_000
    # … and the relief line drops to zero there
    relief = points(series["total.tax_reduction"])
    drops = [(a, b) for a, b in pairwise(relief) if abs(a[0] - cliff) < 1 and abs(b[0] - cliff) < 1]
    assert len(drops) == 1 and abs(yuan(drops[0][1][1])) < 3_000 and yuan(drops[0][0][1]) > 500_000
    # everywhere else the tax line has no jump of that size
    others = [abs(b[1] - a[1]) for a, b in pairwise(tax) if (a, b) != jumps[0]]
    assert max(others) < abs(yb - ya) / 5
    # the threshold is marked and labelled; axes have ticks and a legend
    marks = [m.get("data-x") for m in root.iter(f"{SVG}line") if m.get("data-x")]
    assert "3000000.00" in marks and "1000000.00" in marks
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for label in ("3M", "small low-profit line", "income tax after relief", "effective income-tax rate", "25.0%"):
        assert label in texts


def test_csv_every_point_and_both_sides_of_each_line() -> None:
    code, out, _ = invoke(*SWEEP, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    values = [r["income.taxable_income"] for r in rows]
    assert len(rows) == 51 + 2  # 51 grid values; 1,000,001 and 3,000,001 added (1,000,000 and 3,000,000 on the grid)
    assert values == sorted(values, key=Decimal)
    by_value = {r["income.taxable_income"]: r for r in rows}
    assert by_value["3000000.00"]["income_tax"] == "125000.00"
    assert by_value["3000001.00"]["income_tax"] == "750000.25"
    assert by_value["3000001.00"]["edge"] == "cit.small_low_profit.income_limit"
    assert by_value["2000000.00"]["effective_rate"] == "0.037500"
    assert by_value["0.00"]["effective_rate"] == ""


def test_json_and_items() -> None:
    code, out, _ = invoke(*SWEEP[:-1], "10", "--item", "cit.small_low_profit", "--format", "json", "--lang", "en")
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    assert data["field"] == "income.taxable_income"
    assert [line["threshold"] for line in data["lines"]] == [
        "cit.small_low_profit.band1_limit",
        "cit.small_low_profit.income_limit",
    ]
    by_value = {p["value"]: p for p in data["points"]}
    assert by_value["2000000.00"]["item.cit.small_low_profit"] == "425000.00"
    assert by_value["3000001.00"]["item.cit.small_low_profit"] == "0.00"
    assert "item.cit.small_low_profit" in data["columns"]


def test_table_has_a_terminal_chart() -> None:
    code, out, _ = invoke(*SWEEP[:-1], "10", "--lang", "en")
    assert code == 0
    assert "┤" in out and "└" in out and "│" in out  # axis, and the vertical bar of the cliff
    assert "3,000,001 ◆" in out


def test_other_fields_and_reform(tmp_path: Path) -> None:
    reform = tmp_path / "r.toml"
    reform.write_text("[cit.small_low_profit.employee_limit]\nvalue = 400\n", encoding="utf-8")
    code, out, err = invoke(
        "sweep",
        "--set",
        "income.taxable_income=2000000",
        "--field",
        "employees",
        "--from",
        "250",
        "--to",
        "450",
        "--steps",
        "4",
        "--params",
        str(reform),
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    by_value = {p["value"]: p for p in data["points"]}
    assert by_value["300"]["income_tax"] == "75000.00" and by_value["301"]["income_tax"] == "500000.00"
    assert by_value["301"]["reform"]["income_tax"] == "75000.00"  # the reform's line is 400
    assert data["reform_changes"]["changed"][0]["name"] == "cit.small_low_profit.employee_limit"


def test_html_page(tmp_path: Path) -> None:
    page = tmp_path / "sweep.html"
    code, _out, err = invoke(*SWEEP[:-1], "10", "--html", str(page), "--format", "csv")
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<table>" in text
    assert "<script" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--field", "name"], "--field: 'name' is not a numeric field"),
        (["--field", "nosuch.field"], "--field: 'nosuch.field' is not valid"),
        (["--from", "lots"], "--from: 'lots' is not valid for income.taxable_income"),
        (["--field", "employees", "--to", "-5"], "--to: '-5' is not valid for employees"),
        (["--item", "no.such.policy"], "--item: 'no.such.policy' is not offered in xinzhou"),
        (["--steps", "0"], "--steps"),
    ],
)
def test_bad_sweep_exits_2(args: list[str], message: str) -> None:
    code, out, err = invoke("sweep", *args)
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err


# ── the browser: does a person see the cliff? ────────────────────────────────────────────────────────────────


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_svg_renders_in_a_headless_browser(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    svg = tmp_path / "sweep.svg"
    code, _out, _err = invoke(*SWEEP, "--svg", str(svg), "--format", "csv", "--lang", "en")
    assert code == 0
    png = tmp_path / "sweep.png"
    profile_dir = tmp_path / "chromium-profile"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile_dir}",
            f"--screenshot={png}",
            "--window-size=1000,650",
            svg.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 650)
    assert len(data) > 20_000  # a chart, not a blank page


def test_vat_quarter_edges_from_zero() -> None:
    # from 0 there are no 3% sales yet: the line is still found (seen from the other end of the range)
    code, out, _ = invoke(
        "sweep",
        "--field",
        "vat.sales_3pct.1",
        "--set",
        "vat.taxpayer=small-scale",
        "--from",
        "0",
        "--to",
        "900000",
        "--steps",
        "3",
        "--format",
        "csv",
    )
    assert code == 0
    rows = {r["vat.sales_3pct.1"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["450000.00"]["edge"] == rows["450001.00"]["edge"] == "vat.small_scale.quarter_threshold"
    # Q1 2022 above 450,000: the 3% rate reduced to 1% instead of exempt — the relief drops at the line
    assert Decimal(rows["450001.00"]["total.tax_reduction"]) < Decimal(rows["450000.00"]["total.tax_reduction"])
