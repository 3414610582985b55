"""What a partner sends to sync its catalogue, checked item by item: a bad item is rejected with
its own code and message, and the rest of the batch goes on."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.errors import DomainError
from marketplace import codes, fields
from marketplace.specs import Spec, validate_specs

MAX_BATCH = 1000
MAX_IMAGES = 10
MAX_REGIONS = 100
_MAX_VERSION = 2**63 - 1
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]{0,490}$")


class ItemCode(StrEnum):
    SKU_INVALID = "SKU_INVALID"
    VERSION_INVALID = "VERSION_INVALID"
    DUPLICATE_IN_BATCH = "DUPLICATE_IN_BATCH"
    TEXT_INVALID = "TEXT_INVALID"
    SPEC_INVALID = "SPEC_INVALID"
    IMAGE_URL_INVALID = "IMAGE_URL_INVALID"
    GTIN_INVALID = "GTIN_INVALID"
    PRICE_INVALID = "PRICE_INVALID"
    STOCK_INVALID = "STOCK_INVALID"
    REGION_UNKNOWN = "REGION_UNKNOWN"
    CATEGORY_UNMAPPED = "CATEGORY_UNMAPPED"
    AGREEMENT_UNKNOWN = "AGREEMENT_UNKNOWN"
    SKU_UNKNOWN = "SKU_UNKNOWN"


class ItemRejected(Exception):
    def __init__(self, code: ItemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RegionStock:
    region_code: str
    quantity: int


@dataclass(frozen=True)
class ProductItem:
    sku: str
    version: str | int
    category: str
    brand: str
    model: str
    name: str
    platform_price: Decimal | str
    agreement_price: Decimal | str
    unit: str = "件"
    specs: Sequence[Spec] = ()
    image_urls: Sequence[str] = ()
    stock: Sequence[RegionStock] = ()
    on_shelf: bool = True
    gtin: str | None = None
    agreement_code: str | None = None


@dataclass(frozen=True)
class PriceItem:
    sku: str
    version: str | int
    platform_price: Decimal | str | None = None
    agreement_price: Decimal | str | None = None


@dataclass(frozen=True)
class StockItem:
    sku: str
    version: str | int
    stock: Sequence[RegionStock] = ()


@dataclass(frozen=True)
class ShelfItem:
    sku: str
    version: str | int
    on_shelf: bool


@dataclass(frozen=True)
class Content:
    partner_category: str
    brand: str
    model: str
    name: str
    unit: str
    specs: list[dict[str, object]]
    image_urls: list[str]
    gtin: str | None
    agreement_code: str | None

    @property
    def match_key(self) -> str:
        return codes.match_key(self.brand, self.model)


@dataclass(frozen=True)
class Prices:
    platform_fen: int | None
    agreement_fen: int | None


@dataclass
class Patch:
    """One item's changes, each aspect (content, prices, stock, shelf) present or not."""

    index: int
    sku: str
    version: int
    content: Content | None = None
    prices: Prices | None = None
    stock: dict[str, int] | None = None
    on_shelf: bool | None = None
    category_code: str | None = field(default=None)  # the mapped 品目, once known


def sku_of(raw: str) -> str:
    sku = fields.text(raw, fields.MAX_SKU)
    if sku is None or any(c.isspace() for c in sku):
        raise ItemRejected(ItemCode.SKU_INVALID, "SKU 编码不能为空、不能含空白, 且不超过 64 字")
    return sku


def version_of(raw: str | int) -> int:
    text = str(raw).strip()
    if not text.isdigit() or not 0 < int(text) <= _MAX_VERSION:
        raise ItemRejected(
            ItemCode.VERSION_INVALID, f"版本号须为正整数 (如更新时间的毫秒数): {str(raw)[:40]}"
        )
    return int(text)


def _text(value: str, label: str, limit: int) -> str:
    text = fields.text(value, limit)
    if text is None:
        raise ItemRejected(ItemCode.TEXT_INVALID, f"{label}不能为空, 且不超过 {limit} 字")
    return text


def _fen(value: Decimal | str, label: str) -> int:
    try:
        return fields.price_fen(value)
    except DomainError as error:
        raise ItemRejected(ItemCode.PRICE_INVALID, f"{label}: {error.message}") from None


def _images(urls: Sequence[str]) -> list[str]:
    if len(urls) > MAX_IMAGES:
        raise ItemRejected(ItemCode.IMAGE_URL_INVALID, f"图片最多 {MAX_IMAGES} 张")
    for url in urls:
        if not _URL.match(url):
            raise ItemRejected(
                ItemCode.IMAGE_URL_INVALID, f"图片地址须为 http(s) 网址, 不超过 500 字: {url[:60]}"
            )
    return list(urls)


def _specs(specs: Sequence[Spec]) -> list[dict[str, object]]:
    try:
        return validate_specs(list(specs))
    except DomainError as error:
        raise ItemRejected(ItemCode.SPEC_INVALID, error.message) from None


def _gtin(raw: str | None) -> str | None:
    gtin = fields.optional_code(raw)
    if gtin is None:
        return None
    if not codes.gtin_is_valid(gtin):
        raise ItemRejected(ItemCode.GTIN_INVALID, f"商品条码校验失败: {gtin[:20]}")
    return gtin


def stock_of(lines: Sequence[RegionStock]) -> dict[str, int]:
    if len(lines) > MAX_REGIONS:
        raise ItemRejected(ItemCode.STOCK_INVALID, f"分区库存最多 {MAX_REGIONS} 个区域")
    stock: dict[str, int] = {}
    for line in lines:
        if not fields.stock_in_range(line.quantity):
            raise ItemRejected(ItemCode.STOCK_INVALID, f"库存须在 0 到 {fields.MAX_STOCK} 之间")
        if not (len(line.region_code) == 6 and line.region_code.isdigit()):
            raise ItemRejected(ItemCode.REGION_UNKNOWN, f"行政区划代码无效: {line.region_code}")
        stock[line.region_code] = stock.get(line.region_code, 0) + line.quantity
    return stock


def product_patch(index: int, item: ProductItem) -> Patch:
    content = Content(
        partner_category=_text(item.category, "电商品类", 64),
        brand=_text(item.brand, "品牌", 64),
        model=_text(item.model, "型号", 64),
        name=_text(item.name, "商品名称", 200),
        unit=_text(item.unit, "计量单位", 16),
        specs=_specs(item.specs),
        image_urls=_images(item.image_urls),
        gtin=_gtin(item.gtin),
        agreement_code=(item.agreement_code or "").strip() or None,
    )
    prices = Prices(_fen(item.platform_price, "电商价"), _fen(item.agreement_price, "协议价"))
    return Patch(
        index,
        sku_of(item.sku),
        version_of(item.version),
        content=content,
        prices=prices,
        stock=stock_of(item.stock),
        on_shelf=item.on_shelf,
    )


def price_patch(index: int, item: PriceItem) -> Patch:
    if item.platform_price is None and item.agreement_price is None:
        raise ItemRejected(ItemCode.PRICE_INVALID, "电商价与协议价至少给出一个")
    platform = None if item.platform_price is None else _fen(item.platform_price, "电商价")
    agreement = None if item.agreement_price is None else _fen(item.agreement_price, "协议价")
    return Patch(
        index, sku_of(item.sku), version_of(item.version), prices=Prices(platform, agreement)
    )


def stock_patch(index: int, item: StockItem) -> Patch:
    return Patch(index, sku_of(item.sku), version_of(item.version), stock=stock_of(item.stock))


def shelf_patch(index: int, item: ShelfItem) -> Patch:
    return Patch(index, sku_of(item.sku), version_of(item.version), on_shelf=item.on_shelf)
