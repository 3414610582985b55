"""Reading an uploaded spreadsheet (.xlsx or .csv) into a header and numbered rows of cells.

Shared by every importer (listings, organisations). Pure and synchronous: the caller runs it in a
worker thread, before its transaction's first statement. Every way a file can be unusable becomes
a SpreadsheetError with a stable code and `field="file"`.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 64
# An .xlsx is a zip: 20 MB of it could unpack to gigabytes (openpyxl holds the shared strings in
# memory). zipfile never unpacks a member past its declared size, so the declared sizes bound it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .xls of Excel 97-2003
# What a damaged or foreign .xlsx makes openpyxl, zipfile or the XML parser raise.
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    ParseError,
    EOFError,
    OSError,
    zlib.error,
)


class SpreadsheetErrorCode(StrEnum):
    IMPORT_UNREADABLE = "IMPORT_UNREADABLE"
    IMPORT_WRONG_COLUMNS = "IMPORT_WRONG_COLUMNS"
    IMPORT_TOO_LARGE = "IMPORT_TOO_LARGE"
    IMPORT_EMPTY = "IMPORT_EMPTY"


class SpreadsheetError(DomainError):
    pass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES

    @property
    def max_scanned_rows(self) -> int:
        # Blank rows are skipped, but a file may not make us walk through a million of them.
        return 5 * self.max_rows


@dataclass(frozen=True)
class Column:
    """One column of an import template: the reader, the template and the report share it."""

    header: str
    help: str
    example: str
    required: bool = False
    text: bool = False  # the template formats it as text, so Excel keeps leading zeros
    width: int = 14


# What a cell holds: str, int, float, bool, a date or time from openpyxl; str from a CSV; or None.
Cell = object


@dataclass(frozen=True)
class Table:
    headers: list[str | None]
    rows: list[tuple[int, tuple[Cell, ...]]]  # (row number as the spreadsheet shows it, cells)


def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, limits: Limits = Limits()
) -> Table:
    """The sheet named `sheet` if the workbook has one, else its first sheet; a CSV's rows."""
    if len(data) > limits.max_bytes:
        raise _error(
            SpreadsheetErrorCode.IMPORT_TOO_LARGE,
            f"文件超过 {limits.max_bytes // (1024 * 1024)} MB 上限",
        )
    if not data.strip():
        raise _error(SpreadsheetErrorCode.IMPORT_EMPTY, "文件是空的")
    if data.startswith(_OLE2):
        raise _unreadable("不支持旧版 .xls 文件, 请在 Excel 中另存为 .xlsx 后再导入")
    if data.startswith(_ZIP):
        return _xlsx(data, sheet, limits)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise _unreadable("文件不是有效的 .xlsx 表格")
    return _collect(_csv_rows(data), limits)


def _xlsx(data: bytes, wanted: str | None, limits: Limits) -> Table:
    try:
        _check_unpacked_size(data, limits)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise _unreadable("文件不是有效的 .xlsx 表格, 或已损坏") from None
    try:
        sheets = {sheet.title: sheet for sheet in book.worksheets}  # charts are no worksheets
        sheet = sheets.get(wanted or "") or next(iter(sheets.values()), None)
        if sheet is None:
            raise _error(SpreadsheetErrorCode.IMPORT_EMPTY, "表格中没有工作表")
        return _collect(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), limits)
    except _XLSX_ERRORS:
        raise _unreadable("表格内容已损坏, 无法读取") from None
    finally:
        book.close()


def _check_unpacked_size(data: bytes, limits: Limits) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > limits.max_unpacked_bytes:
        megabytes = limits.max_unpacked_bytes // (1024 * 1024)
        raise _error(
            SpreadsheetErrorCode.IMPORT_TOO_LARGE,
            f"表格解压后超过 {megabytes} MB 上限, 请分成几个文件导入",
        )


def _csv_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    if b"\x00" in data:
        raise _unreadable("文件不是 .xlsx 或 .csv 表格")
    text = _decode(data)
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield tuple(row[:MAX_COLUMNS])
    except csv.Error:
        raise _unreadable("CSV 文件格式不正确") from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030: Excel in China saves "CSV"
    in the system's GBK code page, which GB18030 contains."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable("CSV 文件的编码无法识别, 请保存为 UTF-8 或 GBK 编码")


def _collect(rows: Iterable[tuple[Cell, ...]], limits: Limits) -> Table:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise _error(SpreadsheetErrorCode.IMPORT_EMPTY, "文件是空的")
    headers = [header_text(cell) for cell in first]
    width = max((i + 1 for i, h in enumerate(headers) if h is not None), default=0)
    kept: list[tuple[int, tuple[Cell, ...]]] = []
    for number, row in enumerate(iterator, start=2):
        if number > limits.max_scanned_rows:
            raise _too_many(limits)
        cells = tuple(_blank_to_none(c) for c in row[:width])
        if any(c is not None for c in cells):
            kept.append((number, cells + (None,) * (width - len(cells))))
            if len(kept) > limits.max_rows:
                raise _too_many(limits)
    if not kept:
        raise _error(SpreadsheetErrorCode.IMPORT_EMPTY, "表格中没有数据行 (第 1 行为表头)")
    return Table(headers[:width], kept)


def cell_text(value: object) -> str | None:
    """A cell as the text a person sees; None when blank. 4888.0 reads "4888", never "4888.0"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    stripped = str(value).strip()
    return stripped or None


def header_text(cell: Cell) -> str | None:
    """A header as typed, whitespace (full-width included) removed."""
    if cell is None:
        return None
    text = "".join(str(cell).split())
    return text or None


def _blank_to_none(cell: Cell) -> Cell:
    if isinstance(cell, str) and not cell.strip():
        return None
    return cell


def _too_many(limits: Limits) -> SpreadsheetError:
    return _error(
        SpreadsheetErrorCode.IMPORT_TOO_LARGE,
        f"数据超过 {limits.max_rows} 行上限, 请分成几个文件导入",
    )


def _unreadable(message: str) -> SpreadsheetError:
    return _error(SpreadsheetErrorCode.IMPORT_UNREADABLE, message)


def _error(code: SpreadsheetErrorCode, message: str) -> SpreadsheetError:
    return SpreadsheetError(code, message, field="file")
