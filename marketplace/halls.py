"""Regional boutique halls (地方精品馆): an operator curates suppliers and products of its region
into a hall; the hall lists every buyable offer of them. Purchasers see their own region's halls
first."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput, NotFound
from core.events.marketplace import HallChanged
from core.outbox import record
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import Actor, Principal, Role
from identity import regions
from identity.models import Organisation, OrganisationKind
from identity.service import require_region
from marketplace.buyable import buyable_in
from marketplace.models import Hall, HallProduct, HallSupplier, Image, Offer, Product

HALL_TAGS = {
    "LOCAL_PRODUCE": "地方特产",
    "CRAFTS": "传统工艺",
    "POVERTY_832": "脱贫地区农副产品 (832)",
    "SME": "中小企业",
    "SMALL_MICRO": "小微企业",
    "DISABLED_WELFARE": "残疾人福利性单位",
    "PRISON": "监狱企业",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@dataclass(frozen=True)
class HallDraft:
    slug: str
    name: str
    region_code: str
    description: str
    policy_tags: tuple[str, ...] = ()
    banner_image_sha256: str | None = None
    position: int = 0


def _check(draft: HallDraft) -> None:
    if not _SLUG.match(draft.slug):
        raise InvalidInput("馆标识只能用小写字母、数字和连字符, 2 到 64 位", field="slug")
    if not 1 <= len(draft.name.strip()) <= 64:
        raise InvalidInput("馆名长度须为 1 到 64", field="name")
    if len(draft.description) > 1000:
        raise InvalidInput("简介不能超过 1000 字", field="description")
    unknown = sorted(set(draft.policy_tags) - HALL_TAGS.keys())
    if unknown:
        raise InvalidInput(f"未知的政策标签: {'、'.join(unknown)}", field="policyTags")


async def _banner(session: AsyncSession, sha256: str | None) -> int | None:
    if sha256 is None:
        return None
    image_id = await session.scalar(select(Image.id).where(Image.sha256 == sha256))
    if image_id is None:
        raise NotFound("图片", sha256, field="bannerImageSha256")
    return image_id


def _require_operator_for(principal: Principal, region_code: str) -> None:
    if not regions.in_subtree(region_code, principal.region_code):
        raise Forbidden("只能为本采购中心辖区设立精品馆")


async def create_hall(
    session: AsyncSession, draft: HallDraft, *, actor: Actor, clock: Clock
) -> Hall:
    principal = actor.require(Role.OPERATOR)
    _check(draft)
    await require_region(session, draft.region_code)
    _require_operator_for(principal, draft.region_code)
    if await session.scalar(select(Hall.id).where(Hall.slug == draft.slug)):
        raise InvalidInput(f"馆标识 {draft.slug} 已被使用", field="slug")
    hall = Hall(
        slug=draft.slug,
        name=draft.name.strip(),
        region_code=draft.region_code,
        description=draft.description.strip(),
        banner_image_id=await _banner(session, draft.banner_image_sha256),
        policy_tags=list(dict.fromkeys(draft.policy_tags)),
        operator_id=principal.organisation_id,
        position=draft.position,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(hall)
    await session.flush()
    _audit(session, actor, "hall.create", hall, clock)
    return hall


async def require_hall(session: AsyncSession, hall_id: int) -> Hall:
    hall = await session.get(Hall, hall_id, with_for_update=True)
    if hall is None:
        raise NotFound("精品馆", hall_id, field="hallId")
    return hall


async def update_hall(
    session: AsyncSession, hall_id: int, draft: HallDraft, *, actor: Actor, clock: Clock
) -> Hall:
    principal = actor.require(Role.OPERATOR)
    hall = await require_hall(session, hall_id)
    _require_operator_for(principal, hall.region_code)
    _check(draft)
    if draft.slug != hall.slug and await session.scalar(
        select(Hall.id).where(Hall.slug == draft.slug)
    ):
        raise InvalidInput(f"馆标识 {draft.slug} 已被使用", field="slug")
    await require_region(session, draft.region_code)
    _require_operator_for(principal, draft.region_code)
    hall.slug, hall.name = draft.slug, draft.name.strip()
    hall.region_code, hall.description = draft.region_code, draft.description.strip()
    hall.policy_tags = list(dict.fromkeys(draft.policy_tags))
    hall.banner_image_id = await _banner(session, draft.banner_image_sha256)
    hall.position, hall.updated_at = draft.position, clock.now()
    _audit(session, actor, "hall.update", hall, clock)
    await _announce(session, hall, clock)
    return hall


@dataclass(frozen=True)
class Curation:
    add_supplier_ids: tuple[int, ...] = ()
    remove_supplier_ids: tuple[int, ...] = ()
    add_product_ids: tuple[int, ...] = ()
    remove_product_ids: tuple[int, ...] = ()


async def curate_hall(
    session: AsyncSession, hall_id: int, change: Curation, *, actor: Actor, clock: Clock
) -> Hall:
    principal = actor.require(Role.OPERATOR)
    hall = await require_hall(session, hall_id)
    _require_operator_for(principal, hall.region_code)
    await _require_sellers(session, change.add_supplier_ids)
    await _require_products(session, change.add_product_ids)
    await session.execute(
        delete(HallSupplier).where(
            HallSupplier.hall_id == hall.id,
            HallSupplier.supplier_id.in_(change.remove_supplier_ids + change.add_supplier_ids),
        )
    )
    await session.execute(
        delete(HallProduct).where(
            HallProduct.hall_id == hall.id,
            HallProduct.product_id.in_(change.remove_product_ids + change.add_product_ids),
        )
    )
    session.add_all(
        HallSupplier(hall_id=hall.id, supplier_id=i) for i in set(change.add_supplier_ids)
    )
    session.add_all(HallProduct(hall_id=hall.id, product_id=i) for i in set(change.add_product_ids))
    hall.updated_at = clock.now()
    await session.flush()
    _audit(session, actor, "hall.curate", hall, clock)
    await _announce(
        session,
        hall,
        clock,
        suppliers=change.remove_supplier_ids,
        products=change.remove_product_ids,
    )
    return hall


async def _require_sellers(session: AsyncSession, ids: tuple[int, ...]) -> None:
    found = set(
        await session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(ids),
                Organisation.kind.in_((OrganisationKind.SUPPLIER, OrganisationKind.PARTNER)),
            )
        )
    )
    if missing := [i for i in ids if i not in found]:
        raise NotFound("供应商", missing[0], field="addSupplierIds")


async def _require_products(session: AsyncSession, ids: tuple[int, ...]) -> None:
    found = set(await session.scalars(select(Product.id).where(Product.id.in_(ids))))
    if missing := [i for i in ids if i not in found]:
        raise NotFound("商品", missing[0], field="addProductIds")


async def _announce(
    session: AsyncSession,
    hall: Hall,
    clock: Clock,
    *,
    suppliers: tuple[int, ...] = (),
    products: tuple[int, ...] = (),
) -> None:
    """Everything the hall holds now, plus what just left it, may show differently in search."""
    held_suppliers = await session.scalars(
        select(HallSupplier.supplier_id).where(HallSupplier.hall_id == hall.id)
    )
    held_products = await session.scalars(
        select(HallProduct.product_id).where(HallProduct.hall_id == hall.id)
    )
    record(
        session,
        HallChanged(
            hall_id=hall.id,
            supplier_ids=sorted(set(held_suppliers) | set(suppliers)),
            product_ids=sorted(set(held_products) | set(products)),
        ),
        clock=clock,
    )


def _audit(session: AsyncSession, actor: Actor, action: str, hall: Hall, clock: Clock) -> None:
    write_audit(
        session,
        actor,
        action,
        clock=clock,
        target_type="Hall",
        target_id=str(hall.id),
        details={"slug": hall.slug},
    )


async def list_halls(
    session: AsyncSession, *, region_code: str | None, viewer: Principal | None
) -> list[Hall]:
    """Halls in a region's subtree (all when no region), the viewer's own region's first."""
    query = select(Hall)
    if region_code is not None:
        query = query.where(Hall.region_code.startswith(regions.subtree_prefix(region_code)))
    if viewer is not None:
        mine = case((Hall.region_code.in_(regions.lineage(viewer.region_code)), 0), else_=1)
        query = query.order_by(mine)
    return list((await session.scalars(query.order_by(Hall.position, Hall.id).limit(200))).all())


async def hall_by_slug(session: AsyncSession, slug: str) -> Hall | None:
    return await session.scalar(select(Hall).where(Hall.slug == slug))


def in_hall(hall_id: int) -> ColumnElement[bool]:
    return or_(
        Offer.supplier_id.in_(
            select(HallSupplier.supplier_id).where(HallSupplier.hall_id == hall_id)
        ),
        Offer.product_id.in_(select(HallProduct.product_id).where(HallProduct.hall_id == hall_id)),
    )


async def hall_offers(
    session: AsyncSession,
    hall_id: int,
    *,
    viewer: Principal | None,
    today: date,
    page: PageRequest,
    default_size: int,
    max_size: int,
) -> Page[Offer]:
    """The hall's offers the viewer could buy, cheapest first."""
    region = viewer.region_code if viewer is not None and viewer.role == Role.PURCHASER else None
    query = select(Offer).where(in_hall(hall_id), buyable_in(region, today))
    key = SortKey(Offer.price_fen, Offer.id)
    return await paginate(session, query, key, page, default_size=default_size, max_size=max_size)


async def hall_ids_of_offers(session: AsyncSession, offers: list[Offer]) -> dict[int, list[int]]:
    """Which halls each offer shows in (for the search documents)."""
    by_supplier: dict[int, list[int]] = {}
    by_product: dict[int, list[int]] = {}
    suppliers = {o.supplier_id for o in offers}
    products = {o.product_id for o in offers}
    for hall_id, supplier_id in await session.execute(
        select(HallSupplier.hall_id, HallSupplier.supplier_id).where(
            HallSupplier.supplier_id.in_(suppliers)
        )
    ):
        by_supplier.setdefault(supplier_id, []).append(hall_id)
    for hall_id, product_id in await session.execute(
        select(HallProduct.hall_id, HallProduct.product_id).where(
            HallProduct.product_id.in_(products)
        )
    ):
        by_product.setdefault(product_id, []).append(hall_id)
    return {
        o.id: sorted(set(by_supplier.get(o.supplier_id, []) + by_product.get(o.product_id, [])))
        for o in offers
    }
