"""Reforms: a TOML file that overrides dated parameters, like OpenFisca reforms (`--params FILE.toml`).

    [subsidy.first_set_equipment.cap]
    value = 500000                 # the new value in every window the parameter has
    description = "raise the first-set cap"   # optional

    [cit.small_low_profit.band1_inclusion]
    values = [{ from = 2022-01-01, until = 2022-12-31, value = 0.10 }]   # or new dated windows

A name must be a parameter xzcalc has (in any jurisdiction); the new value must be of the same shape (a number for a
number, a table for a table). The result shows which parameters a reform changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .data import load_toml
from .params import Parameter, ParamSet, Window, jurisdictions, param_set, parse_params

__all__ = ["Reform", "ReformError", "load_reform"]


class ReformError(ValueError):
    """A reform file xzcalc cannot apply; str() is one line naming the parameter and the problem."""


@dataclass(frozen=True, slots=True)
class Reform:
    name: str
    changes: Mapping[str, Parameter | Any]  # a whole new Parameter (dated windows) or a bare value for every window

    def apply(self, params: ParamSet) -> tuple[ParamSet, dict[str, Parameter]]:
        """The reformed parameter set and the parameters it replaced (those the jurisdiction has)."""
        overrides: dict[str, Parameter] = {}
        for name, change in self.changes.items():
            if isinstance(change, Parameter):
                overrides[name] = change
            elif name in params:
                base = params.parameter(name)
                windows = tuple(Window(w.start, w.end, change) for w in base.windows)
                overrides[name] = replace(base, windows=windows, origin=f"reform {self.name}")
        return params.with_overrides(overrides), overrides


@cache
def _known_parameters() -> dict[str, Parameter]:
    known: dict[str, Parameter] = {}
    for jurisdiction in jurisdictions():
        for year in jurisdictions()[jurisdiction].get("years", ()):
            for p in param_set(jurisdiction, int(year)):
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


def _check_shape(name: str, base: Parameter, value: Any) -> None:
    expected = _shape(base.windows[0].value)
    if _shape(value) != expected:
        raise ReformError(f"{name}: {value!r} is not valid — expected {expected}, like the current value")
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and value < 0:
        raise ReformError(f"{name}: {value} is not valid — expected a value that is not negative")


def parse_reform(data: Mapping[str, Any], name: str) -> Reform:
    known = _known_parameters()
    changes: dict[str, Parameter | Any] = {}
    with_windows = {k: v for k, v in _flatten(data).items() if isinstance(v, Mapping) and "values" in v}
    for pname, param in parse_params(_nest(with_windows), f"reform {name}").items() if with_windows else ():
        if pname not in known:
            raise ReformError(f"{pname}: not a parameter of xzcalc — expected a name listed by `xzcalc explain`")
        for w in param.windows:
            _check_shape(pname, known[pname], w.value)
        changes[pname] = param
    for pname, table in _flatten(data).items():
        if pname in with_windows:
            continue
        if pname not in known:
            raise ReformError(f"{pname}: not a parameter of xzcalc — expected a name listed by `xzcalc explain`")
        _check_shape(pname, known[pname], table["value"])
        changes[pname] = table["value"]
    if not changes:
        raise ReformError(
            f"{name}: no parameter changed — expected tables like [subsidy.first_set_equipment.cap] value = …"
        )
    return Reform(name, changes)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Mapping[str, Any]]:
    """Dotted parameter name → its table (a table with `value` or `values` is a parameter)."""
    out: dict[str, Mapping[str, Any]] = {}
    for key, value in data.items():
        if not isinstance(value, Mapping):
            raise ReformError(f"{prefix}{key}: {value!r} is not valid — expected a table [name] with value = …")
        if "value" in value or "values" in value:
            out[f"{prefix}{key}"] = value
        else:
            out.update(_flatten(value, f"{prefix}{key}."))
    return out


def _nest(flat: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for dotted, table in flat.items():
        node = root
        *parents, last = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = {"source": "reform", **table}
    return root


def load_reform(path: str | Path) -> Reform:
    path = Path(path)
    if not path.is_file():
        raise ReformError(f"--params: {str(path)!r} is not a readable file — expected a TOML reform file")
    import tomllib

    try:
        data = load_toml(path)
    except tomllib.TOMLDecodeError as e:
        raise ReformError(f"--params: {str(path)!r} is not valid TOML ({e})") from None
    return parse_reform(data, path.name)
