"""The catalogue and the schema: `xzcalc policies`, `explain`, `template`, `schema`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..schema.paths import MAX_TABLE_ROWS
from .app import Lang, ListFormat, TemplateFormat, app, fail, run_guarded, write_file

if TYPE_CHECKING:
    pass


@app.command()
def policies(
    jurisdiction: Annotated[str, typer.Option(help="xinzhou | shanxi | inner-mongolia")] = "xinzhou",
    year: Annotated[str | None, typer.Option(help="Tax year (2019–2027; default 2022).")] = None,
    format_: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """The catalogue in force for a jurisdiction in a tax year: id, title, kind, certainty, sources (a measure in
    force but not computed by xzcalc that year is listed and marked; one not in force is left out)."""
    from ..params import catalogue, param_set

    _check_jurisdiction(jurisdiction)
    tax_year = _tax_year(year)
    run_guarded(param_set, jurisdiction, tax_year)
    in_force = [p for p in catalogue(jurisdiction) if p.status_in(tax_year) != "not_in_force"]
    if format_ is ListFormat.json:
        from ..views.machine import catalogue_json

        sys.stdout.write(catalogue_json(in_force, jurisdiction, tax_year))
    else:
        from ..views.table import print_catalogue

        print_catalogue(in_force, jurisdiction, tax_year, lang=lang.value)


def _tax_year(text: str | None) -> int:
    """--year as a profile's `year` reads it (data/years.toml: one line naming the range, exit 2); its default."""
    from ..data import tax_years
    from ..schema.kinds import YEAR

    return tax_years().default if text is None else int(run_guarded(YEAR.parse, text, "--year"))


def _check_jurisdiction(jurisdiction: str) -> None:
    from ..schema.build import parse_profile
    from ..schema.profile import ProfileError

    try:
        parse_profile({"jurisdiction": jurisdiction})
    except ProfileError as e:
        fail(f"--jurisdiction: {jurisdiction!r} is not valid — expected {e.expected}")


@app.command("explain")
def explain_policy(
    policy_id: Annotated[str, typer.Argument(help="A policy id, e.g. cit.small_low_profit (see `xzcalc policies`).")],
    jurisdiction: Annotated[str, typer.Option(help="Whose parameters to show.")] = "xinzhou",
    year: Annotated[str | None, typer.Option(help="Tax year (2019–2027; default 2022).")] = None,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """A rule in words, its parameters with values and dates, and its sources with the clause text quoted — only the
    documents in force in the jurisdiction (national ones and its own chain's)."""
    from ..data import DataError
    from ..params import offered_in, param_set, policy
    from ..views.table import print_policy

    _check_jurisdiction(jurisdiction)
    try:
        info = policy(policy_id, jurisdiction)
    except DataError:
        fail(f"policy: {policy_id!r} is not in the catalogue — expected an id listed by `xzcalc policies`")
    if not offered_in(info, jurisdiction):
        fail(
            f"policy: {policy_id!r} is not offered in {jurisdiction} (only in {', '.join(info.jurisdictions)}) — "
            f"expected an id listed by `xzcalc policies --jurisdiction {jurisdiction}`"
        )
    tax_year = _tax_year(year)
    params = run_guarded(param_set, jurisdiction, tax_year)
    print_policy(info, params, tax_year, lang=lang.value)


@app.command()
def template(
    format_: Annotated[TemplateFormat, typer.Option("--format", "-f")] = TemplateFormat.toml,
    rows: Annotated[
        int, typer.Option(min=1, max=MAX_TABLE_ROWS, help="CSV: equipment/first-set columns per enterprise.")
    ] = 3,
) -> None:
    """A commented profile template (TOML), or the header of every batch CSV column."""
    from ..schema.template import csv_header, toml_template

    sys.stdout.write(toml_template() if format_ is TemplateFormat.toml else csv_header(rows))


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """The JSON Schema of a profile (draft 2020-12), generated from the declared schema, for editors and scripts."""
    import json

    from ..schema.jsonschema import profile_schema

    text = json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_file(output, text, "--output")
