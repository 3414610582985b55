"""Listings: a supplier's offer of a product under an agreement, through review onto the shelf.

DRAFT → PENDING_REVIEW → ON_SHELF ⇄ OFF_SHELF, or REJECTED (with a reason) and resubmitted.
A listed offer whose price or picture changes goes back to review where the region says so.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.events import listings as events
from core.money import fen_to_yuan, parse_optional_fen
from core.outbox import record
from core.principal import SELLERS, Actor, Principal, Role
from identity import regions
from identity.service import require_region
from marketplace import fields
from marketplace.agreements.access import require_agreement, require_operator_of
from marketplace.agreements.models import AgreementStatus
from marketplace.agreements.quotes import check_offer_terms
from marketplace.errors import CatalogueError, CatalogueErrorCode
from marketplace.models import Image, Offer, OfferDeliveryRegion, OfferStatus, Product
from marketplace.offers import regions as offer_regions
from marketplace.offers import workflow
from marketplace.offers.prices import record_change
from marketplace.policy import policy_for
from supplier_portal.errors import ListingError, ListingErrorCode

# A listing may be prepared and submitted while its agreement still solicits; it goes on the
# shelf only once the agreement is active.
_PREPARABLE = (AgreementStatus.SOLICITING, AgreementStatus.ACTIVE)


OfferAction = Callable[[AsyncSession, int, Actor, Clock], Awaitable[Offer]]


@dataclass(frozen=True)
class ListingDraft:
    product_id: int
    supplier_sku: str
    price: Decimal
    stock: int
    agreement_id: int | None = None
    market_price: Decimal | None = None
    delivery_region_codes: list[str] = field(default_factory=list)
    image_sha256: str | None = None


@dataclass(frozen=True)
class ListingPatch:
    """Only the fields given change."""

    price: Decimal | None = None
    market_price: Decimal | None = None
    stock: int | None = None
    delivery_region_codes: list[str] | None = None
    image_sha256: str | None = None


# --- creating ---------------------------------------------------------------------------------


async def create_listing(
    session: AsyncSession, draft: ListingDraft, *, actor: Actor, clock: Clock
) -> Offer:
    principal = actor.require(*SELLERS)
    if await session.get(Product, draft.product_id) is None:
        raise NotFound("商品", draft.product_id, field="productId")
    sku = fields.text(draft.supplier_sku, fields.MAX_SKU)
    if sku is None:
        raise InvalidInput("SKU 编码不能为空, 且不超过 64 字", field="supplierSku")
    await _ensure_not_listed(
        session, principal.organisation_id, draft.product_id, draft.agreement_id
    )
    await _ensure_sku_free(session, principal.organisation_id, sku)
    price_fen = fields.price_fen(draft.price, field="price")
    if draft.agreement_id is not None:
        await check_offer_terms(
            session,
            draft.agreement_id,
            principal.organisation_id,
            draft.product_id,
            price_fen,
            clock=clock,
            statuses=_PREPARABLE,
        )
    market_price_fen = parse_optional_fen(draft.market_price, field="marketPrice")
    stock = _stock(draft.stock)
    offer = await workflow.create_draft(
        session,
        product_id=draft.product_id,
        supplier_id=principal.organisation_id,
        supplier_sku=sku,
        price_fen=price_fen,
        market_price_fen=market_price_fen,
        stock=stock,
        agreement_id=draft.agreement_id,
        image_id=await _image(session, draft.image_sha256),
        clock=clock,
    )
    await _set_regions(session, offer, draft.delivery_region_codes, new=True)
    _emit(session, events.ListingCreated, offer, actor, clock)
    return offer


async def _ensure_not_listed(
    session: AsyncSession, supplier_id: int, product_id: int, agreement_id: int | None
) -> None:
    """One listing per product and agreement: a second one, even at another price, unit or
    picture, is the duplicate listing the e-mall rules forbid."""
    existing = await session.scalar(
        select(Offer).where(
            Offer.supplier_id == supplier_id,
            Offer.product_id == product_id,
            Offer.agreement_id.is_(None)
            if agreement_id is None
            else Offer.agreement_id == agreement_id,
            Offer.status != OfferStatus.REJECTED,
        )
    )
    if existing is not None:
        raise ListingError(
            ListingErrorCode.DUPLICATE_LISTING,
            f"该商品已有本单位的挂牌: 报价 {existing.id} (SKU {existing.supplier_sku},"
            f" {fen_to_yuan(existing.price_fen)} 元, {workflow.STATUS_NAMES[existing.status]}),"
            " 请修改原挂牌",
            field="productId",
        )


async def _ensure_sku_free(session: AsyncSession, supplier_id: int, sku: str) -> None:
    existing = await session.scalar(
        select(Offer.id).where(Offer.supplier_id == supplier_id, Offer.supplier_sku == sku)
    )
    if existing is not None:
        raise CatalogueError(
            CatalogueErrorCode.DUPLICATE_SUPPLIER_SKU,
            f"SKU 编码 {sku} 已被本单位的报价 {existing} 使用",
            field="supplierSku",
        )


def _stock(stock: int) -> int:
    if not fields.stock_in_range(stock):
        raise CatalogueError(
            CatalogueErrorCode.INVALID_STOCK,
            f"库存须在 0 到 {fields.MAX_STOCK} 之间",
            field="stock",
        )
    return stock


async def _image(session: AsyncSession, sha256: str | None) -> int | None:
    """The id of an uploaded picture, named by its SHA-256 as `uploadImage` returned it."""
    if sha256 is None:
        return None
    image_id = await session.scalar(select(Image.id).where(Image.sha256 == sha256.strip().lower()))
    if image_id is None:
        raise ListingError(
            ListingErrorCode.UNKNOWN_IMAGE, f"图片不存在, 请先上传: {sha256}", field="imageSha256"
        )
    return int(image_id)


async def _set_regions(
    session: AsyncSession, offer: Offer, codes: list[str], *, new: bool = False
) -> list[str]:
    wanted = sorted(set(codes))
    scope = None
    if offer.agreement_id is not None:
        scope = (await require_agreement(session, offer.agreement_id)).region_code
    for code in wanted:
        await require_region(session, code, field="deliveryRegionCodes")
        if scope is not None and not regions.in_subtree(code, scope):
            raise ListingError(
                ListingErrorCode.REGION_OUTSIDE_AGREEMENT,
                f"配送区域 {code} 不在协议的适用区域 {scope} 内",
                field="deliveryRegionCodes",
            )
    await offer_regions.set_delivery_regions(session, offer.id, wanted, new=new)
    return wanted


# --- the workflow -----------------------------------------------------------------------------


async def submit_listing(
    session: AsyncSession, offer_id: int, *, actor: Actor, clock: Clock
) -> Offer:
    principal = actor.require(*SELLERS)
    offer = await _own(session, offer_id, principal)
    workflow.require_status(offer, OfferStatus.DRAFT, OfferStatus.REJECTED)
    await _check_terms(session, offer, clock, statuses=_PREPARABLE)
    workflow.submit(offer, clock=clock)
    return _emit(session, events.ListingSubmitted, offer, actor, clock)


async def withdraw_listing(
    session: AsyncSession, offer_id: int, *, actor: Actor, clock: Clock
) -> Offer:
    principal = actor.require(*SELLERS)
    offer = await _own(session, offer_id, principal)
    workflow.withdraw(offer)
    return _emit(session, events.ListingWithdrawn, offer, actor, clock)


async def approve_listing(
    session: AsyncSession, offer_id: int, *, actor: Actor, clock: Clock
) -> Offer:
    offer = await _reviewable(session, offer_id, actor)
    await _check_terms(session, offer, clock)
    workflow.approve(offer, clock=clock)
    return _emit(session, events.ListingApproved, offer, actor, clock)


async def reject_listing(
    session: AsyncSession, offer_id: int, reason: str, *, actor: Actor, clock: Clock
) -> Offer:
    if not reason.strip():
        raise InvalidInput("驳回须说明理由", field="reason")
    offer = await _reviewable(session, offer_id, actor)
    kept = workflow.reject(offer, reason, clock=clock)
    record(
        session,
        events.ListingRejected(**_fields(offer), reason=kept),
        clock=clock,
    )
    _audit(session, actor, "listing.reject", offer, clock)
    return offer


async def set_shelf(
    session: AsyncSession, offer_id: int, on_shelf: bool, *, actor: Actor, clock: Clock
) -> Offer:
    """Off the shelf at any time; back on only while the agreement and price still allow it."""
    principal = actor.require(*SELLERS)
    offer = await _own(session, offer_id, principal)
    workflow.require_shelvable(offer, on_shelf)
    if on_shelf:
        await _check_terms(session, offer, clock)
    if not workflow.shelve(offer, on_shelf):
        return offer
    return _emit(session, events.OfferShelfChanged, offer, actor, clock)


async def update_listing(
    session: AsyncSession, offer_id: int, patch: ListingPatch, *, actor: Actor, clock: Clock
) -> Offer:
    principal = actor.require(*SELLERS)
    offer = await _own(session, offer_id, principal)
    if offer.status is OfferStatus.PENDING_REVIEW and (patch.price or patch.image_sha256):
        raise ListingError(
            ListingErrorCode.WRONG_LISTING_STATUS,
            f"报价 {offer.id} 正在审核, 不能改价或换图: 请先撤回",
            field="id",
        )
    changes = await _apply(session, offer, patch)
    if not changes:
        return offer
    workflow.touch(offer, clock=clock)
    if {"price_fen", "market_price_fen"} & changes.keys():
        old_price = changes.get("price_fen", [offer.price_fen])[0]
        old_market = changes.get("market_price_fen", [offer.market_price_fen])[0]
        await record_change(
            session, offer, old_price_fen=old_price, old_market_price_fen=old_market, clock=clock
        )
    if offer.status in _LISTED and {"price_fen", "image_id"} & changes.keys():
        await _check_terms(session, offer, clock)
        if await _changes_need_review(session, offer):
            workflow.send_back_to_review(offer, clock=clock)
    record(session, events.ListingChanged(**_fields(offer), changes=changes), clock=clock)
    _audit(session, actor, "listing.update", offer, clock, {"changes": changes})
    return offer


async def _apply(session: AsyncSession, offer: Offer, patch: ListingPatch) -> dict[str, list[Any]]:
    wanted: dict[str, Any] = {}
    if patch.price is not None:
        wanted["price_fen"] = fields.price_fen(patch.price, field="price")
    if patch.market_price is not None:
        wanted["market_price_fen"] = fields.price_fen(patch.market_price, field="marketPrice")
    if patch.stock is not None:
        wanted["stock"] = _stock(patch.stock)
    if patch.image_sha256 is not None:
        wanted["image_id"] = await _image(session, patch.image_sha256)
    changes = workflow.change(offer, wanted)
    if patch.delivery_region_codes is not None:
        old = await _regions_of(session, offer.id)
        new_regions = await _set_regions(session, offer, patch.delivery_region_codes)
        if old != new_regions:
            changes["delivery_regions"] = [old, new_regions]
    return changes


async def _regions_of(session: AsyncSession, offer_id: int) -> list[str]:
    rows = await session.scalars(
        select(OfferDeliveryRegion.region_code)
        .where(OfferDeliveryRegion.offer_id == offer_id)
        .order_by(OfferDeliveryRegion.region_code)
    )
    return list(rows)


async def _changes_need_review(session: AsyncSession, offer: Offer) -> bool:
    if offer.agreement_id is None:
        return False
    agreement = await require_agreement(session, offer.agreement_id)
    return (await policy_for(session, agreement.region_code)).review_listing_changes


# --- shared checks ----------------------------------------------------------------------------

_LISTED = (OfferStatus.ON_SHELF, OfferStatus.OFF_SHELF)


async def _own(session: AsyncSession, offer_id: int, principal: Principal) -> Offer:
    offer = await session.get(Offer, offer_id, with_for_update=True)
    if offer is None:
        raise NotFound("报价", offer_id, field="id")
    if offer.supplier_id != principal.organisation_id:
        raise CatalogueError(CatalogueErrorCode.NOT_OFFER_OWNER, "只能操作本单位的报价", field="id")
    return offer


async def _reviewable(session: AsyncSession, offer_id: int, actor: Actor) -> Offer:
    principal = actor.require(Role.OPERATOR)
    offer = await session.get(Offer, offer_id, with_for_update=True)
    if offer is None:
        raise NotFound("报价", offer_id, field="id")
    workflow.require_status(offer, OfferStatus.PENDING_REVIEW)
    assert offer.agreement_id is not None  # submitting requires one
    require_operator_of(await require_agreement(session, offer.agreement_id), principal)
    return offer


async def _check_terms(
    session: AsyncSession,
    offer: Offer,
    clock: Clock,
    *,
    statuses: tuple[AgreementStatus, ...] = (AgreementStatus.ACTIVE,),
) -> None:
    if offer.agreement_id is None:
        raise ListingError(
            ListingErrorCode.NOT_UNDER_AGREEMENT, "挂牌须关联一个框架协议", field="agreementId"
        )
    await check_offer_terms(
        session,
        offer.agreement_id,
        offer.supplier_id,
        offer.product_id,
        offer.price_fen,
        clock=clock,
        statuses=statuses,
    )


def _fields(offer: Offer) -> dict[str, Any]:
    return {
        "offer_id": offer.id,
        "product_id": offer.product_id,
        "supplier_id": offer.supplier_id,
        "agreement_id": offer.agreement_id,
        "status": offer.status.value,
    }


def _emit(
    session: AsyncSession,
    event: type[events.ListingEvent],
    offer: Offer,
    actor: Actor,
    clock: Clock,
) -> Offer:
    record(session, event(**_fields(offer)), clock=clock)
    _audit(session, actor, f"listing.{event.event_type}", offer, clock)
    return offer


def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    offer: Offer,
    clock: Clock,
    details: dict[str, Any] | None = None,
) -> None:
    write_audit(
        session,
        actor,
        action,
        clock=clock,
        target_type="Offer",
        target_id=offer.id,
        details=details,
    )
