from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from marketplace.models import Offer


async def add_per_offer(
    session: AsyncSession, column: InstrumentedAttribute[int], added: Sequence[tuple[int, int]]
) -> None:
    """`column = column + n` for each (offer id, n), one statement each, in the order given."""
    for offer_id, quantity in added:
        await session.execute(
            update(Offer)
            .where(Offer.id == offer_id)
            .values({column: column + quantity})
            .execution_options(synchronize_session=False)
        )
