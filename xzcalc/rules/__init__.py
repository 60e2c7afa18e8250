"""Rule families, one module per policy family, run in this order (the CIT chain first: B6 needs A1).

Each family is `fn(ctx)` emitting one Item for each policy id it owns; the engine runs a family only when the
jurisdiction offers one of its ids. A rule that computes one policy is its own family (subsidies, finance). The
eligible-only benefits (data/eligible_only.toml) are handled generically by `eligible_only`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import deferral, employment, finance, income_tax, local_taxes, subsidies, vat

if TYPE_CHECKING:
    from .kit import Context

FAMILIES: list[tuple[tuple[str, ...], Callable[[Context], None]]] = [
    (income_tax.POLICIES, income_tax.income_tax),
    (vat.POLICIES, vat.small_scale_exemption),
    (local_taxes.POLICIES, local_taxes.six_taxes_two_fees),
    # B7–B19 read only the profile and the classifications A2–A4; none depends on another's facts.
    (vat.CREDIT_REFUND_POLICIES, vat.credit_refund),
    (deferral.POLICIES, deferral.deferrals),
    (employment.POLICIES, employment.stable_job_refund),
    *(((pid,), rule) for pid, rule in subsidies.RULES),
    *(((pid,), rule) for pid, rule in finance.RULES),
]
