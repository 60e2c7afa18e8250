"""`xzcalc batch`: many enterprises, one CSV row each, streamed in constant memory over a process pool.

    rows.py     the row, pure and importable: RowEngine(reform).compute(cells) → RowResult; the output Layout
    worker.py   what a worker does with a chunk of records: parse, compute, format
    io.py       encodings, the header, records in chunks, the output file written aside and renamed at the end
    summary.py  what a run did (Summary, Report); its closing text for people is views/summary.py
    driver.py   run(): the stream, the pool, order, bounded in-flight chunks, interruption

Public API: run, RowEngine, compute_row, RowResult, layout, Layout, detect_encoding, neutralise, Summary, Report,
BatchError — for Dask, Spark `mapPartitions` or a pool of your own, use RowEngine.
"""

from __future__ import annotations

from .driver import run
from .io import BatchError, detect_encoding, output_format
from .rows import Layout, RowEngine, RowResult, compute_row, layout, neutralise
from .summary import Report, Summary

__all__ = [
    "BatchError",
    "Layout",
    "Report",
    "RowEngine",
    "RowResult",
    "Summary",
    "compute_row",
    "detect_encoding",
    "layout",
    "neutralise",
    "output_format",
    "run",
]
