"""What was sold and how the supplier was rated: written when a purchaser accepts an order."""

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from marketplace.models import Offer, SupplierRating
from marketplace.offers._columns import add_per_offer


async def count_sales(session: AsyncSession, sold: Sequence[tuple[int, int]]) -> None:
    """Add each (offer id, quantity) accepted to the offer's sales count."""
    await add_per_offer(session, Offer.sales_count, sold)


async def rate_supplier(
    session: AsyncSession,
    supplier_id: int,
    *,
    quality: int,
    delivery: int,
    service: int,
    clock: Clock,
) -> None:
    """One more purchaser's ratings (1–5 each) added to the supplier's running totals."""
    result = await session.execute(
        update(SupplierRating)
        .where(SupplierRating.supplier_id == supplier_id)
        .values(
            ratings=SupplierRating.ratings + 1,
            quality_sum=SupplierRating.quality_sum + quality,
            delivery_sum=SupplierRating.delivery_sum + delivery,
            service_sum=SupplierRating.service_sum + service,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(
            SupplierRating(
                supplier_id=supplier_id,
                ratings=1,
                quality_sum=quality,
                delivery_sum=delivery,
                service_sum=service,
                updated_at=clock.now(),
            )
        )
