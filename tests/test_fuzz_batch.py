"""Fuzzing the batch door (issue 14): generated CSV files — random cells, quotes, line breaks inside cells, CR/LF/CRLF
mixes, UTF-8 (with or without BOM), GB18030 and UTF-16, ragged rows, quotes left open or followed by text, cells
longer than any value, control characters, bytes of no encoding, blank records, headers that cannot be used.

The claims are only these: the run ends with rows (exit 0/1: exactly one output row per non-blank input record, in
order, each an error row or computed; exit 1 exactly when one is an error) or with one line (exit 2); never a
traceback. "A record" is read two ways and both must agree with the output: by the generator, which knows what it
wrote (whenever no quote was left open: a quote left open is ambiguous by nature — the lines after it may be its
cell), and by a plain whole-file model of the rule in docs/batch.md (always).

`make test` tries a few hundred files; `make fuzz` (XZCALC_FUZZ=N) tries N and prints how many it tried.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xzcalc.batch import BatchError, neutralise, run
from xzcalc.batch.records import (
    BAD,
    DONE,
    MAX_CELL_CHARS,
    MAX_RECORD_BYTES,
    MAX_RECORD_LINES,
    OPEN,
    PREFIX,
    Overlong,
    end_state,
    physical_lines,
)

ROOT = Path(__file__).resolve().parent.parent
FUZZ = int(os.environ.get("XZCALC_FUZZ", "0"))  # make fuzz: the number of files to try
FILES = FUZZ or 300
TRIED: Counter[str] = Counter()


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.fixture(scope="module", autouse=True)
def _say_how_many() -> Iterator[None]:
    yield
    total = sum(TRIED.values())
    parts = ", ".join(f"{n:,} {what}" for what, n in TRIED.items())
    print(f"\nbatch fuzz: {total:,} inputs tried ({parts})")


# ── the generator ───────────────────────────────────────────────────────────────────────────────────────────

PIECES = ["a", "B", "7", " ", "忻", "州", "鑫", "é", ",", "\t", '"', "=", "-", "\u3000", "'"]
BREAKS = ["\n", "\r\n", "\r"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]
VALUES = {
    "employees": ["12", "120", "", "-3", "x", "1,200"],
    "revenue": ["800万", "2,000,000", "0", "", "abc", "1.2亿"],
    "jurisdiction": ["xinzhou", "shanxi", "inner-mongolia", "", "beijing"],
    "sector": ["C34", "F51", "", "ZZ"],
    "income.taxable_income": ["-5000", "300000", ""],
    "vat.taxpayer": ["small-scale", "general", ""],
    "tech_sme": ["true", "否", ""],
}
MARK = "\ue000"  # where an undecodable record gets its bytes


@dataclass
class Rec:
    kind: str  # good, ragged, unclosed, badquote, long, control, undecodable, blank
    text: str  # without its line break
    cells: list[str]
    end: str  # its line break ("" for a last line without one)

    @property
    def blank(self) -> bool:
        return self.kind in ("good", "ragged", "blank") and not any(c.strip() for c in self.cells)


@dataclass
class File:
    header: list[str]
    delimiter: str
    records: list[Rec]
    encoding: str  # utf-8, utf-8-sig, gb18030, utf-16
    header_end: str

    def text(self) -> str:
        return self.delimiter.join(self.header) + self.header_end + "".join(r.text + r.end for r in self.records)

    def data(self) -> bytes:
        text = self.text()
        if self.encoding == "utf-16":
            return text.encode("utf-16")  # (with its BOM)
        data = text.encode("utf-8-sig" if self.encoding == "utf-8-sig" else self.encoding)
        return data.replace(MARK.encode(self.encoding.replace("-sig", "")), b"\xff")

    def starts(self) -> list[int]:
        """The line each record starts on (the header is line 1), counted in the file as written: a CR line
        break followed by a record that starts with LF is one CRLF."""
        text = self.text()
        offset = len(self.delimiter.join(self.header) + self.header_end)
        starts = []
        for r in self.records:
            starts.append(1 + len(re.findall("\r\n|\r|\n", text[:offset])))
            offset += len(r.text) + len(r.end)
        return starts

    def expected_lines(self) -> list[int]:
        return [line for line, r in zip(self.starts(), self.records, strict=True) if not r.blank]


def _quote(cell: str, delimiter: str, always: bool) -> str:
    if always or any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


text_cell = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
plain_cell = st.lists(st.sampled_from(["a", "B", "7", " ", "忻", "州", "é"]), max_size=5).map("".join)
broken_cell = st.lists(st.sampled_from([*PIECES, *BREAKS]), max_size=6).map("".join)


@st.composite
def records(draw: st.DrawFn, header: list[str], delimiter: str, undecodable: bool) -> Rec:
    width = len(header)
    kinds = ["good"] * 6 + ["ragged", "unclosed", "badquote", "long", "control", "blank"]
    kinds += ["undecodable"] if undecodable else []
    kind = draw(st.sampled_from(kinds))
    end = draw(st.sampled_from(BREAKS))

    def value(column: str, multiline: bool) -> str:
        pool = [st.sampled_from(VALUES[column])] if column in VALUES else []
        pool.append(broken_cell if multiline else text_cell)
        return draw(st.one_of(*pool))

    if kind == "good":
        multiline = draw(st.booleans())
        cells = [value(c, multiline) for c in header]
        always = draw(st.booleans())
        return Rec(kind, delimiter.join(_quote(c, delimiter, always) for c in cells), cells, end)
    if kind == "blank":
        text = draw(st.sampled_from(["", "   ", delimiter * (width - 1), '""', f"{delimiter} {delimiter}"]))
        return Rec(kind, text, [""], end)
    cells = [draw(plain_cell) for _ in header]
    if kind == "ragged":
        n = draw(st.integers(1, width + 3).filter(lambda n: n != width))
        cells = (cells + [draw(plain_cell.filter(str.strip)) for _ in range(n)])[:n]
        return Rec(kind, delimiter.join(cells), cells, end)
    at = draw(st.integers(0, width - 1))
    if kind == "unclosed":
        cells[at] = '"' + cells[at]
    elif kind == "badquote":
        cells[at] = f'"{cells[at]}"{draw(plain_cell.filter(lambda s: s != ""))}'
    elif kind == "long":
        cells[at] = "x" * (MAX_CELL_CHARS + draw(st.integers(1, 50)))
    elif kind == "control":
        cells[at] = cells[at] + draw(st.sampled_from(CONTROLS)) + "a"
    else:  # undecodable
        cells[at] = cells[at] + MARK + "a"
    return Rec(kind, delimiter.join(cells), cells, end)


@st.composite
def files(draw: st.DrawFn) -> File:
    others = draw(st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=4))
    header = ["id", "name", *others]
    header = draw(st.permutations(header))
    if draw(st.integers(0, 19)) == 0:  # a header that cannot be used
        header = draw(st.sampled_from([[*header, "nosuch"], [*header, header[0]], [], ["\x1b[2J"]]))
    delimiter = draw(st.sampled_from([",", ",", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    undecodable = encoding != "utf-16"
    if not header:
        return File(header, delimiter, [], encoding, "")
    body = draw(st.lists(records(header, delimiter, undecodable), max_size=12))
    if body and draw(st.booleans()):
        body[-1].end = ""  # a last line without a line break
    return File(header, delimiter, body, encoding, draw(st.sampled_from(BREAKS)))


# ── the model: the rule of docs/batch.md on the whole file ──────────────────────────────────────────────────


def _csv(text: str, delimiter: str) -> list[str] | str:
    """The cells of a record, or "open" / "bad" (the csv module, strict)."""
    try:
        return next(csv.reader((text,), delimiter=delimiter, strict=True), [])
    except csv.Error as e:
        return "open" if "unexpected end of data" in str(e) else "bad"


def _decoded(data: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return None


def _record(lines: list[bytes], i: int, delimiter: str, width: int) -> tuple[bytes | None, int]:
    """The record starting at lines[i] and the index of the line after it; None for one that cannot be read."""
    line = lines[i]
    if len(line) > MAX_RECORD_BYTES:
        return None, i + 1
    if _csv(line.decode("latin-1").rstrip("\r\n"), delimiter) != "open":
        return line, i + 1
    for j in range(i + 1, min(len(lines), i + MAX_RECORD_LINES)):
        joined = b"".join(lines[i : j + 1])
        if len(lines[j]) > MAX_RECORD_BYTES or len(joined) > MAX_RECORD_BYTES:
            break
        cells = _csv(joined.decode("latin-1").rstrip("\r\n"), delimiter)
        if cells == "open":
            continue
        if isinstance(cells, list) and (
            len(cells) == width or (len(cells) > width and not any(c.strip() for c in cells[width:]))
        ):
            return joined, j + 1
        break
    return None, i + 1  # a quote left open: its line is an error row, reading resumes at the next


def model(data: bytes, delimiter: str, width: int) -> tuple[list[int], int]:
    """The lines of the non-blank records of a file (its bytes after the header; each record UTF-8, else
    GB18030) and the number of blank ones, read whole by the rule as docs/batch.md states it."""
    lines = re.findall(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", data)
    out, blank, i = [], 0, 0
    while i < len(lines):
        start = i + 2  # (the header is line 1)
        record, i = _record(lines, i, delimiter, width)
        text = None if record is None else _decoded(record)
        cells = "bad" if text is None else _csv(text.rstrip("\r\n"), delimiter)
        if isinstance(cells, list) and not any(c.strip() for c in cells):
            blank += 1
        else:
            out.append(start)
    return out, blank


# ── the properties ──────────────────────────────────────────────────────────────────────────────────────────

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _rows(out: Path, fmt: str) -> list[dict[str, object]]:
    if fmt == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with out.open(encoding="utf-8-sig", newline="") as f:
        return [{**row, "line": int(row["line"])} for row in csv.DictReader(f)]


def _check_rows(file: File, rows: list[dict[str, object]], failed: int, blank: int | None, fmt: str) -> None:
    lines = [int(r["line"]) for r in rows]  # type: ignore[call-overload]
    body = file.data()
    if file.encoding == "utf-16":
        body = body.decode("utf-16").encode("utf-8")
    body = body.removeprefix(codecs.BOM_UTF8)
    body = body[len(re.match(rb"[^\r\n]*(?:\r\n|\r|\n)?", body).group()) :]  # type: ignore[union-attr]
    expected_lines, expected_blank = model(body, file.delimiter, len(file.header))
    assert lines == expected_lines
    assert blank is None or blank == expected_blank
    if not any(r.kind == "unclosed" for r in file.records):
        assert lines == file.expected_lines()
        by_line = dict(zip(file.starts(), file.records, strict=True))
        for row in rows:
            record = by_line[int(row["line"])]  # type: ignore[call-overload]
            if record.kind not in ("good", "blank"):
                assert row["error"], (record, row)
            elif record.kind == "good" and file.encoding != "gb18030":
                ident = record.cells[file.header.index("id")].strip()
                assert row["id"] == (neutralise(ident) if fmt == "csv" else ident)
    errors = [str(r["error"]) for r in rows if r["error"]]
    assert failed == len(errors)
    for error in errors:
        assert not _CONTROL.search(error), error  # one line, nothing raw for a terminal


@fuzz_settings(FILES)
@given(
    file=files(), fmt=st.sampled_from(["jsonl", "csv"]), jobs=st.sampled_from([1] * 15 + [2]), chunk=st.integers(1, 4)
)
def test_every_record_is_one_row_or_the_run_is_one_line(file: File, fmt: str, jobs: int, chunk: int) -> None:
    TRIED["files"] += 1
    event(f"{file.encoding}, {'tab' if file.delimiter == chr(9) else 'comma'}-separated")
    for kind in sorted({r.kind for r in file.records}):
        event(f"has a {kind} record")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        src.write_bytes(file.data())
        out = Path(tmp) / f"out.{fmt}"
        try:
            report = run(str(src), str(out), jobs=jobs, chunk_rows=chunk)
        except BatchError as e:
            event("exit 2: one line (a header's problems: one a line)")
            assert all(not _CONTROL.search(line) for line in str(e).split("\n")), str(e)
            assert "\n" not in str(e) or str(e).startswith("the header has"), str(e)
            assert sorted(p.name for p in Path(tmp).iterdir()) == ["in.csv"]  # nothing written
            assert (
                not file.header
                or set(file.header) - {"id", "name", *VALUES}
                or len(set(file.header)) < len(file.header)
            ), f"a usable header refused: {e}"
            return
        rows = _rows(out, fmt)
        event(f"exit {1 if report.summary.failed else 0}: rows")
        assert report.summary.rows == len(rows)
        _check_rows(file, rows, report.summary.failed, report.summary.blank, fmt)


@fuzz_settings(max(10, FUZZ // 100))
@given(file=files())
def test_the_command_exits_0_1_or_2_with_one_line_never_a_traceback(file: File) -> None:
    TRIED["command runs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        src.write_bytes(file.data())
        done = subprocess.run(
            [sys.executable, "-m", "xzcalc", "batch", str(src), "-o", "-", "-f", "jsonl", "-q", "--jobs", "1"],
            capture_output=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    stderr = done.stderr.decode("utf-8")
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr
    assert done.returncode in (0, 1, 2), stderr
    if done.returncode == 2:
        lines = stderr.splitlines()  # one line; a header's problems one a line (issue 12 §2)
        assert done.stdout == b"" and lines[0].startswith("xzcalc: error: ")
        assert len(lines) == 1 or lines[0].startswith("xzcalc: error: the header has"), stderr
        return
    assert stderr == ""
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    failed = sum(1 for r in rows if r["error"])
    assert done.returncode == (1 if failed else 0)
    _check_rows(file, rows, failed, None, "jsonl")


# ── the parts: lines and quotes, against plain models ───────────────────────────────────────────────────────


@fuzz_settings(FILES)
@given(
    pieces=st.lists(st.sampled_from([b"a", b"xyz", b'"', b"\r", b"\n", b"\r\n", b",", b"\xff"]), max_size=40),
    cuts=st.lists(st.integers(0, 200), max_size=8),
    limit=st.integers(1, 12),
)
def test_physical_lines_split_at_cr_lf_and_crlf_in_any_blocks(pieces: list[bytes], cuts: list[int], limit: int) -> None:
    """Lines as a whole-file regular expression sees them, however the bytes arrive in blocks; a line longer than
    the limit as its length and its first bytes (at least the first `limit` + 1 of them, up to PREFIX: what was
    read before it was known too long)."""
    TRIED["byte streams"] += 1
    data = b"".join(pieces)
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    blocks = [data[a:b] for a, b in itertools.pairwise(bounds)] + [b""]
    lines = re.findall(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", data)
    got = list(physical_lines(blocks, limit))
    assert len(got) == len(lines)
    for item, line in zip(got, lines, strict=True):
        if len(line) <= limit:
            assert item == line
        else:
            content = line.rstrip(b"\r\n")
            assert isinstance(item, Overlong) and item.size == len(content)
            assert content.startswith(item.prefix) and len(item.prefix) >= min(len(content), limit + 1, PREFIX)


@fuzz_settings(FILES)
@given(
    line=st.lists(st.sampled_from(["a", ",", '"', " ", "\t", "忻"]), max_size=12).map("".join),
    end=st.sampled_from(["", "\n", "\r\n", "\r"]),
    inside=st.booleans(),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_quotes_are_read_as_the_csv_module_reads_them(line: str, end: str, inside: bool, delimiter: str) -> None:
    """The parent finds where a record ends by visiting only the quotes; the workers parse with the csv module
    (strict). They must agree: complete, open at the line's end, or a closing quote followed by text."""
    TRIED["lines"] += 1
    cells = _csv(('"' if inside else "") + line, delimiter)
    expected = OPEN if cells == "open" else BAD if cells == "bad" else DONE
    assert end_state((line + end).encode(), inside, delimiter.encode()) == expected
