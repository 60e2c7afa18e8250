"""Run a Python script or module in this process and report its peak memory (RSS) and that of its children.

    python bench/peak.py REPORT.json -m xzcalc batch IN.csv -o OUT.csv
    python bench/peak.py REPORT.json bench/floor.py IN.csv OUT.csv

REPORT.json gets {"exit": code, "self_kb": peak RSS of this process, "children_kb": peak RSS of the largest
child it waited for (the batch's workers), "self_cpu"/"children_cpu": CPU seconds} — resource.getrusage, so
stdlib only (Linux reports ru_maxrss in KiB).
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
            me, children = (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
            json.dump(
                {
                    "exit": code if isinstance(code, int) else 1,
                    "self_kb": me.ru_maxrss,
                    "children_kb": children.ru_maxrss,
                    "self_cpu": me.ru_utime + me.ru_stime,
                    "children_cpu": children.ru_utime + children.ru_stime,
                },
                f,
            )
    sys.exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
