"""A downloadable import template: the data sheet's header row, and a 说明 sheet explaining it.

Built from the importer's own `Column` list, so a template cannot drift from what is read back.
The example row is on the 说明 sheet, not the data sheet, so a template sent back untouched
imports nothing.
"""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import MAX_ROWS, Column

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEXT = "@"
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_workbook(
    *,
    sheet: str,
    title: str,
    rules: Sequence[str],
    columns: Sequence[Column],
    choices: tuple[str, Sequence[str]],
) -> bytes:
    """`choices` is a column's header and the values its cells offer in a drop-down."""
    book = Workbook()
    data = book.active
    assert data is not None  # a new workbook has one sheet
    data.title = sheet
    _data_sheet(data, columns, choices)
    _help_sheet(book.create_sheet("说明"), sheet, title, rules, columns)
    book.properties.creator = "一网 Yiwang"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _data_sheet(
    sheet: Worksheet, columns: Sequence[Column], choices: tuple[str, Sequence[str]]
) -> None:
    headers = [column.header for column in columns]
    sheet.append(headers)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = _TEXT
    sheet.freeze_panes = "A2"
    header, values = choices
    letter = get_column_letter(headers.index(header) + 1)
    choice = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
    choice.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(choice)


def _help_sheet(
    sheet: Worksheet, data: str, title: str, rules: Sequence[str], columns: Sequence[Column]
) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for rule in rules:
        sheet.append([rule])
    sheet.append([])
    sheet.append(["列名", "是否必填", "填写说明", "示例"])
    heading = sheet.max_row
    for column in columns:
        sheet.append([column.header, "必填" if column.required else "选填", column.help])
        sheet.cell(row=sheet.max_row, column=4, value=column.example).number_format = _TEXT
    sheet.append([])
    sheet.append([f"示例行 (请在“{data}”工作表中填写):"])
    sheet.append([column.header for column in columns])
    sheet.append([column.example or None for column in columns])
    for row in (heading, sheet.max_row - 1):
        for cell in sheet[row]:
            cell.font = _BOLD
    for letter, width in (("A", 16), ("B", 10), ("C", 70), ("D", 22)):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=heading + 1, max_row=heading + len(columns)):
        cells[2].alignment = _WRAP
