"""`history.small_low_profit`: the results of earlier annual CIT filings, a table keyed by year (contract.md "Added
2026-11"), read alike from TOML, JSON, `--set` and CSV columns, and the 六税两费 half-years that follow them (E4)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xzcalc.batch import run
from xzcalc.engine import calculate
from xzcalc.schema.build import RowReader, parse_profile, profile_from_flat
from xzcalc.schema.jsonschema import profile_schema
from xzcalc.schema.kinds import YearMap
from xzcalc.schema.paths import all_paths, set_path
from xzcalc.schema.profile import FILING_YEARS, ProfileError, load_profile, profile_to_dict
from xzcalc.schema.template import csv_header, toml_template

ROOT = Path(__file__).resolve().parent.parent
SIX = "local.six_taxes_two_fees"
COLUMNS = [f"history.small_low_profit.{year}" for year in FILING_YEARS]
# a general VAT taxpayer that is not small low-profit this year (taxable income 5,000,000), property tax 24,000
BASE = {
    "sector": "C34",
    "employees": "50",
    "total_assets": "1000万",
    "revenue": "8000万",
    "income.taxable_income": "5000000",
    "vat.taxpayer": "general",
    "local_taxes.property": "24000",
}


def test_the_years_are_stated_once_and_are_the_contracts() -> None:
    assert (FILING_YEARS[0], FILING_YEARS[-1]) == (2019, 2027)
    assert [p for p in all_paths(1) if p.startswith("history.")] == COLUMNS
    assert set(COLUMNS) <= set(csv_header().strip().split(","))
    keyed = profile_schema()["properties"]["history"]["properties"]["small_low_profit"]
    assert keyed["type"] == "object" and keyed["additionalProperties"] is False
    assert list(keyed["properties"]) == [str(y) for y in FILING_YEARS]
    assert {"type": "boolean"} in keyed["properties"]["2021"]["anyOf"]


def test_toml_json_set_and_csv_give_the_same_profile() -> None:
    toml = parse_profile(load_profile("[history.small_low_profit]\n2020 = false\n2021 = true\n"))
    js = parse_profile(load_profile('{"history": {"small_low_profit": {"2021": true, "2020": false}}}'))
    data: dict[str, Any] = {}
    set_path(data, "history.small_low_profit.2020", "否")
    set_path(data, "history.small_low_profit.2021", "是")
    by_set = parse_profile(data)
    flat = profile_from_flat({"history.small_low_profit.2020": "false", "history.small_low_profit.2021": "1"})
    header = COLUMNS
    row = ["" if y not in (2020, 2021) else ("0" if y == 2020 else "yes") for y in FILING_YEARS]
    by_row = RowReader(header).read(row)
    for profile in (toml, js, by_set, flat, by_row):
        assert profile.history.small_low_profit == YearMap([(2020, False), (2021, True)])
        assert dict(profile.history.small_low_profit) == {2020: False, 2021: True}


def test_absent_and_blank_mean_not_given_never_false() -> None:
    assert parse_profile({}).history.small_low_profit == {}
    assert parse_profile({"history": {"small_low_profit": {"2020": "", "2021": " "}}}).history.small_low_profit == {}
    assert profile_from_flat({"history.small_low_profit.2020": ""}).history.small_low_profit == {}
    assert 2020 not in profile_from_flat({"history.small_low_profit.2021": "true"}).history.small_low_profit


def test_the_profile_round_trips_with_the_table() -> None:
    profile = parse_profile({"history": {"small_low_profit": {"2021": True, "2020": False}}})
    plain = profile_to_dict(profile)
    assert plain["history"] == {"small_low_profit": {"2020": False, "2021": True}}
    assert parse_profile(plain).history == profile.history
    assert hash(profile.history) == hash(parse_profile(plain).history)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"history": {"small_low_profit": {"2018": True}}},
            "history.small_low_profit.2018: "
            '"history.small_low_profit.2018" is not valid — expected history.small_low_profit.YEAR with YEAR from '
            "2019 to 2027",
        ),
        ({"history": {"small_low_profit": {"02021": True}}}, "expected history.small_low_profit.YEAR"),
        ({"history": {"small_low_profit": {"2028": True}}}, "with YEAR from 2019 to 2027"),
        ({"history": {"small_low_profit": [True, False]}}, "expected a table keyed by year"),
        ({"history": {"small_low_profit": True}}, "expected a table keyed by year"),
        (
            {"history": {"small_low_profit": {"2021": "maybe"}}},
            'history.small_low_profit.2021: "maybe" is not valid — expected true or false',
        ),
        (
            {"established": "2021-09-01", "history": {"small_low_profit": {"2020": True}}},
            'history.small_low_profit.2020: "true" is not valid — expected no result for a year before the enterprise '
            "was established (2021-09-01): its first annual filing is for 2021",
        ),
    ],
)
def test_unusable_tables_name_the_path(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError) as e:
        parse_profile(data)
    assert message in str(e.value)


def test_a_filing_of_the_year_established_is_accepted() -> None:
    profile = parse_profile({"established": "2021-09-01", "history": {"small_low_profit": {"2021": True}}})
    assert profile.history.small_low_profit[2021] is True


def test_set_paths_are_checked() -> None:
    for path, expected in [
        ("history.small_low_profit", "history.small_low_profit.YEAR"),
        ("history.small_low_profit.2021.x", "history.small_low_profit.YEAR"),
        ("history.small_low_profit.2030", "with YEAR from 2019 to 2027"),
    ]:
        with pytest.raises(ProfileError) as e:
            set_path({}, path, "true")
        assert expected in str(e.value)


def test_the_template_shows_the_table_commented_out_and_still_parses() -> None:
    text = toml_template()
    assert "[history.small_low_profit]  # 以前年度企业所得税年度汇算清缴" in text
    assert "\n# 2020 = false\n# 2021 = true\n" in text
    document = tomllib.loads(text, parse_float=Decimal)
    assert document["history"] == {"small_low_profit": {}}
    assert parse_profile(document).history.small_low_profit == {}


def test_set_on_the_command_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "xzcalc",
            "calc",
            "--income",
            "500万",
            "--employees",
            "50",
            "--sector",
            "C34",
            "--set",
            "vat.taxpayer=general",
            "--set",
            "local_taxes.property=24000",
            "--set",
            "history.small_low_profit.2020=false",
            "--set",
            "history.small_low_profit.2021=true",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    (item,) = [i for i in result["items"] if i["policy"] == SIX]
    assert item["amount"] == "6000.00"
    assert result["profile"]["history"] == {"small_low_profit": {"2020": False, "2021": True}}


# ── a batch: one CSV column per year ────────────────────────────────────────────────────────────────────────

# (2020 cell, 2021 cell, this year's taxable income, expected relief): every half-year combination, blank cells
# presumed from this year's result
ROWS = [
    ("false", "true", "5000000", "6000.00"),  # the input
    ("true", "true", "5000000", "12000.00"),
    ("true", "false", "1000000", "6000.00"),
    ("false", "false", "1000000", "0.00"),
    ("", "true", "5000000", "6000.00"),  # 2020 presumed: not small low-profit
    ("", "", "1000000", "12000.00"),  # both presumed: small low-profit
    ("否", "是", "5000000", "6000.00"),
]


def test_batch_reads_the_history_columns(tmp_path: Path) -> None:
    header = ["id", *BASE, "history.small_low_profit.2020", "history.small_low_profit.2021"]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for i, (y2020, y2021, income, _) in enumerate(ROWS, start=1):
            cells = {**BASE, "income.taxable_income": income}
            writer.writerow([str(i), *cells.values(), y2020, y2021])
    out = tmp_path / "out.csv"
    report = run(str(src), str(out), jobs=1)
    assert report.summary.failed == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.DictReader(f))
    assert [g[f"{SIX}.amount"] for g in got] == [expected for *_, expected in ROWS]
    for (y2020, y2021, income, expected), line in zip(ROWS, got, strict=True):
        cells = {**BASE, "income.taxable_income": income}
        if y2020:
            cells["history.small_low_profit.2020"] = y2020
        if y2021:
            cells["history.small_low_profit.2021"] = y2021
        item = {i.policy.id: i for i in calculate(profile_from_flat(cells)).items}[SIX]
        assert f"{item.amount:.2f}" == expected == line[f"{SIX}.amount"]


def test_batch_refuses_a_year_column_outside_the_range(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,history.small_low_profit.2018\n1,true\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "batch", str(src), "-o", str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown column 'history.small_low_profit.2018'" in done.stderr
    assert "history.small_low_profit.2019" in done.stderr and "history.small_low_profit.2027" in done.stderr
