"""Instructions a batch row costs, counted by callgrind — repeatable where wall-clock timings on a shared VM are not.

    python bench/instructions.py [--warm 2000] [--rows 1000] [--pregenerate]     (make bench-instructions)

Runs `RowEngine().compute(cells)` in this process over generated rows (bench/generate.py) twice under
`valgrind --tool=callgrind`: once for WARM rows and once for WARM + ROWS; the difference divided by ROWS is the
steady-state cost of a row (building the profile, calculating, projecting the output row; not the CSV I/O).

By default each row is generated as it is computed, so the figure includes generating it (about 0.28 M instructions
of bench/generate.py: the way every figure in README "Measured" was taken). With --pregenerate both runs first
generate WARM + ROWS rows and then compute WARM or WARM + ROWS of them: the difference is the row path alone.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _child(n: int, generated: int) -> None:
    sys.path.insert(0, str(BENCH))
    from generate import rows

    from xzcalc.batch import RowEngine

    engine = RowEngine()
    made = list(rows(generated, seed=7)) if generated else rows(n, seed=7)
    for i, row in enumerate(made, 2):
        if i - 2 == n:
            break
        engine.compute({k: v for k, v in row.items() if v}, i)


def _count(n: int, generated: int) -> int:
    child = [sys.executable, __file__, "--child", str(n), "--generated", str(generated)]
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *child],
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
    parser.add_argument("--pregenerate", action="store_true", help="leave generating the rows out of the figure")
    parser.add_argument("--child", type=int)
    parser.add_argument("--generated", type=int, default=0)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.generated)
        return
    generated = args.warm + args.rows if args.pregenerate else 0
    base = _count(args.warm, generated)
    more = _count(args.warm + args.rows, generated)
    what = "the row path alone" if args.pregenerate else "generating each row included"
    per_row = (more - base) / args.rows / 1e6
    print(f"{per_row:.3f} M instructions a row (callgrind; {args.rows} rows after {args.warm}; {what})")


if __name__ == "__main__":
    main()
