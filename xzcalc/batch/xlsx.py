"""A batch in Excel (issue 12 §1): an .xlsx input read as records of the same shape a CSV file gives, and an .xlsx
output — numbers as numbers (written from the Decimal's own digits), Chinese headers by default, the header frozen,
carried columns, text never a formula, and a `汇总` sheet with the per-policy totals and the receipt.

Reading: python-calamine (Rust), measured at about ten times openpyxl's read-only mode on this machine (docs/batch.md:
openpyxl read a 20,000-row sheet more slowly than the batch computes it); it gives values and dates but not a cell's
number format, so a workbook whose styles include a percent format (a cell shown as 5% holds 0.05) is read with
openpyxl instead. Writing: openpyxl's write-only mode (XlsxOutput).

A number read from a cell is taken at Excel's precision, 15 significant digits (a cell holding
0.30000000000000004 is 0.3, as Excel shows it), before a unit in the header scales it; a date cell (a datetime at
midnight) is a date; a cell formatted as a percent is written "N%"."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Context, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..inputs import neutralise, publish
from .io import BatchError, RunFailed, clean_stale_parts
from .records import FORMULA, Record

if TYPE_CHECKING:
    from .summary import Report

__all__ = ["MAX_SHEET_ROWS", "XlsxOutput", "XlsxSource", "cell_text", "is_xlsx"]

MAX_SHEET_ROWS: Final = 1_048_576  # rows of one worksheet (Excel's limit, the header included)
EXCEL_DIGITS: Final = Context(prec=15)  # what Excel keeps of a number: 15 significant digits
_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$")  # a carried cell written as a number


def is_xlsx(path: str) -> bool:
    return path.lower().endswith((".xlsx", ".xlsm"))


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as the text a CSV cell would hold: numbers at Excel's 15 significant digits (a percent-formatted
    cell as "N%"), a date (or a datetime at midnight) as YYYY-MM-DD, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):  # (openpyxl's reading of the cell; taken at Excel's digits at once)
        number = EXCEL_DIGITS.create_decimal_from_float(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date):
        return value.isoformat()
    else:
        return str(value)
    if "%" in number_format:
        return _plain(number * 100) + "%"
    return _plain(number)


class XlsxReader:
    """The rows of one sheet as records: (row number, the row as a line of UTF-8 CSV)."""

    def __init__(self, rows: Iterator[list[str]]) -> None:
        self._rows = rows
        self._line = 0
        self.width = 0

    def _next(self) -> list[str] | None:
        try:
            row = next(self._rows, None)
        except Exception as e:  # (a sheet that breaks off or does not parse: each library has its own errors)
            raise BatchError(
                f"input: the workbook cannot be read past row {self._line:,} ({e.__class__.__name__}) — expected an "
                ".xlsx file as Excel or WPS saves it"
            ) from None
        if row is None:
            return None
        self._line += 1
        return row

    def header(self, header_row: int) -> list[str]:
        """The cells of row `header_row` (the rows above it are titles), without the empty ones at its end."""
        cells: list[str] | None = []
        while self._line < header_row:
            cells = self._next()
            if cells is None:
                return []
        header = [c.removeprefix(FORMULA) for c in cells or []]
        while header and not header[-1].strip():
            header.pop()
        self.width = len(header)
        return header

    def records(self) -> Iterator[Record]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        while True:
            cells = self._next()
            if cells is None:
                return
            width = self.width
            if len(cells) < width:  # (a sheet's row ends at its last cell with a value)
                cells.extend([""] * (width - len(cells)))
            while len(cells) > width and not cells[-1]:
                cells.pop()
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(cells)
            yield self._line, buffer.getvalue().encode("utf-8")


def _calamine_rows(rows: Iterator[list[Any]], first: int) -> Iterator[list[str]]:
    """python-calamine's rows — from the sheet's first used row `first` (0-based) — as texts from row 1."""
    for _ in range(first):
        yield []
    for row in rows:
        yield [cell_text(v) for v in row]


# ── formula cells with no value saved ──────────────────────────────────────────────────────────────────────────
# A workbook written by a program (openpyxl, a report generator) holds its formulas without the values Excel would
# compute and save with them: `<c r="K5"><f>K4*2</f><v/></c>`. Both libraries read such a cell as blank
# (python-calamine 0.9 gives "" and no formulas at all; openpyxl with data_only=True gives None, as for an empty
# cell, and without it the formula but no saved value) — a blank amount silently computing 0. Only the sheet's XML
# tells a formula with no value from one whose saved value is empty text (`t="str"` and `<v></v>`: an IF giving ""),
# so the sheet's XML is scanned for them, a row at a time, and only when it holds a formula at all.

_NS = r"(?:[\w.-]+:)?"
_HAS_FORMULA = re.compile(rf"<{_NS}f[\s>/]".encode())
_FORMULA_CELL = re.compile(
    rf"<{_NS}c\s([^>]*?)(?<!/)>\s*<{_NS}f(\s[^>]*?)?(?:/>|>([^<]*)</{_NS}f>)\s*"
    rf"(?:<{_NS}v\s*/>|<{_NS}v(?:\s[^>]*)?>([^<]*)</{_NS}v>)?".encode()
)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _attrs(text: bytes | None) -> dict[str, str]:
    if not text:
        return {}
    return {
        m[1].decode().rpartition(":")[2]: (m[2] if m[2] is not None else m[3]).decode() for m in _ATTR.finditer(text)
    }


def _position(ref: str) -> tuple[int, int] | None:
    """A cell reference, "K5", as its row and column, 0-based: (4, 10)."""
    m = _REF.match(ref)
    if m is None:
        return None
    column = 0
    for letter in m[1].upper():
        column = column * 26 + ord(letter) - 64
    return int(m[2]) - 1, column - 1


def _sheet_part(z: Any, name: str) -> str | None:
    """The zip member of the sheet named `name` (xl/workbook.xml and its relationships)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = next((s.get(rel) for s in book.iter(f"{main}sheet") if s.get("name") == name), None)
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for r in rels:
        if r.get("Id") == rid:
            target = r.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def unsaved_formulas(path: str, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column), 0-based → the formula ("=K4*2") of each cell of `sheet` that holds a formula with no value
    saved. Empty when the sheet holds no formula (found by a byte search, the XML left unparsed) or cannot be read
    this way (then the libraries' reading stands)."""
    import html
    import zipfile

    found: dict[tuple[int, int], str] = {}
    shared: dict[str, tuple[str, str]] = {}  # si → (formula, the cell it is written in)
    children: list[tuple[tuple[int, int], str, str]] = []  # (position, its cell, si) of a shared formula's cells
    try:
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return {}
            with z.open(part) as stream:
                carry = b""
                while block := stream.read(1 << 20):
                    data = carry + block
                    end = data.rfind(b"</row>")
                    if end < 0:
                        carry = data
                        continue
                    carry = data[end:]
                    _scan(data[:end], found, shared, children, html.unescape)
                _scan(carry, found, shared, children, html.unescape)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError):  # (ElementTree.ParseError: SyntaxError)
        return {}
    if children:
        from openpyxl.formula.translate import Translator

        for position, ref, si in children:
            if si in shared:
                formula, origin = shared[si]
                try:
                    found[position] = Translator(formula, origin).translate_formula(ref)
                except Exception:  # (openpyxl's tokenizer on a formula it does not know)
                    found[position] = formula
    return found


def _scan(
    data: bytes,
    found: dict[tuple[int, int], str],
    shared: dict[str, tuple[str, str]],
    children: list[tuple[tuple[int, int], str, str]],
    unescape: Any,
) -> None:
    if not _HAS_FORMULA.search(data):
        return
    for m in _FORMULA_CELL.finditer(data):
        cell, formula = _attrs(m[1]), _attrs(m[2])
        ref = cell.get("r", "")
        text = "=" + unescape(m[3].decode()) if m[3] else ""
        if formula.get("t") == "shared" and "si" in formula and text:
            shared.setdefault(formula["si"], (text, ref))
        value = m[4]
        if value or (value is not None and cell.get("t") == "str"):  # a value saved (empty text is one)
            continue
        position = _position(ref)
        if position is None:  # (a cell without its reference: where it is cannot be told)
            continue
        if text:
            found[position] = text
        elif formula.get("t") == "shared" and "si" in formula:
            children.append((position, ref, formula["si"]))


def _with_formulas(
    rows: Iterator[list[str]], formulas: dict[tuple[int, int], str], column0: int
) -> Iterator[list[str]]:
    """The rows (from row 1), each formula cell with no value saved as FORMULA + its formula; `column0` is the
    sheet column of each row's first cell. A formula in a row or column past the values is still placed."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in formulas.items():
        if c >= column0:
            by_row.setdefault(r, []).append((c - column0, text))
    last = max(by_row, default=-1)
    done = 0
    for r, row in enumerate(rows):
        done = r + 1
        yield _placed(row, by_row.get(r, ()))
    for r in range(done, last + 1):
        yield _placed([], by_row.get(r, ()))


def _placed(row: list[str], cells: Iterable[tuple[int, str]]) -> list[str]:
    for c, text in cells:
        if c >= len(row):
            row.extend([""] * (c + 1 - len(row)))
        row[c] = FORMULA + text
    return row


def _openpyxl_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[str]]:
    for row in rows:
        yield [cell_text(c.value, getattr(c, "number_format", None) or "General") for c in row]


_PERCENT_FORMATS: Final = frozenset({9, 10})  # the built-in number formats 0% and 0.00%


def percent_styles(path: str) -> bool:
    """Whether a workbook's styles include a percent number format (a cell shown as 5% holds 0.05): then it is read
    with openpyxl, which gives each cell's format; python-calamine gives the values alone."""
    import zipfile
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.lower().endswith("styles.xml")]
            if not names:
                return False
            root = ElementTree.fromstring(z.read(names[0]))
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return True  # (let openpyxl say what is wrong with it)
    percent = set(_PERCENT_FORMATS)
    for fmt in root.iter(f"{ns}numFmt"):
        if "%" in fmt.get("formatCode", ""):
            percent.add(int(fmt.get("numFmtId", "-1")))
    xfs = root.find(f"{ns}cellXfs")
    return xfs is not None and any(int(xf.get("numFmtId", "0")) in percent for xf in xfs)


class XlsxSource:
    """An .xlsx input: its first sheet or the one named; what the driver asks of a source (encoding, size,
    position, close). Read with python-calamine (Rust; about 10 times as fast as openpyxl's read-only mode on this
    machine, docs/batch.md) unless the workbook has percent-formatted cells, whose format only openpyxl gives."""

    encoding = "xlsx"
    decoding = "utf-8"

    def __init__(self, path: str, sheet: str | None, engine: str | None = None) -> None:
        if not Path(path).is_file():
            raise BatchError(f"input: {path!r} is not a readable file — expected an .xlsx workbook")
        self.path = path
        self.size = None
        self.position = 0
        self.book: Any = None
        if engine is None:
            engine = "openpyxl" if percent_styles(path) else "calamine"
        self.engine = engine
        try:
            if engine == "calamine":
                from python_calamine import CalamineWorkbook

                self.book = CalamineWorkbook.from_path(path)
                names = list(self.book.sheet_names)
            else:
                from openpyxl import load_workbook

                self.book = load_workbook(path, read_only=True, data_only=True)
                names = list(self.book.sheetnames)
        except Exception as e:  # (each library has its own errors for a file that is not a workbook)
            raise BatchError(f"input: {path!r} cannot be read as an .xlsx workbook ({e.__class__.__name__})") from None
        if sheet is not None and sheet not in names:
            self.close()
            raise BatchError(f"--sheet: {sheet!r} is not a sheet of {path!r} — expected one of {', '.join(names)}")
        self.name = sheet if sheet is not None else names[0]

    def reader(self) -> XlsxReader:
        formulas = unsaved_formulas(self.path, self.name)
        if self.engine == "calamine":
            sheet = self.book.get_sheet_by_name(self.name)
            start = sheet.start
            rows = _calamine_rows(sheet.iter_rows(), start[0] if start else 0)
            return XlsxReader(_with_formulas(rows, formulas, start[1] if start else 0) if formulas else rows)
        rows = _openpyxl_rows(self.book[self.name].iter_rows())
        return XlsxReader(_with_formulas(rows, formulas, 0) if formulas else rows)

    def close(self) -> None:
        if self.book is not None and self.engine == "openpyxl":
            self.book.close()
        self.book = None


# ── writing ────────────────────────────────────────────────────────────────────────────────────────────────────


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not XML 1.0 (nor UTF-8)


def sheet_text(text: str) -> str:
    """Text a cell can hold: the characters XML 1.0 cannot (control characters, lone surrogates) as U+FFFD, and
    never a formula (inputs.neutralise)."""
    return _XML_ILLEGAL.sub("\ufffd", neutralise(text))


class XlsxOutput:
    """The .xlsx output: the rows sheet `结果`, then `汇总`, written by openpyxl in write-only mode (rows streamed to
    its own temporary files, so memory stays flat) and saved to a temporary file beside the target, renamed over it
    by `commit`: a run that fails or is interrupted leaves nothing under the target's name.

    openpyxl rather than sheet XML of our own, although its pure-Python writer costs about three times a CSV run's
    time on the rows sheet (docs/batch.md): Excel files are what a bureau opens, and a well-kept library's writer is
    the one to trust with them."""

    direct = False

    def __init__(self, target: str, columns: Sequence[str], titles: Sequence[str], numeric: Sequence[str]) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        if target == "-" or target.startswith(("/dev/", "/proc/")):
            raise BatchError("-o: an .xlsx output is a file — expected -o OUT.xlsx (not standard output or a device)")
        path = Path(target)
        if path.is_dir():
            raise BatchError(f"-o: {target!r} is a directory — expected a file name ending in .xlsx")
        real = Path(os.path.realpath(target))
        if not real.parent.is_dir():
            raise BatchError(f"-o: directory {str(path.parent)!r} does not exist")
        clean_stale_parts(real)
        self.real = real
        self.tmp: Path | None = None
        self.tmp = self._part()
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("结果")
        self.sheet.freeze_panes = "A2"
        self.columns = list(columns)
        numbers = set(numeric)
        self.numeric = [c in numbers for c in self.columns]
        self.rows = 0
        bold = Font(bold=True)
        header = []
        for title in titles:
            cell = self._cell(str(title))
            cell.font = bold
            header.append(cell)
        self._append(self.sheet, header)

    def _part(self) -> Path:
        try:
            fd, name = tempfile.mkstemp(
                dir=self.real.parent, prefix=f".{self.real.name}.{os.getpid()}-", suffix=".part"
            )
        except OSError as e:
            self.abort()
            raise BatchError(f"-o: cannot write in {str(self.real.parent)!r} ({e.strerror})") from None
        os.close(fd)
        return Path(name)

    def _cell(self, value: str, number: bool = False, fmt: str = "", sheet: Any = None) -> Any:
        """An openpyxl cell: a number from its digits (the text of a Decimal, never through a float), or text that
        is never a formula."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet if sheet is None else sheet)
        cell.value = value if number else sheet_text(value)
        cell.data_type = "n" if number else "s"
        if fmt:
            cell.number_format = fmt
        return cell

    def _append(self, sheet: Any, cells: list[Any]) -> None:
        try:
            sheet.append(cells)
        except OSError as e:
            raise RunFailed(f"-o {str(self.real)!r} cannot be written ({e.strerror}) — no output written") from None

    def write(self, rows: Sequence[Sequence[str]]) -> None:
        """Rows as the worker gives them (the CSV row's texts): amounts become numbers with two decimals, line and
        year integers, true/false booleans; carried text stays text (neutralised), carried numbers numbers."""
        if self.rows + len(rows) >= MAX_SHEET_ROWS:
            raise RunFailed(f"the output has more than {MAX_SHEET_ROWS - 1:,} rows, the most an .xlsx sheet holds")
        for row in rows:
            self.rows += 1
            cells: list[Any] = []
            for text, numeric in zip(row, self.numeric, strict=True):
                if not text:
                    cells.append(None)
                elif numeric:
                    cells.append(self._cell(text, True, "#,##0.00" if "." in text else "0"))
                elif text == "true" or text == "false":
                    cells.append(text == "true")
                elif _NUMBER.match(text) and len(text.replace("-", "").replace(".", "")) <= 15:
                    cells.append(self._cell(text, True))
                else:
                    cells.append(self._cell(text))
            self._append(self.sheet, cells)

    def summary_sheet(self, report: Report, lang: str) -> None:
        """The `汇总` sheet: rows, failed, blank; the receipt; totals by kind; per policy (all rows, by jurisdiction,
        by each --group-by column) the enterprises with an amount and the sum, the eligible ones at 0; the amounts
        entitled but not yet claimed."""
        from ..views.summary import summary_rows

        sheet = self.book.create_sheet("汇总")
        for row in summary_rows(report, lang):
            cells: list[Any] = []
            for v in row:
                if v is None:
                    cells.append(None)
                elif isinstance(v, Decimal):
                    cells.append(self._cell(format(v, "f"), True, "#,##0.00", sheet))
                elif isinstance(v, int) and not isinstance(v, bool):
                    cells.append(self._cell(str(v), True, "", sheet))
                else:
                    cells.append(self._cell(str(v), sheet=sheet))
            self._append(sheet, cells)

    def commit(self) -> None:
        assert self.tmp is not None
        try:
            self.book.save(self.tmp)
            publish(self.tmp, self.real)
        except OSError as e:
            self.abort()
            raise RunFailed(f"-o {str(self.real)!r} cannot be written ({e.strerror}) — no output written") from None
        self.tmp = None

    def abort(self) -> None:
        book = getattr(self, "book", None)
        for sheet in book.worksheets if book is not None else ():  # (a write-only sheet streams to a file of its own)
            with contextlib.suppress(Exception):
                sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
        self.tmp = None
