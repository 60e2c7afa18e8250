"""Threshold advisories: the line, the distance and the yuan at stake — each stake checked against a real re-run."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xzcalc.analysis.advisor import THRESHOLDS, advise
from xzcalc.analysis.whatif import get_path, with_path
from xzcalc.cli import app
from xzcalc.data import data_dir, tax_years
from xzcalc.engine import calculate
from xzcalc.messages import message_ids
from xzcalc.model import Advisory
from xzcalc.params import jurisdictions, param_set
from xzcalc.reform import parse_reform
from xzcalc.rules import MODULES
from xzcalc.rules.thresholds import INDICATORS, SIZE_CLASS, TableThreshold, Threshold
from xzcalc.schema.build import parse_profile

runner = CliRunner()
SLPE_LINE = "cit.small_low_profit.income_limit"


def calc_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["calc", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def only(advisories: list[dict[str, Any]], threshold: str) -> dict[str, Any]:
    found = [a for a in advisories if a["threshold"] == threshold]
    assert len(found) == 1, [a["threshold"] for a in advisories]
    return found[0]


# ── the "done when": 3,050,000 and 120 employees ─────────────────────────────────────────────────────────────


def test_income_just_over_the_line_matches_a_rerun_at_the_line() -> None:
    data = calc_json("--income", "3050000", "--employees", "120", "--sector", "C34", "--lang", "en")
    a = only(data["advisories"], SLPE_LINE)
    assert a["line"] == "3000000.00"
    assert a["distance"] == "50000.00"
    assert a["position"] == "above"
    assert a["field"] == "income.taxable_income"
    assert a["moved_to"] == "3000000.00"
    assert "3,000,000" in a["message"] and "50,000" in a["message"]
    assert a["message"].startswith("taxable income 3,050,000 is 50,000 over the small low-profit line (≤ 3,000,000)")
    assert "at 3,000,000 the income tax would be 125,000 instead of 762,500" in a["message"]
    # the stake is what `calc` itself says at 3,000,000
    at_line = calc_json("--income", "3000000", "--employees", "120", "--sector", "C34")
    assert a["stake"]["now"] == data["cit"]["tax_final"] == "762500.00"
    assert a["stake"]["moved"] == at_line["cit"]["tax_final"] == "125000.00"
    items_now = {i["policy"]: i["amount"] for i in data["items"]}
    items_moved = {i["policy"]: i["amount"] for i in at_line["items"]}
    for change in a["items"]:
        assert items_now[change["policy"]] == change["now"]
        assert items_moved[change["policy"]] == change["moved"]
    for kind, delta in a["totals"].items():
        assert Decimal(at_line["totals"][kind]) - Decimal(data["totals"][kind]) == Decimal(delta)
    assert a["parameter"] == SLPE_LINE
    assert "2022年第13号" in a["source"]


def test_chinese_message() -> None:
    data = calc_json("--income", "3050000", "--employees", "120")
    a = only(data["advisories"], SLPE_LINE)
    assert a["message"].startswith("应纳税所得额 3,050,000 高于小型微利企业所得额标准（≤ 3,000,000）50,000")
    assert "若为 3,000,000，企业所得税将为 125,000，而非 762,500" in a["message"]


def test_just_under_the_line_shows_the_cliff() -> None:
    data = calc_json("--income", "2950000", "--employees", "120", "--lang", "en")
    a = only(data["advisories"], SLPE_LINE)
    assert a["position"] == "below" and a["moved_to"] == "3000001.00"
    assert a["stake"]["moved"] == "750000.25"  # policies.md B1: at 3,000,001 the company pays 750,000.25
    assert a["stake"]["now"] == "122500.00"


def test_exactly_at_the_line() -> None:
    data = calc_json("--income", "3000000", "--employees", "120", "--lang", "en")
    a = only(data["advisories"], SLPE_LINE)
    assert a["position"] == "at" and a["distance"] == "0.00"
    assert "exactly at the small low-profit line" in a["message"]


def test_table_shows_the_panel() -> None:
    result = runner.invoke(app, ["calc", "--income", "3050000", "--employees", "120", "--lang", "en"])
    assert result.exit_code == 0
    assert "Thresholds near or just past" in result.stdout
    assert "50,000 over the small low-profit line" in " ".join(result.stdout.split())


# ── the margin ───────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("margin", "expected"), [("10%", True), ("0.02", True), ("1%", False), ("0", False)])
def test_margin(margin: str, expected: bool) -> None:
    data = calc_json("--income", "3050000", "--employees", "120", "--margin", margin)
    assert any(a["threshold"] == SLPE_LINE for a in data["advisories"]) is expected


def test_far_from_every_line_no_advisory() -> None:
    assert calc_json("--income", "2000000", "--employees", "120", "--revenue", "8000万")["advisories"] == []


def test_bad_margin_exits_2() -> None:
    result = runner.invoke(app, ["calc", "--margin", "lots"])
    assert result.exit_code == 2
    assert result.stderr.startswith("xzcalc: error: --margin: 'lots' is not valid — expected a fraction or a percent")


# ── the lines come from the dated parameters ─────────────────────────────────────────────────────────────────


def test_line_read_from_parameters_follows_a_reform() -> None:
    profile = parse_profile({"employees": 120, "income": {"taxable_income": 3050000}})
    reform = parse_reform({"cit": {"small_low_profit": {"income_limit": {"value": 3100000}}}}, "test")
    result = calculate(profile, reform=reform)
    [a] = [a for a in advise(profile, result, reform=reform) if a.threshold == SLPE_LINE]
    assert a.line == 3100000 and a.value < a.line
    assert a.moved_to == 3100001


def test_every_spec_names_a_parameter_xzcalc_has() -> None:
    known = {p.name for j in ("xinzhou", "inner-mongolia") for p in param_set(j, 2022)}
    missing = [t.param for t in THRESHOLDS if isinstance(t, Threshold) and t.param not in known]
    assert not missing, f"threshold specs naming parameters that do not exist: {missing}"


def test_a_reformed_line_is_the_line_the_sentence_states() -> None:
    """Under a reform the advisory's line, position, move and sentence are the reformed line's (issue 9 §2)."""
    profile = parse_profile({"employees": 120, "income": {"taxable_income": 3050000}})
    reform = parse_reform({"cit": {"small_low_profit": {"income_limit": {"value": 3100000}}}}, "test")
    [before] = [a for a in advise(profile, calculate(profile)) if a.threshold == SLPE_LINE]
    reformed = calculate(profile, reform=reform)
    [after] = [a for a in advise(profile, reformed, reform=reform) if a.threshold == SLPE_LINE]
    assert (before.line, after.line) == (3000000, 3100000)
    assert before.get("en").startswith(
        "taxable income 3,050,000 is 50,000 over the small low-profit line (≤ 3,000,000)"
    )
    assert after.get("en").startswith(
        "taxable income 3,050,000 is 50,000 under the small low-profit line (≤ 3,100,000); "
        "at 3,100,001 the income tax would be 775,000.25 instead of 127,500"
    )
    assert after.get("zh").startswith(
        "应纳税所得额 3,050,000 低于小型微利企业所得额标准（≤ 3,100,000）50,000；若为 3,100,001"
    )
    assert "3,000,000" not in after.get("en") + after.get("zh")


@pytest.mark.parametrize(
    ("data", "change", "threshold", "fragment"),
    [
        (
            {"employees": 50, "income": {"taxable_income": 1050000}},
            {"cit": {"small_low_profit": {"band1_limit": {"value": 1100000}}}},
            "cit.small_low_profit.band1_limit",
            "应纳税所得额 1,050,000 低于小型微利企业110万元档（≤ 1,100,000）50,000",
        ),
        (
            {"employment": {"ui_premiums_prior_year": 50000, "insured_employees": 28, "layoff_rate": "19%"}},
            {"ui": {"stable_job_refund": {"small_insured_limit": {"value": 40}}}},
            "ui.stable_job_refund.small_layoff_rate_limit",
            "裁员率 19% 低于40人以下参保企业裁员率标准（≤ 20%）1%",
        ),
        (
            {
                "employees": 100,
                "income": {"taxable_income": 9000000},
                "equipment": [{"unit_value": "810万", "years": 3, "in_service": "2022-03"}],
            },
            {"cit": {"equipment_deduction": {"sme_value_line": {"value": 8000000}}}},
            "cit.equipment_deduction.sme_value_line",
            "设备1单位价值 8,100,000 高于设备器具800万元标准（≤ 8,000,000）100,000",
        ),
    ],
)
def test_line_names_state_the_reformed_parameters(
    data: dict[str, Any], change: dict[str, Any], threshold: str, fragment: str
) -> None:
    """A line's name that shows a number of a document (100万元档, 30人以下, 500万元) shows the parameter in force."""
    profile = parse_profile({"sector": "C34", **data})
    reform = parse_reform(change, "test")
    found = advise(profile, calculate(profile, reform=reform), margin=Decimal("0.5"), reform=reform)
    messages = [a.get("zh") for a in found if a.threshold == threshold]
    assert any(m.startswith(fragment) for m in messages), messages


def test_the_months_of_the_white_list_come_from_the_window_of_its_tiers() -> None:
    """No year in the code: the i-th growth of whitelist.growth_2023 is the i-th month of the window of `tiers`, so
    a reform that moves the window moves the months the advisories name (as it moves the rule's)."""
    profile = parse_profile({"sector": "C34", "whitelist": {"member": True, "growth_2023": ["48%", "20%", "95%"]}})
    [a] = [a for a in advise(profile, calculate(profile)) if a.threshold == "award.whitelist_growth.tiers"]
    assert a.get("en").startswith("2023-03 output growth 95% is 5% under the white-list growth tier (≥ 100%)")
    tiers = [{"growth": Decimal(1), "province": 1000000}, {"growth": Decimal("0.5"), "province": 500000}]
    window = {"from": date(2023, 2, 1), "until": date(2023, 4, 30)}
    reform = parse_reform(
        {
            "award": {
                "whitelist_growth": {
                    "tiers": {"values": [{**window, "value": tiers}]},
                    "city_match": {"values": [{**window, "value": Decimal("0.5")}]},
                }
            }
        },
        "test",
    )
    [a] = [
        a
        for a in advise(profile, calculate(profile, reform=reform), reform=reform)
        if a.threshold == "award.whitelist_growth.tiers"
    ]
    assert a.get("en").startswith("2023-04 output growth 95% is 5% under")
    assert a.get("zh").startswith("2023年4月产值同比增速 95%")


# ── each rule module owns its thresholds (issue 9 §6) ───────────────────────────────────────────────────────


def test_every_threshold_is_declared_by_the_module_of_its_policy() -> None:
    """Each rule module's THRESHOLDS test its own policies (POLICIES) on parameters xzcalc has for at least one
    jurisdiction, and name their values and lines with messages data/messages has; the advisor reads them all."""
    known = {p.name for j in jurisdictions() for year in tax_years().all for p in param_set(j, year)}
    ids = message_ids()
    declared: list[Threshold | TableThreshold] = []
    for module in MODULES:
        for t in module.THRESHOLDS:
            where = f"{module.__name__}: {t}"
            assert t.policy in module.POLICIES, where
            assert t.line_name in ids, where
            if isinstance(t, Threshold):
                assert t.param in known, where
                assert t.label in ids, where
                assert all(name in known for _key, name in t.cites), where
            else:
                assert (data_dir() / f"{t.table}.toml").is_file(), where
            declared.append(t)
    for t in SIZE_CLASS:  # the size class: no family's, read by several
        assert not t.policy and t.line_name in ids and (data_dir() / f"{t.table}.toml").is_file()
    assert {f"classify.threshold.indicator.{i}" for i in INDICATORS} <= set(ids)
    assert (*declared, *SIZE_CLASS) == THRESHOLDS


def test_no_date_or_year_written_in_the_analysis() -> None:
    """Issue 9 §7: the dates a line is read on come from the profile's tax year or from dated parameters."""
    root = Path(__file__).resolve().parent.parent / "xzcalc"
    for path in [*sorted((root / "analysis").glob("*.py")), root / "rules" / "thresholds.py"]:
        code = "\n".join(line.split("#")[0] for line in path.read_text(encoding="utf-8").splitlines())
        assert not re.search(r"date\(\s*\d", code), path
        assert not re.search(r"(?<![\d.])20\d\d(?!\d)", code), path


# ── every advisory's stake is a re-run (checked independently for many lines) ──────────────────────────────

PROFILES: dict[str, dict[str, Any]] = {
    "headcount 305": {"employees": 305, "sector": "C34", "income": {"taxable_income": 2000000}},
    "assets 5100万": {"employees": 100, "total_assets": "5100万", "income": {"taxable_income": 2000000}},
    "band 1,050,000": {"employees": 50, "income": {"taxable_income": 1050000}},
    "VAT quarter": {
        "vat": {"taxpayer": "small-scale", "sales_3pct": [440000, 0, 0, 0], "sales_other": [0, 0, 0, 460000]},
    },
    "equipment 510万": {
        "employees": 100,
        "income": {"taxable_income": 9000000},
        "equipment": [{"unit_value": "510万", "years": 3, "in_service": "2022-03"}],
    },
    "equipment SME ceiling": {
        "employees": 950,
        "revenue": "5亿",
        "income": {"taxable_income": 9000000},
        "equipment": [{"unit_value": "800万", "years": 10, "in_service": "2022-03"}],
    },
    "deferral band": {"prior_revenue": "2100万", "deferral": {"taxes_2022q1": 500000}},
    "layoff 5.8%": {"employment": {"ui_premiums_prior_year": 96000, "insured_employees": 118, "layoff_rate": "5.8%"}},
    "small insured 28 at 19%": {
        "employment": {"ui_premiums_prior_year": 50000, "insured_employees": 28, "layoff_rate": "19%"},
    },
    "chain leader growth 9.78%": {"chain_leader": {"member": True, "output_prior": "4.6亿", "output": "5.05亿"}},
    "chain leader step": {"chain_leader": {"member": True, "output_prior": "4.3亿", "output": "5.2亿"}},
    "white list 95%": {"whitelist": {"member": True, "growth_2023": ["48%", "20%", "95%"]}},
    "size class 98 employees": {"sector": "M73", "employees": 98},
}


def _advisories(name: str) -> tuple[Any, Any, list[Advisory]]:
    profile = parse_profile({"sector": "C34", **PROFILES[name]})
    result = calculate(profile)
    return profile, result, advise(profile, result)


@pytest.mark.parametrize("name", list(PROFILES))
def test_each_stake_is_a_rerun(name: str) -> None:
    profile, result, advisories = _advisories(name)
    assert advisories, f"{name}: expected an advisory"
    for a in advisories:
        moved = calculate(with_path(profile, a.path, get_path(profile, a.path).__class__(a.moved_to)))
        base = result
        if a.relative_to is not None:  # compared with the nearer line's run
            base = calculate(with_path(profile, a.path, get_path(profile, a.path).__class__(a.relative_to)))
        for ch in a.changes:
            assert base.item(ch.policy.id).amount == ch.now
            assert moved.item(ch.policy.id).amount == ch.moved
        for kind, delta in a.totals.items():
            assert moved.totals[kind] - base.totals[kind] == delta
        assert a.measure_now != a.measure_moved or any(c.now is None for c in a.changes)


@pytest.mark.parametrize(
    ("name", "threshold", "fragment"),
    [
        ("headcount 305", "cit.small_low_profit.employee_limit", "headcount 305 is 5 over"),
        ("assets 5100万", "cit.small_low_profit.asset_limit", "total assets 51,000,000 is 1,000,000 over"),
        ("band 1,050,000", "cit.small_low_profit.band1_limit", "the income tax would be 25,000 instead of 27,500"),
        ("VAT quarter", "vat.small_scale.quarter_threshold", "Q4 sales 460,000 is 10,000 over"),
        ("equipment 510万", "cit.equipment_deduction.sme_value_line", "equipment 1 unit value 5,100,000"),
        ("equipment SME ceiling", "sme_equipment.other.employees", "would be 0 instead of"),
        ("deferral band", "tax.manufacturing_sme_deferral.small_micro_below", "would be 500,000 instead of 250,000"),
        ("layoff 5.8%", "ui.stable_job_refund.layoff_rate_limit", "layoff rate 5.8% is 0.3% over"),
        ("small insured 28 at 19%", "ui.stable_job_refund.small_insured_limit", "at 31 the"),
        ("chain leader growth 9.78%", "award.chain_leader_output.growth_min", "output growth 9.78% is 0.22% under"),
        ("chain leader step", "award.chain_leader_output.increment_step", "would be 150,000 instead of 100,000"),
        ("white list 95%", "award.whitelist_growth.tiers", "would be 1,500,000 instead of 750,000"),
    ],
)
def test_line_named_with_distance_and_stake(name: str, threshold: str, fragment: str) -> None:
    _profile, _result, advisories = _advisories(name)
    messages = [a.message.get("en") for a in advisories if a.threshold == threshold]
    assert messages, [a.threshold for a in advisories]
    assert any(fragment in m for m in messages), messages


def test_farther_line_on_the_same_field_is_compared_with_the_nearer_run() -> None:
    # 305 employees: ≤ 300 (small low-profit) is crossed at 300; the size class medium floor (≥ 300) at 299.
    data = {"sector": "C34", "employees": 305, "revenue": "3亿", "income": {"taxable_income": 2000000}}
    profile = parse_profile(data)
    advisories = advise(profile, calculate(profile))
    slpe = [a for a in advisories if a.threshold == "cit.small_low_profit.employee_limit"]
    size = [a for a in advisories if a.threshold.startswith("size_standard.")]
    assert slpe and slpe[0].relative_to is None
    for a in size:  # the small low-profit relief is not attributed to the size class
        assert a.relative_to == 300
        assert all(c.policy.id != "cit.small_low_profit" for c in a.changes)


def test_no_advisory_for_a_zero_amount_either_side() -> None:
    # layoff rate near 5.5% but no premiums paid: the refund is 0.00 on both sides, nothing at stake
    profile = parse_profile({"employment": {"insured_employees": 118, "layoff_rate": "5.8%"}})
    assert advise(profile, calculate(profile)) == []


def test_json_has_no_floats(example_profile: Path) -> None:
    data = calc_json(
        str(example_profile),
        "--set",
        "income.taxable_income=3050000",
        "--set",
        "income.rd_expense=0",
        "--set",
        "income.rd_expense_q4=0",
        "--set",
        "equipment.1.unit_value=0",
        "--set",
        "equipment.2.unit_value=0",
    )
    assert data["advisories"]

    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data["advisories"])  # amounts, lines and distances are strings: exact, never a JSON number


CASES = sorted((Path(__file__).parent / "cases").glob("*.toml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case_profiles_advise_consistently(path: Path) -> None:
    """Every golden-case profile, with a wide margin: no crash, and every stake is what a re-run gives."""
    from xzcalc.data import load_toml

    profile = parse_profile(load_toml(path)["profile"])
    result = calculate(profile)
    for a in advise(profile, result, margin=Decimal("0.3")):
        value = get_path(profile, a.path).__class__
        moved = calculate(with_path(profile, a.path, value(a.moved_to)))
        base = result if a.relative_to is None else calculate(with_path(profile, a.path, value(a.relative_to)))
        assert all(
            moved.item(c.policy.id).amount == c.moved and base.item(c.policy.id).amount == c.now for c in a.changes
        ), a.message.get("en")
        assert {k: moved.totals[k] - base.totals[k] for k in a.totals} == a.totals


def test_a_monthly_filer_is_advised_on_the_monthly_line() -> None:
    """vat.period = month: each month is tested against the 150,000 monthly line (2021年第11号), not the quarter's."""
    data = calc_json(
        "--taxpayer", "small-scale", "--sector", "F52", "--employees", "3", "--lang", "en",
        "--set", "vat.period=month", "--set", "vat.sales_3pct.3=149000", "--set", "vat.sales_3pct.4=90000",
    )  # fmt: skip
    found = [a for a in data["advisories"] if a["threshold"] == "vat.small_scale.month_threshold"]
    assert [(a["field"], a["line"], a["value"], a["position"]) for a in found] == [
        ("vat.sales_3pct.3", "150000.00", "149000.00", "below")
    ]
    assert not [a for a in data["advisories"] if a["threshold"] == "vat.small_scale.quarter_threshold"]


def test_a_profile_entered_from_the_return_moves_the_filed_line() -> None:
    """With income.taxable_income_reported (line 23) given, the small low-profit line is crossed by moving the filed
    figure — moving income.taxable_income (which the filed figure excludes) would compute nonsense."""
    data = calc_json(
        "--employees", "120", "--sector", "C34", "--lang", "en", "--set", "income.taxable_income_reported=3050000"
    )  # fmt: skip
    [advisory] = [a for a in data["advisories"] if a["threshold"] == "cit.small_low_profit.income_limit"]
    assert advisory["field"] == "income.taxable_income_reported"
    assert advisory["stake"]["now"] == "762500.00" and advisory["stake"]["moved"] == "125000.00"
