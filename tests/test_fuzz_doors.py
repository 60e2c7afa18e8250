"""Fuzz tests of the profile, --set and reform doors (issue 14): whatever comes in, `xzcalc calc` either computes
(exit 0, JSON that parses) or refuses with ONE line naming the problem (exit 2) — never a traceback, never a
half-written output.

A few hundred examples per door run in `make test`; `make fuzz` sets XZCALC_FUZZ_EXAMPLES for a long run.
"""

from __future__ import annotations

import json
import os
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xzcalc.cli import app
from xzcalc.params import param_set
from xzcalc.schema.paths import all_paths

EXAMPLES = int(os.environ.get("XZCALC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
runner = CliRunner()
PATHS = sorted(all_paths())
PARAMETERS = sorted(p.name for p in param_set("xinzhou", 2022))

# text that tends to break things: control characters, surrogates, quotes, full-width forms, huge and odd numbers
NASTY = st.sampled_from(
    [
        "", " ", "\x00", "\x1b[2J", "\n", "\r", "\ud800", "'", '"', "=1+1", "＝SUM(A1)", "-0", "1e999999", "NaN",
        "inf", "9" * 50, "-1", "0.0000000000001", "200万", "1.2亿", "2,000,000", "50%", "２００", "2022-06",
        "2022-13-40", "2022-06-15T00:00:00", "true", "是", "xinzhou", "C34", "K7010", "Z99",
    ]
)  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=30), st.text(alphabet=string.printable, max_size=30))
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
)
SCALAR = st.one_of(TEXT, NUMBERS, st.booleans(), st.dates(), st.datetimes())


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value) if not value.is_finite() else float(value) if abs(value) < 10**15 else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _nest(assignments: list[tuple[str, Any]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, value in assignments:
        node = root
        *parents, last = path.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[last] = value
    return root


def _holds(args: list[str], stdin: str | bytes | None = None) -> None:
    result = runner.invoke(app, ["calc", *args, "--format", "json"], input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r}: {result.exception!r}") from result.exception
    if result.exit_code == 0:
        json.loads(result.stdout)
        return
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, (args, result.exit_code, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("xzcalc: error: "), (args, result.stderr)
    assert "\x1b" not in result.stderr


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([*PATHS, "nam\ne", "income.x", "vat.sales_3pct.99"]), SCALAR), max_size=6))
def test_set_door(assignments: list[tuple[str, Any]]) -> None:
    args: list[str] = []
    for path, value in assignments:
        args += ["--set", f"{path}={_json(value)}"]
    _holds(args)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS), SCALAR), max_size=6), st.sampled_from(["json", "text"]))
def test_profile_door_on_stdin(assignments: list[tuple[str, Any]], form: str) -> None:
    data = _nest([(p, _json(v)) for p, v in assignments])
    text = (
        json.dumps(data, ensure_ascii=False)
        if form == "json"
        else "\n".join(f"{p} = {json.dumps(_json(v), ensure_ascii=False)}" for p, v in assignments)
    )
    _holds(["-"], text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.binary(max_size=200))
def test_profile_door_with_any_bytes(data: bytes) -> None:
    _holds(["-"], data)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([*PARAMETERS, "cit.nope"]), SCALAR), min_size=1, max_size=4))
def test_reform_door(tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, Any]]) -> None:
    lines = []
    for name, value in changes:
        shown = json.dumps(_json(value), ensure_ascii=False) if not isinstance(value, bool) else str(value).lower()
        lines.append(f'["{name}"]\nvalue = {shown}\n')
    reform = Path(tmp_path_factory.mktemp("reform")) / "reform.toml"
    reform.write_text("".join(lines), encoding="utf-8", errors="surrogatepass")
    _holds(["--params", str(reform)])
