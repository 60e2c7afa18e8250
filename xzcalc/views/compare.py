"""Views of results side by side (xzcalc.analysis.compare computes them): one enterprise in the three jurisdictions
(`xzcalc compare`), and a baseline against a reform (`calc --params`) — JSON, CSV, rows for a grid, and the tables.
Per item and totals by kind, never added across kinds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..analysis.compare import Comparison, reform_changes
from ..messages import Lang, Msg, Text
from ..model import KINDS, Advisory, Item, Result
from ..money import ZERO, fmt_amount, fmt_num
from ..schema.profile import profile_to_dict
from . import labels as L
from .machine import result_json

if TYPE_CHECKING:
    from ..reform import Reform

__all__ = [
    "comparison_csv",
    "comparison_json",
    "comparison_rows",
    "print_comparison",
    "print_reform",
    "reform_csv",
    "reform_grid",
    "reform_json",
    "reform_lines",
    "reform_rows",
]


def _amount(item: Item | None) -> str | None:
    return None if item is None or item.amount is None else fmt_amount(item.amount)


def _delta(a: Item | None, b: Item | None) -> str | None:
    if (a is None or a.amount is None) and (b is None or b.amount is None):
        return None
    before = a.amount if a is not None and a.amount is not None else ZERO
    after = b.amount if b is not None and b.amount is not None else ZERO
    return fmt_amount(after - before)


def _kind(kind: str, lang: Lang) -> str:
    return L.kind_title(kind, lang, short=True)


# ── reforms ──────────────────────────────────────────────────────────────────────────────────────────────────


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
        return [Text("（本地区无被修改的参数）", "(no parameter of this jurisdiction is changed)").get(lang)]
    return [f"{c['name']}: {_show_param(c['baseline'])} → {_show_param(c['reform'])} ({c['source']})" for c in changes]


def reform_json(
    base: Result,
    reformed: Result,
    reform: Reform,
    lang: Lang,
    explain: bool,
    advisories: tuple[Sequence[Advisory], Sequence[Advisory]] = ((), ()),
) -> dict[str, Any]:
    """calc --params: both results in full (each with its advisories), the per-item and per-kind differences, and
    the parameters changed."""
    items = {}
    for it in reformed.items:
        d = _delta(base.item(it.policy.id), it)
        if d is not None:
            items[it.policy.id] = d
    return {
        "reform": {"name": reform.name, "changed": reform_changes(reform, base.jurisdiction, base.year)},
        "baseline": result_json(base, lang, explain, advisories[0]),
        "reformed": result_json(reformed, lang, explain, advisories[1]),
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
        rows.append([it.policy.title.get(lang), _kind(it.policy.kind, lang), L.yuan(a), L.yuan(b), L.signed(b - a)])
        styles.append("bold" if a != b else None if it.eligible or old.eligible else "dim")
    total = Text("合计 · ", "Total · ").get(lang)
    for kind in KINDS:
        a, b = base.totals[kind], reformed.totals[kind]
        rows.append([total + _kind(kind, lang), "", L.yuan(a), L.yuan(b), L.signed(b - a)])
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
            rows.append(["  " + it.policy.title.get(lang), L.yuan(a), L.yuan(b), L.signed(b - a)])
            styles.append("bold" if a != b else None if it.eligible or old.eligible else "dim")
    rows.append([L.TOTALS.get(lang), "", "", ""])
    styles.append("bold underline")
    for kind in KINDS:
        a, b = base.totals[kind], reformed.totals[kind]
        rows.append(["  " + _kind(kind, lang), L.yuan(a), L.yuan(b), L.signed(b - a)])
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


def print_reform(
    base: Result,
    reformed: Result,
    reform: Reform,
    lang: Lang,
    advisories: Sequence[Advisory] = (),
    *,
    explain: bool = False,
) -> None:
    """calc --params as a table: with --explain, first the reformed result with the arithmetic of every number (at
    the reformed parameters); then the grid, the parameters changed, the income tax, the reformed advisories."""
    from .table import print_advisories, print_grid, print_table

    if explain:
        print_table(reformed, lang=lang, explain=True)

    zh = lang == "zh"
    rows, styles = reform_grid(base, reformed, lang)
    notes = [("参数修改（" if zh else "Parameters changed by ") + reform.name + ("）：" if zh else ":")]
    notes += ["  " + line for line in reform_lines(reform, base.jurisdiction, base.year, lang)]
    if base.cit and reformed.cit:
        notes.append(L.CIT.get(lang) + f"{L.yuan(base.cit['tax_final'])} → {L.yuan(reformed.cit['tax_final'])}")
    title = f"{L.enterprise_name(base.profile, lang)}  {base.jurisdiction} · {base.year} — " + Text(
        "基准与改革对比", "baseline and reform"
    ).get(lang)
    headers = ["政策", "基准", "改革后", "差额"] if zh else ["Policy", "Baseline", "Reform", "Difference"]
    print_grid(title, headers, rows, styles=styles, notes=notes)
    print_advisories(advisories, lang=lang)


# ── compare ──────────────────────────────────────────────────────────────────────────────────────────────────


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
        entry: dict[str, Any] = {
            "policy": info.id,
            "title": {"zh": info.title.zh, "en": info.title.en},
            "kind": info.kind,
            "certainty": info.certainty,
            "offered": {k: eligible[k] is not None for k in cmp.keys},
            "eligible": eligible,
            "amounts": amounts,
        }
        if cmp.reformed is not None:  # (the reform's own eligibility: it may open what the baseline refuses)
            entry["eligible_reform"] = {
                key: None if (new := cmp.cell(col, info.id, reformed=True)) is None else new.eligible
                for col, key in enumerate(cmp.keys)
            }
        if cmp.axis == "year":  # each year's status (years.md) and the years the line changed
            entry["status"] = {k: _status(cmp.cell(col, info.id)) for col, k in enumerate(cmp.keys)}
            entry["changed_in"] = [int(k) for k in cmp.changed.get(info.id, ())]
        items.append(entry)
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
    if cmp.axis == "year":
        return _years_json(cmp, lang, items, totals)
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


def _status(item: Item | None) -> str | None:
    return None if item is None else item.status


def _years_json(cmp: Comparison, lang: Lang, items: list[Any], totals: dict[str, Any]) -> dict[str, Any]:
    """compare --years: the profile as given, the years, and per item and total the years it changed in."""
    out: dict[str, Any] = {
        "profile": profile_to_dict(cmp.profile),
        "jurisdiction": cmp.profile.jurisdiction,
        "years": [int(k) for k in cmp.keys],
        "dates_moved": Msg("years.compare.dates_moved", {"year": cmp.profile.year}).get(lang),
        "classification": {
            key: {k: f.value for k, f in cmp.results[col].classification.items()} for col, key in enumerate(cmp.keys)
        },
        "items": items,
        "totals": totals,
        "totals_changed_in": {k: [int(y) for y in cmp.changed.get(f"total.{k}", ())] for k in KINDS},
    }
    if cmp.reform is not None:
        out["reform"] = {
            "name": cmp.reform.name,
            "changed": {key: reform_changes(cmp.reform, cmp.profile.jurisdiction, int(key)) for key in cmp.keys},
        }
    return out


def comparison_csv(cmp: Comparison) -> str:
    """One row per policy: an amount column per jurisdiction (empty = not offered); with a reform, three each."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["policy", "kind", "certainty"]
    for key in cmp.keys:
        header += [key] if cmp.reformed is None else [f"{key}.baseline", f"{key}.reform", f"{key}.difference"]
    by_year = cmp.axis == "year"
    if by_year:
        header.append("changed_in")
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
        if by_year:
            row.append(" ".join(cmp.changed.get(info.id, ())))
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
        if by_year:
            row.append(" ".join(cmp.changed.get(f"total.{kind}", ())))
        writer.writerow(row)
    return out.getvalue()


def _csv_amount(item: Item | None) -> str:
    if item is None:
        return ""
    if item.status != "computed":  # years.md: never an amount of another year
        return item.status
    return "eligible" if item.amount is None and item.eligible else _amount(item) or ""


def comparison_rows(cmp: Comparison, lang: Lang) -> tuple[list[str], list[list[str]], list[str | None], list[str]]:
    """Headers, rows (policies with an amount, by kind, then totals) with styles, and notes for the table."""
    by_year = cmp.axis == "year"
    titles = list(cmp.keys) if by_year else [L.jurisdiction_title(key, lang) for key in cmp.keys]
    headers = [L.POLICY.get(lang), *titles, *([CHANGED_IN.get(lang)] if by_year else [])]
    extra = 1 if by_year else 0
    rows: list[list[str]] = []
    styles: list[str | None] = []
    policies = cmp.policies()
    for kind in KINDS:
        group = [p for p in policies if p.kind == kind and p.certainty != "eligible_only"]
        if not group:
            continue
        rows.append([_kind(kind, lang)] + [""] * (len(cmp.keys) + extra))
        styles.append("bold underline")
        for info in group:
            cells = [_cell(cmp, col, info.id, lang) for col in range(len(cmp.keys))]
            differs = len(set(cells)) > 1
            changed = [" ".join(cmp.changed.get(info.id, ()))] if by_year else []
            rows.append(["  " + info.title.get(lang), *cells, *changed])
            any_eligible = any((c := cmp.cell(col, info.id)) is not None and c.eligible for col in range(len(cmp.keys)))
            styles.append("bold" if differs else None if any_eligible else "dim")
    rows.append([L.TOTALS.get(lang)] + [""] * (len(cmp.keys) + extra))
    styles.append("bold underline")
    for kind in KINDS:
        cells = []
        for col in range(len(cmp.keys)):
            a = cmp.results[col].totals[kind]
            if cmp.reformed is None:
                cells.append(L.yuan(a))
            else:
                b = cmp.reformed[col].totals[kind]
                cells.append(L.yuan(a) if a == b else f"{L.yuan(a)} → {L.yuan(b)} ({L.signed(b - a)})")
        if by_year:
            cells.append(" ".join(cmp.changed.get(f"total.{kind}", ())))
        rows.append(["  " + _kind(kind, lang), *cells])
        styles.append("bold")
    counts = []
    for col in range(len(cmp.keys)):
        n = sum(1 for it in cmp.results[col].items if it.policy.certainty == "eligible_only" and it.eligible)
        counts.append(f"{titles[col]} {n}")
    notes = [Text("可申请的无金额政策：", "Benefits to apply for (no amount): ").get(lang) + ", ".join(counts)]
    if by_year:
        notes.append(Msg("years.compare.dates_moved", {"year": cmp.profile.year}).get(lang))
        notes.append(Msg("years.compare.legend", {}).get(lang))
    else:
        notes.append(
            Text(
                "— = 本地区无此政策；≤ = 上限（按审核）",
                "— = not offered in that jurisdiction; ≤ = an upper bound (case by case)",
            ).get(lang)
        )
    if cmp.reform is not None:
        zh = lang == "zh"
        notes.append(("参数修改（" if zh else "Reform (") + cmp.reform.name + ("）：" if zh else "): "))
        seen: set[str] = set()
        for key in cmp.keys:
            where, year = (cmp.profile.jurisdiction, int(key)) if by_year else (key, cmp.profile.year)
            for line in reform_lines(cmp.reform, where, year, lang):
                if line not in seen:
                    seen.add(line)
                    notes.append("  " + line)
    return headers, rows, styles, notes


CHANGED_IN = Text("变化年度", "changed in")
STATUS = {"not_in_force": Text("本年度不适用", "not in force"), "not_computed": Text("未计算", "not computed")}


def _cell(cmp: Comparison, col: int, pid: str, lang: Lang = "zh") -> str:
    base = cmp.cell(col, pid)
    if base is None:
        return "—"
    if base.status != "computed":
        return STATUS[base.status].get(lang)
    text = _item_amount(base)
    if cmp.reformed is not None:
        new = cmp.cell(col, pid, reformed=True)
        if new is not None and new.amount != base.amount:
            a, b = base.amount or ZERO, new.amount or ZERO
            return f"{text} → {_item_amount(new)} ({L.signed(b - a)})"
    return text


def _item_amount(item: Item) -> str:
    """As labels.amount_cell, but an eligible-only benefit shows 0.00 (a comparison lines up numbers)."""
    text = L.yuan(item.amount or ZERO)
    return f"≤ {text}" if item.policy.certainty == "up_to" and item.eligible else text


def print_comparison(cmp: Comparison, lang: Lang) -> None:
    """`xzcalc compare` as a table."""
    from .table import print_grid

    headers, rows, styles, notes = comparison_rows(cmp, lang)
    if cmp.axis == "year":
        where = L.jurisdiction_title(cmp.profile.jurisdiction, lang)
        title = f"{L.enterprise_name(cmp.profile, lang)} · {where} — " + Text(
            "各年度政策对比（元）", "tax years compared (yuan)"
        ).get(lang)
        print_grid(title, headers, rows, styles=styles, notes=notes)
        return
    title = f"{L.enterprise_name(cmp.profile, lang)} · {cmp.profile.year} — " + Text(
        "三地政策对比（元）", "three jurisdictions compared (yuan)"
    ).get(lang)
    print_grid(title, headers, rows, styles=styles, notes=notes)
