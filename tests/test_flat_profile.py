"""profile_from_flat (the batch's direct builder) against the generic path — set_path into nested tables, then
parse_profile — on generated rows: the same Profile, and for bad cells the same one-line error."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.test_batch import generated
from xzcalc.profile import ProfileError, parse_profile, profile_from_flat, set_path


def nested(row: dict[str, str]) -> Any:
    data: dict[str, Any] = {}
    for path, value in row.items():
        if value and value.strip():
            set_path(data, path, value)
    return parse_profile(data)


def outcome(build: Any, row: dict[str, str]) -> Any:
    try:
        return build(row)
    except ProfileError as e:
        return f"error: {e}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_profile_as_the_generic_path(seed: int) -> None:
    rows = [{k: v for k, v in r.items() if k != "id"} for r in generated(150, seed=seed)]
    for row in rows:
        assert profile_from_flat(row) == nested(row)


BAD_CELLS = [
    ("employees", "-3"),
    ("vat.sales_3pct.2", "12万五"),
    ("equipment.2.years", "7"),
    ("sector", "Z9"),
    ("whitelist.growth_2023.3", "-200%"),
    ("income.rd_expense_q4", "99亿"),
    ("year", "2019x"),
    ("vat.sales_3pct.5", "1"),
    ("equipment.0.unit_value", "1"),
    ("nonsense", "1"),
    ("vat", "1"),
]


@pytest.mark.parametrize(("column", "value"), BAD_CELLS)
def test_same_error_as_the_generic_path(column: str, value: str) -> None:
    row = {k: v for k, v in generated(1, seed=4)[0].items() if k != "id"}
    row[column] = value
    flat, generic = outcome(profile_from_flat, row), outcome(nested, row)
    assert isinstance(flat, str) and flat == generic


def test_rows_in_any_column_order() -> None:
    row = {k: v for k, v in generated(1, seed=5)[0].items() if k != "id"}
    items = list(row.items())
    random.Random(0).shuffle(items)
    assert profile_from_flat(dict(items)) == profile_from_flat(row)
