"""`xzcalc batch`: many enterprises, one CSV row each, streamed in constant memory over a process pool.

    rows.py     the row, pure and importable: RowEngine(reform).compute(cells) → RowResult; the output Layout
    records.py  physical lines (CR, LF, CRLF) and records (a quoted cell may span lines; a quote left open costs
                its own line only), the limits of a record
    worker.py   what a worker does with a chunk of records: decode, parse, compute, format; error rows
    io.py       encodings, the header, the output written aside and renamed (or directly, when not a regular file)
    summary.py  what a run did (Summary, Report); its closing text for people is views/summary.py
    driver.py   run(): the stream, the pool (a lost worker ends the run), order, bounded in-flight chunks and --jobs,
                interruption

Public API: run, RowEngine, compute_row, RowResult, layout, Layout, detect_encoding, neutralise, Summary, Report,
BatchError (exit 2), RunFailed (exit 3) — for Dask, Spark `mapPartitions` or a pool of your own, use RowEngine.
"""

from __future__ import annotations

from ..inputs import neutralise
from .driver import run
from .io import BatchError, RunFailed, detect_encoding, output_format
from .rows import Layout, RowEngine, RowResult, compute_row, layout
from .summary import Report, Summary

__all__ = [
    "BatchError",
    "Layout",
    "Report",
    "RowEngine",
    "RowResult",
    "RunFailed",
    "Summary",
    "compute_row",
    "detect_encoding",
    "layout",
    "neutralise",
    "output_format",
    "run",
]
