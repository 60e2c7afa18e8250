"""The typer app. Thin: parse the arguments, call the core, render. No rule logic here.

Exit status: 0 computed; 2 unusable arguments or an invalid profile (one line naming the field, the value and what
was expected — never a traceback); 1 a batch in which some rows failed.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from . import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .messages import Lang as LangCode
    from .model import Advisory, Result

app = typer.Typer(
    name="xzcalc",
    help="What the 2022 relief and support policies of Xinzhou, Shanxi and Inner Mongolia are worth to an "
    "enterprise, in yuan — each amount with its clause and its arithmetic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"
    csv = "csv"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class TemplateFormat(StrEnum):
    toml = "toml"
    csv = "csv"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and the exit code; the only way bad input leaves the CLI."""
    sys.stderr.write(f"xzcalc: error: {message}\n")
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"xzcalc {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """xzcalc: relief calculator for Xinzhou, Shanxi and Inner Mongolia (tax year 2022)."""


PROFILE_PANEL = "Profile fields (override the file)"
OUTPUT_PANEL = "Output"

# --set PATH=VALUE, shared by every command that reads a profile
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Set any profile field by dotted path (repeatable).",
        rich_help_panel=PROFILE_PANEL,
    ),
]


def read_profile_source(profile: str | None) -> dict[str, Any]:
    """The raw nested mapping of a profile file (TOML/JSON) or stdin (`-`), before overrides."""
    from .schema.profile import load_profile

    if profile is None:
        return {}
    if profile == "-":
        return load_profile(sys.stdin.read(), source="stdin")
    path = Path(profile)
    if not path.is_file():
        fail(f"profile: {profile!r} is not a readable file — expected a TOML or JSON profile, or - for stdin")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        fail(f"profile: {profile!r} cannot be read ({e.__class__.__name__}) — expected a UTF-8 TOML or JSON file")
    return load_profile(text, source=profile, fmt="json" if path.suffix.lower() == ".json" else "auto")


def build_profile(profile: str | None, options: dict[str, str | None], assignments: list[str]) -> Any:
    """File, then options, then --set PATH=VALUE; parsed and validated once through the declared schema."""
    from .schema.build import parse_profile
    from .schema.paths import set_path

    data = read_profile_source(profile)
    for path, value in options.items():
        if value is not None:
            set_path(data, path, value)
    for assignment in assignments:
        path, sep, value = assignment.partition("=")
        if not sep or not path.strip():
            fail(f"--set: {assignment!r} is not valid — expected PATH=VALUE, e.g. --set vat.sales_3pct.2=600000")
        set_path(data, path.strip(), value)
    return parse_profile(data)


def run_guarded(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Turn the core's input errors into one line and exit code 2."""
    from .money import MoneyError
    from .params import UnsupportedYear
    from .schema.profile import ProfileError

    try:
        return fn(*args, **kwargs)
    except (ProfileError, UnsupportedYear) as e:
        fail(str(e))
    except MoneyError as e:
        fail(f"{e.value!r} is not valid — expected {e.expected}")


@app.command()
def calc(
    profile: Annotated[
        str | None, typer.Argument(help="Profile: a TOML or JSON file, or - for stdin. Optional: options suffice.")
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="xinzhou | shanxi | inner-mongolia", rich_help_panel=PROFILE_PANEL)
    ] = None,
    year: Annotated[str | None, typer.Option(help="Tax year (2022).", rich_help_panel=PROFILE_PANEL)] = None,
    entity: Annotated[
        str | None, typer.Option(help="company | individual-business", rich_help_panel=PROFILE_PANEL)
    ] = None,
    sector: Annotated[
        str | None, typer.Option(help="GB/T 4754-2017 code: C, C34, K7010.", rich_help_panel=PROFILE_PANEL)
    ] = None,
    employees: Annotated[
        str | None, typer.Option(help="Annual average headcount.", rich_help_panel=PROFILE_PANEL)
    ] = None,
    assets: Annotated[
        str | None,
        typer.Option(help="Annual average total assets (yuan; 3000万 works).", rich_help_panel=PROFILE_PANEL),
    ] = None,
    revenue: Annotated[str | None, typer.Option(help="Operating revenue.", rich_help_panel=PROFILE_PANEL)] = None,
    income: Annotated[
        str | None,
        typer.Option(
            help="Taxable income before R&D and equipment deductions (may be negative).", rich_help_panel=PROFILE_PANEL
        ),
    ] = None,
    rd: Annotated[str | None, typer.Option(help="Eligible R&D expense.", rich_help_panel=PROFILE_PANEL)] = None,
    taxpayer: Annotated[
        str | None, typer.Option(help="VAT taxpayer: small-scale | general", rich_help_panel=PROFILE_PANEL)
    ] = None,
    set_: SetOption = None,
    format_: Annotated[OutputFormat, typer.Option("--format", "-f", rich_help_panel=OUTPUT_PANEL)] = OutputFormat.table,
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
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="Also write the breakdown as a chart (SVG).", rich_help_panel=OUTPUT_PANEL
        ),
    ] = None,
) -> None:
    """Compute every policy for one enterprise: amount, clause, and (with --explain) the arithmetic."""
    from .commands import run_calc

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
    prof = run_guarded(build_profile, profile, options, set_ or [])
    run_calc(
        prof, fmt=format_.value, lang=lang.value, explain=explain, margin=margin, params=params, html=html, svg=svg
    )


def emit_result(result: Result, fmt: str, lang: str, explain: bool, advisories: Sequence[Advisory] = ()) -> None:
    lg: LangCode = "en" if lang == "en" else "zh"
    if fmt == "table":
        from .views.table import print_table

        print_table(result, lang=lg, explain=explain, advisories=advisories)
    else:
        from .views.machine import dumps

        sys.stdout.write(dumps(result, fmt, lang=lg, explain=explain, advisories=advisories))


@app.command()
def policies(
    jurisdiction: Annotated[str, typer.Option(help="xinzhou | shanxi | inner-mongolia")] = "xinzhou",
    year: Annotated[int, typer.Option(help="Tax year.")] = 2022,
    format_: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """The catalogue for a jurisdiction and year: id, title, kind, certainty, sources."""
    from .params import catalogue, param_set

    _check_jurisdiction(jurisdiction)
    run_guarded(param_set, jurisdiction, year)
    if format_ is ListFormat.json:
        from .views.machine import catalogue_json

        sys.stdout.write(catalogue_json(catalogue(jurisdiction), jurisdiction, year))
    else:
        from .views.table import print_catalogue

        print_catalogue(catalogue(jurisdiction), jurisdiction, year, lang=lang.value)


def _check_jurisdiction(jurisdiction: str) -> None:
    from .schema.build import parse_profile
    from .schema.profile import ProfileError

    try:
        parse_profile({"jurisdiction": jurisdiction})
    except ProfileError as e:
        fail(f"--jurisdiction: {jurisdiction!r} is not valid — expected {e.expected}")


@app.command("explain")
def explain_policy(
    policy_id: Annotated[str, typer.Argument(help="A policy id, e.g. cit.small_low_profit (see `xzcalc policies`).")],
    jurisdiction: Annotated[str, typer.Option(help="Whose parameters to show.")] = "xinzhou",
    year: Annotated[int, typer.Option(help="Tax year.")] = 2022,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """A rule in words, its parameters with values and dates, and its sources with the clause text quoted."""
    from .params import DataError, param_set, policy
    from .views.table import print_policy

    _check_jurisdiction(jurisdiction)
    try:
        info = policy(policy_id)
    except DataError:
        fail(f"policy: {policy_id!r} is not in the catalogue — expected an id listed by `xzcalc policies`")
    params = run_guarded(param_set, jurisdiction, year)
    print_policy(info, params, year, lang=lang.value)


@app.command()
def template(
    format_: Annotated[TemplateFormat, typer.Option("--format", "-f")] = TemplateFormat.toml,
    rows: Annotated[int, typer.Option(min=1, max=50, help="CSV: equipment/first-set columns per enterprise.")] = 3,
) -> None:
    """A commented profile template (TOML), or the header of every batch CSV column."""
    from .schema.template import csv_header, toml_template

    sys.stdout.write(toml_template() if format_ is TemplateFormat.toml else csv_header(rows))


# ── batch (xzcalc/batch.py does the work) ───────────────────────────────────────────────────────────────────


class BatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def batch(
    input_: Annotated[
        str,
        typer.Argument(metavar="INPUT", help="Enterprises, one CSV row each (`xzcalc template -f csv`), or -."),
    ],
    output: Annotated[str, typer.Option("--output", "-o", help="OUT.csv, OUT.jsonl, or - for stdout.")] = "-",
    format_: Annotated[
        BatchFormat | None,
        typer.Option("--format", "-f", help="Output format (default: from the -o suffix; csv for -)."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the cores).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Input encoding (default: detected — UTF-8, UTF-8 BOM, GB18030/GBK).")
    ] = None,
    params: Annotated[
        Path | None, typer.Option("--params", metavar="FILE.toml", help="A reform applied to every row.")
    ] = None,
    summary: Annotated[
        Path | None, typer.Option("--summary", metavar="FILE.json", help="Write the closing summary as JSON.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the summary.")] = Lang.zh,
    chunk_rows: Annotated[int, typer.Option(min=1, hidden=True)] = 1000,
) -> None:
    """Many enterprises, one CSV row each: streamed, in parallel, every row out (a failed row says why)."""
    import json

    from .batch import BatchError, run
    from .views.summary import summary_text

    reform = None
    if params is not None:
        from .reform import ReformError, load_reform

        try:
            reform = load_reform(params)
        except ReformError as e:
            fail(str(e))
    try:
        report = run(
            input_,
            output,
            fmt=None if format_ is None else format_.value,
            jobs=jobs,
            encoding=encoding,
            reform=reform,
            progress=not quiet and sys.stderr.isatty(),
            chunk_rows=chunk_rows,
        )
    except BatchError as e:
        fail(str(e))
    except KeyboardInterrupt:
        sys.stderr.write("xzcalc: interrupted — no output written\n")
        raise typer.Exit(130) from None
    if summary is not None:
        try:
            text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
            summary.write_text(text, encoding="utf-8")
        except OSError as e:
            fail(f"--summary: {str(summary)!r} cannot be written ({e.strerror})")
    if not quiet:
        sys.stderr.write(summary_text(report, lang.value))
    if report.summary.failed:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point.

    typer turns every command's signature into options before it runs one; when the command line names a command,
    only that one is built (the others cost a tenth of `xzcalc calc`'s start-up). `xzcalc --help` still lists all.
    """
    chosen = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    commands = [c for c in app.registered_commands if _command_name(c) == chosen]
    if commands:
        app.registered_commands = commands
    app()


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.replace("_", "-"))


# compare, sweep and schema (and calc's --margin/--params/--html/--svg) live in commands.py; importing it registers them
from . import commands as _commands  # noqa: E402, F401
