"""`xzcalc compare` (three jurisdictions side by side) and reforms (`--params`) shown against the baseline."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xzcalc.cli import app
from xzcalc.engine import calculate
from xzcalc.model import KINDS
from xzcalc.money import fmt_amount
from xzcalc.params import catalogue

runner = CliRunner()
XINZHOU_ONLY = (
    "subsidy.first_set_equipment",
    "award.chain_leader_output",
    "award.whitelist_growth",
    "relief.dev_zone_rent",
    "finance.guarantee_fee_halving",
    "finance.startup_loan_interest",
    "fees.water_gas_deferral",
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def compare_json(*args: str) -> dict[str, Any]:
    code, out, err = invoke("compare", *args, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_xinzhou_manufacturer_xinzhou_only_items_missing_elsewhere(example_profile: Path) -> None:
    data = compare_json(str(example_profile))
    assert data["jurisdictions"] == ["xinzhou", "shanxi", "inner-mongolia"]
    items = {i["policy"]: i for i in data["items"]}
    # the example is eligible for these Xinzhou-only awards and subsidies …
    for pid in (
        "subsidy.first_set_equipment",
        "relief.dev_zone_rent",
        "finance.guarantee_fee_halving",
        "fees.water_gas_deferral",
    ):
        assert Decimal(items[pid]["amounts"]["xinzhou"]) > 0, pid
    # … and none of the Xinzhou-only policies exists in Shanxi or Inner Mongolia
    for pid in XINZHOU_ONLY:
        assert items[pid]["offered"] == {"xinzhou": True, "shanxi": False, "inner-mongolia": False}, pid
        assert items[pid]["amounts"]["shanxi"] is None and items[pid]["amounts"]["inner-mongolia"] is None
    # Shanxi's own subsidies are in Xinzhou (it inherits them) but not in Inner Mongolia
    voucher = items["subsidy.innovation_voucher"]
    assert voucher["offered"] == {"xinzhou": True, "shanxi": True, "inner-mongolia": False}
    assert data["totals"]["xinzhou"]["subsidy"] != data["totals"]["inner-mongolia"]["subsidy"]


def test_compare_matches_calc_in_each_jurisdiction(example_profile: Path) -> None:
    data = compare_json(str(example_profile))
    items = {i["policy"]: i for i in data["items"]}
    for j in data["jurisdictions"]:
        code, out, err = invoke("calc", str(example_profile), "--jurisdiction", j, "--format", "json", "--margin", "0")
        assert code == 0, err
        calc = json.loads(out)
        assert calc["totals"] == data["totals"][j]
        offered = {p.id for p in catalogue(j)}
        for it in calc["items"]:
            assert items[it["policy"]]["amounts"][j] == it["amount"]
        assert {pid for pid, i in items.items() if i["offered"][j]} == offered


def test_totals_are_per_kind_never_added(example_profile: Path) -> None:
    data = compare_json(str(example_profile))
    for j in data["jurisdictions"]:
        assert set(data["totals"][j]) == set(KINDS)


def test_table(example_profile: Path) -> None:
    code, out, _ = invoke("compare", str(example_profile), "--lang", "en")
    assert code == 0
    for title in ("Xinzhou", "Shanxi", "Inner Mongolia", "Totals by kind", "not offered"):
        assert title in out
    assert "—" in out


def test_csv(example_profile: Path) -> None:
    code, out, _ = invoke("compare", str(example_profile), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["policy", "kind", "certainty", "xinzhou", "shanxi", "inner-mongolia"]
    first_set = next(r for r in rows if r[0] == "subsidy.first_set_equipment")
    assert first_set[3] != "" and first_set[4] == "" and first_set[5] == ""
    assert [r[0] for r in rows[-5:]] == [f"total.{k}" for k in KINDS]


def test_compare_bad_profile_exits_2() -> None:
    code, out, err = invoke("compare", "--set", "employees=-1")
    assert code == 2 and out == ""
    assert err.startswith("xzcalc: error: employees:")


# ── reforms ──────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def first_set_reform(tmp_path: Path) -> Path:
    path = tmp_path / "first_set_500k.toml"
    path.write_text(
        '[subsidy.first_set_equipment.cap]\nvalue = 500000\ndescription = "raise the first-set cap"\n', encoding="utf-8"
    )
    return path


def test_first_set_cap_reform_changes_exactly_that_item(example_profile: Path, first_set_reform: Path) -> None:
    # a first-set purchase of 6,000,000: 10% = 600,000, capped at 300,000; the reform raises the cap to 500,000
    code, out, err = invoke(
        "calc",
        str(example_profile),
        "--set",
        "first_set.1.price=600万",
        "--params",
        str(first_set_reform),
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["difference"]["items"]["subsidy.first_set_equipment"] == "200000.00"
    changed = {pid: d for pid, d in data["difference"]["items"].items() if Decimal(d) != 0}
    assert changed == {"subsidy.first_set_equipment": "200000.00"}
    assert data["difference"]["totals"] == {k: ("200000.00" if k == "subsidy" else "0.00") for k in KINDS}
    base = {i["policy"]: i for i in data["baseline"]["items"]}
    new = {i["policy"]: i for i in data["reformed"]["items"]}
    assert base["subsidy.first_set_equipment"]["amount"] == "300000.00"
    assert new["subsidy.first_set_equipment"]["amount"] == "500000.00"
    assert all(base[p] == new[p] for p in base if p != "subsidy.first_set_equipment")
    assert data["reform"]["changed"] == [
        {
            "name": "subsidy.first_set_equipment.cap",
            "description": data["reform"]["changed"][0]["description"],
            "source": "忻政办发〔2022〕34号 第46条",
            "baseline": "300000",
            "reform": "500000",
        }
    ]
    assert data["reformed"]["changed_params"] == ["subsidy.first_set_equipment.cap"]


def test_reform_table_names_the_parameter(example_profile: Path, first_set_reform: Path) -> None:
    code, out, _ = invoke(
        "calc",
        str(example_profile),
        "--set",
        "first_set.1.price=600万",
        "--params",
        str(first_set_reform),
        "--lang",
        "en",
    )
    assert code == 0
    flat = " ".join(out.split())
    assert "subsidy.first_set_equipment.cap: 300,000 → 500,000" in flat
    assert "+200,000.00" in flat
    for head in ("Baseline", "Reform", "Difference"):
        assert head in out


def test_reform_csv(example_profile: Path, first_set_reform: Path) -> None:
    code, out, _ = invoke(
        "calc",
        str(example_profile),
        "--set",
        "first_set.1.price=600万",
        "--params",
        str(first_set_reform),
        "--format",
        "csv",
    )
    assert code == 0
    rows = {r[0]: r for r in csv.reader(io.StringIO(out))}
    assert rows["subsidy.first_set_equipment"][2:] == ["300000.00", "500000.00", "200000.00"]
    assert rows["total.subsidy"][4] == "200000.00"


def test_reform_of_a_b1_parameter(tmp_path: Path) -> None:
    # B1–B6 parameter: the small low-profit income line raised to 5,000,000
    reform = tmp_path / "slpe.toml"
    reform.write_text("[cit.small_low_profit.income_limit]\nvalue = 5000000\n", encoding="utf-8")
    code, out, err = invoke(
        "calc", "--income", "4000000", "--employees", "50", "--params", str(reform), "--format", "json", "--margin", "0"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["baseline"]["cit"]["tax_final"] == "1000000.00"
    assert data["reformed"]["cit"]["tax_final"] == "175000.00"  # 25,000 + 3,000,000 × 25% × 20%
    assert data["difference"]["items"]["cit.small_low_profit"] == "825000.00"


def test_reform_in_compare(example_profile: Path, first_set_reform: Path) -> None:
    data = compare_json(str(example_profile), "--set", "first_set.1.price=600万", "--params", str(first_set_reform))
    items = {i["policy"]: i for i in data["items"]}
    cell = items["subsidy.first_set_equipment"]["amounts"]["xinzhou"]
    assert cell == {"baseline": "300000.00", "reform": "500000.00", "difference": "200000.00"}
    assert items["subsidy.first_set_equipment"]["amounts"]["shanxi"] == {
        "baseline": None,
        "reform": None,
        "difference": None,
    }
    assert data["totals"]["xinzhou"]["subsidy"]["difference"] == "200000.00"
    assert data["totals"]["shanxi"]["subsidy"]["difference"] == "0.00"
    assert data["reform"]["changed"]["shanxi"] == []  # Shanxi has no such parameter


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[no.such.parameter]\nvalue = 1\n", "no.such.parameter: not a parameter of xzcalc"),
        ('[subsidy.first_set_equipment.cap]\nvalue = "lots"\n', "expected a number, like the current value"),
        ("[subsidy.first_set_equipment.cap\n", "is not valid TOML"),
    ],
)
def test_bad_reform_exits_2(tmp_path: Path, content: str, message: str) -> None:
    reform = tmp_path / "bad.toml"
    reform.write_text(content, encoding="utf-8")
    for command in (["calc"], ["compare"], ["sweep", "--steps", "2"]):
        code, out, err = invoke(*command, "--params", str(reform))
        assert code == 2 and out == ""
        assert err.startswith("xzcalc: error: ") and message in err
        assert len(err.strip().splitlines()) == 1


def test_missing_reform_file_exits_2() -> None:
    code, _out, err = invoke("calc", "--params", "nowhere.toml")
    assert code == 2
    assert "--params: 'nowhere.toml' is not a readable file" in err


def test_calculate_with_reform_matches_cli(example_profile: Path, first_set_reform: Path) -> None:
    from xzcalc.cli import build_profile
    from xzcalc.reform import load_reform

    profile = build_profile(str(example_profile), {}, ["first_set.1.price=600万"])
    reformed = calculate(profile, reform=load_reform(first_set_reform))
    assert fmt_amount(reformed.item("subsidy.first_set_equipment").amount or Decimal(0)) == "500000.00"
    shanxi = calculate(replace(profile, jurisdiction="shanxi"), reform=load_reform(first_set_reform))
    assert "subsidy.first_set_equipment" not in {i.policy.id for i in shanxi.items}


def test_reform_table_with_explain_shows_the_arithmetic_at_the_reformed_rate(
    example_profile: Path, tmp_path: Path
) -> None:
    """The table view used to drop --explain when --params was given; now it shows the reformed result's arithmetic,
    stating the rate the chain used (30%), never the 25% of the baseline."""
    reform = tmp_path / "reform.toml"
    reform.write_text("[cit.rate]\nvalue = 0.3\n", encoding="utf-8")
    code, out, err = invoke("calc", str(example_profile), "--params", str(reform), "--explain", "--lang", "en")
    assert code == 0, err
    assert "tax saved = 30% × T0 − 30% × T1" in out
    assert "25% × T" not in out


def test_compare_years_with_a_reform_reports_the_reform_side_too() -> None:
    """A reform raising the SLPE income line to 5,000,000 opens the relief at T = 4,000,000 in every year: the JSON
    says so (eligible_reform), and the years the line changed come from the reform's amounts as well as the
    baseline's (the second tester: changed_in was empty and eligible false while the reform gave 650,000 …)."""
    import json
    import subprocess
    import sys
    import tempfile

    reform = (
        "[cit.small_low_profit.income_limit]\nvalues = [{ from = 2019-01-01, until = 2027-12-31, value = 5000000 }]\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, encoding="utf-8") as f:
        f.write(reform)
    args = ["--set", "income.taxable_income=4000000", "--set", "employees=50", "--set", "total_assets=1000000"]
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "compare", *args, "--years", "2021,2022", "--params", f.name, "-f", "json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    item = next(i for i in json.loads(done.stdout)["items"] if i["policy"] == "cit.small_low_profit")
    assert item["eligible"] == {"2021": False, "2022": False}
    assert item["eligible_reform"] == {"2021": True, "2022": True}
    assert item["amounts"]["2021"]["baseline"] == "0.00" and item["amounts"]["2021"]["reform"] != "0.00"
    assert item["changed_in"] == [2022]  # (2021 and 2022 bands differ: the reform's amounts change)
