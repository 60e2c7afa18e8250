"""What a worker process does with a chunk of the input: parse its records, compute them, format their output rows."""

from __future__ import annotations

import csv
import io
import json
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import KINDS
from ..schema.build import RowReader
from .io import csv_field
from .rows import RowEngine, RowResult, cell_text, layout, neutralise
from .summary import Summary

if TYPE_CHECKING:
    from ..reform import Reform


# ── chunks: what a worker does with a slice of the file ─────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Job:
    """What every worker needs, sent once (the pool initializer): the header, the CSV dialect, the output
    format and the reform."""

    header: tuple[str, ...]
    fmt: str  # csv | jsonl
    delimiter: str = ","
    reform: Reform | None = None


class ChunkWriter:
    """Parses, computes and formats chunks of input lines; one per worker process (in-process for
    --jobs 1)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.engine = RowEngine(job.reform)
        self.layout = layout()
        self.columns = self.layout.columns()
        self.positions = self.layout.positions()
        header = job.header
        self.width = len(header)
        # profile columns by position; `id` and blank-named columns (a spreadsheet's trailing empties) apart
        self.header = header
        self.id_col = header.index("id") if "id" in header else -1
        self.name_col = header.index("name") if "name" in header else -1
        self.reader = RowReader(header)
        self.blank = [i for i, name in enumerate(header) if not name]
        self.class_cols = [(c, 5 + i) for i, c in enumerate(self.layout.classifications)]
        self.total_cols = [(k, 5 + len(self.layout.classifications) + i) for i, k in enumerate(KINDS)]

    def result(self, values: Sequence[str], line: int) -> RowResult:
        """One parsed CSV record → its RowResult (a record that does not fit the header is an error row)."""
        n = len(values)
        ident = values[self.id_col].strip() if 0 <= self.id_col < n else ""

        def name() -> str:  # (an error row's: only then is it needed apart from the profile)
            return values[self.name_col].strip() if 0 <= self.name_col < n else ""

        if n > self.width and any(v.strip() for v in values[self.width :]):
            problem = f"the row has {n} cells but the header has {self.width} columns"
            return RowResult(line, ident, name(), error=problem)
        for i in self.blank:
            if i < n and values[i].strip():
                shown = json.dumps(values[i], ensure_ascii=False)
                problem = f"column {i + 1} has no name in the header but holds {shown}"
                return RowResult(line, ident, name(), error=problem)
        return self.engine._compute(self.reader.read, values, ident, name, line)

    def csv_line(self, r: RowResult) -> str:
        """The row as a line of the output CSV: what csv.writer writes for csv_row(r). Only the echoed text
        (id, name, error) can need quoting; the other cells are numbers, true/false and choices."""
        out = self.csv_row(r)
        out[1], out[2], out[-1] = csv_field(out[1]), csv_field(out[2]), csv_field(out[-1])
        return ",".join(out) + "\n"

    def csv_row(self, r: RowResult) -> list[str]:
        out = [""] * len(self.columns)
        out[0] = str(r.line)
        out[1] = neutralise(r.id)
        out[2] = neutralise(r.name)
        if r.error:
            out[-1] = neutralise(r.error)
            return out
        out[3] = r.jurisdiction
        out[4] = "" if r.year is None else str(r.year)
        classification = r.classification
        for name, col in self.class_cols:
            out[col] = cell_text(classification.get(name))
        totals = r.totals
        # amounts are rounded to the fen by the engine: str() gives fmt_amount's text (no exponent at 0.01)
        for kind, col in self.total_cols:
            out[col] = str(totals[kind])
        positions = self.positions
        for pid, _, eligible, amount in r.items:
            pos = positions.get(pid)
            if pos is None:
                continue  # a policy added to the catalogue after the layout was fixed: only in JSONL
            out[pos[0]] = "true" if eligible else "false"
            if pos[1] >= 0 and amount is not None:
                out[pos[1]] = str(amount)
        return out

    def records(self, first_line: int, text: str) -> Iterator[tuple[int, list[str] | str]]:
        """(line, cells) for each CSV record of `text`, whose first line is `first_line` of the file; a
        record the csv module cannot read comes as (line, the error message)."""
        reader = csv.reader(io.StringIO(text), delimiter=self.job.delimiter)
        consumed = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield first_line + consumed, f"not a readable CSV record ({e})"
                consumed = reader.line_num
                continue
            line = first_line + consumed
            consumed = reader.line_num
            if values:  # a blank line is no enterprise
                yield line, values

    def process(self, first_line: int, text: str) -> tuple[str, Summary]:
        """A chunk of input lines (whole records) → the output text of its rows, in order, and their
        summary."""
        summary = Summary()
        buffer = io.StringIO()
        csv_out = self.job.fmt == "csv"
        for line, values in self.records(first_line, text):
            r = RowResult(line, "", "", error=values) if isinstance(values, str) else self.result(values, line)
            summary.add(r)
            if csv_out:
                buffer.write(self.csv_line(r))
            else:
                buffer.write(json.dumps(r.to_json(), ensure_ascii=False))
                buffer.write("\n")
        return buffer.getvalue(), summary


_WORKER: ChunkWriter | None = None


def init_worker(job: Job) -> None:
    """Pool initializer: rules and parameters loaded once per worker; Ctrl-C is the parent's to handle."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (the parent's handler is inherited through fork)
    _WORKER = ChunkWriter(job)
    quiet_gc()


def quiet_gc() -> None:
    """Move everything loaded so far (rules, parameters, modules) out of the cyclic collector's sight: rows
    only allocate short-lived acyclic objects; a full collection would otherwise rescan the loaded data."""
    import gc

    gc.collect()
    gc.freeze()


def work(task: tuple[int, str]) -> tuple[str, Summary]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.process(*task)
