"""`xzcalc schema`: the JSON Schema generated from the declared profile schema; every bundled example validates."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xzcalc.cli import app
from xzcalc.data import load_toml
from xzcalc.schema.build import parse_profile
from xzcalc.schema.jsonschema import profile_schema
from xzcalc.schema.paths import all_paths
from xzcalc.schema.profile import ProfileError

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.toml"))
CASES = sorted((ROOT / "tests" / "cases").glob("*.toml"))
runner = CliRunner()


def as_json(value: Any) -> Any:
    """A TOML document as an editor would hand it to a JSON Schema validator: dates become strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> Any:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_bundled_example_validates(validator: Any, path: Path) -> None:
    errors = [e.message for e in validator.iter_errors(as_json(load_toml(path)))]
    assert not errors, f"{path.name}: {errors}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_golden_case_profile_validates(validator: Any, path: Path) -> None:
    profile = as_json(load_toml(path))["profile"]
    errors = [e.message for e in validator.iter_errors(profile)]
    assert not errors, f"{path.name}: {errors}"


@pytest.mark.parametrize(
    "profile",
    [
        {"jurisdiction": "beijing"},
        {"employees": -5},
        {"total_assets": "lots"},
        {"income": {"taxable_income": "1e5"}},
        {"nonsense": 1},
        {"income": {"nonsense": 1}},
        {"equipment": [{"years": 7}]},
        {"vat": {"sales_3pct": [1, 2, 3, 4, 5]}},
        {"employment": {"layoff_rate": 1.5}},
        {"employment": {"layoff_rate": "150x"}},
        {"sector": "Z9"},
        {"tech_sme": "maybe"},
        {"startup_loan": {"contract_date": "June"}},
    ],
)
def test_schema_and_parser_both_refuse(validator: Any, profile: dict[str, Any]) -> None:
    assert list(validator.iter_errors(profile)), f"the schema accepts {profile}"
    with pytest.raises(ProfileError):
        parse_profile(profile)


@pytest.mark.parametrize(
    "profile",
    [
        {"total_assets": "3000万", "revenue": "1.2亿", "income": {"taxable_income": "-50,000"}},
        {"employees": "120", "tech_sme": "是", "restricted_industry": "NO", "vat": {"input_ratio": "96%"}},
        {"sector": "k7010", "employment": {"insured_months": "36", "refund_date": "2022-06-15"}},
        {"whitelist": {"growth_2023": ["-20%", Decimal("0.5"), "120%"]}, "equipment": [{"years": "3"}]},
        {"income": {"rd_expense": ""}, "uscc": ""},
    ],
)
def test_schema_and_parser_both_accept(validator: Any, profile: dict[str, Any]) -> None:
    assert not [e.message for e in validator.iter_errors(profile)]
    parse_profile(profile)


def test_every_dotted_path_is_described() -> None:
    schema = profile_schema()
    for path in all_paths(1):
        node = schema
        for part in path.split("."):
            if part.isdigit() and "items" in node:  # a list element or a table row (a year is a property)
                node = node["items"]
                continue
            node = node["properties"][part]
        assert node.get("title") or node.get("description") or "anyOf" in node, path


def test_descriptions_in_both_languages() -> None:
    income = profile_schema()["properties"]["income"]["properties"]["taxable_income"]
    assert income["title"].startswith("应纳税所得额")
    assert income["description"].startswith("taxable income")


def test_output_to_file(tmp_path: Path) -> None:
    out = tmp_path / "profile.schema.json"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


def test_no_float_in_defaults() -> None:
    def walk(value: Any) -> None:
        assert not isinstance(value, float | Decimal)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(profile_schema())
