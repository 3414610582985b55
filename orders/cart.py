"""A buyer's cart: offers and quantities, each with the price the buyer last saw.

The seen price is what `placeOrder` holds the offer to: if the supplier has changed it since,
placement stops with PRICE_CHANGED and the buyer acknowledges the new price by updating the line.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.principal import Actor, Principal, Role
from marketplace.models import Offer, OfferStatus
from orders.errors import OrderError, OrderErrorCode
from orders.models import CartLine

MAX_LINES = 100
MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class CartItem:
    line: CartLine
    offer: Offer

    @property
    def price_changed(self) -> bool:
        return self.offer.price_fen != self.line.seen_price_fen

    @property
    def amount_fen(self) -> int:
        return self.offer.price_fen * self.line.quantity


def _buyer(actor: Actor) -> Principal:
    principal = actor.require(Role.PURCHASER)
    assert principal.user_id is not None
    return principal


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(f"数量须为 1 到 {MAX_QUANTITY}", field="quantity")


async def _on_shelf_offer(session: AsyncSession, offer_id: int) -> Offer:
    offer = await session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("商品", offer_id, field="offerId")
    if offer.status != OfferStatus.ON_SHELF:
        raise OrderError(OrderErrorCode.OFFER_UNAVAILABLE, "该商品已下架", field="offerId")
    return offer


async def _line(session: AsyncSession, user_id: int, offer_id: int) -> CartLine | None:
    return await session.scalar(
        select(CartLine).where(CartLine.user_id == user_id, CartLine.offer_id == offer_id)
    )


async def add_to_cart(
    session: AsyncSession, offer_id: int, quantity: int, *, actor: Actor, clock: Clock
) -> CartLine:
    """Adds to the quantity already in the cart; the price shown now becomes the seen price."""
    principal = _buyer(actor)
    assert principal.user_id is not None
    _check_quantity(quantity)
    offer = await _on_shelf_offer(session, offer_id)
    line = await _line(session, principal.user_id, offer_id)
    now = clock.now()
    if line is None:
        count = await session.scalar(
            select(func.count()).where(CartLine.user_id == principal.user_id)
        )
        if (count or 0) >= MAX_LINES:
            raise OrderError(OrderErrorCode.CART_TOO_LARGE, f"购物车最多 {MAX_LINES} 种商品")
        line = CartLine(
            user_id=principal.user_id,
            organisation_id=principal.organisation_id,
            offer_id=offer_id,
            quantity=0,
            added_at=now,
        )
        session.add(line)
    _check_quantity(line.quantity + quantity)
    line.quantity += quantity
    line.seen_price_fen = offer.price_fen
    line.updated_at = now
    await session.flush()
    return line


async def update_cart_line(
    session: AsyncSession, offer_id: int, quantity: int, *, actor: Actor, clock: Clock
) -> CartLine:
    """Sets the quantity and acknowledges the offer's current price."""
    principal = _buyer(actor)
    assert principal.user_id is not None
    _check_quantity(quantity)
    line = await _line(session, principal.user_id, offer_id)
    if line is None:
        raise NotFound("购物车中的商品", offer_id, field="offerId")
    offer = await _on_shelf_offer(session, offer_id)
    line.quantity = quantity
    line.seen_price_fen = offer.price_fen
    line.updated_at = clock.now()
    await session.flush()
    return line


async def remove_cart_line(session: AsyncSession, offer_id: int, *, actor: Actor) -> None:
    principal = _buyer(actor)
    await session.execute(
        delete(CartLine).where(CartLine.user_id == principal.user_id, CartLine.offer_id == offer_id)
    )


async def cart_items(session: AsyncSession, actor: Actor) -> list[CartItem]:
    principal = _buyer(actor)
    rows = await session.execute(
        select(CartLine, Offer)
        .join(Offer, Offer.id == CartLine.offer_id)
        .where(CartLine.user_id == principal.user_id)
        .order_by(Offer.supplier_id, CartLine.id)
    )
    return [CartItem(line, offer) for line, offer in rows]
