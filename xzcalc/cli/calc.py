"""`xzcalc calc`: one enterprise — the breakdown, advisories, reforms, the HTML report and SVG."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..inputs import echo
from .app import (
    OUTPUT_PANEL,
    PROFILE_PANEL,
    BomOption,
    Lang,
    OutputFormat,
    SetOption,
    app,
    build_profile,
    emit_result,
    fail,
    lang_code,
    load_reform_option,
    parse_margin,
    refuse_inputs,
    run_guarded,
    write_csv,
    write_file,
)

if TYPE_CHECKING:
    from ..model import Advisory, Result


@app.command()
def calc(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Argument(help="Profile: a TOML or JSON file, or - for stdin. Optional: options suffice.")
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="xinzhou | shanxi | inner-mongolia", rich_help_panel=PROFILE_PANEL)
    ] = None,
    year: Annotated[
        str | None, typer.Option(help="Tax year (2019–2027; default 2022).", rich_help_panel=PROFILE_PANEL)
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help="company | individual-business", rich_help_panel=PROFILE_PANEL)
    ] = None,
    sector: Annotated[
        str | None, typer.Option(help="GB/T 4754-2017 code: C, C34, K7010.", rich_help_panel=PROFILE_PANEL)
    ] = None,
    employees: Annotated[
        str | None,
        typer.Option(
            help="从业人数: annual average headcount, dispatched workers included; each quarter (start + end) ÷ 2, "
            "the year the four quarters ÷ 4 (2022年第13号 第二条).",
            rich_help_panel=PROFILE_PANEL,
        ),
    ] = None,
    assets: Annotated[
        str | None,
        typer.Option(
            help="资产总额: annual average total assets, yuan (3000万 works); quarterly averages as for employees.",
            rich_help_panel=PROFILE_PANEL,
        ),
    ] = None,
    revenue: Annotated[str | None, typer.Option(help="Operating revenue.", rich_help_panel=PROFILE_PANEL)] = None,
    income: Annotated[
        str | None,
        typer.Option(
            help="income.taxable_income: line 19 of the CIT return plus the R&D and equipment deductions, before "
            "earlier losses (negative = a loss); NOT line 23 — give that as --set income.taxable_income_reported=…",
            rich_help_panel=PROFILE_PANEL,
        ),
    ] = None,
    rd: Annotated[str | None, typer.Option(help="Eligible R&D expense.", rich_help_panel=PROFILE_PANEL)] = None,
    taxpayer: Annotated[
        str | None, typer.Option(help="VAT taxpayer: small-scale | general", rich_help_panel=PROFILE_PANEL)
    ] = None,
    set_: SetOption = None,
    format_: Annotated[OutputFormat, typer.Option("--format", "-f", rich_help_panel=OUTPUT_PANEL)] = OutputFormat.table,
    bom: BomOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the arithmetic behind every number.", rich_help_panel=OUTPUT_PANEL)
    ] = False,
    lang: Annotated[Lang, typer.Option(help="Language of titles and reasons.", rich_help_panel=OUTPUT_PANEL)] = Lang.zh,
    margin: Annotated[
        str,
        typer.Option(
            help="Advise on thresholds within this share of the line (10% or 0.1; 0 = off).", rich_help_panel="What-if"
        ),
    ] = "10%",
    params: Annotated[
        str | None,
        typer.Option(
            "--params",
            metavar="FILE.toml",
            help="A reform (parameters overridden): baseline and reform side by side with the difference.",
            rich_help_panel="What-if",
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", metavar="FILE", help="Also write a shareable report page (HTML).", rich_help_panel=OUTPUT_PANEL
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The report's date (default: SOURCE_DATE_EPOCH when set, else today).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = None,
    appendix: Annotated[
        bool,
        typer.Option(
            "--appendix",
            help="Print the report's appendix too (the arithmetic and the clauses; on screen it is always there).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="Also write the breakdown as a chart (SVG).", rich_help_panel=OUTPUT_PANEL
        ),
    ] = None,
) -> None:
    """Compute every policy for one enterprise: amount, clause, and (with --explain) the arithmetic."""

    options = {
        "jurisdiction": jurisdiction,
        "year": year,
        "entity": entity,
        "sector": sector,
        "employees": employees,
        "total_assets": assets,
        "revenue": revenue,
        "income.taxable_income": income,
        "income.rd_expense": rd,
        "vat.taxpayer": taxpayer,
    }
    if profile is None and not set_ and all(v is None for v in options.values()):
        # nothing to compute: a table of zeros would look like an answer (issue 12 §7); a bad option still says so
        parse_margin(margin)
        load_reform_option(params)
        # the usage in the one line every bad input gets (the doors' contract: one line, exit 2)
        usage = " ".join(ctx.get_usage().split())
        fail(
            f"nothing to compute — {usage} (a TOML or JSON profile, - for stdin, or profile options such as "
            f"--employees; {ctx.command_path} --help for more)"
        )
    refuse_inputs("--html", html, profile, params)
    refuse_inputs("--svg", svg, profile, params)
    prof = run_guarded(build_profile, profile, options, set_ or [])
    run_calc(
        prof,
        fmt=format_.value,
        lang=lang.value,
        explain=explain,
        margin=margin,
        params=params,
        html=html,
        svg=svg,
        on=date,
        appendix=appendix,
        bom=bom,
    )


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
    on: str | None = None,
    appendix: bool = False,
    bom: bool | None = None,
) -> None:
    from ..analysis.advisor import advise
    from ..engine import calculate

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
    if html is not None or on is not None:  # (a --date is checked even when no report uses it)
        import os

        from ..views.html import report_date

        try:
            day = report_date(on)
        except ValueError:
            where, given = (
                ("--date", on) if on is not None else ("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH"))
            )
            fail(f"{where}: {echo(given or '')!r} is not valid — expected a date YYYY-MM-DD (--date) or whole seconds")
    if html is not None:
        from ..receipt import receipt as make_receipt
        from ..views.html import report_page

        shown_advisories = advisories if reformed is None else reformed_advisories
        page = report_page(
            result,
            lang=lg,
            advisories=shown_advisories,
            reformed=reformed,
            reform=reform,
            on=day,
            appendix=appendix,
            receipt=make_receipt(reform.sha256 if reform is not None else None),
        )
        write_file(html, page, "--html")
    if svg is not None:
        from ..views.svg import breakdown_svg

        write_file(svg, breakdown_svg(reformed or result, lang=lg), "--svg")
    if reformed is None or reform is None:
        emit_result(result, fmt, lang, explain, advisories, bom=bom)
        return
    from ..receipt import receipt
    from ..views import compare as view
    from ..views.machine import to_text

    if fmt == "table":
        view.print_reform(result, reformed, reform, lg, reformed_advisories, explain=explain)
    elif fmt == "csv":
        write_csv(view.reform_csv(result, reformed), bom)
    else:
        data = view.reform_json(result, reformed, reform, lg, explain, (advisories, reformed_advisories))
        data["receipt"] = receipt(reform.sha256)
        sys.stdout.write(to_text(data, fmt))


# ── compare ──────────────────────────────────────────────────────────────────────────────────────────────────
