"""The offer's state machine and the edits a supplier makes along it.

DRAFT → PENDING_REVIEW → ON_SHELF ⇄ OFF_SHELF, or REJECTED (with a reason) and resubmitted.
Who may make a move, and whether the agreement's terms allow it, the caller (the supplier
portal) decides first; the moves themselves are made only here.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from marketplace.errors import OfferError, OfferErrorCode
from marketplace.models import Offer, OfferStatus
from marketplace.offers.prices import record_price

STATUS_NAMES = {
    OfferStatus.DRAFT: "草稿",
    OfferStatus.PENDING_REVIEW: "待审核",
    OfferStatus.ON_SHELF: "已上架",
    OfferStatus.OFF_SHELF: "已下架",
    OfferStatus.REJECTED: "审核未通过",
}
_SUBMITTABLE = (OfferStatus.DRAFT, OfferStatus.REJECTED)
# What a supplier edits directly; status and review times move only through the state machine.
_EDITABLE = frozenset({"price_fen", "market_price_fen", "stock", "image_id"})


def require_status(offer: Offer, *allowed: OfferStatus) -> None:
    if offer.status not in allowed:
        wanted = "、".join(STATUS_NAMES[s] for s in allowed)
        raise OfferError(
            OfferErrorCode.WRONG_LISTING_STATUS,
            f"报价 {offer.id} 当前为{STATUS_NAMES[offer.status]}, 此操作仅限{wanted}",
            field="id",
        )


async def create_draft(
    session: AsyncSession,
    *,
    product_id: int,
    supplier_id: int,
    supplier_sku: str,
    price_fen: int,
    market_price_fen: int | None,
    stock: int,
    agreement_id: int | None,
    image_id: int | None,
    clock: Clock,
) -> Offer:
    """A new offer, in DRAFT, with its first price point."""
    now = clock.now()
    offer = Offer(
        product_id=product_id,
        supplier_id=supplier_id,
        supplier_sku=supplier_sku,
        price_fen=price_fen,
        market_price_fen=market_price_fen,
        stock=stock,
        status=OfferStatus.DRAFT,
        agreement_id=agreement_id,
        image_id=image_id,
        created_at=now,
        updated_at=now,
    )
    session.add(offer)
    await session.flush()
    record_price(session, offer, clock=clock)
    return offer


def submit(offer: Offer, *, clock: Clock) -> None:
    require_status(offer, *_SUBMITTABLE)
    offer.status, offer.submitted_at, offer.rejection_reason = (
        OfferStatus.PENDING_REVIEW,
        clock.now(),
        None,
    )


def withdraw(offer: Offer) -> None:
    require_status(offer, OfferStatus.PENDING_REVIEW)
    offer.status = OfferStatus.DRAFT


def approve(offer: Offer, *, clock: Clock) -> None:
    require_status(offer, OfferStatus.PENDING_REVIEW)
    offer.status, offer.reviewed_at = OfferStatus.ON_SHELF, clock.now()


def reject(offer: Offer, reason: str, *, clock: Clock) -> str:
    """The reason as kept."""
    require_status(offer, OfferStatus.PENDING_REVIEW)
    offer.status, offer.reviewed_at = OfferStatus.REJECTED, clock.now()
    offer.rejection_reason = reason.strip()[:500]
    return offer.rejection_reason


def require_shelvable(offer: Offer, on_shelf: bool) -> None:
    if on_shelf:
        require_status(offer, OfferStatus.OFF_SHELF, OfferStatus.ON_SHELF)
    else:
        require_status(offer, OfferStatus.ON_SHELF, OfferStatus.OFF_SHELF)


def shelve(offer: Offer, on_shelf: bool) -> bool:
    """On or off the shelf; False when it already was."""
    require_shelvable(offer, on_shelf)
    target = OfferStatus.ON_SHELF if on_shelf else OfferStatus.OFF_SHELF
    if offer.status is target:
        return False
    offer.status = target
    return True


def send_back_to_review(offer: Offer, *, clock: Clock) -> None:
    """A listed offer whose price or picture changed, where the region reviews such changes."""
    offer.status, offer.submitted_at = OfferStatus.PENDING_REVIEW, clock.now()


def change(offer: Offer, wanted: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the columns in `wanted`; what really changed, as {column: [old, new]}."""
    assert wanted.keys() <= _EDITABLE, wanted.keys() - _EDITABLE
    changes = {
        name: [getattr(offer, name), new]
        for name, new in wanted.items()
        if getattr(offer, name) != new
    }
    for name, (_, new) in changes.items():
        setattr(offer, name, new)
    return changes


def touch(offer: Offer, *, clock: Clock) -> None:
    offer.updated_at = clock.now()
