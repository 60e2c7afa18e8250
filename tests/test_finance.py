"""The cost-savings family (B16–B18, xzcalc/rules/finance.py): its explanations state the parameters in force.

tests/test_messages.py reforms every parameter holding one value, but cannot see a single-digit count (the 6 months
of B16) or move a dated window or the LPR table; these tests do, with reformed windows and values.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from xzcalc.engine import calculate
from xzcalc.messages import render
from xzcalc.params import Parameter, Window, param_set
from xzcalc.reform import Reform
from xzcalc.schema.build import parse_profile

SMALL = {"jurisdiction": "xinzhou", "sector": "C34", "employees": 50, "revenue": "1000万"}


def _moved(name: str, *windows: tuple[date, date, Any]) -> Parameter:
    return replace(param_set("xinzhou", 2022).parameter(name), windows=tuple(Window(*w) for w in windows))


def _explained(profile: dict[str, Any], policy: str, reform: Reform | None = None) -> tuple[Decimal | None, str]:
    result = calculate(parse_profile(profile), explain=True, reform=reform)
    [item] = [i for i in result.items if i.policy.id == policy]
    lines = [render(m, lang) for m in (*item.reasons, *item.trace) for lang in ("zh", "en")]
    return item.amount, "\n".join(lines)


def test_b16_months_and_year_come_from_the_parameter() -> None:
    reform = Reform(
        "rent",
        {
            "relief.dev_zone_rent.months": _moved(
                "relief.dev_zone_rent.months", (date(2022, 11, 2), date(2024, 6, 30), 7)
            )
        },
    )
    amount, text = _explained({**SMALL, "dev_zone": {"monthly_rent": "1000"}}, "relief.dev_zone_rent", reform)
    assert amount == Decimal("7000.00")
    assert "减免 7 个月租金" in text and "1,000 × 7 = 7,000" in text
    assert "“年内”按2024年理解（文件于2022-11-02印发）" in text and "read as 2024 (" in text


def test_b17_window_and_share_come_from_the_parameter() -> None:
    name = "finance.guarantee_fee_halving.share"
    reform = Reform("fee", {name: _moved(name, (date(2022, 11, 1), date(2023, 2, 28), Decimal("0.4")))})
    inside = {"guarantee": {"amount": "100000", "fee_rate": "1%", "contract_date": "2022-11-01"}}
    amount, text = _explained({**SMALL, **inside}, "finance.guarantee_fee_halving", reform)
    assert amount == Decimal("400.00")
    assert "2022-11 至 2023-02" in text and "2022-11..2023-02" in text and "× 40% = 400" in text
    outside = {"guarantee": {"amount": "100000", "fee_rate": "1%", "contract_date": "2023-03-01"}}
    amount, text = _explained({**SMALL, **outside}, "finance.guarantee_fee_halving", reform)
    assert amount == Decimal("0.00")
    assert "不在 2022-11-01 至 2023-02-28 之间" in text


def test_b18_lpr_table_and_caps_come_from_the_parameters() -> None:
    lpr = _moved(
        "finance.lpr_1y",
        (date(2022, 1, 1), date(2022, 6, 30), Decimal("0.041")),
        (date(2022, 7, 1), date(2022, 9, 30), Decimal("0.039")),
    )
    reform = Reform(
        "loan",
        {
            "finance.lpr_1y": lpr,
            "finance.startup_loan_interest.principal_cap": Decimal("2000000"),
            "finance.startup_loan_interest.months_cap": 18,
            "finance.startup_loan_interest.share": Decimal("0.8"),
        },
    )
    loan = {"startup_loan": {"principal": "2500000", "months": 20, "contract_date": "2022-08-01"}}
    amount, text = _explained({**SMALL, **loan}, "finance.startup_loan_interest", reform)
    assert amount == Decimal("93600.00")  # 2,000,000 × 3.9% × 18 / 12 × 80%
    assert "有效的1年期LPR 3.9%" in text and "按 2,000,000 元计算" in text and "按 18 个月计算" in text
    assert "给予 80% 贴息" in text and "2,000,000 × 3.9% × 18 / 12 × 80% = 93,600" in text
    late = {"startup_loan": {"principal": "100000", "months": 12, "contract_date": "2022-10-01"}}
    amount, text = _explained({**SMALL, **late}, "finance.startup_loan_interest", reform)
    assert amount == Decimal("0.00")
    assert "LPR表只覆盖 2022-01-01 至 2022-09-30" in text
