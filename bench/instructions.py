"""Instructions a batch row costs, counted by callgrind — repeatable where wall-clock timings on a shared VM are not.

    python bench/instructions.py [--warm 2000] [--rows 1000]     (make bench-instructions)

Runs `RowEngine().compute(cells)` in this process over generated rows (bench/generate.py) twice under
`valgrind --tool=callgrind`: once for WARM rows and once for WARM + ROWS; the difference divided by ROWS is the
steady-state cost of a row (building the profile, calculating, projecting the output row; not the CSV I/O).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _child(n: int) -> None:
    sys.path.insert(0, str(BENCH))
    from generate import rows

    from xzcalc.batch import RowEngine

    engine = RowEngine()
    for i, row in enumerate(rows(n, seed=7), 2):
        engine.compute({k: v for k, v in row.items() if v}, i)


def _count(n: int) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(done.stderr[-2000:])
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child)
        return
    base = _count(args.warm)
    more = _count(args.warm + args.rows)
    print(f"{(more - base) / args.rows / 1e6:.3f} M instructions a row (callgrind; {args.rows} rows after {args.warm})")


if __name__ == "__main__":
    main()
