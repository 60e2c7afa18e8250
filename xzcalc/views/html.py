"""HTML pages through Jinja2 templates (views/templates/*.j2) with autoescape on: `calc --html` (the report of one
calculation, for an advisor to send to a client) and `sweep --html` (the chart and the table of every point).

Every value a template shows is escaped by Jinja2 unless it is marked safe (only the SVG drawn by views.svg, which
escapes its own texts). The pages are self-contained — no script, font or stylesheet fetched — and byte-stable: no
timestamp, so a report can be diffed and regenerated. This module is imported only behind --html, so Jinja2 costs
nothing to the other commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..messages import Lang
from ..model import KINDS, Advisory, Item, Result
from ..money import fmt_num
from . import labels

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..analysis.sweep import SweepResult
    from ..reform import Reform

__all__ = ["report_page", "sweep_page"]

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

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,  # a line holding only a {% tag %} leaves nothing behind
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["say"] = say
    env.globals.update(t=t, labels=labels)
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
) -> str:
    """The whole page. With a reform, the reformed result is the one detailed (with `advisories`, which are then the
    reformed result's), after a baseline/reform table."""
    from markupsafe import Markup

    from ..clauses import clause
    from ..params import cites_in_force
    from .svg import breakdown_svg

    shown = reformed if reformed is not None else result
    p = shown.profile
    meta = (p.uscc, labels.jurisdiction_title(shown.jurisdiction, lang), f"{shown.year}", p.entity, p.sector)
    sections = []
    for kind in KINDS:
        items = [it for it in shown.items if it.policy.kind == kind and it.policy.certainty != "eligible_only"]
        if items:
            sections.append((kind, sorted(items, key=lambda i: not i.eligible)))
    eligible_only = [it for it in shown.items if it.policy.certainty == "eligible_only"]
    reform_table = None
    if reformed is not None and reform is not None:
        from .compare import reform_lines, reform_rows

        rows, _styles = reform_rows(result, reformed, lang)
        reform_table = {
            "name": reform.name,
            "lines": reform_lines(reform, result.jurisdiction, result.year, lang),
            "rows": [
                (row, "pos" if row[4].startswith("+") else "neg" if row[4].startswith("-") else "") for row in rows
            ],
        }
    return _render(
        "report.html.j2",
        lang=lang,
        result=shown,
        name=labels.enterprise_name(p, lang),
        meta=" · ".join(x for x in meta if x),
        kinds=KINDS,
        advisories=advisories,
        reform=reform_table,
        svg=Markup(breakdown_svg(shown, lang=lang, embedded=True)),
        sections=sections,
        eligible=[it for it in eligible_only if it.eligible],
        ineligible=[it for it in eligible_only if not it.eligible],
        places=labels.places_title(shown.jurisdiction, lang),
        # policies.md E7: only the documents in force where the enterprise is — the item's sources cut to them, and
        # a clause quoted (with its 责任单位) only when its document is one of them
        sources=lambda item: labels.sources_in_force(item, shown.jurisdiction),
        clause=lambda cite: clause(cite) if cites_in_force((cite,), shown.jurisdiction) else None,
        components=_components,
        version=__version__,
    )


def _tone(difference: str) -> str:
    return "pos" if difference.startswith("+") else "neg" if difference.startswith("-") else ""


def _components(item: Item) -> str:
    return "；".join(f"{k} {labels.yuan(v)}" for k, v in item.components.items())


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
