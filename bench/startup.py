"""Start-up budget of `xzcalc calc` (issue 2): at most 2× `python -c "import typer, rich.console, rich.table"`.

Runs both N times in this environment and prints the medians and their ratio. A measurement, not a unit test.
    make bench-startup            (or: python bench/startup.py [runs])
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    example = str(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml")
    base = median_seconds([sys.executable, "-c", "import typer, rich.console, rich.table"], runs)
    calc = median_seconds([str(BIN / "xzcalc"), "calc", example], runs)
    print(f"import typer, rich.console, rich.table : {base * 1000:7.1f} ms (median of {runs})")
    print(f"xzcalc calc <bundled example>          : {calc * 1000:7.1f} ms (median of {runs})")
    print(f"ratio                                  : {calc / base:7.2f}× (budget 2.00×)")


if __name__ == "__main__":
    main()
