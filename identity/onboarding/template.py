"""The downloadable onboarding template: the data sheet's header row, and a 说明 sheet.

Built from `columns.COLUMNS`, the list the importer checks headers against. The example row is on
the 说明 sheet, not the data sheet, so a template sent back untouched imports nothing.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import MAX_BYTES, MAX_ROWS
from identity.onboarding import columns
from identity.onboarding.importer import SHEET
from identity.onboarding.rows import ADMIN_ROLES, KINDS

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEXT = "@"
_WRAP = Alignment(wrap_text=True, vertical="top")
_IMPORTABLE_KINDS = [label for label, kind in KINDS.items() if kind in ADMIN_ROLES]
_RULES = (
    "每一行是一个单位和它的第一位管理员: 导入后创建单位, 并为管理员生成一次性的邀请链接"
    " (导入结果中只显示一次, 7 天内有效)。",
    "统一社会信用代码已登记的单位不会重复创建, 该行报告为“统一社会信用代码已登记”;"
    " 同一文件可以放心重复导入。",
    "第 1 行是表头, 列名不要修改; 列的顺序可以调整, 选填的列可以删除。",
    "每一行单独处理: 有错误的行不会保存任何内容, 并在导入结果中列出行号、列名和原因;"
    " 其他行照常导入。",
    f"支持 .xlsx 和 .csv (UTF-8 或 GBK 编码) 文件, 最多 {MAX_ROWS} 行,"
    f" 不超过 {MAX_BYTES // (1024 * 1024)} MB。",
    "表头底色为橙色的列必填。",
)


def organisation_template() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = SHEET
    _data_sheet(sheet)
    _help_sheet(book.create_sheet("说明"))
    book.properties.creator = "一网 Yiwang"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _data_sheet(sheet: Worksheet) -> None:
    sheet.append(list(columns.HEADERS))
    for index, column in enumerate(columns.COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = _TEXT
    sheet.freeze_panes = "A2"
    kind = get_column_letter(columns.HEADERS.index(columns.KIND) + 1)
    choice = DataValidation(
        type="list", formula1=f'"{",".join(_IMPORTABLE_KINDS)}"', allow_blank=True
    )
    choice.add(f"{kind}2:{kind}{MAX_ROWS + 1}")
    sheet.add_data_validation(choice)


def _help_sheet(sheet: Worksheet) -> None:
    sheet.append(["单位批量导入说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for rule in _RULES:
        sheet.append([rule])
    sheet.append([])
    sheet.append(["列名", "是否必填", "填写说明", "示例"])
    heading = sheet.max_row
    for column in columns.COLUMNS:
        sheet.append([column.header, "必填" if column.required else "选填", column.help])
        sheet.cell(row=sheet.max_row, column=4, value=column.example).number_format = _TEXT
    sheet.append([])
    sheet.append([f"示例行 (请在“{SHEET}”工作表中填写):"])
    sheet.append(list(columns.HEADERS))
    sheet.append([column.example or None for column in columns.COLUMNS])
    for row in (heading, sheet.max_row - 1):
        for cell in sheet[row]:
            cell.font = _BOLD
    for letter, width in (("A", 16), ("B", 10), ("C", 70), ("D", 22)):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=heading + 1, max_row=heading + len(columns.COLUMNS)):
        cells[2].alignment = _WRAP
