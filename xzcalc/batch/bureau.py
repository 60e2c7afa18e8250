"""A bureau's spreadsheet as a batch reads it (issue 12 §2): the header resolved once — dotted paths, the Chinese
column names of data/bureau.toml, every field's Chinese title, a unit in the header that scales the column,
`claimed.<policy>` columns (应享未享), and the columns carried through with --keep / --group-by — and each cell's
text turned into what the profile's kinds read (Chinese choice values, sector names, 万元 scaled to yuan).

Everything here is data (data/bureau.toml, data/sectors.toml) read once; `Columns` is plain and picklable, so a worker
process gets it with its Job."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Final

from ..data import load_data
from ..schema.kinds import Choice, Money, ProfileError, Rate, Sector, SignedMoney, Year, show
from ..schema.paths import all_paths, resolve_path
from .io import BatchError

__all__ = ["CellError", "Columns", "numeric_columns", "output_titles", "resolve_columns"]

CLAIMED: Final = "claimed."

# a unit at the end of a header: 资产总额（万元）, 资产总额(万元), 税率(%)
_UNIT = re.compile(r"^(.*?)\s*[（(]\s*([^（()）]+?)\s*[)）]\s*$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([,，]\d{3})+(\.\d*)?$")
_TITLE_END = re.compile(r"[（(：:，,；;]")


class CellError(ValueError):
    """A cell that cannot be read: str() is its one-line problem, naming the column as written."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The header of a batch input, resolved once.

    `paths[i]` is what column i is for the profile: a dotted path, "id", or "" (blank, carried, claimed). `cells[i]`
    is how its cells are turned into profile text: "" as they are, or "scale:F" (a number times F: 万元 → yuan),
    "percent" (a number is a percent), "choice" (Chinese choice values), "sector" (a GB/T 4754-2017 name), "year"
    (2022年, 2022年度). `carried`
    are the columns kept through to the output (their header as written), `groups` those the summary is split by,
    `claimed` the (column, policy id, factor) of the amounts already claimed."""

    raw: tuple[str, ...]
    paths: tuple[str, ...]
    cells: tuple[str, ...]
    carried: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    claimed: tuple[tuple[int, str, str], ...] = ()

    @property
    def carried_names(self) -> tuple[str, ...]:
        """The carried columns' names in the output: their header as written, or input.<header> when the output has
        a column of that name of its own (--group-by jurisdiction: the computed id and the cell as written)."""
        return tuple(f"input.{name}" if _output_column(name) else name for name in (self.raw[i] for i in self.carried))

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(self.raw[i] for i in self.groups)

    @property
    def claimed_policies(self) -> tuple[str, ...]:
        return tuple(pid for _, pid, _ in self.claimed)

    def shown(self, i: int) -> str:
        """Column i as an error names it: its header as written, and the path when that differs."""
        raw, path = self.raw[i], self.paths[i]
        return raw if not path or raw == path else f"{raw} ({path})"

    def convert(self, i: int, cell: str) -> str:
        """Cell text of column i → the text its profile kind reads; CellError naming the column."""
        how = self.cells[i]
        if not how or not cell or cell.isspace():
            return cell
        text = cell.strip()
        if how == "choice":
            return _choice_values().get(self.paths[i], {}).get(text, cell)
        if how == "sector":
            return _sector_names().get(text, cell)
        if how == "year":
            for suffix in _bureau()["years"]["suffixes"]:
                if text.endswith(suffix) and text[: -len(suffix)].strip().isdigit():
                    return text[: -len(suffix)].strip()
            return cell
        if how == "percent":
            return text if text.endswith(("%", "％")) or not _number(text) else text + "%"
        factor = Decimal(how[len("scale:") :])
        number = _number(text)
        if number is None:
            unit = self.raw[i][len(_UNIT.sub(r"\1", self.raw[i])) :].strip()
            raise CellError(
                f"{self.shown(i)}: {show(cell)} is not valid — expected a number of {unit.strip('（）()')} "
                "(the header gives the unit)"
            )
        return _plain(number * factor)


def _number(text: str) -> Decimal | None:
    if _PLAIN.match(text) or _GROUPED.match(text):
        try:
            return Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
    return None


def _plain(number: Decimal) -> str:
    """A Decimal as plain digits (no exponent, no trailing zeros after the point)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ── the data ───────────────────────────────────────────────────────────────────────────────────────────────────


@cache
def _bureau() -> dict[str, Any]:
    return load_data("bureau.toml")


@cache
def _choice_values() -> dict[str, dict[str, str]]:
    return {path: dict(values) for path, values in _bureau()["choices"]["values"].items()}


@cache
def _sector_names() -> dict[str, str]:
    """A GB/T 4754-2017 section's or division's exact Chinese name → its code (C, C34); a section wins a name it
    shares with its one division."""
    data = load_data("sectors.toml")
    sections = data["sections"]
    names: dict[str, str] = {}
    for code, name in data["divisions"]["names"].items():
        number = int(code)
        letter = next(k for k, v in sections.items() if v["divisions"][0] <= number <= v["divisions"][1])
        names[name] = f"{letter}{code}"
    for letter, section in sections.items():
        names[section["zh"]] = letter
    return names


@cache
def _units() -> dict[str, tuple[str, str]]:
    """A header's unit → (factor, what it measures: yuan | rate)."""
    return {k: (v["factor"], v["of"]) for k, v in _bureau()["units"].items() if isinstance(v, dict)}


def short_title(zh: str) -> str:
    """A field's Chinese title up to its first bracket, colon, comma or semicolon (全年季度平均从业人数), without the
    leading 可选."""
    text = zh.removeprefix("可选：").removeprefix("可选")
    return _TITLE_END.split(text, maxsplit=1)[0].strip()


@cache
def _titles() -> dict[str, str]:
    """Chinese header → path: the contract's names, then every field's title (full and short) when it names one
    path only. The dotted paths themselves are checked apart."""
    names: dict[str, str] = dict(_bureau()["headers"]["fields"])
    seen: dict[str, set[str]] = {}
    for path in all_paths(1):
        _, meta = resolve_path(path)
        for title in {meta["zh"].strip(), short_title(meta["zh"])}:
            if title:
                seen.setdefault(title, set()).add(path)
    for title, paths in seen.items():
        if len(paths) == 1 and title not in names:
            names[title] = next(iter(paths))
    return names


@cache
def _policy_titles() -> dict[str, str]:
    """A computed policy's Chinese title → its id (the claimed columns)."""
    from ..params import all_policies

    return {p.title.get("zh"): p.id for p in all_policies() if p.certainty != "eligible_only"}


def _claimable(pid: str) -> bool:
    from ..params import all_policies

    return any(p.id == pid and p.certainty != "eligible_only" for p in all_policies())


def _kind_of(path: str) -> Any:
    if path == "id":
        return None
    try:
        return resolve_path(path)[0]
    except ProfileError:
        return None


def _is_path(name: str) -> bool:
    return name == "id" or _kind_of(name) is not None


def _cell_rule(path: str, kind: Any) -> str:
    if isinstance(kind, Sector):
        return "sector"
    if isinstance(kind, Year):
        return "year"
    if isinstance(kind, Choice) and path.split(".")[-1] in ("jurisdiction", "entity", "taxpayer", "location"):
        return "choice" if path in _choice_values() else ""
    return ""


# ── the header ─────────────────────────────────────────────────────────────────────────────────────────────────


def resolve_columns(
    raw: Sequence[str], keep: Iterable[str] = (), group_by: Iterable[str] = (), hint: str = ""
) -> Columns:
    """The checked header, or BatchError: unknown columns as a short list, one per line, each with the closest
    field; duplicated columns; --keep / --group-by naming a column the header lacks."""
    header = tuple(c.strip().lstrip("\ufeff").strip() for c in raw)
    if not any(header):
        raise BatchError("the input has no header row — expected profile paths (see `xzcalc template --format csv`)")
    keep, group_by = tuple(keep), tuple(group_by)
    carried_names = set(keep) | set(group_by)
    titles = _titles()
    units = _units()
    paths: list[str] = []
    cells: list[str] = []
    carried: list[int] = []
    claimed: list[tuple[int, str, str]] = []
    unknown: list[str] = []
    problems: list[str] = []
    for i, name in enumerate(header):
        path, how = "", ""
        if not name:
            paths.append("")
            cells.append("")
            continue
        if name in carried_names:  # carried through; read as a field too when it is one (--keep 企业名称)
            carried.append(i)
        base, unit = name, ""
        m = _UNIT.match(name)
        if m and m.group(2) in units:
            base, unit = m.group(1), m.group(2)
        pid = _claimed_policy(base)
        if pid is not None:
            factor, of = units.get(unit, ("1", "yuan"))
            if of != "yuan":
                problems.append(f"{name}: the unit {unit} is not one of an amount — expected 元, 万元 or 亿元")
            claimed.append((i, pid, factor))
            paths.append("")
            cells.append("")
            continue
        if _is_path(base):
            path = base
        elif base in titles:
            path = titles[base]
        elif _is_path(name) or name in titles:  # (a title with a bracket of its own)
            path, unit = (name if _is_path(name) else titles[name]), ""
        else:
            if name not in carried_names:
                unknown.append(name)
            paths.append("")
            cells.append("")
            continue
        kind = _kind_of(path)
        if unit:
            factor, of = units[unit]
            if of == "yuan" and isinstance(kind, Money | SignedMoney):
                how = "" if Decimal(factor) == 1 else f"scale:{factor}"
            elif of == "rate" and (isinstance(kind, Rate) or getattr(kind, "unit", "") == "rate"):
                how = "percent"
            elif of in ("persons", "months") and getattr(kind, "unit", "") == of:
                how = _cell_rule(path, kind)  # (a unit that names what is counted: nothing to scale)
            elif name in carried_names:  # (carried only: its unit is not one the field is read in)
                path = ""
            else:
                what = {"yuan": "an amount in yuan", "rate": "a rate", "persons": "a headcount", "months": "months"}[of]
                problems.append(f"{name}: the unit {unit} is for {what}, but {path} is not one")
        else:
            how = _cell_rule(path, kind)
        paths.append(path)
        cells.append(how)
    missing = [c for c in (*keep, *group_by) if c not in header]
    if missing:
        problems.extend(
            f"{c}: --keep/--group-by names a column the header does not have" for c in dict.fromkeys(missing)
        )
    seen: dict[str, int] = {}
    duplicated: list[str] = []
    for i, path in enumerate(paths):
        key = path or (f"claimed.{_claimed_of(claimed, i)}" if _claimed_of(claimed, i) else "")
        if not key:
            continue
        if key not in seen:
            seen[key] = i
        elif header[i] == header[seen[key]]:
            duplicated.append(f"  duplicated column {_shown(header[i])}")
        else:
            duplicated.append(f"  {_shown(header[i])} and {_shown(header[seen[key]])} are the same field ({key})")
    n = len(unknown)
    if n and n == sum(1 for c in header if c) and hint:  # nothing known, and the file read in a guessed encoding
        raise BatchError(
            f"the header has {n:,} column{'s' if n != 1 else ''} and none is a profile field (the first: "
            f"{_shown(unknown[0])}){hint} (the fields: `xzcalc template --format csv`)"
        )
    if unknown or duplicated:
        lines = [
            f"the header has {n:,} column{'s' if n != 1 else ''} that {'are' if n != 1 else 'is'} not a profile field"
            + (f" and {len(duplicated):,} given twice" if duplicated else "")
            + " (carry a column through with --keep COL; every field: `xzcalc template --format csv`):"
        ]
        lines.extend(f"  unknown column {_shown(name)}{_suggestion(name)}" for name in unknown[:20])
        if n > 20:
            lines.append(f"  … and {n - 20:,} more")
        lines.extend(dict.fromkeys(duplicated[:20]))
        problems.insert(0, "\n".join(lines))
    if problems:
        raise BatchError("\n".join(problems))
    groups = tuple(i for i, name in enumerate(header) if name in set(group_by))
    return Columns(header, tuple(paths), tuple(cells), tuple(carried), groups, tuple(claimed))


def known_column(name: str) -> bool:
    """Whether a header cell names a column `resolve_columns` reads (a path, `id`, a Chinese name or title, with or
    without a unit; a claimed amount) — whatever its unit: the test of a title row taken for the header."""
    name = name.strip().lstrip("\ufeff").strip()
    if not name:
        return False
    base = name
    m = _UNIT.match(name)
    if m and m.group(2) in _units():
        base = m.group(1)
    titles = _titles()
    return bool(_claimed_policy(base) or _is_path(base) or base in titles or _is_path(name) or name in titles)


def _shown(text: str) -> str:
    """A header cell as an error line quotes it: repr (control characters escaped), cut at 60 characters."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _suggestion(name: str) -> str:
    """What an unknown column may have meant: the place a path points at (vat.sales_3pct.13: N from 1 to 12, and
    the first and last path there), or the closest field by spelling."""
    try:
        resolve_path(name)
    except ProfileError as e:
        if "not a profile field" not in str(e) and "." in name:
            prefix = name.rsplit(".", 1)[0] + "."
            near = [p for p in all_paths(1) if p.startswith(prefix) and "." not in p[len(prefix) :]]
            span = f": {near[0]} … {near[-1]}" if len(near) > 1 else ""
            return f" — expected {e.expected}{span}"
    close = _closest(name)
    return f" — did you mean {close!r}?" if close else ""


def _claimed_of(claimed: Sequence[tuple[int, str, str]], i: int) -> str:
    return next((pid for col, pid, _ in claimed if col == i), "")


def _claimed_policy(name: str) -> str | None:
    """The policy a claimed-amount column names: claimed.<policy> or 已享受<Chinese title>."""
    if name.startswith(CLAIMED):
        pid = name[len(CLAIMED) :]
        return pid if _claimable(pid) else None
    prefix = _bureau()["headers"]["claimed"]["prefix"]
    if name.startswith(prefix):
        return _policy_titles().get(name[len(prefix) :])
    return None


@cache
def _candidates() -> tuple[str, ...]:
    return ("id", *all_paths(1), *_titles())


def _closest(name: str) -> str:
    if len(name) > 60:
        return ""
    close = difflib.get_close_matches(name, _candidates(), n=1, cutoff=0.5)
    if not close:
        return ""
    found = close[0]
    path = _titles().get(found)
    return f"{found} ({path})" if path and path != found else found


# ── the output's columns ───────────────────────────────────────────────────────────────────────────────────────


def numeric_columns(columns: Sequence[str]) -> list[str]:
    """The output columns whose cells are numbers: the line, the year, amounts, totals, unclaimed amounts."""
    return [
        c for c in columns if c in ("line", "year") or c.startswith(("total.", "unclaimed.")) or c.endswith(".amount")
    ]


def _output_column(name: str) -> bool:
    """Whether the output has a column `name` of its own (rows.Layout's columns, unclaimed.<policy>)."""
    return name in ("line", "id", "name", "jurisdiction", "year", "error") or (
        name.startswith(("classification.", "total.", "unclaimed.")) or name.endswith((".eligible", ".amount"))
    )


def output_titles(columns: Sequence[str], cols: Columns) -> list[str]:
    """The output's Chinese column titles (data/bureau.toml [output]); carried columns keep their header."""
    from ..params import policy
    from ..views.labels import kind_title

    words = _bureau()["output"]
    classes = words["classifications"]
    carried = set(cols.carried_names)
    titles = []
    for c in columns:
        if c in carried:
            titles.append(c)
        elif c in ("line", "id", "name", "jurisdiction", "year", "error"):
            titles.append(words[c])
        elif c.startswith("total."):
            titles.append(words["total"].format(title=kind_title(c[len("total.") :], "zh", short=True)))
        elif c.startswith("classification."):
            name = c[len("classification.") :]
            titles.append(words["classification"].format(title=classes.get(name, name)))
        elif c.startswith("unclaimed."):
            titles.append(words["unclaimed"].format(title=policy(c[len("unclaimed.") :]).title.get("zh")))
        elif c.endswith((".eligible", ".amount")):
            pid, _, what = c.rpartition(".")
            titles.append(words[what].format(title=policy(pid).title.get("zh")))
        else:
            titles.append(c)
    return titles
