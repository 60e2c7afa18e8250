"""`xzcalc batch`: many enterprises, one CSV row each, streamed in constant memory over a process pool.

Two layers:

* the row — `compute_row(cells)` (or a `RowEngine` for many rows) turns one CSV row, a mapping of dotted
  profile paths to cell text, into a `RowResult`: classification, each policy's eligibility and amount, totals
  by kind, or the error that stopped it. Pure: no global state, picklable arguments, importable by other
  engines (run it on the partitions of a larger dataset).
* the driver — `run()` reads the input as a stream (UTF-8, UTF-8 with BOM or GB18030, detected), checks the
  header up front, hands chunks of whole records to worker processes in order with a bounded number in flight,
  writes CSV (UTF-8 with BOM) or JSONL to a temporary file beside the output, renames it at the end, and keeps
  a summary.

rich is imported only for the progress bar, and only when stderr is a terminal.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import compress
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .engine import calculate
from .model import KINDS
from .money import ZERO, MoneyError, fmt_amount
from .params import UnsupportedYear
from .schema.build import RowReader, profile_from_flat
from .schema.profile import Profile, ProfileError

if TYPE_CHECKING:
    from .params import ParamSet
    from .reform import Reform

__all__ = [
    "BatchError",
    "Layout",
    "RowEngine",
    "RowResult",
    "Summary",
    "compute_row",
    "detect_encoding",
    "layout",
    "run",
]

CHUNK_ROWS = 1000
ERROR_SAMPLE = 20
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class BatchError(ValueError):
    """The batch cannot start (unreadable input, bad header, unusable output): one line, exit status 2."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM, turned into an exception so the temporary output is removed on the way out."""


# ── the output layout ───────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Layout:
    """The output columns: fixed before the first row, the same whatever the rows' jurisdictions."""

    classifications: tuple[str, ...]
    policies: tuple[tuple[str, bool], ...]  # (policy id, has an amount column)

    def columns(self) -> list[str]:
        cols = ["line", "id", "name", "jurisdiction", "year"]
        cols += [f"classification.{c}" for c in self.classifications]
        cols += [f"total.{k}" for k in KINDS]
        for pid, has_amount in self.policies:
            cols.append(f"{pid}.eligible")
            if has_amount:
                cols.append(f"{pid}.amount")
        cols.append("error")
        return cols

    def positions(self) -> dict[str, tuple[int, int]]:
        """policy id → (column of eligible, column of amount or -1)."""
        cols = self.columns()
        index = {c: i for i, c in enumerate(cols)}
        return {pid: (index[f"{pid}.eligible"], index.get(f"{pid}.amount", -1)) for pid, _ in self.policies}


@cache
def layout() -> Layout:
    """Every policy of every jurisdiction (catalogue order) and every classification the engine reports."""
    from .engine import calculate
    from .params import all_policies, supported_years
    from .schema.build import parse_profile
    from .schema.paths import resolve_path

    choices = resolve_path("jurisdiction")[0].choices
    names: dict[str, None] = {}
    for jurisdiction in choices:
        for entity in ("company", "individual-business"):
            for year in supported_years(jurisdiction)[:1]:
                result = calculate(parse_profile({"jurisdiction": jurisdiction, "entity": entity, "year": year}))
                names.update(dict.fromkeys(result.classification))
    preferred = ("small_low_profit", "sme_equipment", "size_class", "manufacturing_size")
    ordered = tuple(n for n in preferred if n in names) + tuple(n for n in names if n not in preferred)
    policies = tuple((p.id, p.certainty != "eligible_only") for p in all_policies())
    return Layout(ordered, policies)


# ── the row: pure and importable ────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class RowResult:
    """One enterprise's batch row: a projection of `calculate(...).to_json()`, or the error that stopped
    it."""

    line: int  # the input line the row starts on (the header is line 1)
    id: str
    name: str
    jurisdiction: str = ""
    year: int | None = None
    classification: dict[str, bool | str | None] = field(default_factory=dict)
    items: list[tuple[str, str, bool, Decimal | None]] = field(default_factory=list)  # policy, kind, eligible, amount
    totals: dict[str, Decimal] = field(default_factory=dict)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSONL record: the keys and values of `calc --format json` that a batch row carries."""
        ok = not self.error
        return {
            "line": self.line,
            "id": self.id,
            "name": self.name,
            "jurisdiction": self.jurisdiction or None,
            "year": self.year,
            "classification": self.classification if ok else None,
            "items": [
                {
                    "policy": pid,
                    "kind": kind,
                    "eligible": eligible,
                    "amount": None if a is None else fmt_amount(a),
                }
                for pid, kind, eligible, a in self.items
            ],
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()} if ok else None,
            "error": self.error or None,
        }


_ITEM_FIELDS = attrgetter("policy.id", "policy.kind", "eligible", "amount")  # an Item → RowResult.items' tuple
_POLICY, _ELIGIBLE = itemgetter(0), itemgetter(2)


def _cell(value: bool | str | None) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def neutralise(text: str) -> str:
    """Spreadsheet formula injection: text starting with = + - @ (or a tab/CR) is prefixed with ' (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


class RowEngine:
    """Computes batch rows; holds the reform and the reformed parameter sets per (jurisdiction, year).

    Picklable. One per worker or per partition: `engine = RowEngine(reform)`, then
    `engine.compute(cells, line)` for each row.
    """

    def __init__(self, reform: Reform | None = None) -> None:
        self.reform = reform
        self._params: dict[tuple[str, int], ParamSet] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"reform": self.reform}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.reform = state["reform"]
        self._params = {}

    def _param_set(self, jurisdiction: str, year: int) -> ParamSet:
        key = (jurisdiction, year)
        params = self._params.get(key)
        if params is None:
            from .params import param_set

            params = param_set(jurisdiction, year)
            if self.reform is not None:
                params = self.reform.apply(params)[0]
            self._params[key] = params
        return params

    def compute(self, cells: Mapping[str, str], line: int = 0) -> RowResult:
        """One row: `cells` maps dotted profile paths (and optionally `id`) to cell text; blank cells are
        missing values."""
        flat = {k: v for k, v in cells.items() if v and k != "id"}
        return self.compute_flat(flat, (cells.get("id") or "").strip(), line)

    def compute_flat(self, flat: dict[str, str], ident: str, line: int) -> RowResult:
        """`compute` for a row already reduced to its non-empty profile cells."""
        return self._compute(profile_from_flat, flat, ident, lambda: (flat.get("name") or "").strip(), line)

    def _compute(
        self, read: Callable[[Any], Profile], cells: Any, ident: str, name: Callable[[], str], line: int
    ) -> RowResult:
        """A row whose profile is `read(cells)`; `name()` is the name an error row echoes."""
        try:
            profile = read(cells)
            result = calculate(profile, params=self._param_set(profile.jurisdiction, profile.year))
        except (ProfileError, UnsupportedYear) as e:
            error = str(e)
        except MoneyError as e:
            error = f"{e.value!r}: expected {e.expected}"
        except Exception as e:  # a bug must not lose the other rows; the row says what happened
            error = f"internal error: {e.__class__.__name__}: {e}"
        else:
            return RowResult(
                line,
                ident,
                profile.name,
                result.jurisdiction,
                result.year,
                {k: f.value for k, f in result.classification.items()},
                list(map(_ITEM_FIELDS, result.items)),
                dict(result.totals),
            )
        return RowResult(line, ident, name(), error=error)


def compute_row(cells: Mapping[str, str], reform: Reform | None = None, line: int = 0) -> RowResult:
    """One batch row from its cells (dotted path → text), optionally under a reform. Pure; see RowEngine."""
    return RowEngine(reform).compute(cells, line)


# ── chunks: what a worker does with a slice of the file ─────────────────────────────────────────────────────


@dataclass(slots=True)
class Summary:
    """What the run did: rows, failures, totals by kind, eligible enterprises per policy, the first errors."""

    rows: int = 0
    failed: int = 0
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(KINDS, ZERO))
    eligible: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, id, error), the first ERROR_SAMPLE

    def add(self, result: RowResult) -> None:
        self.rows += 1
        if result.error:
            self.failed += 1
            if len(self.errors) < ERROR_SAMPLE:
                self.errors.append((result.line, result.id, result.error))
            return
        totals = self.totals
        for kind, amount in result.totals.items():
            if amount:  # (a Decimal addition costs more than the test)
                totals[kind] = totals.get(kind, ZERO) + amount
        items = result.items
        self.eligible.update(compress(map(_POLICY, items), map(_ELIGIBLE, items)))  # (counted in C)

    def merge(self, other: Summary) -> None:
        self.rows += other.rows
        self.failed += other.failed
        for kind, amount in other.totals.items():
            self.totals[kind] = self.totals.get(kind, ZERO) + amount
        self.eligible.update(other.eligible)
        self.errors.extend(other.errors[: max(0, ERROR_SAMPLE - len(self.errors))])

    def to_json(self, policies: Sequence[str] = ()) -> dict[str, Any]:
        eligible = {pid: self.eligible.get(pid, 0) for pid in policies} if policies else dict(self.eligible)
        return {
            "rows": self.rows,
            "failed": self.failed,
            "totals": {k: fmt_amount(v) for k, v in self.totals.items()},
            "eligible": eligible,
            "errors": [{"line": n, "id": i, "error": e} for n, i, e in self.errors],
        }


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
        out[1], out[2], out[-1] = _csv_field(out[1]), _csv_field(out[2]), _csv_field(out[-1])
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
            out[col] = _cell(classification.get(name))
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


def _init_worker(job: Job) -> None:
    """Pool initializer: rules and parameters loaded once per worker; Ctrl-C is the parent's to handle."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (the parent's handler is inherited through fork)
    _WORKER = ChunkWriter(job)
    _quiet_gc()


def _quiet_gc() -> None:
    """Move everything loaded so far (rules, parameters, modules) out of the cyclic collector's sight: rows
    only allocate short-lived acyclic objects; a full collection would otherwise rescan the loaded data."""
    import gc

    gc.collect()
    gc.freeze()


def _work(task: tuple[int, str]) -> tuple[str, Summary]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.process(*task)


# ── reading: encodings, the header ──────────────────────────────────────────────────────────────────────────

SAMPLE = 1 << 20


def detect_encoding(head: bytes, more: Callable[[], bytes] | None = None) -> str:
    """utf-8-sig for a BOM; else utf-8 if the first non-ASCII bytes decode as UTF-8; else gb18030 (Excel and
    WPS on a Chinese system: GBK, of which GB18030 is a superset). `more` yields further bytes while `head` is
    all ASCII."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head
    while sample.isascii() and more is not None:
        sample = more()
        if not sample:
            return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of the sample is not evidence either way
        if e.start < len(sample) - 3:
            return "gb18030"
    return "utf-8"


class _Prefixed(io.RawIOBase):
    """A stream that replays the bytes already read (to detect the encoding of stdin), then reads on."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise BatchError(
            f"--encoding: {name!r} is not an encoding Python knows — expected utf-8, utf-8-sig or gb18030"
        ) from None


def _open_input(source: str, encoding: str | None) -> tuple[IO[str], IO[bytes], str, int | None]:
    """(text stream, the binary stream under it, the encoding, the size in bytes or None for stdin)."""
    if source == "-":
        binary: IO[bytes] = sys.stdin.buffer
        size = None
    else:
        path = Path(source)
        if not path.is_file():
            raise BatchError(f"input: {source!r} is not a readable file — expected a CSV file (or - for stdin)")
        try:
            binary = path.open("rb")
        except OSError as e:
            raise BatchError(f"input: {source!r} cannot be read ({e.strerror})") from None
        size = path.stat().st_size
    if encoding is None:
        head = binary.read(SAMPLE)
        if size is not None:
            encoding = detect_encoding(head, lambda: binary.read(SAMPLE))
            binary.seek(0)
        else:
            encoding = detect_encoding(head)
            binary = io.BufferedReader(_Prefixed(head, binary))
    else:
        encoding = _check_encoding(encoding)
        if encoding == "utf-8" and size is not None:
            # a BOM the user did not mention is still a BOM
            encoding = "utf-8-sig" if binary.read(3) == codecs.BOM_UTF8 else "utf-8"
            binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    return text, binary, encoding, size


def _valid_column(name: str) -> bool:
    from .schema.paths import resolve_path
    from .schema.profile import ProfileError

    if name == "id":
        return True
    try:
        resolve_path(name)
    except ProfileError:
        return False
    return True


def check_header(raw: Sequence[str]) -> tuple[str, ...]:
    """The header's column names (stripped), or BatchError naming the unknown and duplicated ones."""
    header = tuple(c.strip().lstrip("\ufeff").strip() for c in raw)
    if not any(header):
        raise BatchError("the input has no header row — expected profile paths (see `xzcalc template --format csv`)")
    unknown = [c for c in header if c and not _valid_column(c)]
    seen: dict[str, int] = {}
    duplicated = []
    for c in header:
        if c and c in seen and c not in duplicated:
            duplicated.append(c)
        seen[c] = seen.get(c, 0) + 1
    problems = []
    if unknown:
        import difflib

        from .schema.paths import all_paths

        valid = ("id", *all_paths())
        parts = []
        for c in unknown:
            close = difflib.get_close_matches(c, valid, n=1)
            parts.append(f"{c!r} (did you mean {close[0]!r}?)" if close else repr(c))
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(parts)}")
    if duplicated:
        problems.append(f"duplicated column{'s' if len(duplicated) > 1 else ''} {', '.join(map(repr, duplicated))}")
    if problems:
        from .schema.paths import all_paths

        raise BatchError(
            "; ".join(problems)
            + " — expected each column once, `id` or a profile path: "
            + ", ".join(("id", *all_paths(1)))
            + " (list elements and table rows by 1-based index: vat.sales_3pct.2, equipment.4.unit_value; "
            "the full header: `xzcalc template --format csv`)"
        )
    return header


def _read_header(lines: Iterator[str], encoding: str) -> tuple[tuple[str, ...], str]:
    """The checked header and the delimiter (a tab for a tab-separated export, else a comma)."""
    try:
        first = next(lines, "")
    except UnicodeDecodeError as e:
        raise BatchError(f"input: the header is not valid {encoding} ({e.reason}) — expected --encoding") from None
    delimiter = "\t" if "\t" in first and "," not in first else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    return check_header(header), delimiter


# ── writing: a temporary file renamed at the end ────────────────────────────────────────────────────────────


class Output:
    """The output stream: stdout, or a temporary file beside the target, renamed over it only by `commit`."""

    def __init__(self, target: str, fmt: str) -> None:
        self.target = target
        self.tmp: Path | None = None
        encoding = "utf-8-sig" if fmt == "csv" and target != "-" else "utf-8"
        if target == "-":
            self.stream: io.TextIOWrapper = io.TextIOWrapper(
                sys.stdout.buffer, encoding="utf-8", newline="", write_through=False
            )
            return
        path = Path(target)
        if path.is_dir():
            raise BatchError(f"-o: {target!r} is a directory — expected a file name ending in .csv, .jsonl")
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise BatchError(f"-o: directory {str(directory)!r} does not exist")
        try:
            fd, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
        except OSError as e:
            raise BatchError(f"-o: cannot write in {str(directory)!r} ({e.strerror})") from None
        self.tmp = Path(name)
        self.stream = open(fd, "w", encoding=encoding, newline="")  # noqa: SIM115 (closed by commit/abort)

    def write(self, text: str) -> None:
        self.stream.write(text)

    def commit(self) -> None:
        if self.tmp is None:
            self.stream.flush()
            self.stream.detach()  # leave sys.stdout usable
            return
        self.stream.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)
        os.replace(self.tmp, self.target)
        self.tmp = None

    def abort(self) -> None:
        if self.tmp is None:  # stdout (what is written is written; keep sys.stdout usable), or committed
            with contextlib.suppress(ValueError, OSError):
                self.stream.flush()
                self.stream.detach()
            return
        with contextlib.suppress(OSError):
            self.stream.close()
        self.tmp.unlink(missing_ok=True)
        self.tmp = None


# ── the driver ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class Report:
    """What `run` returns: the summary and how it went."""

    summary: Summary
    input: str
    output: str
    fmt: str
    encoding: str
    jobs: int
    nanoseconds: int  # wall-clock time of the run (integers: the package has no float anywhere)
    policies: tuple[str, ...]

    @property
    def milliseconds(self) -> int:
        return self.nanoseconds // 1_000_000

    @property
    def rows_per_second(self) -> int:
        return self.summary.rows * 1_000_000_000 // self.nanoseconds if self.nanoseconds else 0

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "input": self.input,
            "output": self.output,
            "format": self.fmt,
            "encoding": self.encoding,
            "jobs": self.jobs,
            "milliseconds": self.milliseconds,
            "rows_per_second": self.rows_per_second,
            **s.to_json(self.policies),
        }


def output_format(target: str, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if target == "-":
        return "csv"
    suffix = Path(target).suffix.lower()
    if suffix in (".csv", ".jsonl"):
        return suffix[1:]
    raise BatchError(f"-o: {target!r} ends in neither .csv nor .jsonl — expected OUT.csv, OUT.jsonl or --format")


def _chunks(lines: Iterator[str], size: int, binary: IO[bytes], encoding: str) -> Iterator[tuple[int, str, int]]:
    """(the file line of the chunk's first record, its text, the byte position after it) for chunks of
    about `size` records. A chunk ends only between records: a line leaving an odd number of quote characters
    open continues into the next (a quoted cell with a line break), unless a stray quote would hold a chunk
    open past 4 × size lines. The workers parse the records; the byte position drives the progress bar's
    ETA."""
    line_no = 2  # the header is line 1
    while True:
        chunk: list[str] = []
        records = 0
        open_quote = False
        try:
            for line in lines:
                chunk.append(line)
                if line.count('"') & 1:
                    open_quote = not open_quote
                if not open_quote:
                    records += 1
                    if records >= size:
                        break
                elif len(chunk) >= 4 * size:
                    break
        except UnicodeDecodeError as e:
            raise BatchError(
                f"input: line {line_no + len(chunk)} is not valid {encoding} ({e.reason}) — expected "
                f"--encoding {'utf-8' if encoding == 'gb18030' else 'gb18030'}"
            ) from None
        if not chunk:
            return
        try:
            position = binary.tell()
        except (OSError, ValueError):
            position = 0
        yield line_no, "".join(chunk), position
        line_no += len(chunk)


class _Progress:
    """A rich progress bar on stderr (rows, rows/s, ETA from the bytes read); nothing unless `enabled`."""

    def __init__(self, enabled: bool, size: int | None) -> None:
        self.bar: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("[bold]xzcalc batch"),
            BarColumn(),
            TextColumn("{task.fields[rows]:,} rows"),
            TextColumn("{task.fields[rate]:,.0f} rows/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("batch", total=size, rows=0, rate=0)
        self.start = time.perf_counter_ns()
        self.bar.start()

    def update(self, rows: int, position: int) -> None:
        if self.bar is not None:
            elapsed = time.perf_counter_ns() - self.start
            rate = rows * 1_000_000_000 // elapsed if elapsed else 0
            self.bar.update(self.task, completed=position, rows=rows, rate=rate)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted()


def run(
    source: str,
    target: str = "-",
    *,
    fmt: str | None = None,
    jobs: int | None = None,
    encoding: str | None = None,
    reform: Reform | None = None,
    progress: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> Report:
    """Compute every row of `source` into `target`; return the report. BatchError if it cannot start.

    Rows come out in input order whatever `jobs`; the output appears under `target` only when every row is
    written (a KeyboardInterrupt, SIGTERM or crash leaves no file there, and removes the temporary one).
    """
    started = time.perf_counter_ns()
    fmt = output_format(target, fmt)
    jobs = max(1, jobs or os.cpu_count() or 1)
    text, binary, encoding, size = _open_input(source, encoding)
    out: Output | None = None
    pool: Any = None
    bar = _Progress(False, None)
    previous = signal.getsignal(signal.SIGTERM)
    main_thread = _is_main_thread()
    if main_thread:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        lines = iter(text)
        header, delimiter = _read_header(lines, encoding)
        job = Job(header, fmt, delimiter, reform)
        lay = layout()  # before forking: workers inherit the loaded rules and parameters
        out = Output(target, fmt)
        if fmt == "csv":
            out.write(_csv_line(lay.columns()))
        summary = Summary()
        chunks = _chunks(lines, chunk_rows, binary, encoding)
        if jobs > 1:
            import multiprocessing

            pool = multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(job,))
        bar = _Progress(progress, size)
        if pool is None:
            writer = ChunkWriter(job)
            _quiet_gc()
            try:
                for first, chunk, position in chunks:
                    body, part = writer.process(first, chunk)
                    out.write(body)
                    summary.merge(part)
                    bar.update(summary.rows, position)
            finally:
                import gc

                gc.unfreeze()
        else:
            in_flight: deque[tuple[Any, int]] = deque()
            limit = 2 * jobs + 1  # bounded: memory stays flat whatever the file size
            for first, chunk, position in chunks:
                in_flight.append((pool.apply_async(_work, ((first, chunk),)), position))
                if len(in_flight) >= limit:
                    _drain_one(in_flight, out, summary, bar)
            while in_flight:
                _drain_one(in_flight, out, summary, bar)
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
        bar.stop()
        out.commit()
    except BaseException:
        bar.stop()
        if pool is not None:
            pool.terminate()
            pool.join()
        if out is not None:
            out.abort()
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if source != "-":
            binary.close()
    return Report(
        summary,
        source,
        target,
        fmt,
        encoding,
        jobs,
        time.perf_counter_ns() - started,
        tuple(pid for pid, _ in lay.policies),
    )


def _drain_one(in_flight: deque[tuple[Any, int]], out: Output, summary: Summary, bar: _Progress) -> None:
    pending, position = in_flight.popleft()
    body, part = pending.get()
    out.write(body)
    summary.merge(part)
    bar.update(summary.rows, position)


def _csv_line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


_NEEDS_QUOTING = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    """One non-empty-row field as csv.writer writes it: as is unless it holds a comma, a quote or a line break
    (then the csv module itself quotes it). A row written with csv.writer costed a tenth of a batch row."""
    return _csv_line([text])[:-1] if _NEEDS_QUOTING.search(text) else text


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
