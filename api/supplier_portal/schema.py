from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.catalogue.types import Offer, OfferConnection
from api.context import Info
from api.errors import UserError
from api.mutations import Idempotent, Outcome, decode_id, perform, perform_create
from api.relay import page_limits, page_request, to_connection
from core.principal import Actor
from marketplace import models
from supplier_portal import listings, workspace


@strawberry.input(description="A new listing; it starts as a DRAFT and is submitted for review.")
class CreateOfferInput:
    product_id: relay.GlobalID
    supplier_sku: str
    price: Decimal = strawberry.field(description="Yuan, at most two decimals, as a string.")
    stock: int
    agreement_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The agreement it is sold under; required before submitting."
    )
    market_price: Decimal | None = None
    delivery_region_codes: list[str] = strawberry.field(
        default_factory=list, description="Empty: the agreement's whole region."
    )
    image_sha256: str | None = strawberry.field(default=None, description="From `uploadImage`.")
    idempotency_key: str | None = None


@strawberry.input(
    description="Only the fields given change; a new price or picture may send it back to review."
)
class UpdateOfferInput:
    id: relay.GlobalID
    price: Decimal | None = None
    market_price: Decimal | None = None
    stock: int | None = None
    delivery_region_codes: list[str] | None = None
    image_sha256: str | None = None


@strawberry.type
class OfferPayload:
    offer: Offer | None
    errors: list[UserError]


def _payload(outcome: Outcome[models.Offer]) -> OfferPayload:
    return OfferPayload(
        offer=Offer.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
    )


async def _on_offer(info: Info, id: relay.GlobalID, act: "listings.OfferAction") -> OfferPayload:
    async def action(session: AsyncSession, actor: Actor) -> models.Offer:
        return await act(session, decode_id(id, "Offer", field="id"), actor, info.context.clock)

    return _payload(await perform(info, action))


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


@strawberry.type
class SupplierPortalMutation:
    @strawberry.mutation(description="A supplier or partner drafts a listing of a product.")
    async def create_offer(self, info: Info, input: CreateOfferInput) -> OfferPayload:
        async def action(session: AsyncSession, actor: Actor) -> models.Offer:
            draft = listings.ListingDraft(
                product_id=decode_id(input.product_id, "Product", field="productId"),
                agreement_id=None
                if input.agreement_id is None
                else decode_id(input.agreement_id, "Agreement", field="agreementId"),
                supplier_sku=input.supplier_sku,
                price=input.price,
                market_price=input.market_price,
                stock=input.stock,
                delivery_region_codes=input.delivery_region_codes,
                image_sha256=input.image_sha256,
            )
            return await listings.create_listing(
                session, draft, actor=actor, clock=info.context.clock
            )

        async def reload(session: AsyncSession, offer_id: int) -> models.Offer | None:
            return await session.get(models.Offer, offer_id)

        request = {
            "productId": str(input.product_id),
            "agreementId": str(input.agreement_id),
            "sku": input.supplier_sku,
            "price": input.price,
            "marketPrice": input.market_price,
            "stock": input.stock,
            "regions": input.delivery_region_codes,
            "image": input.image_sha256,
        }
        return _payload(
            await perform_create(
                info, Idempotent("createOffer", input.idempotency_key, request, reload), action
            )
        )

    @strawberry.mutation(
        description="Change a listing's price, market price, stock, delivery regions or picture."
    )
    async def update_offer(self, info: Info, input: UpdateOfferInput) -> OfferPayload:
        patch = listings.ListingPatch(
            price=input.price,
            market_price=input.market_price,
            stock=input.stock,
            delivery_region_codes=input.delivery_region_codes,
            image_sha256=input.image_sha256,
        )
        return await _on_offer(
            info,
            input.id,
            lambda s, i, a, c: listings.update_listing(s, i, patch, actor=a, clock=c),
        )

    @strawberry.mutation(description="Send a draft (or rejected) listing for review.")
    async def submit_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await _on_offer(
            info, id, lambda s, i, a, c: listings.submit_listing(s, i, actor=a, clock=c)
        )

    @strawberry.mutation(description="Take a listing back from review to draft.")
    async def withdraw_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await _on_offer(
            info, id, lambda s, i, a, c: listings.withdraw_listing(s, i, actor=a, clock=c)
        )

    @strawberry.mutation(description="Operators put a reviewed listing on the shelf.")
    async def approve_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await _on_offer(
            info, id, lambda s, i, a, c: listings.approve_listing(s, i, actor=a, clock=c)
        )

    @strawberry.mutation(description="Operators send a listing back with a reason.")
    async def reject_offer(self, info: Info, id: relay.GlobalID, reason: str) -> OfferPayload:
        return await _on_offer(
            info, id, lambda s, i, a, c: listings.reject_listing(s, i, reason, actor=a, clock=c)
        )

    @strawberry.mutation(description="Take a listing off the shelf (any time) or put it back on.")
    async def set_offer_shelf(self, info: Info, id: relay.GlobalID, on_shelf: bool) -> OfferPayload:
        return await _on_offer(
            info, id, lambda s, i, a, c: listings.set_shelf(s, i, on_shelf, actor=a, clock=c)
        )
