"""The CLI as a user meets it: exit codes, the exact one-line errors, and the output formats."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xzcalc.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--employees", "-5"], None, 'employees: "-5" is not valid — expected a headcount that is not negative'),
        (["--income", "NaN"], None, 'income.taxable_income: "NaN" is not valid — expected an amount in yuan'),
        (
            ["--jurisdiction", "beijing"],
            None,
            'jurisdiction: "beijing" is not valid — expected one of xinzhou, shanxi, inner-mongolia',
        ),
        (["--sector", "Z9"], None, 'sector: "Z9" is not valid — expected a GB/T 4754-2017 code'),
        (["--sector", "C99"], None, 'sector: "C99" is not valid — expected a division of section C (13–43)'),
        (["--year", "2018"], None, 'year: "2018" is not valid — expected a tax year from 2019 to 2027'),
        (["--year", "2028"], None, 'year: "2028" is not valid — expected a tax year from 2019 to 2027'),
        (["--set", "equipment.1.years=7"], None, 'equipment.1.years: "7" is not valid — expected one of 3, 4, 5, 10'),
        (["--set", "uscc=91140900MA0K0TN15J"], None, "check digit J does not match N"),
        (["--income", "1e999999999"], None, 'income.taxable_income: "1e999999999" is not valid'),
        (["-"], 'name = "x\nyear=', "stdin: not valid TOML"),
        (["-"], '{"income": {"taxable_income": NaN}}', "stdin: not valid JSON: NaN is not a number"),
        (["--set", "foo.bar=1"], None, "foo.bar: not a profile field"),
        (["--set", "nonsense"], None, "--set: 'nonsense' is not valid — expected PATH=VALUE"),
        (["--set", "vat.sales_3pct.13=1"], None, "expected vat.sales_3pct.N with N from 1 to 12"),
        (["nofile.toml"], None, "profile: 'nofile.toml' is not a readable file"),
        (
            ["--set", "income.rd_expense_q4=10", "--rd", "5"],
            None,
            'income.rd_expense_q4: "10" is not valid — expected at most',
        ),
        (["--set", "employment.layoff_rate=120%"], None, 'employment.layoff_rate: "120%" is not valid'),
        (["--set", "tech_sme=maybe"], None, 'tech_sme: "maybe" is not valid — expected true or false'),
        (["--set", "startup_loan.contract_date=2022-13-01"], None, 'expected a date "YYYY-MM" or "YYYY-MM-DD"'),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], stdin: str | None, message: str) -> None:
    code, out, err = run("calc", *args, stdin=stdin)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("xzcalc: error: ")
    assert message in lines[0]
    assert "Traceback" not in err


def test_broken_toml_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[income\ntaxable_income = 1\n", encoding="utf-8")
    code, _, err = run("calc", str(bad))
    assert code == 2
    assert f"{bad}: not valid TOML" in err


def test_json_output_is_the_contract_shape(example_profile: Path) -> None:
    code, out, err = run("calc", str(example_profile), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"profile", "jurisdiction", "year", "classification", "items", "totals", "advisories"}
    assert set(data["totals"]) == {"tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving"}
    for item in data["items"]:
        assert set(item) >= {
            "policy",
            "title",
            "kind",
            "certainty",
            "eligible",
            "amount",
            "components",
            "reasons",
            "sources",
        }
        if item["certainty"] == "eligible_only":
            assert item["amount"] is None
        else:
            assert isinstance(item["amount"], str)
            whole, _, cents = item["amount"].partition(".")
            assert len(cents) == 2 and whole.lstrip("-").isdigit()
        if not item["eligible"]:
            assert item["reasons"], item["policy"]


def test_example_amounts(example_profile: Path) -> None:
    """The bundled example, checked by hand: T0 8,000,000; R&D 1,200,000 at 100%; equipment 2,700,000 + 1,755,000
    extra; T2 2,345,000 → SLPE tax 25,000 + 1,345,000 × 5% = 92,250 (policies.md B1, B3, B4)."""
    _, out, _ = run("calc", str(example_profile), "--format", "json")
    data = json.loads(out)
    amounts = {i["policy"]: i["amount"] for i in data["items"]}
    assert amounts["cit.rd_super_deduction"] == "300000.00"
    assert amounts["cit.equipment_deduction"] == "1113750.00"
    assert amounts["cit.small_low_profit"] == "494000.00"
    assert data["cit"]["tax_final"] == "92250.00"
    assert data["classification"]["small_low_profit"] is True
    # every group has an amount; each total added by hand from the items (policies.md B1-B19):
    assert data["totals"] == {
        "tax_reduction": "1032000.00",  # R&D 300,000 + SLPE 494,000 + 六税两费 238,000
        "tax_deferral": "1967750.00",  # equipment 1,113,750 + deferral 50% × 1,580,000 + bills 64,000
        "refund": "614400.00",  # credit (400,000 + 150,000) × 96% + stable-job 90% × 96,000
        "subsidy": "2210000.00",  # voucher 150,000 + first set 10% × 2,600,000 + upgrade 15% × 12,000,000
        "cost_saving": "145500.00",  # rent 6 × 18,000 + guarantee 5,000,000 × 1.5% × 50%
    }


def test_options_override_the_file_and_set_overrides_options(example_profile: Path) -> None:
    _, out, _ = run("calc", str(example_profile), "-f", "json", "--employees", "400")
    assert json.loads(out)["profile"]["employees"] == "400"
    _, out, _ = run("calc", str(example_profile), "-f", "json", "--employees", "400", "--set", "employees=12")
    assert json.loads(out)["profile"]["employees"] == "12"
    _, out, _ = run("calc", str(example_profile), "-f", "json", "--set", "equipment.2.unit_value=1200万")
    assert json.loads(out)["profile"]["equipment"][1]["unit_value"] == "12000000"


def test_options_alone_need_no_file() -> None:
    code, out, _ = run("calc", "--income", "200万", "--employees", "120", "--assets", "3000万", "-f", "json")
    assert code == 0
    items = {i["policy"]: i for i in json.loads(out)["items"]}
    assert items["cit.small_low_profit"]["amount"] == "425000.00"


def test_stdin_json_profile() -> None:
    code, out, _ = run("calc", "-", "-f", "json", stdin='{"income": {"taxable_income": 2000000.00}, "employees": 12}')
    assert code == 0
    assert {i["policy"]: i["amount"] for i in json.loads(out)["items"]}["cit.small_low_profit"] == "425000.00"


def test_toml_output_parses(example_profile: Path) -> None:
    code, out, _ = run("calc", str(example_profile), "-f", "toml")
    assert code == 0
    data = tomllib.loads(out)
    assert (
        data["totals"]["tax_reduction"]
        == json.loads(run("calc", str(example_profile), "-f", "json")[1])["totals"]["tax_reduction"]
    )


def test_csv_output_has_a_row_per_item_and_totals(example_profile: Path) -> None:
    _, out, _ = run("calc", str(example_profile), "-f", "csv")
    lines = out.strip().splitlines()
    assert lines[0] == "policy,title,kind,certainty,eligible,amount,components,reasons,sources,claim"
    assert any(line.startswith("cit.small_low_profit,") and ",494000.00," in line for line in lines)
    assert sum(line.startswith("total.") for line in lines) == 5


def test_table_groups_by_kind_and_totals(example_profile: Path) -> None:
    code, out, _ = run("calc", str(example_profile))
    assert code == 0
    for heading in ("减税", "缓税", "合计（按类别，不跨类相加）"):
        assert heading in out
    assert "494,000.00" in out
    _, out_en, _ = run("calc", str(example_profile), "--lang", "en", "--explain")
    assert "Totals by kind" in out_en
    assert "SLPE" in out_en or "band up to 1,000,000" in out_en


def test_upper_bounds_are_marked_only_when_eligible(example_profile: Path) -> None:
    """up_to items (policies.md: 可/最高/不超过) show ≤ on an eligible amount, never on a 0.00 that is not eligible."""
    _, out, _ = run("calc", str(example_profile), "--lang", "en")
    assert "≤ 260,000.00" in out  # first-set subsidy: 10% × 2,600,000, at most 300,000 (忻政办发〔2022〕34号 第46条)
    assert "≤ 0.00" not in out  # the first-batch insurance subsidy is not eligible (no premium)


def test_explain_adds_the_arithmetic(example_profile: Path) -> None:
    _, out, _ = run("calc", str(example_profile), "-f", "json", "--explain", "--lang", "en")
    slpe = next(i for i in json.loads(out)["items"] if i["policy"] == "cit.small_low_profit")
    assert "band up to 1,000,000: 1,000,000 × 12.5% × 20% = 25,000" in slpe["trace"]
    assert "relief: 586,250 − 92,250 = 494,000" in slpe["trace"]


def test_machine_formats_are_byte_stable(example_profile: Path) -> None:
    for fmt in ("json", "toml", "csv"):
        assert run("calc", str(example_profile), "-f", fmt)[1] == run("calc", str(example_profile), "-f", fmt)[1]


def test_policies_lists_the_catalogue() -> None:
    code, out, _ = run("policies", "--jurisdiction", "inner-mongolia", "--format", "json")
    assert code == 0
    ids = {p["id"] for p in json.loads(out)["policies"]}
    assert "cit.small_low_profit" in ids
    assert not any(i.startswith("eo.sme_relief_fund") for i in ids)  # a Xinzhou-only benefit
    assert run("policies", "--jurisdiction", "mars")[0] == 2
    assert run("policies", "--year", "2018")[0] == 2
    assert run("policies", "--year", "2028")[0] == 2


def test_explain_command_quotes_the_clause() -> None:
    code, out, _ = run("explain", "cit.small_low_profit", "--lang", "en")
    assert code == 0
    assert "cit.small_low_profit.income_limit = 3,000,000" in out
    assert "忻政办发〔2022〕86号 第五条" in out
    assert "小型微利企业" in out
    code, _, err = run("explain", "no.such.policy")
    assert code == 2 and "is not in the catalogue" in err


def test_template_toml_is_a_valid_profile(tmp_path: Path) -> None:
    code, out, _ = run("template")
    assert code == 0
    assert "# 应纳税所得额" in out or "应纳税所得额" in out
    path = tmp_path / "t.toml"
    path.write_text(out, encoding="utf-8")
    assert run("calc", str(path), "-f", "json")[0] == 0


def test_template_leaves_fields_without_a_default_not_given() -> None:
    """contract.md "Added 2026-11": a field without a default is shown commented out — its example left in would be
    a statement about the enterprise (established = 2021-09-01 made it a new enterprise; taxable_income_reported = 0
    switched the chain to the filed figure)."""
    from dataclasses import fields

    from xzcalc.schema.build import parse_profile
    from xzcalc.schema.kinds import Section, Table
    from xzcalc.schema.profile import Profile, load_profile

    code, out, _ = run("template")
    assert code == 0
    profile = parse_profile(load_profile(out))
    none_fields = [(None, f.name) for f in fields(Profile) if f.default is None]
    for f in fields(Profile):
        kind = f.metadata["kind"]
        if isinstance(kind, Section | Table):
            none_fields += [(f.name, g.name) for g in fields(kind.item) if g.default is None]
    assert len(none_fields) > 8
    for section, name in none_fields:
        holder = profile if section is None else getattr(profile, section)
        for row in holder if isinstance(holder, tuple) else (holder,):
            assert getattr(row, name) is None, (section, name)


def test_template_csv_header() -> None:
    _, out, _ = run("template", "--format", "csv")
    header = out.strip().split(",")
    assert header[0] == "id"
    assert {"vat.sales_3pct.2", "equipment.1.unit_value", "whitelist.growth_2023.3"} <= set(header)
    assert len(header) == len(set(header))


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("xzcalc ")
