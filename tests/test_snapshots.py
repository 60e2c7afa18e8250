"""Every command of tools/snapshots.py against its file in tests/snapshots/, byte for byte (`make snapshots` after a
reviewed change). The commands run through the command line only (`python -m xzcalc`), in parallel."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from snapshots import EXAMPLES, JURISDICTIONS, SNAPSHOTS, Snapshot, environment, run, stray_files  # noqa: E402


@pytest.fixture(scope="module")
def outputs(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[bytes]]]:
    """The commands of the snapshot tests this session collected, started at once on a small thread pool."""
    wanted = {
        item.callspec.params["snapshot"].name
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_output_matches_snapshot" and hasattr(item, "callspec")
    }
    env = environment()
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield {s.name: pool.submit(run, s, env) for s in SNAPSHOTS if s.name in wanted}


def _diff(expected: bytes, actual: bytes, name: str, limit: int = 60) -> str:
    lines = list(
        difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            actual.decode("utf-8", "replace").splitlines(keepends=True),
            f"tests/snapshots/{name}",
            "now",
        )
    )
    more = f"… {len(lines) - limit} more diff lines\n" if len(lines) > limit else ""
    return "".join(lines[:limit]) + more


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=[s.name for s in SNAPSHOTS])
def test_output_matches_snapshot(snapshot: Snapshot, outputs: dict[str, Future[bytes]]) -> None:
    actual = outputs[snapshot.name].result()
    assert snapshot.path.is_file(), f"tests/snapshots/{snapshot.name} is missing: run `make snapshots`"
    expected = snapshot.path.read_bytes()
    if actual != expected:
        pytest.fail(
            f"`{snapshot.command}` no longer gives tests/snapshots/{snapshot.name}: "
            f"review the diff, then `make snapshots`\n{_diff(expected, actual, snapshot.name)}",
            pytrace=False,
        )


def test_no_stray_snapshot_files() -> None:
    stray = [p.name for p in stray_files()]
    assert not stray, f"no command makes {stray}: `make snapshots` removes them"


def test_examples_cover_every_jurisdiction_and_entity() -> None:
    covered = set()
    for path in EXAMPLES:
        profile = tomllib.loads(path.read_text(encoding="utf-8"))
        covered.add((profile.get("jurisdiction", "xinzhou"), profile.get("entity", "company")))
    assert covered >= {(j, e) for j in JURISDICTIONS for e in ("company", "individual-business")}


def test_snapshots_include_advisories() -> None:
    # at least one bundled example sits near a threshold, so the advisories are part of what the snapshots pin down
    calc_json = [s for s in SNAPSHOTS if s.args[0] == "calc" and "json" in s.args and "--params" not in s.args]
    advised = [s.name for s in calc_json if json.loads(s.path.read_bytes())["advisories"]]
    assert advised, "no example's JSON snapshot has an advisory"


def test_docs_policies_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
