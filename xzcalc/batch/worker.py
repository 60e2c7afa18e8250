"""What a worker process does with a chunk of records: decode and parse each, compute it, format its output row.
A record that cannot be read is an error row carrying its id and name whenever they can be read."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from ..inputs import echo, neutralise
from ..model import KINDS
from ..money import FEN
from ..schema.build import RowReader, cell_column
from ..schema.kinds import MONEY, ProfileError
from .bureau import CellError, Columns
from .io import AUTO, csv_field, decode
from .records import FORMULA, MAX_CELL_CHARS, MAX_RECORD_BYTES, OVERLONG, Record, leading_cells
from .rows import Layout, RowEngine, RowResult, cell_text, layout
from .summary import Summary

if TYPE_CHECKING:
    from ..reform import Reform
    from ..rules.kit import RuleFamily
    from .cells import CellColumns, Read
    from .lines import Shape

# control characters (C0 but tab, LF and CR; DEL; C1) have no place in an enterprise's data: a NUL in a name
# would be written to the output
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
D0 = Decimal(0)


# ── chunks: what a worker does with a slice of the file ─────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Job:
    """What every worker needs, sent once (the pool initializer): the header, the CSV dialect, the output
    format and the reform."""

    header: tuple[str, ...]
    fmt: str  # csv | jsonl | xlsx | parquet
    delimiter: str = ","
    reform: Reform | None = None
    decoding: str = AUTO  # how each record is decoded: AUTO (UTF-8, else GB18030) or one codec
    encoding: str = "utf-8"  # the input's encoding as error rows name it
    parent: int = 0  # the parent process: a worker dies with it
    columns: Columns | None = None  # the header resolved (bureau names, units, carried and claimed columns)
    evaluator: str = "columnar"  # columnar: batch/columnar.py's families over each chunk's columns; row: all per row


def written_by_column(job: Job) -> bool:
    """Whether a chunk's rows may be written column by column (batch/lines.py): a CSV without carried or claimed
    columns, by the columnar evaluator. Otherwise each row's result is held until the chunk is written (the driver
    gives such chunks fewer rows: driver.CHUNK_ROWS_BY_ROW)."""
    extra = job.columns is not None and bool(job.columns.carried or job.columns.claimed)
    return job.fmt == "csv" and job.evaluator == "columnar" and not extra


class ChunkWriter:
    """Parses, computes and formats chunks of input lines; one per worker process (in-process for
    --jobs 1)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        deferred: frozenset[RuleFamily] = frozenset()
        if job.evaluator == "columnar":  # (numpy only on this path)
            from .columnar import COLUMNAR

            deferred = frozenset(COLUMNAR)
        self.engine = RowEngine(job.reform, deferred)
        self.layout = layout()
        self.columns = self.layout.columns()
        self.positions = self.layout.positions()
        header = job.header
        self.width = len(header)
        # profile columns by position; `id` and blank-named columns (a spreadsheet's trailing empties) apart
        self.header = header
        cols = job.columns if job.columns is not None else Columns(header, header, ("",) * len(header))
        self.cols = cols
        paths = cols.paths
        self.id_col = paths.index("id") if "id" in paths else -1
        self.name_col = paths.index("name") if "name" in paths else -1
        self.reader = RowReader(paths)
        # the columnar evaluator reads a chunk's cells as columns (batch/cells.py) when every family is columnar,
        # and writes a CSV's rows column by column (batch/lines.py) when no column is carried or claimed
        self.cell_columns: CellColumns | None = None
        self.lines: Shape | None = None
        if self.engine.parse_only:
            from .cells import CellColumns

            # (the cells of converted columns — 地区 names, 年度 suffixes, units — converted column by column too)
            converted = (i for i, how in enumerate(cols.cells) if how)
            cell_columns = CellColumns(paths, {i: partial(cols.convert, i) for i in converted})
            self.cell_columns = cell_columns if cell_columns.usable else None
        self.blank = [i for i, name in enumerate(header) if not name]
        self.converted = [i for i, how in enumerate(cols.cells) if how]
        self.carried = cols.carried
        self.groups = tuple(cols.carried.index(i) for i in cols.groups)
        self.claimed = cols.claimed
        self.extra = len(cols.carried) + len(cols.claimed)  # output columns before `error`
        self.columns = self.output_columns(self.layout, cols)
        # a carried column named as an output column (--keep jurisdiction, --keep error): a JSON object has each key
        # once, and the computed value keeps it (the CSV has both columns)
        start = len(self.columns) - 1 - self.extra
        kept = range(start, start + len(self.carried))
        chosen: dict[str, int] = {}
        for i, name in enumerate(self.columns):
            if name not in chosen or (chosen[name] in kept and i not in kept):
                chosen[name] = i
        self.json_cells = sorted(chosen.values())
        self.json_names = [self.columns[i] for i in self.json_cells]
        if len(self.json_cells) == len(self.columns):
            self.json_cells = []
        from ..params import all_policies

        self.entitled = frozenset(p.id for p in all_policies() if p.certainty == "entitled")
        self.class_cols = [(c, 5 + i) for i, c in enumerate(self.layout.classifications)]
        self.total_cols = [(k, 5 + len(self.layout.classifications) + i) for i, k in enumerate(KINDS)]
        if self.cell_columns is not None and written_by_column(job):
            from .lines import Shape

            self.lines = Shape(len(self.columns), self.class_cols, self.total_cols, self.positions)
        if csv.field_size_limit() < MAX_RECORD_BYTES:  # a long cell is the row's error, not the csv module's
            csv.field_size_limit(MAX_RECORD_BYTES)
        self.schema: Any = None
        if job.fmt == "parquet":  # (pyarrow only on this path)
            from .parquet import output_schema

            self.schema = output_schema(self.layout, cols)

    @staticmethod
    def output_columns(lay: Layout, cols: Columns | None) -> list[str]:
        """The output's columns: the layout's, then the carried ones (their header as written) and
        unclaimed.<policy> for each claimed column, then `error`."""
        columns = lay.columns()
        if cols is None or not (cols.carried or cols.claimed):
            return columns
        extra = [*cols.carried_names, *(f"unclaimed.{p}" for p in cols.claimed_policies)]
        return [*columns[:-1], *extra, columns[-1]]

    # ── a record → its row ──────────────────────────────────────────────────────────────────────────────

    def row(self, record: Record) -> RowResult | None:
        """One record → its RowResult, or None for a blank record (no cell holds anything)."""
        line, data = record[0], record[1]
        if isinstance(data, list):  # a row of a columnar file (xzcalc/batch/parquet.py): its cells, as text
            if not any(map(str.strip, data)):
                return None
            return self.result(data, line, "".join(data))
        if len(record) > 2:
            return self._unreadable(record)
        try:
            text = decode(data, self.job.decoding).rstrip("\r\n")
        except UnicodeDecodeError as e:
            return self._undecodable(line, data, e)
        try:
            values = next(csv.reader((text,), delimiter=self.job.delimiter, strict=True), [])
        except csv.Error as e:
            return self._unparsable(line, text, e)
        if not any(map(str.strip, values)):
            return None
        return self.result(values, line, text)

    def _split(self, records: Sequence[Record]) -> tuple[list[list[str]], list[str]] | None:
        """Every record of the chunk decoded and split into cells by one csv.reader (what `row` does one record at a
        time), with its text — or None when any record is not a plain CSV record that decodes and parses, or the
        cells do not come out one row a record: then `row` reads each, and says what is wrong with which."""
        if not all(len(record) == 2 and type(record[1]) is bytes for record in records):
            return None
        decoding = self.job.decoding
        try:
            texts = [decode(record[1], decoding).rstrip("\r\n") for record in records]  # type: ignore[arg-type]
            rows = list(csv.reader(texts, delimiter=self.job.delimiter, strict=True))
        except (UnicodeDecodeError, csv.Error):
            return None
        return (rows, texts) if len(rows) == len(texts) else None

    def result(self, values: Sequence[str], line: int, text: str = "") -> RowResult:
        """One parsed CSV record → its RowResult (a record that does not fit the header is an error row)."""
        n = len(values)
        if n != self.width and (n < self.width or any(v.strip() for v in values[self.width :])):
            return self._error(line, values, f"the row has {n} cells but the header has {self.width} columns")
        if FORMULA in text and self.job.encoding == "xlsx":
            unsaved = [
                f"{self._column(i)}: {echo(v[len(FORMULA) :])}: a formula with no value saved — expected a number; "
                "open and save the file in Excel/WPS, or paste values"
                for i, v in enumerate(values)
                if v.startswith(FORMULA)
            ]
            if unsaved:
                return self._error(line, values, "; ".join(unsaved))
        if _CONTROL.search(text):
            for i, v in enumerate(values):
                if _CONTROL.search(v):
                    problem = f'{self._column(i)}: "{echo(v)}" is not valid — expected text without control characters'
                    return self._error(line, values, problem)
        if len(text) > MAX_CELL_CHARS:
            for i, v in enumerate(values):
                if len(v) > MAX_CELL_CHARS:
                    limit = f"expected at most {MAX_CELL_CHARS:,}"
                    return self._error(line, values, f"{self._column(i)}: a cell of {len(v):,} characters — {limit}")
        ident = values[self.id_col].strip() if 0 <= self.id_col < n else ""

        def name() -> str:  # (an error row's: only then is it needed apart from the profile)
            return values[self.name_col].strip() if 0 <= self.name_col < n else ""

        for i in self.blank:
            if i < n and values[i].strip():
                shown = json.dumps(values[i], ensure_ascii=False)
                problem = f"column {i + 1} has no name in the header but holds {shown}"
                return RowResult(line, ident, name(), error=problem)
        if self.cell_columns is not None:  # (read, converted, with the chunk's other rows: process)
            claimed, problems = self._claimed(values) if self.claimed else ([], [])
            if not problems:
                r = RowResult(line, ident, "", cells=values if n == self.width else values[: self.width])
                r.carried = tuple(values[i].strip() for i in self.carried)  # (as _bureau_row carries them)
                r.claimed = claimed
                return r
        if not (self.converted or self.extra):
            return self.engine._compute(self.reader.read, values, ident, name, line)
        return self._bureau_row(values, line, ident, name)

    def _bureau_row(self, values: Sequence[str], line: int, ident: str, name: Callable[[], str]) -> RowResult:
        """A row of a header with converted, carried or claimed columns: every cell's problem is reported at once."""
        cols = self.cols
        cells = list(values[: self.width])
        carried = tuple(cells[i].strip() for i in self.carried)  # as written (a carried field too: --keep 地区)
        problems: list[str] = []
        for i in self.converted:
            try:
                cells[i] = cols.convert(i, cells[i])
            except CellError as e:
                problems.append(str(e))
                cells[i] = ""
        claimed, unreadable = self._claimed(cells)
        r = self._computed(cells, line, ident, name, [*problems, *unreadable])
        r.carried = carried
        if not r.error:
            r.claimed = claimed  # (unclaimed once every amount is known: _finished)
        return r

    def _claimed(self, cells: Sequence[str]) -> tuple[list[tuple[str, Decimal]], list[str]]:
        """The amounts a row's claimed columns say were claimed (policy, yuan), and the problems of those that
        cannot be read."""
        claimed: list[tuple[str, Decimal]] = []
        problems: list[str] = []
        for i, pid, factor in self.claimed:
            text = cells[i]
            if not text.strip():
                continue
            try:
                claimed.append((pid, MONEY.parse(text, self.cols.raw[i]) * Decimal(factor)))
            except ProfileError as e:
                problems.append(str(e))
        return claimed, problems

    def _computed(
        self, cells: Sequence[str], line: int, ident: str, name: Callable[[], str], problems: list[str]
    ) -> RowResult:
        """A row read by the builder and computed by the row engine; for a header with converted, carried or
        claimed columns, an error row names every cell's problem (`problems` found before, then the cells')."""
        r = self.engine._compute(self.reader.read, cells, ident, name, line)
        if not (self.converted or self.extra):
            return r
        if r.error:
            problems = [*problems, *self._cell_problems(cells)]
            if not problems:
                problems.append(r.error)
        if problems:
            r = RowResult(line, ident, name(), error="; ".join(dict.fromkeys(problems)))
        return r

    def _name(self, cells: Sequence[str]) -> str:
        """The name an error row echoes: the name cell as written, stripped."""
        return cells[self.name_col].strip() if 0 <= self.name_col < len(cells) else ""

    def _read_as_columns(self, results: list[RowResult], summary: Summary) -> dict[int, str]:
        """The rows of a chunk left with their cells (`result`) read as columns and computed over them; a row the
        columns leave (batch/cells.py: slow) read by the builder and computed as any other, in its place. For a CSV
        without carried or claimed columns the rows are written and counted column by column (batch/lines.py):
        their lines by position in `results`, already counted in `summary`; other rows get their whole results."""
        assert self.cell_columns is not None
        places = [i for i, r in enumerate(results) if r.cells is not None]
        if not places:
            return {}
        rows = [results[i] for i in places]
        try:
            read = self.cell_columns.read([r.cells or () for r in rows])
        except Exception:  # (a bug reading the columns: the builder reads every row, and no row is lost)
            for place, r in zip(places, rows, strict=True):
                results[place] = self._builders(r.cells or (), r.line, r.id)
            return {}
        done: dict[int, str] = {}
        if self.lines is None:
            again = self.engine.complete_read(rows, read)
        else:
            again, written = self._written(read, [r.line for r in rows], [r.id for r in rows], summary)
            done = {places[k]: line for k, line in written.items()}
        for k in again:
            r = rows[k]
            results[places[k]] = self._builders(r.cells or (), r.line, r.id)
        for r in rows:
            r.cells = None
        return done

    def _builders(self, cells: Sequence[str], line: int, ident: str) -> RowResult:
        """A row the columns leave (slow, or its block failed), read by the builder from its cells as written —
        converted, carried and claimed there for a header that has such columns."""
        name = partial(self._name, cells)
        if self.converted or self.extra:
            return self._bureau_row(cells, line, ident, name)
        return self._computed(cells, line, ident, name, [])

    def _written(
        self, read: Read, numbers: Sequence[int], ids: Sequence[str], summary: Summary
    ) -> tuple[list[int], dict[int, str]]:
        """The rows read as columns computed block by block, each block's rows written as CSV lines (by their
        position in `read`) and counted in `summary`; also the positions of the rows the builder must read instead
        (RowEngine.evaluate_read's, and a block's whose lines could not be written: a bug loses no row)."""
        from .lines import add_block, block_lines

        assert self.lines is not None
        again, blocks = self.engine.evaluate_read(read)
        done: dict[int, str] = {}
        for members, block, outcome in blocks:
            try:
                written = block_lines(
                    self.lines,
                    block,
                    outcome,
                    [numbers[k] for k in members],
                    [ids[k] for k in members],
                    [read.names[k] for k in members],
                )
            except Exception:  # (a bug on the columns: the builder and the row path take these rows)
                again.extend(members)
                continue
            done.update(zip(members, written, strict=True))
            add_block(summary, block, outcome)
        return again, done

    def _lines_chunk(
        self, records: Sequence[Record], rows: list[list[str]], texts: list[str]
    ) -> tuple[str, Summary] | None:
        """A CSV chunk without carried or claimed columns, split by `_split`, read as columns and written column by
        column (batch/lines.py) without a RowResult a row; only the rows the columns leave get one (`_builders`).
        None when a record is one `result` makes an error row of — a cell count not the header's, a control
        character, a cell over MAX_CELL_CHARS, text under a blank-named column —, checked here for the whole
        chunk at once: the chunk then goes record by record through `result`, which says what is wrong."""
        assert self.lines is not None and self.cell_columns is not None
        kept = [k for k, values in enumerate(rows) if any(map(str.strip, values))]  # (a blank record: no row)
        blank = len(rows) - len(kept)
        if blank:
            rows, texts = [rows[k] for k in kept], [texts[k] for k in kept]
        if rows and (
            set(map(len, rows)) != {self.width}
            or max(map(len, texts)) > MAX_CELL_CHARS
            or _CONTROL.search("".join(texts))
            or any(values[i].strip() for i in self.blank for values in rows)  # (a spreadsheet's empty columns)
        ):
            return None
        summary = Summary()
        summary.blank = blank
        if not rows:
            return "", summary
        numbers = [records[k][0] for k in kept]
        at = self.id_col
        ids = [values[at].strip() for values in rows] if at >= 0 else [""] * len(rows)
        try:
            read = self.cell_columns.read(rows)
        except Exception:  # (a bug reading the columns: record by record, where the builder reads each row)
            return None
        again, written = self._written(read, numbers, ids, summary)
        out = [""] * len(rows)
        for k, line in written.items():
            out[k] = line
        if again:
            again.sort()  # (counted in the order of the file, as `process` counts the rows it leaves)
            results = [self._builders(rows[k], numbers[k], ids[k]) for k in again]
            self._completed(results, summary, {})
            for k, r in zip(again, results, strict=True):
                out[k] = self.csv_line(r)
        return "".join(out), summary

    def _completed(self, results: list[RowResult], summary: Summary, done: Mapping[int, str]) -> None:
        """The rows' deferred families computed (those the row engine left pending), and each row not already
        `done` (written and counted column by column) counted in `summary` as finished (`_finished`)."""
        if self.engine.deferred:
            self.engine.complete([r for r in results if r.pending is not None])
        groups = self.groups
        for i, r in enumerate(results):
            if i not in done:
                summary.add(self._finished(r), tuple(r.carried[g] for g in groups) if groups and r.carried else ())

    def _finished(self, r: RowResult) -> RowResult:
        """The row once its columnar items are in: the unclaimed amount of each claimed column."""
        if r.claimed:
            amounts = {item[0]: item[3] for item in r.items}
            for pid, amount_claimed in r.claimed:
                amount = amounts.get(pid)
                if pid in self.entitled and amount is not None:
                    r.unclaimed[pid] = max(amount - amount_claimed, D0).quantize(FEN)
        return r

    def _cell_problems(self, cells: Sequence[str]) -> list[str]:
        """Every cell of a row that its column cannot read, each naming the column as written."""
        cols = self.cols
        problems = []
        for i, path in enumerate(cols.paths):
            if not path or path == "id" or not cells[i] or cells[i].isspace():
                continue
            try:
                cell_column(path).read(cells[i])
            except ProfileError as e:
                text = str(e)
                shown = cols.shown(i)
                problems.append(shown + text[len(path) :] if text.startswith(path + ":") else text)
        return problems

    # ── error rows ──────────────────────────────────────────────────────────────────────────────────────────

    def _column(self, i: int) -> str:
        return self.header[i] if i < self.width and self.header[i] else f"column {i + 1}"

    def _carried(self, values: Sequence[str], col: int) -> str:
        """The id or name cell an error row carries: when it is there and readable."""
        if not 0 <= col < len(values):
            return ""
        text = values[col].strip()
        if len(text) > MAX_CELL_CHARS or _CONTROL.search(text) or "\ufffd" in text or FORMULA in text:
            return ""
        return text

    def _error(self, line: int, values: Sequence[str], problem: str) -> RowResult:
        return RowResult(line, self._carried(values, self.id_col), self._carried(values, self.name_col), error=problem)

    def _text(self, data: bytes) -> str:
        """Bytes as text however they decode (undecodable bytes as U+FFFD, which a carried cell never holds)."""
        try:
            return decode(data, self.job.decoding)
        except UnicodeDecodeError as e:
            return data.decode(e.encoding, "replace")

    def _unreadable(self, record: tuple[int, bytes, int, int]) -> RowResult:
        line, data, flag, size = record
        text = self._text(data)
        if flag == OVERLONG:
            values = leading_cells(text, self.job.delimiter, complete=False)
            problem = (
                f"line {line} is {size:,} bytes long — expected a row of at most {MAX_RECORD_BYTES:,} bytes "
                "(a cell that runs on?)"
            )
            return self._error(line, values, problem)
        values = leading_cells(text.rstrip("\r\n"), self.job.delimiter)
        problem = (
            f"{self._column(len(values))}: the quote opening this cell is not closed on its line — expected a "
            'closing " (the next line is read as a row of its own)'
        )
        return self._error(line, values, problem)

    def _unparsable(self, line: int, text: str, e: csv.Error) -> RowResult:
        values = leading_cells(text, self.job.delimiter)
        if "expected after" in str(e):
            problem = (
                f"{self._column(len(values))}: a closing quote is followed by more text — expected the quote to end "
                'the cell ("" for a quote inside a quoted cell)'
            )
        else:
            problem = f"not a readable CSV record ({e})"
        return self._error(line, values, problem)

    def _undecodable(self, line: int, data: bytes, e: UnicodeDecodeError) -> RowResult:
        values = leading_cells(data.decode(e.encoding, "replace"), self.job.delimiter)
        before = leading_cells(data[: e.start].decode("latin-1"), self.job.delimiter, complete=False)
        where = self._column(len(before))
        if self.job.decoding == AUTO:
            what = "neither UTF-8 nor GB18030 text"
            expected = "a file saved as UTF-8 or GB18030 (GBK)"
        else:
            what = f"not valid {self.job.encoding} text"
            expected = "--encoding naming the file's encoding"
        if self.job.decoding == "utf-8" and self.job.encoding not in ("utf-8", "utf-8-sig"):
            detail = where  # (transcoded: the bytes shown would be the transcoding's)
        else:
            detail = f"{where}: byte 0x{data[e.start]:02x}"
        return self._error(line, values, f"line {line} is {what} ({detail}) — expected {expected}")

    def csv_line(self, r: RowResult) -> str:
        """The row as a line of the output CSV: what csv.writer writes for csv_row(r). Only the echoed text
        (id, name, error) can need quoting; the other cells are numbers, true/false and choices."""
        out = self.csv_row(r)
        out[1], out[2], out[-1] = csv_field(out[1]), csv_field(out[2]), csv_field(out[-1])
        if self.carried:
            start = len(self.columns) - 1 - self.extra
            for j in range(start, start + len(self.carried)):
                out[j] = csv_field(neutralise(out[j]))
        return ",".join(out) + "\n"

    def csv_row(self, r: RowResult) -> list[str]:
        out = [""] * len(self.columns)
        out[0] = str(r.line)
        out[1] = neutralise(r.id)
        out[2] = neutralise(r.name)
        if self.extra:
            start = len(self.columns) - 1 - self.extra
            for j, text in enumerate(r.carried):
                out[start + j] = text
            start += len(self.carried)
            for j, (_, pid, _) in enumerate(self.claimed):
                amount = r.unclaimed.get(pid)
                out[start + j] = "" if amount is None else str(amount)
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
        for pid, _, eligible, amount, status in r.items:
            pos = positions.get(pid)
            if pos is None:
                continue  # a policy added to the catalogue after the layout was fixed: only in JSONL
            # years.md: a measure not in force that year, or not computed, says so in its eligible column
            out[pos[0]] = "true" if eligible else "false" if status == "computed" else status
            if pos[1] >= 0 and amount is not None:
                out[pos[1]] = str(amount)
        return out

    def json_row(self, r: RowResult) -> dict[str, Any]:
        """The row as a JSONL object: the CSV's columns in the CSV's order (contract.md "Added 2026-11"), typed as
        the Parquet output types them — line and year integers, amounts text with two decimals (JSON money is
        text), eligibility a boolean (null for a measure not computed in the row's year), classifications and
        carried cells text, null for an empty cell; id and name always text, kept exactly (no spreadsheet prefix)."""
        out: list[Any] = [None] * len(self.columns)
        out[0] = r.line
        out[1] = r.id
        out[2] = r.name
        if self.extra:
            start = len(self.columns) - 1 - self.extra
            for j, text in enumerate(r.carried):
                out[start + j] = text or None
            start += len(self.carried)
            for j, (_, pid, _) in enumerate(self.claimed):
                amount = r.unclaimed.get(pid)
                out[start + j] = None if amount is None else str(amount)
        if r.error:
            out[-1] = r.error
            return self._json_object(out)
        out[3] = r.jurisdiction or None
        out[4] = r.year
        classification = r.classification
        for name, col in self.class_cols:
            out[col] = cell_text(classification.get(name)) or None
        totals = r.totals
        for kind, col in self.total_cols:
            out[col] = str(totals[kind])
        positions = self.positions
        for pid, _, eligible, amount, status in r.items:
            pos = positions.get(pid)
            if pos is None:
                continue  # (a policy added to the catalogue after the layout was fixed)
            out[pos[0]] = eligible if status == "computed" else None
            if pos[1] >= 0 and amount is not None:
                out[pos[1]] = str(amount)
        return self._json_object(out)

    def _json_object(self, out: list[Any]) -> dict[str, Any]:
        if self.json_cells:
            return dict(zip(self.json_names, [out[i] for i in self.json_cells], strict=True))
        return dict(zip(self.columns, out, strict=True))

    def process(self, records: Sequence[Record]) -> tuple[Any, Summary]:
        """A chunk of records → the output text of their rows (for Parquet: a record batch), in order, and their
        summary (blank records counted, without a row)."""
        split = self._split(records)
        if split is not None and self.lines is not None:
            written = self._lines_chunk(records, split[0], split[1])
            if written is not None:
                return written
        summary = Summary()
        results: list[RowResult] = []
        for k, record in enumerate(records):
            if split is None:
                r = self.row(record)
            else:
                values, text = split[0][k], split[1][k]
                r = self.result(values, record[0], text) if any(map(str.strip, values)) else None
            if r is None:
                summary.blank += 1
            else:
                results.append(r)
        done: dict[int, str] = {}
        if self.cell_columns is not None:
            done = self._read_as_columns(results, summary)
        self._completed(results, summary, done)
        if self.schema is not None:
            from .parquet import record_batch

            return record_batch(results, self.layout, self.schema, self.cols), summary
        parts: list[str] = []
        fmt = self.job.fmt
        csv_out = fmt == "csv"
        rows: list[list[str]] = []
        for i, r in enumerate(results):
            if csv_out:
                line = done.get(i)
                parts.append(self.csv_line(r) if line is None else line)
            elif fmt == "xlsx":
                rows.append(self.csv_row(r))
            else:
                parts.append(json.dumps(self.json_row(r), ensure_ascii=False) + "\n")
        if fmt == "xlsx":
            return rows, summary
        return "".join(parts), summary


_WORKER: ChunkWriter | None = None


def init_worker(job: Job) -> None:
    """Pool initializer: rules and parameters loaded once per worker; Ctrl-C is the parent's to handle, and the
    worker dies with the parent."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (the parent's handlers are inherited through fork)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _die_with_parent(job.parent)
    _WORKER = ChunkWriter(job)
    quiet_gc()


def _die_with_parent(parent: int) -> None:
    """On Linux the kernel kills this worker when its parent dies (kill -9, the OOM killer): no worker lingers to
    write BrokenPipeError tracebacks to a terminal. Elsewhere a worker ends when it finds the pipe closed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def quiet_gc() -> None:
    """Move everything loaded so far (rules, parameters, modules) out of the cyclic collector's sight: rows
    only allocate short-lived acyclic objects; a full collection would otherwise rescan the loaded data."""
    import gc

    gc.collect()
    gc.freeze()


def work(records: Sequence[Record]) -> tuple[Any, Summary]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.process(records)
