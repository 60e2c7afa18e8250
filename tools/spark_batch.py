"""The batch on Spark: the pure row engine mapped over a DataFrame's partitions with `mapInArrow`, built once per
partition (docs/scale.md). Every executor needs xzcalc installed (`pip install xzcalc[scale]`), the same version and
data as the driver: each partition checks the receipt before computing.

    spark-submit tools/spark_batch.py IN.parquet OUT_FOLDER          (or: python tools/spark_batch.py … with pyspark)

IN is what `xzcalc batch` reads as Parquet (the profile paths as columns; text, integers, decimals, booleans);
OUT_FOLDER gets Spark's part files with the columns and types of `xzcalc batch -o OUT.parquet`. `line` is Spark's
monotonically increasing row id plus 2: unique and in input order, but not contiguous across partitions (a
partition's rows are numbered from its own offset) — `id` is the key to join on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

LINE = "__xzcalc_line"  # the row id column added before mapInArrow, read by the partition function


def partition_function(header: list[str], expected: tuple[str, str], reform: Any = None) -> Any:
    """The function mapInArrow runs on each partition: Arrow batches of input rows in, Arrow batches of output
    rows out. The engine (rules, parameters) is built once per partition, after the executor's receipt is checked
    against the driver's."""

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from xzcalc.batch.distributed import DataMismatch, receipt
        from xzcalc.batch.parquet import cells_of
        from xzcalc.batch.worker import ChunkWriter, Job

        found = receipt()
        if found != expected:
            raise DataMismatch(f"an executor has xzcalc {found[0]} with data {found[1][:12]}…, the driver {expected}")
        writer = ChunkWriter(Job(tuple(header), "parquet", reform=reform))  # once per partition
        for batch in batches:
            lines = batch.column(LINE).to_pylist()
            columns = [cells_of(batch.column(i)) for i in range(len(header))]  # (by position: see run)
            records: list[Any] = [
                (line + 2, list(cells)) for line, cells in zip(lines, zip(*columns, strict=True), strict=True)
            ]
            body, _ = writer.process(records)
            yield body

    return compute


def run(spark: Any, source: str, target: str) -> Any:
    """Read `source` (Parquet), compute every row on the executors, write `target`; returns the output DataFrame."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    from xzcalc.batch.distributed import receipt
    from xzcalc.batch.io import check_header
    from xzcalc.batch.parquet import output_schema
    from xzcalc.batch.rows import layout

    frame = spark.read.parquet(source)
    header = list(frame.columns)
    check_header(header)  # unknown or duplicated columns: refused before any row, as `xzcalc batch` does
    schema = from_arrow_schema(output_schema(layout()))
    # Spark reads a dot in a column name as a field of a struct: the profile paths (income.rd_expense) travel by
    # position under plain names, and the partition function knows them by the header
    plain = frame.toDF(*(f"c{i}" for i in range(len(header))))
    out = plain.withColumn(LINE, F.monotonically_increasing_id()).mapInArrow(
        partition_function(header, receipt()), schema
    )
    out.write.mode("overwrite").parquet(target)
    return out


def main() -> None:
    from pyspark.sql import SparkSession

    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    spark = SparkSession.builder.appName("xzcalc batch").getOrCreate()
    try:
        run(spark, sys.argv[1], sys.argv[2])
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
