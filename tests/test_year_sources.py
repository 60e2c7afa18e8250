"""Citations follow the tax year (brief: "citations are only documents in force where the enterprise is"; years.md).

Outside the five documents' year (2022), a national measure cites the announcements of that year — the clauses its
rule quoted for the parameters it read — and never the 2022 action plans that restated it; its claim names the office
that receives it, not the action plans' 责任单位. 2022 itself is unchanged (the snapshots hold it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xzcalc import calculate, load_profile, parse_profile
from xzcalc.model import Item, Result
from xzcalc.params import local_documents

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples" / "xinzhou_manufacturer.toml"


def _result(year: int) -> Result:
    document = load_profile(EXAMPLE.read_text(encoding="utf-8"))
    return calculate(parse_profile({**document, "year": year}))


def test_rd_in_2024_cites_2023_no_7() -> None:
    # 财政部 税务总局公告2023年第7号 第一条: 100% for every eligible enterprise from 2023; its 第四条 repealed
    # 2021年第13号 (manufacturers' 100%) and 2022年第16号 — so a manufacturer's 2024 rate is cited from 2023年第7号
    item = calculate_item(2024, "cit.rd_super_deduction")
    assert item.policy.sources == ("财政部 税务总局公告2023年第7号 第一条",)
    assert all("2021年第13号" not in r.get("zh") for r in item.reasons)
    assert item.amount is not None and item.amount > 0


def calculate_item(year: int, policy: str) -> Item:
    return _result(year).item(policy)


@pytest.mark.parametrize("year", [2019, 2021, 2023, 2024, 2027])
def test_no_local_plan_cited_for_a_national_measure_outside_2022(year: int) -> None:
    result = _result(year)
    local = local_documents()
    for item in result.items:
        if "national" in item.policy.jurisdictions:  # (computed, or listed as not in force / not computed)
            assert not [s for s in item.policy.sources if s.startswith(local)], item.policy.id
        if item.status == "computed" and "national" in item.policy.jurisdictions:
            claim = result.claims[item.policy.id]
            assert not any(u.zh.startswith(("市", "省")) for u in claim.units), (item.policy.id, claim.units)


def test_2022_still_cites_the_action_plans() -> None:
    result = _result(2022)
    item = result.item("cit.rd_super_deduction")
    assert "忻政办发〔2022〕34号 第11条" in item.policy.sources
    assert any(u.zh == "市税务局" for u in result.claims["cit.rd_super_deduction"].units)


@pytest.mark.parametrize("year", [2019, 2024])
def test_national_benefits_without_an_amount_continue_outside_2022(year: int) -> None:
    """The vehicle and vessel tax exemption for new-energy vehicles (财税〔2018〕74号, no end date) and the hardship
    relief of 房产税/城镇土地使用税 (their regulations) are in force before and after 2022: listed as in force but not
    computed — not as "not in force", which years.md keeps for the local measures outside their windows."""
    result = _result(year)
    for pid in ("eo.nev_vehicle_vessel_tax", "eo.property_land_tax_hardship", "eo.ui_rate_reduction"):
        assert result.item(pid).status == "not_computed", pid
    assert _result(2026).item("eo.ui_rate_reduction").status == "not_in_force"  # (extended to 2025-12-31 only)


def test_outside_2022_no_claim_for_a_measure_not_computed_and_no_local_plan_in_policies() -> None:
    """A measure not in force (or not computed) in 2019 has no claim window in the JSON (a 2019 run offered the
    2022 Xinzhou units and a 2020 window for it), and `policies --year 2019` cites no 2022 action plan for a national
    measure (the second tester's findings 5 and 8)."""
    import json
    import subprocess
    import sys

    root = EXAMPLE.parent.parent.parent
    run = [sys.executable, "-m", "xzcalc"]
    out = subprocess.run([*run, "calc", str(EXAMPLE), "--year", "2019", "-f", "json"], capture_output=True, cwd=root)
    items = json.loads(out.stdout)["items"]
    assert [i["policy"] for i in items if i.get("status") and "claim" in i] == []
    assert any("claim" in i for i in items if not i.get("status"))
    out = subprocess.run([*run, "policies", "--year", "2019", "-f", "json"], capture_output=True, cwd=root)
    policies = json.loads(out.stdout)
    local = local_documents()
    assert policies["receipt"]["data_sha256"]
    for p in policies["policies"]:
        if "national" in p["jurisdictions"]:
            assert not [s for s in p["sources"] if s.startswith(local)], p["id"]
