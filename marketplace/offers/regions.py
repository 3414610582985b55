"""Where an offer delivers: the rows are replaced as a whole, one offer or a batch at a time."""

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.models import OfferDeliveryRegion


async def set_delivery_regions(
    session: AsyncSession, offer_id: int, codes: Sequence[str], *, new: bool = False
) -> None:
    """The offer delivers to exactly `codes`; a `new` offer has no rows to delete yet."""
    if not new:
        await session.execute(
            delete(OfferDeliveryRegion).where(OfferDeliveryRegion.offer_id == offer_id)
        )
    session.add_all(OfferDeliveryRegion(offer_id=offer_id, region_code=c) for c in codes)


async def replace_delivery_regions(
    session: AsyncSession, regions_by_offer: Mapping[int, Sequence[str]]
) -> None:
    """Many offers' regions in two statements, whatever the batch's size."""
    if not regions_by_offer:
        return
    offer_ids = sorted(regions_by_offer)
    await session.execute(
        delete(OfferDeliveryRegion).where(OfferDeliveryRegion.offer_id.in_(offer_ids))
    )
    rows = [{"offer_id": o, "region_code": code} for o in offer_ids for code in regions_by_offer[o]]
    if rows:
        await session.execute(insert(OfferDeliveryRegion), rows)
