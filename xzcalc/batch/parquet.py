"""Parquet in and out: `xzcalc batch IN.parquet -o OUT.parquet` (IN may also be a folder of .parquet files, read in
the order of their names). pyarrow is imported here only, and only when a run reads or writes Parquet: `calc` and
`--help` never load it (tests/test_layers.py).

In: the columns are the batch CSV's (profile paths and `id`, any order, only those used); a cell may be text,
an integer, a decimal, a boolean or a date, and null is a blank cell. Amounts are never read from floating point:
a float column is refused before any row is read (exit status 2), naming it. Each row becomes the cells of a CSV
record — the text the CSV would hold — and goes through the same row reader, so a bad cell is an error row as in a
CSV. `line` is the row's position counted as the same rows written as a CSV would count it: the first row is line 2.

Out: the batch CSV's columns; amounts and totals as decimal128 with two decimals (never float), eligibility as
booleans, classifications as text (a flag's true/false or a class, as in the CSV), the error as text; null where
the CSV cell is empty. Echoed text (id, name, error) is kept exactly, as in the JSONL (no spreadsheet prefix: a
Parquet reader runs no formula). One row group per chunk, rows in input order.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..inputs import publish
from ..model import KINDS
from .bureau import Columns
from .io import BatchError, RunFailed, _direct, _shown, clean_stale_parts
from .records import Record
from .rows import Layout, RowResult, cell_text

__all__ = ["AMOUNT", "ParquetOutput", "ParquetSource", "cells_of", "output_schema", "record_batch"]

SUFFIX: Final = ".parquet"
AMOUNT: Final = pa.decimal128(38, 2)  # yuan to the fen; money.MAX_AMOUNT (10^15) leaves room for every multiple


def _parts(folder: Path) -> list[Path]:
    """The .parquet files of a folder in the order of their names (part-00000, part-00001 …); hidden files and the
    _SUCCESS / _metadata markers left out."""
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() == SUFFIX and not p.name.startswith((".", "_")) and p.is_file()
    )


# ── in ─────────────────────────────────────────────────────────────────────────────────────────────────────


def _readable(kind: pa.DataType) -> bool:
    """The column types a cell is read from: text, integers, decimals, booleans, dates, all-null."""
    if pa.types.is_dictionary(kind):
        return _readable(kind.value_type)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or pa.types.is_timestamp(kind)  # (pandas writes its dates so: one at midnight is read as the date)
        or pa.types.is_null(kind)
    )


def _timestamp_text(value: Any) -> str:
    """A timestamp's cell: "" for null, the date (YYYY-MM-DD) at midnight, else its ISO text (which a date field
    then refuses, naming it)."""
    if value is None:
        return ""
    at_midnight = value.hour == value.minute == value.second == value.microsecond == 0 and value.tzinfo is None
    return str(value.date().isoformat() if at_midnight else value.isoformat())


def cells_of(column: pa.Array | pa.ChunkedArray) -> list[str]:
    """A column as the cells a CSV would hold: the text of each value (true/false, 2000000.00, 2022-01-01), "" for
    null."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_timestamp(kind):  # a date as pandas writes it: midnight → the date, as an .xlsx date cell
        return [_timestamp_text(v) for v in column.to_pylist()]
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        column = pc.cast(column, pa.string())
    cells: list[str] = pc.fill_null(column, "").to_pylist()
    return cells


class ParquetSource:
    """A .parquet file or a folder of them: the header (its columns' names), then the rows in chunks of records
    (line, cells) — the records the worker reads as parsed CSV — with the rows read so far as the position."""

    encoding = "parquet"
    decoding = "utf-8"

    def __init__(self, source: str, encoding: str | None = None) -> None:
        if encoding is not None:
            raise BatchError(
                f"--encoding: {_shown(encoding)} does not apply to Parquet input — expected no --encoding "
                "(Parquet text is UTF-8 by its format)"
            )
        path = Path(source)
        if not path.exists():
            raise BatchError(f"input: {_shown(source)} is not a readable file — expected a Parquet file or folder")
        self.files = _parts(path) if path.is_dir() else [path]
        if not self.files:
            raise BatchError(
                f"input: {_shown(source)} is a folder without .parquet files — expected a CSV file, a Parquet file "
                "or a folder of Parquet files"
            )
        self.handles: list[pq.ParquetFile] = []
        names: list[str] | None = None
        for file in self.files:
            try:
                handle = pq.ParquetFile(file)
            except (OSError, pa.ArrowException) as e:
                self.close()
                raise BatchError(f"input: {_shown(str(file))} is not a readable Parquet file ({e})") from None
            self.handles.append(handle)
            schema = handle.schema_arrow
            if names is None:
                names = list(schema.names)
            elif sorted(schema.names) != sorted(names):
                self.close()
                raise BatchError(
                    f"input: {_shown(str(file))} has the columns {', '.join(map(_shown, schema.names))} — expected the "
                    f"same columns as {_shown(str(self.files[0]))}: {', '.join(map(_shown, names))}"
                )
            for field in schema:
                if not _readable(field.type):
                    self.close()
                    raise BatchError(
                        f"input: column {_shown(field.name)} of {_shown(str(file))} is {field.type} — expected text, "
                        "integers, decimals, booleans or dates (an amount is never read from floating point: "
                        "write it as decimal or text)"
                    )
        assert names is not None
        self.names = names  # as in the file (the header below is stripped)
        self.header = tuple(names)  # (checked, with a bureau's names and units, by bureau.resolve_columns)
        self.size: int | None = sum(h.metadata.num_rows for h in self.handles)
        self.position = 0  # rows read so far

    def chunks(self, rows: int) -> Iterator[tuple[list[Record], int]]:
        """Records of `rows` rows at most, in input order, each chunk with the rows read after it."""
        line = 2
        for file, handle in zip(self.files, self.handles, strict=True):
            try:
                for batch in handle.iter_batches(batch_size=rows, columns=self.names, use_threads=False):
                    columns = [cells_of(batch.column(name)) for name in self.names]
                    records: list[Record] = [
                        (line + k, list(cells)) for k, cells in enumerate(zip(*columns, strict=True))
                    ]
                    if not records:
                        continue
                    line += len(records)
                    self.position += len(records)
                    yield records, self.position
            except (OSError, pa.ArrowException) as e:
                raise RunFailed(f"input: {_shown(str(file))} cannot be read ({e}) — no output written") from None

    def close(self) -> None:
        for handle in self.handles:
            with contextlib.suppress(Exception):
                handle.close()
        self.handles = []


# ── out ────────────────────────────────────────────────────────────────────────────────────────────────────


def output_schema(lay: Layout, columns: Columns | None = None) -> pa.Schema:
    """The output columns with their types (the CSV's columns, in its order): carried columns (--keep, --group-by)
    as text under their input header, unclaimed.<policy> as amounts, before `error`."""
    fields = [
        pa.field("line", pa.int64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("jurisdiction", pa.string()),
        pa.field("year", pa.int32()),
    ]
    fields += [pa.field(f"classification.{c}", pa.string()) for c in lay.classifications]
    fields += [pa.field(f"total.{k}", AMOUNT) for k in KINDS]
    for pid, has_amount in lay.policies:
        fields.append(pa.field(f"{pid}.eligible", pa.bool_()))
        if has_amount:
            fields.append(pa.field(f"{pid}.amount", AMOUNT))
    if columns is not None:
        fields += [pa.field(name, pa.string()) for name in columns.carried_names]
        fields += [pa.field(f"unclaimed.{p}", AMOUNT) for p in columns.claimed_policies]
    fields.append(pa.field("error", pa.string()))
    return pa.schema(fields)


def record_batch(
    results: Sequence[RowResult], lay: Layout, schema: pa.Schema, columns: Columns | None = None
) -> pa.RecordBatch:
    """Rows → one record batch of `output_schema(lay, columns)` (what a worker sends back for a chunk). A measure
    not computed in a row's tax year (years.md: not in force, or in force but not computed) has a null eligibility,
    as it has no amount."""
    n = len(results)
    classes: dict[str, list[str | None]] = {c: [None] * n for c in lay.classifications}
    totals: dict[str, list[Decimal | None]] = {k: [None] * n for k in KINDS}
    eligible: dict[str, list[bool | None]] = {pid: [None] * n for pid, _ in lay.policies}
    amounts: dict[str, list[Decimal | None]] = {pid: [None] * n for pid, has in lay.policies if has}
    for i, r in enumerate(results):
        if r.error:
            continue
        for c, value in r.classification.items():
            if c in classes and value is not None:
                classes[c][i] = cell_text(value)
        for k, total in r.totals.items():
            totals[k][i] = total
        for pid, _, ok, amount, status in r.items:
            if pid in eligible:  # (a policy added to the catalogue after the layout was fixed: only in JSONL)
                eligible[pid][i] = ok if status == "computed" else None
                if pid in amounts and amount is not None:
                    amounts[pid][i] = amount
    arrays: list[pa.Array] = [
        pa.array([r.line for r in results], pa.int64()),
        pa.array([r.id for r in results], pa.string()),
        pa.array([r.name for r in results], pa.string()),
        pa.array([r.jurisdiction or None for r in results], pa.string()),
        pa.array([r.year for r in results], pa.int32()),
    ]
    arrays += [pa.array(classes[c], pa.string()) for c in lay.classifications]
    arrays += [pa.array(totals[k], AMOUNT) for k in KINDS]
    for pid, has_amount in lay.policies:
        arrays.append(pa.array(eligible[pid], pa.bool_()))
        if has_amount:
            arrays.append(pa.array(amounts[pid], AMOUNT))
    if columns is not None:
        for j in range(len(columns.carried)):
            arrays.append(pa.array([r.carried[j] if r.carried else None for r in results], pa.string()))
        for p in columns.claimed_policies:
            arrays.append(pa.array([r.unclaimed.get(p) for r in results], AMOUNT))
    arrays.append(pa.array([r.error or None for r in results], pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class ParquetOutput:
    """The Parquet output: written to a temporary file beside a regular target and renamed over it by `commit`
    (as the CSV's Output), or directly to anything that is not a regular file. One row group per chunk."""

    def __init__(self, target: str, lay: Layout, columns: Columns | None = None) -> None:
        if target == "-":
            raise BatchError("-o -: Parquet is written to a file — expected -o OUT.parquet (or OUT.csv for stdout)")
        self.target = target
        self.what = f"-o {_shown(target)}"
        self.schema = output_schema(lay, columns)
        self.tmp: Path | None = None
        path = Path(target)
        if path.is_dir():
            raise BatchError(f"-o: {_shown(target)} is a directory — expected a file name ending in .parquet")
        self.direct = _direct(target)
        if self.direct:
            name = target
        else:
            real = Path(os.path.realpath(target))
            if not real.parent.is_dir():
                raise BatchError(f"-o: directory {_shown(str(path.parent))} does not exist")
            clean_stale_parts(real)
            try:
                fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.{os.getpid()}-", suffix=".part")
            except OSError as e:
                raise BatchError(f"-o: cannot write in {_shown(str(real.parent))} ({e.strerror})") from None
            os.close(fd)
            self.real = real
            self.tmp = Path(name)
        try:
            self.writer: Any = pq.ParquetWriter(name, self.schema)
        except (OSError, pa.ArrowException) as e:
            self._remove()
            raise BatchError(f"-o: {_shown(target)} cannot be written ({e})") from None

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:  # (a chunk of blank records only)
            return
        try:
            self.writer.write_batch(batch)
        except (OSError, pa.ArrowException) as e:
            raise RunFailed(f"{self.what} cannot be written ({e}) — no output written") from None

    def commit(self) -> None:
        try:
            self.writer.close()
            if self.tmp is not None:
                publish(self.tmp, self.real)
                self.tmp = None
        except (OSError, pa.ArrowException) as e:
            self._remove()
            raise RunFailed(f"{self.what} cannot be written ({e}) — no output written") from None

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        self._remove()

    def _remove(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None
