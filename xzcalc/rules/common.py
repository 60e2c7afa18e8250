"""Small helpers shared by the rule families of B7–B19 (dates and percentages as reasons show them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..messages import Msg
from .kit import Context, ItemBuilder, n

SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def size_zh(size: object) -> str:
    """A size class (A3) as the 2011 standard names it: small → 小型."""
    return SIZE_ZH.get(str(size), str(size))


def pct(rate: Decimal) -> str:
    """A rate as a percentage for people: 0.055 → 5.5%."""
    return f"{n(rate * 100)}%"


def month(d: date) -> str:
    """A date as the month it names: 2022-04."""
    return d.isoformat()[:7]


def window(ctx: Context, name: str) -> tuple[date, date]:
    """The first and last day of a parameter's windows (a measure's date range, for reasons)."""
    windows = ctx.params.parameter(name).windows
    return min(w.start for w in windows), max(w.end for w in windows)


def add_months(d: date, months: int) -> date:
    """The first day of the month `months` after d's month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def individual_business_excluded(ctx: Context, item: ItemBuilder, why: str, *legacy: str, **values: object) -> bool:
    """Emit the item as ineligible and return True when the profile is an individual business; `why` is the message
    id (with its values) saying why the clause does not reach one, shown after "个体工商户不适用：" /
    "not for an individual business: "."""
    if ctx.profile.entity != "individual-business":
        return False
    if legacy:  # TRANSITIONAL: (why_zh, why_en) of a family not yet converted
        values, why = {"zh": why, "en": legacy[0]}, "raw.reason"
    ctx.emit(item.ineligible("common.individual_business_excluded", why=Msg(why, values)))
    return True
