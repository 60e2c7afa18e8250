"""Write tests/snapshots/<example>.json: `calc --format json --explain` of every bundled example (`make snapshots`).

tests/test_snapshots.py compares against them, so any change of a rule or a parameter shows up as a diff to review.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xzcalc.engine import calculate  # noqa: E402
from xzcalc.schema.build import parse_profile  # noqa: E402
from xzcalc.schema.profile import load_profile  # noqa: E402

EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.toml"))
SNAPSHOTS = ROOT / "tests" / "snapshots"


def snapshot(path: Path) -> str:
    profile = parse_profile(load_profile(path.read_text(encoding="utf-8"), source=str(path)))
    return json.dumps(calculate(profile, explain=True).to_json("zh", explain=True), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    SNAPSHOTS.mkdir(exist_ok=True)
    for path in EXAMPLES:
        (SNAPSHOTS / f"{path.stem}.json").write_text(snapshot(path), encoding="utf-8")
        print(f"wrote tests/snapshots/{path.stem}.json")


if __name__ == "__main__":
    main()
