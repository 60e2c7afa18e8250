"""Golden cases: tests/cases/*.toml, each a profile and the exact amounts it must produce.

A case file:
    title = "…"
    checks = ["policies.md B1 worked check", "忻政办发〔2022〕86号 第五条"]   # the clause or worked example it checks
    [profile]            # any profile (contract.md)
    [expect.amounts]     # policy id → "0.00" string (or "null" for eligible_only); exact match
    [expect.eligible]    # policy id → bool
    [expect.components."policy.id"]   # component → amount
    [expect.totals]      # kind → amount
    [expect.cit]         # chain summary key → amount
    [expect.classification]           # name → value ("null" for none)
    absent = ["award.chain_leader_output"]   # (under [expect]) policies the jurisdiction must not offer
    [expect.reasons]     # policy id → substring that must appear in the English reasons
    [expect.status]      # policy id → computed | not_in_force | not_computed (years.md: the measure that tax year)
Only the keys a case names are compared, so each case states what it checks.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xzcalc.data import load_toml
from xzcalc.engine import calculate
from xzcalc.money import fmt_amount
from xzcalc.schema.build import parse_profile

CASES = sorted((Path(__file__).parent / "cases").glob("*.toml"))


def _amount(value: Decimal | None) -> str:
    return "null" if value is None else fmt_amount(value)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case: dict[str, Any] = load_toml(path)
    assert case.get("checks"), f"{path.name}: a case must say which clause or worked example it checks"
    expect = case["expect"]
    result = calculate(parse_profile(case["profile"]), explain=True)
    got = {it.policy.id: it for it in result.items}
    problems: list[str] = []
    for pid, amount in expect.get("amounts", {}).items():
        if pid not in got:
            problems.append(f"{pid}: not offered")
        elif _amount(got[pid].amount) != str(amount):
            problems.append(f"{pid}: amount {_amount(got[pid].amount)} != expected {amount}")
    for pid, eligible in expect.get("eligible", {}).items():
        if pid in got and got[pid].eligible is not eligible:
            problems.append(f"{pid}: eligible {got[pid].eligible} != expected {eligible}")
    for pid, components in expect.get("components", {}).items():
        have = {k: fmt_amount(v) for k, v in got[pid].components.items()} if pid in got else {}
        for name, amount in components.items():
            if have.get(name) != str(amount):
                problems.append(f"{pid}.{name}: {have.get(name)} != expected {amount}")
    for kind, amount in expect.get("totals", {}).items():
        if fmt_amount(result.totals[kind]) != str(amount):
            problems.append(f"totals.{kind}: {fmt_amount(result.totals[kind])} != expected {amount}")
    for key, amount in expect.get("cit", {}).items():
        if fmt_amount(result.cit[key]) != str(amount):
            problems.append(f"cit.{key}: {fmt_amount(result.cit[key])} != expected {amount}")
    for name, value in expect.get("classification", {}).items():
        value = None if value == "null" else value  # TOML has no null
        if result.classification[name].value != value:
            problems.append(f"classification.{name}: {result.classification[name].value!r} != expected {value!r}")
    for pid in expect.get("absent", []):
        if pid in got:
            problems.append(f"{pid}: offered in {result.jurisdiction} but must not be")
    for pid, fragment in expect.get("reasons", {}).items():
        text = " | ".join(r.get("en") for r in got[pid].reasons) if pid in got else ""
        if fragment not in text:
            problems.append(f"{pid}: reasons {text!r} do not mention {fragment!r}")
    for pid, status in expect.get("status", {}).items():
        if pid in got and got[pid].status != status:
            problems.append(f"{pid}: status {got[pid].status} != expected {status}")
    assert not problems, f"{path.name} ({case.get('title', '')}):\n  " + "\n  ".join(problems)


WORKED = [p for p in CASES if any("worked check" in c for c in load_toml(p)["checks"])]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


@pytest.mark.parametrize("path", WORKED, ids=[p.stem for p in WORKED])
def test_worked_checks_through_the_cli_json(path: Path) -> None:
    """policies.md's worked checks, end to end: profile as JSON on stdin → `xzcalc calc - --format json`."""
    import json

    from typer.testing import CliRunner

    from xzcalc.cli import app

    case = load_toml(path)
    result = CliRunner().invoke(app, ["calc", "-", "--format", "json"], input=json.dumps(_jsonable(case["profile"])))
    assert result.exit_code == 0, result.stderr
    amounts = {i["policy"]: i["amount"] for i in json.loads(result.stdout)["items"]}
    for pid, amount in case["expect"].get("amounts", {}).items():
        assert amounts[pid] == amount, pid
