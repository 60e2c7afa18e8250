"""The batch door holds (issue 14 §2 and §3): every non-blank input record comes out as exactly one output row, a
record that cannot be read is an error row carrying its id and name, and the faults that used to hang, fork or
clobber end in one line and a stated exit status. Each test is a reproducer of the issue."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import resource
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_batch import COLUMNS, EXAMPLE, ROOT, XZCALC, generated, read_out, write_csv

from xzcalc.batch import io as batch_io
from xzcalc.batch import run

MAX_CELL_CHARS: int = getattr(batch_io, "MAX_CELL_CHARS", 4096)
MAX_RECORD_BYTES: int = getattr(batch_io, "MAX_RECORD_BYTES", 1 << 20)

TERMINATORS = ("\n", "\r\n", "\r")


def rows_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> list[str]:
    """The file's lines (header first), each without its line ending."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns or COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().split("\n")[:-1]


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def run_csv(tmp_path: Path, data: bytes, name: str = "in.csv", **kwargs: object) -> tuple[list[dict[str, str]], object]:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / f"{name}.out.csv"
    report = run(str(src), str(out), **kwargs)  # type: ignore[arg-type]
    return read_out(out), report


def one_line(stderr: bytes | str) -> str:
    """The single error line of a failed run (never a traceback)."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text and "Exception ignored" not in text, text
    lines = text.splitlines()
    assert len(lines) == 1 and lines[0].startswith("xzcalc: error: "), text
    return lines[0]


def cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)
    return subprocess.run([*XZCALC, *args], cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.fixture(scope="module")
def clean_300(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], list[str], list[list[str]]]:
    """300 generated enterprises, their file lines, and the output rows of the well-formed file."""
    rows = generated(300, seed=23)
    lines = rows_text(rows)
    tmp = tmp_path_factory.mktemp("clean")
    src = tmp / "in.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(str(src), str(tmp / "out.csv"), jobs=1)
    return rows, lines, csv_rows(tmp / "out.csv")


# ── §2 rows lost without a word ─────────────────────────────────────────────────────────────────────────────


def test_cr_only_line_endings_lose_no_row(tmp_path: Path, clean_300: tuple) -> None:
    """Old Excel for Mac writes CR alone: 199 of 200 rows were lost. CR, LF and CRLF are each a line break, in any
    mix: the output is the well-formed file's, byte for byte."""
    _, lines, expected = clean_300
    cr_only = ("\r".join(lines) + "\r").encode("utf-8")
    mixed = "".join(line + TERMINATORS[i % 3] for i, line in enumerate(lines)).encode("utf-8")
    for data in (cr_only, mixed):
        src = tmp_path / "in.csv"
        src.write_bytes(data)
        for jobs, chunk in ((1, 1000), (2, 7)):
            out = tmp_path / "out.csv"
            report = run(str(src), str(out), jobs=jobs, chunk_rows=chunk)
            assert csv_rows(out) == expected
            assert report.summary.rows == 300


def _with_open_quotes(lines: list[str], at: list[int]) -> list[str]:
    """The name cell of each line in `at` opened with a quote that the line never closes."""
    bad = list(lines)
    for i in at:
        ident, name, rest = bad[i].split(",", 2)
        bad[i] = f'{ident},"{name},{rest}'
        assert bad[i].count('"') % 2 == 1
    return bad


@pytest.mark.parametrize("count", [1, 20])
def test_an_unclosed_quote_is_one_error_row_and_reading_resumes(tmp_path: Path, clean_300: tuple, count: int) -> None:
    """One unclosed quote swallowed 693 of 3,000 rows into one cell; 20 swallowed 273 of 380. Now the line of each
    is an error row with its id, and every other row is computed exactly as in the well-formed file."""
    rows, lines, expected = clean_300
    at = [5] if count == 1 else list(range(3, 300, 15))[:count]
    bad = _with_open_quotes(lines, at)
    for jobs, chunk in ((1, 1000), (2, 10)):
        got, report = run_csv(tmp_path, ("\n".join(bad) + "\n").encode(), jobs=jobs, chunk_rows=chunk)
        assert len(got) == 300 and report.summary.failed == count  # type: ignore[attr-defined]
        for i, (g, e) in enumerate(zip(got, expected[1:], strict=True)):
            if i + 1 in at:
                assert g["id"] == rows[i]["id"] and g["line"] == str(i + 2)
                assert g["error"].startswith("name: ") and "quote" in g["error"], g["error"]
            else:
                assert list(g.values()) == e


def test_a_file_whose_encoding_changes_midway_is_read_record_by_record(tmp_path: Path, clean_300: tuple) -> None:
    """UTF-8 rows followed by GB18030 rows: exit 2 and no output at all. Each record is read as UTF-8 when it is
    UTF-8, else as GB18030 — every row computed; a record that is neither is an error row, the rest computed."""
    rows, lines, expected = clean_300
    head = ("\n".join(lines[:201]) + "\n").encode("utf-8")
    tail = ("\n".join(lines[201:]) + "\n").encode("gb18030")
    for data in (head + tail, lines[0].encode() + b"\n" + tail + head.split(b"\n", 1)[1]):
        got, report = run_csv(tmp_path, data, jobs=2, chunk_rows=30)
        assert report.summary.failed == 0  # type: ignore[attr-defined]
        assert sorted(map(lambda g: list(g.values())[1:], got)) == sorted(e[1:] for e in expected[1:])
    # a record that is neither UTF-8 nor GB18030: an error row with its id and name; the others computed
    broken = list(lines)
    broken[10] = broken[10].replace(rows[9]["revenue"], "\udcff\udcfe", 1)
    data = "\n".join(broken).encode("utf-8", "surrogateescape") + b"\n"
    got, report = run_csv(tmp_path, data, jobs=1)
    assert report.summary.failed == 1  # type: ignore[attr-defined]
    assert (got[9]["id"], got[9]["name"]) == (rows[9]["id"], rows[9]["name"])
    assert got[9]["error"].startswith("line 11 is neither UTF-8 nor GB18030 text"), got[9]["error"]
    assert [list(g.values()) for i, g in enumerate(got) if i != 9] == [e for i, e in enumerate(expected[1:]) if i != 9]


def test_error_rows_carry_the_id_and_name_cells(tmp_path: Path) -> None:
    """77 error rows carried neither id nor name: a bureau could not tell which enterprise failed."""
    header = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    width = header.count(",") + 1
    good = EXAMPLE.read_text(encoding="utf-8").splitlines()[1]
    cells = good.split(",")
    assert len(cells) == width

    def line(ident: str, name: str, change: Callable[[list[str]], None] = lambda c: None) -> str:
        c = [ident, name, *cells[2:]]
        change(c)
        return ",".join(c)

    records = [
        line("R1", "短行公司")[: len("R1,短行公司")],  # ragged: 2 of 31 cells
        line("R2", "多行公司") + ",extra",  # one cell too many, not empty
        line("R3", "坏引号公司", lambda c: c.__setitem__(5, '"C34"x')),  # a closing quote followed by text
        line("R4", "未闭合公司", lambda c: c.__setitem__(9, '"800万')),  # an open quote the line never closes
        line("R5", "坏值公司", lambda c: c.__setitem__(9, "二千万")),  # a bad value
        line("R6", "空字公司", lambda c: c.__setitem__(1, "空\x00字公司")),  # a NUL byte in the name
        line("R7", "长格公司", lambda c: c.__setitem__(6, "x" * (MAX_CELL_CHARS + 1))),  # a cell longer than any
    ]
    data = (header + "\n" + "\n".join(records) + "\n" + good + "\n").encode("utf-8")
    raw = data + b"R8,\xff\xfe\xe5\x85\xac\xe5\x8f\xb8," + ",".join(cells[2:]).encode() + b"\n"
    got, report = run_csv(tmp_path, raw, jobs=1)
    assert [g["id"] for g in got] == ["R1", "R2", "R3", "R4", "R5", "R6", "R7", cells[0], "R8"]
    assert [g["name"] for g in got[:7]] == [
        "短行公司",
        "多行公司",
        "坏引号公司",
        "未闭合公司",
        "坏值公司",
        "",
        "长格公司",
    ]
    errors = [g["error"] for g in got]
    assert errors[0] == f"the row has 2 cells but the header has {width} columns"
    assert errors[1] == f"the row has {width + 1} cells but the header has {width} columns"
    assert "quote" in errors[2] and "sector" in errors[2]
    assert "quote" in errors[3] and "not closed" in errors[3] and "revenue" in errors[3]
    assert errors[4].startswith('revenue: "二千万" is not valid')
    assert errors[5].startswith("name: ") and "control character" in errors[5] and "\x00" not in errors[5]
    assert errors[6].startswith(f"location: a cell of {MAX_CELL_CHARS + 1:,} characters")
    assert errors[7] == ""
    assert errors[8].startswith("line 10 is neither UTF-8 nor GB18030 text") and got[8]["name"] == ""
    assert report.summary.failed == 8  # type: ignore[attr-defined]


def test_a_ragged_row_is_an_error_not_blanks(tmp_path: Path) -> None:
    """A row with 2 of 31 cells was read as blanks (a computed enterprise with zeros)."""
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    data = "\n".join([text[0], "XZ-099,忻州短行机械有限公司", text[1]]) + "\n"
    got, _report = run_csv(tmp_path, data.encode(), jobs=1)
    assert (got[0]["id"], got[0]["name"]) == ("XZ-099", "忻州短行机械有限公司")
    assert got[0]["error"] == "the row has 2 cells but the header has 31 columns"
    assert got[0]["total.tax_reduction"] == "" and got[1]["error"] == ""


def _unquoted(line: str) -> str:
    """The line with no quote: its cells' commas dropped ("2,020,000" → 2020000, the same amount)."""
    return ",".join(c.replace(",", "") for c in next(csv.reader([line])))


def test_a_cell_longer_than_any_sane_value_is_an_error_for_its_row(tmp_path: Path, clean_300: tuple) -> None:
    """A quoted cell longer than any value, a line of megabytes without a line break, and a quote opened with the
    rest of the file unquoted: each an error row with its id; every other row computed as in the well-formed file."""
    rows, lines, expected = clean_300
    cases = {
        "a long cell": (7, lines[7].replace(rows[6]["name"], '"' + "忻" * (MAX_CELL_CHARS + 1) + '"', 1)),
        "a long line": (7, lines[7] + "," * 10 + "x" * (MAX_RECORD_BYTES + 10)),
        "a quote never closed": (290, lines[290].replace(rows[289]["name"], '"' + rows[289]["name"], 1)),
    }
    for what, (at, replacement) in cases.items():
        bad = [_unquoted(b) if i > at else b for i, b in enumerate(lines)]  # nothing after it closes a quote
        bad[at] = replacement
        got, report = run_csv(tmp_path, ("\n".join(bad) + "\n").encode(), jobs=2, chunk_rows=50)
        assert len(got) == 300, what
        assert got[at - 1]["id"] == rows[at - 1]["id"] and got[at - 1]["error"], what
        assert [list(g.values()) for i, g in enumerate(got) if i != at - 1] == [
            e for i, e in enumerate(expected[1:]) if i != at - 1
        ], what
        assert report.summary.failed == 1, what  # type: ignore[attr-defined]


def test_a_nul_byte_in_a_name_is_an_error_and_never_written(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    data = "\n".join([text[0], text[1].replace("忻州某", "忻州\x00某", 1), text[2]]) + "\n"
    src = tmp_path / "in.csv"
    src.write_text(data, encoding="utf-8")
    for out in (tmp_path / "out.csv", tmp_path / "out.jsonl"):
        run(str(src), str(out), jobs=1)
        assert b"\x00" not in out.read_bytes()
    got = read_out(tmp_path / "out.csv")
    assert got[0]["id"] == "XZ-001" and got[0]["error"].startswith('name: "忻州\\x00某')
    assert "control character" in got[0]["error"] and got[1]["error"] == ""


def test_blank_records_are_skipped_and_counted(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    data = "\n".join([text[0], "", text[1], "   ", "," * 30, ' , ,""', text[2], ""]) + "\n"
    got, report = run_csv(tmp_path, data.encode(), jobs=1)
    assert [g["line"] for g in got] == ["3", "7"]
    assert report.summary.blank == 5  # type: ignore[attr-defined]
    assert report.to_json()["blank"] == 5  # type: ignore[attr-defined]


def test_a_quoted_cell_may_still_span_lines(tmp_path: Path, clean_300: tuple) -> None:
    """What a quote is for: a name holding a line break (CR, LF or CRLF) is one record, in any chunking."""
    rows, lines, _ = clean_300
    multi = list(lines)
    for i, end in zip((3, 50, 51, 299), ("\n", "\r\n", "\r", "\n"), strict=True):
        name = rows[i - 1]["name"]
        multi[i] = multi[i].replace(name, f'"{name[:2]}{end}{name[2:]}"', 1)
    for jobs, chunk in ((1, 1000), (2, 1), (2, 9)):
        got, report = run_csv(tmp_path, ("\n".join(multi) + "\n").encode(), jobs=jobs, chunk_rows=chunk)
        assert report.summary.failed == 0 and len(got) == 300  # type: ignore[attr-defined]
        assert got[49]["name"] == rows[49]["name"][:2] + "\r\n" + rows[49]["name"][2:]
        assert got[50]["name"] == rows[50]["name"][:2] + "\r" + rows[50]["name"][2:]
        assert [g["line"] for g in got[2:6]] == ["4", "6", "7", "8"] and got[50]["line"] == "54"


# ── §3 faults that hang, fork or clobber ────────────────────────────────────────────────────────────────────


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _workers(pid: int) -> list[int]:
    """The worker processes of a batch: its children running the same command line (forked)."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for child in _children(pid):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                found.append(child)
    return found


def _wait_for(condition: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(tmp_path_factory.mktemp("big") / "in.csv", generated(20000, seed=1))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_a_killed_worker_ends_the_run_within_seconds(tmp_path: Path, big_input: Path) -> None:
    """kill -9 (or the OOM killer) of a worker during --jobs 2: the parent waited forever (6 of 6 runs)."""
    out = tmp_path / "out.csv"
    out.write_text("the previous output\n")
    proc = subprocess.Popen(
        [*XZCALC, "batch", str(big_input), "-o", str(out), "--jobs", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: len(_workers(proc.pid)) >= 2 and list(tmp_path.glob(".out.csv.*.part")))
        time.sleep(0.3)
        os.kill(_workers(proc.pid)[0], signal.SIGKILL)
        started = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - started < 10
    assert proc.returncode == 3
    message = one_line(stderr)
    assert "worker" in message and "signal 9" in message and "not computed" in message, message
    assert out.read_text() == "the previous output\n"  # nothing clobbered, nothing partial
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_jobs_is_bounded(tmp_path: Path) -> None:
    """--jobs 100000 forked until the kernel's OOM killer stopped it."""
    src = write_csv(tmp_path / "in.csv", generated(3))
    started = time.monotonic()
    done = cli("batch", str(src), "--jobs", "100000", timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    message = one_line(done.stderr)
    assert "--jobs" in message and "100000" in message and "at most" in message


def _fifo_reader(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with path.open("rb") as f:
            into.append(f.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(os.geteuid() != 0, reason="a device node is made with mknod (root)")
def test_a_device_output_is_written_directly_never_renamed_over(tmp_path: Path) -> None:
    """As root, `-o /dev/null` renamed a regular file over the device node. (Here a null device made in tmp_path,
    so the old code clobbers nothing of the machine's; /dev/null itself below.)"""
    src = write_csv(tmp_path / "in.csv", generated(5))
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for target in (device, Path("/dev/null")):
        done = cli("batch", str(src), "-o", str(target), "-f", "csv", "-q")
        assert done.returncode == 0, done.stderr
        assert stat.S_ISCHR(target.stat().st_mode) and target.stat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "null"]


def test_a_fifo_output_is_written_directly(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(5))
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _fifo_reader(fifo, received)
    done = cli("batch", str(src), "-o", str(fifo), "-q", timeout=60)
    reader.join(10)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(received[0].decode("utf-8-sig").splitlines()) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_a_symlinked_output_keeps_its_link(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(5))
    real = tmp_path / "real.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    done = cli("batch", str(src), "-o", str(link), "-q")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and len(real.read_text(encoding="utf-8-sig").splitlines()) == 6


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_kill_9_of_the_parent_leaves_no_traceback_and_no_stale_part(tmp_path: Path, big_input: Path) -> None:
    """A killed parent cannot clean up: its workers printed BrokenPipeError tracebacks and a hidden .part stayed.
    Now the workers die with it, silently, and the next run removes the stale part of the same output."""
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [*XZCALC, "batch", str(big_input), "-o", str(out), "--jobs", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_for(lambda: len(_workers(proc.pid)) >= 2 and list(tmp_path.glob(".out.csv.*.part")))
    workers = _workers(proc.pid)
    time.sleep(0.5)
    proc.kill()
    _, stderr = proc.communicate(timeout=30)  # EOF once the workers, which hold the pipe too, are gone
    assert b"Traceback" not in stderr and b"Error" not in stderr, stderr.decode()
    for pid in workers:
        _wait_for(
            lambda pid=pid: (
                not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
            ),
            10,
        )
    stale = list(tmp_path.glob(".out.csv.*.part"))
    assert stale, "the killed run had started writing"
    small = write_csv(tmp_path / "small.csv", generated(3))
    done = cli("batch", str(small), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "small.csv"]


def test_only_parts_of_dead_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    dead = tmp_path / ".out.csv.4194399-a1b2c3.part"  # above any pid_max: no such process
    alive = tmp_path / f".out.csv.{os.getpid()}-d4e5f6.part"  # a run still writing it
    other = tmp_path / ".other.csv.4194399-a1b2c3.part"  # another output's
    for p in (dead, alive, other):
        p.write_text("x")
    batch_io.clean_stale_parts(out)  # type: ignore[attr-defined]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])


def test_stdout_to_dev_full_or_closed_is_one_line(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(50))
    with open("/dev/full", "wb") as full:
        done = cli("batch", str(src), "-o", "-", "-q", stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert done.returncode == 3
    assert "No space left on device" in one_line(done.stderr)
    done = cli(
        "batch",
        str(src),
        "-o",
        "-",
        "-q",
        stdout=None,
        stderr=subprocess.PIPE,
        capture_output=False,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 3
    assert "standard output" in one_line(done.stderr)


def test_a_reader_that_goes_away_after_one_chunk_under_pythonunbuffered(tmp_path: Path) -> None:
    """The whole output in one write, under PYTHONUNBUFFERED=1 (as in many containers: sys.stdout's binary layer is
    then the raw file, whose write may be partial): `| head` still makes it exit 3 with its line — it exited 0 with
    the rest of the rows lost."""
    src = write_csv(tmp_path / "in.csv", generated(600))
    _reader_goes_away([str(src), "-q", "--jobs", "1", "-f", "jsonl"], {**os.environ, "PYTHONUNBUFFERED": "1"})


def test_a_reader_that_goes_away_is_one_line(tmp_path: Path) -> None:
    """`xzcalc batch … | head`: the pipe closes under the writer."""
    src = write_csv(tmp_path / "in.csv", generated(3000))
    _reader_goes_away([str(src), "-q", "--jobs", "2"])


def _reader_goes_away(args: list[str], env: dict[str, str] | None = None) -> None:
    """`xzcalc batch ARGS` to a pipe whose reader takes 1,000 bytes and closes it: exit 3, "Broken pipe" in one
    line."""
    proc = subprocess.Popen(
        [*XZCALC, "batch", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1000)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.wait(60)
    assert proc.returncode == 3
    assert "Broken pipe" in one_line(stderr)


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_is_one_line_and_leaves_the_old_output(tmp_path: Path) -> None:
    """The file-size limit stands in for a full disk: a write fails part-way."""
    src = write_csv(tmp_path / "in.csv", generated(500))
    out = tmp_path / "out.csv"
    out.write_text("the previous output\n")
    done = cli("batch", str(src), "-o", str(out), "-q", preexec_fn=_limit_file_size)
    assert done.returncode == 3
    assert "cannot be written" in one_line(done.stderr)
    assert out.read_text() == "the previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_encodings_that_cannot_be_read_are_one_line(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", generated(20))
    done = cli("batch", str(src), "--encoding", "utf-16")  # UTF-8 bytes read as UTF-16 without a BOM
    assert done.returncode == 2
    assert "utf-16" in one_line(done.stderr) and "byte order mark" in one_line(done.stderr)
    done = cli("batch", str(src), "--encoding", "utf-16-le")  # the same, the byte order given: mojibake
    assert done.returncode == 2  # (an unknown header, or bytes that are not UTF-16 at all: which, the bytes decide)
    line = one_line(done.stderr)
    assert "is the file utf-16-le text?" in line or "is not valid utf-16-le text" in line
    done = cli("batch", str(src), "--encoding", "rot13")
    assert done.returncode == 2
    assert "rot13" in one_line(done.stderr)
    done = cli("batch", "-", stdin=None, preexec_fn=lambda: os.close(0))
    assert done.returncode == 2
    assert "standard input" in one_line(done.stderr)


def test_utf16_with_a_bom_and_tabs_is_excel_unicode_text(tmp_path: Path, clean_300: tuple) -> None:
    """Excel's "Unicode text": UTF-16LE with a BOM, tab-separated — read like any other file."""
    _rows, lines, expected = clean_300
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(lines))
    data = codecs.BOM_UTF16_LE + buffer.getvalue().encode("utf-16-le")
    got, _ = run_csv(tmp_path, data, jobs=2, chunk_rows=40)
    assert [list(g.values()) for g in got] == expected[1:]
    got, _ = run_csv(tmp_path, data[2:], encoding="utf-16-le", jobs=1)  # no BOM, the encoding given
    assert [list(g.values()) for g in got] == expected[1:]


def test_a_pipe_named_as_the_input_is_read(tmp_path: Path) -> None:
    """`xzcalc batch <(command)` or /dev/stdin: a readable path that is not a regular file (was: "not a readable
    file")."""
    src = write_csv(tmp_path / "in.csv", generated(5))
    done = cli("batch", "/dev/stdin", "-q", "-f", "jsonl", input=src.read_bytes())
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 5


def test_a_format_other_than_the_output_name_says_is_refused(tmp_path: Path) -> None:
    """-o out.csv -f parquet wrote Parquet under a .csv name (the second tester): one line, exit 2, no file; a name
    with no known suffix takes --format."""
    src = write_csv(tmp_path / "in.csv", generated(3))
    done = cli("batch", str(src), "-o", str(tmp_path / "out.csv"), "-f", "parquet")
    assert done.returncode == 2
    assert "the name says csv" in one_line(done.stderr)
    assert not (tmp_path / "out.csv").exists()
    done = cli("batch", str(src), "-o", str(tmp_path / "out.data"), "-f", "jsonl", "-q")
    assert done.returncode in (0, 1) and (tmp_path / "out.data").exists()
