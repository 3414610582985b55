"""The downloadable listing template, built from the importer's columns."""

from core.spreadsheet_template import template_workbook
from supplier_portal.importing import columns
from supplier_portal.importing.reading import MAX_BYTES, MAX_ROWS, SHEET

_RULES = (
    "每一行是一个挂牌: 本单位已有该 SKU 编码的挂牌则更新它, 否则新建一个草稿。",
    "第 1 行是表头, 列名不要修改; 列的顺序可以调整, 选填的列可以删除。",
    "每一行单独处理: 有错误的行不会保存任何内容, 并在导入结果中列出行号、列名和原因;"
    " 其他行照常导入。",
    f"支持 .xlsx 和 .csv (UTF-8 或 GBK 编码) 文件, 最多 {MAX_ROWS} 行,"
    f" 不超过 {MAX_BYTES // (1024 * 1024)} MB。",
    "表头底色为橙色的列必填; 商品编号、条码、品牌和型号至少要能确定一个商品。",
)


def listing_template() -> bytes:
    return template_workbook(
        sheet=SHEET,
        title="挂牌批量导入说明",
        rules=_RULES,
        columns=columns.COLUMNS,
        choices=(columns.SUBMIT, ("是", "否")),
    )
