"""An offer's stock: taken when an order is placed, given back when it is cancelled or rejected."""

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.models import Offer
from marketplace.offers._columns import add_per_offer


class OutOfStock(Exception):
    """An offer had less stock left than a placement wanted; the caller rolls back."""

    def __init__(self, offer_id: int) -> None:
        super().__init__(f"offer {offer_id} is out of stock")
        self.offer_id = offer_id


async def take(session: AsyncSession, quantities: Sequence[tuple[int, int]]) -> None:
    """Guarded decrements in offer-id order (so concurrent placements never deadlock); the first
    (offer id, quantity) that would go below zero raises `OutOfStock`."""
    for offer_id, quantity in sorted(quantities, key=lambda wanted: wanted[0]):
        result = await session.execute(
            update(Offer)
            .where(Offer.id == offer_id, Offer.stock >= quantity)
            .values(stock=Offer.stock - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise OutOfStock(offer_id)


async def release(session: AsyncSession, quantities: Sequence[tuple[int, int]]) -> None:
    """Give back what an order took, (offer id, quantity) in the order given."""
    await add_per_offer(session, Offer.stock, quantities)
