"""`run()`: the batch driver — reads the input as a stream, hands chunks of whole records to worker processes in order
with a bounded number in flight, writes the output, keeps the summary. rich only for the progress bar on a terminal."""

from __future__ import annotations

import os
import signal
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from .io import Interrupted, Output, csv_line, open_input, output_format, read_header, record_chunks
from .rows import layout
from .summary import Report, Summary
from .worker import ChunkWriter, Job, init_worker, quiet_gc, work

if TYPE_CHECKING:
    from ..reform import Reform


CHUNK_ROWS = 1000


# ── the driver ──────────────────────────────────────────────────────────────────────────────────────────────


class _Progress:
    """A rich progress bar on stderr (rows, rows/s, ETA from the bytes read); nothing unless `enabled`."""

    def __init__(self, enabled: bool, size: int | None) -> None:
        self.bar: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("[bold]xzcalc batch"),
            BarColumn(),
            TextColumn("{task.fields[rows]:,} rows"),
            TextColumn("{task.fields[rate]:,.0f} rows/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("batch", total=size, rows=0, rate=0)
        self.start = time.perf_counter_ns()
        self.bar.start()

    def update(self, rows: int, position: int) -> None:
        if self.bar is not None:
            elapsed = time.perf_counter_ns() - self.start
            rate = rows * 1_000_000_000 // elapsed if elapsed else 0
            self.bar.update(self.task, completed=position, rows=rows, rate=rate)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted()


def run(
    source: str,
    target: str = "-",
    *,
    fmt: str | None = None,
    jobs: int | None = None,
    encoding: str | None = None,
    reform: Reform | None = None,
    progress: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> Report:
    """Compute every row of `source` into `target`; return the report. BatchError if it cannot start.

    Rows come out in input order whatever `jobs`; the output appears under `target` only when every row is
    written (a KeyboardInterrupt, SIGTERM or crash leaves no file there, and removes the temporary one).
    """
    started = time.perf_counter_ns()
    fmt = output_format(target, fmt)
    jobs = max(1, jobs or os.cpu_count() or 1)
    text, binary, encoding, size = open_input(source, encoding)
    out: Output | None = None
    pool: Any = None
    bar = _Progress(False, None)
    previous = signal.getsignal(signal.SIGTERM)
    main_thread = _is_main_thread()
    if main_thread:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        lines = iter(text)
        header, delimiter = read_header(lines, encoding)
        job = Job(header, fmt, delimiter, reform)
        lay = layout()  # before forking: workers inherit the loaded rules and parameters
        out = Output(target, fmt)
        if fmt == "csv":
            out.write(csv_line(lay.columns()))
        summary = Summary()
        chunks = record_chunks(lines, chunk_rows, binary, encoding)
        if jobs > 1:
            import multiprocessing

            pool = multiprocessing.Pool(jobs, initializer=init_worker, initargs=(job,))
        bar = _Progress(progress, size)
        if pool is None:
            writer = ChunkWriter(job)
            quiet_gc()
            try:
                for first, chunk, position in chunks:
                    body, part = writer.process(first, chunk)
                    out.write(body)
                    summary.merge(part)
                    bar.update(summary.rows, position)
            finally:
                import gc

                gc.unfreeze()
        else:
            in_flight: deque[tuple[Any, int]] = deque()
            limit = 2 * jobs + 1  # bounded: memory stays flat whatever the file size
            for first, chunk, position in chunks:
                in_flight.append((pool.apply_async(work, ((first, chunk),)), position))
                if len(in_flight) >= limit:
                    _drain_one(in_flight, out, summary, bar)
            while in_flight:
                _drain_one(in_flight, out, summary, bar)
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
        bar.stop()
        out.commit()
    except BaseException:
        bar.stop()
        if pool is not None:
            pool.terminate()
            pool.join()
        if out is not None:
            out.abort()
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if source != "-":
            binary.close()
    return Report(
        summary,
        source,
        target,
        fmt,
        encoding,
        jobs,
        time.perf_counter_ns() - started,
        tuple(pid for pid, _ in lay.policies),
    )


def _drain_one(in_flight: deque[tuple[Any, int]], out: Output, summary: Summary, bar: _Progress) -> None:
    pending, position = in_flight.popleft()
    body, part = pending.get()
    out.write(body)
    summary.merge(part)
    bar.update(summary.rows, position)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
