"""The batch's closing summary for people (stderr): rows, failures, totals by kind, eligible enterprises per policy.

It reads a batch Report through the attributes named below, so this module does not import the batch (views sit
below it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from ..messages import Lang
from ..model import KINDS
from . import labels as L

__all__ = ["summary_text"]


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
    def scheduler(self) -> str | None: ...


def summary_text(report: _Report, lang: str = "zh") -> str:
    """Plain lines for stderr: rows, failures, totals by kind, eligible enterprises per policy."""
    from ..params import policy

    s = report.summary
    zh = lang == "zh"
    lg: Lang = "zh" if zh else "en"
    ms = report.milliseconds
    engine = f"--jobs {report.jobs}"
    if report.scheduler is not None:  # a Dask cluster: its address and workers
        engine = f"--scheduler {report.scheduler}, {report.jobs} workers"
    lines = [
        f"{'行数' if zh else 'rows'}: {s.rows:,}  {'失败' if zh else 'failed'}: {s.failed:,}  "
        f"({ms // 1000}.{ms % 1000 // 100} s, {report.rows_per_second:,} rows/s, {engine})",
    ]
    for line, ident, error in s.errors[:5]:
        where = f"第{line}行" if zh else f"line {line}"
        lines.append(f"  {where}{f' ({ident})' if ident else ''}: {error}")
    if s.failed > 5:
        lines.append(f"  … {s.failed - 5:,} more ({'见输出的 error 列' if zh else 'see the error column'})")
    lines.append("合计（按类别）:" if zh else "totals by kind:")
    for kind in KINDS:
        lines.append(f"  {s.totals[kind]:>22,.2f}  {kind}  {L.kind_title(kind, lg)}")
    lines.append("符合条件的企业数（按政策）:" if zh else "eligible enterprises per policy:")
    for pid in report.policies:
        count = s.eligible.get(pid, 0)
        lines.append(f"  {count:>10,}  {pid}  {policy(pid).title.get(lg)}")
    return "\n".join(lines) + "\n"
