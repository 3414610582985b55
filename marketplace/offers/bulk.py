"""Offers written by the batch (a partner's catalogue sync): one statement per table, whatever
the batch's size. Delivery regions: `regions.replace_delivery_regions`."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import insert_ignoring_conflicts
from marketplace.models import Offer, OfferPricePoint, Product


async def insert_new_products(session: AsyncSession, values: Sequence[dict[str, Any]]) -> None:
    """New products by match key; one that another batch created meanwhile is left as it is."""
    await session.execute(insert_ignoring_conflicts(session, Product), values)


async def insert_offers(session: AsyncSession, values: Sequence[dict[str, Any]]) -> list[int]:
    """The new offers' ids, in the order of `values`."""
    ids = await session.scalars(
        insert(Offer).returning(Offer.id, sort_by_parameter_order=True), values
    )
    return list(ids)


async def update_offers(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Each row names its offer by `id`; the columns it gives change."""
    if rows:
        await session.execute(update(Offer), rows)


async def add_price_points(
    session: AsyncSession,
    points: Sequence[tuple[int, int, int | None]],
    *,
    at: datetime,
) -> None:
    """(offer id, price, platform price) in fen, each a point in the offer's price history."""
    if points:
        await session.execute(
            insert(OfferPricePoint),
            [
                {"offer_id": o, "price_fen": price, "market_price_fen": market, "at": at}
                for o, price, market in points
            ],
        )
