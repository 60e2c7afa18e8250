"""A chunk's CSV rows read column by column: the profile fields of many rows as the columns batch/columnar.py
evaluates, without a Profile per row.

The one builder (schema/build.py) stays the judge of every cell. Each distinct text of a column is converted (a
bureau header's 地区 and sector names, 年度 suffixes, units: bureau.Columns.convert) and read once, by the column's
own reader — the builder's (`cell_column(path).read`, schema/kinds.py); a plain amount's digits are taken as the
integer and scale of the Decimal that reader gives, without the call. A row is *slow* when the columns would not
reproduce what the builder makes of it: a cell its conversion or reader refuses, a check across fields that may fail
(build.income_conflicts, the builder's own conditions, as masks; Vat.__post_init__ mirrored in
`_Profile.refused_by_checks`), a table given with a gap
(equipment.2 without equipment.1, which the builder closes up). A slow row — and one of a year the parameters do not
cover (rows.RowEngine.evaluate_read) — is read again by the builder, one row at a time (the caller's business), so
every error and every odd form is exactly the builder's; the other rows become columns here, each made when a rule
first asks for it (columnar.Prepared).

    read = CellColumns(header_paths).read(rows)   # rows: each row's cells as text, in header order
    read.fields        # columnar.Fields of the profile over all rows (a slow row's values are not to be used)
    read.slow          # list[bool]
    read.names, read.jurisdictions, read.years    # each row's, as its Profile would hold them
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import Any

import numpy as np

from ..money import MAX_DIGITS, UNITS
from ..schema.build import cell_column, income_conflicts
from ..schema.kinds import BLANK, FixedList, Reader, Section, SignedMoney, Table, Uscc, YearMap, YearTable
from ..schema.paths import Location, locate
from ..schema.profile import SALES_PERIODS, Profile
from ..uscc import ALPHABET, WEIGHTS
from .columnar import _SAFE, Absent, Array, Cat, Fields, Num, Prepared, Seq, _column, _field, fixed_point

__all__ = ["CellColumns", "Read"]

D0 = Decimal(0)


@dataclass(frozen=True, slots=True)
class _Cell:
    """A header column that is a profile field: its position, where it lands, and its reader."""

    position: int
    where: Location
    read: Reader
    convert: Callable[[str], str] | None = None  # a bureau header's conversion of the cell (bureau.Columns.convert)


@dataclass(frozen=True, slots=True)
class Read:
    """A chunk's rows read as columns (CellColumns.read)."""

    fields: Fields
    slow: list[bool]
    names: list[str]
    jurisdictions: list[str]
    years: list[int]

    def part(self, rows: Sequence[int]) -> Fields:
        """The fields at these rows (all of them: the fields themselves)."""
        if len(rows) == len(self.slow):
            return self.fields
        return self.fields.view(np.asarray(rows, dtype=np.int64), {})


class _Texts:
    """One column's cells and what each distinct text reads as (`read`: BLANK for a blank cell; absent for a text the
    reader refuses, in `refused`: its rows are slow). A column of amounts in plain ASCII digits is read at once
    (`plain`, _PlainColumn) and `read` made only if a caller asks for the values one by one."""

    __slots__ = ("_read", "cell", "cells", "plain", "refused")

    def __init__(self, cells: tuple[str, ...], cell: _Cell) -> None:
        self.cells = cells
        self.cell = cell
        self.plain: _PlainColumn | None = None
        distinct = set(cells)
        # (a column of few distinct texts — blank, or mostly — is read text by text: fewer steps than at once)
        if len(distinct) > PLAIN_DISTINCT and cell.convert is None and cell.where.kind.digits_exact:
            self.plain = _PlainColumn.of(cells)
        self._read: dict[str, Any] | None = None
        self.refused: set[str] = set()
        if self.plain is None:
            self._read, self.refused = self._texts_read(distinct)

    @property
    def read(self) -> dict[str, Any]:
        if self._read is None:
            self._read, self.refused = self._texts_read()
        return self._read

    def _texts_read(self, distinct: set[str] | None = None) -> tuple[dict[str, Any], set[str]]:
        """Each distinct text read: converted (a bureau header's conversion), then an amount in plain digits as its
        int or Point, any other text by the column's reader."""
        cell = self.cell
        read: dict[str, Any] = {}
        refused: set[str] = set()
        exact = cell.where.kind.digits_exact
        signed = type(cell.where.kind) is SignedMoney
        reader = cell.read
        convert = cell.convert
        distinct = set(self.cells) if distinct is None else distinct
        if convert is None and type(cell.where.kind) is Uscc:
            valid = _valid_codes(distinct)  # (a register's column of codes: checked at once)
            read.update({code: code for code in valid})
            distinct.difference_update(valid)
        for written in distinct:
            text = written
            if convert is not None:
                try:
                    text = convert(written)
                except Exception:  # (bureau.CellError: the builder's row path reports it)
                    refused.add(written)
                    continue
            if exact:
                # an amount in plain ASCII digits ("817497.29": most cells), grouped thousands ("33,120,000"), 万 or
                # 亿 ("1.5万"), with a minus sign where the kind takes one: what money._from_text makes of it —
                # Decimal(digits) × the unit in its context, keeping the decimals' exponent — within MAX_DIGITS (a
                # unit's places counted) and 12 decimals, as an int (whole digits) or a Point; any other form (or
                # "-0") to the reader
                if text.isdigit() and len(text) <= MAX_DIGITS and text.isascii():
                    read[written] = int(text)
                    continue
                formed = _FORMED(text)
                if formed is not None:
                    sign, grouped, decimals, unit = formed.groups(default="")
                    digits = grouped.replace(",", "") + decimals
                    places = len(str(UNITS[unit])) - 1
                    integer = int(digits)
                    if len(digits) - len(decimals) + places <= MAX_DIGITS and (not sign or (signed and integer)):
                        read[written] = (-integer if sign else integer) * 10**places, len(decimals)
                        continue
            if not text or text.isspace():
                read[written] = BLANK
                continue
            try:
                value = reader(text)
            except Exception:  # (the builder reads the row again and reports it, ProfileError or not)
                refused.add(written)
                continue
            read[written] = fixed_point(value) if exact else value  # (an amount: its Point)
        return read, refused

    def values(self, default: Any, given: Array | None = None) -> list[Any]:
        """Each row's value (the default for a blank cell; None in a row where `given` is false)."""
        table = {t: default if v is BLANK else v for t, v in self.read.items()}
        table.update(dict.fromkeys(self.refused, default))
        out = list(map(table.__getitem__, self.cells))
        if given is None:
            return out
        return [v if g else None for v, g in zip(out, given.tolist(), strict=True)]

    def nonblank(self) -> Array:
        """Whether each row's cell is not blank (a refused text counts as given: its row is slow anyway)."""
        if self.plain is not None:
            return self.plain.given
        blank = {t for t, v in self.read.items() if v is BLANK}
        n = len(self.cells)
        if not blank:
            return np.ones(n, dtype=bool)
        if blank == {""}:  # (the usual: an empty cell)
            return np.fromiter(map(bool, self.cells), dtype=bool, count=n)
        return ~np.fromiter(map(blank.__contains__, self.cells), dtype=bool, count=n)

    def blank(self) -> bool:
        """Whether every cell is blank."""
        if self.plain is not None:
            return not self.plain.given.any()
        return not self.refused and all(v is BLANK for v in self.read.values())

    def numbers(self) -> bool:
        """Whether the column's texts read as numbers (an amount's ints and Points, Decimals), one at least."""
        if self.plain is not None:
            return bool(self.plain.given.any())
        values = [v for v in self.read.values() if v is not BLANK]
        return bool(values) and all(type(v) is int or type(v) is tuple or type(v) is Decimal for v in values)


_ALPHABET_VALUE = np.full(256, 255, dtype=np.uint8)  # an ASCII byte → its value in the USCC alphabet (255: none)
_ALPHABET_VALUE[np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(len(ALPHABET), dtype=np.uint8)
_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)


def _valid_codes(texts: Iterable[str]) -> list[str]:
    """The texts that are 统一社会信用代码 as the reader gives them back (uscc.validate: 18 characters of its
    alphabet, upper case, the first 8 digits, the check digit C18 = 31 − (Σ Ci × Wi mod 31)), checked all at once in
    numpy; the reader reads any other text (and says what is wrong with it)."""
    candidates = [t for t in texts if len(t) == len(WEIGHTS) + 1 and t.isascii()]
    if not candidates:
        return []
    codes = np.frombuffer("".join(candidates).encode("ascii"), dtype=np.uint8).reshape(len(candidates), -1)
    values = _ALPHABET_VALUE[codes]
    ok = (values < len(ALPHABET)).all(axis=1) & (values[:, :8] < 10).all(axis=1)
    check = (len(ALPHABET) - values[:, :-1].astype(np.int64) @ _WEIGHTS % len(ALPHABET)) % len(ALPHABET)
    ok &= check == values[:, -1]
    return [t for t, good in zip(candidates, ok.tolist(), strict=True) if good]


_FORMED = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,12}))?(万|亿)?", re.ASCII).fullmatch
PLAIN_DISTINCT = 64  # a column of amounts with more distinct texts than this is read at once when it can be (measured)
_NOT_PLAIN = str.maketrans("", "", "0123456789.\n")  # (deletes what a column of plain amounts is made of)
_POWERS = np.array([10**k for k in range(19)], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _PlainColumn:
    """A column of amounts whose every cell is blank or plain ASCII digits with or without decimals — what the
    reader reads as Decimal(text) and `_texts_read` takes without it (at most 15 digits before the point, 1 to 12
    after it) —, read at once: each cell's integer over 10**scale (the largest scale of any cell; 0 for a blank
    cell) and whether it is given."""

    ints: Array  # int64
    scale: int
    given: Array  # bool: not blank

    @staticmethod
    def of(cells: tuple[str, ...]) -> _PlainColumn | None:
        """The column read, or None when a cell is of another form (or its integer might not fit int64): then each
        text is read by itself."""
        n = len(cells)
        joined = "\n".join(cells)
        if not joined.isascii() or joined.translate(_NOT_PLAIN) or joined.count("\n") != n - 1:
            return None  # (a character other than digits and points; a line break in a quoted cell: "1\n2")
        lengths = np.fromiter(map(len, cells), dtype=np.int64, count=n)
        given = lengths > 0
        decimals = None
        whole = lengths
        scale = 0
        points = joined.count(".")
        if points:
            dots = np.fromiter(map(str.find, cells, repeat(".")), dtype=np.int64, count=n)
            dotted = dots >= 0
            whole = np.where(dotted, dots, lengths)
            decimals = np.where(dotted, lengths - dots - 1, 0)
            if (
                points != np.count_nonzero(dotted)  # (a cell with two points)
                or (given & (whole < 1)).any()  # (".5": the reader's)
                or (dotted & (decimals < 1)).any()  # ("5.": the reader's)
            ):
                return None
            scale = int(decimals.max())
        if int(whole.max()) > 15 or scale > 12 or int((whole + scale).max()) > 18:
            return None
        digits = joined.replace(".", "").split("\n") if points else cells
        if given.all():
            ints = np.fromiter(map(int, digits), dtype=np.int64, count=n)
        else:
            ints = np.zeros(n, dtype=np.int64)
            ints[given] = np.fromiter(map(int, filter(None, digits)), dtype=np.int64, count=int(given.sum()))
        if decimals is not None:
            ints *= _POWERS[scale - decimals]
        return _PlainColumn(ints, scale, given)


Point = tuple[int, int]
"""An amount read from a cell as (integer, scale): the value integer / 10**scale, at the scale of the Decimal the
reader gives (Decimal("12.50") → (1250, 2)), as columnar._column scales a value. (A cell of plain digits is kept as
the int it is: scale 0.)"""


def _scaled(value: Decimal, scale: int) -> int:
    """A Decimal (the reader's) as an integer over 10**scale (scale at least its own)."""
    integer, own = fixed_point(value)
    return integer * int(10 ** (scale - own))


def _number_column(texts: _Texts, default: Decimal | None, given: Array | None) -> Any:
    """A column of amounts from its texts without a Decimal per cell: the column columnar._column makes of the
    values — the integers over the largest scale, not given where `given` is false (and, for an optional amount,
    where the cell is blank), Absent when no row has one."""
    n = len(texts.cells)
    if default is None:
        given = texts.nonblank() if given is None else given & texts.nonblank()
    if given is not None and not given.any():
        return Absent(n)
    fill = fixed_point(0 if default is None else default)
    plain = texts.plain
    blank = fill[0] * 10 ** (plain.scale - fill[1]) if plain is not None and fill[1] <= plain.scale else None
    if plain is not None and blank is not None and abs(blank) < _POWERS[18]:  # (a column read at once)
        ints = plain.ints if blank == 0 or plain.given.all() else np.where(plain.given, plain.ints, blank)
        bound = int(np.abs(ints).max())
        if given is not None:
            ints = np.where(given, ints, 0)
        return Num(ints, plain.scale, given, bound)
    read = texts.read
    # (one pass over the distinct texts: an int is a whole amount, a tuple a Point, a Decimal the reader's)
    points = [v for v in read.values() if type(v) is not int and v is not BLANK]
    points = [v if type(v) is tuple else fixed_point(v) for v in points]
    scale = max((s for _, s in points), default=0)
    scale = max(scale, fill[1])
    power = [10**k for k in range(scale + 1)]
    blank = fill[0] * power[scale - fill[1]]
    scaled = {
        t: v * power[scale]
        if type(v) is int
        else blank
        if v is BLANK
        else v[0] * power[scale - v[1]]
        if type(v) is tuple
        else _scaled(v, scale)
        for t, v in read.items()
    }
    scaled.update(dict.fromkeys(texts.refused, 0))
    bound = max(map(abs, scaled.values()), default=0)
    ints = np.fromiter(map(scaled.__getitem__, texts.cells), dtype=np.int64 if bound < _SAFE else object, count=n)
    if given is not None:
        ints[~given] = 0
    return Num(ints, scale, given, bound)


class CellColumns:
    """The profile fields of a header's columns (dotted paths; "" and the `ignore`d ones are not fields), resolved
    once; `read(rows)` reads many rows at once. `usable` is false for a header that names a path twice (the builder
    keeps the later cell: such a file is read row by row)."""

    def __init__(
        self,
        paths: Sequence[str],
        converters: Mapping[int, Callable[[str], str]] | None = None,
        ignore: Sequence[str] = ("id",),
    ) -> None:
        converters = converters or {}
        cells = [
            _Cell(i, locate(path), cell_column(path).read, converters.get(i))
            for i, path in enumerate(paths)
            if path and path not in ignore
        ]
        named = [p for p in paths if p and p not in ignore]
        self.usable = len(set(named)) == len(named)
        self.cells = cells
        self.width = len(paths)

    def read(self, rows: Sequence[Sequence[str]]) -> Read:
        """The rows (each at least as long as the header) read as columns; ValueError for rows shorter than it."""
        n = len(rows)
        columns = list(zip(*rows, strict=False)) if rows else []
        if rows and len(columns) < self.width:
            raise ValueError("a row is shorter than the header")
        texts = [(cell.where, _Texts(columns[cell.position] if n else (), cell)) for cell in self.cells]
        slow = np.zeros(n, dtype=bool)
        for _, t in texts:
            if t.refused:
                refused = t.refused
                slow |= np.fromiter((c in refused for c in t.cells), dtype=bool, count=n)
        profile = _Profile(n, texts)
        fields = profile.fields()
        slow |= profile.refused_by_checks(fields)
        top = profile.top
        return Read(fields, slow.tolist(), top("name"), top("jurisdiction"), top("year"))


def _defaults(cls: type) -> dict[str, Any]:
    return {f.name: f.default for f in fields(cls) if f.default is not MISSING}


class _Profile:
    """The columns of the profile and its sections, tables and lists, from the header's texts: `fields()`, each
    column made when first asked for. (The makers refer to this object, which does not refer to the fields: no
    reference cycle keeps a chunk's cells and columns alive until the collector's next full run — with fewer objects
    made a row, that run came late, and a worker's memory grew by tens of MB.)"""

    def __init__(self, n: int, texts: list[tuple[Location, _Texts]]) -> None:
        self.n = n
        self.by_place: dict[tuple[str, int, str], list[tuple[Location, _Texts]]] = {}
        for where, t in texts:
            self.by_place.setdefault((where.group, where.row, where.field), []).append((where, t))
        self.groups = {group for group, _, _ in self.by_place}
        self._present: dict[tuple[str, int], Array] = {}

    def fields(self) -> Fields:
        """The profile's fields over the rows."""
        return Fields(Prepared(self.n, self.makers(Profile, "", 0, None)), None)

    def _texts(self, group: str, row: int, name: str) -> _Texts | None:
        found = self.by_place.get((group, row, name))
        return found[-1][1] if found else None

    def top(self, name: str) -> list[Any]:
        """A top-level scalar field's value in each row."""
        default = _defaults(Profile)[name]
        t = self._texts("", 0, name)
        return [default] * self.n if t is None else t.values(default)

    def makers(self, cls: type, group: str, row: int, given: Array | None) -> dict[str, Callable[[], Any]]:
        """Each field of `cls` (the profile, a section, a table's row) → how its column is made."""
        out: dict[str, Callable[[], Any]] = {}
        for f in fields(cls):
            kind = f.metadata["kind"]
            if isinstance(kind, Section):
                out[f.name] = self._section(f.name, kind.item, f.default)
            elif isinstance(kind, Table):
                out[f.name] = self._table(f.name, kind.item)
            elif isinstance(kind, FixedList):
                out[f.name] = self._list(group, row, f.name, kind, given)
            elif isinstance(kind, YearTable):
                out[f.name] = self._years(group, row, f.name, f.default, given)
            else:
                out[f.name] = self._scalar(group, row, f.name, f.default, given)
        return out

    def _defaulted(self, default: Any, given: Array | None) -> Any:
        """The column of a field no cell gives: its default (None where `given` is false)."""
        if given is None:
            if default is None:
                return Absent(self.n)
            if type(default) is Decimal or type(default) is int:  # (what _column makes of one number everywhere)
                return Num.of(default, self.n)
            return _field([default] * self.n)
        return _column([default if g else None for g in given.tolist()])

    def _scalar(self, group: str, row: int, name: str, default: Any, given: Array | None) -> Callable[[], Any]:
        t = self._texts(group, row, name)

        def make() -> Any:
            if t is None or t.blank():
                return self._defaulted(default, given)
            if t.numbers() and (default is None or isinstance(default, Decimal)):
                return _number_column(t, default, given)
            return _column(t.values(default, given))

        return make

    def _section(self, name: str, cls: type, default: Any) -> Callable[[], Any]:
        if name not in self.groups:
            return lambda: self._defaulted(default, None)
        return lambda: Fields(Prepared(self.n, self.makers(cls, name, 0, None)), None)

    def present(self, group: str, row: int) -> Array:
        """Whether each row gives the table row `row` of `group` (any of its cells not blank)."""
        key = (group, row)
        present = self._present.get(key)
        if present is None:
            present = np.zeros(self.n, dtype=bool)
            for (g, r, _), found in self.by_place.items():
                if g == group and r == row:
                    for _, t in found:
                        present |= t.nonblank()
            self._present[key] = present
        return present

    def _table(self, name: str, cls: type) -> Callable[[], Any]:
        def make() -> Any:
            elements: dict[int, Callable[[], Any]] = {}
            row = 1
            while (present := self.present(name, row)).any():
                makers = self.makers(cls, name, row, present)
                elements[row - 1] = partial(_fields, self.n, makers, present)
                row += 1
            return Seq(Prepared(self.n, elements))

        return make

    def gaps(self, name: str) -> Array:
        """The rows whose rows of table `name` are not 1..k: a row given after one left out (the builder closes
        the gap up; such a row is slow)."""
        gap = np.zeros(self.n, dtype=bool)
        missing = np.zeros(self.n, dtype=bool)
        last = max(r for g, r, _ in self.by_place if g == name)
        for r in range(1, last + 1):
            present = self.present(name, r)
            gap |= present & missing
            missing |= ~present
        return gap

    def _list(self, group: str, row: int, name: str, kind: FixedList, given: Array | None) -> Callable[[], Any]:
        def make() -> Any:
            by_element = {w.element: t for w, t in self.by_place.get((group, row, name), [])}
            elements: dict[int, Callable[[], Any]] = {}
            for i in range(kind.length):
                t = by_element.get(i + 1)
                if t is None or t.blank():
                    elements[i] = partial(self._defaulted, D0, given)
                else:
                    elements[i] = partial(_number_column, t, D0, given)
            return Seq(Prepared(self.n, elements))

        return make

    def _years(self, group: str, row: int, name: str, default: Any, given: Array | None) -> Callable[[], Any]:
        def make() -> Any:
            entries = [(w.year, t.values(BLANK)) for w, t in self.by_place.get((group, row, name), []) if w.year]
            maps: list[Any] = [default] * self.n
            for k in range(self.n) if entries else ():
                given_here = [(year, values[k]) for year, values in entries if values[k] is not BLANK]
                if given_here:
                    maps[k] = YearMap(given_here)
            return _column(maps if given is None else [m if g else None for m, g in zip(maps, given, strict=True)])

        return make

    # ── the checks across fields the builder makes: a row that may fail one is slow ─────────────────────────────

    def refused_by_checks(self, fields: Fields) -> Array:
        """The rows that build._cross_checks or Vat.__post_init__ might refuse, and those whose tables have gaps
        (the builder reads them again)."""
        n = self.n
        slow = np.zeros(n, dtype=bool)
        if not n:
            return slow

        def nonzero(column: Any) -> Array:
            return (column.v != 0) & column.given if isinstance(column, Num) else np.zeros(n, dtype=bool)

        if "income" in self.groups:  # (build's own conditions, on the columns)
            for refused in income_conflicts(fields.income):
                slow |= refused.v
        established = self._texts("", 0, "established")
        if established is not None and "history" in self.groups:
            # build._cross_checks: no filing result for a year before the enterprise was established
            dated = established.nonblank()
            for (group, _, _), found in self.by_place.items():
                if group == "history":
                    for _, t in found:
                        slow |= dated & t.nonblank()
        if "vat" in self.groups:
            # Vat.__post_init__: no sales beyond the entries of the filing period (4 quarters, 12 months)
            periods = fields.vat.period
            used = (
                np.array([SALES_PERIODS.get(p, 0) for p in periods.v.tolist()])
                if isinstance(periods, Cat)
                else np.full(n, SALES_PERIODS[periods] if isinstance(periods, str) else 0)
            )
            for (group, _, name), found in self.by_place.items():
                if group == "vat" and any(w.element for w, _ in found):
                    sales = getattr(fields.vat, name)
                    for w, t in found:
                        if w.element > min(SALES_PERIODS.values()) and not t.blank():  # (a blank entry is 0)
                            slow |= nonzero(sales[w.element - 1]) & (used < w.element)
        for name in {g for g, r, _ in self.by_place if r}:
            slow |= self.gaps(name)
        return slow


def _fields(n: int, makers: dict[str, Callable[[], Any]], given: Array | None) -> Fields:
    return Fields(Prepared(n, makers), given)
