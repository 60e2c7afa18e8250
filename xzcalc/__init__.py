"""xzcalc: what the 2022 relief and support policies of Xinzhou, Shanxi and Inner Mongolia are worth to an
enterprise, in yuan, with the clause and the arithmetic behind every number.

    >>> from xzcalc import calculate, parse_profile
    >>> result = calculate(parse_profile({"income": {"taxable_income": "200万"}, "employees": 120}))
    >>> str(result.item("cit.small_low_profit").amount)
    '425000.00'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # equal to receipt.VERSION and pyproject.toml (tests/test_receipt.py)

__all__ = ["ProfileError", "Result", "__version__", "calculate", "load_profile", "load_rules", "parse_profile"]

if TYPE_CHECKING:
    from .engine import calculate
    from .model import Result
    from .params import catalogue as load_rules
    from .schema.build import parse_profile
    from .schema.profile import ProfileError, load_profile


def __getattr__(name: str) -> Any:
    # Lazy: `xzcalc --help` must not pay for the engine and its data.
    if name == "calculate":
        from .engine import calculate

        return calculate
    if name == "Result":
        from .model import Result

        return Result
    if name == "load_rules":
        from .params import catalogue

        return catalogue
    if name in ("ProfileError", "load_profile"):
        from .schema import profile

        return getattr(profile, name)
    if name == "parse_profile":
        from .schema.build import parse_profile

        return parse_profile
    raise AttributeError(name)
