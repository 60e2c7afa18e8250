"""Every bundled example against its JSON snapshot (`make snapshots` regenerates them after a reviewed change)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from snapshots import EXAMPLES, SNAPSHOTS, snapshot  # noqa: E402


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_matches_snapshot(path: Path) -> None:
    expected = (SNAPSHOTS / f"{path.stem}.json").read_text(encoding="utf-8")
    assert snapshot(path) == expected, f"{path.name} changed: review the diff, then `make snapshots`"


def test_docs_policies_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
