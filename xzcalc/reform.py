"""Reforms: a TOML file that overrides dated parameters, like OpenFisca reforms (`--params FILE.toml`).

    [subsidy.first_set_equipment.cap]
    value = 500000                 # the new value in every window the parameter has
    description = "raise the first-set cap"   # optional

    [cit.small_low_profit.band1_inclusion]
    values = [{ from = 2022-01-01, until = 2022-12-31, value = 0.10 }]   # or new dated windows

A name must be a parameter xzcalc has (in any jurisdiction); the new value must be of the same shape (a number for a
number, a table with the same keys for a table) and within its unit's bounds: a rate within 0–1, a super-deduction
ratio within 0–2, yuan finite and not negative (below 10^15, at most 12 decimals), a count or months a whole number.
Dated windows need `from` ≤ `until` (dates) and replace the parameter's own windows: a date a rule reads outside
them is refused with one line when the reform is applied (params.ReformGap). The result shows which parameters a
reform changed. A file that breaks any of this is refused with one line naming the parameter (ReformError), never a
traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .data import tax_years
from .inputs import InputError, echo, parse_toml
from .money import MoneyError, fmt_num, parse_decimal
from .params import Parameter, ParamSet, Window, jurisdictions, param_set
from .record import record

__all__ = ["Reform", "ReformError", "load_reform"]


class ReformError(ValueError):
    """A reform file xzcalc cannot apply; str() is one line naming the parameter and the problem."""


@record
class Reform:
    name: str
    changes: Mapping[str, Parameter | Any]  # a whole new Parameter (dated windows) or a bare value for every window
    sha256: str | None = None  # of the file's bytes as read (the receipt's reform_sha256): what was applied

    def apply(self, params: ParamSet) -> tuple[ParamSet, dict[str, Parameter]]:
        """The reformed parameter set and the parameters it replaced (those the jurisdiction has)."""
        overrides: dict[str, Parameter] = {}
        for name, change in self.changes.items():
            if isinstance(change, Parameter):  # dated windows replace the parameter's own
                overrides[name] = change
            elif name in params:
                base = params.parameter(name)
                windows = tuple(Window(w.start, w.end, change, w.source) for w in base.windows)
                overrides[name] = replace(base, windows=windows, origin=f"reform {self.name}")
        return params.with_overrides(overrides), overrides


@cache
def _known_parameters() -> dict[str, Parameter]:
    known: dict[str, Parameter] = {}
    for jurisdiction in jurisdictions():
        for p in param_set(jurisdiction, tax_years().default):  # (the same parameters in every year)
            known.setdefault(p.name, p)
    return known


def _shape(value: Any) -> str:
    if isinstance(value, bool):
        return "a true/false flag"
    if isinstance(value, Decimal | int):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# a unit's bounds (inclusive); yuan, counts and months are bounded below by 0 and above by money.MAX_AMOUNT
_BOUNDS = {
    "rate": (Decimal(0), Decimal(1), "a rate between 0 and 1 (0%–100%)"),
    "ratio": (Decimal(0), Decimal(2), "a ratio between 0 and 2 (0%–200%)"),
}


_NOT_NEGATIVE = {
    "yuan": "an amount in yuan that is not negative (below 10^15, at most 12 decimals)",
    "count": "a whole number that is not negative",
    "months": "a whole number that is not negative",
}


def _check_value(name: str, unit: str, base: Any, value: Any) -> None:
    """Raise ReformError unless `value` has the shape of `base` (the parameter's current value) and fits its unit."""
    expected = _shape(base)
    if _shape(value) != expected:
        raise ReformError(f"{name}: {_show(value)} is not valid — expected {expected}, like the current value")
    if isinstance(value, dict):
        if set(value) != set(base):
            raise ReformError(
                f"{name}: keys {', '.join(sorted(map(str, value)))} are not valid — expected the keys "
                f"{', '.join(sorted(map(str, base)))}, like the current value"
            )
        for key, item in value.items():
            _check_value(f"{name}.{key}", unit if unit != "table" else "", base[key], item)
    elif isinstance(value, list):
        for item in value:
            if base:
                _check_value(name, "", base[0], item)
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        low, high, what = _BOUNDS.get(
            unit, (Decimal(0), None, _NOT_NEGATIVE.get(unit, "a number that is not negative"))
        )
        try:
            number = parse_decimal(value, what)
        except MoneyError:
            raise ReformError(f"{name}: {_show(value)} is not valid — expected {what}") from None
        if number < low or (high is not None and number > high):
            raise ReformError(f"{name}: {_show(value)} is not valid — expected {what}")
        if unit in ("count", "months") and number != number.to_integral_value():
            raise ReformError(f"{name}: {_show(value)} is not valid — expected {what}")


def _check_bounds(name: str, base: Parameter, value: Any) -> None:
    """A parameter whose data states a `range` (a month of the year, a share) takes only values within it."""
    if base.bounds is None or not isinstance(value, Decimal | int) or isinstance(value, bool):
        return
    low, high = base.bounds
    if not low <= value <= high:
        raise ReformError(
            f"{name}: {_show(value)} is not valid — expected a value from {fmt_num(low)} to {fmt_num(high)}"
        )


def _show(value: Any) -> str:
    """A value as an error line shows it (short: never a 5,000-digit number)."""
    if isinstance(value, Decimal) and value.is_finite() and abs(value.adjusted()) < 20:
        return fmt_num(value)
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _windows(name: str, unit: str, base: Any, table: Mapping[str, Any], origin: str) -> Parameter:
    """A parameter of dated windows from a reform table, each checked."""
    values = table["values"]
    shape = "{ from = DATE, until = DATE, value = … }"
    if not isinstance(values, list) or not values:
        raise ReformError(f"{name}: values = {_show(values)} is not valid — expected a list of {shape} tables")
    windows = []
    for w in values:
        if not isinstance(w, dict):
            raise ReformError(f"{name}: the window {_show(w)} is not valid — expected {shape}")
        if set(w) != {"from", "until", "value"}:
            keys = ", ".join(echo(str(k)) for k in w) or "no keys"
            raise ReformError(f"{name}: a window with {keys} is not valid — expected {shape}")
        start, end = w["from"], w["until"]
        if not all(isinstance(d, date) and not isinstance(d, datetime) for d in (start, end)):
            raise ReformError(f"{name}: the window {_show(w)} is not valid — expected dates for from and until")
        if start > end:
            raise ReformError(f"{name}: the window from {start} until {end} is not valid — expected from ≤ until")
        _check_value(name, unit, base, w["value"])
        windows.append(Window(start, end, w["value"]))
    return Parameter(name, str(table.get("description", "")), unit, "reform", tuple(windows), f"reform {origin}")


def parse_reform(data: Mapping[str, Any], name: str) -> Reform:
    """A Reform from a parsed reform document. Raises ReformError (one line naming the parameter)."""
    known = _known_parameters()
    changes: dict[str, Parameter | Any] = {}
    for pname, table in _flatten(data).items():
        if pname not in known:
            raise ReformError(f"{echo(pname)}: not a parameter of xzcalc — expected a name listed by `xzcalc explain`")
        base = known[pname]
        if "values" in table:
            changes[pname] = _windows(pname, base.unit, base.windows[0].value, table, name)
            for w in changes[pname].windows:
                _check_bounds(pname, base, w.value)
        else:
            _check_value(pname, base.unit, base.windows[0].value, table["value"])
            _check_bounds(pname, base, table["value"])
            changes[pname] = table["value"]
    if not changes:
        raise ReformError(
            f"{name}: no parameter changed — expected tables like [subsidy.first_set_equipment.cap] value = …"
        )
    return Reform(name, changes)


_KEYS = {"value", "values", "description"}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Mapping[str, Any]]:
    """Dotted parameter name → its table (a table with `value` or `values` is a parameter). A key a reform would
    ignore is refused: another key beside them, both of them, a description that is not text, an empty table."""
    out: dict[str, Mapping[str, Any]] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if not isinstance(value, Mapping):
            raise ReformError(f"{echo(name)}: {_show(value)} is not valid — expected a table [name] with value = …")
        if "value" in value or "values" in value:
            extra = sorted(set(value) - _KEYS)
            if extra or ("value" in value and "values" in value):
                shown = ", ".join(echo(str(k)) for k in extra) or "value and values together"
                raise ReformError(
                    f"{echo(name)}: {shown} is not valid — expected value = … or values = [{{ from, until, value }}] "
                    "(and an optional description)"
                )
            if not isinstance(value.get("description", ""), str):
                raise ReformError(
                    f"{echo(name)}: description = {_show(value['description'])} is not valid — expected text"
                )
            out[name] = value
        elif not value:
            raise ReformError(f"{echo(name)}: an empty table is not valid — expected value = … or values = [...]")
        else:
            out.update(_flatten(value, f"{name}."))
    return out


def load_reform(path: str | Path) -> Reform:
    """The reform file at `path`, parsed every time (nothing cached or written beside it). Raises ReformError."""
    path = Path(path)
    what = f"--params: {str(path)!r}"
    try:
        raw = path.read_bytes()
    except OSError:
        raise ReformError(f"{what} is not a readable file — expected a TOML reform file") from None
    try:
        data = parse_toml(raw, what)
    except InputError as e:
        raise ReformError(str(e)) from None
    return replace(parse_reform(data, path.name), sha256=hashlib.sha256(raw).hexdigest())
