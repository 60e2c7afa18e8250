"""Rule families, one module per policy family; every module exports POLICIES (the ids it computes), FAMILIES
((ids, fn) pairs) and THRESHOLDS (the eligibility lines its rules test, which the advisor and sweep read), and
data/policies.toml names each policy's module (`module`), so a policy id leads to its code in one hop
(tests/test_data.py checks both ways).

Each family is `fn(ctx)` emitting one Item for each policy id it owns; the engine runs a family only when the
jurisdiction offers one of its ids, in the order below: the CIT chain first (六税两费 needs A1, small low-profit),
VAT before 六税两费 (the surcharges' base); the others read only the profile and the classifications A2–A4. The
eligible-only benefits (data/eligible_only.toml) are handled generically by `eligible_only`, after every family.
"""

from __future__ import annotations

from . import deferral, employment, finance, income_tax, local_taxes, subsidies, vat
from .kit import RuleFamily

MODULES = (income_tax, vat, local_taxes, deferral, employment, subsidies, finance)
FAMILIES: tuple[tuple[tuple[str, ...], RuleFamily], ...] = tuple(f for module in MODULES for f in module.FAMILIES)
