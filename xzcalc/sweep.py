"""`xzcalc sweep`: every total (and chosen items) as one profile field varies — the cliffs made visible.

The field takes `steps + 1` evenly spaced values from `start` to `stop` (both included). Each threshold that the field
crosses in that range (xzcalc.advisor's lines) adds the two values on either side of its line, so a cliff is drawn
as the vertical drop it is, not as a slope between two grid points. Every point is a full engine run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .analysis.whatif import get_path, numeric_kind, with_path
from .chart import Marker, Series, percent, short_number
from .messages import Lang, Msg, Text
from .model import KIND_TITLES, KINDS, Result
from .money import fmt_amount, fmt_num
from .schema.build import parse_profile
from .schema.kinds import Number
from .schema.paths import set_path
from .schema.profile import Profile, profile_to_dict

if TYPE_CHECKING:
    from .reform import Reform

__all__ = [
    "SweepError",
    "SweepResult",
    "parse_field_value",
    "run_sweep",
    "sweep_csv",
    "sweep_html",
    "sweep_json",
    "sweep_series",
    "sweep_svg",
]

MAX_POINTS = 5000


class SweepError(ValueError):
    """An unusable sweep request; str() is one line naming the option and the problem."""


@dataclass(slots=True)
class Point:
    value: Decimal
    result: Result
    reformed: Result | None = None
    edge: str = ""  # the threshold whose line this point was added at


@dataclass(slots=True)
class SweepResult:
    profile: Profile
    path: str  # the field that varies
    kind: Number[Any]  # its kind: the grid's step, its unit
    points: list[Point]
    items: tuple[str, ...]
    lines: list[tuple[Decimal, str, Msg]] = field(default_factory=list)  # field value at each line, id, name
    reform: Reform | None = None


def parse_field_value(profile: Profile, path: str, text: str, option: str) -> tuple[Profile, Decimal]:
    """`text` as the field's kind would parse it in a profile (same checks, same message), and the profile with it."""
    from .schema.profile import ProfileError

    try:
        kind = numeric_kind(path)
    except ProfileError as e:
        raise SweepError(f"--field: {path!r} is not valid — expected {e.expected}") from None
    if kind is None:
        raise SweepError(f"--field: {path!r} is not a numeric field — expected an amount, count or rate path")
    data = profile_to_dict(profile)
    set_path(data, path, text)
    try:
        moved = parse_profile(data)
    except ProfileError as e:
        raise SweepError(f"{option}: {text!r} is not valid for {path} — expected {e.expected}") from None
    return moved, Decimal(get_path(moved, path))


def _grid(start: Decimal, stop: Decimal, steps: int, kind: Number[Any]) -> list[Decimal]:
    resolution = kind.step
    values = []
    for i in range(steps + 1):
        v = start + (stop - start) * i / steps
        values.append(v.quantize(resolution, rounding=ROUND_HALF_UP))
    return values


def run_sweep(
    profile: Profile,
    path: str,
    start_text: str,
    stop_text: str,
    steps: int,
    *,
    items: Sequence[str] = (),
    reform: Reform | None = None,
    edges: bool = True,
) -> SweepResult:
    from .analysis.advisor import crossings, params_for
    from .engine import calculate

    if steps < 1:
        raise SweepError(f"--steps: {steps} is not valid — expected at least 1")
    base, start = parse_field_value(profile, path, start_text, "--from")
    _, stop = parse_field_value(profile, path, stop_text, "--to")
    kind = numeric_kind(path)
    assert kind is not None
    low, high = min(start, stop), max(start, stop)
    values = set(_grid(start, stop, steps, kind))
    base_result = calculate(base, reform=reform)
    offered = {it.policy.id for it in base_result.items}
    unknown = [i for i in items if i not in offered]
    if unknown:
        raise SweepError(
            f"--item: {unknown[0]!r} is not offered in {base.jurisdiction} — expected an id listed by `xzcalc policies`"
        )
    edge_of: dict[Decimal, str] = {}
    lines: dict[Decimal, tuple[str, Msg]] = {}
    if edges:
        # the lines seen from both ends of the range (which field a line moves can depend on the value: Q1 sales
        # move the 3% sales once there are any), with the baseline's and the reform's parameters (a reform can
        # move a line)
        found = []
        for end in (start, stop):
            at = with_path(base, path, kind.typed(end))
            at_result = base_result if end == start else calculate(at, reform=reform)
            for param_reform in (None, reform) if reform is not None else (None,):
                found += crossings(at, at_result, params_for(at, param_reform), every=True)
        for c in found:
            if c.path != path:
                continue
            below, above = c.edges()
            line_at = c.path_at(c.line)
            for v in (below, above):
                if low <= v <= high and kind.accepts(v):
                    values.add(v)
                    edge_of.setdefault(v, c.id)
            if low <= line_at <= high:
                lines.setdefault(line_at, (c.id, c.line_name))
    if len(values) > MAX_POINTS:
        raise SweepError(f"--steps: {steps} gives {len(values)} points — expected at most {MAX_POINTS}")
    points = []
    for v in sorted(values):
        moved = with_path(base, path, kind.typed(v))
        point = Point(v, calculate(moved), edge=edge_of.get(v, ""))
        if reform is not None:
            point.reformed = calculate(moved, reform=reform)
        points.append(point)
    return SweepResult(
        base, path, kind, points, tuple(items), [(v, i, t) for v, (i, t) in sorted(lines.items())], reform
    )


# ── the numbers of each point ────────────────────────────────────────────────────────────────────────────────


def _income_tax(r: Result) -> Decimal | None:
    return r.cit.get("tax_final")


def _effective_rate(r: Result) -> Decimal | None:
    tax, income = r.cit.get("tax_final"), r.cit.get("taxable_income")
    if tax is None or income is None or income <= 0:
        return None
    return tax / income


def _columns(sweep: SweepResult) -> list[tuple[str, Text, str, Any]]:
    """(key, label, axis, getter) for every number a sweep reports."""
    cols: list[tuple[str, Text, str, Any]] = []
    results = [p.result for p in sweep.points] + [p.reformed for p in sweep.points if p.reformed is not None]
    if any(_income_tax(r) is not None for r in results):
        cols.append(("income_tax", Text("企业所得税（减免后）", "income tax after relief"), "left", _income_tax))
    for kind in KINDS:
        if any(r.totals[kind] for r in results):
            zh, en = KIND_TITLES[kind]
            cols.append(
                (f"total.{kind}", Text(zh.split("（")[0], en.split(" (")[0]), "left", lambda r, k=kind: r.totals[k])
            )
    for pid in sweep.items:
        title = sweep.points[0].result.item(pid).policy.title
        cols.append((f"item.{pid}", title, "left", lambda r, p=pid: r.item(p).amount))
    if any(_effective_rate(r) is not None for r in results):
        cols.append(("effective_rate", Text("实际所得税负担率", "effective income-tax rate"), "right", _effective_rate))
    return cols


def sweep_series(sweep: SweepResult, lang: Lang) -> list[Series]:
    series = []
    for key, label, axis, get in _columns(sweep):
        series.append(Series(key, label.get(lang), [get(p.result) for p in sweep.points], axis))
    if sweep.reform is not None:
        from .chart import PALETTE

        for i, (key, label, axis, get) in enumerate(_columns(sweep)):
            series[i] = Series(
                key,
                series[i].label + (" 基准" if lang == "zh" else " baseline"),
                series[i].values,
                axis,
                PALETTE[i % len(PALETTE)],
            )
            series.append(
                Series(
                    f"{key}@reform",
                    label.get(lang) + (" 改革后" if lang == "zh" else " reform"),
                    [get(p.reformed) for p in sweep.points],
                    axis,
                    PALETTE[i % len(PALETTE)],
                    dashed=True,
                )
            )
    return series


def markers(sweep: SweepResult, lang: Lang) -> list[Marker]:
    return [Marker(v, f"{short_number(v, lang)} {name.get(lang)}") for v, _id, name in sweep.lines]


def _value_text(kind: Number[Any], value: Decimal) -> str:
    """The swept field's value for scripts: money with two decimals, other numbers exact."""
    if kind.unit == "yuan":
        return fmt_amount(value)
    text = f"{value.normalize():f}"
    return text


def _fmt(key: str, value: Decimal | None) -> str:
    if value is None:
        return ""
    if key.startswith("effective_rate"):
        return f"{value.quantize(Decimal('0.000001'), rounding=ROUND_HALF_UP):f}"
    return fmt_amount(value)


def sweep_json(sweep: SweepResult, lang: Lang) -> dict[str, Any]:
    cols = _columns(sweep)
    rows = []
    for p in sweep.points:
        row: dict[str, Any] = {"value": _value_text(sweep.kind, p.value), "edge": p.edge or None}
        row.update({key: _fmt(key, get(p.result)) or None for key, _l, _a, get in cols})
        if p.reformed is not None:
            row["reform"] = {key: _fmt(key, get(p.reformed)) or None for key, _l, _a, get in cols}
        rows.append(row)
    out: dict[str, Any] = {
        "field": sweep.path,
        "profile": profile_to_dict(sweep.profile),
        "columns": {key: label.get(lang) for key, label, _a, _g in cols},
        "lines": [{"value": f"{v:f}", "threshold": i, "name": t.get(lang)} for v, i, t in sweep.lines],
        "points": rows,
    }
    if sweep.reform is not None:
        from .compare import reform_changes

        out["reform_changes"] = {
            "name": sweep.reform.name,
            "changed": reform_changes(sweep.reform, sweep.profile.jurisdiction, sweep.profile.year),
        }
    return out


def sweep_csv(sweep: SweepResult) -> str:
    cols = _columns(sweep)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [sweep.path, "edge", *(key for key, _l, _a, _g in cols)]
    if sweep.reform is not None:
        header += [f"reform.{key}" for key, _l, _a, _g in cols]
    writer.writerow(header)
    for p in sweep.points:
        row = [_value_text(sweep.kind, p.value), p.edge, *(_fmt(key, get(p.result)) for key, _l, _a, get in cols)]
        if p.reformed is not None:
            row += [_fmt(key, get(p.reformed)) for key, _l, _a, get in cols]
        writer.writerow(row)
    return out.getvalue()


def sweep_rows(sweep: SweepResult, lang: Lang) -> tuple[list[str], list[list[str]], list[str | None]]:
    cols = _columns(sweep)
    headers = [sweep.path, *(label.get(lang) for _k, label, _a, _g in cols)]
    rows: list[list[str]] = []
    styles: list[str | None] = []
    for p in sweep.points:
        cells = [fmt_num(p.value) + (" ◆" if p.edge else "")]
        for key, _l, _a, get in cols:
            a = get(p.result)
            text = _show(key, a)
            if p.reformed is not None:
                b = get(p.reformed)
                if b != a:
                    text = f"{text} → {_show(key, b)}"
            cells.append(text)
        rows.append(cells)
        styles.append("bold" if p.edge else None)
    return headers, rows, styles


def _show(key: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    return percent(value) if key.startswith("effective_rate") else f"{value:,.2f}"


def field_label(path: str, lang: Lang) -> str:
    """The field's description from the declared schema, with its path."""
    from .schema.paths import resolve_path

    _kind, meta = resolve_path(path)
    return f"{meta['zh'] if lang == 'zh' else meta['en']} ({path})"


# ── pictures ─────────────────────────────────────────────────────────────────────────────────────────────────


def sweep_svg(sweep: SweepResult, lang: Lang, *, standalone: bool = True) -> str:
    """The chart: yuan series on the left axis, the effective rate on the right, each threshold a dashed line."""
    from .chart import line_chart_svg

    p = sweep.profile
    zh = lang == "zh"
    name = p.name or ("（未命名企业）" if zh else "(unnamed enterprise)")
    title = f"{name}：随 {sweep.path} 变化" if zh else f"{name}: as {sweep.path} varies"
    subtitle = f"{p.jurisdiction} · {p.year} · " + (
        "每个点都完整计算一次；虚线为政策标准"
        if zh
        else "each point a full calculation; dashed lines are policy thresholds"
    )
    if sweep.reform is not None:
        subtitle += (
            f" · 虚线系列为改革（{sweep.reform.name}）" if zh else f" · dashed series: reform {sweep.reform.name}"
        )
    svg = line_chart_svg(
        title=title,
        subtitle=subtitle,
        x_label=field_label(sweep.path, lang),
        xs=[pt.value for pt in sweep.points],
        series=sweep_series(sweep, lang),
        markers=markers(sweep, lang),
        x_format=lambda v: short_number(v, lang) if sweep.kind.unit != "rate" else percent(v),
        y_format=lambda v: short_number(v, lang),
        y_label="元" if zh else "yuan",
        y2_label="税负率" if zh else "rate",
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg) if standalone else svg


def sweep_html(sweep: SweepResult, lang: Lang) -> str:
    """A self-contained page: the chart, the lines crossed, and the table of every point."""
    from html import escape

    zh = lang == "zh"
    headers, rows, styles = sweep_rows(sweep, lang)
    title = field_label(sweep.path, lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>",
        'body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;max-width:1060px;margin:2em auto;'
        "padding:0 1em;color:#1b2631}table{border-collapse:collapse;width:100%;font-size:.9em}th,td{padding:.25em .5em;"
        "border-bottom:1px solid #e5e8e8;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:"
        "left}tr.edge td{font-weight:bold;background:#fef9e7}svg{max-width:100%;height:auto}.small{color:#566573}",
        "</style></head><body>",
        sweep_svg(sweep, lang, standalone=False),
    ]
    if sweep.lines:
        out.append("<h2>" + escape("标准" if zh else "Thresholds in range") + "</h2><ul>")
        out += [
            f"<li>{escape(fmt_num(v))} — {escape(name.get(lang))} <span class=small>({escape(i)})</span></li>"
            for v, i, name in sweep.lines
        ]
        out.append("</ul>")
    if sweep.reform is not None:
        from .compare import reform_lines

        out.append("<h2>" + escape(("参数修改：" if zh else "Reform: ") + sweep.reform.name) + "</h2><ul>")
        out += [
            f"<li>{escape(line)}</li>"
            for line in reform_lines(sweep.reform, sweep.profile.jurisdiction, sweep.profile.year, lang)
        ]
        out.append("</ul>")
    out.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr>")
    for row, style in zip(rows, styles, strict=True):
        cls = ' class="edge"' if style else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    out.append(
        '<p class="small">'
        + escape(
            "◆ = 标准两侧自动加入的取值。每一行都是一次完整计算。"
            if zh
            else "◆ = values added on either side of a threshold. Every row is a full calculation."
        )
        + "</p>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
