"""The batch benchmark: the bare floor against `xzcalc batch`, on the same generated files, in one run.

    python bench/run.py [--n 200000] [--mix today|bureau] [--jobs N] [--repeat 1] [--dir DIR]
                                                                          (make bench N=200000 REPEAT=3)

For each mix (bench/generate.py: today's, the full template header with 万 and separators, and a bureau's register
export, 32 columns in plain yuan; both unless --mix names one) generates N synthetic enterprises (kept in DIR as
MIX-N.csv for the next run), then runs, `--repeat` times in turn, the floor (bench/floor.py: csv.DictReader, five
money columns parsed with Decimal, 20 columns written) and `xzcalc batch IN.csv -o OUT.csv --jobs N`, each its own
process. When `xzcalc batch --help` offers `--evaluator`, the batch runs twice, `--evaluator row` (the row path) and
`--evaluator columnar` (the columnar path), and their outputs must be the same bytes; otherwise it runs once as it is.

Prints one block a mix: seconds (wall, the best of the repeats), rows/s, the ratio to the floor, the peak RSS of each
process (the batch's parent and its largest worker) and the CPU µs a row (parent, workers). Exits 1 after the blocks
when a batch left a row out or the two evaluators' outputs differ (naming the first differing line).
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
MIXES = ("today", "bureau")
FLOOR = "floor"


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


def count_rows(path: Path) -> tuple[int, int]:
    """The rows of a batch output and how many of them are error rows (a non-empty `error` cell)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        error = header.index("error") if "error" in header else None
        rows = errors = 0
        for row in reader:
            rows += 1
            errors += error is not None and error < len(row) and bool(row[error])
    return rows, errors


def _text(line: bytes) -> str:
    return line.decode("utf-8", "replace").rstrip("\r\n")


def first_difference(a: Path, b: Path) -> tuple[int, str, str] | None:
    """None when the two files are the same bytes, else the first line (1-based) that differs and both its texts
    ('' for a file that has ended)."""
    with a.open("rb") as fa, b.open("rb") as fb:
        number = 0
        while True:
            number += 1
            la, lb = fa.readline(), fb.readline()
            if la != lb:
                return number, _text(la), _text(lb)
            if not la:
                return None


def described(path: Path, line: int, a: str, b: str) -> str:
    """Where two differing CSV lines first differ: the column (from `path`'s header) and both cells."""
    header = next(csv.reader([path.open(encoding="utf-8-sig").readline()]), [])
    cells_a, cells_b = next(csv.reader([a]), []), next(csv.reader([b]), [])
    for i in range(max(len(cells_a), len(cells_b))):
        cell_a = cells_a[i] if i < len(cells_a) else "(none)"
        cell_b = cells_b[i] if i < len(cells_b) else "(none)"
        if cell_a != cell_b:
            column = "the header" if line == 1 else header[i] if i < len(header) else f"column {i + 1}"
            row = "" if line == 1 or not cells_a else f" (id {cells_a[1] if len(cells_a) > 1 else cells_a[0]})"
            return f"line {line}{row}, {column}: {cell_a!r} against {cell_b!r}"
    return f"line {line}: {a[:200]!r} against {b[:200]!r}"


def evaluators() -> list[tuple[str, list[str]]]:
    """The batch runs to time: (label, extra options), from `xzcalc batch --help` asked once."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")} | {"NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "xzcalc", "batch", "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"xzcalc batch --help failed with exit status {done.returncode}: {done.stderr.strip()}")
    if "--evaluator" in done.stdout:
        return [("row path", ["--evaluator", "row"]), ("columnar path", ["--evaluator", "columnar"])]
    return [("xzcalc batch", [])]


def generated(mix: str, n: int, directory: Path) -> Path:
    source = directory / f"{mix}-{n}.csv"
    if not source.exists():
        print(f"generating {n:,} enterprises of the {mix} mix → {source}", file=sys.stderr)
        partial = source.with_suffix(".partial")
        command = [sys.executable, str(BENCH / "generate.py"), str(n), str(partial), "--mix", mix]
        subprocess.run(command, check=True, cwd=ROOT)
        partial.replace(source)
    return source


def bench_mix(mix: str, args: argparse.Namespace, runs: list[tuple[str, list[str]]]) -> list[str]:
    """Times one mix, prints its block and returns what went wrong (nothing when every check holds)."""
    n = args.n
    source = generated(mix, n, args.dir)
    outputs = {label: args.dir / f"{mix}-{n}-{label.split()[0]}-out.csv" for label, _ in runs}
    commands = {FLOOR: [str(BENCH / "floor.py"), str(source), str(args.dir / f"{mix}-{n}-floor-out.csv")]}
    for label, extra in runs:
        batch = ["-m", "xzcalc", "batch", str(source), "-o", str(outputs[label]), "-q", "--jobs", str(args.jobs)]
        commands[label] = [*batch, *extra]
    timings: dict[str, list[dict[str, float]]] = {label: [] for label in commands}
    for _ in range(args.repeat):
        for label, command in commands.items():
            timings[label].append(measured(command, f"{mix}: {label}"))
    best = {label: min(times, key=lambda r: r["seconds"]) for label, times in timings.items()}

    with source.open(encoding="utf-8", newline="") as f:
        width = len(next(csv.reader(f)))
    print(
        f"{mix} mix: {n:,} enterprises, {width} columns, {source.stat().st_size / 2**20:.1f} MiB; "
        f"xzcalc batch --jobs {args.jobs}, best of {args.repeat} on {os.cpu_count()} cores"
    )
    print(f"{'':15}{'seconds':>9}{'rows/s':>10}{'× floor':>9}{'peak RSS MB':>19}{'CPU µs a row':>19}")
    print(f"{'':43}{'parent':>10}{'worker':>9}{'parent':>10}{'workers':>9}")
    floor = best[FLOOR]["seconds"]
    for label, r in best.items():
        worker_mb = "—" if label == FLOOR else f"{r['children_mb']:.1f}"
        worker_cpu = "—" if label == FLOOR else f"{r['children_cpu'] / n * 1e6:,.0f}"
        print(
            f"{label:15}{r['seconds']:9.2f}{n / r['seconds']:10,.0f}{r['seconds'] / floor:9.2f}"
            f"{r['self_mb']:10.1f}{worker_mb:>9}{r['self_cpu'] / n * 1e6:10,.0f}{worker_cpu:>9}"
        )
    if args.repeat > 1:
        for label, times in timings.items():
            print(f"  each {label} run in turn, seconds: " + ", ".join(f"{r['seconds']:.2f}" for r in times))

    problems = []
    counts = []
    for label, _ in runs:
        rows, errors = count_rows(outputs[label])
        counts.append(f"{label} {rows:,} ({errors:,} error rows)")
        if rows != n:
            problems.append(f"{mix} mix: {label} wrote {rows:,} rows for {n:,} enterprises")
    print("every row out: " + "; ".join(counts) if not problems else "rows out: " + "; ".join(counts))
    if len(runs) == 2:
        (first, _), (second, _) = runs
        differs = first_difference(outputs[first], outputs[second])
        if differs is None:
            print(f"{first} and {second} outputs: identical ({outputs[first].stat().st_size:,} bytes)")
        else:
            where = described(outputs[first], *differs)
            problem = f"{mix} mix: {first} and {second} outputs differ, first at {where}"
            print(problem)
            problems.append(problem)
    print(flush=True)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="enterprises (default 200000)")
    parser.add_argument("--mix", choices=MIXES, help="one mix only (default: both)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="xzcalc batch --jobs (default: cores)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, in turn; the best is reported")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xzcalc-bench")
    args = parser.parse_args()

    args.dir.mkdir(parents=True, exist_ok=True)
    # bytecode up front, as an installed package has it (PYTHONDONTWRITEBYTECODE would recompile every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "xzcalc")], check=True)
    runs = evaluators()
    problems = []
    for mix in (args.mix,) if args.mix else MIXES:
        problems += bench_mix(mix, args, runs)
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()
