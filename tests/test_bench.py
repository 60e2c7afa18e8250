"""The batch benchmark's pieces (bench/): the bureau mix is what its brief says (template columns a rule reads,
amounts in plain yuan, every row computed), the floor reads both mixes, and run.py finds the first differing line
of two outputs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from xzcalc.schema.kinds import Money, SignedMoney
from xzcalc.schema.paths import resolve_path
from xzcalc.schema.template import csv_header

ROOT = Path(__file__).resolve().parent.parent
PLAIN_YUAN = re.compile(r"-?(0|[1-9]\d*)(\.\d\d)?")


def _bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN, RUN, FLOOR = _bench("generate"), _bench("run"), _bench("floor")


def test_bureau_columns_are_template_columns() -> None:
    columns = GEN.columns("bureau")
    template = csv_header().strip().split(",")
    assert len(set(columns)) == len(columns)
    assert 28 <= len(columns) <= 34
    assert set(columns) <= set(template)
    assert set(FLOOR.MONEY) <= set(columns)  # the floor's five amounts


def test_bureau_amounts_are_plain_yuan() -> None:
    fields = [c for c in GEN.columns("bureau") if c != "id"]  # id is the batch's, not a profile field
    money = {c for c in fields if isinstance(resolve_path(c)[0], Money | SignedMoney)}
    assert len(money) == 18
    rows = list(GEN.rows(2000, seed=3, mix="bureau"))
    with_fen = 0
    for row in rows:
        for column in money & row.keys():
            assert PLAIN_YUAN.fullmatch(row[column]), (row["id"], column, row[column])
            with_fen += "." in row[column]
    assert with_fen > 1000  # some amounts to the fen, not all
    # today's spread: the three jurisdictions, both entity kinds, both VAT regimes, micro to large
    assert {r["jurisdiction"] for r in rows} == {"xinzhou", "shanxi", "inner-mongolia"}
    assert {r["entity"] for r in rows} == {"company", "individual-business"}
    assert {r["vat.taxpayer"] for r in rows} == {"small-scale", "general"}
    assert min(int(r["employees"]) for r in rows) < 20 and max(int(r["employees"]) for r in rows) >= 1000


def test_bureau_mix_computes_every_row_and_the_floor_reads_both(tmp_path: Path) -> None:
    for mix in ("today", "bureau"):
        source = tmp_path / f"{mix}.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "300", str(source), "--mix", mix],
            check=True,
            cwd=ROOT,
        )
        FLOOR.main(str(source), str(tmp_path / "floor.csv"))
        assert RUN.count_rows(tmp_path / "floor.csv") == (300, 0)
        if mix == "bureau":
            out = tmp_path / "out.csv"
            done = subprocess.run(
                [sys.executable, "-m", "xzcalc", "batch", str(source), "-o", str(out), "-q", "--jobs", "1"], cwd=ROOT
            )
            assert done.returncode == 0
            assert RUN.count_rows(out) == (300, 0)  # every row out, none an error row


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_first_difference(tmp_path: Path) -> None:
    header = "line,id,amount,error"
    a = _write(tmp_path / "a.csv", [header, "2,E1,1.00,", "3,E2,2.50,"])
    assert RUN.first_difference(a, _write(tmp_path / "same.csv", [header, "2,E1,1.00,", "3,E2,2.50,"])) is None
    b = _write(tmp_path / "b.csv", [header, "2,E1,1.00,", "3,E2,2.51,"])
    assert RUN.first_difference(a, b) == (3, "3,E2,2.50,", "3,E2,2.51,")
    assert RUN.described(a, 3, "3,E2,2.50,", "3,E2,2.51,") == "line 3 (id E2), amount: '2.50' against '2.51'"
    short = _write(tmp_path / "short.csv", [header, "2,E1,1.00,"])
    assert RUN.first_difference(a, short) == (3, "3,E2,2.50,", "")
    other = _write(tmp_path / "other.csv", ["line,id,total,error", "2,E1,1.00,"])
    line, x, y = RUN.first_difference(a, other)
    assert RUN.described(a, line, x, y) == "line 1, the header: 'amount' against 'total'"
