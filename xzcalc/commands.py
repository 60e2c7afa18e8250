"""The advisor's commands — `compare`, `sweep`, `schema` — and what `calc` does with --margin, --params, --html and
--svg. Registered on cli.app when cli.py imports this module; kept apart from cli.py so the core CLI stays small.

Thin like cli.py: parse, call the core (advisor, compare, sweep, schema), hand the numbers to a view (xzcalc.views).
Every heavy import is inside the function that needs it, so `xzcalc --help` does not pay for it.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli import OUTPUT_PANEL, Lang, SetOption, app, build_profile, emit_result, fail, run_guarded

if TYPE_CHECKING:
    from .messages import Lang as LangCode
    from .model import Advisory, Result
    from .reform import Reform

WHATIF_PANEL = "What-if"


class TableJsonCsv(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def lang_code(lang: str) -> LangCode:
    return "en" if lang == "en" else "zh"


def load_reform_option(path: str | None) -> Reform | None:
    """--params FILE.toml → a Reform, or exit 2 with the one-line reason."""
    if path is None:
        return None
    from .reform import ReformError, load_reform

    try:
        return load_reform(path)
    except ReformError as e:
        fail(str(e))


def parse_margin(text: str) -> Decimal:
    from .money import MoneyError, parse_rate

    try:
        return parse_rate(text)
    except MoneyError as e:
        fail(f"--margin: {text!r} is not valid — expected {e.expected}")


def write_file(path: Path, text: str, option: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        fail(f"{option}: {str(path)!r} cannot be written ({e.strerror or e.__class__.__name__})")
    sys.stderr.write(f"xzcalc: wrote {path}\n")


# ── calc: advisories, reforms, reports ───────────────────────────────────────────────────────────────────────


def run_calc(
    profile: Any,
    *,
    fmt: str,
    lang: str,
    explain: bool,
    margin: str,
    params: str | None,
    html: Path | None,
    svg: Path | None,
) -> None:
    from .analysis.advisor import advise
    from .engine import calculate

    lg = lang_code(lang)
    reform = load_reform_option(params)
    share = parse_margin(margin)
    detail = explain or html is not None  # a report always carries the arithmetic
    result: Result = run_guarded(calculate, profile, explain=detail)
    advisories = tuple(advise(profile, result, margin=share))
    reformed: Result | None = None
    reformed_advisories: tuple[Advisory, ...] = ()
    if reform is not None:
        reformed = run_guarded(calculate, profile, explain=detail, reform=reform)
        reformed_advisories = tuple(advise(profile, reformed, margin=share, reform=reform))
    if html is not None:
        from .views.html import report_page

        shown_advisories = advisories if reformed is None else reformed_advisories
        page = report_page(result, lang=lg, advisories=shown_advisories, reformed=reformed, reform=reform)
        write_file(html, page, "--html")
    if svg is not None:
        from .views.svg import breakdown_svg

        write_file(svg, breakdown_svg(reformed or result, lang=lg), "--svg")
    if reformed is None or reform is None:
        emit_result(result, fmt, lang, explain, advisories)
        return
    from .views import compare as view
    from .views.machine import to_text

    if fmt == "table":
        view.print_reform(result, reformed, reform, lg, reformed_advisories)
    elif fmt == "csv":
        sys.stdout.write(view.reform_csv(result, reformed))
    else:
        data = view.reform_json(result, reformed, reform, lg, explain, (advisories, reformed_advisories))
        sys.stdout.write(to_text(data, fmt))


# ── compare ──────────────────────────────────────────────────────────────────────────────────────────────────


@app.command()
def compare(
    profile: Annotated[str | None, typer.Argument(help="Profile: a TOML or JSON file, or - for stdin.")] = None,
    set_: SetOption = None,
    params: Annotated[
        str | None,
        typer.Option(
            "--params",
            metavar="FILE.toml",
            help="A reform (parameters overridden): baseline and reform side by side in each jurisdiction.",
            rich_help_panel=WHATIF_PANEL,
        ),
    ] = None,
    format_: Annotated[TableJsonCsv, typer.Option("--format", "-f", rich_help_panel=OUTPUT_PANEL)] = TableJsonCsv.table,
    lang: Annotated[Lang, typer.Option(help="Language of titles.", rich_help_panel=OUTPUT_PANEL)] = Lang.zh,
) -> None:
    """The same enterprise in Xinzhou, Shanxi and Inner Mongolia side by side: per item and totals by kind."""
    from .compare import compare_jurisdictions
    from .views import compare as view
    from .views.machine import to_text

    prof = run_guarded(build_profile, profile, {}, set_ or [])
    reform = load_reform_option(params)
    cmp = run_guarded(compare_jurisdictions, prof, reform=reform)
    if format_ is TableJsonCsv.json:
        sys.stdout.write(to_text(view.comparison_json(cmp, lang_code(lang.value)), "json"))
    elif format_ is TableJsonCsv.csv:
        sys.stdout.write(view.comparison_csv(cmp))
    else:
        view.print_comparison(cmp, lang_code(lang.value))


# ── sweep ────────────────────────────────────────────────────────────────────────────────────────────────────


@app.command()
def sweep(
    profile: Annotated[str | None, typer.Argument(help="Profile: a TOML or JSON file, or - for stdin.")] = None,
    field: Annotated[
        str,
        typer.Option(
            "--field",
            metavar="PATH",
            help="The profile field to vary, by dotted path (income.taxable_income, employees, vat.sales_3pct.1, …).",
        ),
    ] = "income.taxable_income",
    from_: Annotated[
        str, typer.Option("--from", metavar="A", help="First value (as in a profile: 0, 300万, 5%).")
    ] = "0",
    to: Annotated[str, typer.Option("--to", metavar="B", help="Last value.")] = "5000000",
    steps: Annotated[
        int, typer.Option(min=1, max=5000, help="Evenly spaced steps from A to B (steps + 1 values).")
    ] = 50,
    item: Annotated[
        list[str] | None, typer.Option("--item", metavar="ID", help="Also report this policy's amount (repeatable).")
    ] = None,
    edges: Annotated[
        bool, typer.Option("--edges/--no-edges", help="Add the values on both sides of every threshold in range.")
    ] = True,
    set_: SetOption = None,
    params: Annotated[
        str | None,
        typer.Option(
            "--params",
            metavar="FILE.toml",
            help="A reform: each point computed for baseline and reform.",
            rich_help_panel=WHATIF_PANEL,
        ),
    ] = None,
    format_: Annotated[TableJsonCsv, typer.Option("--format", "-f", rich_help_panel=OUTPUT_PANEL)] = TableJsonCsv.table,
    svg: Annotated[
        Path | None, typer.Option("--svg", metavar="FILE", help="Write the chart as SVG.", rich_help_panel=OUTPUT_PANEL)
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Write a page with the chart and the table.", rich_help_panel=OUTPUT_PANEL
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels.", rich_help_panel=OUTPUT_PANEL)] = Lang.zh,
) -> None:
    """Every total (and chosen items) as one field varies: table, terminal chart, SVG/HTML chart, CSV/JSON."""
    from .sweep import SweepError, run_sweep
    from .views import sweep as view
    from .views.machine import to_text

    prof = run_guarded(build_profile, profile, {}, set_ or [])
    reform = load_reform_option(params)
    try:
        result = run_guarded(run_sweep, prof, field, from_, to, steps, items=item or (), reform=reform, edges=edges)
    except SweepError as e:
        fail(str(e))
    lg = lang_code(lang.value)
    if svg is not None:
        write_file(svg, view.sweep_svg(result, lg), "--svg")
    if html is not None:
        from .views.html import sweep_page

        write_file(html, sweep_page(result, lg), "--html")
    if format_ is TableJsonCsv.json:
        sys.stdout.write(to_text(view.sweep_json(result, lg), "json"))
    elif format_ is TableJsonCsv.csv:
        sys.stdout.write(view.sweep_csv(result))
    else:
        view.print_sweep(result, lg)


# ── schema ───────────────────────────────────────────────────────────────────────────────────────────────────


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """The JSON Schema of a profile (draft 2020-12), generated from the declared schema, for editors and scripts."""
    import json

    from .schema.jsonschema import profile_schema

    text = json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_file(output, text, "--output")
