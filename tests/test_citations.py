"""Citations follow the jurisdiction (policies.md E7) in every output: an enterprise is only ever shown the documents
in force where it is — national ones and its own chain's. Inner Mongolia never sees a Shanxi or Xinzhou document,
Shanxi never a Xinzhou one, Xinzhou never Inner Mongolia's — in the JSON, TOML, CSV, the table (with --explain and
the advisories), the HTML report (whose quoted clauses carry their 责任单位), the SVG, and `xzcalc explain`."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from xzcalc.cli import app
from xzcalc.engine import calculate
from xzcalc.params import catalogue, jurisdictions, local_documents
from xzcalc.schema.build import parse_profile
from xzcalc.views import labels

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# what each jurisdiction must never cite: the other jurisdictions' documents (as data/jurisdictions.toml lists them)
NEVER = {
    "inner-mongolia": ("晋政办发", "忻政办发"),
    "shanxi": ("忻政办发", "内蒙古方案"),
    "xinzhou": ("内蒙古方案",),
}
# one enterprise that reaches most rules: equipment over 5,000,000 (A2 and its advisory lines), R&D, a general VAT
# taxpayer with local taxes and surcharges, a credit refund, the stable-job refund, a technology-based SME
RICH: dict[str, Any] = {
    "name": "测试机械有限公司",
    "sector": "C34",
    "employees": 85,
    "total_assets": "3000万",
    "revenue": "5000万",
    "prior_revenue": "4800万",
    "tech_sme": True,
    "income": {"taxable_income": "280万", "rd_expense": "100万", "rd_expense_q4": "30万"},
    "equipment": [{"name": "数控机床", "unit_value": "600万", "years": 3, "in_service": "2022-06"}],
    "vat": {
        "taxpayer": "general",
        "vat_payable": "80万",
        "incremental_credit": "50万",
        "stock_credit": "20万",
        "refund_conditions_met": True,
    },
    "local_taxes": {"property": 24000, "land_use": 8000, "stamp": 3000},
    "employment": {"ui_premiums_prior_year": 100000, "insured_employees": 85},
    "deferral": {"taxes_2021q4": 100000, "taxes_2022q1": 100000},
}


def profiles() -> list[tuple[str, Path | dict[str, Any]]]:
    examples: list[tuple[str, Path | dict[str, Any]]] = [
        (str(parse_profile(_toml(p)).jurisdiction), p) for p in sorted((ROOT / "data" / "examples").glob("*.toml"))
    ]
    return examples + [(j, {**RICH, "jurisdiction": j}) for j in NEVER]


def _toml(path: Path) -> dict[str, Any]:
    import tomllib
    from decimal import Decimal

    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


PROFILES = profiles()


def _file(tmp_path: Path, profile: Path | dict[str, Any]) -> Path:
    if isinstance(profile, Path):
        return profile
    path = tmp_path / "profile.toml"
    path.write_text(tomli_w.dumps(profile), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _assert_never(text: str, jurisdiction: str, what: str) -> None:
    for prefix in NEVER[jurisdiction]:
        assert prefix not in text, f"{jurisdiction}: {what} cites {prefix}"


@pytest.mark.parametrize(
    ("jurisdiction", "profile"),
    PROFILES,
    ids=[f"{j}-{p.stem if isinstance(p, Path) else 'rich'}" for j, p in PROFILES],
)
def test_every_output_cites_only_documents_in_force(
    tmp_path: Path, jurisdiction: str, profile: Path | dict[str, Any]
) -> None:
    path = _file(tmp_path, profile)
    for lang in ("zh", "en"):
        for fmt in ("json", "toml", "csv", "table"):
            out = _run("calc", str(path), "-f", fmt, "--explain", "--margin", "0.5", "--lang", lang)
            _assert_never(out, jurisdiction, f"calc -f {fmt} --lang {lang}")
        html, svg = tmp_path / f"report.{lang}.html", tmp_path / f"chart.{lang}.svg"
        _run("calc", str(path), "--html", str(html), "--svg", str(svg), "--margin", "0.5", "--lang", lang)
        page = html.read_text(encoding="utf-8")
        _assert_never(page, jurisdiction, f"the HTML report ({lang})")
        _assert_never(svg.read_text(encoding="utf-8"), jurisdiction, f"the SVG ({lang})")
        if jurisdiction != "xinzhou":
            # the city's clauses end in （责任单位：市…）: a report elsewhere quotes none of them
            assert "责任单位：市" not in page, f"{jurisdiction}: the HTML report quotes a Xinzhou 责任单位"
        if jurisdiction == "inner-mongolia":
            # Shanxi's clauses end in (责任单位:省…), Inner Mongolia's name none (the claim column's heading 责任单位
            # lists the plan's departments or the office receiving the claim)
            assert "（责任单位" not in page and "(责任单位" not in page


def test_the_rich_profile_reaches_the_rules_that_cited_other_places() -> None:
    """The RICH profile is a real test: in Inner Mongolia it is an SME for the equipment deduction (whose A2
    reason once cited 晋政办发〔2022〕34号 第1条) and gets the stable-job refund and the credit refund."""
    result = calculate(parse_profile({**RICH, "jurisdiction": "inner-mongolia"}), explain=True)
    assert result.classification["sme_equipment"].value is True
    assert "内蒙古方案 第1条" in result.classification["sme_equipment"].reasons[-1].get("zh")
    eligible = {it.policy.id for it in result.items if it.eligible}
    assert {"cit.equipment_deduction", "ui.stable_job_refund", "vat.credit_refund"} <= eligible
    shanxi = calculate(parse_profile({**RICH, "jurisdiction": "shanxi"}))
    assert "晋政办发〔2022〕34号 第1条" in shanxi.classification["sme_equipment"].reasons[-1].get("zh")


@pytest.mark.parametrize("jurisdiction", ["inner-mongolia", "shanxi"])
def test_explain_quotes_only_documents_in_force(jurisdiction: str) -> None:
    for info in catalogue(jurisdiction):
        for lang in ("zh", "en"):
            out = _run("explain", info.id, "--jurisdiction", jurisdiction, "--lang", lang)
            _assert_never(out, jurisdiction, f"explain {info.id}")
            if jurisdiction == "inner-mongolia":
                assert "责任单位" not in out, info.id


def test_explain_keeps_the_chain_in_xinzhou() -> None:
    out = _run("explain", "cit.equipment_deduction", "--jurisdiction", "xinzhou")
    assert "忻政办发〔2022〕34号 第1条" in out and "晋政办发〔2022〕34号 第1条" in out
    assert "内蒙古方案" not in out
    out = _run("explain", "cit.equipment_deduction", "--jurisdiction", "inner-mongolia")
    assert "内蒙古方案 第1条" in out and "财政部 税务总局公告2022年第12号" in out


def test_explain_refuses_a_policy_not_offered_there() -> None:
    local = next(p for p in catalogue("xinzhou") if p.jurisdictions == ("xinzhou",))
    result = runner.invoke(app, ["explain", local.id, "--jurisdiction", "inner-mongolia"])
    assert result.exit_code == 2
    assert "is not offered in inner-mongolia (only in xinzhou)" in result.output
    assert runner.invoke(app, ["explain", local.id, "--jurisdiction", "xinzhou"]).exit_code == 0


def test_the_local_documents_come_from_the_data() -> None:
    listed = tuple(str(d) for entry in jurisdictions().values() for d in entry.get("documents", ()))
    assert local_documents() == listed
    result = calculate(parse_profile({**RICH, "jurisdiction": "xinzhou"}))
    item = next(it for it in result.items if it.policy.id == "cit.equipment_deduction")
    assert labels.local_sources(item, "xinzhou") == [s for s in item.policy.sources if s.startswith(listed)]
    assert labels.local_sources(item, "inner-mongolia") == []  # none of Xinzhou's chain's is in force there


def _string_constants(path: Path) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Constant)]


def test_views_name_no_local_document() -> None:
    """The views read the local documents from data/jurisdictions.toml: no document's name is written in them."""
    documents = local_documents()
    for path in sorted((ROOT / "xzcalc" / "views").rglob("*")):
        if path.suffix == ".py":
            texts = [s for s in _string_constants(path) if isinstance(s, str)]
        elif path.suffix == ".j2":
            texts = [path.read_text(encoding="utf-8")]
        else:
            continue
        for text in texts:
            for doc in documents:
                name = doc.split("〔")[0]  # 晋政办发, 忻政办发, 内蒙古方案
                assert name not in text, f"{path.relative_to(ROOT)} names {name}"


def test_policies_json_cites_only_documents_in_force() -> None:
    for jurisdiction in NEVER:
        out = _run("policies", "--jurisdiction", jurisdiction, "-f", "json")
        _assert_never(json.dumps(json.loads(out), ensure_ascii=False), jurisdiction, "policies -f json")
        _assert_never(_run("policies", "--jurisdiction", jurisdiction), jurisdiction, "policies")


@pytest.mark.parametrize("example", ["shanxi_restaurant", "shanxi_new_materials", "inner_mongolia_metal_works"])
def test_no_xinzhou_text_outside_xinzhou(example: str) -> None:
    """A Shanxi or Inner Mongolia result names no Xinzhou variant of a benefit (the tester found "忻州：…" in the
    texts of benefits offered everywhere): the text of every item and its reasons, in both languages."""
    from xzcalc import calculate, load_profile, parse_profile

    text = (ROOT / "data" / "examples" / f"{example}.toml").read_text(encoding="utf-8")
    result = calculate(parse_profile(load_profile(text)), explain=True)
    for item in result.items:
        words = [item.policy.summary.zh, item.policy.summary.en, *(r.get("zh") + r.get("en") for r in item.reasons)]
        assert not [w for w in words if "忻州" in w or "Xinzhou" in w], item.policy.id
