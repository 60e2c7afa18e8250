"""A batch on a Dask cluster: `xzcalc batch IN -o OUT --scheduler tcp://HOST:8786` (a running scheduler), or
`--scheduler local:N` (a LocalCluster of N single-threaded worker processes started here, over TCP on 127.0.0.1).
dask is imported here only, and only for such a run.

The driver's own reader partitions the input — its records, not Dask's byte-range CSV reader, which would split
quoted cells and the rows of another encoding — and hands the partitions (its chunks) to `run_on_cluster`, which
submits each as one task: `compute_part` on a worker builds the row engine once per worker and run (rules and
parameters loaded once), after checking that the worker's xzcalc and data/ are the client's (the receipt's
`data_sha256`: a worker with other rules would give other amounts). The results come back as one output part per
partition and are written in input order, the per-row errors and summaries merged, with a bounded number of
partitions in flight.

A worker lost mid-run (killed, out of memory) is the scheduler's to retry: its tasks go to the other workers (a
LocalCluster's nanny also restarts it). A partition whose workers die `distributed.scheduler.allowed-failures`
times (3 by default) ends the run with exit status 3, naming its lines; so does a lost scheduler. Never a gap: a
partition is written only from its own result, in order.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..receipt import VERSION, data_sha256
from .io import BatchError, RunFailed, _shown
from .records import Record
from .summary import Summary
from .worker import ChunkWriter, Job

__all__ = ["DataMismatch", "compute_part", "run_on_cluster"]

WORKERS_SECONDS = 60  # for a first worker to join it
IN_FLIGHT_PER_WORKER = 2  # partitions submitted and not yet written, per worker


class DataMismatch(RuntimeError):
    """A worker's xzcalc or data/ differ from the client's: its amounts would differ."""


class _Sink(Protocol):
    direct: bool

    def write(self, body: Any) -> None: ...


def receipt() -> tuple[str, str]:
    """(xzcalc version, data_sha256) of this process: what client and workers must share."""
    return VERSION, data_sha256()


def _mismatch(worker: str, found: tuple[str, str], expected: tuple[str, str]) -> str:
    return (
        f"--scheduler: worker {worker} has xzcalc {found[0]} with data {found[1][:12]}…, this client xzcalc "
        f"{expected[0]} with data {expected[1][:12]}… — expected the same xzcalc and data/ on every worker "
        "(install this version there)"
    )


_LOCAL = threading.local()  # per worker thread: (run token, ChunkWriter)


def compute_part(job: Job, token: str, expected: tuple[str, str], records: list[Record]) -> tuple[Any, Summary]:
    """On a worker: one partition → (its output part, its summary). The row engine is built once per worker
    thread and run (`token`), after the worker's receipt is checked against the client's."""
    held = getattr(_LOCAL, "held", None)
    if held is None or held[0] != token:
        found = receipt()
        if found != expected:
            raise DataMismatch(_mismatch(_worker_address(), found, expected))
        held = _LOCAL.held = (token, ChunkWriter(job))
    writer: ChunkWriter = held[1]
    return writer.process(records)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # (not on a worker)
        return "(this process)"


def _quiet_on_ctrl_c(start: Callable[[], Any]) -> Any:
    """`start()` with Ctrl-C ignored while it runs: the worker processes it spawns inherit the ignored SIGINT (an
    ignored disposition survives exec, and Python then leaves it ignored), so a Ctrl-C at the terminal — sent to the
    whole process group — interrupts the run here, which shuts the cluster down, instead of printing a traceback
    from every worker process. (A Ctrl-C in the seconds the cluster takes to start is ignored with it.)"""
    import signal
    import threading
    import warnings

    if threading.current_thread() is not threading.main_thread():
        return start()

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with warnings.catch_warnings():  # (dask's "Port 8787 is already in use": not the batch's to say)
            warnings.simplefilter("ignore")
            return start()
    finally:
        signal.signal(signal.SIGINT, previous)


def run_on_cluster(
    cluster: str | int,
    job: Job,
    chunks: Iterable[tuple[list[Record], int]],
    out: _Sink,
    summary: Summary,
    update: Callable[[int, int], None],
) -> int:
    """Compute `chunks` on the cluster (`local:N` as N, or a scheduler's address); write each part to `out` in
    order and merge its summary. Returns the number of workers. BatchError when the cluster cannot be used
    (unreachable, no worker, other rules); RunFailed when a partition is lost."""
    import distributed

    lib: Any = distributed  # (dask's own annotations are partial: used untyped here)
    logging.getLogger("distributed").setLevel(logging.ERROR)  # (a lost worker is reported by the run itself)
    local: Any = None
    try:
        if isinstance(cluster, int):
            local = _quiet_on_ctrl_c(
                lambda: lib.LocalCluster(
                    n_workers=cluster,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    protocol="tcp",
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # (a lost worker or a Ctrl-C is reported by the run itself)
                )
            )
            client: Any = lib.Client(local)
        else:
            client = lib.Client(cluster)  # (tries for dask's distributed.comm.timeouts.connect: 30 s by default)
    except (OSError, TimeoutError) as e:
        if local is not None:
            local.close()
        where = f"local:{cluster}" if isinstance(cluster, int) else _shown(cluster)
        raise BatchError(
            f"--scheduler: {where} cannot be reached ({e.__class__.__name__}: {e}) — expected a running Dask "
            "scheduler (`dask scheduler` on HOST, `dask worker tcp://HOST:8786` on each machine)"
        ) from None
    try:
        return _run(client, job, chunks, out, summary, update)
    finally:
        client.close()
        if local is not None:
            local.close()


def _run(
    client: Any,
    job: Job,
    chunks: Iterable[tuple[list[Record], int]],
    out: _Sink,
    summary: Summary,
    update: Callable[[int, int], None],
) -> int:
    from distributed import KilledWorker

    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except TimeoutError:
        raise BatchError(
            f"--scheduler: no worker joined the scheduler within {WORKERS_SECONDS} s — expected `dask worker "
            "tcp://HOST:8786` running on at least one machine"
        ) from None
    expected = receipt()
    for address, found in sorted(client.run(receipt).items()):
        if tuple(found) != expected:
            raise BatchError(_mismatch(address, tuple(found), expected))
    workers = len(client.scheduler_info()["workers"])
    limit = IN_FLIGHT_PER_WORKER * max(workers, 1)
    token = uuid.uuid4().hex
    pending: deque[tuple[Any, int, int, int]] = deque()  # (future, first line, last line, input position)

    def write_next() -> None:
        future, first, last, position = pending.popleft()
        written = f"the output stops before line {first:,}" if out.direct else "no output written"
        try:
            body, part = future.result()
        except KilledWorker as e:
            tries = getattr(e, "allowed_failures", -1) + 1
            worker = getattr(getattr(e, "last_worker", None), "address", "?")
            raise RunFailed(
                f"Dask workers were lost computing lines {first:,}–{last:,}, each time the scheduler ran them "
                f"({tries} {'time' if tries == 1 else 'times'}, the last on {worker}): lines {first:,} on were not "
                f"computed, {written} (more memory a worker, or fewer rows a partition)"
            ) from None
        except DataMismatch as e:
            raise RunFailed(f"{e}: lines {first:,} on were not computed, {written}") from None
        except Exception as e:  # the scheduler lost, a task cancelled, a failure on the worker
            raise RunFailed(
                f"the Dask run failed computing lines {first:,}–{last:,} ({e.__class__.__name__}: {e}): lines "
                f"{first:,} on were not computed, {written}"
            ) from None
        future.release()
        out.write(body)
        summary.merge(part)
        update(summary.rows, position)

    for index, (records, position) in enumerate(chunks):
        future = client.submit(compute_part, job, token, expected, records, key=f"xzcalc-{token}-{index}", pure=False)
        pending.append((future, records[0][0], records[-1][0], position))
        while len(pending) >= limit:
            write_next()
    while pending:
        write_next()
    return workers
