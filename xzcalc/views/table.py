"""The views for people in a terminal: a result as a rich table, the catalogue, one policy explained, advisories as
a panel, and the plain grids and character charts the compare and sweep views build.

With the batch's progress bar, the only module that imports rich — and only inside the functions that draw, so
`xzcalc --help` stays fast.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..inputs import OutputLost
from ..messages import Lang, Text
from ..model import KINDS, Advisory, Item, PolicyInfo, Result
from . import labels as L
from .wrap import cells, wrap

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text as RichText

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
    """A rich console; a closed pipe raises inputs.OutputLost like any other failed write to standard output (the
    command line says so in one line, exit 3) instead of rich's own silent exit 1."""
    import errno

    from rich.console import Console

    console = Console(stderr=stderr, highlight=False)

    def on_broken_pipe() -> None:
        raise OutputLost(BrokenPipeError(errno.EPIPE, "Broken pipe"))

    console.on_broken_pipe = on_broken_pipe  # type: ignore[method-assign]
    return console


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


WIDE = 110  # a terminal this wide gets the four-column table; a narrower one the compact layout (issue 12 §7)


def print_table(
    result: Result,
    *,
    lang: Lang = "zh",
    explain: bool = False,
    advisories: Sequence[Advisory] = (),
    console: Console | None = None,
) -> None:
    """The result for a terminal of any width: every line wrapped by views.wrap (never inside a word or a field
    name) to the console's width — four columns from WIDE cells on, a title-and-amount line with the details
    indented below it when narrower.

    The lines before the totals go to rich as one Text, and those after them as another: a print per line cost
    more than the lines themselves (the bytes are the same, each line keeping its own style)."""
    from rich.text import Text as RichText

    console = console or _console()
    width = max(console.width, 40)
    p = result.profile
    body = RichText(no_wrap=True, overflow="ignore")
    _add_lines(
        body,
        f"{L.enterprise_name(p, lang)}  {result.jurisdiction} · {result.year} · {p.entity} · {p.sector}",
        width,
        style="bold",
    )
    for name, finding in result.classification.items():
        line = f"  {L.class_title(name, lang)}: {L.finding_value(finding.value, lang)}"
        if explain:
            line += "  " + " ".join(r.get(lang) for r in finding.reasons)
        _add_lines(body, line, width, subsequent="    ", style="dim")

    any_up_to = any(
        it.policy.certainty == "up_to" and it.eligible for it in result.items if it.policy.certainty != "eligible_only"
    )
    sections = []
    for kind in KINDS:
        items = [it for it in result.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if items:
            sections.append((kind, sorted(items, key=lambda i: not i.eligible)))
    if width >= WIDE:
        _print(console, body)
        body = RichText(no_wrap=True, overflow="ignore")
        _wide_items(console, result, sections, lang, explain, width)
    else:
        _compact_items(body, result, sections, lang, explain, width)

    eligible_only = [it for it in result.items if it.policy.certainty == "eligible_only"]
    if eligible_only:
        _add_lines(body, ELIGIBLE_ONLY_TITLE.get(lang), width, style="bold")
        for it in eligible_only:
            if it.eligible:
                _add_lines(
                    body,
                    f"  • {it.policy.title.get(lang)} — {_sources(it, result.jurisdiction, False)}",
                    width,
                    subsequent="    ",
                )
                if explain:
                    for r in it.reasons:
                        _add_lines(body, f"      {r.get(lang)}", width, subsequent="      ")
                    claim = result.claims.get(it.policy.id)
                    if claim is not None:
                        _add_lines(body, "      " + L.claim_line(claim, lang), width, subsequent="      ")
        ineligible = [it for it in eligible_only if not it.eligible]
        if ineligible:
            more = (
                f"  另有 {len(ineligible)} 项不符合条件："
                if lang == "zh"
                else f"  {len(ineligible)} more not eligible: "
            )
            text = more + "；".join(f"{it.policy.title.get(lang)}（{it.reasons[-1].get(lang)}）" for it in ineligible)
            _add_lines(body, text, width, subsequent="    ", style="dim")
        body.append("\n")
    _print(console, body)

    console.print(_totals(result, lang))
    after = RichText(no_wrap=True, overflow="ignore")
    if result.cit:
        c = result.cit
        loss = ""
        if c.get("loss_carried_forward"):
            carried = L.yuan(c["loss_carried_forward"])
            loss = f"；可结转亏损 {carried}" if lang == "zh" else f"; loss carried forward {carried}"
        text = L.CIT.get(lang) + f"{L.yuan(c['tax_baseline'])} → {L.yuan(c['tax_final'])}" + loss
        _add_lines(after, text, width, style="dim")
    if any_up_to:
        _add_lines(after, UP_TO_NOTE.get(lang), width, style="dim")
    _print(console, after)
    print_advisories(advisories, lang=lang, console=console)


def _totals(result: Result, lang: Lang) -> Table:
    """The totals by kind as a rich table. Its title, headers and cells are rich Texts, not strings: a string would be
    read as console markup (and for emoji codes, whose table rich then loads), which none of them holds."""
    from rich import box
    from rich.table import Table
    from rich.text import Text as RichText

    totals = Table(
        title=RichText(L.TOTALS_BY_KIND.get(lang), style="table.title"), title_justify="left", box=box.SIMPLE_HEAD
    )
    totals.add_column(RichText(L.KIND.get(lang)))
    totals.add_column(RichText(L.AMOUNT_YUAN.get(lang)), justify="right")
    for kind in KINDS:
        totals.add_row(RichText(L.kind_title(kind, lang)), RichText(L.yuan(result.totals[kind])))
    return totals


# characters each as wide in views.wrap's count as in rich's or wider, for every Unicode version rich knows (checked
# by tests/test_terminal.py): Latin, punctuation, arrows, mathematical signs, box drawing, CJK, full-width forms — no
# tab, no joiner or variation selector (rich measures those in sequences). First and one-past-last code points.
_MEASURED_ALIKE = (
    *(0x0A, 0x0B, 0x20, 0x7F, 0xA0, 0x250, 0x2010, 0x2028, 0x2030, 0x205F, 0x2190, 0x2300),
    *(0x2460, 0x2580, 0x3000, 0x3040, 0x4E00, 0xA000, 0xFF01, 0xFF61),
)


def _measured_alike(text: str) -> bool:
    """Whether every character of `text` is in _MEASURED_ALIKE's ranges."""
    return all(bisect_right(_MEASURED_ALIKE, ord(ch)) % 2 for ch in set(text))


def _print(console: Console, body: RichText) -> None:
    """Lines gathered by _add_lines (each ending in a newline), printed as they are; nothing when there are none.

    rich wraps the text of a print to the console's width again and crops each line to it, measuring every line
    twice, which cost more than the rest of the table. When every line is of characters views.wrap measures as rich
    does (or wider) and fits the console by that measure, neither can change a line: rich is told not to do them."""
    if not body:
        return
    body.right_crop(1)  # (the last line's newline is the print's own)
    plain = body.plain
    if _measured_alike(plain) and max(map(cells, plain.split("\n"))) <= console.width:
        console.print(body, no_wrap=True, overflow="ignore", crop=False)
    else:
        console.print(body)


def _add_lines(body: RichText, text: str, width: int, *, subsequent: str = "", style: str | None = None) -> None:
    """`text` wrapped to `width` by views.wrap, added to `body` as it is (rich is not asked to wrap it again), with a
    newline after each line."""
    stripped = text.lstrip(" ")
    indent = text[: len(text) - len(stripped)]
    body.append("\n".join(wrap(stripped, width, indent, subsequent or indent)), style=style or None)
    body.append("\n")


def _lines(console: Console, text: str, width: int, *, subsequent: str = "", style: str | None = None) -> None:
    """`text` wrapped to `width` by views.wrap and printed as it is (rich is not asked to wrap it again)."""
    from rich.text import Text as RichText

    stripped = text.lstrip(" ")
    indent = text[: len(text) - len(stripped)]
    body = "\n".join(wrap(stripped, width, indent, subsequent or indent))
    console.print(RichText(body, style=style or "", no_wrap=True, overflow="ignore"))


def _right(left: str, right: str, width: int, indent: str = "") -> list[str]:
    """`left` (wrapped) with `right` flush right on its first line: a title and its amount."""
    room = width - cells(right) - 2
    head = wrap(left, room, indent, indent + "  ")
    first = head[0] + " " * (width - cells(head[0]) - cells(right)) + right
    return [first, *head[1:]]


def _details(item: Item, result: Result, lang: Lang, explain: bool) -> list[str]:
    """The lines under an item: its reasons (a measure not computed this year: why), the arithmetic with --explain,
    the clauses and how to claim it. A not-eligible item shows every reason, not only the last: one per machine
    or quarter when each failed on its own (the tester saw one machine of two)."""
    if item.status != "computed":
        return [item.reasons[-1].get(lang)] if item.reasons else []
    if not (explain or item.eligible):
        return [r.get(lang) for r in item.reasons]
    lines = [r.get(lang) for r in item.reasons]
    if explain:
        lines += ["  " + s.get(lang) for s in item.trace]
    lines.append(Text("依据：", "Sources: ").get(lang) + _sources(item, result.jurisdiction, explain))
    claim = result.claims.get(item.policy.id)
    if claim is not None and item.eligible:
        lines.append(L.claim_line(claim, lang))
    return lines


def _compact_items(
    body: RichText, result: Result, sections: Sequence[tuple[str, list[Item]]], lang: Lang, explain: bool, width: int
) -> None:
    """A narrow terminal: per kind a heading with its subtotal; per item its title and amount on one line, the
    details indented below."""
    body.append(L.POLICY.get(lang) + " / " + L.AMOUNT_YUAN.get(lang), style="bold")
    body.append("\n" + "─" * width + "\n")
    for kind, items in sections:
        subtotal = SUBTOTAL.get(lang) + " " + L.yuan(result.totals[kind])
        body.append("\n".join(_right(L.kind_title(kind, lang), subtotal, width)), style="bold")
        body.append("\n")
        for it in items:
            lines = _right(_title(it, lang), _amount(it, lang), width, "  ")
            for detail in _details(it, result, lang, explain):
                lines += wrap(detail, width, "      ", "      ")
            body.append("\n".join(lines), style=None if it.eligible else "dim")
            body.append("\n")
        body.append("\n")


def _wide_items(
    console: Console, result: Result, sections: Sequence[tuple[str, list[Item]]], lang: Lang, explain: bool, width: int
) -> None:
    """A wide terminal: policy, amount, how to claim it, and why with the clauses — each cell wrapped by
    views.wrap to its column's width, so rich never folds a word."""
    from rich import box
    from rich.table import Table
    from rich.text import Text as RichText

    amounts = [_amount(it, lang) for _, items in sections for it in items]
    amounts += [L.yuan(result.totals[kind]) for kind, _ in sections]
    amount_w = max([cells(a) for a in amounts] + [cells(L.AMOUNT_YUAN.get(lang))])
    claim_w = 14
    rest = width - amount_w - claim_w - 4 * 3  # four columns, a cell of padding each side and one between
    titles = [cells(_title(it, lang)) for _, items in sections for it in items]
    title_w = max(16, min(max(titles, default=16), rest * 2 // 5))
    why_w = rest - title_w
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=False)
    for header, w, justify in (
        (L.POLICY.get(lang), title_w, "left"),
        (L.AMOUNT_YUAN.get(lang), amount_w, "right"),
        (L.CLAIM.get(lang), claim_w, "left"),
        (Text("依据与说明", "Why, and the clause").get(lang), why_w, "left"),
    ):
        table.add_column(header, width=w, justify=justify, no_wrap=True, overflow="crop")  # type: ignore[arg-type]
    for kind, items in sections:
        table.add_section()
        table.add_row(
            RichText("\n".join(wrap(L.kind_title(kind, lang), title_w)), style="bold"),
            RichText(L.yuan(result.totals[kind]), style="bold", justify="right"),
            "",
            RichText(SUBTOTAL.get(lang), style="dim"),
        )
        for it in items:
            title = _title(it, lang)
            claim = result.claims.get(it.policy.id)
            details = [
                d for d in _details(it, result, lang, explain) if claim is None or d != L.claim_line(claim, lang)
            ]
            if claim is not None and it.eligible:
                details.append(L.claim_units(claim, lang))
            why = [line for d in details for line in wrap(d, why_w)]
            table.add_row(
                "\n".join(wrap(title, title_w)),
                RichText(_amount(it, lang), justify="right"),
                "\n".join(wrap(L.claim_short(claim, lang), claim_w)) if claim is not None and it.eligible else "",
                "\n".join(why),
                style=None if it.eligible else "dim",
            )
    console.print(table)


def _sources(item: Item, jurisdiction: str, explain: bool) -> str:
    """The sources in force in the jurisdiction: all with --explain; otherwise the local documents' clauses (the
    national ones are in the JSON), or all when it has none."""
    local = L.local_sources(item, jurisdiction)
    return "；".join(L.sources_in_force(item, jurisdiction) if explain or not local else local)


_STATUS = {
    "not_in_force": Text("（本年度不适用）", " (not in force this year)"),
    "not_computed": Text("（未计算）", " (not computed)"),
}


def _title(item: Item, lang: Lang) -> str:
    """The item's title with what it is this year: not in force or not computed (years.md), or not eligible."""
    title = item.policy.title.get(lang)
    if item.status != "computed":
        return title + _STATUS[item.status].get(lang)
    return title if item.eligible else title + Text("（不符合）", " (not eligible)").get(lang)


def _amount(item: Item, lang: Lang) -> str:
    """The amount cell; a measure not computed this year has none (—), not a zero."""
    return "—" if item.status != "computed" else L.amount_cell(item, lang)


ADVISORY_TITLE = Text("临界提示：接近或刚越过的标准（重新计算得出）", "Thresholds near or just past (each re-computed)")


def print_advisories(advisories: Sequence[Advisory], *, lang: Lang = "zh", console: Console | None = None) -> None:
    """The threshold advisories as one panel (nothing when there are none)."""
    if not advisories:
        return
    from rich.panel import Panel
    from rich.text import Text as RichText

    console = console or _console()
    inner = max(console.width, 40) - 4  # the panel's border and padding
    body = RichText(no_wrap=True, overflow="ignore")
    for i, advisory in enumerate(advisories):
        if i:
            body.append("\n")
        body.append("\n".join(wrap("• " + advisory.message.get(lang), inner, "", "  ")))
        body.append("\n" + "\n".join(wrap(f"{advisory.parameter} — {advisory.source}", inner, "  ", "  ")), style="dim")
    console.print(Panel(body, title=ADVISORY_TITLE.get(lang), title_align="left", border_style="yellow"))


# ── the catalogue and one policy explained ───────────────────────────────────────────────────────────────────


def print_catalogue(policies: Sequence[PolicyInfo], jurisdiction: str, year: int, *, lang: Lang) -> None:
    """`xzcalc policies`: per policy its id and title, kind and certainty, and what it rests on that year
    (params.sources_in_year) — a list, wrapped at words, that reads at any terminal width."""
    from ..params import sources_in_year

    console = _console()
    width = console.width
    count = Text("{n} 项", "{n} policies").get(lang).format(n=len(policies))
    _lines(console, f"{L.jurisdiction_title(jurisdiction, lang)} · {year} · {count}", width, style="bold")
    for p in policies:
        status = p.status_in(year)
        title = p.title.get(lang) + ("" if status == "computed" else _STATUS[status].get(lang))
        console.print()
        _lines(console, f"{p.id}  {title}", width, subsequent="    ", style="bold")
        _lines(console, f"    {L.kind_title(p.kind, lang)} · {L.certainty_title(p.certainty, lang)}", width)
        cites = "；".join(sources_in_year(p, jurisdiction, year))
        _lines(console, "    " + Text("依据：", "Sources: ").get(lang) + cites, width, subsequent="      ", style="dim")


def print_policy(info: PolicyInfo, params: ParamSet, year: int, *, lang: Lang) -> None:
    """One policy explained for the jurisdiction of `params` in tax `year`: its parameters with the windows in force
    that year, and the clauses of the documents in force there (policies.md E7), quoted — wrapped at words."""
    from ..clauses import clause
    from ..data import tax_years
    from ..params import sources_in_year

    console = _console()
    width = console.width
    _lines(console, f"{info.id} — {info.title.get(lang)}", width, style="bold")
    where = ", ".join(info.jurisdictions)
    _lines(console, f"{info.kind} · {L.certainty_title(info.certainty, lang)} · {where} · {year}", width)
    console.print()
    status = info.status_in(year)
    if status != "computed":
        _lines(console, _STATUS[status].get(lang).strip(" （）()"), width, style="bold")
    package = tax_years().package
    summary_text = info.summary.get(lang) or info.summary.zh
    if year != package:  # the catalogue's summaries state the five documents' year's figures: not another year's
        summary_text = (
            Text(
                "（规则摘要按{y}年度文件撰写，不适用于本年度，故不显示；本年度的数值见下列参数及其条文）",
                "(the rule in words is written for the {y} documents and does not hold this year, so it is not shown; "
                "this year's values are the parameters below, with their clauses)",
            )
            .get(lang)
            .format(y=package)
        )
    _lines(console, summary_text, width)
    for c in info.confirm:
        _lines(console, "• " + c.get(lang), width, subsequent="  ", style="dim")
    used = [p for p in params if any(p.name == pre or p.name.startswith(pre + ".") for pre in info.params)]
    first, last = date(year, 1, 1), date(year, 12, 31)
    shown_any = False
    for p in used:
        windows = [w for w in p.windows if w.start <= last and w.end >= first]
        if not windows:
            continue
        if not shown_any:
            console.print()
            heading = Text("参数（{y}年度的数值、适用期间、来源）", "Parameters in {y} (value, dates, source)")
            _lines(console, heading.get(lang).format(y=year), width, style="bold")
            shown_any = True
        for w in windows:
            cited = f" — {w.source}" if w.source else ""  # windows of different years citing their own clause
            line = f"  {p.name} = {L.param_value(w.value)}   [{w.start} … {w.end}]  ({p.origin}){cited}"
            _lines(console, line, width, subsequent="      ")
        shown = p.description if any(w.source for w in p.windows) else f"{p.description} — {p.source}"
        _lines(console, f"    {shown}", width, subsequent="      ", style="dim")
    console.print()
    _lines(console, Text("依据（条文原文）", "Sources (clause text quoted)").get(lang), width, style="bold")
    for cite in sources_in_year(info, params.jurisdiction, year):
        found = clause(cite)
        _lines(console, f"  {cite}", width, subsequent="    ", style="bold")
        if found is not None:
            _lines(console, f"    “{found.text}”", width)
        else:
            _lines(console, "    " + L.NATIONAL_TEXT.get(lang), width, style="dim")


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
    """A plain table: the first column left-aligned, the others right-aligned, none wrapped (each as wide as its
    widest cell, in terminal cells; `wrap_first` lets a long header wrap). When that does not fit, the compact
    form: each row's first cell on a line of its own (wrapped at word boundaries, views.wrap), its values below it,
    aligned under the headers — or, narrower still, one "header: value" a line."""
    from rich.text import Text as RichText

    console = console or _console()
    widths = [max([cells(headers[i])] + [cells(row[i]) for row in rows]) for i in range(len(headers))]
    if sum(widths) + 3 * len(headers) + 1 <= console.width:  # (rich's padding and the rule's margin)
        _grid_table(console, title, headers, rows, styles, widths, wrap_first)
    else:
        width = console.width
        values = sum(widths[1:]) + 2 * (len(widths) - 2)
        lines: list[tuple[str, str | None]] = [(line, "bold") for line in wrap(title, width)]
        columns = values + 4 <= width
        if columns:
            lines.append(("    " + "  ".join(_pad(h, w) for h, w in zip(headers[1:], widths[1:], strict=True)), "bold"))
        lines.append(("─" * width, None))
        for i, row in enumerate(rows):
            style = styles[i] if i < len(styles) else None
            lines += [(line, style) for line in wrap(row[0].strip(), width, "  " if row[0].startswith(" ") else "")]
            if not any(row[1:]):
                continue
            if columns:
                lines.append(("    " + "  ".join(_pad(c, w) for c, w in zip(row[1:], widths[1:], strict=True)), style))
            else:
                lines += [(f"    {h}: {c}", style) for h, c in zip(headers[1:], row[1:], strict=True) if c]
        for text, style in lines:
            console.print(RichText(text.rstrip(), style=style or "", no_wrap=True, overflow="ignore"))
    for note in notes:
        indent = note[: len(note) - len(note.lstrip(" "))]
        for line in wrap(note.lstrip(" "), console.width, indent, indent + "  "):
            console.print(RichText(line, style="dim", no_wrap=True, overflow="ignore"))


def _pad(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal cells."""
    return " " * (width - cells(text)) + text


def _grid_table(
    console: Console,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[str | None],
    widths: Sequence[int],
    wrap_first: bool,
) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for i, h in enumerate(headers):
        # amounts never wrap (their width is the widest cell's); a long header wraps above them instead
        minimum = widths[i] if i > 0 or not wrap_first else None
        table.add_column(h, justify="left" if i == 0 else "right", overflow="fold", min_width=minimum)
    for i, row in enumerate(rows):
        table.add_row(*row, style=styles[i] if i < len(styles) else None)
    console.print(table)


def print_segments(lines: Sequence[Sequence[tuple[str, str | None]]], *, console: Console | None = None) -> None:
    """Lines of (text, style) segments — a terminal chart drawn by views.svg.text_chart."""
    from rich.text import Text as RichText

    console = console or _console()
    for segments in lines:
        line = RichText(no_wrap=True, overflow="crop")
        for text, style in segments:
            line.append(text, style=style)
        console.print(line)
