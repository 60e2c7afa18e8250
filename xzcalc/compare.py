"""Results side by side: one enterprise in the three jurisdictions (`xzcalc compare`), and a baseline against a reform
(`--params FILE.toml` on calc, compare and sweep), per item and totals by kind — never added across kinds.

The views here are plain data (JSON, CSV, rows of strings); render.py draws the tables.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .messages import Lang, Text
from .model import KIND_TITLES, KINDS, Item, PolicyInfo, Result
from .money import ZERO, fmt_amount, fmt_num
from .schema.profile import Profile, profile_to_dict

if TYPE_CHECKING:
    from .reform import Reform

__all__ = [
    "JURISDICTIONS",
    "Comparison",
    "compare_jurisdictions",
    "comparison_csv",
    "comparison_json",
    "comparison_rows",
    "reform_changes",
    "reform_csv",
    "reform_json",
    "reform_rows",
]

JURISDICTIONS = ("xinzhou", "shanxi", "inner-mongolia")
JURISDICTION_TITLES = {
    "xinzhou": Text("忻州市", "Xinzhou"),
    "shanxi": Text("山西省", "Shanxi"),
    "inner-mongolia": Text("内蒙古自治区", "Inner Mongolia"),
}


@dataclass(slots=True)
class Comparison:
    """Results in columns; `reformed` (same columns) when a reform was given."""

    profile: Profile
    keys: tuple[str, ...]
    titles: tuple[Text, ...]
    results: tuple[Result, ...]
    reformed: tuple[Result, ...] | None = None
    reform: Reform | None = None

    def policies(self) -> list[PolicyInfo]:
        """Every policy offered in any column, in catalogue order (the first column's order, then the others')."""
        seen: dict[str, PolicyInfo] = {}
        for result in self.results:
            for it in result.items:
                seen.setdefault(it.policy.id, it.policy)
        return list(seen.values())

    def cell(self, column: int, policy_id: str, reformed: bool = False) -> Item | None:
        results = self.reformed if reformed and self.reformed is not None else self.results
        try:
            return results[column].item(policy_id)
        except KeyError:
            return None


def compare_jurisdictions(profile: Profile, *, reform: Reform | None = None, explain: bool = False) -> Comparison:
    """The same enterprise computed as if it were in each jurisdiction (only `jurisdiction` changes)."""
    from dataclasses import replace

    from .engine import calculate

    results, reformed = [], []
    for j in JURISDICTIONS:
        moved = replace(profile, jurisdiction=j)
        results.append(calculate(moved, explain=explain))
        if reform is not None:
            reformed.append(calculate(moved, explain=explain, reform=reform))
    return Comparison(
        profile,
        JURISDICTIONS,
        tuple(JURISDICTION_TITLES[j] for j in JURISDICTIONS),
        tuple(results),
        tuple(reformed) if reform is not None else None,
        reform,
    )


def _amount(item: Item | None) -> str | None:
    return None if item is None or item.amount is None else fmt_amount(item.amount)


def _delta(a: Item | None, b: Item | None) -> str | None:
    if (a is None or a.amount is None) and (b is None or b.amount is None):
        return None
    before = a.amount if a is not None and a.amount is not None else ZERO
    after = b.amount if b is not None and b.amount is not None else ZERO
    return fmt_amount(after - before)


# ── reforms: which parameters changed, from what to what ─────────────────────────────────────────────────────


def _plain(value: Any) -> Any:
    """A parameter value for JSON: numbers as exact strings (like every amount), dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def reform_changes(reform: Reform, jurisdiction: str, year: int) -> list[dict[str, Any]]:
    """The parameters the reform replaces for this jurisdiction: name, source, value before and after.

    A value is the one in force on the last day of the tax year, or all dated windows when none is.
    """
    from .params import Parameter, param_set

    base = param_set(jurisdiction, year)
    _reformed, overrides = reform.apply(base)
    on = date(year, 12, 31)

    def value(p: Parameter) -> Any:
        for w in p.windows:
            if w.start <= on <= w.end:
                return _plain(w.value)
        return [{"from": w.start.isoformat(), "until": w.end.isoformat(), "value": _plain(w.value)} for w in p.windows]

    out = []
    for name in sorted(overrides):
        old = base.parameter(name)
        out.append(
            {
                "name": name,
                "description": old.description,
                "source": old.source,
                "baseline": value(old),
                "reform": value(overrides[name]),
            }
        )
    return out


def _show_param(value: Any) -> str:
    if isinstance(value, str):
        try:
            return fmt_num(Decimal(value))
        except ArithmeticError:
            return value
    if isinstance(value, list):
        return "[" + ", ".join(_show_param(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show_param(v)}" for k, v in value.items()) + "}"
    return str(value)


def reform_lines(reform: Reform, jurisdiction: str, year: int, lang: Lang) -> list[str]:
    """One line per changed parameter: name: before → after (source)."""
    changes = reform_changes(reform, jurisdiction, year)
    if not changes:
        return ["（本地区无被修改的参数）" if lang == "zh" else "(no parameter of this jurisdiction is changed)"]
    return [f"{c['name']}: {_show_param(c['baseline'])} → {_show_param(c['reform'])} ({c['source']})" for c in changes]


def reform_json(base: Result, reformed: Result, reform: Reform, lang: Lang, explain: bool) -> dict[str, Any]:
    """calc --params: both results in full, the per-item and per-kind differences, and the parameters changed."""
    items = {}
    for it in reformed.items:
        d = _delta(base.item(it.policy.id), it)
        if d is not None:
            items[it.policy.id] = d
    return {
        "reform": {"name": reform.name, "changed": reform_changes(reform, base.jurisdiction, base.year)},
        "baseline": base.to_json(lang, explain),
        "reformed": reformed.to_json(lang, explain),
        "difference": {
            "items": items,
            "totals": {k: fmt_amount(reformed.totals[k] - base.totals[k]) for k in KINDS},
        },
    }


def reform_rows(base: Result, reformed: Result, lang: Lang) -> tuple[list[list[str]], list[str | None]]:
    """Rows policy | kind | baseline | reform | difference (amount items only), then one total row per kind."""
    rows: list[list[str]] = []
    styles: list[str | None] = []
    for it in reformed.items:
        if it.policy.certainty == "eligible_only":
            continue
        old = base.item(it.policy.id)
        a, b = old.amount or ZERO, it.amount or ZERO
        rows.append([it.policy.title.get(lang), _kind(it.policy.kind, lang), _yuan(a), _yuan(b), _signed(b - a)])
        styles.append("bold" if a != b else None if it.eligible or old.eligible else "dim")
    for kind in KINDS:
        a, b = base.totals[kind], reformed.totals[kind]
        rows.append(
            [("合计 · " if lang == "zh" else "Total · ") + _kind(kind, lang), "", _yuan(a), _yuan(b), _signed(b - a)]
        )
        styles.append("bold")
    return rows, styles


def reform_grid(base: Result, reformed: Result, lang: Lang) -> tuple[list[list[str]], list[str | None]]:
    """For the terminal: policy | baseline | reform | difference, a heading row per kind, then the totals."""
    rows: list[list[str]] = []
    styles: list[str | None] = []
    for kind in KINDS:
        items = [it for it in reformed.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if not items:
            continue
        rows.append([_kind(kind, lang), "", "", ""])
        styles.append("bold underline")
        for it in items:
            old = base.item(it.policy.id)
            a, b = old.amount or ZERO, it.amount or ZERO
            rows.append(["  " + it.policy.title.get(lang), _yuan(a), _yuan(b), _signed(b - a)])
            styles.append("bold" if a != b else None if it.eligible or old.eligible else "dim")
    rows.append([("合计（按类别）" if lang == "zh" else "Totals by kind"), "", "", ""])
    styles.append("bold underline")
    for kind in KINDS:
        a, b = base.totals[kind], reformed.totals[kind]
        rows.append(["  " + _kind(kind, lang), _yuan(a), _yuan(b), _signed(b - a)])
        styles.append("bold")
    return rows, styles


def reform_csv(base: Result, reformed: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["policy", "kind", "baseline", "reform", "difference"])
    for it in reformed.items:
        old = base.item(it.policy.id)
        writer.writerow([it.policy.id, it.policy.kind, _amount(old) or "", _amount(it) or "", _delta(old, it) or ""])
    for kind in KINDS:
        a, b = base.totals[kind], reformed.totals[kind]
        writer.writerow([f"total.{kind}", kind, fmt_amount(a), fmt_amount(b), fmt_amount(b - a)])
    return out.getvalue()


# ── compare: JSON, CSV and rows for the table ────────────────────────────────────────────────────────────────


def comparison_json(cmp: Comparison, lang: Lang) -> dict[str, Any]:
    items = []
    for info in cmp.policies():
        amounts: dict[str, Any] = {}
        eligible: dict[str, bool | None] = {}
        for col, key in enumerate(cmp.keys):
            base = cmp.cell(col, info.id)
            eligible[key] = None if base is None else base.eligible
            if cmp.reformed is None:
                amounts[key] = _amount(base)
            else:
                new = cmp.cell(col, info.id, reformed=True)
                amounts[key] = {"baseline": _amount(base), "reform": _amount(new), "difference": _delta(base, new)}
        items.append(
            {
                "policy": info.id,
                "title": {"zh": info.title.zh, "en": info.title.en},
                "kind": info.kind,
                "certainty": info.certainty,
                "offered": {k: eligible[k] is not None for k in cmp.keys},
                "eligible": eligible,
                "amounts": amounts,
            }
        )
    totals: dict[str, Any] = {}
    for col, key in enumerate(cmp.keys):
        base_totals = cmp.results[col].totals
        if cmp.reformed is None:
            totals[key] = {k: fmt_amount(base_totals[k]) for k in KINDS}
        else:
            new_totals = cmp.reformed[col].totals
            totals[key] = {
                k: {
                    "baseline": fmt_amount(base_totals[k]),
                    "reform": fmt_amount(new_totals[k]),
                    "difference": fmt_amount(new_totals[k] - base_totals[k]),
                }
                for k in KINDS
            }
    out: dict[str, Any] = {
        "profile": profile_to_dict(cmp.profile),
        "jurisdictions": list(cmp.keys),
        "classification": {
            key: {k: f.value for k, f in cmp.results[col].classification.items()} for col, key in enumerate(cmp.keys)
        },
        "items": items,
        "totals": totals,
    }
    if cmp.reform is not None:
        out["reform"] = {
            "name": cmp.reform.name,
            "changed": {key: reform_changes(cmp.reform, key, cmp.profile.year) for key in cmp.keys},
        }
    return out


def comparison_csv(cmp: Comparison) -> str:
    """One row per policy: an amount column per jurisdiction (empty = not offered); with a reform, three each."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["policy", "kind", "certainty"]
    for key in cmp.keys:
        header += [key] if cmp.reformed is None else [f"{key}.baseline", f"{key}.reform", f"{key}.difference"]
    writer.writerow(header)

    def cells(col: int, pid: str) -> list[str]:
        base = cmp.cell(col, pid)
        if cmp.reformed is None:
            return [_csv_amount(base)]
        new = cmp.cell(col, pid, reformed=True)
        return [_csv_amount(base), _csv_amount(new), _delta(base, new) or ""]

    for info in cmp.policies():
        row = [info.id, info.kind, info.certainty]
        for col in range(len(cmp.keys)):
            row += cells(col, info.id)
        writer.writerow(row)
    for kind in KINDS:
        row = [f"total.{kind}", kind, ""]
        for col in range(len(cmp.keys)):
            a = cmp.results[col].totals[kind]
            if cmp.reformed is None:
                row.append(fmt_amount(a))
            else:
                b = cmp.reformed[col].totals[kind]
                row += [fmt_amount(a), fmt_amount(b), fmt_amount(b - a)]
        writer.writerow(row)
    return out.getvalue()


def _csv_amount(item: Item | None) -> str:
    if item is None:
        return ""
    return "eligible" if item.amount is None and item.eligible else _amount(item) or ""


def comparison_rows(cmp: Comparison, lang: Lang) -> tuple[list[str], list[list[str]], list[str | None], list[str]]:
    """Headers, rows (policies with an amount, by kind, then totals) with styles, and notes for the table."""
    headers = [("政策" if lang == "zh" else "Policy"), *(t.get(lang) for t in cmp.titles)]
    rows: list[list[str]] = []
    styles: list[str | None] = []
    policies = cmp.policies()
    for kind in KINDS:
        group = [p for p in policies if p.kind == kind and p.certainty != "eligible_only"]
        if not group:
            continue
        rows.append([_kind(kind, lang)] + [""] * len(cmp.keys))
        styles.append("bold underline")
        for info in group:
            cells = [_cell(cmp, col, info.id, lang) for col in range(len(cmp.keys))]
            differs = len(set(cells)) > 1
            rows.append(["  " + info.title.get(lang), *cells])
            any_eligible = any((c := cmp.cell(col, info.id)) is not None and c.eligible for col in range(len(cmp.keys)))
            styles.append("bold" if differs else None if any_eligible else "dim")
    rows.append([("合计（按类别）" if lang == "zh" else "Totals by kind")] + [""] * len(cmp.keys))
    styles.append("bold underline")
    for kind in KINDS:
        cells = []
        for col in range(len(cmp.keys)):
            a = cmp.results[col].totals[kind]
            if cmp.reformed is None:
                cells.append(_yuan(a))
            else:
                b = cmp.reformed[col].totals[kind]
                cells.append(_yuan(a) if a == b else f"{_yuan(a)} → {_yuan(b)} ({_signed(b - a)})")
        rows.append(["  " + _kind(kind, lang), *cells])
        styles.append("bold")
    notes = []
    counts = []
    for col in range(len(cmp.keys)):
        n = sum(1 for it in cmp.results[col].items if it.policy.certainty == "eligible_only" and it.eligible)
        counts.append(f"{cmp.titles[col].get(lang)} {n}")
    notes.append(
        ("可申请的无金额政策：" if lang == "zh" else "Benefits to apply for (no amount): ") + ", ".join(counts)
    )
    notes.append(
        "— = 本地区无此政策；≤ = 上限（按审核）"
        if lang == "zh"
        else "— = not offered in that jurisdiction; ≤ = an upper bound (case by case)"
    )
    if cmp.reform is not None:
        notes.append(
            ("参数修改（" if lang == "zh" else "Reform (") + cmp.reform.name + ("）：" if lang == "zh" else "): ")
        )
        seen: set[str] = set()
        for key in cmp.keys:
            for line in reform_lines(cmp.reform, key, cmp.profile.year, lang):
                if line not in seen:
                    seen.add(line)
                    notes.append("  " + line)
    return headers, rows, styles, notes


def _cell(cmp: Comparison, col: int, pid: str, lang: Lang) -> str:
    base = cmp.cell(col, pid)
    if base is None:
        return "—"
    text = _item_amount(base)
    if cmp.reformed is not None:
        new = cmp.cell(col, pid, reformed=True)
        if new is not None and new.amount != base.amount:
            a, b = base.amount or ZERO, new.amount or ZERO
            return f"{text} → {_item_amount(new)} ({_signed(b - a)})"
    return text


def _item_amount(item: Item) -> str:
    text = _yuan(item.amount or ZERO)
    return f"≤ {text}" if item.policy.certainty == "up_to" and item.eligible else text


def _kind(kind: str, lang: Lang) -> str:
    zh, en = KIND_TITLES[kind]
    return zh.split("（")[0] if lang == "zh" else en.split(" (")[0]


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _signed(value: Decimal) -> str:
    return f"{value:+,.2f}" if value else "0.00"


def kinds_present(results: Sequence[Result]) -> list[str]:
    return [k for k in KINDS if any(r.totals[k] for r in results)]
