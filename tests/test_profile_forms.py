"""A hand-written profile as people write it (issue 12 §7): dates as 2022/06 or 2022年6月, a GB18030 file, a misspelt
key answered with the closest field, and the blank template's example machine not computed as one."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from xzcalc.schema.build import parse_profile
from xzcalc.schema.kinds import ProfileError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"


def _xzcalc(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "xzcalc", *args], capture_output=True, input=stdin, cwd=ROOT)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-06", date(2022, 6, 1)),
        ("2022/06", date(2022, 6, 1)),
        ("2022.06", date(2022, 6, 1)),
        ("2022年6月", date(2022, 6, 1)),
        ("2022 年 06 月", date(2022, 6, 1)),
        ("2022-06-15", date(2022, 6, 15)),
        ("2022/6/15", date(2022, 6, 15)),
        ("2022.06.15", date(2022, 6, 15)),
        ("2022年6月15日", date(2022, 6, 15)),
    ],
)
def test_date_forms(text: str, day: date) -> None:
    assert parse_profile({"established": text}).established == day


@pytest.mark.parametrize("text", ["2022-13", "2022/6/31", "2022-06/01", "2022年13月", "22/06", "2022年6", "六月"])
def test_not_a_date_names_the_forms(text: str) -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile({"established": text})
    assert "2022/06, 2022.06, 2022年6月" in str(e.value)


@pytest.mark.parametrize(
    ("data", "near"),
    [
        ({"employes": 3}, "employees"),
        ({"taxable_incom": 3}, "income.taxable_income"),
        ({"income": {"rd_expence": 3}}, "income.rd_expense"),
        ({"equipment": [{"unit_valu": 3}]}, "equipment.1.unit_value"),
    ],
)
def test_an_unknown_key_gets_the_closest_field(data: dict[str, object], near: str) -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile(data)
    assert f"(did you mean {near}?)" in str(e.value)
    assert "\n" not in str(e.value)


def test_nothing_close_says_no_guess() -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile({"zzzz": 1})
    assert "did you mean" not in str(e.value)


def test_the_blank_template_computes_no_machine(tmp_path: Path) -> None:
    template = _xzcalc("template")
    assert template.returncode == 0
    path = tmp_path / "blank.toml"
    path.write_bytes(template.stdout)
    out = _xzcalc("calc", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["profile"].get("equipment", []) == []
    item = next(i for i in data["items"] if i["policy"] == "cit.equipment_deduction")
    assert not any("equipment 1" in r for r in item["reasons"])
    # a row that gives a value is still a machine
    assert len(parse_profile({"equipment": [{"unit_value": 100, "years": 10}]}).equipment) == 1


def test_a_gb18030_profile_reads_like_its_utf8(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "gbk.toml"
    path.write_bytes(text.encode("gb18030"))
    gb = _xzcalc("calc", str(path), "--format", "json")
    utf8 = _xzcalc("calc", str(EXAMPLE), "--format", "json")
    assert gb.returncode == 0, gb.stderr
    assert json.loads(gb.stdout)["items"] == json.loads(utf8.stdout)["items"]


def test_a_batch_cell_takes_the_same_date_forms() -> None:
    from xzcalc.schema.build import profile_from_flat

    profile = profile_from_flat(
        {"established": "2022年6月", "equipment.1.in_service": "2022/09", "equipment.1.unit_value": "100"}
    )
    assert profile.established == date(2022, 6, 1)
    assert profile.equipment[0].in_service == date(2022, 9, 1)
