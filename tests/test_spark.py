"""The Spark example of docs/scale.md (tools/spark_batch.py), run on a local Spark session when pyspark (and a
Java runtime) are installed; skipped otherwise — `make test` does not install pyspark. The output has the rows,
values and types of `xzcalc batch -o OUT.parquet`."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pandas", reason="pyspark's Arrow functions need pandas (pip install 'pyspark[sql]')")
if shutil.which("java") is None:
    pytest.skip("pyspark needs a Java runtime", allow_module_level=True)

from xzcalc.batch import run

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPARK = _module("spark_batch", ROOT / "tools" / "spark_batch.py")
PARQUET_TESTS = _module("parquet_tests", ROOT / "tests" / "test_parquet.py")


def test_the_spark_example_gives_the_batch_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # driver and executors on the loopback only
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # the executors' Python: this one, with xzcalc

    rows = PARQUET_TESTS.rows_with_bad_ones(120, seed=17)  # bad rows, a blank one, formula-like text
    table = PARQUET_TESTS._typed_table(rows)
    source = tmp_path / "in"
    source.mkdir()
    for k in range(3):  # three files: three partitions
        pq.write_table(table.slice(40 * k, 40), source / f"part-{k:05}.parquet")
    run(str(source), str(tmp_path / "local.parquet"), jobs=1)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("xzcalc test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        SPARK.run(spark, str(source), str(tmp_path / "spark"))
    finally:
        spark.stop()
    local = pq.read_table(tmp_path / "local.parquet")
    out = pq.read_table(tmp_path / "spark")
    assert out.schema.remove_metadata() == local.schema.remove_metadata()
    key = lambda r: r["id"]  # noqa: E731 (Spark's line is a row id, not the line)
    strip = lambda rs: sorted(({k: v for k, v in r.items() if k != "line"} for r in rs), key=key)  # noqa: E731
    assert strip(out.to_pylist()) == strip(local.to_pylist())
    assert out.num_rows == len(rows) - 1  # (the blank record has no row)
