"""The views for people in a terminal: a result as a rich table, the catalogue, one policy explained, advisories as
a panel, and the plain grids and character charts the compare and sweep views build.

With the batch's progress bar, the only module that imports rich — and only inside the functions that draw, so
`xzcalc --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..messages import Lang, Text
from ..model import KINDS, Advisory, Item, PolicyInfo, Result
from . import labels as L

if TYPE_CHECKING:
    from rich.console import Console

    from ..params import ParamSet

__all__ = [
    "print_advisories",
    "print_catalogue",
    "print_grid",
    "print_policy",
    "print_segments",
    "print_table",
]


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


# ── a result ──────────────────────────────────────────────────────────────────────────────────────────────────

SUBTOTAL = Text("小计", "subtotal")
ELIGIBLE_ONLY_TITLE = Text(
    "可申请的政策（文件未规定金额，--explain 显示条件）",
    "Benefits to apply for (no amount in the documents; --explain shows the conditions)",
)
UP_TO_NOTE = Text(
    "≤ 表示文件规定的上限（“最高”“不超过”），按审核确定",
    "≤ marks an upper bound the documents set (最高/不超过), granted case by case",
)


def print_table(
    result: Result,
    *,
    lang: Lang = "zh",
    explain: bool = False,
    advisories: Sequence[Advisory] = (),
    console: Console | None = None,
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text as RichText

    console = console or _console()
    p = result.profile
    head = RichText()
    head.append(L.enterprise_name(p, lang), style="bold")
    head.append(f"  {result.jurisdiction} · {result.year} · {p.entity} · {p.sector}")
    console.print(head)
    for name, finding in result.classification.items():
        line = RichText(f"  {L.class_title(name, lang)}: ", style="dim")
        line.append(L.finding_value(finding.value, lang), style="bold")
        if explain:
            line.append("  " + " ".join(r.get(lang) for r in finding.reasons), style="dim")
        console.print(line)

    # One table, a section per kind (title and subtotal on its first row): one layout pass instead of five.
    any_up_to = False
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column(L.POLICY.get(lang), ratio=3, overflow="fold")
    table.add_column(L.AMOUNT_YUAN.get(lang), justify="right", no_wrap=True)
    table.add_column(Text("依据与说明", "Why, and the clause").get(lang), ratio=6, overflow="fold")
    for kind in KINDS:
        items = [it for it in result.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if not items:
            continue
        table.add_section()
        table.add_row(
            RichText(L.kind_title(kind, lang), style="bold"),
            RichText(L.yuan(result.totals[kind]), style="bold"),
            RichText(SUBTOTAL.get(lang), style="dim"),
        )
        for it in sorted(items, key=lambda i: not i.eligible):
            any_up_to |= it.policy.certainty == "up_to" and it.eligible
            cells = _item_cells(it, result.jurisdiction, lang, explain)
            table.add_row(*cells, style=None if it.eligible else "dim")
    console.print(table)

    eligible_only = [it for it in result.items if it.policy.certainty == "eligible_only"]
    if eligible_only:
        # plain lines, not a table: 30-odd rows of Chinese text measured cell by cell cost more than the whole calc
        console.print(RichText(ELIGIBLE_ONLY_TITLE.get(lang), style="bold"))
        lines = []
        for it in eligible_only:
            if it.eligible:
                lines.append(f"  • {it.policy.title.get(lang)} — {_sources(it, result.jurisdiction, False)}")
                if explain:
                    lines += [f"      {r.get(lang)}" for r in it.reasons]
        console.print(RichText("\n".join(lines)))
        ineligible = [it for it in eligible_only if not it.eligible]
        if ineligible:
            more = (
                f"  另有 {len(ineligible)} 项不符合条件："
                if lang == "zh"
                else f"  {len(ineligible)} more not eligible: "
            )
            console.print(
                RichText(
                    more + "；".join(f"{it.policy.title.get(lang)}（{it.reasons[-1].get(lang)}）" for it in ineligible),
                    style="dim",
                )
            )
        console.print()

    totals = Table(title=L.TOTALS_BY_KIND.get(lang), title_justify="left", box=box.SIMPLE_HEAD)
    totals.add_column(L.KIND.get(lang))
    totals.add_column(L.AMOUNT_YUAN.get(lang), justify="right")
    for kind in KINDS:
        totals.add_row(L.kind_title(kind, lang), L.yuan(result.totals[kind]))
    console.print(totals)
    if result.cit:
        c = result.cit
        loss = ""
        if c.get("loss_carried_forward"):
            carried = L.yuan(c["loss_carried_forward"])
            loss = f"；可结转亏损 {carried}" if lang == "zh" else f"; loss carried forward {carried}"
        text = L.CIT.get(lang) + f"{L.yuan(c['tax_baseline'])} → {L.yuan(c['tax_final'])}" + loss
        console.print(RichText(text, style="dim"))
    if any_up_to:
        console.print(RichText(UP_TO_NOTE.get(lang), style="dim"))
    print_advisories(advisories, lang=lang, console=console)


def _sources(item: Item, jurisdiction: str, explain: bool) -> str:
    """The sources in force in the jurisdiction: all with --explain; otherwise the local documents' clauses (the
    national ones are in the JSON), or all when it has none."""
    local = L.local_sources(item, jurisdiction)
    return "；".join(L.sources_in_force(item, jurisdiction) if explain or not local else local)


def _why(item: Item, jurisdiction: str, lang: Lang, explain: bool) -> str:
    lines = [r.get(lang) for r in item.reasons]
    if explain:
        lines += ["  " + s.get(lang) for s in item.trace]
    lines.append(Text("依据：", "Sources: ").get(lang) + _sources(item, jurisdiction, explain))
    return "\n".join(lines)


_STATUS = {
    "not_in_force": Text("（本年度不适用）", " (not in force this year)"),
    "not_computed": Text("（未计算）", " (not computed)"),
}


def _item_cells(item: Item, jurisdiction: str, lang: Lang, explain: bool) -> tuple[str, str, str]:
    title = item.policy.title.get(lang)
    if item.status != "computed":  # years.md: not in force this tax year, or in force but not computed
        title += _STATUS[item.status].get(lang)
        return title, "—", item.reasons[-1].get(lang)
    if not item.eligible:
        title += Text("（不符合）", " (not eligible)").get(lang)
    if explain or item.eligible:
        return title, L.amount_cell(item, lang), _why(item, jurisdiction, lang, explain)
    return title, L.amount_cell(item, lang), item.reasons[-1].get(lang) if item.reasons else ""


ADVISORY_TITLE = Text("临界提示：接近或刚越过的标准（重新计算得出）", "Thresholds near or just past (each re-computed)")


def print_advisories(advisories: Sequence[Advisory], *, lang: Lang = "zh", console: Console | None = None) -> None:
    """The threshold advisories as one panel (nothing when there are none)."""
    if not advisories:
        return
    from rich.panel import Panel
    from rich.text import Text as RichText

    console = console or _console()
    body = RichText()
    for i, advisory in enumerate(advisories):
        if i:
            body.append("\n")
        body.append("• " + advisory.message.get(lang))
        body.append(f"\n  {advisory.parameter} — {advisory.source}", style="dim")
    console.print(Panel(body, title=ADVISORY_TITLE.get(lang), title_align="left", border_style="yellow"))


# ── the catalogue and one policy explained ───────────────────────────────────────────────────────────────────


def print_catalogue(policies: Sequence[PolicyInfo], jurisdiction: str, year: int, *, lang: Lang) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"{jurisdiction} · {year} · {len(policies)}", title_justify="left", box=box.SIMPLE_HEAD, expand=True
    )
    columns = (Text("名称", "title"), Text("类别", "kind"), Text("确定性", "certainty"), Text("依据", "sources"))
    for col in ("id", *(t.get(lang) for t in columns)):
        table.add_column(col)
    for p in policies:
        status = p.status_in(year)
        title = p.title.get(lang) + ("" if status == "computed" else _STATUS[status].get(lang))
        table.add_row(p.id, title, p.kind, L.certainty_title(p.certainty, lang), "\n".join(p.sources))
    _console().print(table)


def print_policy(info: PolicyInfo, params: ParamSet, year: int, *, lang: Lang) -> None:
    """One policy explained for the jurisdiction of `params`: its parameters there and the clauses of the documents
    in force there (policies.md E7), quoted."""
    from rich.text import Text as RichText

    from ..clauses import clause
    from ..params import cites_in_force

    console = _console()
    console.print(RichText(f"{info.id} — {info.title.get(lang)}", style="bold"))
    console.print(f"{info.kind} · {L.certainty_title(info.certainty, lang)} · {', '.join(info.jurisdictions)}")
    console.print()
    console.print(info.summary.get(lang) or info.summary.zh)
    for c in info.confirm:
        console.print(RichText("• " + c.get(lang), style="dim"))
    used = [p for p in params if any(p.name == pre or p.name.startswith(pre + ".") for pre in info.params)]
    if used:
        console.print()
        heading = Text("参数（数值、适用期间、来源）", "Parameters (value, dates, source)")
        console.print(RichText(heading.get(lang), style="bold"))
        for p in used:
            for w in p.windows:
                cited = f" — {w.source}" if w.source else ""  # windows of different years citing their own clause
                console.print(f"  {p.name} = {L.param_value(w.value)}   [{w.start} … {w.end}]  ({p.origin}){cited}")
            shown = p.description if any(w.source for w in p.windows) else f"{p.description} — {p.source}"
            console.print(RichText(f"    {shown}", style="dim"))
    console.print()
    console.print(RichText(Text("依据（条文原文）", "Sources (clause text quoted)").get(lang), style="bold"))
    for cite in cites_in_force(info.sources, params.jurisdiction):
        found = clause(cite)
        console.print(RichText(f"  {cite}", style="bold"))
        if found is not None:
            console.print(f"    “{found.text}”")
        else:
            console.print(RichText("    " + L.NATIONAL_TEXT.get(lang), style="dim"))


# ── plain grids and character charts (compare, sweep and reform views build the rows) ─────────────────────────


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
    from rich.text import Text as RichText

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
        console.print(RichText(note, style="dim"))


def print_segments(lines: Sequence[Sequence[tuple[str, str | None]]], *, console: Console | None = None) -> None:
    """Lines of (text, style) segments — a terminal chart drawn by views.svg.text_chart."""
    from rich.text import Text as RichText

    console = console or _console()
    for segments in lines:
        line = RichText(no_wrap=True, overflow="crop")
        for text, style in segments:
            line.append(text, style=style)
        console.print(line)
