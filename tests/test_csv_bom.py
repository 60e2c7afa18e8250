"""CSV for Excel (contract.md "Added 2026-11"): a UTF-8 BOM when standard output is a regular file or with --excel,
none on a pipe by default or with --no-bom — for calc, compare and sweep as for batch (tests/test_batch_bureau.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "data" / "examples" / "xinzhou_manufacturer.toml")
BOM = "\ufeff".encode()
COMMANDS = {
    "calc": ["calc", EXAMPLE, "-f", "csv"],
    "compare": ["compare", EXAMPLE, "--years", "2022,2023", "-f", "csv"],
    "sweep": ["sweep", EXAMPLE, "--field", "employees", "--from", "100", "--to", "300", "--steps", "2", "-f", "csv"],
}


def _run(args: list[str], stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "xzcalc", *args], stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bom_on_a_file_and_with_excel_none_on_a_pipe_or_with_no_bom(command: str, tmp_path: Path) -> None:
    args = COMMANDS[command]
    piped = _run(args)
    assert piped.returncode == 0, piped.stderr
    assert not piped.stdout.startswith(BOM) and piped.stdout
    assert _run([*args, "--excel"]).stdout == BOM + piped.stdout
    target = tmp_path / "r.csv"
    with target.open("wb") as f:
        assert _run(args, stdout=f).returncode == 0
    assert target.read_bytes() == BOM + piped.stdout
    with target.open("wb") as f:
        assert _run([*args, "--no-bom"], stdout=f).returncode == 0
    assert target.read_bytes() == piped.stdout
