"""A shareable report of one calculation: `calc --html FILE` (a self-contained page) and `calc --svg FILE` (a picture
of the breakdown). For an advisor to send to a client: every amount with its reasons, its arithmetic and the quoted
clauses it rests on. No external resources (no scripts, fonts or stylesheets fetched); every text is HTML-escaped.
The output is byte-stable: no timestamp, so a report can be diffed and regenerated.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from . import __version__
from .chart import Bar, bar_chart_svg
from .messages import Lang
from .model import KIND_TITLES, KINDS, Item, Result
from .money import ZERO

if TYPE_CHECKING:
    from .reform import Reform

__all__ = ["breakdown_svg", "html_report"]

CERTAINTY = {
    "entitled": ("应享", "entitled"),
    "up_to": ("最高额（按审核确定）", "up to (granted case by case)"),
    "eligible_only": ("可申请（文件未规定金额）", "may apply (no amount in the documents)"),
}
JURISDICTION = {
    "xinzhou": ("忻州市", "Xinzhou"),
    "shanxi": ("山西省", "Shanxi"),
    "inner-mongolia": ("内蒙古自治区", "Inner Mongolia"),
}
CLASS_TITLES = {
    "small_low_profit": ("小型微利企业", "small low-profit enterprise"),
    "sme_equipment": ("设备扣除中小微企业", "SME for the equipment deduction"),
    "size_class": ("企业规模（2011标准）", "size class (2011 standard)"),
    "manufacturing_size": ("制造业缓税划型", "manufacturing size (deferral)"),
}
LOCAL = ("晋政办发", "忻政办发", "内蒙古方案")
NATIONAL_TEXT = ("国家政策文件（未收录全文）", "national document (text not bundled)")
INTRO = (
    "本报告按忻州市、山西省、内蒙古自治区2022年纾困和支持政策及其引用的国家政策，测算各项政策对本企业的金额；"
    "每一金额附理由、计算过程和所依据的条文原文。",
    "What the 2022 relief and support policies of Xinzhou, Shanxi and Inner Mongolia (and the national rules "
    "they restate) are worth to this enterprise; each amount with its reasons, its arithmetic and the clauses "
    "quoted.",
)
FOOTER = (
    "“≤”为文件规定的上限，按审核确定；缓税仅影响缴纳时间；各类别金额不相加。本报告为测算，不构成税务意见，以主管部门认定为准。",
    "“≤” marks an upper bound the documents set, granted case by case; a deferral only changes when tax is "
    "paid; kinds are never added together. An estimate, not tax advice: the authorities decide.",
)
EO_TITLE = ("可申请的政策（文件未规定金额）", "Benefits to apply for (no amount in the documents)")

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;color:#1b2631;
max-width:1040px;margin:2em auto;padding:0 1.2em;line-height:1.55}
h1{font-size:1.55em;margin-bottom:.1em}h2{border-bottom:2px solid #d5d8dc;padding-bottom:.2em;margin-top:1.8em}
.meta{color:#566573}table{border-collapse:collapse;width:100%;margin:.6em 0}
th,td{border-bottom:1px solid #e5e8e8;padding:.35em .5em;text-align:left;vertical-align:top}
td.amount,th.amount{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #aab7b8}.item{margin:1em 0 1.4em;padding:.6em 1em;
border-left:4px solid #2471a3;background:#f8f9f9}.item.ineligible{border-left-color:#aab7b8;color:#566573}
.item h3{margin:.1em 0;font-size:1.08em}.item .amt{float:right;font-weight:bold;font-size:1.1em}
.trace{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em;background:#fff;padding:.4em .8em;
border:1px solid #e5e8e8}blockquote{margin:.3em 0 .6em 0;padding:.3em .8em;border-left:3px solid #b9770e;
background:#fef9e7;font-size:.93em}.cite{font-weight:bold;font-size:.9em}.advisory{background:#fef5e7;
border:1px solid #f5cba7;padding:.6em 1em;margin:.5em 0}.small{font-size:.85em;color:#566573}
.pos{color:#1e8449}.neg{color:#c0392b}svg{max-width:100%;height:auto}
"""


def _t(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _finding_value(value: bool | str | None, lang: Lang) -> str:
    from .render import VALUE_TITLES

    for key, pair in VALUE_TITLES.items():
        if key is value or (isinstance(key, str) and key == value):
            return _t(pair, lang)
    return str(value)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _amount_text(item: Item, lang: Lang) -> str:
    if item.amount is None:
        return _t(("可申请", "may apply"), lang)
    text = _yuan(item.amount)
    return f"≤ {text}" if item.policy.certainty == "up_to" and item.eligible else text


def _kind(kind: str, lang: Lang) -> str:
    return _t(KIND_TITLES[kind], lang)


def _sources_html(item: Item, lang: Lang) -> str:
    from .clauses import clause

    out = [f'<p class="cite">{escape(_t(("依据", "Sources"), lang))}</p>']
    for cite in item.policy.sources:
        found = clause(cite)
        out.append(f'<div><span class="cite">{escape(cite)}</span>')
        if found is not None:
            out.append(f"<blockquote>“{escape(found.text)}”</blockquote>")
        else:
            out.append(f' <span class="small">{escape(_t(NATIONAL_TEXT, lang))}</span>')
        out.append("</div>")
    return "\n".join(out)


def _item_html(item: Item, lang: Lang) -> str:
    cls = "item" if item.eligible else "item ineligible"
    status = _t(CERTAINTY[item.policy.certainty], lang)
    if not item.eligible:
        status = _t(("不符合条件", "not eligible"), lang)
    out = [
        f'<div class="{cls}" id="{escape(item.policy.id)}">',
        f'<span class="amt">{escape(_amount_text(item, lang))}</span>',
        f"<h3>{escape(item.policy.title.get(lang))}</h3>",
        f'<div class="small">{escape(item.policy.id)} · {escape(status)}</div>',
    ]
    if item.components:
        out.append(
            '<div class="small">' + escape("；".join(f"{k} {_yuan(v)}" for k, v in item.components.items())) + "</div>"
        )
    if item.reasons:
        out.append("<ul>" + "".join(f"<li>{escape(r.get(lang))}</li>" for r in item.reasons) + "</ul>")
    if item.trace:
        out.append(f'<p class="cite">{escape(_t(("计算过程", "Arithmetic"), lang))}</p>')
        out.append('<div class="trace">' + "<br>".join(escape(s.get(lang)) for s in item.trace) + "</div>")
    out.append(_sources_html(item, lang))
    out.append("</div>")
    return "\n".join(out)


def html_report(
    result: Result, *, lang: Lang = "zh", reformed: Result | None = None, reform: Reform | None = None
) -> str:
    """The whole page. With a reform, the reformed result is the one detailed, after a baseline/reform table."""
    shown = reformed if reformed is not None else result
    p = shown.profile
    name = p.name or _t(("（未命名企业）", "(unnamed enterprise)"), lang)
    title = f"{name} — " + _t(("政策红利测算", "what the relief policies are worth"), lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(name)}</h1>",
        '<p class="meta">'
        + escape(
            " · ".join(
                x
                for x in (p.uscc, _t(JURISDICTION[shown.jurisdiction], lang), f"{shown.year}", p.entity, p.sector)
                if x
            )
        )
        + "</p>",
        "<p>" + escape(_t(INTRO, lang)) + "</p>",
    ]
    # classification
    out.append(f"<h2>{escape(_t(('企业划型', 'Classification'), lang))}</h2><table>")
    for key, finding in shown.classification.items():
        value = _finding_value(finding.value, lang)
        reasons = " ".join(r.get(lang) for r in finding.reasons)
        out.append(
            f"<tr><th>{escape(_t(CLASS_TITLES.get(key, (key, key)), lang))}</th><td><b>{escape(value)}</b>"
            f'<div class="small">{escape(reasons)}</div></td></tr>'
        )
    out.append("</table>")
    # reform
    if reformed is not None and reform is not None:
        out.append(_reform_html(result, reformed, reform, lang))
    # totals
    out.append(
        f"<h2>{escape(_t(('合计（按类别，不跨类相加）', 'Totals by kind (never added across kinds)'), lang))}</h2>"
    )
    out.append(
        f"<table><tr><th>{escape(_t(('类别', 'Kind'), lang))}</th>"
        f'<th class="amount">{escape(_t(("金额（元）", "Amount (yuan)"), lang))}</th></tr>'
    )
    for kind in KINDS:
        out.append(f'<tr><td>{escape(_kind(kind, lang))}</td><td class="amount">{_yuan(shown.totals[kind])}</td></tr>')
    out.append("</table>")
    if shown.cit:
        c = shown.cit
        out.append(
            '<p class="small">'
            + escape(
                _t(("企业所得税：", "Corporate income tax: "), lang)
                + f"{_yuan(c['tax_baseline'])} → {_yuan(c['tax_final'])}"
            )
            + "</p>"
        )
    out.append(breakdown_svg(shown, lang=lang, embedded=True))
    # advisories
    if shown.advisories:
        out.append(f"<h2>{escape(_t(('临界提示', 'Thresholds near or just past'), lang))}</h2>")
        out.append(
            '<p class="small">'
            + escape(
                _t(
                    (
                        "以下金额由把该项数值移到标准另一侧后重新计算得出。",
                        "Each amount below comes from computing again with the value moved across the line.",
                    ),
                    lang,
                )
            )
            + "</p>"
        )
        for a in shown.advisories:
            out.append(
                f'<div class="advisory">{escape(a.get(lang))}<div class="small">{escape(a.parameter)} — '
                f"{escape(a.source)}</div></div>"
            )
    # items by kind
    for kind in KINDS:
        items = [it for it in shown.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if not items:
            continue
        out.append(f"<h2>{escape(_kind(kind, lang))}</h2>")
        for it in sorted(items, key=lambda i: not i.eligible):
            out.append(_item_html(it, lang))
    eligible_only = [it for it in shown.items if it.policy.certainty == "eligible_only"]
    if eligible_only:
        out.append(f"<h2>{escape(_t(EO_TITLE, lang))}</h2>")
        for it in (i for i in eligible_only if i.eligible):
            out.append(_item_html(it, lang))
        ineligible = [i for i in eligible_only if not i.eligible]
        if ineligible:
            out.append(
                f"<details><summary>{escape(_t(('不符合条件的', 'Not eligible'), lang))} ({len(ineligible)})"
                "</summary><ul>"
            )
            out += [
                f"<li>{escape(i.policy.title.get(lang))} — {escape(i.reasons[-1].get(lang) if i.reasons else '')}</li>"
                for i in ineligible
            ]
            out.append("</ul></details>")
    generated = _t((f"由 xzcalc {__version__} 生成。", f"Generated by xzcalc {__version__}. "), lang)
    out.append('<hr><p class="small">' + escape(generated + _t(FOOTER, lang)) + "</p></body></html>")
    return "\n".join(out) + "\n"


def _reform_html(base: Result, reformed: Result, reform: Reform, lang: Lang) -> str:
    from .compare import reform_lines, reform_rows

    out = [f"<h2>{escape(_t(('参数改革对比', 'Reform compared with the baseline'), lang))}: {escape(reform.name)}</h2>"]
    out.append(
        "<ul>"
        + "".join(f"<li>{escape(line)}</li>" for line in reform_lines(reform, base.jurisdiction, base.year, lang))
        + "</ul>"
    )
    rows, _styles = reform_rows(base, reformed, lang)
    heads = [
        _t(("政策", "Policy"), lang),
        _t(("类别", "Kind"), lang),
        _t(("基准", "Baseline"), lang),
        _t(("改革后", "Reform"), lang),
        _t(("差额", "Difference"), lang),
    ]
    out.append(
        "<table><tr>"
        + "".join(f'<th class="{"amount" if i > 1 else ""}">{escape(h)}</th>' for i, h in enumerate(heads))
        + "</tr>"
    )
    for row in rows:
        cls = ' class="total"' if not row[1] else ""
        diff = row[4]
        tone = "pos" if diff.startswith("+") else "neg" if diff.startswith("-") else ""
        out.append(
            f"<tr{cls}><td>{escape(row[0])}</td><td>{escape(row[1])}</td>"
            f'<td class="amount">{escape(row[2])}</td><td class="amount">{escape(row[3])}</td>'
            f'<td class="amount {tone}">{escape(diff)}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def breakdown_svg(result: Result, *, lang: Lang = "zh", embedded: bool = False) -> str:
    """Bars of the items with an amount, grouped by kind, with each kind's total."""
    bars: list[Bar] = []
    for kind in KINDS:
        for it in result.items:
            if it.policy.kind != kind or it.amount is None or it.amount <= ZERO:
                continue
            local = [s for s in it.policy.sources if s.startswith(LOCAL)] or list(it.policy.sources[:1])
            bars.append(
                Bar(
                    it.policy.title.get(lang),
                    it.amount,
                    _kind(kind, lang),
                    "；".join(local[:3]),
                    "≤ " if it.policy.certainty == "up_to" else "",
                )
            )
    totals: Sequence[tuple[str, Decimal]] = [(_kind(k, lang), result.totals[k]) for k in KINDS if result.totals[k]]
    p = result.profile
    title = (p.name or _t(("（未命名企业）", "(unnamed enterprise)"), lang)) + _t(
        ("：政策金额构成", ": what each policy is worth"), lang
    )
    subtitle = f"{_t(JURISDICTION[result.jurisdiction], lang)} · {result.year} · " + _t(
        ("单位：元；各类别分别合计", "yuan; totals by kind, never added across kinds"), lang
    )
    if not bars:
        bars = [Bar(_t(("无金额项目", "no item with an amount"), lang), ZERO, _kind("tax_reduction", lang))]
    svg = bar_chart_svg(title=title, subtitle=subtitle, bars=bars, totals=totals)
    if embedded:
        return svg
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
