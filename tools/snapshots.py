"""Write tests/snapshots/: the output of the bundled examples and of the other commands, byte for byte (make snapshots).

Every snapshot is made by running the command line — `python -m xzcalc ARGS` in a subprocess, from the repository root,
with the same environment each time — and never by importing xzcalc: the package's modules may move, the CLI and the
files may not. tests/test_snapshots.py imports SNAPSHOTS from here and re-runs each command, so the command list lives
in this file only.

File names: <subject>[.<variant>][.<lang>].<format>; zh, the default language, carries no tag.

    <example>.json               calc <example> --format json --explain     (the name the first snapshot had)
    <example>.table.txt          calc <example> --explain                   (the rich table, 160 columns, no colour)
    <example>.csv                calc <example> --format csv
    <example>.result.toml        calc <example> --format toml
      … each again with --lang en: <example>.en.json, <example>.en.table.txt, <example>.en.csv, <example>.en.result.toml
    xinzhou_manufacturer.reform[.en].{json,table.txt}   calc … --params tests/snapshots/inputs/reform.toml --explain
    xinzhou_manufacturer.compare.{json,csv}, …compare[.en].table.txt   compare
    explain.cit.small_low_profit[.en].txt              explain cit.small_low_profit
    policies.<jurisdiction>.json                       policies --jurisdiction <jurisdiction> --format json
    batch.enterprises.{csv,jsonl}                      batch data/examples/enterprises.csv -o - --jobs 1 (stdout only)

    python tools/snapshots.py           write every snapshot (and remove snapshot files no command makes any more)
    python tools/snapshots.py --check   only say which snapshots differ (exit 1 if any)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "tests" / "snapshots"
INPUTS = SNAPSHOT_DIR / "inputs"  # files the commands read (the reform); not snapshots
EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.toml"))
BATCH_INPUT = ROOT / "data" / "examples" / "enterprises.csv"
# the receipt's hash of data/ changes with every data file edited, which no output snapshot is about (the hash itself
# is tests/test_receipt.py's): a snapshot holds <data_sha256> in its place, so its diff shows what a change did
DATA_HASH = re.compile(rb'(data_sha256"?\s*[:=]\s*")[0-9a-f]{64}')
REFORM = INPUTS / "reform.toml"
REFORM_EXAMPLE = ROOT / "data" / "examples" / "xinzhou_manufacturer.toml"
LANGS = ("zh", "en")
JURISDICTIONS = ("xinzhou", "shanxi", "inner-mongolia")

# rich reads these (colour, width, terminal kind) and Python these (encoding, warnings on stderr): the output must not
# depend on the caller's terminal or shell
_DROPPED = (
    *("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "TERM", "COLUMNS", "LINES"),
    *("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "PYTHONDEVMODE", "PYTHONINSPECT"),
)
_DROPPED_PREFIXES = ("TTY_", "JUPYTER_")
ENV_SET = {
    "COLUMNS": "160",
    "LINES": "50",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "PYTHONUTF8": "1",
    "PYTHONIOENCODING": "utf-8",
}


class SnapshotError(RuntimeError):
    """A command exited with an unexpected code or wrote to stderr when it should not have."""


@dataclass(frozen=True)
class Snapshot:
    name: str  # the file under tests/snapshots/
    args: tuple[str, ...]  # after `python -m xzcalc`; paths relative to the repository root
    exit_code: int = 0
    stderr_free: bool = True  # False: stderr is not part of the snapshot (batch prints its timing there)

    @property
    def path(self) -> Path:
        return SNAPSHOT_DIR / self.name

    @property
    def command(self) -> str:
        return " ".join(["xzcalc", *self.args])


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _lang(lang: str) -> tuple[str, tuple[str, ...]]:
    """The file-name tag and the option of a language: zh (the default) has neither."""
    return ("", ()) if lang == "zh" else (f".{lang}", ("--lang", lang))


def _snapshots() -> tuple[Snapshot, ...]:
    out: list[Snapshot] = []
    for example in EXAMPLES:
        src = _rel(example)
        for lang in LANGS:
            tag, opt = _lang(lang)
            out += [
                Snapshot(f"{example.stem}{tag}.json", ("calc", src, "--format", "json", "--explain", *opt)),
                Snapshot(f"{example.stem}{tag}.table.txt", ("calc", src, "--explain", *opt)),
                Snapshot(f"{example.stem}{tag}.csv", ("calc", src, "--format", "csv", *opt)),
                Snapshot(f"{example.stem}{tag}.result.toml", ("calc", src, "--format", "toml", *opt)),
            ]
    # a reform: the first-set cap raised (the purchase made large enough to reach it) and the CIT rate raised
    reform = ("calc", _rel(REFORM_EXAMPLE), "--set", "first_set.1.price=600万", "--params", _rel(REFORM), "--explain")
    for lang in LANGS:
        tag, opt = _lang(lang)
        out += [
            Snapshot(f"{REFORM_EXAMPLE.stem}.reform{tag}.json", (*reform, "--format", "json", *opt)),
            Snapshot(f"{REFORM_EXAMPLE.stem}.reform{tag}.table.txt", (*reform, *opt)),
        ]
    compare = ("compare", _rel(REFORM_EXAMPLE))
    out += [
        Snapshot(f"{REFORM_EXAMPLE.stem}.compare.json", (*compare, "--format", "json")),
        Snapshot(f"{REFORM_EXAMPLE.stem}.compare.csv", (*compare, "--format", "csv")),
    ]
    for lang in LANGS:
        tag, opt = _lang(lang)
        out += [
            Snapshot(f"{REFORM_EXAMPLE.stem}.compare{tag}.table.txt", (*compare, *opt)),
            Snapshot(f"explain.cit.small_low_profit{tag}.txt", ("explain", "cit.small_low_profit", *opt)),
        ]
    for jurisdiction in JURISDICTIONS:
        out.append(
            Snapshot(f"policies.{jurisdiction}.json", ("policies", "--jurisdiction", jurisdiction, "--format", "json"))
        )
    # the bundled batch has one bad row on purpose: exit 1; stderr carries the timing, so only stdout is kept
    batch = ("batch", _rel(BATCH_INPUT), "-o", "-", "--jobs", "1")
    out += [
        Snapshot(f"batch.{BATCH_INPUT.stem}.csv", (*batch, "--format", "csv"), exit_code=1, stderr_free=False),
        Snapshot(f"batch.{BATCH_INPUT.stem}.jsonl", (*batch, "--format", "jsonl"), exit_code=1, stderr_free=False),
    ]
    names = [s.name for s in out]
    assert len(set(names)) == len(names), "two snapshots share a file name"
    return tuple(out)


SNAPSHOTS = _snapshots()


def environment() -> dict[str, str]:
    """The caller's environment without what changes rich's output or Python's I/O, plus fixed values of those."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED and not k.startswith(_DROPPED_PREFIXES)}
    env.update(ENV_SET)
    return env


def run(snapshot: Snapshot, env: dict[str, str] | None = None) -> bytes:
    """The command's stdout, exactly; SnapshotError if it exits otherwise than expected or writes to stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "xzcalc", *snapshot.args],
        cwd=ROOT,
        env=environment() if env is None else env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != snapshot.exit_code:
        raise SnapshotError(
            f"`{snapshot.command}` exited {result.returncode}, expected {snapshot.exit_code}:\n{stderr}"
        )
    if snapshot.stderr_free and stderr:
        raise SnapshotError(f"`{snapshot.command}` wrote to stderr:\n{stderr}")
    return DATA_HASH.sub(rb"\1<data_sha256>", result.stdout)


def run_all(snapshots: Iterable[Snapshot], jobs: int | None = None) -> dict[str, bytes]:
    """Every command's stdout by file name, run in parallel (each is a separate process)."""
    snapshots = list(snapshots)
    env = environment()
    with ThreadPoolExecutor(max_workers=jobs or min(8, (os.cpu_count() or 1) * 2)) as pool:
        outputs = list(pool.map(lambda s: run(s, env), snapshots))
    return {s.name: out for s, out in zip(snapshots, outputs, strict=True)}


def stray_files() -> list[Path]:
    """Files in tests/snapshots/ (not in inputs/) that no command makes."""
    names = {s.name for s in SNAPSHOTS}
    return sorted(p for p in SNAPSHOT_DIR.iterdir() if p.is_file() and p.name not in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="write nothing; list the snapshots that differ")
    args = parser.parse_args(argv)
    outputs = run_all(SNAPSHOTS)
    if args.check:
        differ = [s for s in SNAPSHOTS if not s.path.is_file() or s.path.read_bytes() != outputs[s.name]]
        for s in differ:
            print(f"differs: tests/snapshots/{s.name}  ({s.command})")
        for p in stray_files():
            print(f"stray: {_rel(p)}")
        return 1 if differ or stray_files() else 0
    SNAPSHOT_DIR.mkdir(exist_ok=True)
    for p in stray_files():
        p.unlink()
        print(f"removed {_rel(p)}")
    changed = 0
    for s in SNAPSHOTS:
        if s.path.is_file() and s.path.read_bytes() == outputs[s.name]:
            continue
        s.path.write_bytes(outputs[s.name])
        changed += 1
        print(f"wrote tests/snapshots/{s.name}")
    print(f"{len(SNAPSHOTS)} snapshots, {changed} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
