"""A batch in Excel (issue 12 §1): an .xlsx input read as records of the same shape a CSV file gives, and an .xlsx
output — numbers as numbers (written from the Decimal's own digits), Chinese headers by default, the header frozen,
carried columns, text never a formula, and a `汇总` sheet with the per-policy totals and the receipt.

Reading: python-calamine (Rust), measured at about ten times openpyxl's read-only mode on this machine (docs/batch.md:
openpyxl read a 20,000-row sheet more slowly than the batch computes it); it gives values and dates but not a cell's
number format, so a workbook whose styles include a percent format (a cell shown as 5% holds 0.05) is read with
openpyxl instead. Writing: the workbook, its styles and the 汇总 sheet are openpyxl's; the rows sheet is streamed as
XML directly, cell for cell what openpyxl writes (XlsxOutput: its writer took three quarters of a run).

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
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Context, Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from ..inputs import neutralise
from .io import BatchError, RunFailed, clean_stale_parts
from .records import Record

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
        header = cells or []
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
        if self.engine == "calamine":
            sheet = self.book.get_sheet_by_name(self.name)
            start = sheet.start
            return XlsxReader(_calamine_rows(sheet.iter_rows(), start[0] if start else 0))
        return XlsxReader(_openpyxl_rows(self.book[self.name].iter_rows()))

    def close(self) -> None:
        if self.book is not None and self.engine == "openpyxl":
            self.book.close()
        self.book = None


# ── writing ────────────────────────────────────────────────────────────────────────────────────────────────────


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not XML 1.0 (nor UTF-8)


def xml_text(text: str) -> str:
    """Text as the content of an inline string: escaped, characters XML cannot hold replaced by U+FFFD, and spaces at
    either end kept (xml:space), as openpyxl writes it."""
    text = _XML_ILLEGAL.sub("\ufffd", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<t{space}>{text}</t>"


def column_letters(n: int) -> list[str]:
    """The first n column names: A … Z, AA …"""
    letters = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        letters.append(name)
    return letters


class XlsxOutput:
    """The .xlsx output: the rows sheet `结果`, then `汇总`; written to a temporary file beside the target and renamed
    over it by `commit` (a run that fails or is interrupted leaves nothing under the target's name).

    The workbook, its styles and the 汇总 sheet are openpyxl's (write-only mode). The rows of `结果` — every cell of
    every enterprise — are streamed as the sheet's XML directly, cell for cell what openpyxl's write-only mode writes
    (inline strings, `t="n"` with the Decimal's own digits, `t="b"`), into a part file beside the target, and put into
    the saved workbook in its place: openpyxl's pure-Python XML writer took three quarters of an .xlsx run's time
    (docs/batch.md)."""

    direct = False

    def __init__(self, target: str, columns: Sequence[str], titles: Sequence[str], numeric: Sequence[str]) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
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
        self.sheet_part: Path | None = None
        self.tmp = self._part()
        self.sheet_part = self._part()
        self.stream: IO[str] | None = open(self.sheet_part, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("结果")
        self.sheet.freeze_panes = "A2"
        # the styles of the cells written directly, registered in the workbook's style table
        styles = []
        for fmt, bold in (("General", True), ("0", False), ("#,##0.00", False)):
            cell = WriteOnlyCell(self.sheet)
            cell.number_format = fmt
            if bold:
                cell.font = Font(bold=True)
            styles.append(cell.style_id)
        self.bold, self.whole, self.decimal = styles
        self.columns = list(columns)
        kinds = {c: "n" for c in numeric}
        self.kinds = [kinds.get(c, "") for c in self.columns]
        self.letters = column_letters(len(self.columns))
        self.rows = 0
        header = "".join(
            f'<c r="{letter}1" s="{self.bold}" t="inlineStr"><is>{xml_text(t)}</is></c>'
            for letter, t in zip(self.letters, titles, strict=True)
        )
        self._write(f'<row r="1">{header}</row>')

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
        """An openpyxl cell of the 汇总 sheet: a number from its digits (never through a float), or text that is
        never a formula."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet if sheet is None else sheet)
        cell.value = value
        cell.data_type = "n" if number else "s"
        if fmt:
            cell.number_format = fmt
        return cell

    def _write(self, text: str) -> None:
        assert self.stream is not None
        try:
            self.stream.write(text)
        except OSError as e:
            raise RunFailed(f"-o {str(self.real)!r} cannot be written ({e.strerror}) — no output written") from None

    def write(self, rows: Sequence[Sequence[str]]) -> None:
        """Rows as the worker gives them (the CSV row's texts): amounts become numbers with two decimals, line and
        year integers, true/false booleans; carried text stays text (neutralised), carried numbers numbers."""
        if self.rows + len(rows) >= MAX_SHEET_ROWS:
            raise RunFailed(f"the output has more than {MAX_SHEET_ROWS - 1:,} rows, the most an .xlsx sheet holds")
        kinds, letters = self.kinds, self.letters
        whole, decimal = f'" s="{self.whole}" t="n"><v>', f'" s="{self.decimal}" t="n"><v>'
        parts: list[str] = []
        append = parts.append
        for row in rows:
            self.rows += 1
            r = str(self.rows + 1)
            append(f'<row r="{r}">')
            for text, kind, letter in zip(row, kinds, letters, strict=True):
                if not text:
                    continue
                if kind == "n":
                    append(f'<c r="{letter}{r}{decimal if "." in text else whole}{text}</v></c>')
                elif text == "true" or text == "false":
                    append(f'<c r="{letter}{r}" t="b"><v>{1 if text == "true" else 0}</v></c>')
                elif _NUMBER.match(text) and len(text.replace("-", "").replace(".", "")) <= 15:
                    append(f'<c r="{letter}{r}" t="n"><v>{text}</v></c>')
                else:
                    append(f'<c r="{letter}{r}" t="inlineStr"><is>{xml_text(neutralise(text))}</is></c>')
            append("</row>")
        self._write("".join(parts))

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
                    cells.append(self._cell(neutralise(str(v)), sheet=sheet))
            sheet.append(cells)

    def commit(self) -> None:
        import zipfile

        assert self.tmp is not None and self.sheet_part is not None and self.stream is not None
        try:
            self.stream.close()
            self.stream = None
            saved = self._part()
            self.book.save(saved)
            try:
                with zipfile.ZipFile(saved) as source, zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_DEFLATED) as out:
                    for info in source.infolist():
                        data = source.read(info.filename)
                        if info.filename != "xl/worksheets/sheet1.xml":  # (结果, the first sheet created)
                            out.writestr(info, data)
                            continue
                        text = data.decode("utf-8")
                        before, after = re.split(r"<sheetData\s*/>|<sheetData>\s*</sheetData>", text, maxsplit=1)
                        with out.open(info.filename, "w", force_zip64=True) as sheet:
                            sheet.write(before.encode("utf-8") + b"<sheetData>")
                            with open(self.sheet_part, "rb") as rows:
                                while block := rows.read(1 << 20):
                                    sheet.write(block)
                            sheet.write(b"</sheetData>" + after.encode("utf-8"))
            finally:
                saved.unlink(missing_ok=True)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)
            os.replace(self.tmp, self.real)
        except OSError as e:
            self.abort()
            raise RunFailed(f"-o {str(self.real)!r} cannot be written ({e.strerror}) — no output written") from None
        self.tmp = None
        self.sheet_part.unlink(missing_ok=True)
        self.sheet_part = None

    def abort(self) -> None:
        stream, self.stream = getattr(self, "stream", None), None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
        book = getattr(self, "book", None)
        for sheet in book.worksheets if book is not None else ():  # (a write-only sheet streams to a file of its own)
            with contextlib.suppress(Exception):
                sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()
        for part in (self.tmp, self.sheet_part):
            if part is not None:
                part.unlink(missing_ok=True)
        self.tmp = None
        self.sheet_part = None
