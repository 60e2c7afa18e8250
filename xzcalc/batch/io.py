"""Reading and writing a batch: encodings, the header, records in chunks, the output written to a temporary file
renamed at the end."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


class BatchError(ValueError):
    """The batch cannot start (unreadable input, bad header, unusable output): one line, exit status 2."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM, turned into an exception so the temporary output is removed on the way out."""


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


def open_input(source: str, encoding: str | None) -> tuple[IO[str], IO[bytes], str, int | None]:
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
    from ..schema.paths import resolve_path
    from ..schema.profile import ProfileError

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

        from ..schema.paths import all_paths

        valid = ("id", *all_paths())
        parts = []
        for c in unknown:
            close = difflib.get_close_matches(c, valid, n=1)
            parts.append(f"{c!r} (did you mean {close[0]!r}?)" if close else repr(c))
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(parts)}")
    if duplicated:
        problems.append(f"duplicated column{'s' if len(duplicated) > 1 else ''} {', '.join(map(repr, duplicated))}")
    if problems:
        from ..schema.paths import all_paths

        raise BatchError(
            "; ".join(problems)
            + " — expected each column once, `id` or a profile path: "
            + ", ".join(("id", *all_paths(1)))
            + " (list elements and table rows by 1-based index: vat.sales_3pct.2, equipment.4.unit_value; "
            "the full header: `xzcalc template --format csv`)"
        )
    return header


def read_header(lines: Iterator[str], encoding: str) -> tuple[tuple[str, ...], str]:
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


def output_format(target: str, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if target == "-":
        return "csv"
    suffix = Path(target).suffix.lower()
    if suffix in (".csv", ".jsonl"):
        return suffix[1:]
    raise BatchError(f"-o: {target!r} ends in neither .csv nor .jsonl — expected OUT.csv, OUT.jsonl or --format")


def record_chunks(lines: Iterator[str], size: int, binary: IO[bytes], encoding: str) -> Iterator[tuple[int, str, int]]:
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


def csv_line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


_NEEDS_QUOTING = re.compile(r'[,"\r\n]')


def csv_field(text: str) -> str:
    """One non-empty-row field as csv.writer writes it: as is unless it holds a comma, a quote or a line break
    (then the csv module itself quotes it). A row written with csv.writer costed a tenth of a batch row."""
    return csv_line([text])[:-1] if _NEEDS_QUOTING.search(text) else text
