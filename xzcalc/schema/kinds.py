"""The kinds of profile field: one class per kind, each owning everything that depends on the kind.

A field's declaration (profile.py) names a kind object; nothing else switches on what kind a field is. A value kind
(`Scalar`) knows

* `parse(value, path)` — a value from TOML, JSON or `--set` → the typed value, or ProfileError naming `path`;
* `read(value, path)` — what the builder calls for a nested value: `parse`, with the texts of a repeating kind
  remembered; BLANK where a blank value leaves the field at its declared default (rates);
* `cell_reader(path)` — the builder's reader of one CSV column's cells: BLANK for a blank cell, else what `read`
  gives, with a batch's shortcuts inside (plain digits straight to Decimal, repeated texts remembered, text stripped);
* `json_schema()` — its JSON Schema fragment (draft 2020-12), `example(default)` — what the TOML template shows;

and a number kind (`Number`) also its `unit` (yuan, persons, months, rate), its sweep `step` and the what-if checks
`accepts(value)` / `typed(value)`. `FixedList` is a list of numbers of fixed length (vat.sales_3pct), `YearTable` a
table keyed by year whose entries are optional (history.small_low_profit.2021), `Section` a nested table and `Table` an
array of tables: the shapes of the profile.

The error messages are the contract's one-liners (`employees: "-3" is not valid — expected a headcount that is not
negative`); tests check them byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, ClassVar, Final, Generic, TypeVar

from ..inputs import control_character, printable
from ..money import FEN, MoneyError, parse_decimal, parse_money, parse_rate
from ..uscc import USCCError, validate

__all__ = [
    "BLANK",
    "DATE",
    "FLAG",
    "GROWTH",
    "HEADCOUNT",
    "MONEY",
    "SECTOR",
    "SIGNED_MONEY",
    "TEXT",
    "USCC",
    "YEAR",
    "Choice",
    "Count",
    "Date",
    "FixedList",
    "Flag",
    "FreeText",
    "Growth",
    "Headcount",
    "Kind",
    "Money",
    "Number",
    "NumberChoice",
    "ProfileError",
    "Rate",
    "Reader",
    "Scalar",
    "Section",
    "Sector",
    "SignedMoney",
    "Table",
    "Uscc",
    "Value",
    "Year",
    "YearMap",
    "YearTable",
    "is_blank",
    "sector_divisions",
    "show",
]

T = TypeVar("T")
D0: Final = Decimal(0)
MEMO_SIZE: Final = 4096  # distinct (text, path) pairs a repeating kind remembers (least recently used go first)


class ProfileError(ValueError):
    """An unusable profile value. str() is the one line a user sees: field, value, what was expected.

    `path` is the dotted path of the field ("vat.sales_3pct.2"), `value` the value as given, `expected` what would
    have been accepted; `problem` replaces the default "VALUE is not valid"."""

    def __init__(self, path: str, value: object, expected: str, *, problem: str = "") -> None:
        self.path = path
        self.value = value
        self.expected = expected
        problem = problem or f"{show(value)} is not valid"
        super().__init__(f"{printable(path)}: {problem} — expected {expected}")


def show(value: object) -> str:
    """A value as an error message quotes it: text in JSON quotes (cut at 60 characters), anything else as str()."""
    import json  # (here: only an error message quotes a value, and a valid profile's calc does not load json)

    text = value if isinstance(value, str) else str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return printable(json.dumps(text, ensure_ascii=False) if isinstance(value, str) else text)


class _Blank:
    __slots__ = ()

    def __repr__(self) -> str:
        return "BLANK"


BLANK: Final = _Blank()
"""What a reader gives for a missing value: the field keeps its declared default."""

Reader = Callable[[Any], Any]
"""A value or a cell → the field's typed value, or BLANK; raises ProfileError naming the path it was made for."""


def is_blank(value: object) -> bool:
    """None, "" or only white space: a value that was not given."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


# ── the bases ─────────────────────────────────────────────────────────────────────────────────────────────────


class Kind:
    """What every field kind has: its name ("money", "choice", "section", …), the default of a field declared
    without one (MISSING: the declaration must give it) and, for a choice, the accepted values."""

    name: str = ""
    default: Any = MISSING
    choices: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        return f"<kind {self.name}>"


class Value(Kind):
    """A field holding a value (a scalar or a fixed list), as opposed to a table of fields."""

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of what the parser accepts for this kind, without title or default."""
        raise NotImplementedError

    def example(self, default: Any) -> Any:
        """What the TOML template shows for a field of this kind with this declared default (no example given)."""
        return default


class Scalar(Value, Generic[T]):
    """A single value: parsed from TOML, JSON, --set or a CSV cell into T."""

    repeats: ClassVar[bool] = False
    """Whether a batch sees few distinct texts of this kind ("2022", "company", "C34", "2022-06", "10"): then the
    parsed value of each text is remembered. A parse depends on the text alone, never on the path, which only errors
    name — and errors are not remembered."""

    digits_exact: ClassVar[bool] = False
    """Whether a cell of fewer than 16 ASCII digits reads as Decimal(cell) (an amount's cell_reader): the batch's
    columns (batch/cells.py) then take such a cell as that integer without calling the reader."""

    remembered: Callable[[str, str], T]
    """parse(text, path), remembered per (text, path) by functools.lru_cache (MEMO_SIZE of them; errors are not)."""

    def __init__(self) -> None:
        self.remembered = lru_cache(maxsize=MEMO_SIZE)(self.parse)

    def parse(self, value: object, path: str) -> T:
        """`value` (int, Decimal, bool, date or str as TOML/JSON give them) as this kind's typed value, or
        ProfileError(path, value, expected)."""
        raise NotImplementedError

    def read(self, value: object, path: str) -> Any:
        """A value of a nested mapping (TOML, JSON, --set) → T, or BLANK to keep the declared default: a blank
        value means what a blank CSV cell means (an optional field stays "not given", not 0)."""
        if is_blank(value):
            return BLANK
        if self.repeats and type(value) is str:
            return self.remembered(value, path)
        return self.parse(value, path)

    def cell_reader(self, path: str) -> Reader:
        """The reader of one CSV column's cells at `path`: BLANK for a blank cell (the field keeps its default),
        else what `read` gives."""
        parse = self.parse
        if not self.repeats:

            def cell(value: Any) -> Any:
                return BLANK if is_blank(value) else parse(value, path)

            return cell
        remembered = self.remembered

        def repeated(value: Any) -> Any:
            if type(value) is str:
                if not value or value.isspace():
                    return BLANK
                return remembered(value, path)
            return BLANK if value is None else parse(value, path)

        return repeated


class Number(Scalar[T]):
    """A numeric kind: what a what-if or a sweep can move."""

    unit: str = ""
    """What a value counts: "yuan", "persons", "months" or "rate" (a fraction)."""
    step: Decimal = FEN
    """The sweep's resolution: grid values are rounded to it."""

    def accepts(self, value: Decimal) -> bool:
        """Whether `parse` would accept this number (a what-if never builds a profile parsing would refuse)."""
        return value >= 0

    def typed(self, value: Decimal) -> T:
        """The value a parsed profile holds for this number."""
        raise NotImplementedError

    def example(self, default: Any) -> Any:
        return 0 if default in (None, D0) else (int(default) if default == int(default) else str(default))


# ── money and other numbers ───────────────────────────────────────────────────────────────────────────────────

# the text forms money.py accepts: 2000000 · "2,000,000" · "200万" · "1.2亿" · optional 元; blank is 0 (or the default)
_DIGITS = r"(\d+(\.\d*)?|\.\d+)"
_GROUPED = r"(\d{1,3}([,，]\d{3})+(\.\d*)?)"
_UNIT = "(万元|亿元|万|亿|元)?"


def _text(core: str) -> str:
    return r"^\s*(" + core + r")?\s*$"


_MONEY_TEXT = _text(r"[+]?(" + _DIGITS + "|" + _GROUPED + r")\s*" + _UNIT)
_SIGNED_TEXT = _text(r"[+-]?(" + _DIGITS + "|" + _GROUPED + r")\s*" + _UNIT)
_NUMBER_TEXT = _text(r"[+]?" + _DIGITS)
_RATE_TEXT = _text(r"[+]?" + _DIGITS + r"\s*[%％]?")
_GROWTH_TEXT = _text(r"[+-]?" + _DIGITS + r"\s*[%％]?")


class _Decimal(Number[Decimal]):
    """A number held as a Decimal."""

    def typed(self, value: Decimal) -> Decimal:
        return value


class _Amount(_Decimal):
    """Decimal amounts whose CSV cells are mostly plain digits: those go straight to Decimal (fewer than 16 digits
    are below money.MAX_AMOUNT, and an integer is exact), as parse_decimal would take them, without the calls."""

    default = D0
    digits_exact = True

    def cell_reader(self, path: str) -> Reader:
        general = super().cell_reader(path)

        def amount(value: Any) -> Any:
            if type(value) is str and len(value) < 16 and value.isdigit() and value.isascii():
                return Decimal(value)
            return general(value)

        return amount


class Money(_Amount):
    """An amount in yuan that is not negative: 2000000, "2,000,000", "200万", "1.2亿"; blank is 0."""

    name = "money"
    unit = "yuan"

    def parse(self, value: object, path: str) -> Decimal:
        if is_blank(value):
            return D0
        try:
            return parse_money(value)
        except MoneyError as e:
            raise ProfileError(path, value, e.expected) from None

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _MONEY_TEXT}]}


class SignedMoney(_Amount):
    """An amount in yuan that may be negative (taxable income: a loss)."""

    name = "signed_money"
    unit = "yuan"

    def parse(self, value: object, path: str) -> Decimal:
        if is_blank(value):
            return D0
        try:
            amount = parse_money(value, signed=True)
        except MoneyError as e:
            raise ProfileError(path, value, e.expected) from None
        return amount.copy_abs() if amount.is_zero() else amount  # "-0" is 0 (never "-0.00" in an output)

    def accepts(self, value: Decimal) -> bool:
        return True

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _SIGNED_TEXT}]}


class Headcount(_Amount):
    """A number of persons that is not negative; an annual average may be fractional."""

    name = "headcount"
    unit = "persons"

    def parse(self, value: object, path: str) -> Decimal:
        if is_blank(value):
            return D0
        expected = "a headcount that is not negative"
        try:
            number = parse_decimal(value, expected)
        except MoneyError as e:
            raise ProfileError(path, value, e.expected) from None
        if number < 0:
            raise ProfileError(path, value, expected)
        return number

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _NUMBER_TEXT}]}


def _whole(value: object, path: str, expected: str) -> int:
    """A whole number (2022, "10", 3.0), or ProfileError with `expected`."""
    try:
        number = parse_decimal(value, expected)
    except MoneyError:
        raise ProfileError(path, value, expected) from None
    if number != number.to_integral_value():
        raise ProfileError(path, value, expected)
    return int(number)


class Count(Number[int]):
    """A whole number that is not negative (insured employees, months); blank is 0."""

    name = "count"
    default = 0
    step = Decimal(1)
    repeats = True

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def parse(self, value: object, path: str) -> int:
        if is_blank(value):
            return 0
        expected = "a whole number that is not negative"
        number = _whole(value, path, expected)
        if number < 0:
            raise ProfileError(path, value, expected)
        return number

    def accepts(self, value: Decimal) -> bool:
        return value >= 0 and value == value.to_integral_value()

    def typed(self, value: Decimal) -> int:
        return int(value)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\s*(\d+(\.0*)?)?\s*$"}]}


_RATE_NUMBER = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)$")


class Rate(_Decimal):
    """A fraction from 0 to 1: 0.5 or "50%", at Excel's precision — up to 15 significant digits, so a ratio pasted
    from a spreadsheet (0.952380952380952 = 200/210) is taken as it is (policies.md E8); more digits are refused with a
    message that says so. A blank value leaves the declared default (input_ratio = 1, lpr = None)."""

    name = "rate"
    unit = "rate"
    default = D0
    step = Decimal("0.000001")
    repeats = True
    significant_digits: ClassVar[int] = 15  # what Excel keeps of a number (IEEE double, shown to 15 digits)

    def parse(self, value: object, path: str) -> Decimal:
        expected = 'a fraction or a percent (0.5 or "50%") between 0 and 1 (0%–100%)'
        number, percent = self._number(value)
        if number is None:
            raise ProfileError(path, value, expected)
        digits = self.significant_digits
        # significant digits as written (trailing zeros are not: 0.50 has one)
        if number and len(number.normalize().as_tuple().digits) > digits:
            raise ProfileError(
                path,
                value,
                f"{expected} at Excel's precision",
                problem=f"{show(value)} has more than {digits} significant digits",
            )
        # nothing below 10^-digits either (Excel shows no rate smaller), so no exponent of any size reaches the
        # arithmetic or the explanations from a TOML or JSON number such as 1E-999999
        if number and number.adjusted() < -digits:
            raise ProfileError(path, value, f"{expected}, at least 1E-{digits} when not 0")
        rate = number / 100 if percent else number
        if not 0 <= rate <= 1:
            raise ProfileError(path, value, expected)
        return rate

    @staticmethod
    def _number(value: object) -> tuple[Decimal | None, bool]:
        """The number as written (a finite Decimal, or None when it is not one) and whether it was a percent."""
        if isinstance(value, bool):
            return None, False
        if isinstance(value, int):
            return Decimal(value), False
        if isinstance(value, Decimal):  # TOML and JSON numbers (never float)
            return (value if value.is_finite() else None), False
        if not isinstance(value, str):
            return None, False
        text = value.strip().replace(" ", "").replace("\u3000", "")
        percent = text.endswith(("%", "％"))
        text = text[:-1] if percent else text
        if len(text) > 40 or not _RATE_NUMBER.match(text):
            return None, percent
        return Decimal(text), percent

    def read(self, value: object, path: str) -> Any:
        return BLANK if is_blank(value) else super().read(value, path)

    def accepts(self, value: Decimal) -> bool:
        return 0 <= value <= 1

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string", "pattern": _RATE_TEXT}]}


class Growth(_Decimal):
    """A growth rate of at least −100%: -0.2, "-20%", "120%"; blank is 0."""

    name = "growth"
    unit = "rate"
    default = D0
    step = Decimal("0.000001")

    def parse(self, value: object, path: str) -> Decimal:
        if is_blank(value):
            return D0
        try:
            return parse_rate(value, low=Decimal(-1), high=None)
        except MoneyError as e:
            raise ProfileError(path, value, e.expected) from None

    def accepts(self, value: Decimal) -> bool:
        return value >= -1

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": -1}, {"type": "string", "pattern": _GROWTH_TEXT}]}


# ── everything else ───────────────────────────────────────────────────────────────────────────────────────────

_FLAGS_TRUE = frozenset({"true", "1", "yes", "y", "是", "t"})
_FLAGS_FALSE = frozenset({"false", "0", "no", "n", "否", "f", ""})
_FLAG_WORDS = ("true", "false", "yes", "no", "y", "n", "t", "f", "1", "0", "是", "否")


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isascii() and c.isalpha() else c for c in word)


class Flag(Scalar[bool]):
    """true/false, 1/0, yes/no, y/n, t/f, 是/否 (any case, stripped); blank text is false."""

    name = "flag"
    default = False
    repeats = True

    def parse(self, value: object, path: str) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _FLAGS_TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in _FLAGS_FALSE:
            return False
        raise ProfileError(path, value, "true or false (also 1/0, yes/no, 是/否)")

    def json_schema(self) -> dict[str, Any]:
        # the parser strips and lower-cases a flag's text; blank is false
        text = r"^\s*(" + "|".join(_any_case(w) for w in _FLAG_WORDS) + r")?\s*$"
        return {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"type": "string", "pattern": text}]}


# a month or a day as people write them (issue 12 §7): 2022-06, 2022/06, 2022.06, 2022年6月 (and 2022-06-15, 2022/6/15,
# 2022.06.15, 2022年6月15日); one separator throughout
_DATE = re.compile(
    r"^(\d{4})\s*(?:([-/.])\s*(\d{1,2})(?:\s*\2\s*(\d{1,2}))?|年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)$"
)
DATE_EXPECTED = 'a date "YYYY-MM" or "YYYY-MM-DD" (2022-06, 2022/06, 2022.06, 2022年6月, 2022年6月15日)'


def parse_date_text(text: str) -> date | None:
    """The date a month or day text names (a month: its first day), or None when it is not one of the forms."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    year, _sep, month, day, zh_month, zh_day = m.groups()
    try:
        return date(int(year), int(month or zh_month), int(day or zh_day or 1))
    except ValueError:
        return None


class Date(Scalar[date | None]):
    """A month "2022-06" (its first day) or a day "2022-06-15", or a TOML date; blank is None (not given)."""

    name = "date"
    default = None
    repeats = True

    def parse(self, value: object, path: str) -> date | None:
        if is_blank(value):
            return None
        expected = DATE_EXPECTED
        if isinstance(value, datetime):  # (a TOML date-time is a date too, but not a date of this kind)
            raise ProfileError(path, value, expected + ", not a date and time")
        if isinstance(value, date):
            return value
        found = parse_date_text(value) if isinstance(value, str) else None
        if found is None:
            raise ProfileError(path, value, expected)
        return found

    def example(self, default: Any) -> Any:
        return ""

    def json_schema(self) -> dict[str, Any]:
        # (no back-reference in a schema's pattern: the separators are not tied to each other there)
        month = r"\d{4}\s*([-/.]\s*\d{1,2}(\s*[-/.]\s*\d{1,2})?|年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)"
        return {"type": "string", "pattern": _text(month)}


class Year(Scalar[int]):
    """A supported tax year (2022, "2022"): the range of data/years.toml, the one place it is declared."""

    name = "year"
    repeats = True

    def parse(self, value: object, path: str) -> int:
        from ..data import tax_years

        years = tax_years()
        expected = f"a tax year from {years.first} to {years.last} (the years xzcalc has data for)"
        year = _whole(value, path, expected)
        if year not in years:
            raise ProfileError(path, value, expected)
        return year

    def json_schema(self) -> dict[str, Any]:
        from ..data import tax_years

        years = tax_years()
        return {
            "anyOf": [
                {"type": "integer", "minimum": years.first, "maximum": years.last},
                {"type": "string", "pattern": r"^\s*\d{4}(\.0*)?\s*$"},
            ]
        }


class Choice(Scalar[str]):
    """One of a few lower-case words (jurisdiction, entity, taxpayer type), any case in the input."""

    name = "choice"
    repeats = True

    def __init__(self, choices: tuple[str, ...]) -> None:
        super().__init__()
        self.choices = choices

    def parse(self, value: object, path: str) -> str:
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        raise ProfileError(path, value, "one of " + ", ".join(self.choices))

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


class NumberChoice(Scalar[int]):
    """One of a few whole numbers (the minimum depreciation years 3, 4, 5, 10), as a number or text."""

    name = "choice"
    repeats = True

    def __init__(self, choices: tuple[int, ...]) -> None:
        super().__init__()
        self.choices = choices

    def parse(self, value: object, path: str) -> int:
        expected = "one of " + ", ".join(map(str, self.choices))
        whole = _whole(value, path, expected)
        if whole in self.choices:
            return whole
        raise ProfileError(path, value, expected)

    def json_schema(self) -> dict[str, Any]:
        choices = list(self.choices)
        return {"enum": choices + [str(c) for c in choices]}


class FreeText(Scalar[str]):
    """Text of at most 200 characters, stripped; blank is ""."""

    name = "text"
    default = ""
    max_length = 200

    def parse(self, value: object, path: str) -> str:
        if is_blank(value):
            return ""
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ProfileError(path, value, f"text of at most {self.max_length} characters")
        bad = control_character(value)
        if bad is not None:
            raise ProfileError(path, value, "text without control characters", problem=f"{show(value)} contains {bad}")
        return value.strip()

    def cell_reader(self, path: str) -> Reader:
        general = super().cell_reader(path)
        limit = self.max_length

        def text(value: Any) -> Any:
            if type(value) is str and len(value) <= limit and value.isprintable():
                value = value.strip()  # (strip removes exactly what isspace() sees: blank when nothing is left)
                return value if value else BLANK
            return general(value)

        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


@cache
def sector_divisions() -> Mapping[str, tuple[int, int]]:
    """GB/T 4754-2017: each section letter's first and last 2-digit division, from data/sectors.toml."""
    from ..data import load_data

    table = load_data("sectors.toml")["sections"]
    return {k: (int(v["divisions"][0]), int(v["divisions"][1])) for k, v in table.items()}


_SECTOR = re.compile(r"^([A-T])(\d{2}(?:\d{1,2})?)?$")


class Sector(Scalar[str]):
    """A GB/T 4754-2017 code: a section letter A–T, optionally its 2-digit division and a 3/4-digit class (C, C34,
    K7010); upper-cased. The divisions of each section come from `divisions()` (data/sectors.toml)."""

    name = "sector"
    repeats = True

    def __init__(self, divisions: Callable[[], Mapping[str, tuple[int, int]]] = sector_divisions) -> None:
        super().__init__()
        self.divisions = divisions

    def parse(self, value: object, path: str) -> str:
        expected = (
            "a GB/T 4754-2017 code: a section letter A–T, optionally its 2-digit division "
            "and 3/4-digit class (C, C34, K7010)"
        )
        if not isinstance(value, str):
            raise ProfileError(path, value, expected)
        code = value.strip().upper()
        m = _SECTOR.match(code)
        if not m:
            raise ProfileError(path, value, expected)
        digits = m.group(2)
        if digits:
            low, high = self.divisions()[m.group(1)]
            if not low <= int(digits[:2]) <= high:
                raise ProfileError(
                    path, value, f"a division of section {m.group(1)} ({low:02d}–{high:02d}) after the letter"
                )
        return code

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\s*[A-Ta-t](\d{2}(\d{1,2})?)?\s*$"}


class Uscc(Scalar[str]):
    """统一社会信用代码 (GB 32100-2015), checked against its check digit; compacted and upper-cased; blank is ""."""

    name = "uscc"
    default = ""

    def parse(self, value: object, path: str) -> str:
        if is_blank(value):
            return ""
        expected = "an 18-character 统一社会信用代码 with a valid check digit (GB 32100-2015)"
        if not isinstance(value, str):
            raise ProfileError(path, value, expected)
        try:
            return validate(value)
        except USCCError as e:
            raise ProfileError(path, value, f"{expected}; {e}") from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\s*([0-9A-HJ-NPQRTUWXY]{18})?\s*$"}


# ── shapes ────────────────────────────────────────────────────────────────────────────────────────────────────


class FixedList(Value):
    """`length` numbers of one kind (sales by quarter, growth by month), addressed by 1-based index (vat.sales_3pct.2);
    elements not given are 0."""

    def __init__(self, element: Number[Decimal], length: int) -> None:
        self.element = element
        self.length = length
        self.name = f"{element.name}_list"
        self.default = (D0,) * length  # immutable: one shared instance serves every profile

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "maxItems": self.length, "items": self.element.json_schema()}

    def example(self, default: Any) -> Any:
        return [0] * self.length


class YearMap(Mapping[int, T]):
    """An immutable mapping tax year → value, in year order (the value of a YearTable field): hashable and compared
    by its items, so one shared empty instance serves every profile as the default."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[int, T]] = ()) -> None:
        self._items: dict[int, T] = dict(sorted(items))

    def __getitem__(self, year: int) -> T:
        return self._items[year]

    def __iter__(self) -> Iterator[int]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"YearMap({self._items!r})"


class _Given(Scalar[T]):
    """An entry of a YearTable: the element kind's value, or BLANK (the year is not given) for a blank value — where
    the element alone would read blank as its default (a flag's false), which here would be a statement."""

    def __init__(self, element: Scalar[T]) -> None:
        super().__init__()
        self.element = element
        self.name = element.name

    def parse(self, value: object, path: str) -> T:
        return self.element.parse(value, path)

    def read(self, value: object, path: str) -> Any:
        return BLANK if is_blank(value) else self.element.read(value, path)

    def cell_reader(self, path: str) -> Reader:
        read = self.element.cell_reader(path)

        def given(value: Any) -> Any:
            return BLANK if is_blank(value) else read(value)

        return given

    def json_schema(self) -> dict[str, Any]:
        return self.element.json_schema()


class YearTable(Value):
    """Values keyed by tax year, for the years `years` only (history.small_low_profit.2021 — a TOML table
    `[history.small_low_profit]` with `2021 = true`, a JSON object {"2021": true}, a CSV column per year). Every entry
    is optional: a year not given (or blank) is absent from the YearMap, which the rules treat as "not given", never
    as false."""

    def __init__(self, element: Scalar[Any], years: range) -> None:
        self.element = _Given(element)
        self.years = years
        self.name = f"{element.name}_by_year"
        self.default = YearMap()  # immutable: one shared instance serves every profile

    def year_of(self, key: object) -> int | None:
        """The year a key names ("2021" or 2021, as written: no sign, spaces or leading zeros), or None when it names
        none of `years`."""
        text = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
        if not isinstance(text, str) or not text.isascii() or not text.isdigit() or text.startswith("0"):
            return None
        year = int(text)
        return year if year in self.years else None

    def expected(self, path: str) -> str:
        """What a key of the table at `path` should be, for an error message."""
        return f"{path}.YEAR with YEAR from {self.years[0]} to {self.years[-1]}"

    def json_schema(self) -> dict[str, Any]:
        entry = self.element.json_schema()
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {str(year): entry for year in self.years},
        }

    def example(self, default: Any) -> Any:
        return {}


class Section(Kind):
    """A nested table of fields (the dataclass `item`): [vat], [income]."""

    name = "section"

    def __init__(self, item: type) -> None:
        self.item = item
        self.default = item()  # frozen: one shared instance serves every profile (a batch row reads few sections)


class Table(Kind):
    """An array of tables (the dataclass `item`): [[equipment]], rows addressed by 1-based index (equipment.2.name);
    a row whose values are all blank is left out."""

    name = "table_list"
    default = ()

    def __init__(self, item: type) -> None:
        self.item = item


MONEY: Final = Money()
SIGNED_MONEY: Final = SignedMoney()
HEADCOUNT: Final = Headcount()
GROWTH: Final = Growth()
FLAG: Final = Flag()
DATE: Final = Date()
YEAR: Final = Year()
TEXT: Final = FreeText()
SECTOR: Final = Sector()
USCC: Final = Uscc()
