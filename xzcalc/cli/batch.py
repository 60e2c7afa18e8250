"""`xzcalc batch`: many enterprises (xzcalc.batch does the work; views.summary the closing text)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Lang, app, fail

if TYPE_CHECKING:
    pass


# ── batch (xzcalc/batch.py does the work) ───────────────────────────────────────────────────────────────────


class BatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def batch(
    input_: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="Enterprises, one CSV row each (`xzcalc template -f csv`), a .parquet file or folder, or -.",
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="OUT.csv, OUT.jsonl, OUT.parquet, or - for stdout.")
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
    lang: Annotated[Lang, typer.Option(help="Language of the summary.")] = Lang.zh,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="tcp://HOST:PORT|local:N",
            help="Compute on a Dask cluster: a scheduler's address, or local:N worker processes (not with --jobs).",
        ),
    ] = None,
    chunk_rows: Annotated[int, typer.Option(min=1, hidden=True)] = 1000,
) -> None:
    """Many enterprises, one CSV row each: streamed, in parallel, every row out (a failed row says why).

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
            scheduler=scheduler,
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


def _stderr(text: str) -> None:
    """The summary and notes: stderr closed or full is no reason to fail a run whose output is written."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
