"""Helpers shared by the rule families: the individual-business exclusion and parameter windows as dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from ..messages import Msg
from ..params import ParamSet
from .kit import Condition, Context, ItemBuilder

INDIVIDUAL_BUSINESS = "individual-business"


def enterprises_only(holds: bool, why: str, **values: Any) -> Condition:
    """A condition an individual business fails where a clause reaches enterprises only: `why` is the message id
    (with its values) saying so, shown after "个体工商户不适用：" / "not for an individual business: "."""
    return Condition(holds, "common.individual_business_excluded", {"why": Msg(why, values)})


def require_enterprise(ctx: Context, item: ItemBuilder, why: str, **values: Any) -> None:
    """The item's condition that the profile is not an individual business (enterprises_only), for a row and for a
    batch block: an individual business fails it where a clause reaches enterprises only."""
    item.require(*enterprises_only(ctx.profile.entity != INDIVIDUAL_BUSINESS, why, **values))


def window(ctx: Context, name: str) -> tuple[date, date]:
    """The first and last day of a parameter's windows (a measure's date range, for reasons)."""
    return _span(ctx.params, name)


@lru_cache(maxsize=1024)
def _span(params: ParamSet, name: str) -> tuple[date, date]:
    windows = params.parameter(name).windows
    return min(w.start for w in windows), max(w.end for w in windows)


def add_months(d: date, months: int) -> date:
    """The first day of the month `months` after d's month (a column of days answers with its own add_months)."""
    if not isinstance(d, date):
        return d.add_months(months)
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
