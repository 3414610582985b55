import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.context import Info
from api.mutations import (
    decode_id,
)
from api.orders import inputs
from api.orders.types import (
    Cart,
    Order,
    OrderConnection,
    PurchasePlan,
    cart_of,
)
from api.relay import page_limits, page_request, to_connection
from core.principal import Actor
from identity.models import Organisation as OrganisationRow
from orders import (
    cart,
    plans,
    queries,
)


@strawberry.type
class OrdersQuery:
    @strawberry.field(description="The signed-in purchaser's cart, grouped by supplier.")
    async def cart(self, info: Info) -> Cart:
        actor = await info.context.actor()
        async with info.context.db.reader() as session:
            return await cart_of_actor(session, actor)

    @strawberry.field(
        description="Orders you may see: your unit's, your own sales, or your region's."
    )
    async def orders(
        self,
        info: Info,
        filter: inputs.OrderFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OrderConnection:
        ctx = info.context
        actor = await ctx.actor()
        filters = _order_filter(filter)
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await queries.list_orders(
                session, actor, filters, request, **page_limits(ctx.settings)
            )
        return to_connection(OrderConnection, page, Order.from_model)

    @strawberry.field(description="One order you may see, with its timeline and price evidence.")
    async def order(self, info: Info, id: relay.GlobalID) -> Order | None:
        if id.type_name != "Order" or not id.node_id.isdigit():
            return None
        row = await info.context.loaders.order_by_id.load(int(id.node_id))
        return Order.from_model(row) if row else None

    @strawberry.field(description="Purchase plans you may see, optionally for one fiscal year.")
    async def purchase_plans(
        self, info: Info, fiscal_year: int | None = None
    ) -> list[PurchasePlan]:
        actor = await info.context.actor()
        async with info.context.db.reader() as session:
            rows = await plans.list_plans(session, actor, fiscal_year=fiscal_year)
        return [PurchasePlan.from_model(r) for r in rows]


def _order_filter(given: inputs.OrderFilterInput | None) -> queries.OrderFilter:
    if given is None:
        return queries.OrderFilter()
    return queries.OrderFilter(
        states=tuple(given.states or ()),
        placed_from=given.placed_from,
        placed_to=given.placed_to,
        supplier_id=maybe_id(given.supplier_id, "Organisation", "supplierId"),
        purchaser_id=maybe_id(given.purchaser_id, "Organisation", "purchaserId"),
        category_code=given.category_code,
    )


def maybe_id(value: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, field=field)


async def cart_of_actor(session: AsyncSession, actor: Actor) -> Cart:
    items = await cart.cart_items(session, actor)
    supplier_ids = {item.offer.supplier_id for item in items}
    rows = await session.scalars(
        select(OrganisationRow).where(OrganisationRow.id.in_(supplier_ids))
    )
    return cart_of(items, {row.id: row for row in rows})
