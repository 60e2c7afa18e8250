"""`run()`: the batch driver — reads the input as a stream of records, hands chunks of them to worker processes in
order with a bounded number in flight, writes the output, keeps the summary. A lost worker ends the run at once
(exit 3, no partial output); `--jobs` is bounded. rich only for the progress bar on a terminal."""

from __future__ import annotations

import csv
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..receipt import receipt
from .bureau import known_column, numeric_columns, output_titles, resolve_columns
from .io import (
    BatchError,
    Interrupted,
    Output,
    RunFailed,
    Source,
    csv_line,
    header_hint,
    open_input,
    output_format,
    read_header_cells,
)
from .pool import Pool, WorkerLost
from .records import MAX_RECORD_BYTES, Record
from .rows import layout
from .summary import ReformApplied, Report, Summary
from .worker import ChunkWriter, Job, quiet_gc, written_by_column
from .xlsx import MAX_SHEET_ROWS, XlsxOutput, XlsxSource, is_xlsx

if TYPE_CHECKING:
    from ..reform import Reform
    from .parquet import ParquetOutput


CHUNK_ROWS = 8000  # (the columnar evaluator's blocks: larger ones spread its per-operation cost; measured)
CHUNK_BYTES = 4 << 20  # a chunk ends at CHUNK_ROWS records or this many bytes, whichever comes first
# … and at this many cells (rows × the header's columns): a worker holds a chunk's cells as columns, each distinct text
# read, so a wide header (template --rows 50: 479 columns) takes fewer rows to stay within the 150 MB a process may
# use (measured in one process computing 40,000 rows chunk after chunk, peak RSS: the 150 template columns in 6,666-row
# chunks 112 MB, the 32 of a bureau's register in 8,000-row chunks 98 MB, 479 columns in 2,087-row chunks 88 MB)
CHUNK_CELLS = 1_000_000
# a chunk whose rows are written one by one — JSON lines, .xlsx, Parquet, a header with carried or claimed columns,
# the row evaluator — holds every row's result (an item a policy) until it is written: fewer rows (measured, 10,000
# rows of today's mix to JSON lines, peak RSS: 6,666-row chunks 224 MB a worker and 133 MB the parent; 2,000-row
# chunks 98 and 66 MB)
CHUNK_ROWS_BY_ROW = 2000
# near the end of an input of known size each chunk holds at most this share of the rows left for each worker (and
# at least CHUNK_ROWS_LEAST of `rows`): the chunks shrink, and the workers end together instead of one computing a
# last whole chunk while the others wait (guided self-scheduling)
TAIL_SHARE = 2
CHUNK_ROWS_LEAST = 16
JOBS_PER_CORE = 4  # --jobs is at most this many processes per core this process may use
FREEZE_AFTER = 5000  # rows computed in-process (--jobs 1) before the loaded data is frozen out of the collector's
# sight: a full collection costs tens of milliseconds in a large process, which a short run need not pay


def cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # (not Linux)
        return os.cpu_count() or 1


def jobs_bound() -> int:
    return JOBS_PER_CORE * cores()


def check_jobs(jobs: int | None) -> int:
    """--jobs, or the cores by default; BatchError above the bound (each worker is a process of ~25 MB: --jobs
    100000 forked until the kernel's OOM killer stopped it)."""
    if jobs is None:
        return cores()
    bound = jobs_bound()
    if not 1 <= jobs <= bound:
        raise BatchError(
            f"--jobs: {jobs} is not a number of worker processes this machine can use — expected at most {bound} "
            f"({JOBS_PER_CORE} per core, {cores()} cores) and at least 1"
        )
    return jobs


def check_scheduler(scheduler: str | None, jobs: int | None) -> str | int | None:
    """--scheduler: a Dask scheduler's address (tcp://HOST:PORT, tls://…), or local:N — N single-threaded worker
    processes of a cluster started here, bounded like --jobs; None without it. BatchError for anything else, and
    for --jobs given too (xzcalc/batch/distributed.py runs it; dask is imported only there)."""
    from .io import _shown

    if scheduler is None:
        return None
    if jobs is not None:
        raise BatchError(
            f"--jobs {jobs} and --scheduler {_shown(scheduler)}: give one of them — expected --jobs N for worker "
            "processes here, or --scheduler for a Dask cluster (local:N for N worker processes here)"
        )
    kind, _, rest = scheduler.partition(":")
    if kind == "local":
        bound = jobs_bound()
        if not (rest.isdigit() and rest.isascii() and 1 <= int(rest) <= bound):
            raise BatchError(
                f"--scheduler: {_shown(scheduler)} is not a number of worker processes this machine can use — "
                f"expected local:N with N from 1 to {bound} ({JOBS_PER_CORE} per core, {cores()} cores)"
            )
        return int(rest)
    host, _, port = rest.removeprefix("//").rpartition(":")
    if kind in ("tcp", "tls") and rest.startswith("//") and host and port.isdigit() and port.isascii():
        return scheduler
    raise BatchError(
        f"--scheduler: {_shown(scheduler)} is not a scheduler — expected tcp://HOST:PORT (a running Dask scheduler: "
        "`dask scheduler` prints it) or local:N (a cluster of N worker processes here)"
    )


def _columnar(source: str) -> bool:
    """A Parquet input: a .parquet file or a folder (of .parquet files). The one place the reader is chosen by
    suffix; xzcalc/batch/parquet.py, and pyarrow, are loaded only then."""
    return source != "-" and (source.lower().endswith(".parquet") or os.path.isdir(source))


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


def _on_signal(signum: int, frame: object) -> None:
    raise Interrupted()


_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def rows_a_chunk(rows: int, width: int) -> int:
    """The rows of a chunk for a header of `width` columns: `rows` (CHUNK_ROWS unless --chunk-rows says otherwise),
    fewer when that many rows would hold more than CHUNK_CELLS cells — at least one."""
    return max(1, min(rows, CHUNK_CELLS // max(width, 1)))


def _chunks(
    records: Iterable[Record], rows: int, source: Source | XlsxSource, jobs: int = 1
) -> Iterator[tuple[list[Record], int]]:
    """Records in chunks of `rows` (or CHUNK_BYTES), each with the input's byte position after it. For `jobs`
    workers reading a file of known size, the last chunks shrink: at most 1/(TAIL_SHARE × jobs) of the rows left
    (estimated from the bytes a row has taken so far), at least `rows` // CHUNK_ROWS_LEAST."""
    chunk: list[Record] = []
    size = 0
    limit = rows
    total = source.size if isinstance(source, Source) and jobs > 1 else None
    given = given_bytes = 0  # the records in chunks so far, and their bytes
    for record in records:
        chunk.append(record)
        size += len(record[1])
        if len(chunk) >= limit or size >= CHUNK_BYTES:
            yield chunk, source.position
            if total:
                given += len(chunk)
                given_bytes += size
                left = (total - given_bytes) * given // given_bytes  # (rows, estimated)
                limit = max(min(rows, left // (TAIL_SHARE * jobs)), rows // CHUNK_ROWS_LEAST, 1)
            chunk = []
            size = 0
    if chunk:
        yield chunk, source.position


def _fits(delimiter: str, width: int) -> Any:
    """Whether a record whose quoted cell spans lines reads as a row of the header: strict CSV, the header's
    number of cells (more only when empty). Otherwise the quote on its first line was left open."""

    def fits(data: bytes) -> bool:
        text = data.decode("latin-1").rstrip("\r\n")  # (quotes, delimiters and line breaks are ASCII)
        try:
            cells = next(csv.reader((text,), delimiter=delimiter, strict=True), [])
        except csv.Error:
            return False
        n = len(cells)
        return n == width or (n > width and not any(c.strip() for c in cells[width:]))

    return fits


TITLE_LINES_LOOKED_AT = 10  # a title row above the header: the header is looked for this far down


def _header_below(reader: Any, src: Any, keep: Sequence[str], group_by: Sequence[str]) -> int:
    """When line 1 names no column (a title above the header): the first line up to TITLE_LINES_LOOKED_AT that would
    be a valid header — or, failing one, whose named cells are at least two and most of its cells (a bureau's
    header with columns of its own, for --keep) — or 0."""
    likely = 0
    for line in range(2, TITLE_LINES_LOOKED_AT + 1):
        try:
            cells = reader.header(line) if isinstance(src, XlsxSource) else read_header_cells(reader, src, 1)[0]
        except BatchError:
            break
        named = [c for c in cells if c.strip()]
        known = sum(1 for c in named if known_column(c))
        if not known:
            continue
        try:
            resolve_columns(cells, keep, group_by)
        except BatchError:
            if not likely and known >= 2 and known * 2 >= len(named):
                likely = line
            continue
        return line
    return likely


def _title_row(raw: Sequence[str], line: int) -> str:
    """The one line for a title row taken for the header (instead of the list of unknown columns, each with a field
    it is not): what line 1 holds and where the header seems to be."""
    named = [c.strip() for c in raw if c.strip()]
    first = repr(named[0] if len(named[0]) <= 60 else named[0][:57] + "...")
    return (
        f"line 1 has {len(named):,} column{'s' if len(named) != 1 else ''} and none is a profile field (the first: "
        f"{first}) — a title above the header? (the header seems to be line {line}: --header-row {line})"
    )


def run(
    source: str,
    target: str = "-",
    *,
    fmt: str | None = None,
    jobs: int | None = None,
    encoding: str | None = None,
    reform: Reform | None = None,
    progress: bool = False,
    chunk_rows: int | None = None,
    keep: Sequence[str] = (),
    group_by: Sequence[str] = (),
    header_row: int = 1,
    sheet: str | None = None,
    lang: str | None = None,
    bom: bool | None = None,
    as_of: date | None = None,
    scheduler: str | None = None,
    evaluator: str = "columnar",
) -> Report:
    """Compute every record of `source` into `target`; return the report. BatchError if it cannot start,
    RunFailed if it cannot finish (a worker lost, the output not writable).

    Rows come out in input order whatever `jobs`; the output appears under a regular file's name only when every
    row is written (a KeyboardInterrupt, SIGTERM, SIGHUP, crash or RunFailed leaves no file there, and removes the
    temporary one; one left by a kill -9 is removed by the next run writing the same output).

    `scheduler` (tcp://HOST:PORT or local:N) computes the chunks on a Dask cluster instead (distributed.py).
    `evaluator`: "columnar" runs the families of batch/columnar.py over each chunk's columns, "row" every family
    row by row (the reference; the same output).
    """
    started = time.perf_counter_ns()
    fmt = output_format(target, fmt)
    cluster = check_scheduler(scheduler, jobs)
    jobs = check_jobs(jobs) if cluster is None else cluster if isinstance(cluster, int) else 0
    if header_row < 1:
        raise BatchError(f"--header-row: {header_row} is not a line number — expected 1 or more")
    src: Any
    if is_xlsx(source):
        if encoding is not None:
            raise BatchError("--encoding: an .xlsx workbook has no text encoding — expected no --encoding")
        src = XlsxSource(source, sheet)
    elif sheet is not None:
        raise BatchError(f"--sheet: {source!r} is not an .xlsx workbook — expected --sheet with an .xlsx input")
    elif _columnar(source):  # Parquet in (xzcalc/batch/parquet.py)
        from .parquet import ParquetSource

        src = ParquetSource(source, encoding)
    else:
        src = open_input(source, encoding)
    out: Any = None
    pool: Pool | None = None
    bar = _Progress(False, None)
    main_thread = _is_main_thread()
    previous = [signal.getsignal(s) for s in _SIGNALS]
    if main_thread:
        for s in _SIGNALS:
            signal.signal(s, _on_signal)
    if csv.field_size_limit() < MAX_RECORD_BYTES:  # a long cell is its row's error, not the csv module's
        csv.field_size_limit(MAX_RECORD_BYTES)
    try:
        reader: Any = None
        if isinstance(src, XlsxSource):
            reader = src.reader()
            raw, delimiter, hint = reader.header(header_row), ",", ""
        elif isinstance(src, Source):
            reader = src.reader()
            raw, delimiter = read_header_cells(reader, src, header_row)
            hint = header_hint(src)
        else:  # Parquet: the columns' names (a table has no title rows above them)
            if header_row != 1:
                raise BatchError("--header-row: a Parquet file's header is its schema — expected no --header-row")
            raw, delimiter, hint = list(src.header), ",", ""
        try:
            columns = resolve_columns(raw, keep, group_by, hint)
        except BatchError:
            if header_row == 1 and reader is not None and raw and not any(map(known_column, raw)):
                below = _header_below(reader, src, keep, group_by)
                if below:
                    raise BatchError(_title_row(raw, below)) from None
            raise
        header = columns.raw
        job = Job(header, fmt, delimiter, reform, src.decoding, src.encoding, os.getpid(), columns, evaluator)
        lay = layout()  # before forking: workers inherit the loaded rules and parameters
        names = ChunkWriter.output_columns(lay, columns)
        if fmt == "xlsx":
            _check_sheet_rows(source, src)
            zh = (lang or "zh") == "zh"
            out = XlsxOutput(target, names, output_titles(names, columns) if zh else names, numeric_columns(names))
        elif fmt == "parquet":  # Parquet out (xzcalc/batch/parquet.py)
            from .parquet import ParquetOutput

            out = ParquetOutput(target, lay, columns)
        else:
            out = Output(target, fmt, bom)
        if fmt == "csv":
            out.write(csv_line(names))
        summary = Summary()
        rows = CHUNK_ROWS if written_by_column(job) else CHUNK_ROWS_BY_ROW
        chunk_rows = rows_a_chunk(chunk_rows or rows, len(header))
        if isinstance(src, XlsxSource):
            chunks = _chunks(reader.records(), chunk_rows, src)
        elif isinstance(src, Source):
            records = reader.records(delimiter.encode(), _fits(delimiter, len(header)))
            chunks = _chunks(records, chunk_rows, src, jobs)
        else:
            chunks = src.chunks(chunk_rows)
        bar = _Progress(progress, src.size)
        if cluster is not None:  # a Dask cluster (xzcalc/batch/distributed.py)
            from .distributed import run_on_cluster

            jobs = run_on_cluster(cluster, job, chunks, out, summary, bar.update)
        elif jobs == 1:
            writer = ChunkWriter(job)
            frozen = False
            try:
                for records, position in chunks:
                    if not frozen and summary.rows >= FREEZE_AFTER:  # a long run: see quiet_gc
                        quiet_gc()
                        frozen = True
                    body, part = writer.process(records)
                    out.write(body)
                    summary.merge(part)
                    bar.update(summary.rows, position)
            finally:
                if frozen:
                    import gc

                    gc.unfreeze()
        else:
            pool = Pool(jobs, job)
            # finished chunks not yet written (one that finished early waits for the ones before it)
            done: dict[int, tuple[Any, Summary]] = {}
            pending: deque[tuple[int, int, int]] = deque()  # (chunk, first line, byte position), not yet written
            try:
                for index, (records, position) in enumerate(chunks):
                    pending.append((index, records[0][0], position))
                    pool.submit(index, records, done)
                    _write_done(done, pending, out, summary, bar)
                while pool.busy():
                    pool.collect(done)
                    _write_done(done, pending, out, summary, bar)
            except WorkerLost as e:
                first = pending[0][1] if pending else e.lines[0]
                written = f"the output stops before line {first:,}" if out.direct else "no output written"
                raise RunFailed(
                    f"a worker process was lost ({e.cause}) while computing lines {e.lines[0]:,}–{e.lines[1]:,}: "
                    f"lines {first:,} on were not computed, {written} (fewer --jobs use less memory)"
                ) from None
            pool.close()
            pool = None
        bar.stop()
        report = Report(
            summary,
            source,
            target,
            fmt,
            src.encoding,
            jobs,
            time.perf_counter_ns() - started,
            tuple(pid for pid, _ in lay.policies),
            columns.group_names,
            as_of,
            receipt(reform.sha256 if reform is not None else None),
            scheduler,
            None if reform is None else ReformApplied.of(reform),
        )
        if fmt == "xlsx":
            out.summary_sheet(report, lang or "zh")
        out.commit()
    except BaseException:
        bar.stop()
        if pool is not None:
            pool.kill()
        if out is not None:
            out.abort()
        raise
    finally:
        if main_thread:
            for s, handler in zip(_SIGNALS, previous, strict=True):
                signal.signal(s, handler)
        src.close()
    report.nanoseconds = time.perf_counter_ns() - started
    return report


def _check_sheet_rows(source: str, src: Any) -> None:
    """An .xlsx output holds at most MAX_SHEET_ROWS rows, the header included: refused before any row is computed
    when the input has more lines (a CSV file's line breaks counted, an .xlsx sheet's rows; a stream is checked as it
    is written)."""
    limit = MAX_SHEET_ROWS - 1
    if isinstance(src, XlsxSource):
        return  # (a sheet holds no more rows than a sheet)
    if source == "-" or not os.path.isfile(source):
        return
    lines = 0
    with open(source, "rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n") or block.count(b"\r")
            if lines > limit + 1:
                raise BatchError(
                    f"-o: an .xlsx sheet holds at most {MAX_SHEET_ROWS:,} rows (the header and {limit:,} enterprises) "
                    f"and {source!r} has more lines — expected -o OUT.csv or OUT.jsonl, or the input split"
                )


def _write_done(
    done: dict[int, tuple[Any, Summary]],
    pending: deque[tuple[int, int, int]],
    out: Output | ParquetOutput,
    summary: Summary,
    bar: _Progress,
) -> None:
    """Write the finished chunks that come next in input order."""
    while pending and pending[0][0] in done:
        index, _, position = pending.popleft()
        body, part = done.pop(index)
        out.write(body)
        summary.merge(part)
        bar.update(summary.rows, position)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
