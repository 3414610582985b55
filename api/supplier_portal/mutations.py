import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.catalogue.types import Offer
from api.context import Info
from api.errors import UserError
from api.mutations import Idempotent, NodeId, Outcome, decode_id, perform_create, run_mutation
from api.supplier_portal.inputs import CreateOfferInput, UpdateOfferInput
from core.principal import Actor
from marketplace import models
from supplier_portal import listings


@strawberry.type
class OfferPayload:
    offer: Offer | None
    errors: list[UserError]


def _payload(outcome: Outcome[models.Offer]) -> OfferPayload:
    return OfferPayload(
        offer=Offer.from_model(outcome.value) if outcome.value else None, errors=outcome.errors
    )


def _offer_id(id: relay.GlobalID) -> NodeId:
    return NodeId(id, "Offer", "id")


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
        return await run_mutation(
            info, listings.update_listing, _offer_id(input.id), patch, payload=_payload
        )

    @strawberry.mutation(description="Send a draft (or rejected) listing for review.")
    async def submit_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await run_mutation(info, listings.submit_listing, _offer_id(id), payload=_payload)

    @strawberry.mutation(description="Take a listing back from review to draft.")
    async def withdraw_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await run_mutation(info, listings.withdraw_listing, _offer_id(id), payload=_payload)

    @strawberry.mutation(description="Operators put a reviewed listing on the shelf.")
    async def approve_offer(self, info: Info, id: relay.GlobalID) -> OfferPayload:
        return await run_mutation(info, listings.approve_listing, _offer_id(id), payload=_payload)

    @strawberry.mutation(description="Operators send a listing back with a reason.")
    async def reject_offer(self, info: Info, id: relay.GlobalID, reason: str) -> OfferPayload:
        return await run_mutation(
            info, listings.reject_listing, _offer_id(id), reason, payload=_payload
        )

    @strawberry.mutation(description="Take a listing off the shelf (any time) or put it back on.")
    async def set_offer_shelf(self, info: Info, id: relay.GlobalID, on_shelf: bool) -> OfferPayload:
        return await run_mutation(
            info, listings.set_shelf, _offer_id(id), on_shelf, payload=_payload
        )
