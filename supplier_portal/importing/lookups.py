"""Everything an import's rows name, loaded up front in a few queries per thousand rows.

The agreements, products, their categories and delivery regions are also what the listing
services `session.get()` for every row: held here, they stay in the session's identity map
(which only keeps objects someone references), so those gets cost no query.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound
from identity.models import Region
from marketplace import codes
from marketplace.agreements.models import Agreement
from marketplace.models import Category, Offer, OfferDeliveryRegion, Product
from supplier_portal.errors import ListingError, ListingErrorCode
from supplier_portal.importing import columns
from supplier_portal.importing.cells import ProductRef, RowInput

_CHUNK = 1000  # values per IN (...): well under SQLite's and PostgreSQL's parameter limits
K = TypeVar("K")


@dataclass
class Lookups:
    agreements: dict[str, Agreement] = field(default_factory=dict)  # by code
    products: dict[tuple[str, object], Product] = field(default_factory=dict)  # by _keys()
    offers: dict[str, Offer] = field(default_factory=dict)  # the supplier's, by SKU
    offer_regions: dict[int, list[str]] = field(default_factory=dict)  # sorted, by offer id
    held: list[object] = field(default_factory=list)  # categories and regions, kept alive

    def agreement(self, code: str) -> Agreement:
        found = self.agreements.get(code)
        if found is None:
            raise NotFound("框架协议", code, field=columns.AGREEMENT)
        return found

    def product(self, ref: ProductRef) -> Product:
        """The product the row names; every identifier it gives must name the same one."""
        found: Product | None = None
        for column, key in product_keys(ref):
            product = self.products.get(key)
            if product is None:
                raise NotFound("商品", _shown(ref, column), field=column)
            if found is not None and product.id != found.id:
                raise ListingError(
                    ListingErrorCode.INVALID_ROW_VALUE,
                    f"{column}指向的商品 ({product.brand} {product.model}, 编号 {product.id})"
                    f" 与前面的列指向的商品 ({found.brand} {found.model}, 编号 {found.id}) 不同",
                    field=column,
                )
            found = product
        assert found is not None  # parse_row requires one identifier
        return found


async def look_up(session: AsyncSession, supplier_id: int, rows: Sequence[RowInput]) -> Lookups:
    found = Lookups()
    agreement_codes = {r.agreement_code for r in rows}
    for agreement in await _load(session, Agreement, Agreement.code, agreement_codes):
        found.agreements[agreement.code] = agreement
    await _products(session, found, [k for r in rows for _, k in product_keys(r.product)])
    categories = {p.category_id for p in found.products.values()}
    found.held.extend(await _load(session, Category, Category.id, categories))
    region_codes = {c for r in rows for c in r.delivery_region_codes or []}
    found.held.extend(await _load(session, Region, Region.code, region_codes))
    await _offers(session, found, supplier_id, {r.supplier_sku for r in rows})
    await _regions(session, found, [r for r in rows if r.delivery_region_codes is not None])
    return found


async def _products(session: AsyncSession, found: Lookups, keys: list[tuple[str, object]]) -> None:
    by_kind: dict[str, set[Any]] = {"id": set(), "gtin": set(), "match_key": set()}
    for kind, value in keys:
        by_kind[kind].add(value)
    for kind, column in (
        ("id", Product.id),
        ("gtin", Product.gtin),
        ("match_key", Product.match_key),
    ):
        for product in await _load(session, Product, column, by_kind[kind]):
            found.products[(kind, getattr(product, kind))] = product


async def _offers(session: AsyncSession, found: Lookups, supplier_id: int, skus: set[str]) -> None:
    """The supplier's listings the rows name, locked (PostgreSQL) until the import commits, so
    what each row compares against stays true."""
    for chunk in _chunks(skus):
        query = (
            select(Offer)
            .where(Offer.supplier_id == supplier_id, Offer.supplier_sku.in_(chunk))
            .with_for_update()
        )
        for offer in await session.scalars(query):
            found.offers[offer.supplier_sku] = offer


async def _regions(session: AsyncSession, found: Lookups, rows: list[RowInput]) -> None:
    """The current delivery regions of the listings whose rows give regions."""
    offer_ids = {found.offers[r.supplier_sku].id for r in rows if r.supplier_sku in found.offers}
    for offer_id in offer_ids:
        found.offer_regions[offer_id] = []
    for chunk in _chunks(offer_ids):
        pairs = await session.execute(
            select(OfferDeliveryRegion.offer_id, OfferDeliveryRegion.region_code).where(
                OfferDeliveryRegion.offer_id.in_(chunk)
            )
        )
        for offer_id, code in pairs:
            found.offer_regions[offer_id].append(code)
    for region_codes in found.offer_regions.values():
        region_codes.sort()


async def _load(
    session: AsyncSession, model: type[K], column: Any, values: Iterable[object]
) -> list[K]:
    loaded: list[K] = []
    for chunk in _chunks(values):
        loaded.extend((await session.scalars(select(model).where(column.in_(chunk)))).all())
    return loaded


def _chunks(values: Iterable[K]) -> Iterable[list[K]]:
    ordered = list(values)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def product_keys(ref: ProductRef) -> list[tuple[str, tuple[str, object]]]:
    """Each identifier the row gives, with the column it came from."""
    keys: list[tuple[str, tuple[str, object]]] = []
    if ref.product_id is not None:
        keys.append((columns.PRODUCT_ID, ("id", ref.product_id)))
    if ref.gtin is not None:
        keys.append((columns.GTIN, ("gtin", ref.gtin)))
    if ref.brand is not None and ref.model is not None:
        keys.append((columns.MODEL, ("match_key", codes.match_key(ref.brand, ref.model))))
    return keys


def _shown(ref: ProductRef, column: str) -> str:
    if column == columns.PRODUCT_ID:
        return str(ref.product_id)
    if column == columns.GTIN:
        return f"条码 {ref.gtin}"
    return f"品牌 {ref.brand} 型号 {ref.model}"
