"""The columns of an organisation import: one list that the template, the reader and the report
share, so the template an operator downloads can never drift from what the importer expects."""

from core.spreadsheets import Column, SpreadsheetError, SpreadsheetErrorCode

NAME = "单位名称"
CREDIT_CODE = "统一社会信用代码"
KIND = "单位类型"
REGION = "行政区划代码"
PHONE = "联系电话"
ADDRESS = "地址"
ADMIN_NAME = "管理员姓名"
ADMIN_CONTACT = "管理员联系方式"

COLUMNS = (
    Column(NAME, "单位全称, 不超过 128 字。", "丽水市莲都区教育局", required=True, width=28),
    Column(
        CREDIT_CODE,
        "18 位统一社会信用代码, 须通过校验位检查; 已登记的代码不会重复创建, 同一文件中不能重复。",
        "11331102002612345H",
        required=True,
        text=True,
        width=22,
    ),
    Column(
        KIND,
        "采购单位、供应商、电商平台或监管机构; 留空为采购单位。",
        "采购单位",
        width=12,
    ),
    Column(
        REGION,
        "6 位行政区划代码, 须在本运营机构所辖地区内。",
        "331102",
        required=True,
        text=True,
        width=14,
    ),
    Column(PHONE, "单位联系电话, 可留空。", "0578-2123456", text=True, width=16),
    Column(ADDRESS, "单位地址, 不超过 256 字, 可留空。", "丽水市莲都区人民街 1 号", width=28),
    Column(ADMIN_NAME, "单位管理员的姓名, 不超过 64 字。", "王芳", required=True, width=12),
    Column(
        ADMIN_CONTACT,
        "单位管理员的手机号码或电子邮箱, 用来发送邀请链接。",
        "13905781234",
        required=True,
        text=True,
        width=22,
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED = tuple(c.header for c in COLUMNS if c.required)


def layout(headers: list[str | None]) -> dict[str, int]:
    """Each known header's position. Blank header cells are skipped; an unknown, repeated or
    missing required header refuses the whole file."""
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for index, header in enumerate(headers):
        if header is None:
            continue
        if header not in HEADERS:
            unknown.append(header)
        elif header in positions:
            repeated.append(header)
        else:
            positions[header] = index
    problems = []
    missing = [h for h in REQUIRED if h not in positions]
    if missing:
        problems.append(f"缺少必填列 {'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别的列 {'、'.join(unknown[:10])}")
    if repeated:
        problems.append(f"重复的列 {'、'.join(repeated)}")
    if problems:
        raise SpreadsheetError(
            SpreadsheetErrorCode.IMPORT_WRONG_COLUMNS,
            f"表头不正确: {'; '.join(problems)}。第 1 行应为表头, 可用的列: {'、'.join(HEADERS)}",
            field="file",
        )
    return positions
