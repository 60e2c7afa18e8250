"""`xzcalc batch`: many enterprises (xzcalc.batch does the work; views.summary the closing text)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Lang, app, fail, refuse_inputs

if TYPE_CHECKING:
    pass


# ── batch (xzcalc/batch.py does the work) ───────────────────────────────────────────────────────────────────


class Evaluator(StrEnum):
    columnar = "columnar"
    row = "row"


class BatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xlsx = "xlsx"
    parquet = "parquet"


@app.command()
def batch(
    input_: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="Enterprises, one row each: a CSV file (`xzcalc template -f csv`), an .xlsx workbook, a .parquet file "
            "or folder, or -.",
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="OUT.csv, OUT.jsonl, OUT.xlsx, OUT.parquet, or - for stdout.")
    ] = "-",
    format_: Annotated[
        BatchFormat | None,
        typer.Option("--format", "-f", help="Output format (default: from the -o suffix; csv for -)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the cores; at most 4 per core)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="Input encoding (default: each row UTF-8, else GB18030/GBK; a UTF-16 BOM is followed)."),
    ] = None,
    params: Annotated[
        Path | None, typer.Option("--params", metavar="FILE.toml", help="A reform applied to every row.")
    ] = None,
    summary: Annotated[
        Path | None, typer.Option("--summary", metavar="FILE.json", help="Write the closing summary as JSON.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
    lang: Annotated[
        Lang, typer.Option(help="Language of the summary and of an .xlsx output's headers (en: the column ids).")
    ] = Lang.zh,
    keep: Annotated[
        list[str] | None,
        typer.Option("--keep", metavar="COL", help="Carry this input column to the output (repeatable)."),
    ] = None,
    group_by: Annotated[
        list[str] | None,
        typer.Option("--group-by", metavar="COL", help="Carry this column and split the summary by its values."),
    ] = None,
    header_row: Annotated[
        int, typer.Option("--header-row", metavar="N", help="The header is line (row) N; the lines above are titles.")
    ] = 1,
    sheet: Annotated[str | None, typer.Option(help="The sheet of an .xlsx input (default: the first).")] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="A UTF-8 BOM on CSV output even on a pipe (for Excel).")
    ] = False,
    no_bom: Annotated[bool, typer.Option("--no-bom", help="No UTF-8 BOM on CSV output.")] = False,
    date_: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day what is still claimable is judged on (default: SOURCE_DATE_EPOCH, else today).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="tcp://HOST:PORT|local:N",
            help="Compute on a Dask cluster: a scheduler's address, or local:N worker processes (not with --jobs).",
        ),
    ] = None,
    evaluator: Annotated[
        Evaluator,
        typer.Option(
            "--evaluator",
            help="columnar (default): the rules written for columns run over blocks of rows; row: every rule row by "
            "row (the reference). The same output either way.",
        ),
    ] = Evaluator.columnar,
    chunk_rows: Annotated[int | None, typer.Option(min=1, hidden=True)] = None,  # (the driver's CHUNK_ROWS)
) -> None:
    """Many enterprises, one row each (CSV or .xlsx, dotted paths or a bureau's Chinese headers): streamed, in
    parallel, every row out (a failed row says why); per-policy totals, by jurisdiction and --group-by.

    Exit status: 0 every row computed; 1 some rows failed (each says why in its own row); 2 unusable arguments,
    input or header; 3 the run could not finish (a worker lost, the output not writable) — no partial output;
    130 interrupted."""
    import json

    from ..batch import BatchError, RunFailed, run
    from ..views.summary import summary_text

    reform = None
    if params is not None:
        from ..reform import ReformError, load_reform

        try:
            reform = load_reform(params)
        except ReformError as e:
            fail(str(e))
    if excel and no_bom:
        fail("--excel and --no-bom: expected one of them, not both")
    refuse_inputs("-o", output, input_, params)  # (the bureau's only list must survive any run)
    refuse_inputs("--summary", summary, input_, output, params)
    as_of = _as_of(date_)
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
            keep=tuple(keep or ()),
            group_by=tuple(group_by or ()),
            header_row=header_row,
            sheet=sheet,
            lang=lang.value,
            bom=True if excel else False if no_bom else None,
            as_of=as_of,
            scheduler=scheduler,
            evaluator=evaluator.value,
        )
    except BatchError as e:
        fail(str(e))
    except RunFailed as e:
        fail(str(e), 3)
    except KeyboardInterrupt:
        _stderr("xzcalc: interrupted — no output written\n")
        raise typer.Exit(130) from None
    if summary is not None:
        try:
            text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
            summary.write_text(text, encoding="utf-8")
        except OSError as e:
            fail(f"--summary: {str(summary)!r} cannot be written ({e.strerror})")
    if not quiet:
        _stderr(summary_text(report, lang.value))
    if report.summary.failed:
        raise typer.Exit(1)


def _as_of(text: str | None) -> date:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds' convention), else today."""
    import os

    if text is not None:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            fail(f"--date: {text!r} is not valid — expected a day YYYY-MM-DD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def _stderr(text: str) -> None:
    """The summary and notes: stderr closed or full is no reason to fail a run whose output is written."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
