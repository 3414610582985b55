"""Offer price history: a point whenever the price or platform price changes, read back as one
point per day (the price in force at the end of that day) for a chart."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock
from marketplace.models import Offer, OfferPricePoint

MAX_DAYS = 366


@dataclass(frozen=True)
class DailyPrice:
    day: date
    price_fen: int
    market_price_fen: int | None


def record_price(session: AsyncSession, offer: Offer, *, clock: Clock) -> None:
    session.add(
        OfferPricePoint(
            offer_id=offer.id,
            price_fen=offer.price_fen,
            market_price_fen=offer.market_price_fen,
            at=clock.now(),
        )
    )


async def record_change(
    session: AsyncSession,
    offer: Offer,
    *,
    old_price_fen: int,
    old_market_price_fen: int | None,
    clock: Clock,
) -> None:
    """A new price; an offer listed before history was kept gets its old price as a first point."""
    known = await session.scalar(
        select(OfferPricePoint.id).where(OfferPricePoint.offer_id == offer.id).limit(1)
    )
    if known is None:
        session.add(
            OfferPricePoint(
                offer_id=offer.id,
                price_fen=old_price_fen,
                market_price_fen=old_market_price_fen,
                at=offer.created_at,
            )
        )
    record_price(session, offer, clock=clock)


async def daily_prices(
    session: AsyncSession, offers: list[Offer], *, days: int, today: date
) -> dict[int, list[DailyPrice]]:
    """For each offer, one point per day over the last `days` days, from the day it was listed.
    An offer with no recorded change has been at its current price since it was created."""
    days = max(1, min(days, MAX_DAYS))
    first_day = today - timedelta(days=days - 1)
    rows = await session.scalars(
        select(OfferPricePoint)
        .where(OfferPricePoint.offer_id.in_([o.id for o in offers]))
        .order_by(OfferPricePoint.offer_id, OfferPricePoint.at, OfferPricePoint.id)
    )
    points: dict[int, list[OfferPricePoint]] = {o.id: [] for o in offers}
    for row in rows:
        points[row.offer_id].append(row)
    return {o.id: _series(o, points[o.id], first_day, today) for o in offers}


def _series(
    offer: Offer, points: list[OfferPricePoint], first_day: date, today: date
) -> list[DailyPrice]:
    changes = [(p.at, p.price_fen, p.market_price_fen) for p in points] or [
        (offer.created_at, offer.price_fen, offer.market_price_fen)
    ]
    series, index, current = [], 0, None
    day = first_day
    while day <= today:
        end = datetime.combine(day + timedelta(days=1), time(), SHANGHAI)
        while index < len(changes) and changes[index][0] < end:
            current = changes[index]
            index += 1
        if current is not None:
            series.append(DailyPrice(day, current[1], current[2]))
        day += timedelta(days=1)
    return series
