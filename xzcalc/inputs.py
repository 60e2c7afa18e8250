"""The limits of what xzcalc reads from a user, in one place, and the reading of a user's TOML or JSON document
within them (issue 14: every door holds).

A document a user gives (a reform file, a profile) is bytes: it is read as UTF-8 (a BOM is allowed), parsed with
exact Decimals, and refused with one line — never a traceback — when it is not text, not TOML/JSON, nested deeper
than MAX_DEPTH or longer than MAX_DOCUMENT_BYTES. Numbers are bounded where they are read (money.MAX_DIGITS digits
before the point, money's 12 decimals).
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_START",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_ECHO",
    "InputError",
    "control_character",
    "depth",
    "document_text",
    "echo",
    "neutralise",
    "parse_json",
    "parse_toml",
    "printable",
]

MAX_DEPTH = 16  # tables within tables, lists within lists: a profile or a reform needs 4
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # a profile or a reform file is a few kilobytes
MAX_ECHO = 60  # characters of a user's text repeated in an error line


def printable(text: str) -> str:
    """`text` with control characters (newline, CR, ESC …), lone surrogates and other unprintable characters
    escaped (\\n, \\x1b, \\ud800), so it can be written on one line to a terminal or as UTF-8."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def echo(text: str) -> str:
    """A user's text as an error line may repeat it: printable(), cut to MAX_ECHO characters."""
    shown = printable(text)
    return shown if len(shown) <= MAX_ECHO else shown[: MAX_ECHO - 1] + "…"


_LINE_BREAKS = frozenset("\t\n\r")  # a cell typed with Alt+Enter in Excel: text, not a control


def control_character(text: str) -> str | None:
    """The first control character or lone surrogate in `text` (as U+XXXX), or None: text fields refuse them (a NUL
    in a name, an ESC sequence that would recolour a terminal, a surrogate that cannot be written as UTF-8); tabs and
    line breaks are text."""
    if text.isprintable():
        return None
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in _LINE_BREAKS:
            return f"U+{ord(ch):04X}"
    return None


# Spreadsheet formula injection (OWASP CSV injection): a cell a spreadsheet would read as a formula, including the
# full-width forms Excel and WPS on a Chinese system also accept, and a pipe (DDE)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "|")


def neutralise(text: str) -> str:
    """User text bound for a CSV or spreadsheet cell: prefixed with ' when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


class InputError(ValueError):
    """A document that cannot be read; str() is one line saying what was expected."""


def document_text(raw: bytes, what: str) -> str:
    """The text of a user's document (contract.md "Encodings"): UTF-8 with or without a BOM when the bytes decode as
    UTF-8, else GB18030 (a file saved by Excel or WPS on a Chinese system) when they decode as GB18030. Raises
    InputError naming the first byte that is neither."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(f"{what} is {len(raw):,} bytes — expected a document of at most {MAX_DOCUMENT_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        position = e.start
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            f"{what} is not UTF-8 or GB18030 text (byte 0x{raw[position]:02x} at position {position}) — expected "
            "a UTF-8 (or GB18030) document"
        ) from None


def depth(value: Any) -> int:
    """How deep tables and lists nest in a parsed document (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _checked(data: Any, what: str) -> dict[str, Any]:
    if depth(data) > MAX_DEPTH:
        raise InputError(f"{what} nests tables or lists deeper than {MAX_DEPTH} levels — expected a flat document")
    if not isinstance(data, dict):
        raise InputError(f"{what} is not a table of keys — expected a TOML or JSON document of key = value")
    return data


def parse_toml(raw: bytes, what: str) -> dict[str, Any]:
    """A user's TOML document with exact Decimals. Raises InputError (one line)."""
    text = document_text(raw, what)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{what} is not valid TOML ({e})") from None
    except RecursionError:
        raise InputError(f"{what} nests deeper than {MAX_DEPTH} levels — expected a flat document") from None
    except ValueError:  # an integer of more than 4,300 digits (int's conversion limit)
        raise InputError(f"{what} has a number of thousands of digits — expected numbers a tax form holds") from None
    return _checked(data, what)


def parse_json(raw: bytes, what: str) -> dict[str, Any]:
    """A user's JSON document with exact Decimals (floats never made). Raises InputError (one line)."""
    import json  # (here: a TOML profile, the usual one, does not pay for it)

    text = document_text(raw, what)
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise InputError(f"{what} is not valid JSON ({e})") from None
    except RecursionError:
        raise InputError(f"{what} nests deeper than {MAX_DEPTH} levels — expected a flat document") from None
    except ValueError:
        raise InputError(f"{what} has a number of thousands of digits, NaN or Infinity — expected numbers") from None
    return _checked(data, what)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class OutputLost(Exception):
    """Standard output could not be written (a full disk, /dev/full, a closed pipe, closed at start): the command
    line's one line and exit 3 (contract.md). `cause` is the OSError."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.strerror or cause.__class__.__name__)
        self.cause = cause


def publish(tmp: str | Path, target: str | Path) -> None:
    """A finished temporary file beside `target` put in its place: given the permissions a new file gets (the
    process's umask, as if written directly — mkstemp makes it 0600) and renamed over the target, so the target is
    never seen half-written. OSError as the rename gives it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)
