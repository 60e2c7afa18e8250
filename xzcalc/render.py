"""Views of a Result: a rich table for people, JSON / TOML / CSV for scripts (byte-stable).

The only module that imports rich, and only inside the functions that draw, so `xzcalc --help` stays fast.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .messages import Lang
from .model import KIND_TITLES, KINDS, Item, PolicyInfo, Result
from .money import fmt_num

if TYPE_CHECKING:
    from rich.console import Console

    from .params import ParamSet

__all__ = [
    "dumps",
    "print_advisories",
    "print_catalogue",
    "print_grid",
    "print_policy",
    "print_segments",
    "print_table",
]

CERTAINTY_TITLES = {
    "entitled": ("应享", "entitled"),
    "up_to": ("最高（按审核）", "up to (case by case)"),
    "eligible_only": ("可申请（无金额）", "may apply (no amount)"),
}
CLASS_TITLES = {
    "small_low_profit": ("小型微利企业", "small low-profit enterprise"),
    "sme_equipment": ("设备扣除中小微企业", "SME for the equipment deduction"),
    "size_class": ("企业规模（2011标准）", "size class (2011 standard)"),
    "manufacturing_size": ("制造业缓税划型", "manufacturing size (deferral)"),
}
VALUE_TITLES = {
    True: ("是", "yes"),
    False: ("否", "no"),
    None: ("不适用", "n/a"),
    "large": ("大型", "large"),
    "medium": ("中型", "medium"),
    "small": ("小型", "small"),
    "micro": ("微型", "micro"),
    "small-micro": ("小微", "small/micro"),
}


def _t(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def yuan(amount: Any) -> str:
    """An amount for people: thousands separators and two decimals."""
    return f"{amount:,.2f}"


# ── machine formats ───────────────────────────────────────────────────────────────────────────────────────────


def dumps(result: Result, fmt: str, *, lang: Lang = "zh", explain: bool = False) -> str:
    data = result.to_json(lang, explain)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(_drop_none(data))
    if fmt == "csv":
        return items_csv(data)
    raise ValueError(fmt)


def _drop_none(value: Any) -> Any:
    """TOML has no null: an eligible_only amount is left out (its `certainty` says why)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


CSV_COLUMNS = ("policy", "title", "kind", "certainty", "eligible", "amount", "components", "reasons", "sources")


def items_csv(data: dict[str, Any]) -> str:
    """One row per item, then one `total.<kind>` row per kind."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for it in data["items"]:
        writer.writerow(
            [
                it["policy"],
                it["title"]["zh"],
                it["kind"],
                it["certainty"],
                "true" if it["eligible"] else "false",
                "" if it["amount"] is None else it["amount"],
                ";".join(f"{k}={v}" for k, v in it["components"].items()),
                " | ".join(it["reasons"]),
                "; ".join(it["sources"]),
            ]
        )
    for kind, amount in data["totals"].items():
        writer.writerow([f"total.{kind}", "", kind, "", "", amount, "", "", ""])
    return out.getvalue()


# ── the table for people ──────────────────────────────────────────────────────────────────────────────────────


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _amount_cell(item: Item, lang: Lang) -> str:
    if item.amount is None:
        return _t(("可申请", "may apply"), lang)
    text = yuan(item.amount)
    # ≤ marks an upper bound granted case by case; an item that is not eligible has no bound to show
    return f"≤ {text}" if item.policy.certainty == "up_to" and item.eligible else text


def print_table(result: Result, *, lang: Lang = "zh", explain: bool = False, console: Console | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = console or _console()
    p = result.profile
    head = Text()
    head.append(p.name or _t(("（未命名企业）", "(unnamed enterprise)"), lang), style="bold")
    head.append(f"  {result.jurisdiction} · {result.year} · {p.entity} · {p.sector}")
    console.print(head)
    for name, finding in result.classification.items():
        value = _t(VALUE_TITLES.get(finding.value, (str(finding.value), str(finding.value))), lang)
        line = Text(f"  {_t(CLASS_TITLES[name], lang)}: ", style="dim")
        line.append(value, style="bold")
        if explain:
            line.append("  " + " ".join(r.get(lang) for r in finding.reasons), style="dim")
        console.print(line)

    # One table, a section per kind (title and subtotal on its first row): one layout pass instead of five.
    any_up_to = False
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column(_t(("政策", "Policy"), lang), ratio=3, overflow="fold")
    table.add_column(_t(("金额（元）", "Amount (yuan)"), lang), justify="right", no_wrap=True)
    table.add_column(_t(("依据与说明", "Why, and the clause"), lang), ratio=6, overflow="fold")
    for kind in KINDS:
        items = [it for it in result.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if not items:
            continue
        table.add_section()
        table.add_row(
            Text(_t(KIND_TITLES[kind], lang), style="bold"),
            Text(yuan(result.totals[kind]), style="bold"),
            Text(_t(("小计", "subtotal"), lang), style="dim"),
        )
        for it in sorted(items, key=lambda i: not i.eligible):
            any_up_to |= it.policy.certainty == "up_to" and it.eligible
            table.add_row(*_item_cells(it, lang, explain), style=None if it.eligible else "dim")
    console.print(table)

    eligible_only = [it for it in result.items if it.policy.certainty == "eligible_only"]
    if eligible_only:
        # plain lines, not a table: 30-odd rows of Chinese text measured cell by cell cost more than the whole calc
        console.print(
            Text(
                _t(
                    (
                        "可申请的政策（文件未规定金额，--explain 显示条件）",
                        "Benefits to apply for (no amount in the documents; --explain shows the conditions)",
                    ),
                    lang,
                ),
                style="bold",
            )
        )
        lines = []
        for it in eligible_only:
            if it.eligible:
                lines.append(f"  • {it.policy.title.get(lang)} — {_sources(it, False)}")
                if explain:
                    lines += [f"      {r.get(lang)}" for r in it.reasons]
        console.print(Text("\n".join(lines)))
        ineligible = [it for it in eligible_only if not it.eligible]
        if ineligible:
            console.print(
                Text(
                    _t((f"  另有 {len(ineligible)} 项不符合条件：", f"  {len(ineligible)} more not eligible: "), lang)
                    + "；".join(f"{it.policy.title.get(lang)}（{it.reasons[-1].get(lang)}）" for it in ineligible),
                    style="dim",
                )
            )
        console.print()

    totals = Table(
        title=_t(("合计（按类别，不跨类相加）", "Totals by kind (never added across kinds)"), lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    totals.add_column(_t(("类别", "Kind"), lang))
    totals.add_column(_t(("金额（元）", "Amount (yuan)"), lang), justify="right")
    for kind in KINDS:
        totals.add_row(_t(KIND_TITLES[kind], lang), yuan(result.totals[kind]))
    console.print(totals)
    if result.cit:
        c = result.cit
        console.print(
            Text(
                _t(("企业所得税：", "Corporate income tax: "), lang)
                + f"{yuan(c['tax_baseline'])} → {yuan(c['tax_final'])}"
                + (
                    _t(
                        (
                            f"；可结转亏损 {yuan(c['loss_carried_forward'])}",
                            f"; loss carried forward {yuan(c['loss_carried_forward'])}",
                        ),
                        lang,
                    )
                    if c.get("loss_carried_forward")
                    else ""
                ),
                style="dim",
            )
        )
    if any_up_to:
        console.print(
            Text(
                _t(
                    (
                        "≤ 表示文件规定的上限（“最高”“不超过”），按审核确定",
                        "≤ marks an upper bound the documents set (最高/不超过), granted case by case",
                    ),
                    lang,
                ),
                style="dim",
            )
        )
    print_advisories(result, lang=lang, console=console)


LOCAL_DOCUMENTS = ("晋政办发", "忻政办发", "内蒙古方案")


def _sources(item: Item, explain: bool) -> str:
    """All sources with --explain; otherwise the clauses of the five documents (national ones are in the JSON)."""
    local = [s for s in item.policy.sources if s.startswith(LOCAL_DOCUMENTS)]
    return "；".join(item.policy.sources if explain or not local else local)


def _why(item: Item, lang: Lang, explain: bool) -> str:
    lines = [r.get(lang) for r in item.reasons]
    if explain:
        lines += ["  " + s.get(lang) for s in item.trace]
    lines.append(_t(("依据：", "Sources: "), lang) + _sources(item, explain))
    return "\n".join(lines)


def _item_cells(item: Item, lang: Lang, explain: bool) -> tuple[str, str, str]:
    title = item.policy.title.get(lang)
    if not item.eligible:
        title += _t(("（不符合）", " (not eligible)"), lang)
    if explain or item.eligible:
        return title, _amount_cell(item, lang), _why(item, lang, explain)
    return title, _amount_cell(item, lang), item.reasons[-1].get(lang) if item.reasons else ""


# ── the catalogue and one policy explained ───────────────────────────────────────────────────────────────────


def print_catalogue(policies: Sequence[PolicyInfo], jurisdiction: str, year: int, *, fmt: str, lang: Lang) -> None:
    rows = [
        {
            "id": p.id,
            "title": {"zh": p.title.zh, "en": p.title.en},
            "kind": p.kind,
            "certainty": p.certainty,
            "jurisdictions": list(p.jurisdictions),
            "sources": list(p.sources),
        }
        for p in policies
    ]
    if fmt == "json":
        import sys

        sys.stdout.write(
            json.dumps({"jurisdiction": jurisdiction, "year": year, "policies": rows}, ensure_ascii=False, indent=2)
            + "\n"
        )
        return
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"{jurisdiction} · {year} · {len(rows)}", title_justify="left", box=box.SIMPLE_HEAD, expand=True
    )
    for col in (
        "id",
        _t(("名称", "title"), lang),
        _t(("类别", "kind"), lang),
        _t(("确定性", "certainty"), lang),
        _t(("依据", "sources"), lang),
    ):
        table.add_column(col)
    for p in policies:
        table.add_row(p.id, p.title.get(lang), p.kind, _t(CERTAINTY_TITLES[p.certainty], lang), "\n".join(p.sources))
    _console().print(table)


def print_policy(info: PolicyInfo, params: ParamSet, year: int, *, lang: Lang) -> None:
    from rich.text import Text

    from .clauses import clause

    console = _console()
    console.print(Text(f"{info.id} — {info.title.get(lang)}", style="bold"))
    console.print(f"{info.kind} · {_t(CERTAINTY_TITLES[info.certainty], lang)} · {', '.join(info.jurisdictions)}")
    console.print()
    console.print(info.summary.get(lang) or info.summary.zh)
    for c in info.confirm:
        console.print(Text("• " + c.get(lang), style="dim"))
    used = [p for p in params if any(p.name == pre or p.name.startswith(pre + ".") for pre in info.params)]
    if used:
        console.print()
        console.print(
            Text(_t(("参数（数值、适用期间、来源）", "Parameters (value, dates, source)"), lang), style="bold")
        )
        for p in used:
            for w in p.windows:
                console.print(f"  {p.name} = {_param_value(w.value)}   [{w.start} … {w.end}]  ({p.origin})")
            console.print(Text(f"    {p.description} — {p.source}", style="dim"))
    console.print()
    console.print(Text(_t(("依据（条文原文）", "Sources (clause text quoted)"), lang), style="bold"))
    for cite in info.sources:
        found = clause(cite)
        console.print(Text(f"  {cite}", style="bold"))
        if found is not None:
            console.print(f"    “{found.text}”")
        else:
            console.print(
                Text(
                    _t(("    国家政策文件（未收录全文）", "    national document (text not bundled)"), lang),
                    style="dim",
                )
            )


def _param_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_param_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_param_value(v) for v in value) + "]"
    if isinstance(value, bool | str):
        return str(value)
    try:
        return fmt_num(value)
    except (TypeError, ValueError):
        return str(value)


# ── advisories, grids and charts (xzcalc.advisor, compare, sweep: they build plain rows, this draws them) ─────


ADVISORY_TITLE = ("临界提示：接近或刚越过的标准（重新计算得出）", "Thresholds near or just past (each re-computed)")


def print_advisories(result: Result, *, lang: Lang = "zh", console: Console | None = None) -> None:
    """The threshold advisories as one panel (nothing when there are none)."""
    if not result.advisories:
        return
    from rich.panel import Panel
    from rich.text import Text

    console = console or _console()
    body = Text()
    for i, advisory in enumerate(result.advisories):
        if i:
            body.append("\n")
        body.append("• " + advisory.get(lang))
        body.append(f"\n  {advisory.parameter} — {advisory.source}", style="dim")
    title = _t(ADVISORY_TITLE, lang)
    console.print(Panel(body, title=title, title_align="left", border_style="yellow"))


def print_grid(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    styles: Sequence[str | None] = (),
    notes: Sequence[str] = (),
    wrap_first: bool = True,
    console: Console | None = None,
) -> None:
    """A plain table: the first column left-aligned (wrapped unless told), the others right-aligned and unwrapped."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = console or _console()
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for i, h in enumerate(headers):
        # amounts never wrap (their width is the widest cell); a long header wraps above them instead
        widest = max((len(row[i]) for row in rows), default=0) if i > 0 or not wrap_first else None
        table.add_column(h, justify="left" if i == 0 else "right", overflow="fold", min_width=widest)
    for i, row in enumerate(rows):
        table.add_row(*row, style=styles[i] if i < len(styles) else None)
    console.print(table)
    for note in notes:
        console.print(Text(note, style="dim"))


def print_segments(lines: Sequence[Sequence[tuple[str, str | None]]], *, console: Console | None = None) -> None:
    """Lines of (text, style) segments — a terminal chart drawn by xzcalc.chart."""
    from rich.text import Text

    console = console or _console()
    for segments in lines:
        line = Text(no_wrap=True, overflow="crop")
        for text, style in segments:
            line.append(text, style=style)
        console.print(line)
