"""Views of a sweep (xzcalc.analysis.sweep computes the points): JSON, CSV, the table with its terminal chart,
and the SVG chart — every total (and chosen items) as one profile field varies. The HTML page is views.html.sweep_page.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..analysis.sweep import SweepResult, columns
from ..messages import Lang, Text
from ..money import fmt_amount, fmt_num
from ..schema.kinds import Number
from ..schema.profile import profile_to_dict
from . import labels as L
from .svg import PALETTE, Marker, Series

__all__ = [
    "field_label",
    "markers",
    "print_sweep",
    "sweep_csv",
    "sweep_json",
    "sweep_rows",
    "sweep_series",
    "sweep_svg",
]

_LABELS = {
    "income_tax": Text("企业所得税（减免后）", "income tax after relief"),
    "effective_rate": Text("实际所得税负担率", "effective income-tax rate"),
}


def column_label(sweep: SweepResult, key: str, lang: Lang) -> str:
    """The title of a column of xzcalc.analysis.sweep.columns: its measure, a kind's total or an item's policy."""
    if key.startswith("total."):
        return L.kind_title(key[len("total.") :], lang, short=True)
    if key.startswith("item."):
        return sweep.points[0].result.item(key[len("item.") :]).policy.title.get(lang)
    return _LABELS[key].get(lang)


def sweep_series(sweep: SweepResult, lang: Lang) -> list[Series]:
    cols = columns(sweep)
    series = [
        Series(key, column_label(sweep, key, lang), [get(p.result) for p in sweep.points], axis)
        for key, axis, get in cols
    ]
    if sweep.reform is not None:
        for i, (key, axis, get) in enumerate(cols):
            color = PALETTE[i % len(PALETTE)]
            label = series[i].label
            series[i] = Series(key, label + Text(" 基准", " baseline").get(lang), series[i].values, axis, color)
            reformed = [get(p.reformed) if p.reformed is not None else None for p in sweep.points]
            series.append(
                Series(
                    f"{key}@reform", label + Text(" 改革后", " reform").get(lang), reformed, axis, color, dashed=True
                )
            )
    return series


def markers(sweep: SweepResult, lang: Lang) -> list[Marker]:
    return [Marker(v, f"{L.short_number(v, lang)} {name.get(lang)}") for v, _id, name in sweep.lines]


def _value_text(kind: Number[Any], value: Decimal) -> str:
    """The swept field's value for scripts: money with two decimals, other numbers exact."""
    if kind.unit == "yuan":
        return fmt_amount(value)
    return f"{value.normalize():f}"


def _fmt(key: str, value: Decimal | None) -> str:
    if value is None:
        return ""
    if key.startswith("effective_rate"):
        return f"{value.quantize(Decimal('0.000001'), rounding=ROUND_HALF_UP):f}"
    return fmt_amount(value)


def sweep_json(sweep: SweepResult, lang: Lang) -> dict[str, Any]:
    cols = columns(sweep)
    rows = []
    for p in sweep.points:
        row: dict[str, Any] = {"value": _value_text(sweep.kind, p.value), "edge": p.edge or None}
        row.update({key: _fmt(key, get(p.result)) or None for key, _a, get in cols})
        if p.reformed is not None:
            reformed = p.reformed
            row["reform"] = {key: _fmt(key, get(reformed)) or None for key, _a, get in cols}
        rows.append(row)
    out: dict[str, Any] = {
        "field": sweep.path,
        "profile": profile_to_dict(sweep.profile),
        "columns": {key: column_label(sweep, key, lang) for key, _a, _g in cols},
        "lines": [{"value": f"{v:f}", "threshold": i, "name": t.get(lang)} for v, i, t in sweep.lines],
        "points": rows,
    }
    if sweep.reform is not None:
        from ..analysis.compare import reform_changes

        out["reform_changes"] = {
            "name": sweep.reform.name,
            "changed": reform_changes(sweep.reform, sweep.profile.jurisdiction, sweep.profile.year),
        }
    return out


def sweep_csv(sweep: SweepResult) -> str:
    cols = columns(sweep)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [sweep.path, "edge", *(key for key, _a, _g in cols)]
    if sweep.reform is not None:
        header += [f"reform.{key}" for key, _a, _g in cols]
    writer.writerow(header)
    for p in sweep.points:
        row = [_value_text(sweep.kind, p.value), p.edge, *(_fmt(key, get(p.result)) for key, _a, get in cols)]
        if p.reformed is not None:
            reformed = p.reformed
            row += [_fmt(key, get(reformed)) for key, _a, get in cols]
        writer.writerow(row)
    return out.getvalue()


def sweep_rows(sweep: SweepResult, lang: Lang) -> tuple[list[str], list[list[str]], list[str | None]]:
    cols = columns(sweep)
    headers = [sweep.path, *(column_label(sweep, key, lang) for key, _a, _g in cols)]
    rows: list[list[str]] = []
    styles: list[str | None] = []
    for p in sweep.points:
        cells = [fmt_num(p.value) + (" ◆" if p.edge else "")]
        for key, _a, get in cols:
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
    return L.percent(value) if key.startswith("effective_rate") else L.yuan(value)


def field_label(path: str, lang: Lang) -> str:
    """The field's description from the declared schema, with its path."""
    from ..schema.paths import resolve_path

    _kind, meta = resolve_path(path)
    return f"{meta['zh'] if lang == 'zh' else meta['en']} ({path})"


EDGE_NOTE = Text("◆ = 标准两侧的取值（自动加入）", "◆ = a value on either side of a threshold (added)")


def print_sweep(sweep: SweepResult, lang: Lang) -> None:
    """The terminal chart, then the table of every point with the lines crossed and the reform's parameters."""
    from .svg import text_chart
    from .table import print_grid, print_segments

    print_segments(text_chart([p.value for p in sweep.points], sweep_series(sweep, lang), markers=markers(sweep, lang)))
    headers, rows, styles = sweep_rows(sweep, lang)
    notes = [EDGE_NOTE.get(lang)]
    notes += [f"{fmt_num(v)} — {name.get(lang)} ({i})" for v, i, name in sweep.lines]
    if sweep.reform is not None:
        from .compare import reform_lines

        zh = lang == "zh"
        p = sweep.profile
        notes.append(
            ("参数修改（" if zh else "Reform (")
            + sweep.reform.name
            + ("）：" if zh else "): ")
            + "; ".join(reform_lines(sweep.reform, p.jurisdiction, p.year, lang))
        )
    print_grid(field_label(sweep.path, lang), headers, rows, styles=styles, notes=notes, wrap_first=False)


def sweep_svg(sweep: SweepResult, lang: Lang, *, standalone: bool = True) -> str:
    """The chart: yuan series on the left axis, the effective rate on the right, each threshold a dashed line."""
    from .svg import line_chart_svg

    p = sweep.profile
    zh = lang == "zh"
    name = L.enterprise_name(p, lang)
    title = f"{name}：随 {sweep.path} 变化" if zh else f"{name}: as {sweep.path} varies"
    subtitle = f"{p.jurisdiction} · {p.year} · " + Text(
        "每个点都完整计算一次；虚线为政策标准", "each point a full calculation; dashed lines are policy thresholds"
    ).get(lang)
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
        x_format=lambda v: L.short_number(v, lang) if sweep.kind.unit != "rate" else L.percent(v),
        y_format=lambda v: L.short_number(v, lang),
        y_label=Text("元", "yuan").get(lang),
        y2_label=Text("税负率", "rate").get(lang),
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg) if standalone else svg
