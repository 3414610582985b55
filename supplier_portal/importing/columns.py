"""The columns of a listing import: one list that the template, the reader and the report share,
so the template a supplier downloads can never drift from what the importer expects."""

from core.spreadsheets import Column
from supplier_portal.errors import ListingError, ListingErrorCode

PRODUCT_ID = "商品编号"
GTIN = "条码"
BRAND = "品牌"
MODEL = "型号"
AGREEMENT = "协议编号"
SKU = "SKU编码"
PRICE = "价格"
STOCK = "库存"
MARKET_PRICE = "市场参考价"
REGIONS = "配送区域"
SUBMIT = "提交审核"

COLUMNS = (
    Column(
        PRODUCT_ID,
        "平台的商品编号 (整数)。可留空, 改填条码, 或同时填品牌和型号;"
        " 填了几种时, 须指向同一个商品。",
        "",
    ),
    Column(GTIN, "商品条码 (GTIN, 8、12、13 或 14 位数字)。", "", text=True, width=16),
    Column(BRAND, "品牌, 与型号一起用来查找商品 (不分大小写, 忽略空格和连字符)。", "联想"),
    Column(MODEL, "型号, 与品牌一起用来查找商品。", "ThinkCentre M740t", width=20),
    Column(
        AGREEMENT,
        "框架协议编号, 本单位须为该协议的入围供应商。",
        "LS-2026-TSJ",
        required=True,
        text=True,
        width=16,
    ),
    Column(
        SKU,
        "本单位自己的 SKU 编码, 不超过 64 字。本单位已有该 SKU 的挂牌则更新它, 否则新建;"
        " 同一文件中不能重复。",
        "LX-M740T-001",
        required=True,
        text=True,
        width=18,
    ),
    Column(
        PRICE,
        "协议价, 单位元, 最多两位小数, 不得高于协议的最高限制单价。已上架的挂牌改价后,"
        " 按地区规定可能需重新审核; 审核中的挂牌不能改价, 请先撤回。",
        "4888.00",
        required=True,
    ),
    Column(STOCK, "库存数量, 0 到 10000000 的整数。", "50", required=True, width=10),
    Column(MARKET_PRICE, "电商平台公开价, 单位元, 可留空; 留空则不改动已有挂牌的该项。", "5299.00"),
    Column(
        REGIONS,
        "6 位行政区划代码, 用顿号、逗号或空格分隔, 须在协议的适用区域内。留空: 新挂牌为"
        "协议的全部适用区域, 已有挂牌不改动。",
        "331102、331121",
        text=True,
        width=22,
    ),
    Column(
        SUBMIT,
        "填“是”则导入后提交审核 (草稿或被驳回的挂牌); 留空或填“否”则保存为草稿。",
        "否",
        width=10,
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED = tuple(c.header for c in COLUMNS if c.required)
# Any one of these identifies the product (brand only together with model).
_PRODUCT_KEYS = ((PRODUCT_ID,), (GTIN,), (BRAND, MODEL))

# The listing services name the input field at fault; the report names the column.
_FIELD_COLUMNS = {
    "productId": PRODUCT_ID,
    "agreementId": AGREEMENT,
    "supplierSku": SKU,
    "id": SKU,  # the offer the row's SKU found
    "price": PRICE,
    "stock": STOCK,
    "marketPrice": MARKET_PRICE,
    "deliveryRegionCodes": REGIONS,
}


def column_of(field: str | None) -> str | None:
    if field in HEADERS:
        return field
    return _FIELD_COLUMNS.get(field or "")


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
    problems = _problems(positions, unknown, repeated)
    if problems:
        raise ListingError(
            ListingErrorCode.IMPORT_WRONG_COLUMNS,
            f"表头不正确: {'; '.join(problems)}。第 1 行应为表头, 可用的列: {'、'.join(HEADERS)}",
            field="file",
        )
    return positions


def _problems(positions: dict[str, int], unknown: list[str], repeated: list[str]) -> list[str]:
    problems = []
    missing = [h for h in REQUIRED if h not in positions]
    if missing:
        problems.append(f"缺少必填列 {'、'.join(missing)}")
    if not any(all(k in positions for k in keys) for keys in _PRODUCT_KEYS):
        problems.append(f"缺少用来查找商品的列 ({PRODUCT_ID}, 或{GTIN}, 或{BRAND}和{MODEL})")
    if unknown:
        problems.append(f"无法识别的列 {'、'.join(unknown[:10])}")
    if repeated:
        problems.append(f"重复的列 {'、'.join(repeated)}")
    return problems
