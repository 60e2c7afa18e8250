"""The deferral family (xzcalc/rules/deferral.py): B8's quarters, terms and individual-business coverage come from the
dated parameters, so a reform of them changes the explanation (the golden cases check the amounts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from xzcalc.engine import calculate
from xzcalc.messages import Lang, render
from xzcalc.model import Item
from xzcalc.reform import Reform
from xzcalc.schema.build import parse_profile

B8 = "tax.manufacturing_sme_deferral."
MANUFACTURER = {
    "jurisdiction": "inner-mongolia",
    "sector": "C13",
    "prior_revenue": "100万",
    "deferral": {"taxes_2021q4": 1000, "taxes_2022q1": 2000, "taxes_2022q2": 3000},
}


def b8(changes: dict[str, Any] | None = None, **profile: Any) -> Item:
    """The B8 item of MANUFACTURER (updated by `profile`) under a reform of B8's parameters (names without the
    policy prefix)."""
    reform = Reform("test", {B8 + k: v for k, v in changes.items()}) if changes else None
    result = calculate(parse_profile({**MANUFACTURER, **profile}), explain=True, reform=reform)
    return next(i for i in result.items if i.policy.id == B8.rstrip("."))


def says(item: Item, start: str, lang: Lang = "zh") -> bool:
    """Whether a reason or a step of the item starts so."""
    return any(render(m, lang).startswith(start) for m in (*item.reasons, *item.trace))


def test_terms_name_quarters_of_one_year_deferred_alike_together() -> None:
    item = b8()
    assert says(item, "缓缴期限：2021年第四季度 13 个月，2022年第一、二季度各 10 个月（")
    assert says(item, "deferred for 13 months (2021 Q4) and 10 months (2022 Q1, Q2) (", "en")


def test_terms_and_quarters_follow_the_parameters() -> None:
    """Every term alike (3 + 3 + 4 = 10) still names the years apart; a quarter moved in the data is named by its new
    date; three terms are joined as a list. The amount does not move."""
    assert says(b8({"months_2021q4_extension": 3}), "缓缴期限：2021年第四季度 10 个月，2022年第一、二季度各 10 个月（")
    moved = {"q4_2021": date(2021, 10, 1), "q1_2022": date(2022, 1, 1), "q2_2022": date(2022, 7, 1)}
    item = b8({"quarters": moved})
    assert says(item, "2022年第三季度缓缴税费: 3,000 × 100% = 3,000")
    assert says(item, "缓缴期限：2021年第四季度 13 个月，2022年第一、三季度各 10 个月（")
    assert says(item, "deferred for 13 months (2021 Q4) and 10 months (2022 Q1, Q3) (", "en")
    item = b8({"quarters": {**moved, "q2_2022": date(2023, 1, 1)}})
    assert says(item, "缓缴期限：2021年第四季度 13 个月，2022年第一季度 10 个月，2023年第一季度 10 个月（")
    assert says(item, "deferred for 13 months (2021 Q4), 10 months (2022 Q1) and 10 months (2023 Q1) (", "en")
    assert item.amount == b8().amount


def test_months_and_lpr_shown_are_those_used() -> None:
    item = b8({"months_further": 5})
    assert says(
        item, "2021年第四季度缓缴 14 个月的时间价值（2022-01 起，1年期LPR 3.8%，不计入金额）: 1,000 × 3.8% × 14 / 12"
    )
    assert says(item, "缓缴的时间价值按1年期LPR计约 ")


def test_individual_businesses_are_covered_as_the_parameter_says() -> None:
    covered = b8(entity="individual-business")
    assert covered.eligible
    assert says(covered, "the manufacturing SMEs of the deferral include individual businesses", "en")
    excluded = b8({"individual_business_included": False}, entity="individual-business")
    assert not excluded.eligible
    assert says(excluded, "not for an individual business: the manufacturing SMEs of the deferral do not", "en")
    assert b8({"individual_business_included": False}).eligible  # a company is unaffected


def test_no_taxes_names_the_fields_of_the_quarters() -> None:
    item = b8(deferral={})
    assert item.eligible and item.amount == 0
    assert says(
        item, "no deferrable taxes given (deferral.taxes_2021q4/deferral.taxes_2022q1/deferral.taxes_2022q2)", "en"
    )
