"""The downloadable onboarding template, built from the importer's columns."""

from core.spreadsheet_template import template_workbook
from core.spreadsheets import MAX_BYTES, MAX_ROWS
from identity.onboarding import columns
from identity.onboarding.importer import SHEET
from identity.onboarding.rows import ADMIN_ROLES, KINDS

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
    return template_workbook(
        sheet=SHEET,
        title="单位批量导入说明",
        rules=_RULES,
        columns=columns.COLUMNS,
        choices=(columns.KIND, _IMPORTABLE_KINDS),
    )
