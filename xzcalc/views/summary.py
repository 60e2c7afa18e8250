"""The batch's closing summary for people (stderr): rows, failures, totals by kind, eligible enterprises per policy.

It reads a batch Report through the attributes named below, so this module does not import the batch (views sit
below it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Protocol

from ..messages import Lang
from ..model import KINDS
from . import labels as L
from .wrap import cells, wrap

__all__ = ["summary_rows", "summary_text"]

TERMINAL_GROUPS = 30  # values of one --group-by column the terminal shows a table for (all: --summary, the 汇总 sheet)


class _Line(Protocol):  # batch.summary.PolicyLine
    @property
    def policy(self) -> str: ...
    @property
    def enterprises(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def eligible_at_zero(self) -> int: ...


class _Unclaimed(Protocol):  # batch.summary.Unclaimed
    @property
    def policy(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def enterprises(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def reclaim_until(self) -> date | None: ...
    @property
    def claimable(self) -> bool | None: ...


class _Summary(Protocol):  # batch.Summary, as read here
    @property
    def rows(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def totals(self) -> Mapping[str, Decimal]: ...
    @property
    def eligible(self) -> Mapping[str, int]: ...
    @property
    def errors(self) -> Sequence[tuple[int, str, str]]: ...
    @property
    def blank(self) -> int: ...
    def values(self, dimension: int) -> list[str]: ...
    def by_policy(self, policies: Sequence[str], dimension: int = 0, value: str | None = None) -> Sequence[_Line]: ...


class _Reform(Protocol):  # batch.summary.ReformApplied
    @property
    def file(self) -> str: ...
    @property
    def parameters(self) -> Sequence[tuple[str, str]]: ...


class _Report(Protocol):  # batch.Report, as read here
    @property
    def summary(self) -> _Summary: ...
    @property
    def jobs(self) -> int: ...
    @property
    def policies(self) -> Sequence[str]: ...
    @property
    def milliseconds(self) -> int: ...
    @property
    def rows_per_second(self) -> int: ...
    @property
    def groups(self) -> Sequence[str]: ...
    @property
    def as_of(self) -> date | None: ...
    @property
    def receipt(self) -> Mapping[str, str | None]: ...
    @property
    def scheduler(self) -> str | None: ...
    @property
    def reform(self) -> _Reform | None: ...
    def unclaimed(self) -> Sequence[_Unclaimed]: ...


@cache
def _labels() -> dict[str, dict[str, str]]:
    from ..data import load_data

    return dict(load_data("bureau.toml")["summary"]["labels"])


def _w(key: str, lang: str) -> str:
    return _labels()[key]["zh" if lang == "zh" else "en"]


def terminal_width() -> int:
    """The width the summary is wrapped to: COLUMNS when set (shutil.get_terminal_size's convention), else the width
    of the terminal stderr is (shutil asks stdout, which is the output file or pipe in `batch … -o - > out.csv`), else
    80 — stderr is a file or a pipe."""
    import os
    import sys

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return os.get_terminal_size(sys.stderr.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        pass
    return 80


MIN_WIDTH = 20  # narrower than this, a terminal is taken as this wide


_LATIN = re.compile(r"[\x21-\x7e]+")  # a run views.wrap never breaks (a policy id, a number, a Latin word)


def _fit(width: int, prefix: str, text: str, hang: str | None = None, indent: str | None = None) -> list[str]:
    """`prefix + text` as it is when it fits `width`; else `text` wrapped at words (views.wrap) after the prefix,
    its further lines after `hang` (default: aligned under the text's start) — or, when the prefix (a table's number
    columns) leaves no room for the text's longest word, the prefix on a line of its own and the text wrapped under
    `indent` (default: the prefix's own, and two more)."""
    line = prefix + text
    if cells(line) <= width:
        return [line]
    used = cells(prefix)
    longest = max((cells(word) for word in _LATIN.findall(text)), default=0)
    if used + max(16, longest) <= width:
        return wrap(text, width, prefix, " " * used if hang is None else hang)
    own = prefix[: len(prefix) - len(prefix.lstrip())]
    if indent is None:
        indent = own + "  "
    head = prefix.rstrip()
    out: list[str] = []
    if head.strip():
        out = [head] if cells(head) <= width else wrap(" ".join(head.split()), width, own, own)
    return out + wrap(text, width, indent, indent)


def summary_text(report: _Report, lang: str = "zh", width: int | None = None) -> str:
    """Plain lines for stderr: rows, failures, blank records skipped, totals by kind; per policy (over all rows, by
    jurisdiction, by each --group-by value) the enterprises with an amount, the sum and the eligible ones at 0; the
    amounts entitled but not yet claimed. (Eligibility alone, which counts an enterprise at 0 yuan, is in the JSON.)
    Each line fits `width` terminal cells (default: terminal_width()), long ones wrapped at words."""
    width = max(MIN_WIDTH, terminal_width() if width is None else width)
    return "".join(line + "\n" for parts in _summary_lines(report, lang) for line in _fit(width, *parts))


_Parts = tuple[str, str] | tuple[str, str, str | None] | tuple[str, str, str | None, str]


def _summary_lines(report: _Report, lang: str) -> list[_Parts]:
    """The summary's lines, each as (a prefix kept as it is — indentation, a table's number columns —, the text
    that may wrap[, the indent of its further lines[, the text's indent when it goes under the prefix]]): _fit."""
    from ..params import policy

    s = report.summary
    zh = lang == "zh"
    lg: Lang = "zh" if zh else "en"
    ms = report.milliseconds
    engine = f"--jobs {report.jobs}"
    if report.scheduler is not None:  # a Dask cluster: its address and workers
        engine = f"--scheduler {report.scheduler}, {report.jobs} workers"
    lines: list[_Parts] = [
        (
            "",
            f"{'行数' if zh else 'rows'}: {s.rows:,}  {'失败' if zh else 'failed'}: {s.failed:,}  "
            f"({ms // 1000}.{ms % 1000 // 100} s, {report.rows_per_second:,} rows/s, {engine})",
        ),
    ]
    if report.reform is not None:  # every row computed under the reform: said before any number
        changes = "; ".join(f"{name} = {value}" for name, value in report.reform.parameters)
        lines.append(("", f"{'参数改革' if zh else 'reform'} (--params {report.reform.file}): {changes}", "    "))
    for line, ident, error in s.errors[:5]:
        where = f"第{line}行" if zh else f"line {line}"
        lines.append(("  ", f"{where}{f' ({ident})' if ident else ''}: {error}", "    "))
    if s.failed > 5:
        lines.append(("  ", f"… {s.failed - 5:,} more ({'见输出的 error 列' if zh else 'see the error column'})"))
    lines.append(("", "合计（按类别）:" if zh else "totals by kind:"))
    for kind in KINDS:
        lines.append((f"  {s.totals[kind]:>22,.2f}  ", f"{kind}  {L.kind_title(kind, lg)}", None, "    "))
    if s.blank:
        lines.append(("", f"{_w('blank', lang)}: {s.blank:,}"))
    lines.append(("", f"{_w('policies', lang)}:"))
    heads = ("enterprises", "amount", "at_zero", "policy")
    lines.append(("    ", " / ".join(_w(key, lang) for key in heads)))
    tables: dict[int, int] = {}
    for dimension, value, label in _splits(report, lang):
        shown = [x for x in s.by_policy(report.policies, dimension, value) if x.enterprises or x.eligible_at_zero]
        if not shown:
            continue
        tables[dimension] = tables.get(dimension, 0) + 1
        if tables[dimension] == TERMINAL_GROUPS + 1:
            lines.append(("  ", f"[… {_w('more_groups', lang)}]"))
        if tables[dimension] > TERMINAL_GROUPS:
            continue
        lines.append(("  ", f"[{label}]"))
        for x in shown:
            lines.append(
                (
                    f"    {x.enterprises:>8,}  {x.amount:>20,.2f}  {x.eligible_at_zero:>6,}  ",
                    f"{x.policy}  {policy(x.policy).title.get(lg)}",
                    None,
                    "      ",
                )
            )
    unclaimed = report.unclaimed()
    if unclaimed:
        lines.append(("", f"{_w('unclaimed', lang)}:"))
        heads = ("year", "unclaimed_enterprises", "amount", "policy")
        lines.append(("  ", " / ".join(_w(key, lang) for key in heads)))
        for u in unclaimed:
            until = "" if u.reclaim_until is None else f"  {_w('reclaim_until', lang)} {u.reclaim_until.isoformat()}"
            still = "" if u.claimable is None else f" ({_w('still_open' if u.claimable else 'expired', lang)})"
            lines.append(
                (f"  {u.year}  {u.enterprises:>6,}  {u.amount:>20,.2f}  ", f"{u.policy}{until}{still}", None, "    ")
            )
    return lines


def _splits(report: _Report, lang: str) -> list[tuple[int, str | None, str]]:
    """(dimension, value, label) of each table: all rows, each jurisdiction, each value of each --group-by column."""
    s = report.summary
    out: list[tuple[int, str | None, str]] = [(0, None, _w("all", lang))]
    for v in s.values(0):
        out.append((0, v, f"{_w('jurisdiction', lang)}: {_jurisdiction(v, lang)}"))
    for d, name in enumerate(report.groups, start=1):
        for v in s.values(d):
            out.append((d, v, f"{name}: {v}"))
    return out


def _jurisdiction(key: str, lang: str) -> str:
    try:
        return L.jurisdiction_title(key, "zh" if lang == "zh" else "en")
    except (KeyError, LookupError):  # (a jurisdiction the catalogue does not name: shown as it is)
        return key


def summary_rows(report: _Report, lang: str = "zh") -> list[list[object]]:
    """The `汇总` sheet as rows of values (text, int, Decimal, None): counts, the receipt, totals by kind, the
    per-policy table of every split, the amounts entitled but not yet claimed."""
    from ..params import policy

    s = report.summary
    lg: Lang = "zh" if lang == "zh" else "en"
    rows: list[list[object]] = [
        [_w("rows", lang), s.rows],
        [_w("failed", lang), s.failed],
        [_w("blank", lang), s.blank],
    ]
    if report.as_of is not None:
        rows.append([_w("as_of", lang), report.as_of.isoformat()])
    for key, value in report.receipt.items():
        rows.append([f"{_w('receipt', lang)}.{key}", value])
    if report.reform is not None:
        rows.append(["--params", report.reform.file])
        for name, value in report.reform.parameters:
            rows.append([f"--params.{name}", value])
    rows.append([])
    rows.append([_w("totals", lang)])
    rows.append([_w("kind", lang), _w("title", lang), _w("amount", lang)])
    for kind in KINDS:
        rows.append([kind, L.kind_title(kind, lg), s.totals[kind]])
    rows.append([])
    rows.append([_w("policies", lang)])
    rows.append(
        [
            _w("dimension", lang),
            _w("value", lang),
            _w("policy", lang),
            _w("title", lang),
            _w("enterprises", lang),
            _w("amount", lang),
            _w("at_zero", lang),
        ]
    )
    names = [_w("all", lang), _w("jurisdiction", lang), *report.groups]
    for dimension, value, _ in _splits(report, lang):
        for x in s.by_policy(report.policies, dimension, value):
            if x.enterprises or x.eligible_at_zero:
                rows.append(
                    [
                        names[0] if value is None else names[dimension + 1],
                        "" if value is None else _jurisdiction(value, lang) if dimension == 0 else value,
                        x.policy,
                        policy(x.policy).title.get(lg),
                        x.enterprises,
                        x.amount,
                        x.eligible_at_zero,
                    ]
                )
    unclaimed = report.unclaimed()
    if unclaimed:
        rows.append([])
        rows.append([_w("unclaimed", lang)])
        rows.append(
            [
                _w("policy", lang),
                _w("title", lang),
                _w("year", lang),
                _w("unclaimed_enterprises", lang),
                _w("amount", lang),
                _w("reclaim_until", lang),
                _w("claimable", lang),
            ]
        )
        for u in unclaimed:
            rows.append(
                [
                    u.policy,
                    policy(u.policy).title.get(lg),
                    u.year,
                    u.enterprises,
                    u.amount,
                    _w("unknown", lang) if u.reclaim_until is None else u.reclaim_until.isoformat(),
                    None if u.claimable is None else _w("yes" if u.claimable else "no", lang),
                ]
            )
    return rows
