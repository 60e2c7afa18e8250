"""A batch on a real Dask cluster (xzcalc/batch/distributed.py): a LocalCluster of two worker processes, scheduler
and workers over TCP on 127.0.0.1. The output, read back, has the same rows in the same order with the same values
as the local run; a worker killed mid-run costs no row; a worker with other data is refused; --scheduler is checked
like --jobs."""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from xzcalc.batch import BatchError, RunFailed, run
from xzcalc.batch.distributed import DataMismatch, compute_part, receipt, run_on_cluster
from xzcalc.batch.summary import Summary
from xzcalc.batch.worker import ChunkWriter, Job
from xzcalc.schema.template import csv_header

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = csv_header().strip().split(",")


def _module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARQUET_TESTS = _module("parquet_tests", ROOT / "tests" / "test_parquet.py")
rows_with_bad_ones = PARQUET_TESTS.rows_with_bad_ones
write_csv = PARQUET_TESTS.write_csv


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two single-threaded worker processes (with their nannies) and a scheduler, over TCP on localhost."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local:
        assert local.scheduler_address.startswith("tcp://127.0.0.1:")
        yield local


def xzcalc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}  # (an unreachable scheduler: 3 s, not 30)
    return subprocess.run(
        [sys.executable, "-m", "xzcalc", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env
    )


def test_the_cluster_gives_the_local_run_row_for_row(tmp_path: Path, cluster: LocalCluster) -> None:
    src = write_csv(tmp_path / "in.csv", rows_with_bad_ones(400, seed=13))
    run(str(src), str(tmp_path / "local.csv"), jobs=1)
    run(str(src), str(tmp_path / "local.parquet"), jobs=1)
    address = cluster.scheduler_address
    for name in ("dask.csv", "dask.parquet"):
        done = xzcalc("batch", str(src), "-o", str(tmp_path / name), "--scheduler", address, "--chunk-rows", "23")
        assert done.returncode == 1, done.stderr  # the bad rows, each an error row
        said = " ".join(done.stderr.split())  # (the summary is wrapped to the terminal's width: 80 on a pipe)
        assert "失败: 5" in said and f"--scheduler {address}, 2 workers)" in said
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    local, dask = pq.read_table(tmp_path / "local.parquet"), pq.read_table(tmp_path / "dask.parquet")
    assert dask.schema == local.schema and dask.to_pylist() == local.to_pylist()
    assert dask.num_rows == 399  # (one blank record)


def test_summary_is_merged_from_the_parts(tmp_path: Path, cluster: LocalCluster) -> None:
    """Parquet in (typed columns), JSONL out: the parts and their summaries merge to the local run's."""
    src = tmp_path / "in.parquet"
    pq.write_table(PARQUET_TESTS._typed_table(rows_with_bad_ones(150, seed=2)), src)
    here = run(str(src), str(tmp_path / "a.jsonl"), jobs=1)
    there = run(str(src), str(tmp_path / "b.jsonl"), scheduler=cluster.scheduler_address, chunk_rows=10)
    assert there.summary.to_json() == here.summary.to_json()
    assert there.jobs == 2  # the cluster's workers
    assert (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()


def _records(rows: list[dict[str, str]]) -> list[tuple[int, list[str]]]:
    return [(i + 2, [r.get(c, "") for c in COLUMNS]) for i, r in enumerate(rows)]


def test_a_worker_killed_mid_run_costs_no_row(cluster: LocalCluster) -> None:
    """SIGKILL to one of the two workers while partitions are in flight: the scheduler gives its partitions to the
    other (the nanny restarts it); every partition is written, in order."""
    job = Job(tuple(COLUMNS), "csv")
    records = _records(rows_with_bad_ones(600, seed=21))
    expected, _ = ChunkWriter(job).process(records)
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = []

    def chunks() -> Iterator[tuple[list[Any], int]]:
        for k in range(0, len(records), 20):
            if k == 200:  # partitions 0–9 submitted (4 in flight at most): kill a worker under them
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            yield records[k : k + 20], k

    parts: list[str] = []

    class Sink:
        direct = False

        def write(self, body: Any) -> None:
            parts.append(body)

    summary = Summary()
    run_on_cluster(cluster.scheduler_address, job, chunks(), Sink(), summary, lambda rows, position: None)
    assert killed == [victim]
    assert "".join(parts) == expected
    assert summary.rows == 599 and summary.failed == 5
    with Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values()  # (its nanny started another)


class _Fatal:
    """A record that ends the Dask worker process that unpickles it, and only a worker (the scheduler, in this
    process, unpickles the tasks too): a worker lost while computing its partition, deterministically. (The workers
    import this module by name: spawned, they have pytest's sys.path.)"""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _fatal, ()


def _fatal() -> _Fatal:
    if multiprocessing.current_process().name.startswith("Dask Worker"):
        os._exit(1)
    return _Fatal()


def test_a_partition_whose_workers_keep_dying_ends_the_run(cluster: LocalCluster, monkeypatch: Any) -> None:
    """After the scheduler's allowed failures (here none, to be quick; 3 by default) the partition is reported:
    RunFailed (exit 3) naming its lines; nothing after it is written."""
    monkeypatch.setattr(cluster.scheduler, "allowed_failures", 0)
    job = Job(tuple(COLUMNS), "csv")
    records: list[Any] = _records(rows_with_bad_ones(100, seed=8))
    records[50] = (52, _Fatal())
    parts: list[str] = []

    class Sink:
        direct = False

        def write(self, body: Any) -> None:
            parts.append(body)

    chunks = ((records[k : k + 20], k) for k in range(0, len(records), 20))
    with pytest.raises(RunFailed, match=r"Dask workers were lost computing lines \d+–\d+, .* no output written") as e:
        run_on_cluster(cluster.scheduler_address, job, chunks, Sink(), Summary(), lambda rows, position: None)
    # the partition holding line 52 (42–61), or one the same worker was running when it died; all before it written
    first = int(str(e.value).split("lines ")[1].split("–")[0])
    assert first in (2, 22, 42) and len(parts) == (first - 2) // 20
    expected, _ = ChunkWriter(job).process(records[: first - 2])
    assert "".join(parts) == expected
    with Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)


def test_a_worker_with_other_data_is_refused(tmp_path: Path, cluster: LocalCluster, monkeypatch: Any) -> None:
    job = Job(tuple(COLUMNS), "csv")
    with pytest.raises(DataMismatch, match=r"has xzcalc .* with data .* — expected the same xzcalc and data/"):
        compute_part(job, "t", ("0.0.0", "0" * 64), _records(rows_with_bad_ones(50, seed=1))[:3])
    assert compute_part(job, "t", receipt(), [])[1].rows == 0
    # the client checks every worker before the first partition: a client with other data stops at once (exit 2)
    src = write_csv(tmp_path / "in.csv", rows_with_bad_ones(50, seed=1))
    monkeypatch.setattr("xzcalc.batch.distributed.data_sha256", lambda: "f" * 64)
    with pytest.raises(BatchError, match=r"--scheduler: worker tcp://127\.0\.0\.1:\d+ has xzcalc"):
        run(str(src), str(tmp_path / "out.csv"), scheduler=cluster.scheduler_address)
    assert not (tmp_path / "out.csv").exists()


def test_scheduler_local_n_starts_its_own_cluster(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", rows_with_bad_ones(80, seed=4))
    run(str(src), str(tmp_path / "local.csv"), jobs=1)
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "dask.csv"), "--scheduler", "local:2", "-q")
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--scheduler", "local:2", "--jobs", "2"), "--jobs 2 and --scheduler 'local:2': give one of them"),
        (("--scheduler", "local:0"), "--scheduler: 'local:0' is not a number of worker processes"),
        (("--scheduler", "local:99999"), "expected local:N with N from 1 to"),
        (("--scheduler", "http://example:8786"), "is not a scheduler — expected tcp://HOST:PORT"),
        (("--scheduler", "tcp://127.0.0.1:9"), "--scheduler: 'tcp://127.0.0.1:9' cannot be reached"),
    ],
)
def test_unusable_scheduler_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    src = write_csv(tmp_path / "in.csv", rows_with_bad_ones(45, seed=1))
    done = xzcalc("batch", str(src), "-o", str(tmp_path / "out.csv"), *args)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_ctrl_c_during_a_cluster_run_is_one_line_and_no_file(tmp_path: Path) -> None:
    """A Ctrl-C at the terminal reaches the whole process group, the local cluster's worker processes too: they
    ignore it (started with SIGINT ignored), the run shuts the cluster down — exit 130, the one line, no file (they
    printed a traceback each, and their heartbeat errors, before)."""
    import time

    src = tmp_path / "in.csv"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "20000", str(src)], check=True, cwd=ROOT)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "xzcalc", "batch", str(src), "-o", str(out), "-q", "--scheduler", "local:2"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 90

    def written() -> int:
        return sum(p.stat().st_size for p in tmp_path.glob(".out.csv.*"))

    while written() < 100_000 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # (until rows are written: the cluster is up and computing — a Ctrl-C while it starts waits)
    if proc.poll() is not None:
        pytest.skip("the run ended before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err
    assert err.decode() == "xzcalc: interrupted — no output written\n"
    assert not out.exists()
