"""Tax years 2019–2027 (issue 11, years.md): every measure in every supported year is computed, not in force, or in
force but not computed — with its reason, never with another year's figures, never missing; the year moves through
the profile, --year, batch rows, compare --years and policies --year. The amounts themselves are in the golden cases
(tests/cases/years_*.toml)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xzcalc.analysis.compare import compare_years, shift_years
from xzcalc.cli import app
from xzcalc.data import tax_years
from xzcalc.engine import calculate
from xzcalc.params import jurisdiction_chain, local_documents
from xzcalc.schema.build import parse_profile
from xzcalc.schema.profile import load_profile
from xzcalc.views.machine import result_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.toml"))
MANUFACTURER = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def profile_of(path: Path, year: int | None = None) -> dict[str, object]:
    data = load_profile(path.read_text(encoding="utf-8"))
    if year is not None:
        data["year"] = year
    return data


def is_local(sources: tuple[str, ...]) -> bool:
    """A measure of the five documents only (every source a local document's clause)."""
    return all(s.startswith(local_documents()) for s in sources)


def test_the_supported_years_are_declared_once_in_data() -> None:
    years = tax_years()
    assert (years.first, years.last, years.default) == (2019, 2027, 2022)
    assert parse_profile({}).year == 2022
    for bad in ("2018", "2028"):
        code, _, err = run("calc", "--year", bad)
        assert code == 2
        assert err.strip().splitlines() == [
            f'xzcalc: error: year: "{bad}" is not valid — expected a tax year from 2019 to 2027 '
            "(the years xzcalc has data for)"
        ]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_measure_of_every_year_is_computed_or_says_why(path: Path) -> None:
    """Every offered policy appears every year; one not computed has amount 0.00 (or none), is not eligible and says
    why in both languages; the JSON carries its status."""
    for year in tax_years().all:
        result = calculate(parse_profile(profile_of(path, year)), explain=True)
        for it in result.items:
            for m in (*it.reasons, *it.trace):
                assert m.get("zh") and m.get("en"), (year, it.policy.id, m.id)
            if it.status == "computed":
                continue
            assert not it.eligible and not it.components and it.amount in (None, 0), (year, it.policy.id)
            assert it.reasons[-1].id in ("years.not_in_force", "years.not_in_force_one", "years.not_computed")
            assert str(year) in it.reasons[-1].get("en")
        statuses = {i["policy"]: i.get("status", "computed") for i in result_json(result, "en")["items"]}
        assert statuses == {it.policy.id: it.status for it in result.items}


def test_a_xinzhou_manufacturer_in_2024_gets_the_national_measures_and_no_local_one() -> None:
    """Issue 11: the national measures computed (with 2024's figures), every local 2022 measure not in force."""
    result = calculate(parse_profile(profile_of(MANUFACTURER, 2024)))
    assert set(jurisdiction_chain("xinzhou")) == {"national", "shanxi", "xinzhou"}
    # (a local measure is one of a local level; outside 2022 a national one cites no local plan — test_year_sources)
    local = [it for it in result.items if "national" not in it.policy.jurisdictions]
    national = [it for it in result.items if "national" in it.policy.jurisdictions]
    assert len(local) > 30
    for it in local:
        assert it.status == "not_in_force", it.policy.id
        assert it.reasons[-1].get("en").startswith("not in force in 2024")
    computed = {it.policy.id for it in national if it.status == "computed"}
    assert {
        "cit.rd_super_deduction",
        "cit.equipment_deduction",
        "cit.small_low_profit",
        "cit.preferential_rate",
        "iit.individual_business_halving",
        "vat.small_scale_exemption",
        "local.six_taxes_two_fees",
    } <= computed
    assert result.item("vat.credit_refund").status == "not_computed"
    assert result.item("ui.stable_job_refund").status == "not_computed"
    assert result.item("cit.high_tech_equipment_super_deduction").status == "not_in_force"
    # 2024's R&D rule: 100% for every eligible enterprise (2023年第7号), cited as such
    rd = result.item("cit.rd_super_deduction")
    # (2023年第7号 第四条 repealed 2021年第13号, the manufacturers' 100%)
    reasons = " ".join(r.get("en") for r in rd.reasons)
    assert "财政部 税务总局公告2023年第7号" in reasons and "2021年第13号" not in reasons
    assert result.totals["subsidy"] == 0 and result.totals["cost_saving"] == 0


def test_the_table_and_json_say_not_in_force() -> None:
    code, out, _ = run("calc", str(MANUFACTURER), "--year", "2024", "--lang", "en")
    assert code == 0
    assert "(not in force this year)" in out and "(not computed)" in out
    code, out, _ = run("calc", str(MANUFACTURER), "--year", "2024", "--format", "json")
    items = {i["policy"]: i for i in json.loads(out)["items"]}
    assert items["award.chain_leader_output"]["status"] == "not_in_force"
    assert items["vat.credit_refund"]["status"] == "not_computed"
    assert "status" not in items["cit.small_low_profit"]
    code, out, _ = run("calc", str(MANUFACTURER), "--format", "json")  # 2022: no status key anywhere
    assert all("status" not in i for i in json.loads(out)["items"])


def test_batch_rows_of_different_years_compute_each_with_its_own_year(tmp_path: Path) -> None:
    """One file, rows of 2019, 2022 and 2025 with T = 2,000,000: 150,000 / 75,000 / 100,000 of SLPE tax (years.md);
    a local measure's eligible column says not_in_force outside 2022; a row of 2028 is an error row."""
    rows = [
        "id,year,jurisdiction,sector,employees,total_assets,income.taxable_income",
        "a,2019,xinzhou,C34,120,3000万,200万",
        "b,2022,xinzhou,C34,120,3000万,200万",
        "c,2025,xinzhou,C34,120,3000万,200万",
        "d,2028,xinzhou,C34,120,3000万,200万",
    ]
    src = tmp_path / "years.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, _ = run("batch", str(src), "-o", str(out), "--jobs", "1")
    assert code == 1  # one error row
    got = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert {k: got[k]["cit.small_low_profit.amount"] for k in "abc"} == {
        "a": "350000.00",
        "b": "425000.00",
        "c": "400000.00",
    }
    assert got["a"]["year"] == "2019" and got["c"]["year"] == "2025"
    assert got["b"]["award.chain_leader_output.eligible"] == "false"
    assert got["c"]["award.chain_leader_output.eligible"] == "not_in_force"
    assert got["c"]["vat.credit_refund.eligible"] == "not_computed"
    assert "2019 to 2027" in got["d"]["error"]
    jsonl = tmp_path / "out.jsonl"
    run("batch", str(src), "-o", str(jsonl), "--jobs", "1")
    records = {r["id"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    # the JSONL has the CSV's columns, typed as in Parquet: a measure not computed that year has a null eligibility
    assert records["c"]["award.chain_leader_output.eligible"] is None
    assert records["b"]["award.chain_leader_output.eligible"] is False


def test_dates_move_with_the_year() -> None:
    profile = parse_profile(
        {
            "year": 2022,
            "established": "2020-02-29",
            "equipment": [{"unit_value": "100万", "years": 3, "in_service": "2022-06", "purchased": "2022-05-10"}],
            "history": {"small_low_profit": {"2020": False, "2021": True}},
        }
    )
    moved = shift_years(profile, 2025)
    assert moved.year == 2025
    assert moved.equipment[0].in_service == date(2025, 6, 1)
    assert moved.equipment[0].purchased == date(2025, 5, 10)
    assert moved.established == date(2023, 2, 28)  # (no 29 February in 2023)
    assert dict(moved.history.small_low_profit) == {2023: False, 2024: True}
    assert dict(shift_years(profile, 2019).history.small_low_profit) == {}  # 2017 and 2018 are not filing years


def test_compare_years_on_the_bundled_example() -> None:
    """compare --years: the SLPE line changes with the year; the local measures are there only in 2022."""
    code, out, _ = run("compare", str(MANUFACTURER), "--years", "2021,2022,2023,2025", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["years"] == [2021, 2022, 2023, 2025]
    assert (
        "move with the year"
        in run("compare", str(MANUFACTURER), "--years", "2021,2022,2023,2025", "--lang", "en", "--format", "json")[1]
    )
    items = {i["policy"]: i for i in data["items"]}
    chain = items["award.chain_leader_output"]
    assert chain["status"] == {
        "2021": "not_in_force",
        "2022": "computed",
        "2023": "not_in_force",
        "2025": "not_in_force",
    }
    assert chain["changed_in"] == [2022, 2023]
    assert items["cit.rd_super_deduction"]["changed_in"] == []
    assert data["totals_changed_in"]["subsidy"] == [2022, 2023]
    code, out, _ = run("compare", str(MANUFACTURER), "--years", "2021,2022,2023,2025", "--lang", "en")
    assert code == 0 and "tax years compared" in out and "changed in" in out
    code, out, _ = run("compare", str(MANUFACTURER), "--years", "2022,2025", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header == ["policy", "kind", "certainty", "2022", "2025", "changed_in"]
    assert run("compare", str(MANUFACTURER), "--years", "2021,2028")[0] == 2


def test_compare_years_matches_calc_of_each_year() -> None:
    """A column of compare --years is calc of the profile moved to that year — the same numbers."""
    profile = parse_profile(profile_of(MANUFACTURER))
    cmp = compare_years(profile, [2019, 2023])
    for col, year in enumerate((2019, 2023)):
        alone = calculate(shift_years(profile, year))
        assert [(i.policy.id, i.amount, i.status) for i in cmp.results[col].items] == [
            (i.policy.id, i.amount, i.status) for i in alone.items
        ]


def test_policies_lists_the_catalogue_in_force_that_year() -> None:
    def ids(year: str) -> dict[str, str]:
        code, out, _ = run("policies", "--year", year, "--format", "json")
        assert code == 0
        return {p["id"]: p.get("status", "computed") for p in json.loads(out)["policies"]}

    y2022, y2019 = ids("2022"), ids("2019")
    assert "award.chain_leader_output" in y2022 and "award.chain_leader_output" not in y2019
    assert "iit.individual_business_halving" not in y2019  # none before 2021
    assert y2019["vat.credit_refund"] == "not_computed" and y2022["vat.credit_refund"] == "computed"
    assert "cit.small_low_profit" in y2019
