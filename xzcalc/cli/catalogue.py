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
    year: Annotated[int, typer.Option(help="Tax year.")] = 2022,
    format_: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """The catalogue for a jurisdiction and year: id, title, kind, certainty, sources."""
    from ..params import catalogue, param_set

    _check_jurisdiction(jurisdiction)
    run_guarded(param_set, jurisdiction, year)
    if format_ is ListFormat.json:
        from ..views.machine import catalogue_json

        sys.stdout.write(catalogue_json(catalogue(jurisdiction), jurisdiction, year))
    else:
        from ..views.table import print_catalogue

        print_catalogue(catalogue(jurisdiction), jurisdiction, year, lang=lang.value)


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
    year: Annotated[int, typer.Option(help="Tax year.")] = 2022,
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
    params = run_guarded(param_set, jurisdiction, year)
    print_policy(info, params, year, lang=lang.value)


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
