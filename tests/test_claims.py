"""How each item is claimed (issue 12 §5, contract.md "Added 2026-11"): data/claims.toml against the documents'
texts, units only from documents in force where the enterprise is, the windows worked from their clauses, and the
`claim` and `receipt` of the JSON result."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from xzcalc.claims import claims_data, claims_for
from xzcalc.clauses import clause
from xzcalc.params import all_policies, catalogue, cites_in_force, jurisdictions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"


def _xzcalc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT
    )


def test_every_policy_has_a_claim_entry_and_every_channel_source_is_a_citation() -> None:
    data = claims_data()
    assert {p.id for p in all_policies()} == set(data["policy"])
    for pid, entry in data["policy"].items():
        assert entry["channel"] in ("on_return", "apply", "automatic"), pid
        assert entry.get("window") is None or entry["window"] in data["window"], pid
        assert entry.get("office") is None or entry["office"] in data["office"], pid


def test_every_unit_is_written_in_its_clause() -> None:
    """The 责任单位 of data/claims.toml are verbatim from the clause they are filed under (or, for `also`, from the
    clause that extends them: 忻政办发〔2022〕36号 第1条 '以下措施均需各县〈市、区〉人民政府落实')."""
    for cite, entry in claims_data()["clause"].items():
        found = clause(cite)
        assert found is not None, cite
        assert len(entry["zh"]) == len(entry["en"]) and entry["zh"], cite
        for unit in entry["zh"]:
            assert unit in found.text, (cite, unit)
        if "also_zh" in entry:
            also = clause(entry["also_source"])
            assert also is not None
            assert all(unit in also.text for unit in entry["also_zh"]), cite


def test_units_come_only_from_documents_in_force_where_the_enterprise_is() -> None:
    """An Inner Mongolia result never names a Xinzhou or Shanxi unit, a Shanxi one never a Xinzhou unit."""
    by_unit: dict[str, set[str]] = {}
    for cite, entry in claims_data()["clause"].items():
        for unit in (*entry["zh"], *entry.get("also_zh", ())):
            by_unit.setdefault(unit, set()).add(cite)
    offices = {o["zh"] for o in claims_data()["office"].values()}
    for j in jurisdictions():
        if j == "national":
            continue
        for pid, claim in claims_for(j, 2022).items():
            for unit in claim.units:
                assert unit.zh in offices or cites_in_force(sorted(by_unit[unit.zh]), j), (j, pid, unit.zh)
            assert cites_in_force(claim.sources, j) == claim.sources, (j, pid)
    im = claims_for("inner-mongolia", 2022)
    assert all(not u.zh.startswith(("市", "省", "忻州")) for c in im.values() for u in c.units)
    assert [u.zh for u in im["cit.small_low_profit"].units] == ["主管税务机关"]  # the plan has no CIT clause
    assert im["eo.heavy_pollution_exemption"].units[0].zh == "自治区生态环境厅"  # 内蒙古方案 第48条


def test_xinzhou_names_the_city_units_first() -> None:
    """忻政办发〔2022〕34号 第7条 ends （责任单位：市税务局、市财政局）;
    晋政办发〔2022〕34号 第7条 （责任单位：省税务局、省财政厅）."""
    claim = claims_for("xinzhou", 2022)["cit.small_low_profit"]
    assert [u.zh for u in claim.units][:2] == ["市税务局", "市财政局"]
    assert [u.zh for u in claims_for("shanxi", 2022)["cit.small_low_profit"].units] == ["省税务局", "省财政厅"]


def test_windows_worked_from_their_clauses() -> None:
    """企业所得税法 第五十四条: the annual return within five months of the year's end → 2023-01-01..2023-05-31 for
    2022; 个人所得税法 第十二条: 经营所得 by 31 March → 2023-03-31; 忻政办发〔2022〕86号 第七条: water and gas bills
    of 2022年12月至2023年3月; 人社部发〔2022〕23号: the refund runs to 2022-12-31, paid without a claim."""
    c = claims_for("xinzhou", 2022)
    assert (c["cit.small_low_profit"].start, c["cit.small_low_profit"].until) == (date(2023, 1, 1), date(2023, 5, 31))
    assert c["iit.individual_business_halving"].until == date(2023, 3, 31)
    assert (c["fees.water_gas_deferral"].start, c["fees.water_gas_deferral"].until) == (
        date(2022, 12, 1),
        date(2023, 3, 31),
    )
    assert c["fees.water_gas_deferral"].channel == "apply"  # 可申请缓缴
    assert c["ui.stable_job_refund"].channel == "automatic"
    assert c["ui.stable_job_refund"].until == date(2022, 12, 31)
    assert set(c) == {p.id for p in catalogue("xinzhou")}


def test_json_items_carry_claim_and_the_result_its_receipt(tmp_path: Path) -> None:
    out = _xzcalc("calc", str(EXAMPLE), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for item in data["items"]:
        assert set(item["claim"]) == {"channel", "units", "from", "until"}, item["policy"]
    slpe = next(i for i in data["items"] if i["policy"] == "cit.small_low_profit")
    assert slpe["claim"] == {
        "channel": "on_return",
        "units": ["市税务局", "市财政局", "各县〈市、区〉人民政府", "省税务局", "省财政厅"],
        "from": "2023-01-01",
        "until": "2023-05-31",
    }
    assert set(data["receipt"]) == {"xzcalc", "data_sha256", "reform_sha256"}
    assert data["receipt"]["reform_sha256"] is None
    reform = tmp_path / "reform.toml"
    reform.write_bytes((ROOT / "tests" / "snapshots" / "inputs" / "reform.toml").read_bytes())
    out = _xzcalc("calc", str(EXAMPLE), "--format", "json", "--params", str(reform))
    assert out.returncode == 0, out.stderr
    receipt = json.loads(out.stdout)["receipt"]
    assert receipt["reform_sha256"] == hashlib.sha256(reform.read_bytes()).hexdigest()
    assert receipt["data_sha256"] == data["receipt"]["data_sha256"]
