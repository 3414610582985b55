"""The listing import's view of `core.spreadsheets`: its data sheet, its limits (module
attributes, so tests can lower them) and its error class."""

from core import spreadsheets
from core.spreadsheets import Cell, Table, header_text
from supplier_portal.errors import ListingError, ListingErrorCode

__all__ = ["MAX_BYTES", "MAX_ROWS", "MAX_UNPACKED_BYTES", "SHEET", "Cell", "Table", "header_text"]

MAX_BYTES = spreadsheets.MAX_BYTES
MAX_ROWS = spreadsheets.MAX_ROWS
MAX_UNPACKED_BYTES = spreadsheets.MAX_UNPACKED_BYTES
SHEET = "挂牌"  # the template's data sheet; else the workbook's first sheet is read


def read_table(data: bytes, filename: str) -> Table:
    limits = spreadsheets.Limits(MAX_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES)
    try:
        return spreadsheets.read_table(data, filename, sheet=SHEET, limits=limits)
    except spreadsheets.SpreadsheetError as error:
        code = ListingErrorCode(error.code.value)
        raise ListingError(code, error.message, field=error.field) from None
