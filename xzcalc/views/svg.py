"""Charts without a plotting dependency: hand-written SVG (a line chart for sweeps, a bar chart for a breakdown, and
the breakdown of one result drawn with it) and a character chart for the terminal.

Coordinates are computed in Decimal like every other number here (no float anywhere), written with two decimals.
All text is XML-escaped. The SVG carries data-* attributes (the plot box and the x range) so tests and scripts can
map a value to its pixel and check where a line drops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from html import escape as _html_escape

from ..inputs import printable
from ..messages import Lang, Text
from ..model import KINDS, Result
from ..money import ZERO
from . import labels as L
from .labels import percent, short_number

__all__ = ["Bar", "Marker", "Series", "bar_chart_svg", "breakdown_svg", "line_chart_svg", "nice_ticks", "text_chart"]

PALETTE = ("#c0392b", "#2471a3", "#239b56", "#b9770e", "#7d3c98", "#148f77", "#566573", "#d35400", "#1f618d")
PX = Decimal("0.01")
FONT = "font-family=\"'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif\""


def escape(text: str) -> str:
    """Text for XML: control characters (which XML 1.0 cannot carry) written visibly, then the markup escaped."""
    return _html_escape(printable(text))


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    values: Sequence[Decimal | None]
    axis: str = "left"  # left (yuan) | right (rate)
    color: str = ""
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Marker:
    """A vertical line at x (a threshold), labelled."""

    x: Decimal
    label: str


def _px(value: Decimal) -> str:
    return f"{value.quantize(PX, rounding=ROUND_HALF_UP):f}"


def nice_ticks(low: Decimal, high: Decimal, count: int = 6) -> list[Decimal]:
    """Round tick values (1, 2, 2.5, 5 × 10^k) covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = Decimal(10) ** raw.adjusted()
    step = magnitude * 10
    for m in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * m >= raw:
            step = magnitude * m
            break
    start = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    ticks = []
    t = start
    while t <= high + step / 1000:
        if t >= low - step / 1000:
            ticks.append(t.normalize() if t else Decimal(0))
        t += step
    return ticks


def _range(values: Sequence[Decimal | None]) -> tuple[Decimal, Decimal]:
    present = [v for v in values if v is not None]
    if not present:
        return Decimal(0), Decimal(1)
    low, high = min([*present, Decimal(0)]), max(present)
    if high == low:
        high = low + (abs(low) or 1)
    return low, high


def line_chart_svg(
    *,
    title: str,
    subtitle: str,
    x_label: str,
    xs: Sequence[Decimal],
    series: Sequence[Series],
    markers: Sequence[Marker] = (),
    x_format: Callable[[Decimal], str] = short_number,
    y_format: Callable[[Decimal], str] = short_number,
    y_label: str = "",
    y2_label: str = "",
    width: int = 1000,
    height: int = 640,
) -> str:
    """A line chart: yuan series on the left axis, rate series (0..1) on the right axis, thresholds as markers."""
    left, right, top, bottom = Decimal(90), Decimal(width - 80), Decimal(96), Decimal(height - 110)
    x_low, x_high = min(xs), max(xs)
    if x_high == x_low:
        x_high = x_low + 1
    y_low, y_high = _range([v for s in series if s.axis == "left" for v in s.values])
    y_ticks = nice_ticks(y_low, y_high)
    y_low, y_high = min(y_ticks[0], y_low), max(y_ticks[-1], y_high)
    rate_series = [s for s in series if s.axis == "right"]
    r_low, r_high = _range([v for s in rate_series for v in s.values])
    r_ticks = nice_ticks(r_low, r_high, 5) if rate_series else []
    if r_ticks:
        r_low, r_high = min(r_ticks[0], r_low), max(r_ticks[-1], r_high)
    x_ticks = nice_ticks(x_low, x_high, 8)

    def x_px(x: Decimal) -> Decimal:
        return left + (x - x_low) / (x_high - x_low) * (right - left)

    def y_px(y: Decimal, axis: str = "left") -> Decimal:
        low, high = (y_low, y_high) if axis == "left" else (r_low, r_high)
        return bottom - (y - low) / (high - low) * (bottom - top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'data-plot-left="{_px(left)}" data-plot-right="{_px(right)}" data-plot-top="{_px(top)}" '
        f'data-plot-bottom="{_px(bottom)}" data-x-min="{x_low:f}" data-x-max="{x_high:f}" '
        f'data-y-min="{y_low:f}" data-y-max="{y_high:f}" {FONT} font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="34" font-size="20" font-weight="bold" fill="#1b2631">{escape(title)}</text>',
        f'<text x="{left}" y="58" font-size="13" fill="#566573">{escape(subtitle)}</text>',
        '<g class="grid" stroke="#e5e8e8" stroke-width="1">',
    ]
    for t in y_ticks:
        out.append(f'<line x1="{_px(left)}" y1="{_px(y_px(t))}" x2="{_px(right)}" y2="{_px(y_px(t))}"/>')
    for t in x_ticks:
        out.append(f'<line x1="{_px(x_px(t))}" y1="{_px(top)}" x2="{_px(x_px(t))}" y2="{_px(bottom)}"/>')
    out.append("</g>")
    # axes, ticks and labels
    out.append(
        f'<g class="axes" stroke="#2c3e50" stroke-width="1.2"><line x1="{_px(left)}" y1="{_px(bottom)}" '
        f'x2="{_px(right)}" y2="{_px(bottom)}"/><line x1="{_px(left)}" y1="{_px(top)}" x2="{_px(left)}" '
        f'y2="{_px(bottom)}"/>'
    )
    if rate_series:
        out.append(f'<line x1="{_px(right)}" y1="{_px(top)}" x2="{_px(right)}" y2="{_px(bottom)}"/>')
    out.append("</g>")
    out.append('<g class="x-ticks" fill="#2c3e50" text-anchor="middle">')
    for t in x_ticks:
        x = _px(x_px(t))
        out.append(
            f'<line x1="{x}" y1="{_px(bottom)}" x2="{x}" y2="{_px(bottom + 6)}" stroke="#2c3e50"/>'
            f'<text x="{x}" y="{_px(bottom + 22)}">{escape(x_format(t))}</text>'
        )
    out.append("</g>")
    out.append('<g class="y-ticks" fill="#2c3e50" text-anchor="end">')
    for t in y_ticks:
        y = _px(y_px(t))
        out.append(
            f'<line x1="{_px(left - 6)}" y1="{y}" x2="{_px(left)}" y2="{y}" stroke="#2c3e50"/>'
            f'<text x="{_px(left - 10)}" y="{_px(y_px(t) + 4)}">{escape(y_format(t))}</text>'
        )
    out.append("</g>")
    if rate_series:
        out.append('<g class="y2-ticks" fill="#2c3e50" text-anchor="start">')
        for t in r_ticks:
            y = _px(y_px(t, "right"))
            out.append(
                f'<line x1="{_px(right)}" y1="{y}" x2="{_px(right + 6)}" y2="{y}" stroke="#2c3e50"/>'
                f'<text x="{_px(right + 10)}" y="{_px(y_px(t, "right") + 4)}">{escape(percent(t))}</text>'
            )
        out.append("</g>")
    out.append(
        f'<text x="{_px((left + right) / 2)}" y="{_px(bottom + 48)}" text-anchor="middle" fill="#1b2631" '
        f'font-weight="bold">{escape(x_label)}</text>'
    )
    if y_label:
        out.append(
            f'<text x="{_px(left)}" y="{_px(top - 12)}" text-anchor="middle" fill="#1b2631">{escape(y_label)}</text>'
        )
    if y2_label and rate_series:
        out.append(
            f'<text x="{_px(right)}" y="{_px(top - 12)}" text-anchor="middle" fill="#1b2631">{escape(y2_label)}</text>'
        )
    # threshold markers
    out.append('<g class="markers">')
    for i, m in enumerate(markers):
        if not x_low <= m.x <= x_high:
            continue
        x = _px(x_px(m.x))
        out.append(
            f'<line x1="{x}" y1="{_px(top)}" x2="{x}" y2="{_px(bottom)}" stroke="#7f8c8d" '
            f'stroke-dasharray="5 4" stroke-width="1" data-x="{m.x:f}"/>'
            f'<text x="{_px(x_px(m.x) + 4)}" y="{_px(top + 14 + 16 * (i % 4))}" fill="#616a6b" '
            f'font-size="12">{escape(m.label)}</text>'
        )
    out.append("</g>")
    # the series
    out.append('<g class="series" fill="none" stroke-width="2.2" stroke-linejoin="round">')
    colors = iter(PALETTE * 4)
    for s in series:
        color = s.color or next(colors)
        points = " ".join(
            f"{_px(x_px(x))},{_px(y_px(v, s.axis))}" for x, v in zip(xs, s.values, strict=True) if v is not None
        )
        dash = ' stroke-dasharray="8 5"' if s.dashed else ""
        out.append(f'<polyline data-series="{escape(s.key)}" stroke="{color}"{dash} points="{points}"/>')
    out.append("</g>")
    # legend, below the axis label
    out.append('<g class="legend" fill="#1b2631">')
    lx, ly = left, Decimal(height - 36)
    colors = iter(PALETTE * 4)
    for s in series:
        color = s.color or next(colors)
        dash = ' stroke-dasharray="8 5"' if s.dashed else ""
        label = s.label + (" →" if s.axis == "right" else "")
        out.append(
            f'<line x1="{_px(lx)}" y1="{_px(ly - 4)}" x2="{_px(lx + 26)}" y2="{_px(ly - 4)}" '
            f'stroke="{color}" stroke-width="3"{dash}/><text x="{_px(lx + 32)}" y="{_px(ly)}">'
            f"{escape(label)}</text>"
        )
        lx += 44 + 8 * len(label) + 6 * sum(1 for ch in label if ord(ch) > 0x2E80)
        if lx > width - 200:
            lx, ly = left, ly + 20
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal
    group: str  # the kind title
    note: str = ""  # sources, shown under the bar
    prefix: str = ""  # "≤ " for an upper bound


def bar_chart_svg(
    *,
    title: str,
    subtitle: str,
    bars: Sequence[Bar],
    totals: Sequence[tuple[str, Decimal]],
    width: int = 1000,
    value_format: Callable[[Decimal], str] = L.yuan,
) -> str:
    """Horizontal bars grouped by kind (an enterprise's breakdown), with the totals of each kind."""
    row, label_w = 40, Decimal(330)
    groups: list[str] = []
    for b in bars:
        if b.group not in groups:
            groups.append(b.group)
    height = 120 + len(bars) * row + len(groups) * 34 + len(totals) * 22 + 40
    top = Decimal(96)
    peak = max([b.value for b in bars] + [Decimal(1)])
    span = Decimal(width) - label_w - Decimal(190)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'{FONT} font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="24" y="36" font-size="20" font-weight="bold" fill="#1b2631">{escape(title)}</text>',
        f'<text x="24" y="60" fill="#566573">{escape(subtitle)}</text>',
    ]
    y = top
    colors = dict(zip(groups, PALETTE, strict=False))
    for g in groups:
        out.append(f'<text x="24" y="{_px(y + 16)}" font-weight="bold" fill="#1b2631">{escape(g)}</text>')
        y += 34
        for b in (b for b in bars if b.group == g):
            w = b.value / peak * span
            out.append(
                f'<g class="bar" data-value="{b.value:f}"><text x="36" y="{_px(y + 14)}" fill="#1b2631">'
                f'{escape(b.label)}</text><rect x="{_px(label_w)}" y="{_px(y + 2)}" width="{_px(max(w, Decimal(1)))}" '
                f'height="16" fill="{colors[g]}" rx="2"/><text x="{_px(label_w + max(w, Decimal(1)) + 8)}" '
                f'y="{_px(y + 15)}" fill="#1b2631">{escape(b.prefix + value_format(b.value))}</text>'
                f'<text x="36" y="{_px(y + 32)}" fill="#7f8c8d" font-size="11">{escape(b.note)}</text></g>'
            )
            y += row
    y += 16
    for label, value in totals:
        out.append(
            f'<text x="24" y="{_px(y)}" fill="#1b2631"><tspan font-weight="bold">{escape(label)}</tspan>'
            f"  {escape(value_format(value))}</text>"
        )
        y += 22
    out.append("</svg>")
    return "\n".join(out) + "\n"


def breakdown_svg(result: Result, *, lang: Lang = "zh", embedded: bool = False) -> str:
    """`calc --svg`: bars of the items with an amount, grouped by kind, with each kind's total."""
    bars: list[Bar] = []
    for kind in KINDS:
        for it in result.items:
            if it.policy.kind != kind or it.amount is None or it.amount <= ZERO:
                continue
            local = L.local_sources(it, result.jurisdiction) or list(L.sources_in_force(it, result.jurisdiction)[:1])
            bars.append(
                Bar(
                    it.policy.title.get(lang),
                    it.amount,
                    L.kind_title(kind, lang),
                    "；".join(local[:3]),
                    "≤ " if it.policy.certainty == "up_to" else "",
                )
            )
    totals = [(L.kind_title(k, lang), result.totals[k]) for k in KINDS if result.totals[k]]
    title = L.enterprise_name(result.profile, lang) + Text("：政策金额构成", ": what each policy is worth").get(lang)
    subtitle = f"{L.jurisdiction_title(result.jurisdiction, lang)} · {result.year} · " + Text(
        "单位：元；各类别分别合计", "yuan; totals by kind, never added across kinds"
    ).get(lang)
    if not bars:
        bars = [Bar(Text("无金额项目", "no item with an amount").get(lang), ZERO, L.kind_title("tax_reduction", lang))]
    svg = bar_chart_svg(title=title, subtitle=subtitle, bars=bars, totals=totals)
    if embedded:
        return svg
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg


# ── the terminal ──────────────────────────────────────────────────────────────────────────────────────────────

TERM_STYLES = ("red", "blue", "green", "yellow", "magenta", "cyan", "white", "bright_red", "bright_blue")
TERM_MARKS = "●■▲◆✚✖○□△"


def text_chart(
    xs: Sequence[Decimal],
    series: Sequence[Series],
    *,
    markers: Sequence[Marker] = (),
    width: int = 64,
    height: int = 16,
    x_format: Callable[[Decimal], str] = short_number,
    y_format: Callable[[Decimal], str] = short_number,
) -> list[list[tuple[str, str | None]]]:
    """A character chart: lines of (text, style) segments. Rate series are scaled to their own right-hand axis.
    A jump between neighbouring points is drawn as a vertical bar, so a cliff stands out."""
    x_low, x_high = min(xs), max(xs)
    if x_high == x_low:
        x_high = x_low + 1
    y_low, y_high = _range([v for s in series if s.axis == "left" for v in s.values])
    r_low, r_high = _range([v for s in series if s.axis == "right" for v in s.values])
    grid: list[list[tuple[str, str | None]]] = [[(" ", None)] * width for _ in range(height)]

    def col(x: Decimal) -> int:
        return int(((x - x_low) / (x_high - x_low) * (width - 1)).to_integral_value(rounding=ROUND_HALF_UP))

    def row(v: Decimal, axis: str) -> int:
        low, high = (y_low, y_high) if axis == "left" else (r_low, r_high)
        return int(((v - low) / (high - low) * (height - 1)).to_integral_value(rounding=ROUND_HALF_UP))

    for m in markers:
        if x_low <= m.x <= x_high:
            c = col(m.x)
            for r in range(height):
                grid[r][c] = ("┊", "dim")
    for i, s in enumerate(series):
        style = TERM_STYLES[i % len(TERM_STYLES)] if not s.dashed else TERM_STYLES[i % len(TERM_STYLES)] + " dim"
        mark = TERM_MARKS[i % len(TERM_MARKS)]
        prev: tuple[int, int] | None = None
        for x, v in zip(xs, s.values, strict=True):
            if v is None:
                prev = None
                continue
            c, r = col(x), row(v, s.axis)
            if prev is not None:
                pc, pr = prev
                for cc in range(pc + 1, c):  # interpolate across empty columns
                    rr = pr + (r - pr) * (cc - pc) // max(c - pc, 1)
                    grid[rr][cc] = ("·", style)
                if abs(r - pr) > 1:  # a jump: a vertical bar at the column where it happens
                    for rr in range(min(r, pr) + 1, max(r, pr)):
                        grid[rr][c if c > pc else pc] = ("│", style)
            grid[r][c] = (mark, style)
            prev = (c, r)
    label_w = max(len(y_format(y_high)), len(y_format(y_low))) + 1
    lines: list[list[tuple[str, str | None]]] = []
    has_rate = any(s.axis == "right" for s in series)
    for r in range(height - 1, -1, -1):
        if r == height - 1:
            label = y_format(y_high)
            rlabel = percent(r_high) if has_rate else ""
        elif r == 0:
            label = y_format(y_low)
            rlabel = percent(r_low) if has_rate else ""
        else:
            label = rlabel = ""
        lines.append([(label.rjust(label_w) + "┤", "dim"), *grid[r], ("├" + rlabel if has_rate else "", "dim")])
    axis = " " * label_w + "└" + "─" * width
    lines.append([(axis, "dim")])
    left_label, right_label = x_format(x_low), x_format(x_high)
    lines.append(
        [
            (
                " " * (label_w + 1)
                + left_label
                + " " * max(1, width - len(left_label) - len(right_label))
                + right_label,
                "dim",
            )
        ]
    )
    legend: list[tuple[str, str | None]] = [(" " * (label_w + 1), None)]
    for i, s in enumerate(series):
        style = TERM_STYLES[i % len(TERM_STYLES)] + (" dim" if s.dashed else "")
        legend.append((f"{TERM_MARKS[i % len(TERM_MARKS)]} {s.label}{' (→)' if s.axis == 'right' else ''}   ", style))
    lines.append(legend)
    return lines
