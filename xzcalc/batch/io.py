"""Reading and writing a batch: encodings, the header, the input as blocks of bytes; the output written to a
temporary file beside a regular target and renamed at the end, or directly to anything else (stdout, a device, a
FIFO). What stops a run: BatchError before it starts (exit 2), RunFailed when it cannot finish (exit 3)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Final

from ..inputs import publish
from .records import BLOCK, MAX_RECORD_BYTES, RecordReader, Unreadable, physical_lines


class BatchError(ValueError):
    """The batch cannot start (unreadable input, bad header, unusable output): one line, exit status 2."""


class RunFailed(RuntimeError):
    """The run cannot finish (a worker lost, the output cannot be written): one line, exit status 3; no partial
    output under a regular file's name."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, turned into an exception so the temporary output is removed on the way out."""


# ── reading: encodings ──────────────────────────────────────────────────────────────────────────────────────

SAMPLE: Final = 1 << 20
AUTO: Final = "auto"  # each record: UTF-8 when it decodes as UTF-8, else GB18030 (contract.md "Encodings")

# encodings whose characters never use the bytes of a quote, a comma, a tab, CR or LF: split as bytes, decoded by
# the workers record by record; any other (UTF-16, UTF-32, UTF-7, ISO-2022, EBCDIC …) is transcoded to UTF-8 first
_BYTE_SAFE: Final = frozenset(
    [
        "utf-8",
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp950",
        "ascii",
        "iso8859-1",
        "cp1252",
        "shift_jis",
        "cp932",
        "euc_jp",
        "euc_kr",
    ]
)
_UNDECODABLE: Final = "xzcalc-undecodable"


def _undecodable(error: UnicodeError) -> tuple[str, int]:
    """Bytes that do not decode become lone surrogates: still there to make their record an error row."""
    assert isinstance(error, UnicodeDecodeError)
    return "".join(chr(0xDC00 + b) for b in error.object[error.start : error.end]), error.end


codecs.register_error(_UNDECODABLE, _undecodable)


def detect_encoding(head: bytes, more: Callable[[], bytes] | None = None) -> str:
    """utf-8-sig for a UTF-8 BOM, utf-16/utf-32 for theirs; else utf-8 if the first non-ASCII bytes decode as UTF-8,
    else gb18030 if they decode as GB18030 (Excel and WPS on a Chinese system: GBK, of which GB18030 is a superset);
    if they decode as neither (a file whose encoding changes midway), the one more of its lines are in. `more`
    yields further bytes while `head` is all ASCII."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head
    while sample.isascii() and more is not None:
        sample = more()
        if not sample:
            return "utf-8"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    lines = [line for line in sample.splitlines()[:-1] if not line.isascii()]  # (the last one may be cut)
    utf8 = sum(1 for line in lines if _decodes(line, "utf-8"))
    return "utf-8" if utf8 * 2 >= len(lines) else "gb18030"


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError as e:
        return e.start >= len(sample) - 3  # a character cut at the end of the sample is not evidence either way
    return True


def decode(data: bytes, encoding: str) -> str:
    """A record's text: AUTO tries UTF-8, then GB18030 (raising the error of the one that read further)."""
    if encoding != AUTO:
        return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as second:
            raise (first if first.start >= second.start else second) from None


def _check_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name)
        "".encode(info.name)  # LookupError for codecs that are not text encodings (rot13, base64, zlib …)
    except LookupError:
        raise BatchError(
            f"--encoding: {_shown(name)} is not a text encoding Python knows — expected utf-8, gb18030 (GBK), "
            "utf-16 or another encoding of text"
        ) from None
    return info.name


class Source:
    """The input as blocks of bytes from its start (a BOM removed; transcoded to UTF-8 unless the encoding can be
    split as bytes), the encoding as detected or given, how the workers decode each record, its size and how far
    it has been read."""

    def __init__(self, binary: IO[bytes], head: bytes, encoding: str, decoding: str, size: int | None) -> None:
        self.binary = binary
        self.encoding = encoding  # as reported: utf-8, utf-8-sig, gb18030, utf-16, or as given
        self.decoding = decoding  # AUTO, or the codec of every record
        self.size = size
        self.position = 0  # bytes of the input read so far
        self._head = head
        self.transcoded = decoding not in (AUTO, *_BYTE_SAFE)
        if self.transcoded:
            self.decoding = "utf-8"

    def _raw(self) -> Iterator[bytes]:
        head, self._head = self._head, b""
        self.position += len(head)
        yield head
        read = self.binary.read
        while block := read(BLOCK):
            self.position += len(block)
            yield block

    def blocks(self) -> Iterator[bytes]:
        if not self.transcoded:
            yield from self._raw()
            return
        decoder = codecs.getincrementaldecoder(self.encoding)(errors=_UNDECODABLE)
        try:
            for block in self._raw():
                yield decoder.decode(block).encode("utf-8", "surrogatepass")
            yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")
        except UnicodeError as e:  # (not a byte that does not decode: those are the error handler's)
            raise RunFailed(f"input: cannot be read as {self.encoding} ({e})") from None

    def reader(self) -> RecordReader:
        return RecordReader(physical_lines(self.blocks()))

    def close(self) -> None:
        if self.binary is not _stdin_buffer():
            self.binary.close()


def _stdin_buffer() -> IO[bytes] | None:
    return sys.stdin.buffer if sys.stdin is not None else None


def open_input(source: str, encoding: str | None) -> Source:
    """The input, its encoding detected (or checked when given)."""
    if encoding is not None:
        encoding = _check_encoding(encoding)
    if source == "-":
        binary = _stdin_buffer()
        if binary is None:
            raise BatchError("input: standard input is closed — expected a CSV file, or rows on standard input")
        size = None
    else:
        path = Path(source)
        if not path.exists() or path.is_dir():
            raise BatchError(f"input: {_shown(source)} is not a readable file — expected a CSV file (or - for stdin)")
        try:
            binary = path.open("rb")
            size = os.fstat(binary.fileno()).st_size if path.is_file() else None  # (a pipe: <(command), /dev/stdin)
        except OSError as e:
            raise BatchError(f"input: {_shown(source)} cannot be read ({e.strerror})") from None
    try:
        head = binary.read(SAMPLE)
    except OSError as e:
        raise BatchError(f"input: {_shown(source)} cannot be read ({e.strerror})") from None
    if encoding is None:
        more = None
        if size is not None:
            more = lambda: binary.read(SAMPLE)  # noqa: E731 (files only: read back from where the head ends)
        encoding = detect_encoding(head, more)
        if size is not None:
            binary.seek(len(head))
        if encoding == "utf-8-sig":
            return Source(binary, head[3:], encoding, AUTO, size)
        if encoding in ("utf-8", "gb18030"):
            return Source(binary, head, encoding, AUTO, size)
        return Source(binary, head, encoding, encoding, size)
    boms = {"utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)}
    if encoding in boms and head and not head.startswith(boms[encoding]):
        raise BatchError(
            f"--encoding {encoding}: the input does not start with a byte order mark — expected --encoding "
            f"{encoding}-le or {encoding}-be for {encoding.upper()} without one (or the file's encoding: utf-8?)"
        )
    if encoding in ("utf-8", "utf-8-sig"):  # a BOM the user did not mention is still a BOM
        bom = head.startswith(codecs.BOM_UTF8)
        return Source(binary, head[3:] if bom else head, "utf-8-sig" if bom else "utf-8", "utf-8", size)
    return Source(binary, head, encoding, encoding, size)


# ── reading: the header ─────────────────────────────────────────────────────────────────────────────────────


def _delimiter_of(line: bytes) -> bytes:
    """A tab for a tab-separated export (Excel's "Unicode text"), else a comma."""
    return b"\t" if b"\t" in line and b"," not in line else b","


def read_header(reader: RecordReader, source: Source) -> tuple[tuple[str, ...], str]:
    """The checked header (line 1) and the delimiter. BatchError when it cannot be read."""
    raw, delimiter = read_header_cells(reader, source)
    return check_header(raw, header_hint(source)), delimiter


def header_hint(source: Source) -> str:
    """What a header of nothing but unknown columns may mean: the file read in the wrong encoding."""
    return f" — is the file {source.encoding} text?" if source.encoding not in ("utf-8", "utf-8-sig") else ""


def read_header_cells(reader: RecordReader, source: Source, header_row: int = 1) -> tuple[list[str], str]:
    """The header's cells as written (line `header_row`: the lines above it are titles, skipped) and the delimiter.
    BatchError when it cannot be read."""
    hint = header_hint(source)
    try:
        for _ in range(header_row - 1):
            reader.header(_delimiter_of)
        data, delimiter = reader.header(_delimiter_of)
    except Unreadable as e:
        if str(e) == "overlong":
            raise BatchError(
                f"input: the first line is longer than {MAX_RECORD_BYTES:,} bytes — expected a header of column "
                f"names{hint or f' (read as {source.encoding})'}"
            ) from None
        raise BatchError("input: the header opens a quote it does not close — expected column names") from None
    try:
        text = decode(data, source.decoding)
    except UnicodeDecodeError as e:
        what = "UTF-8 nor GB18030" if source.decoding == AUTO else f"{source.encoding}"
        raise BatchError(
            f"input: the header (line 1) is {'neither ' if source.decoding == AUTO else 'not valid '}{what} text "
            f"(byte 0x{data[e.start]:02x} at position {e.start}) — expected --encoding with the file's encoding"
        ) from None
    try:
        raw = next(csv.reader((text.rstrip("\r\n"),), delimiter=delimiter.decode(), strict=True), [])
    except csv.Error as e:
        raise BatchError(f"input: the header is not readable CSV ({e}) — expected column names") from None
    return raw, delimiter.decode()


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


def _shown(text: str) -> str:
    """A user's text as an error line quotes it: repr (control characters escaped), cut at 60 characters."""
    from ..inputs import echo

    return repr(text) if len(text) <= 60 and text.isprintable() else f"'{echo(text)}'"


def check_header(raw: Sequence[str], hint: str = "") -> tuple[str, ...]:
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
        for c in unknown[:10]:
            close = difflib.get_close_matches(c, valid, n=1) if len(c) <= 60 else []
            parts.append(f"{_shown(c)} (did you mean {close[0]!r}?)" if close else _shown(c))
        if len(unknown) > 10:
            parts.append(f"and {len(unknown) - 10:,} more")
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(parts)}")
        if len(unknown) == sum(1 for c in header if c):
            problems[-1] += hint
    if duplicated:
        shown = ", ".join(map(_shown, duplicated[:10]))
        problems.append(f"duplicated column{'s' if len(duplicated) > 1 else ''} {shown}")
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


# ── writing: a temporary file renamed at the end, or directly ───────────────────────────────────────────────


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # someone else's process
    return True


def clean_stale_parts(target: Path) -> None:
    """Remove the temporary files a killed run left beside `target` (`.NAME.PID-XXXX.part` of a process that no
    longer exists): a `kill -9` or a power cut leaves no chance to clean up. Parts of running writers are kept."""
    prefix = f".{target.name}."
    directory = target.parent
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".part")):
                continue
            pid, dash, _ = name[len(prefix) : -len(".part")].partition("-")
            if dash and pid.isdigit() and not _alive(int(pid)) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(directory / name)


def _direct(target: str) -> bool:
    """Whether `target` is written in place: anything that exists and is not a regular file (a device such as
    /dev/null, a FIFO, a terminal), and whatever is under /dev or /proc (/dev/stdout, /proc/self/fd/1)."""
    real = os.path.realpath(target)
    if real.startswith(("/dev/", "/proc/")) or target.startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class Output:
    """The output stream: stdout or a non-regular file written directly, or a temporary file beside a regular
    target (after a symlink: the file it names), renamed over it only by `commit`. Write errors are RunFailed."""

    def __init__(self, target: str, fmt: str, bom: bool | None = None) -> None:
        """`bom`: a CSV for Excel starts with a UTF-8 BOM (contract.md) — by default with -o FILE and when standard
        output is a regular file (`> results.csv`), not on a pipe or a terminal; True (--excel) always, False
        (--no-bom) never."""
        self.target = target
        self.tmp: Path | None = None
        self.owned: int | None = None  # standard output's duplicate descriptor, closed with the stream
        self.stream: io.TextIOWrapper
        self.rows = 0
        if bom is None:
            bom = target != "-" or _stdout_is_file()
        encoding = "utf-8-sig" if fmt == "csv" and bom else "utf-8"
        if target == "-":
            if getattr(sys.stdout, "buffer", None) is None:  # (closed at start: None, or the CLI's guard around None)
                raise RunFailed("standard output is closed — no output written (expected -o FILE, or a stdout)")
            self.direct = True
            self.what = "standard output"
            # a buffered writer of its own on a duplicate of the descriptor: it writes every byte or raises. Under
            # PYTHONUNBUFFERED (as in many containers) sys.stdout's binary layer is the raw file, whose write may
            # be partial — a reader that went away (`| head`) then lost the rest of a chunk without an error
            self.owned = _duplicate_stdout()
            if self.owned is not None:
                self.stream = open(self.owned, "w", encoding=encoding, newline="")  # noqa: SIM115 (commit/abort)
                return
            self.stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=False)
            return
        self.what = f"-o {_shown(target)}"
        path = Path(target)
        if path.is_dir():
            raise BatchError(f"-o: {_shown(target)} is a directory — expected a file name ending in .csv, .jsonl")
        self.direct = _direct(target)
        if self.direct:
            try:
                self.stream = open(target, "w", encoding=encoding, newline="")  # noqa: SIM115 (closed by commit/abort)
            except OSError as e:
                raise BatchError(f"-o: {_shown(target)} cannot be written ({e.strerror})") from None
            return
        real = Path(os.path.realpath(target))
        directory = real.parent
        if not directory.is_dir():
            raise BatchError(f"-o: directory {_shown(str(path.parent))} does not exist")
        clean_stale_parts(real)
        try:
            fd, name = tempfile.mkstemp(dir=directory, prefix=f".{real.name}.{os.getpid()}-", suffix=".part")
        except OSError as e:
            raise BatchError(f"-o: cannot write in {_shown(str(directory))} ({e.strerror})") from None
        self.real = real
        self.tmp = Path(name)
        self.stream = open(fd, "w", encoding=encoding, newline="")  # noqa: SIM115 (closed by commit/abort)

    def _failed(self, e: OSError) -> RunFailed:
        if self.tmp is not None:
            return RunFailed(f"{self.what} cannot be written ({e.strerror}) — no output written")
        if e.errno == 32:  # EPIPE: `| head` closed the pipe
            return RunFailed(f"{self.what} was closed by its reader ({e.strerror}) — the output is incomplete")
        return RunFailed(f"{self.what} cannot be written ({e.strerror}) — the output is incomplete")

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except OSError as e:
            raise self._failed(e) from None

    def commit(self) -> None:
        try:
            if self.tmp is None:
                self.stream.flush()
                if self.target == "-" and self.owned is None:
                    self.stream.detach()  # leave sys.stdout usable
                else:
                    self.stream.close()
                return
            self.stream.close()
            publish(self.tmp, self.real)
        except OSError as e:
            raise self._failed(e) from None
        self.tmp = None

    def abort(self) -> None:
        if self.tmp is None:  # written directly: what is written is written
            try:
                self.stream.flush()
            except (ValueError, OSError):
                _silence(self.target)
            with contextlib.suppress(ValueError, OSError):
                if self.target == "-" and self.owned is None:
                    self.stream.detach()  # leave sys.stdout usable
                else:
                    self.stream.close()
            return
        with contextlib.suppress(OSError):
            self.stream.close()
        self.tmp.unlink(missing_ok=True)
        self.tmp = None


def _duplicate_stdout() -> int | None:
    """A duplicate of standard output's descriptor (what sys.stdout had buffered written first), or None when it
    has none (a test's captured output: written through its own buffer)."""
    try:
        sys.stdout.flush()
        return os.dup(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None


def _stdout_is_file() -> bool:
    """Whether standard output is a regular file (`xzcalc batch … > results.csv`), which Excel will open."""
    try:
        return sys.stdout is not None and stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _silence(target: str) -> None:
    """After a failed write to stdout, point it at /dev/null, so the interpreter's last flush of what is still
    buffered cannot fail again on the way out ("Exception ignored … BrokenPipeError")."""
    if target != "-" or sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def output_format(target: str, fmt: str | None) -> str:
    """The output's format: --format, else the -o suffix (.csv for standard output). BatchError when --format names
    another format than the suffix does (-o out.csv -f parquet would write Parquet under a .csv name)."""
    suffix = Path(target).suffix.lower() if target != "-" else ""
    if fmt is not None:
        if suffix in (".csv", ".jsonl", ".xlsx", ".parquet") and suffix[1:] != fmt:
            raise BatchError(
                f"--format {fmt} and -o {_shown(target)}: the name says {suffix[1:]} — expected one format (drop "
                f"--format, or name the output OUT.{fmt})"
            )
        return fmt
    if target == "-":
        return "csv"
    if suffix in (".csv", ".jsonl", ".xlsx", ".parquet"):
        return suffix[1:]
    raise BatchError(
        f"-o: {_shown(target)} ends in none of .csv, .jsonl, .xlsx, .parquet — expected OUT.csv, OUT.jsonl, OUT.xlsx, "
        "OUT.parquet or --format"
    )


def csv_line(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


_NEEDS_QUOTING = re.compile(r'[,"\r\n]')


def csv_field(text: str) -> str:
    """One field as csv.writer writes it with CRLF line ends: as is unless it holds a comma, a quote or a line
    break — CR alone too, which csv.writer with "\n" line ends leaves bare, so that the next reader splits the row
    there. A row written with csv.writer costed a tenth of a batch row."""
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTING.search(text) else text
