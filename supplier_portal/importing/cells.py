"""One row's cells, read into what the listing services take. Pure: no database.

Excel hands numbers back as int or float, text as str, TRUE/FALSE as bool; a CSV only has text.
Both read the same here. A problem is a DomainError whose `field` is the column's header.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.spreadsheets import cell_text as text
from marketplace import fields
from supplier_portal.errors import ListingError, ListingErrorCode
from supplier_portal.importing import columns as c

_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_REGION_SEPARATORS = re.compile(r"[、,，;；\s]+")
_REGION = re.compile(r"^\d{6}$")
_YES, _NO = "是", "否"


@dataclass(frozen=True)
class ProductRef:
    """How the row names its product: by id, by GTIN, or by brand and model."""

    product_id: int | None = None
    gtin: str | None = None
    brand: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class RowInput:
    product: ProductRef
    agreement_code: str
    supplier_sku: str
    price: Decimal
    stock: int
    market_price: Decimal | None
    delivery_region_codes: list[str] | None  # None: the column was left empty
    submit: bool


def parse_row(cells: Mapping[str, object]) -> RowInput:
    """`cells` maps each header present in the file to this row's value."""
    return RowInput(
        product=_product(cells),
        agreement_code=_required(cells, c.AGREEMENT).upper(),
        supplier_sku=_required(cells, c.SKU),
        price=_money(_required(cells, c.PRICE), c.PRICE),
        stock=_integer(_required(cells, c.STOCK), c.STOCK),
        market_price=_optional_money(cells, c.MARKET_PRICE),
        delivery_region_codes=_regions(text(cells.get(c.REGIONS))),
        submit=_yes_no(cells.get(c.SUBMIT), c.SUBMIT),
    )


def _product(cells: Mapping[str, object]) -> ProductRef:
    raw_id = text(cells.get(c.PRODUCT_ID))
    brand, model = text(cells.get(c.BRAND)), text(cells.get(c.MODEL))
    if (brand is None) != (model is None):
        missing = c.MODEL if model is None else c.BRAND
        raise _invalid(f"按品牌和型号查找商品时, 两列都要填写: 缺少{missing}", missing)
    ref = ProductRef(
        product_id=None if raw_id is None else _positive_id(raw_id),
        gtin=text(cells.get(c.GTIN)),
        brand=brand,
        model=model,
    )
    if ref.product_id is None and ref.gtin is None and ref.brand is None:
        raise _invalid(
            f"请填写{c.PRODUCT_ID}, 或{c.GTIN}, 或{c.BRAND}和{c.MODEL}, 以确定商品", c.PRODUCT_ID
        )
    return ref


def _positive_id(raw: str) -> int:
    if not _INTEGER.match(raw) or int(raw) <= 0:
        raise _invalid(f"{c.PRODUCT_ID}应为正整数: {raw}", c.PRODUCT_ID)
    return int(raw)


def _required(cells: Mapping[str, object], header: str) -> str:
    value = text(cells.get(header))
    if value is None:
        raise _invalid(f"{header}必填", header)
    return value


def _money(raw: str, header: str) -> Decimal:
    return fields.price(raw, field=header)


def _optional_money(cells: Mapping[str, object], header: str) -> Decimal | None:
    raw = text(cells.get(header))
    return None if raw is None else _money(raw, header)


def _integer(raw: str, header: str) -> int:
    if not _INTEGER.match(raw):
        raise _invalid(f"{header}应为整数: {raw}", header)
    return int(raw)


def _regions(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    codes = [code for code in _REGION_SEPARATORS.split(raw) if code]
    wrong = [code for code in codes if not _REGION.match(code)]
    if wrong:
        raise _invalid(
            f"{c.REGIONS}应为 6 位行政区划代码, 用顿号、逗号或空格分隔: {'、'.join(wrong)}",
            c.REGIONS,
        )
    return codes


def _yes_no(value: object, header: str) -> bool:
    answer = text(value)
    if answer is None or answer == _NO:
        return False
    if answer == _YES:
        return True
    raise _invalid(f"{header}只能填“{_YES}”或“{_NO}”: {answer}", header)


def _invalid(message: str, header: str) -> ListingError:
    return ListingError(ListingErrorCode.INVALID_ROW_VALUE, message, field=header)
