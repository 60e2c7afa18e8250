"""HTML pages through Jinja2 templates (views/templates/*.j2) with autoescape on: `calc --html` (the report of one
calculation, for an advisor to send to a client) and `sweep --html` (the chart and the table of every point).

Every value a template shows is escaped by Jinja2 unless it is marked safe (only the SVG drawn by views.svg, which
escapes its own texts). The pages are self-contained — no script, font or stylesheet fetched — and byte-stable: the
report's only date is the one it is given (--date, else SOURCE_DATE_EPOCH, else today), so a report can be diffed and
regenerated. This module is imported only behind --html, so Jinja2 costs
nothing to the other commands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..messages import Lang, Msg
from ..model import CHANNELS, KINDS, Advisory, Result
from ..money import fmt_num
from . import labels

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..analysis.sweep import SweepResult
    from ..reform import Reform

__all__ = ["report_date", "report_page", "sweep_page"]

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
    from jinja2.runtime import Context

    @pass_context
    def say(context: Context, text: Any) -> str:
        """A Text, Msg or Advisory part in the page's language."""
        return str(text.get(context["lang"]))

    @pass_context
    def t(context: Context, zh: str, en: str) -> str:
        return zh if context["lang"] == "zh" else en

    @pass_context
    def msg(context: Context, message_id: str, **values: Any) -> str:
        """A sentence of data/messages in the page's language (data/messages/report.toml, claims.toml)."""
        return Msg(message_id, values).get(context["lang"])

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,  # a line holding only a {% tag %} leaves nothing behind
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["say"] = say
    env.globals.update(t=t, msg=msg, labels=labels)
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def report_page(
    result: Result,
    *,
    lang: Lang = "zh",
    advisories: Sequence[Advisory] = (),
    reformed: Result | None = None,
    reform: Reform | None = None,
    on: date | None = None,
    appendix: bool = False,
    receipt: Mapping[str, str | None] | None = None,
) -> str:
    """The client report (issue 12 §6): dated `on` (report_date's), Chinese first; the items with an amount and how
    to claim each, the warnings worth at least the materiality floor (data/report.toml), the receipt; the arithmetic
    and the quoted clauses in an appendix that prints only with `appendix`. With a reform, the reformed result is
    the one detailed (with `advisories`, which are then the reformed result's), after a baseline/reform table."""
    from ..clauses import clause
    from ..data import load_data
    from ..params import cites_in_force
    from ..receipt import receipt as make_receipt

    shown = reformed if reformed is not None else result
    p = shown.profile
    sections = []
    for kind in KINDS:
        items = [it for it in shown.items if it.policy.kind == kind and it.amount is not None and it.amount > 0]
        if items:
            sections.append((kind, items))
    shown_items = [it for _, items in sections for it in items]
    apply_only = [it for it in shown.items if it.policy.certainty == "eligible_only" and it.eligible]
    ineligible = [it for it in shown.items if not it.eligible]
    floor = Decimal(str(load_data("report.toml")["advisories"]["materiality_floor"]))
    warnings = [(a, stake) for a in advisories if (stake := _stake(a)) >= floor]
    reform_table = None
    if reformed is not None and reform is not None:
        from .compare import reform_lines, reform_rows

        rows, _styles = reform_rows(result, reformed, lang)
        reform_table = {
            "name": reform.name,
            "lines": reform_lines(reform, result.jurisdiction, result.year, lang),
            "rows": [(row, _tone(row[4])) for row in rows],
        }
    entity = Msg(f"report.entity.{p.entity}").get(lang)
    meta = (labels.jurisdiction_title(shown.jurisdiction, lang), f"{shown.year}", entity, _sector(p.sector, lang))
    channels = [c for c in CHANNELS if any(shown.claims[it.policy.id].channel == c for it in shown_items)]
    return _render(
        "report.html.j2",
        lang=lang,
        result=shown,
        name=labels.enterprise_name(p, lang),
        on=on or report_date(),
        meta=" · ".join(x for x in meta if x),
        kinds=KINDS,
        reform=reform_table,
        sections=sections,
        any_up_to=any(it.policy.certainty == "up_to" for it in shown_items),
        claims=shown.claims,
        channels=channels,
        units=lambda claim: (
            "、".join(u.get(lang) for u in claim.units) if lang == "zh" else "; ".join(u.get(lang) for u in claim.units)
        ),
        warnings=warnings,
        floor=floor,
        apply_only=apply_only,
        ineligible=ineligible,
        places=labels.places_title(shown.jurisdiction, lang),
        # policies.md E7: only the documents in force where the enterprise is — the item's sources cut to them, and
        # a clause quoted (with its 责任单位) only when its document is one of them
        sources=lambda item: labels.sources_in_force(item, shown.jurisdiction),
        clause=lambda cite: clause(cite) if cites_in_force((cite,), shown.jurisdiction) else None,
        appendix=appendix,
        receipt=receipt if receipt is not None else make_receipt(None),
    )


def report_date(given: str | None = None, environ: Mapping[str, str] | None = None) -> date:
    """The report's date: `given` (YYYY-MM-DD, from --date), else SOURCE_DATE_EPOCH (seconds, read as a UTC day:
    reproducible builds' convention, which keeps snapshots byte-stable), else today. ValueError for a bad value."""
    import os
    from datetime import UTC, datetime

    env = os.environ if environ is None else environ
    if given is not None:
        return date.fromisoformat(given.strip())
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def _stake(advisory: Advisory) -> Decimal:
    """What crossing the line is worth: the larger change of the compared tax or of a kind's total."""
    changes = [abs(advisory.measure_moved - advisory.measure_now), *(abs(v) for v in advisory.totals.values())]
    return max(changes)


def _sector(code: str, lang: Lang) -> str:
    """制造业（行业代码 C34）: the GB/T 4754-2017 section's name (data/sectors.toml) and the code as given."""
    from ..data import load_data

    section = load_data("sectors.toml")["sections"].get(code[:1].upper())
    if section is None:
        return code
    return Msg("report.sector", {"name": section[lang], "code": code}).get(lang)


def _tone(difference: str) -> str:
    return "pos" if difference.startswith("+") else "neg" if difference.startswith("-") else ""


def sweep_page(sweep: SweepResult, lang: Lang) -> str:
    """A self-contained page: the chart, the lines crossed, and the table of every point."""
    from markupsafe import Markup

    from .sweep import field_label, sweep_rows, sweep_svg

    headers, rows, styles = sweep_rows(sweep, lang)
    reform_lines: list[str] = []
    if sweep.reform is not None:
        from .compare import reform_lines as lines_of

        reform_lines = lines_of(sweep.reform, sweep.profile.jurisdiction, sweep.profile.year, lang)
    return _render(
        "sweep.html.j2",
        lang=lang,
        title=field_label(sweep.path, lang),
        svg=Markup(sweep_svg(sweep, lang, standalone=False)),
        lines=[(fmt_num(v), name, i) for v, i, name in sweep.lines],
        reform=None if sweep.reform is None else sweep.reform.name,
        reform_lines=reform_lines,
        headers=headers,
        rows=list(zip(rows, styles, strict=True)),
    )
