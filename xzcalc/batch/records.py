"""The records of a batch input, from its bytes (issue 14 §2: no row lost without a word).

A physical line ends at CR, LF or CRLF, in any mix (old Excel for Mac writes CR alone). A record is one line, or —
when a quoted cell holds a line break — the lines up to the quote that closes it, provided that the record then
reads as CSV (a closing quote followed by the delimiter or the line end) with the header's number of cells, within
MAX_RECORD_LINES lines and MAX_RECORD_BYTES bytes. Otherwise the quote was left open by mistake: its line is a record
of its own, marked UNCLOSED (an error row), and reading resumes at the next line. A line longer than MAX_RECORD_BYTES
is an OVERLONG record, skipped in constant memory. So a stray quote or a runaway cell costs its own row, never the
rest of the file.

The parent splits the bytes into records (it never decodes them: the quote, delimiters and line breaks are ASCII
bytes, which neither UTF-8 nor GB18030 uses inside a character); workers decode and parse each record on its own,
so a record in another encoding is one error row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Final, TypeAlias

__all__ = [
    "FORMULA",
    "MAX_CELL_CHARS",
    "MAX_RECORD_BYTES",
    "MAX_RECORD_LINES",
    "OVERLONG",
    "UNCLOSED",
    "Record",
    "RecordReader",
    "Unreadable",
    "leading_cells",
    "physical_lines",
]

# ── the limits of a batch record (the document limits of profiles and reform files are in xzcalc/inputs.py) ──

MAX_RECORD_BYTES: Final = 1 << 20  # one record, all its lines: a row of the full template is about 1 KB
MAX_RECORD_LINES: Final = 100  # lines one record may span (a quoted cell holding line breaks)
MAX_CELL_CHARS: Final = 4096  # characters in one cell: no profile field takes more than 200
BLOCK: Final = 1 << 16  # bytes read at a time
PREFIX: Final = 4096  # bytes of an overlong line kept to carry its id and name

UNCLOSED: Final = 1  # a quote opened on the record's line that the following lines do not close as a record
OVERLONG: Final = 2  # a line longer than MAX_RECORD_BYTES: `data` is its first PREFIX bytes
# before a cell's text: an .xlsx formula cell with no value saved (a file a program wrote and Excel never opened),
# the cell's text being its formula — the row's error (xzcalc/batch/xlsx.py). XML 1.0 has no U+FFFF: no cell of a
# workbook holds it.
FORMULA: Final = "\uffff"

_Fits: TypeAlias = Callable[[bytes], bool]
_Delimiter: TypeAlias = Callable[[bytes], bytes]
Record: TypeAlias = tuple[int, bytes] | tuple[int, bytes, int, int] | tuple[int, list[str]]
"""(line, bytes) — the record's first line number (the header is line 1) and its bytes with their line breaks — or,
for a record that cannot be read, (line, bytes of its first line or prefix, UNCLOSED | OVERLONG, its size); or
(line, cells) for a row read from a columnar file (xzcalc/batch/parquet.py), its cells already apart."""


class Unreadable(Exception):
    """The header cannot be read as a record: "overlong" or "unclosed"."""


class Overlong:
    """A physical line longer than the limit, skipped: its first bytes and its length."""

    __slots__ = ("prefix", "size")

    def __init__(self, prefix: bytes, size: int) -> None:
        self.prefix = prefix
        self.size = size


def physical_lines(blocks: Iterable[bytes], limit: int = MAX_RECORD_BYTES) -> Iterator[bytes | Overlong]:
    """The lines of a byte stream, each with its line break (CR, LF or CRLF); a line longer than `limit` (its line
    break included) comes as Overlong — its first PREFIX bytes and its length without the line break — and is
    skipped without being held in memory."""
    carry = b""  # the start of a line whose end is not read yet (or a CR that a LF in the next block may follow)
    skipping: Overlong | None = None  # an overlong line whose end is not read yet
    drop_lf = False  # a line ended with CR at the end of a block: a LF opening the next block is part of its break
    for block in blocks:
        if not block:
            continue
        if drop_lf:
            drop_lf = False
            if block[:1] == b"\n":
                block = block[1:]
                if not block:
                    continue
        if skipping is not None:
            end = _first_break(block)
            if end < 0:
                skipping.size += len(block)
                continue
            skipping.size += end
            yield skipping
            skipping = None
            if block[end : end + 1] == b"\r":
                if end + 1 == len(block):
                    drop_lf = True
                elif block[end + 1 : end + 2] == b"\n":
                    end += 1
            block = block[end + 1 :]
            if not block:
                continue
        data = carry + block if carry else block
        lines = data.splitlines(True)
        last = lines.pop()
        if last.endswith(b"\n"):
            lines.append(last)
            carry = b""
        else:
            carry = last
        for line in lines:
            if len(line) > limit:
                content = line.rstrip(b"\r\n")
                yield Overlong(content[:PREFIX], len(content))
            else:
                yield line
        if len(carry) > limit:
            if carry.endswith(b"\r"):  # its line break is read (a LF may follow, at the start of the next block)
                content = carry[:-1]
                yield Overlong(content[:PREFIX], len(content))
                drop_lf = True
            else:
                skipping = Overlong(carry[:PREFIX], len(carry))
            carry = b""
    if skipping is not None:
        yield skipping
    if carry:
        content = carry.rstrip(b"\r\n")
        yield carry if len(carry) <= limit else Overlong(content[:PREFIX], len(content))


def _first_break(block: bytes) -> int:
    lf, cr = block.find(b"\n"), block.find(b"\r")
    return lf if cr < 0 else cr if lf < 0 else min(lf, cr)


# ── quotes ──────────────────────────────────────────────────────────────────────────────────────────────────

DONE: Final = 0
OPEN: Final = 1
BAD: Final = 2


def end_state(line: bytes, inside: bool, delimiter: bytes) -> int:
    """How the csv module (strict) leaves `line`, started inside a quoted cell or not: DONE (the record may end
    here), OPEN (inside a quoted cell at the line's end) or BAD (a closing quote followed by something else than the
    delimiter or the line end). Only the quotes are visited: a quote opens a cell at the line's start or after a
    delimiter; elsewhere outside quotes it is a character of the cell; inside, "" is a quote and " closes."""
    find = line.find
    pos = 0
    while True:
        q = find(b'"', pos)
        if inside:
            if q < 0:
                return OPEN
            after = line[q + 1 : q + 2]
            if after == b'"':
                pos = q + 2
            elif after in (delimiter, b"\r", b"\n", b""):
                inside = False
                pos = q + 1
            else:
                return BAD
        elif q < 0:
            return DONE
        else:
            if q == 0 or line[q - 1 : q] == delimiter:
                inside = True
            pos = q + 1


class RecordReader:
    """Records from physical lines, numbered from 1, with the lines of a failed multi-line attempt read again."""

    def __init__(self, lines: Iterator[bytes | Overlong]) -> None:
        self._lines = lines
        self._pending: list[tuple[int, bytes | Overlong]] = []  # a stack: the next line last
        self._count = 0

    def _pull(self) -> tuple[int, bytes | Overlong] | None:
        if self._pending:
            return self._pending.pop()
        line = next(self._lines, None)
        if line is None:
            return None
        self._count += 1
        return self._count, line

    def records(self, delimiter: bytes, fits: _Fits) -> Iterator[Record]:
        """Every record in order. `fits(data)` says whether a multi-line record has the header's cells."""
        quote = b'"'
        pending = self._pending
        lines = self._lines
        while True:
            if pending:
                number, line = pending.pop()
            else:
                line = next(lines, None)  # type: ignore[assignment]
                if line is None:
                    return
                self._count += 1
                number = self._count
            if type(line) is bytes:
                if quote not in line or end_state(line, False, delimiter) != OPEN:
                    yield number, line
                else:
                    yield self._quoted(number, line, delimiter, fits)
            else:
                assert isinstance(line, Overlong)
                yield number, line.prefix, OVERLONG, line.size

    def _quoted(self, number: int, first: bytes, delimiter: bytes, fits: _Fits) -> Record:
        """The record that starts with `first`, whose last quoted cell is still open at the line's end."""
        taken: list[tuple[int, bytes | Overlong]] = []
        size = len(first)
        while True:
            pulled = self._pull()
            if pulled is None:
                break
            taken.append(pulled)
            line = pulled[1]
            if type(line) is not bytes or len(taken) >= MAX_RECORD_LINES:
                break
            size += len(line)
            if size > MAX_RECORD_BYTES:
                break
            if b'"' not in line:
                continue
            state = end_state(line, True, delimiter)
            if state == OPEN:
                continue
            if state == DONE:
                data = first + b"".join(t[1] for t in taken)  # type: ignore[misc]
                if fits(data):
                    return number, data
            break
        self._pending.extend(reversed(taken))
        return number, first, UNCLOSED, size

    def header(self, delimiter_of: _Delimiter) -> tuple[bytes, bytes]:
        """The first record (line 1) and the delimiter it implies; Unreadable when it is not a readable record."""
        pulled = self._pull()
        if pulled is None:
            return b"", b","
        _, line = pulled
        if type(line) is not bytes:
            raise Unreadable("overlong")
        delimiter = delimiter_of(line)
        if b'"' not in line or end_state(line, False, delimiter) != OPEN:
            return line, delimiter
        record = self._quoted(1, line, delimiter, lambda data: True)
        if len(record) > 2 or not isinstance(record[1], bytes):
            raise Unreadable("unclosed")
        return record[1], delimiter


def leading_cells(text: str, delimiter: str, complete: bool = True) -> list[str]:
    """The cells of `text` that read cleanly from its start, up to the first that does not (a quote left open, a
    closing quote followed by text). With complete=False (a cut prefix), a last cell not ended by the delimiter is
    left out. For error rows: the id and name a record carries when the rest of it cannot be read."""
    cells: list[str] = []
    pos, n = 0, len(text)
    while pos <= n:
        if text.startswith('"', pos):
            parts, start = [], pos + 1
            while True:
                q = text.find('"', start)
                if q < 0:
                    return cells
                if text.startswith('"', q + 1):
                    parts.append(text[start : q + 1])
                    start = q + 2
                    continue
                parts.append(text[start:q])
                break
            end = q + 1
            if end < n and text[end] != delimiter and text[end] not in "\r\n":
                return cells
            if end >= n or text[end] in "\r\n":
                if complete:
                    cells.append("".join(parts))
                return cells
            cells.append("".join(parts))
            pos = end + 1
        else:
            d = text.find(delimiter, pos)
            if d < 0:
                if complete:
                    cells.append(text[pos:].rstrip("\r\n"))
                return cells
            cells.append(text[pos:d])
            pos = d + 1
    return cells
