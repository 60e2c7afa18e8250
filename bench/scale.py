"""The scaling benchmark: the same generated file through the local pool and a Dask LocalCluster.

    python bench/scale.py [--n 1000000] [--dir DIR]              (make bench-scale, make bench-scale N=200000)

Generates N synthetic enterprises (bench/generate.py, the full template header; kept in DIR for the next run), then
runs `xzcalc batch IN.csv -o OUT.csv` four times, each its own process: --jobs 1, --jobs 2, --scheduler local:1 and
--scheduler local:2 (a LocalCluster of single-threaded worker processes over TCP on 127.0.0.1, its start-up
included). Reports wall seconds, rows/s and the speed-up of 2 over 1 for each engine; the CPU seconds of each run's
processes (resource.getrusage of the children: the batch, its workers, a LocalCluster's nannies and workers), which
a machine shared with other work disturbs far less than wall time; checks that the four outputs are the same bytes;
and what a 50,000,000-row national run would take per core, from the CPU time per row.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NATIONAL = 50_000_000
RUNS = (
    ("local pool", "--jobs 1", ["--jobs", "1"]),
    ("local pool", "--jobs 2", ["--jobs", "2"]),
    ("Dask LocalCluster", "--scheduler local:1", ["--scheduler", "local:1"]),
    ("Dask LocalCluster", "--scheduler local:2", ["--scheduler", "local:2"]),
)


def generated(n: int, directory: Path) -> Path:
    path = directory / f"enterprises-{n}.csv"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(n), str(path)], check=True, cwd=ROOT)
        print(f"generated {n:,} enterprises in {time.perf_counter() - started:.1f} s: {path}", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="enterprises (default 1000000)")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xzcalc-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    source = generated(args.n, args.dir)
    xzcalc = [sys.executable, "-m", "xzcalc", "batch", str(source), "-q"]
    results = []
    for engine, label, extra in RUNS:
        out = args.dir / f"scale-{label.split()[-1].replace(':', '')}.csv"
        summary = args.dir / "scale-summary.json"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*xzcalc, "-o", str(out), "--summary", str(summary), *extra], cwd=ROOT)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if done.returncode not in (0, 1):
            raise SystemExit(f"{label} failed with exit status {done.returncode}")
        rows = json.loads(summary.read_text(encoding="utf-8"))["rows"]
        results.append((engine, label, seconds, rows, out, cpu))
        print(
            f"{label:22} {seconds:8.1f} s {rows / seconds:10,.0f} rows/s  {cpu:8.1f} CPU s  ({rows:,} rows)", flush=True
        )
    same = all(filecmp.cmp(results[0][4], r[4], shallow=False) for r in results[1:])
    for r in results:
        os.unlink(r[4])
    print()
    print(f"{args.n:,} enterprises, {os.cpu_count()} cores; every output the same bytes: {same}")
    print("| engine | run | wall s | rows/s | speed-up 2 over 1 | CPU s | CPU µs a row |")
    print("|---|---|---|---|---|---|---|")
    for i, (engine, label, seconds, rows, _, cpu) in enumerate(results):
        speedup = f"{results[i - 1][2] / seconds:.2f}×" if i % 2 else ""
        row = f"| {engine} | `{label}` | {seconds:.1f} | {rows / seconds:,.0f} | {speedup} | {cpu:.1f} |"
        print(f"{row} {cpu / rows * 1e6:,.0f} |")
    for _, label, _, rows, _, cpu in results:
        hours = NATIONAL * cpu / rows / 3600
        print(f"{NATIONAL:,} rows at the CPU time a row of {label}: {hours:.1f} core-hours")
    if not same:
        raise SystemExit("the outputs differ")


if __name__ == "__main__":
    main()
