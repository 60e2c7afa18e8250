"""The what-if commands: `xzcalc compare` (three jurisdictions, or tax years with --years) and `xzcalc sweep` (one
field varied)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import (
    OUTPUT_PANEL,
    WHATIF_PANEL,
    BomOption,
    Lang,
    SetOption,
    TableJsonCsv,
    app,
    build_profile,
    fail,
    lang_code,
    load_reform_option,
    refuse_inputs,
    run_guarded,
    write_csv,
    write_file,
)

if TYPE_CHECKING:
    pass


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
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            metavar="Y1,Y2,…",
            help="Compare tax years instead (e.g. 2021,2022,2023,2025): the profile's jurisdiction under each year's "
            "rules, every date of the profile moved with the year.",
            rich_help_panel=WHATIF_PANEL,
        ),
    ] = None,
    format_: Annotated[TableJsonCsv, typer.Option("--format", "-f", rich_help_panel=OUTPUT_PANEL)] = TableJsonCsv.table,
    bom: BomOption = None,
    lang: Annotated[Lang, typer.Option(help="Language of titles.", rich_help_panel=OUTPUT_PANEL)] = Lang.zh,
) -> None:
    """The same enterprise in Xinzhou, Shanxi and Inner Mongolia side by side — or, with --years, in several tax
    years: per item and totals by kind (with the years each line changed)."""
    from ..analysis.compare import compare_jurisdictions, compare_years
    from ..views import compare as view
    from ..views.machine import to_text

    prof = run_guarded(build_profile, profile, {}, set_ or [])
    reform = load_reform_option(params)
    if years is not None:
        cmp = run_guarded(compare_years, prof, run_guarded(parse_years, years), reform=reform)
    else:
        cmp = run_guarded(compare_jurisdictions, prof, reform=reform)
    if format_ is TableJsonCsv.json:
        from ..receipt import receipt

        data = view.comparison_json(cmp, lang_code(lang.value))
        data["receipt"] = receipt(reform.sha256 if reform is not None else None)  # (contract.md: every JSON result)
        sys.stdout.write(to_text(data, "json"))
    elif format_ is TableJsonCsv.csv:
        write_csv(view.comparison_csv(cmp), bom)
    else:
        view.print_comparison(cmp, lang_code(lang.value))


def parse_years(text: str) -> list[int]:
    """--years 2021,2022,2023 → the tax years, each checked like a profile's `year` (one line, exit 2, naming the
    supported range); at most each supported year once, in the order given."""
    from ..schema.kinds import YEAR

    parts = [t.strip() for t in text.split(",")]
    if not any(parts):
        fail(f"--years: {text!r} is not valid — expected tax years separated by commas, e.g. 2021,2022,2023")
    years = [YEAR.parse(t, "--years") for t in parts]
    if len(set(years)) != len(years):
        fail(f"--years: {text!r} is not valid — expected each tax year once")
    return years


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
        int,
        typer.Option(
            min=1,
            max=4999,  # (analysis.sweep.MAX_POINTS − 1: steps + 1 values, not imported here for start-up's sake)
            help="Evenly spaced steps from A to B: steps + 1 values, and both sides of each threshold crossed, at "
            "most 5,000 in all.",
        ),
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
    bom: BomOption = None,
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
    from ..analysis.sweep import SweepError, run_sweep
    from ..views import sweep as view
    from ..views.machine import to_text

    refuse_inputs("--svg", svg, profile, params)
    refuse_inputs("--html", html, profile, params)
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
        from ..views.html import sweep_page

        write_file(html, sweep_page(result, lg), "--html")
    if format_ is TableJsonCsv.json:
        from ..receipt import receipt

        data = view.sweep_json(result, lg)
        data["receipt"] = receipt(reform.sha256 if reform is not None else None)
        sys.stdout.write(to_text(data, "json"))
    elif format_ is TableJsonCsv.csv:
        write_csv(view.sweep_csv(result), bom)
    else:
        view.print_sweep(result, lg)


# ── schema ───────────────────────────────────────────────────────────────────────────────────────────────────
