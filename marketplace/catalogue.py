"""Catalogue use cases: categories (品目), products (SPU) and offers (a supplier's SKU)."""

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core.audit import write_audit
from core.clock import Clock
from core.db import rows_by
from core.errors import InvalidInput
from core.events.marketplace import CategoryCreated, ProductCreated
from core.outbox import record
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import OVERSEERS, SELLERS, Actor, Principal, Role
from marketplace import codes, fields
from marketplace.errors import CatalogueError, CatalogueErrorCode
from marketplace.models import Category, Offer, OfferDeliveryRegion, OfferStatus, Product
from marketplace.specs import Spec, validate_specs


class ProductSort(StrEnum):
    NEWEST = "NEWEST"
    NAME = "NAME"


@dataclass(frozen=True)
class CategoryDraft:
    code: str
    name: str


@dataclass(frozen=True)
class ProductDraft:
    category_code: str
    name: str
    brand: str
    model: str
    unit: str
    gtin: str | None = None
    specs: list[Spec] = field(default_factory=list)


@dataclass(frozen=True)
class ProductFilter:
    category_code: str | None = None
    brand: str | None = None
    name_contains: str | None = None
    supplier_id: int | None = None


# --- categories -------------------------------------------------------------------------------


async def get_category_by_code(session: AsyncSession, code: str) -> Category | None:
    return await session.scalar(select(Category).where(Category.code == code))


async def require_category_by_code(
    session: AsyncSession, code: str, *, field: str = "categoryCode"
) -> Category:
    if not codes.is_valid(code):
        raise CatalogueError(
            CatalogueErrorCode.INVALID_CATEGORY_CODE, f"品目编码格式不正确: {code}", field=field
        )
    category = await get_category_by_code(session, code)
    if category is None:
        raise CatalogueError(
            CatalogueErrorCode.UNKNOWN_CATEGORY, f"品目不存在: {code}", field=field
        )
    return category


async def list_categories(session: AsyncSession, *, parent_code: str | None) -> list[Category]:
    query = select(Category).order_by(Category.code)
    if parent_code is None:
        query = query.where(Category.parent_id.is_(None))
    else:
        parent = await require_category_by_code(session, parent_code, field="parentCode")
        query = query.where(Category.parent_id == parent.id)
    return list((await session.scalars(query)).all())


async def children_of(session: AsyncSession, parent_ids: list[int]) -> dict[int, list[Category]]:
    return await rows_by(session, Category, Category.parent_id, parent_ids, order_by=Category.code)


async def create_category(
    session: AsyncSession, draft: CategoryDraft, *, actor: Actor, clock: Clock
) -> Category:
    actor.require(Role.OPERATOR)
    code = draft.code.strip().upper()
    name = draft.name.strip()
    if not codes.is_valid(code):
        raise CatalogueError(
            CatalogueErrorCode.INVALID_CATEGORY_CODE,
            f"品目编码格式不正确: {draft.code} (应为 A/B/C 加两位一级的数字, 如 A02010104)",
            field="code",
        )
    if not name or len(name) > 64:
        raise InvalidInput("品目名称不能为空, 且不超过 64 字", field="name")
    if await get_category_by_code(session, code) is not None:
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_CATEGORY, f"品目编码已存在: {code}", field="code"
        )
    parent = await _parent_category(session, code)
    category = Category(
        code=code,
        name=name,
        parent_id=parent.id if parent else None,
        level=codes.level_of(code),
        created_at=clock.now(),
    )
    session.add(category)
    await session.flush()
    record(session, CategoryCreated(category_id=category.id, code=code), clock=clock)
    write_audit(
        session,
        actor,
        "category.create",
        clock=clock,
        target_type="Category",
        target_id=category.id,
    )
    return category


async def _parent_category(session: AsyncSession, code: str) -> Category | None:
    parent_code = codes.parent_of(code)
    if parent_code is None:
        return None
    parent = await get_category_by_code(session, parent_code)
    if parent is None:
        raise CatalogueError(
            CatalogueErrorCode.UNKNOWN_CATEGORY, f"上级品目不存在: {parent_code}", field="code"
        )
    return parent


# --- products ---------------------------------------------------------------------------------


async def get_product(session: AsyncSession, product_id: int) -> Product | None:
    return await session.get(Product, product_id)


async def create_product(
    session: AsyncSession, draft: ProductDraft, *, actor: Actor, clock: Clock
) -> Product:
    principal = actor.require(Role.SUPPLIER, Role.PARTNER, Role.OPERATOR)
    category = await require_category_by_code(session, draft.category_code.strip().upper())
    name, brand, model, unit = (
        _text(v, f, 200)
        for v, f in (
            (draft.name, "name"),
            (draft.brand, "brand"),
            (draft.model, "model"),
            (draft.unit, "unit"),
        )
    )
    gtin = await _checked_gtin(session, draft.gtin)
    key = codes.match_key(brand, model)
    existing = await session.scalar(select(Product.id).where(Product.match_key == key))
    if existing is not None:
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_PRODUCT,
            f"该品牌型号的商品已存在 (商品 {existing}), 请直接为其报价",
            field="model",
        )
    product = Product(
        category_id=category.id,
        name=name,
        brand=brand,
        model=model,
        match_key=key,
        unit=unit,
        gtin=gtin,
        specs=validate_specs(draft.specs),
        created_by_organisation_id=principal.organisation_id,
        created_at=clock.now(),
    )
    session.add(product)
    await session.flush()
    record(session, ProductCreated(product_id=product.id, category_code=category.code), clock=clock)
    write_audit(
        session, actor, "product.create", clock=clock, target_type="Product", target_id=product.id
    )
    return product


def _text(value: str, field_name: str, limit: int) -> str:
    text = fields.text(value, limit)
    if text is None:
        raise InvalidInput(f"{field_name} 不能为空, 且不超过 {limit} 字", field=field_name)
    return text


async def _checked_gtin(session: AsyncSession, gtin: str | None) -> str | None:
    gtin = fields.optional_code(gtin)
    if gtin is None:
        return None
    if not codes.gtin_is_valid(gtin):
        raise CatalogueError(
            CatalogueErrorCode.INVALID_GTIN, f"商品条码 (GTIN) 无效: {gtin}", field="gtin"
        )
    existing = await session.scalar(select(Product.id).where(Product.gtin == gtin))
    if existing is not None:
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_PRODUCT,
            f"该条码的商品已存在 (商品 {existing})",
            field="gtin",
        )
    return gtin


def _product_query(filters: ProductFilter) -> Select[Product]:
    query = select(Product)
    if filters.category_code:
        subtree = select(Category.id).where(Category.code.startswith(filters.category_code.upper()))
        query = query.where(Product.category_id.in_(subtree))
    if filters.brand:
        query = query.where(Product.brand == filters.brand)
    if filters.name_contains:
        query = query.where(Product.name.contains(filters.name_contains.strip(), autoescape=True))
    if filters.supplier_id is not None:
        offered = select(Offer.product_id).where(Offer.supplier_id == filters.supplier_id)
        query = query.where(Product.id.in_(offered))
    return query


_SORT_KEYS = {
    ProductSort.NEWEST: SortKey(Product.id, Product.id, descending=True),
    ProductSort.NAME: SortKey(Product.name, Product.id),
}


async def list_products(
    session: AsyncSession,
    filters: ProductFilter,
    sort: ProductSort,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[Product]:
    return await paginate(
        session,
        _product_query(filters),
        _SORT_KEYS[sort],
        page,
        default_size=default_size,
        max_size=max_size,
    )


# --- offers -----------------------------------------------------------------------------------


def offer_visibility(principal: Principal | None) -> ColumnElement[bool]:
    """On-shelf offers for everyone; a seller also sees its own; operators and supervisors all."""
    if principal is not None and principal.role in (Role.OPERATOR, *OVERSEERS):
        return true()
    on_shelf = Offer.status == OfferStatus.ON_SHELF
    if principal is not None and principal.role in SELLERS:
        return or_(on_shelf, Offer.supplier_id == principal.organisation_id)
    return on_shelf


async def offers_for_products(
    session: AsyncSession, product_ids: list[int], *, viewer: Principal | None
) -> dict[int, list[Offer]]:
    query = (
        select(Offer)
        .options(joinedload(Offer.supplier))
        .where(and_(Offer.product_id.in_(product_ids), offer_visibility(viewer)))
        .order_by(Offer.product_id, Offer.price_fen, Offer.id)
    )
    grouped: dict[int, list[Offer]] = {pid: [] for pid in product_ids}
    for offer in (await session.scalars(query)).all():
        grouped[offer.product_id].append(offer)
    return grouped


async def delivery_regions(session: AsyncSession, offer_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(OfferDeliveryRegion.offer_id, OfferDeliveryRegion.region_code)
        .where(OfferDeliveryRegion.offer_id.in_(offer_ids))
        .order_by(OfferDeliveryRegion.region_code)
    )
    grouped: dict[int, list[str]] = {i: [] for i in offer_ids}
    for offer_id, code in rows:
        grouped[offer_id].append(code)
    return grouped
