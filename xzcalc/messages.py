"""Messages as data: a reason or a step of arithmetic is a message id plus values; the sentences live in
data/messages/*.toml, Chinese and English side by side, and are rendered only when a view asks.

    [cit.rd_super_deduction.rate]
    zh = "{who}，研发费用加计扣除比例 {rate:%}（{source}）"
    en = "{who}: super deduction rate {rate:%} ({source})"

A rule writes `Msg("cit.rd_super_deduction.rate", {"who": ..., "rate": rate, "source": ...})` with the values it
used, so an explanation states the parameters actually in force (a reform's included) and a sentence never carries a
rate, cap, line or date of a document as a literal (tests/test_messages.py checks the catalogue for digits).

Placeholders and their formats (the format spec after the colon):
    {x}        a number with thousands separators and its exact digits (3,000,000; 0.125) — one with more than
               SHOWN_DECIMALS decimals (a division's 2,895,833.3333…) as ≈ its value to the fen; text as it is;
               a date as 2022-06-01; a Msg or a Text in the same language; a list or tuple joined by "、" / ", "
    {x:%}      a rate as a percentage: 0.125 → 12.5%
    {x:fen}    a number rounded half-up to the fen first: 1,187,500.25
    {x:wan}    yuan in 万 (10,000 yuan): 5000000 → 500
    {x:month}  a date as the month it names: 2022-06
    {x:ym}     the same, in words: 2022年6月 / 2022-06
    {x:year}   a year as a year (2022, never 2,022)
    {x:,}      a list joined by "，" / ", " (clauses of one sentence)
    {x:;}      a list joined by "；" / "; " (sentences)
    {x:or}     a list joined by "/" (alternatives)
    {x:either} a list joined by "、" / " or " (alternatives in words)
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal, NamedTuple

from .money import fmt_num, quantize
from .record import record

__all__ = ["Lang", "MessageError", "Msg", "Text", "message_ids", "render"]

Lang = Literal["zh", "en"]


class MessageError(LookupError):
    """A message id missing from data/messages, or a placeholder the values do not give (a bug, not user input)."""


@record
class Text:
    """A text given in both languages by data (a policy's title, a size group's name)."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


_NO_VALUES: Mapping[str, Any] = {}


class Msg(NamedTuple):
    """A sentence to be: its id in data/messages and the values it shows (numbers, dates, texts, nested Msgs).

    A NamedTuple, so building one costs a tuple: a batch row builds them but never renders them."""

    id: str
    values: Mapping[str, Any] = _NO_VALUES

    def get(self, lang: Lang) -> str:
        return render(self, lang)


def cited(msgs: Iterable[Msg]) -> tuple[str, ...]:
    """The clauses the messages cite: every value named `source` ("; "-separated clauses), in nested messages too,
    in order, once each — what a rule quoted for the parameters it read in its tax year."""
    found: dict[str, None] = {}

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Msg):
            for k, v in value.values.items():
                walk(v, k)
        elif isinstance(value, tuple | list):
            for v in value:
                walk(v, key)
        elif key == "source" and isinstance(value, str) and value:
            found.update(dict.fromkeys(value.split("; ")))

    for msg in msgs:
        walk(msg)
    return tuple(found)


@cache
def _catalogue() -> dict[str, Text]:
    from .data import data_dir, load_data

    out: dict[str, Text] = {}
    folder = data_dir() / "messages"
    for path in sorted(folder.glob("*.toml")):
        _flatten(load_data(f"messages/{path.name}"), "", out, path.name)
    return out


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, Text], origin: str) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) >= {"zh", "en"} and isinstance(value["zh"], str):
            if name in out:
                raise MessageError(f"message {name} is defined twice (again in data/messages/{origin})")
            out[name] = Text(value["zh"], value["en"])
            rest = {k: v for k, v in value.items() if k not in ("zh", "en")}
            _flatten(rest, name + ".", out, origin)
        elif isinstance(value, dict):
            _flatten(value, name + ".", out, origin)


def message_ids() -> dict[str, Text]:
    """Every message id with its two templates (for tests and tools)."""
    return dict(_catalogue())


_JOIN = {"zh": "、", "en": ", "}
_SEPARATORS = {
    ",": {"zh": "，", "en": ", "},
    ";": {"zh": "；", "en": "; "},
    "or": {"zh": "/", "en": "/"},
    "either": {"zh": "、", "en": " or "},
}


class _Formatter(string.Formatter):
    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if isinstance(value, Msg | Text):  # (before lists: a Msg is a tuple)
            return value.get(lang)
        if format_spec == "%":
            return f"{fmt_num(Decimal(value) * 100)}%"
        if format_spec == "fen":
            return fmt_num(quantize(Decimal(value)))
        if format_spec == "wan":
            return fmt_num(Decimal(value) / 10_000)
        if format_spec == "year":
            return str(value)
        if format_spec == "month" or (format_spec == "ym" and lang == "en"):
            return str(value.isoformat()[:7]) if isinstance(value, date) else str(value)
        if format_spec == "ym":
            return f"{value.year}年{value.month}月"
        if format_spec in _SEPARATORS or isinstance(value, list | tuple):
            sep = _SEPARATORS[format_spec][lang] if format_spec in _SEPARATORS else _JOIN[lang]
            return sep.join(self.format_field(v, "") for v in value)
        if format_spec:
            raise MessageError(f"unknown format {format_spec!r}")
        return _plain(value, lang)


SHOWN_DECIMALS = 6  # an intermediate value with more (a repeating division) is shown rounded, marked ≈


def _plain(value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal | int):
        text = fmt_num(value)  # (exact digits, trailing zeros dropped)
        point = text.find(".")
        return "≈" + fmt_num(quantize(Decimal(value))) if 0 <= point < len(text) - 1 - SHOWN_DECIMALS else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_FORMATTERS: dict[str, _Formatter] = {"zh": _Formatter("zh"), "en": _Formatter("en")}


def render(msg: Msg, lang: Lang) -> str:
    """The sentence of `msg` in `lang`. Raises MessageError for an unknown id or a missing value."""
    try:
        template = _catalogue()[msg.id]
    except KeyError:
        raise MessageError(f"no message {msg.id!r} in data/messages") from None
    try:
        return _FORMATTERS[lang].vformat(template.get(lang), (), msg.values)
    except KeyError as e:
        raise MessageError(f"message {msg.id}: no value for {e}") from None


def render_all(msgs: Sequence[Msg], lang: Lang) -> list[str]:
    return [render(m, lang) for m in msgs]
