"""Regional boutique halls (地方精品馆) over GraphQL."""

from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.catalogue.images import Image
from api.catalogue.types import Offer, OfferConnection
from api.context import Info
from api.errors import UserError
from api.mutations import NodeId, Outcome, decode_id, perform, run_mutation
from api.relay import page_limits, page_request, to_connection
from core.clock import local_today
from core.principal import Actor
from marketplace import halls, models


@strawberry.type(description="地方精品馆: a region's curated suppliers and products.")
class Hall:
    id: relay.GlobalID
    slug: str
    name: str
    region_code: str
    description: str
    policy_tags: list[str] = strawberry.field(
        description="LOCAL_PRODUCE, CRAFTS, POVERTY_832 or a supplier policy tag."
    )
    updated_at: datetime
    row_id: strawberry.Private[int]
    banner_image_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Hall) -> "Hall":
        return cls(
            id=relay.GlobalID("Hall", str(row.id)),
            slug=row.slug,
            name=row.name,
            region_code=row.region_code,
            description=row.description,
            policy_tags=list(row.policy_tags),
            updated_at=row.updated_at,
            row_id=row.id,
            banner_image_id=row.banner_image_id,
        )

    @strawberry.field
    async def banner(self, info: Info) -> Image | None:
        if self.banner_image_id is None:
            return None
        row = await info.context.loaders.image_by_id.load(self.banner_image_id)
        return Image.from_model(row) if row else None

    @strawberry.field(description="The hall's offers you could buy, cheapest first.")
    async def offers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> OfferConnection:
        ctx = info.context
        viewer = await ctx.viewer()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await halls.hall_offers(
                session,
                self.row_id,
                viewer=viewer,
                today=local_today(ctx.clock),
                page=request,
                **page_limits(ctx.settings),
            )
        return to_connection(OfferConnection, page, Offer.from_model)


@strawberry.input
class HallInput:
    slug: str = strawberry.field(description="For the URL: lower-case letters, digits, hyphens.")
    name: str
    region_code: str
    description: str = ""
    policy_tags: list[str] = strawberry.field(default_factory=list)
    banner_image_sha256: str | None = strawberry.field(default=None, description="`uploadImage`.")
    position: int = strawberry.field(default=0, description="Smaller shows first.")

    def to_draft(self) -> halls.HallDraft:
        return halls.HallDraft(
            slug=self.slug.strip(),
            name=self.name,
            region_code=self.region_code,
            description=self.description,
            policy_tags=tuple(self.policy_tags),
            banner_image_sha256=self.banner_image_sha256,
            position=self.position,
        )


@strawberry.input(description="Suppliers and products to add to or take out of a hall.")
class CurateHallInput:
    hall_id: relay.GlobalID
    add_supplier_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    remove_supplier_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    add_product_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    remove_product_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)


@strawberry.type
class HallPayload:
    hall: Hall | None
    errors: list[UserError]


@strawberry.type
class HallQuery:
    @strawberry.field(
        description="Halls in a region's subtree (all when omitted); your own region's first."
    )
    async def halls(self, info: Info, region_code: str | None = None) -> list[Hall]:
        viewer = await info.context.viewer()
        async with info.context.db.reader() as session:
            rows = await halls.list_halls(session, region_code=region_code, viewer=viewer)
        return [Hall.from_model(r) for r in rows]

    @strawberry.field(description="One hall by its slug.")
    async def hall(self, info: Info, slug: str) -> Hall | None:
        async with info.context.db.reader() as session:
            row = await halls.hall_by_slug(session, slug)
        return Hall.from_model(row) if row else None


def _ids(values: list[relay.GlobalID], type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_id(v, type_name, field=field) for v in values)


def _payload(outcome: Outcome[models.Hall]) -> HallPayload:
    hall = Hall.from_model(outcome.value) if outcome.value else None
    return HallPayload(hall=hall, errors=outcome.errors)


@strawberry.type
class HallMutation:
    @strawberry.mutation(description="Operators open a boutique hall for their region.")
    async def create_hall(self, info: Info, input: HallInput) -> HallPayload:
        return await run_mutation(info, halls.create_hall, input.to_draft(), payload=_payload)

    @strawberry.mutation(description="Operators change a hall's name, text, banner or tags.")
    async def update_hall(self, info: Info, id: relay.GlobalID, input: HallInput) -> HallPayload:
        return await run_mutation(
            info, halls.update_hall, NodeId(id, "Hall", "id"), input.to_draft(), payload=_payload
        )

    @strawberry.mutation(
        description="Operators add suppliers and products to a hall or remove them."
    )
    async def curate_hall(self, info: Info, input: CurateHallInput) -> HallPayload:
        async def action(session: AsyncSession, actor: Actor) -> models.Hall:
            change = halls.Curation(
                add_supplier_ids=_ids(input.add_supplier_ids, "Organisation", "addSupplierIds"),
                remove_supplier_ids=_ids(
                    input.remove_supplier_ids, "Organisation", "removeSupplierIds"
                ),
                add_product_ids=_ids(input.add_product_ids, "Product", "addProductIds"),
                remove_product_ids=_ids(input.remove_product_ids, "Product", "removeProductIds"),
            )
            return await halls.curate_hall(
                session,
                decode_id(input.hall_id, "Hall", field="hallId"),
                change,
                actor=actor,
                clock=info.context.clock,
            )

        return _payload(await perform(info, action))
