"""The data behind the rules: dated parameters, jurisdictions and the policy catalogue, read from data/*.toml.

Every number a document gives lives in data/ with its source clause and the dates it applies ([from, until], both
inclusive). A jurisdiction's parameters are its ancestors' merged with its own (xinzhou ⊃ shanxi ⊃ national).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, cast

from .data import DataError, data_dir, load_data, tax_years
from .messages import Text
from .model import Certainty, Kind, PolicyInfo
from .record import record

__all__ = [
    "ParamSet",
    "Parameter",
    "UnsupportedYear",
    "catalogue",
    "cites_in_force",
    "jurisdiction_chain",
    "jurisdictions",
    "local_documents",
    "offered_in",
    "param_set",
]


class UnsupportedYear(ValueError):
    """A (jurisdiction, year) for which no parameters exist: refused, never computed with another year's figures."""


class ReformGap(UnsupportedYear):
    """A reform's dated windows leave a date a rule reads without a value: refused like a year without data."""


@record
class Window:
    start: date
    end: date
    value: Any
    source: str = ""  # the clause of this window when the windows have different ones (years.md), else ""


@record
class Parameter:
    name: str
    description: str
    unit: str
    source: str
    windows: tuple[Window, ...]
    origin: str  # the jurisdiction (or reform file) that set it
    bounds: tuple[Decimal, Decimal] | None = None  # `range = [low, high]` in data: the values a rule can take

    def at(self, on: date) -> Any:
        for w in self.windows:
            if w.start <= on <= w.end:
                return w.value
        raise LookupError(on)

    def source_on(self, on: date) -> str:
        """The clause of the window in force on `on` (its own `source`), else the parameter's."""
        for w in self.windows:
            if w.start <= on <= w.end:
                return w.source or self.source
        return self.source


def _walk_params(table: Mapping[str, Any], prefix: str, origin: str) -> Iterator[Parameter]:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if not isinstance(value, dict):
            continue
        if "values" in value:
            windows = []
            for w in value["values"]:
                if not isinstance(w.get("from"), date) or not isinstance(w.get("until"), date):
                    raise DataError(f"parameter {name} ({origin}): each window needs dates `from` and `until`")
                windows.append(Window(w["from"], w["until"], w["value"], str(w.get("source", ""))))
            # the parameter's source: its own, or (windows of different years citing different clauses) theirs
            source = str(value.get("source", "")) or "; ".join(dict.fromkeys(w.source for w in windows if w.source))
            if not source or (not value.get("source") and not all(w.source for w in windows)):
                raise DataError(f"parameter {name} ({origin}) has no source")
            yield Parameter(
                name=name,
                description=str(value.get("description", "")),
                unit=str(value.get("unit", "")),
                source=source,
                windows=tuple(windows),
                origin=origin,
                bounds=(Decimal(value["range"][0]), Decimal(value["range"][1])) if "range" in value else None,
            )
        else:
            yield from _walk_params(value, f"{name}.", origin)


def parse_params(table: Mapping[str, Any], origin: str) -> dict[str, Parameter]:
    return {p.name: p for p in _walk_params(table, "", origin)}


_MEMO_LIMIT = 1 << 12  # (name, day) pairs a ParamSet remembers per lookup (functools.lru_cache)


class ParamSet:
    """The parameters in force for one jurisdiction (its chain merged), with date lookup.

    The lookups rules make every row — `get`, `get_or_none`, `number`, `source_on` of (name, day), `windows_in_year`
    of (name, year) — are pure
    functions of the set, remembered per instance by functools.lru_cache (the days a profile gives, contract dates,
    are few per name in practice); an error is never remembered."""

    get: Callable[[str, date], Any]
    """The value in force on a day. Raises DataError (params.ReformGap for a reform's windows) outside them."""
    get_or_none: Callable[[str, date], Any]
    """The value in force on a day, or None outside every window (a measure not in force that day)."""
    number: Callable[[str, date], Decimal]
    """A numeric value in force on a day, as a Decimal. Raises DataError if it is not a number."""
    source_on: Callable[[str, date], str]
    """The clause a parameter is written in on a day (Parameter.source_on)."""
    windows_in_year: Callable[[str, int], tuple[Window, ...]]
    """The dated windows of a parameter that overlap a tax year, each cut to the year."""

    def __init__(self, jurisdiction: str, params: Mapping[str, Parameter]) -> None:
        self.jurisdiction = jurisdiction
        self._params = dict(params)
        remembered = lru_cache(maxsize=_MEMO_LIMIT)
        self.get = remembered(self._get)
        self.get_or_none = remembered(self._get_or_none)
        self.number = remembered(self._number)
        self.source_on = remembered(self._source_on)
        self.windows_in_year = remembered(self._windows_in_year)

    def __contains__(self, name: str) -> bool:
        return name in self._params

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._params.values())

    def parameter(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise DataError(f"parameter {name} is not defined for {self.jurisdiction}") from None

    def _get_or_none(self, name: str, on: date) -> Any:
        param = self._params.get(name)
        if param is None:
            return None
        try:
            return param.at(on)
        except LookupError:
            return None

    def _get(self, name: str, on: date) -> Any:
        value = self._get_or_none(name, on)
        if value is None:
            self._missing(name, on)
        return value

    def _number(self, name: str, on: date) -> Decimal:
        raw = self.get(name, on)
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
            raise DataError(f"parameter {name} is not a number: {raw!r}")
        return Decimal(raw)

    def _source_on(self, name: str, on: date) -> str:
        return self.parameter(name).source_on(on)

    def _windows_in_year(self, name: str, year: int) -> tuple[Window, ...]:
        first, last = date(year, 1, 1), date(year, 12, 31)
        return tuple(
            Window(max(w.start, first), min(w.end, last), w.value, w.source)
            for w in self.parameter(name).windows
            if w.start <= last and w.end >= first
        )

    def _missing(self, name: str, on: date) -> None:
        param = self.parameter(name)  # (DataError when the jurisdiction does not define it)
        if param.origin.startswith("reform"):  # the user's windows do not cover a date a rule reads
            raise ReformGap(
                f"--params: {name} has no value on {on.isoformat()} ({param.origin}) — expected dated windows "
                "that cover every date the rules read (or `value = …` for all of them)"
            )
        raise DataError(f"parameter {name} has no value on {on.isoformat()} ({param.source})")

    def with_overrides(self, overrides: Mapping[str, Parameter]) -> ParamSet:
        merged = dict(self._params)
        merged.update(overrides)
        return ParamSet(self.jurisdiction, merged)


@cache
def jurisdictions() -> dict[str, dict[str, Any]]:
    return load_data("jurisdictions.toml")


def jurisdiction_chain(jurisdiction: str) -> tuple[str, ...]:
    """national first, the jurisdiction itself last."""
    table = jurisdictions()
    chain: list[str] = []
    current = jurisdiction
    while current:
        if current not in table or current in chain:
            raise DataError(f"jurisdiction {current!r} is not in data/jurisdictions.toml")
        chain.append(current)
        current = str(table[current].get("parent", ""))
    return tuple(reversed(chain))


def supported_years(jurisdiction: str = "") -> tuple[int, ...]:
    """The supported tax years (data/years.toml), the same for every jurisdiction: a measure outside its own windows is
    listed as not in force that year (PolicyInfo.status_in)."""
    return tuple(tax_years().all)


@cache
def _documents() -> tuple[tuple[str, str], ...]:
    """(document, jurisdiction) for every local document data/jurisdictions.toml lists under a jurisdiction."""
    return tuple((str(doc), j) for j, entry in jurisdictions().items() for doc in entry.get("documents", ()))


def local_documents() -> tuple[str, ...]:
    """The local documents of every jurisdiction (data/jurisdictions.toml `documents`), each the prefix of its
    citations ("忻政办发〔2022〕34号" of "忻政办发〔2022〕34号 第1条"); a citation of none of them is a national one."""
    return tuple(doc for doc, _ in _documents())


def cites_in_force(cites: Iterable[str], jurisdiction: str) -> tuple[str, ...]:
    """The citations of documents in force in `jurisdiction` (policies.md E7): a local document's only where its
    jurisdiction is in the chain (Inner Mongolia never cites a Shanxi or Xinzhou document, Shanxi never a Xinzhou
    one); a national one everywhere."""
    chain = jurisdiction_chain(jurisdiction)
    return tuple(c for c in cites if all(j in chain for doc, j in _documents() if c.startswith(doc)))


def _cut(source: str, jurisdiction: str) -> str:
    """A source ("; "-separated clauses) cut to the documents in force in `jurisdiction` ("" when none is)."""
    cites = source.split("; ")
    kept = cites_in_force(cites, jurisdiction)
    return source if len(kept) == len(cites) else "; ".join(kept)


def _source_in_force(param: Parameter, jurisdiction: str) -> Parameter:
    """The parameter with its source and its windows' cut to the documents in force in `jurisdiction`."""
    source = _cut(param.source, jurisdiction)
    if not source:
        raise DataError(f"parameter {param.name} ({param.origin}) cites no document in force in {jurisdiction}")
    windows = tuple(replace(w, source=_cut(w.source, jurisdiction)) if w.source else w for w in param.windows)
    if source == param.source and windows == param.windows:
        return param
    return replace(param, source=source, windows=windows)


@cache
def _jurisdiction_params(jurisdiction: str) -> dict[str, Parameter]:
    relative = f"params/{jurisdiction}.toml"
    return parse_params(load_data(relative), jurisdiction) if (data_dir() / relative).is_file() else {}


@cache
def param_set(jurisdiction: str, year: int) -> ParamSet:
    chain = jurisdiction_chain(jurisdiction)
    years = tax_years()
    if year not in years:
        raise UnsupportedYear(f"year: {year} is not supported — expected a tax year from {years.first} to {years.last}")
    merged: dict[str, Parameter] = {}
    for level in chain:
        merged.update(_jurisdiction_params(level))
    return ParamSet(jurisdiction, {name: _source_in_force(p, jurisdiction) for name, p in merged.items()})


def _text(entry: Mapping[str, Any], key: str) -> Text:
    return Text(str(entry.get(f"{key}_zh", "")), str(entry.get(f"{key}_en", "")))


_KINDS = {"tax_reduction", "tax_deferral", "refund", "subsidy", "cost_saving"}
_CERTAINTIES = {"entitled", "up_to", "eligible_only"}
_CONDITION_KEYS = {"entity", "sector_sections", "size_class", "taxpayer", "tech_sme"}


def _policy_info(entry: Mapping[str, Any], default_kind: str, default_certainty: str) -> PolicyInfo:
    pid = str(entry["id"])
    kind = str(entry.get("kind", default_kind))
    certainty = str(entry.get("certainty", default_certainty))
    if kind not in _KINDS or certainty not in _CERTAINTIES:
        raise DataError(f"policy {pid}: kind {kind!r} / certainty {certainty!r} unknown")
    conditions = {k: entry[k] for k in _CONDITION_KEYS if k in entry}
    confirm = tuple(
        Text(zh, en) for zh, en in zip(entry.get("confirm_zh", []), entry.get("confirm_en", []), strict=True)
    )
    summary = _text(entry, "summary")
    computed, in_force, not_computed = _years_of(pid, entry)
    if not summary.zh and "benefit_zh" in entry:
        summary = _text(entry, "benefit")
    return PolicyInfo(
        id=pid,
        title=_text(entry, "title"),
        kind=cast(Kind, kind),
        certainty=cast(Certainty, certainty),
        jurisdictions=tuple(entry.get("jurisdictions", ("national",))),
        sources=tuple(entry.get("sources", ())),
        summary=summary,
        params=tuple(entry.get("params", ())),
        conditions=conditions,
        confirm=confirm,
        module=str(entry.get("module", "xzcalc/rules/eligible_only.py")),
        computed_years=computed,
        in_force_years=in_force,
        not_computed=not_computed,
    )


def _years_of(pid: str, entry: Mapping[str, Any]) -> tuple[tuple[int, int], tuple[int, int], str]:
    """A policy's `years = {computed = [first, last], in_force = [first, last], not_computed = "message id"}`: the
    tax years xzcalc computes it, those it is in force (default: the same), and the message saying why it is not
    computed in the others it is in force. Without `years`: computed in the documents' year only (data/years.toml
    `package`), not in force in the others."""
    years = tax_years()
    table = entry.get("years", {})
    computed = table.get("computed", [years.package, years.package])
    in_force = table.get("in_force", computed)
    done, force = (int(computed[0]), int(computed[1])), (int(in_force[0]), int(in_force[1]))
    not_computed = str(table.get("not_computed", ""))
    if not (force[0] <= done[0] <= done[1] <= force[1]) or (force != done and not not_computed):
        raise DataError(f"policy {pid}: years.computed must lie within years.in_force, with not_computed to say why")
    return done, force, not_computed


@cache
def all_policies() -> tuple[PolicyInfo, ...]:
    """Computed policies (data/policies.toml) in engine order, then the eligible-only ones."""
    computed = [_policy_info(e, "", "") for e in load_data("policies.toml")["policy"]]
    eligible_only = (
        [_policy_info(e, "subsidy", "eligible_only") for e in load_data("eligible_only.toml").get("policy", [])]
        if (data_dir() / "eligible_only.toml").is_file()
        else []
    )
    policies = tuple(computed + eligible_only)
    seen: set[str] = set()
    for p in policies:
        if p.id in seen:
            raise DataError(f"policy id {p.id} is defined twice")
        seen.add(p.id)
    return policies


@cache
def catalogue(jurisdiction: str) -> tuple[PolicyInfo, ...]:
    """The policies an enterprise in `jurisdiction` is offered: those of every level of its chain, each citing only
    the documents in force there (cites_in_force)."""
    return tuple(_in_force(p, jurisdiction) for p in all_policies() if offered_in(p, jurisdiction))


def _in_force(info: PolicyInfo, jurisdiction: str) -> PolicyInfo:
    sources = cites_in_force(info.sources, jurisdiction)
    return info if sources == info.sources else replace(info, sources=sources)


def parameter_sources(info: PolicyInfo, jurisdiction: str, year: int) -> tuple[str, ...]:
    """The national clauses of the windows in tax `year` of the policy's own parameters — those of its `params` in
    data/policies.toml named after it (cit.rd_super_deduction.*, not the cit.rate every CIT measure reads), or all of
    them when none is — in order, once each: what a measure rests on in a year other than the five documents' own,
    whose local action plans restated it for 2022 only."""
    own = tuple(n for n in info.params if info.id.startswith(n) or n.startswith(info.id)) or info.params
    first, last = date(year, 1, 1), date(year, 12, 31)
    found: dict[str, None] = {}
    for param in param_set(jurisdiction, year):
        if any(param.name == name or param.name.startswith(name + ".") for name in own):
            for w in param.windows:
                if w.start <= last and w.end >= first:
                    found.update(dict.fromkeys((w.source or param.source).split("; ")))
    local = local_documents()
    return tuple(c for c in found if not c.startswith(local))


def sources_in_year(info: PolicyInfo, jurisdiction: str, year: int) -> tuple[str, ...]:
    """What the catalogue cites for a policy in `jurisdiction` and tax `year`: its curated sources in the documents'
    year (data/years.toml `package`) or for a local measure; for a national measure computed in another year, the
    clauses of its parameters in force then (parameter_sources)."""
    if year == tax_years().package or "national" not in info.jurisdictions:
        return cites_in_force(info.sources, jurisdiction)
    local = local_documents()
    national = tuple(s for s in cites_in_force(info.sources, jurisdiction) if not s.startswith(local))
    if info.status_in(year) != "computed":  # (listed as not computed or not in force: never by a 2022 action plan)
        return national
    return parameter_sources(info, jurisdiction, year) or national


def offered_in(info: PolicyInfo, jurisdiction: str) -> bool:
    """Whether an enterprise in `jurisdiction` is offered the policy (a level of its chain offers it)."""
    return bool(set(jurisdiction_chain(jurisdiction)).intersection(info.jurisdictions))


@cache
def _policies_by_id() -> dict[str, PolicyInfo]:
    return {p.id: p for p in all_policies()}


def policy(policy_id: str, jurisdiction: str | None = None) -> PolicyInfo:
    """A catalogue entry by id; with `jurisdiction`, citing only the documents in force there."""
    try:
        info = _policies_by_id()[policy_id]
    except KeyError:
        raise DataError(f"policy {policy_id} is not in data/policies.toml") from None
    return info if jurisdiction is None else _in_force(info, jurisdiction)
