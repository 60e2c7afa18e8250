"""The worker processes of a batch: each with a pipe of its own for chunks and one for results, no lock shared.

Why not multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor (issue 14 §3): with a shared queue, a
worker killed (kill -9, the OOM killer) while sending its result leaves half a message in the pipe the other
workers also write to, and the lock on it held — the parent then waits forever (Pool: always; the executor's
manager thread: whenever the kill lands during the send, which for a chunk of 1,000 rows is often; measured). With a
pipe per worker the parent sees that worker's pipe close, knows which chunk it had, and ends the run at once.

The parent keeps at most one chunk per worker (a chunk is sent only to a worker waiting for one, so no send can
block against a worker blocked sending its result) and writes results in input order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from .records import Record
from .summary import Summary
from .worker import Job, init_worker, work

__all__ = ["Pool", "WorkerLost"]


class WorkerLost(Exception):
    """A worker process ended before returning its chunk: `cause` says how; the chunk's first and last lines."""

    def __init__(self, cause: str, lines: tuple[int, int]) -> None:
        super().__init__(cause)
        self.cause = cause
        self.lines = lines


class _Failure:
    """What a worker returns when computing a chunk raised (a bug: the rows themselves catch their errors)."""

    def __init__(self, error: str) -> None:
        self.error = error


def _serve(job: Job, tasks: Connection, results: Connection, inherited: Sequence[Connection]) -> None:
    """A worker's life: chunks in, (output text, summary) out, until the parent says stop or is gone."""
    for connection in inherited:  # the parent's ends (of this worker's pipes and earlier workers'), copied by fork
        connection.close()
    init_worker(job)
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        try:
            result: Any = work(task)
        except Exception as e:  # (a MemoryError or a bug in the worker itself: the parent says so and stops)
            result = _Failure(f"{e.__class__.__name__}: {e}")
        try:
            results.send(result)
        except OSError:  # the parent is gone
            return


class _Worker:
    __slots__ = ("chunk", "process", "results", "tasks")

    def __init__(self, process: Any, tasks: Connection, results: Connection) -> None:
        self.process = process
        self.tasks = tasks
        self.results = results
        self.chunk = -1  # the chunk it computes, or -1 when it waits for one


class Pool:
    """`jobs` worker processes. `submit(index, records, first)` gives a chunk to a waiting worker (after waiting for
    one to finish, if none does); finished chunks are collected by `collect()` as {index: result}."""

    def __init__(self, jobs: int, job: Job) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.workers: list[_Worker] = []
        self.lines: dict[int, tuple[int, int]] = {}  # chunk → its first and last lines, while a worker has it
        for _ in range(jobs):
            task_out, task_in = context.Pipe(duplex=False)
            result_out, result_in = context.Pipe(duplex=False)
            inherited = [task_in, result_out] + [c for w in self.workers for c in (w.tasks, w.results)]
            process = context.Process(target=_serve, args=(job, task_out, result_in, inherited), daemon=True)
            process.start()
            task_out.close()  # the parent keeps only its own ends: a dead worker's pipe then reads as closed
            result_in.close()
            self.workers.append(_Worker(process, task_in, result_out))

    def idle(self) -> _Worker | None:
        return next((w for w in self.workers if w.chunk < 0), None)

    def submit(self, index: int, records: list[Record], done: dict[int, tuple[Any, Summary]]) -> None:
        worker = self.idle()
        while worker is None:
            self.collect(done)
            worker = self.idle()
        worker.chunk = index
        self.lines[index] = (records[0][0], records[-1][0])
        try:
            worker.tasks.send(records)
        except OSError:
            raise WorkerLost(self._cause(worker), self.lines[index]) from None

    def busy(self) -> bool:
        return any(w.chunk >= 0 for w in self.workers)

    def collect(self, done: dict[int, tuple[Any, Summary]]) -> None:
        """Wait for at least one worker to finish its chunk; put the results in `done`. WorkerLost when one ended
        without returning it (its pipe closes: EOF, or end of file within a message it was sending)."""
        busy = [w for w in self.workers if w.chunk >= 0]
        ready = wait([w.results for w in busy])
        for worker in busy:
            if worker.results not in ready:
                continue
            try:
                result = worker.results.recv()
            except (EOFError, OSError):
                raise WorkerLost(self._cause(worker), self.lines[worker.chunk]) from None
            if isinstance(result, _Failure):
                raise WorkerLost(f"it failed: {result.error}", self.lines[worker.chunk])
            done[worker.chunk] = result
            del self.lines[worker.chunk]
            worker.chunk = -1

    @staticmethod
    def _cause(worker: _Worker) -> str:
        """How a worker ended: a signal (SIGKILL: the OOM killer or kill -9) or an exit status."""
        worker.process.join(5)
        code = worker.process.exitcode
        if code is None:
            return "it closed its pipe"
        if code == -signal.SIGKILL:
            return "killed by signal 9, SIGKILL: the out-of-memory killer, or kill -9"
        if code < 0:
            try:
                return f"killed by signal {-code}, {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"it exited with status {code}"

    def close(self) -> None:
        """Every chunk returned: let the workers end."""
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.tasks.send(None)
        for w in self.workers:
            w.process.join(10)
        self.kill()

    def kill(self) -> None:
        """End the workers now (an interruption, a lost worker, a failed write)."""
        for w in self.workers:
            if w.process.is_alive():
                w.process.terminate()
        for w in self.workers:
            w.process.join(5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(5)
            for c in (w.tasks, w.results):
                c.close()
        self.workers = []
