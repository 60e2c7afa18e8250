"""The ground floor of data/: where it is, and its TOML files read with exact Decimals.

The package's own files are cached as marshal of plain data named by a hash of their content (never pickle, never
beside a user's file); a file a user names (a reform) is parsed every time.
"""

from __future__ import annotations

import marshal
import os
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, cast

from .record import record

try:  # SHA-256 from the interpreter's own module, as `random` takes its sha512: `import hashlib` loads OpenSSL, which
    from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # cost calc a few ms to start (3.12+)
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # (3.11)
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment,unused-ignore]

__all__ = ["DataError", "TaxYears", "data_dir", "load_data", "load_toml", "tax_years"]


class DataError(RuntimeError):
    """data/ is inconsistent (a bug in the shipped data, not in the user's input)."""


@cache
def data_dir() -> Path:
    """data/ of a source checkout, or the copy a wheel installs as xzcalc/_data."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "jurisdictions.toml").is_file():
            return candidate
    raise DataError(f"data directory not found next to {here}")


@record
class TaxYears:
    """The supported tax years (data/years.toml): first..last inclusive, the default year, the documents' year."""

    first: int
    last: int
    default: int
    package: int

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and not isinstance(year, bool) and self.first <= year <= self.last

    @property
    def all(self) -> range:
        return range(self.first, self.last + 1)


@cache
def tax_years() -> TaxYears:
    """The tax years xzcalc computes, declared once in data/years.toml."""
    table = load_data("years.toml")
    years = TaxYears(int(table["first"]), int(table["last"]), int(table["default"]), int(table["package"]))
    if not years.first <= years.default <= years.last or not years.first <= years.package <= years.last:
        raise DataError("data/years.toml: default and package must lie in first..last")
    return years


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file of the project's own (a golden case, a tool's input) parsed with exact Decimals, every time; a
    user's document goes through xzcalc.inputs instead (limits, encodings, one-line errors). Raises OSError,
    UnicodeDecodeError and tomllib.TOMLDecodeError."""
    with path.open("rb") as f:
        return tomllib.load(f, parse_float=Decimal)


def load_data(relative: str) -> dict[str, Any]:
    """One of the package's own data files (a path relative to data/, e.g. "params/national.toml"), parsed with
    exact Decimals.

    The parsed form is kept in data/__pycache__ as marshal of plain data (dicts, lists, strings, numbers and tagged
    tuples for Decimals and dates), under a name that carries the SHA-256 of the file's content: loading it can run
    no code, a stale or planted copy of another content is never used, and a copy that does not decode to plain data
    is ignored and parsed again. Parsing every data file on each `xzcalc calc` was a twentieth of its start-up time."""
    path = data_dir() / relative
    raw = path.read_bytes()
    digest = sha256(raw).hexdigest()[:32]
    cached = path.parent / "__pycache__" / f"{path.name}.{digest}.marshal"
    try:
        return cast(dict[str, Any], _thaw(marshal.loads(cached.read_bytes())))
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or one that is not plain data: parse
    data = tomllib.loads(raw.decode("utf-8"), parse_float=Decimal)
    _keep(path, cached, data)
    return data


_DECIMAL, _DATE, _DATETIME, _TIME = "Decimal", "date", "datetime", "time"


def _freeze(value: Any) -> Any:
    """Parsed TOML → values marshal can write; a tuple (never produced by TOML) tags a Decimal or a date."""
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    if isinstance(value, Decimal):
        return (_DECIMAL, str(value))
    if isinstance(value, datetime):
        return (_DATETIME, value.isoformat())
    if isinstance(value, date):
        return (_DATE, value.isoformat())
    if isinstance(value, time):
        return (_TIME, value.isoformat())
    return value


_THAW: dict[str, Callable[[str], Any]] = {
    _DECIMAL: Decimal,
    _DATE: date.fromisoformat,
    _DATETIME: datetime.fromisoformat,
    _TIME: time.fromisoformat,
}


_LEAVES = frozenset((str, int, bool))  # kept as they are (the values of a TOML file but Decimals and dates)


def _thaw(value: Any) -> Any:
    """The inverse of _freeze; TypeError on anything that is not plain data of those shapes. (A text or number in a
    table or list is taken as it is, without a call for it: most of a data file is text.)"""
    kind = type(value)
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise TypeError("a key that is not text in a data cache")
        return {k: v if type(v) in _LEAVES else _thaw(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _LEAVES else _thaw(v) for v in value]
    if kind is tuple and len(value) == 2 and value[0] in _THAW and type(value[1]) is str:
        return _THAW[value[0]](value[1])
    if kind in _LEAVES:
        return value
    raise TypeError(f"not plain data in a data cache: {kind.__name__}")


def _keep(path: Path, cached: Path, data: dict[str, Any]) -> None:
    """Write the parsed file for next time, removing the copies of older contents; a read-only install simply parses
    each time."""
    try:
        cached.parent.mkdir(exist_ok=True)
        for stale in cached.parent.glob(f"{path.name}.*.marshal"):
            stale.unlink(missing_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(_freeze(data)))
        os.replace(tmp, cached)
    except OSError:
        pass
