"""What a supplier or operator sees of listings: its own by status, and the review queue."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import SELLERS, Actor, Role
from marketplace.agreements.models import Agreement
from marketplace.models import Offer, OfferStatus

_NEWEST = SortKey(Offer.id, Offer.id, descending=True)


async def my_offers(
    session: AsyncSession,
    actor: Actor,
    statuses: list[OfferStatus],
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[Offer]:
    principal = actor.require(*SELLERS)
    query = select(Offer).where(Offer.supplier_id == principal.organisation_id)
    if statuses:
        query = query.where(Offer.status.in_(statuses))
    return await paginate(
        session, query, _NEWEST, page, default_size=default_size, max_size=max_size
    )


async def review_queue(
    session: AsyncSession, actor: Actor, page: PageRequest, *, default_size: int, max_size: int
) -> Page[Offer]:
    """Oldest submission first, so nothing waits longest by accident."""
    principal = actor.require(Role.OPERATOR)
    ours = select(Agreement.id).where(Agreement.operator_id == principal.organisation_id)
    query = select(Offer).where(
        Offer.status == OfferStatus.PENDING_REVIEW, Offer.agreement_id.in_(ours)
    )
    oldest = SortKey(Offer.id, Offer.id)
    return await paginate(
        session, query, oldest, page, default_size=default_size, max_size=max_size
    )
