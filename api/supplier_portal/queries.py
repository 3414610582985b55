import strawberry

from api.catalogue.types import Offer, OfferConnection
from api.context import Info
from api.relay import page_limits, page_request, to_connection
from marketplace import models
from supplier_portal import workspace


@strawberry.type
class SupplierPortalQuery:
    @strawberry.field(description="Your organisation's listings, by status, newest first.")
    async def my_offers(
        self,
        info: Info,
        status: list[models.OfferStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OfferConnection:
        ctx = info.context
        actor = await ctx.actor()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await workspace.my_offers(
                session, actor, status or [], request, **page_limits(ctx.settings)
            )
        return to_connection(OfferConnection, page, Offer.from_model)

    @strawberry.field(
        description="Operators: listings awaiting review under the agreements you run."
    )
    async def review_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> OfferConnection:
        ctx = info.context
        actor = await ctx.actor()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await workspace.review_queue(
                session, actor, request, **page_limits(ctx.settings)
            )
        return to_connection(OfferConnection, page, Offer.from_model)
