"""The batch benchmark: the bare floor against `xzcalc batch`, on the same generated file, in one run.

    python bench/run.py [--n 200000] [--jobs N] [--repeat 1] [--dir DIR]     (make bench N=200000 REPEAT=3)

Generates N synthetic enterprises (bench/generate.py; kept in DIR for the next run), then runs, `--repeat`
times in turn, the floor (bench/floor.py: csv.DictReader, five money columns parsed with Decimal, 20 columns
written) and `xzcalc batch IN.csv -o OUT.csv --jobs N`, each its own process. Reports seconds (wall, the best
of the repeats), rows/s, the ratio batch/floor, CPU seconds, and the peak RSS of each process: the batch's
parent and its largest worker.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def measured(command: list[str], label: str) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        report = f.name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCH / "peak.py"), report, *command], cwd=ROOT)
    seconds = time.perf_counter() - started
    peak = json.loads(Path(report).read_text(encoding="utf-8"))
    os.unlink(report)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{label} failed with exit status {done.returncode}")
    return {
        "seconds": seconds,
        "self_mb": peak["self_kb"] / 1024,
        "children_mb": peak["children_kb"] / 1024,
        "self_cpu": peak["self_cpu"],
        "children_cpu": peak["children_cpu"],
    }


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="enterprises (default 200000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="xzcalc batch --jobs (default: cores)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating; the best is reported")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xzcalc-bench")
    args = parser.parse_args()

    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"enterprises-{args.n}.csv"
    if not source.exists():
        print(f"generating {args.n:,} enterprises → {source}", file=sys.stderr)
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(args.n), str(source)], check=True, cwd=ROOT)
    # bytecode up front, as an installed package has it (PYTHONDONTWRITEBYTECODE would recompile every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "xzcalc")], check=True)
    floor_out, batch_out = args.dir / "floor-out.csv", args.dir / "batch-out.csv"
    floor_cmd = [str(BENCH / "floor.py"), str(source), str(floor_out)]
    batch_cmd = ["-m", "xzcalc", "batch", str(source), "-o", str(batch_out), "-q", "--jobs", str(args.jobs)]

    floors, batches = [], []
    for _ in range(args.repeat):
        floors.append(measured(floor_cmd, "floor"))
        batches.append(measured(batch_cmd, "xzcalc batch"))
    floor = min(floors, key=lambda r: r["seconds"])
    batch = min(batches, key=lambda r: r["seconds"])
    rows_out = count_rows(batch_out)
    if rows_out != args.n:
        raise SystemExit(f"xzcalc batch wrote {rows_out:,} rows for {args.n:,} enterprises")

    n = args.n
    print(
        f"{n:,} enterprises, {source.stat().st_size / 2**20:.1f} MiB, xzcalc batch --jobs {args.jobs}, "
        f"best of {args.repeat} on {os.cpu_count()} cores"
    )
    print(f"{'':14}{'seconds':>9}{'rows/s':>10}{'peak RSS MB':>13}")
    print(f"{'floor':14}{floor['seconds']:9.2f}{n / floor['seconds']:10,.0f}{floor['self_mb']:13.1f}")
    print(
        f"{'xzcalc batch':14}{batch['seconds']:9.2f}{n / batch['seconds']:10,.0f}"
        f"{max(batch['self_mb'], batch['children_mb']):13.1f}   (parent {batch['self_mb']:.1f}, "
        f"largest worker {batch['children_mb']:.1f})"
    )
    print(
        f"CPU seconds: floor {floor['self_cpu']:.2f}; batch parent {batch['self_cpu']:.2f}, "
        f"workers {batch['children_cpu']:.2f} ({batch['children_cpu'] / n * 1e6:.0f} µs a row)"
    )
    print(f"ratio batch / floor: {batch['seconds'] / floor['seconds']:.2f}×   every row out: {rows_out:,}")
    if args.repeat > 1:
        print(
            "each run in turn (floor s, batch s, ratio): "
            + ", ".join(
                f"({f['seconds']:.2f}, {b['seconds']:.2f}, {b['seconds'] / f['seconds']:.2f}×)"
                for f, b in zip(floors, batches, strict=True)
            )
        )


if __name__ == "__main__":
    main()
