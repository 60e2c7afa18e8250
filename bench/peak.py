"""Run a Python script or module in this process and report its peak memory (RSS) and that of its children.

    python bench/peak.py REPORT.json -m xzcalc batch IN.csv -o OUT.csv
    python bench/peak.py REPORT.json bench/floor.py IN.csv OUT.csv

REPORT.json gets {"exit": code, "self_kb": peak RSS of this process, "children_kb": peak RSS of the largest child
it waited for (the batch's workers)} — resource.getrusage, so stdlib only (Linux reports ru_maxrss in KiB).
"""

from __future__ import annotations

import json
import resource
import runpy
import sys


def main() -> None:
    report, *command = sys.argv[1:]
    code: object = 0
    if command[0] == "-m":
        sys.argv = [command[1], *command[2:]]
        run = lambda: runpy.run_module(command[1], run_name="__main__", alter_sys=True)  # noqa: E731
    else:
        sys.argv = command
        run = lambda: runpy.run_path(command[0], run_name="__main__")  # noqa: E731
    try:
        run()
    except SystemExit as e:
        code = e.code if e.code is not None else 0
    finally:
        with open(report, "w", encoding="utf-8") as f:
            json.dump({
                "exit": code if isinstance(code, int) else 1,
                "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }, f)
    sys.exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
