"""Reading orders: who sees which (the buying unit, the selling supplier, the region's
supervisors and operators), with filters for the order lists."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import rows_by
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import SELLERS, Actor, Principal, Role
from identity.directory import in_region
from orders.models import (
    Acceptance,
    Contract,
    Dispute,
    Invoice,
    Order,
    OrderLine,
    OrderState,
    Payment,
    Shipment,
    ShipmentLine,
    TimelineEntry,
)
from orders.rules import ORDERS_SCOPE


def visible_orders(principal: Principal | None) -> ColumnElement[bool]:
    if principal is None or not _may_see_orders(principal):
        return false()
    if principal.role == Role.PURCHASER:
        return Order.purchaser_id == principal.organisation_id
    if principal.role in SELLERS:
        return Order.supplier_id == principal.organisation_id
    return in_region(Order.region_code, principal.region_code)


def _may_see_orders(principal: Principal) -> bool:
    """An API key needs the "orders" scope; a catalogue-only key sees no order."""
    return principal.api_key_id is None or ORDERS_SCOPE in principal.scopes


@dataclass(frozen=True)
class OrderFilter:
    states: tuple[OrderState, ...] = ()
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    supplier_id: int | None = None
    purchaser_id: int | None = None
    category_code: str | None = None


def _filtered(principal: Principal, filters: OrderFilter) -> Select[Order]:
    query = select(Order).where(visible_orders(principal))
    if filters.states:
        query = query.where(Order.state.in_(filters.states))
    if filters.placed_from is not None:
        query = query.where(Order.placed_at >= filters.placed_from)
    if filters.placed_to is not None:
        query = query.where(Order.placed_at < filters.placed_to)
    if filters.supplier_id is not None:
        query = query.where(Order.supplier_id == filters.supplier_id)
    if filters.purchaser_id is not None:
        query = query.where(Order.purchaser_id == filters.purchaser_id)
    if filters.category_code:
        query = query.where(
            exists().where(
                OrderLine.order_id == Order.id,
                OrderLine.category_code.startswith(filters.category_code, autoescape=True),
            )
        )
    return query


_NEWEST = SortKey(Order.id, Order.id, descending=True)


async def list_orders(
    session: AsyncSession,
    actor: Actor,
    filters: OrderFilter,
    page: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[Order]:
    principal = actor.require()
    query = _filtered(principal, filters)
    return await paginate(
        session, query, _NEWEST, page, default_size=default_size, max_size=max_size
    )


async def visible_by_ids(
    session: AsyncSession, principal: Principal | None, ids: list[int]
) -> dict[int, Order]:
    rows = await session.scalars(select(Order).where(Order.id.in_(ids), visible_orders(principal)))
    return {order.id: order for order in rows}


async def lines_for(session: AsyncSession, order_ids: list[int]) -> dict[int, list[OrderLine]]:
    return await rows_by(session, OrderLine, OrderLine.order_id, order_ids, order_by=OrderLine.id)


async def timeline_for(
    session: AsyncSession, order_ids: list[int]
) -> dict[int, list[TimelineEntry]]:
    return await rows_by(
        session, TimelineEntry, TimelineEntry.order_id, order_ids, order_by=TimelineEntry.id
    )


@dataclass(frozen=True)
class ShipmentView:
    """A shipment with what it carries of each order line (拆单)."""

    shipment: Shipment
    lines: list[ShipmentLine]


async def shipments_for(
    session: AsyncSession, order_ids: list[int]
) -> dict[int, list[ShipmentView]]:
    shipments = await rows_by(session, Shipment, Shipment.order_id, order_ids, order_by=Shipment.id)
    ids = [s.id for rows in shipments.values() for s in rows]
    lines = await rows_by(
        session,
        ShipmentLine,
        ShipmentLine.shipment_id,
        ids,
        order_by=ShipmentLine.order_line_id,
    )
    return {
        order_id: [ShipmentView(s, lines.get(s.id, [])) for s in rows]
        for order_id, rows in shipments.items()
    }


async def invoices_for(session: AsyncSession, order_ids: list[int]) -> dict[int, list[Invoice]]:
    return await rows_by(session, Invoice, Invoice.order_id, order_ids, order_by=Invoice.id)


async def acceptances_for(
    session: AsyncSession, order_ids: list[int]
) -> dict[int, list[Acceptance]]:
    return await rows_by(
        session, Acceptance, Acceptance.order_id, order_ids, order_by=Acceptance.id
    )


async def disputes_for(session: AsyncSession, order_ids: list[int]) -> dict[int, list[Dispute]]:
    return await rows_by(session, Dispute, Dispute.order_id, order_ids, order_by=Dispute.id)


async def payments_for(session: AsyncSession, order_ids: list[int]) -> dict[int, list[Payment]]:
    return await rows_by(session, Payment, Payment.order_id, order_ids, order_by=Payment.id)


async def contracts_for(session: AsyncSession, order_ids: list[int]) -> dict[int, Contract]:
    rows = await session.scalars(select(Contract).where(Contract.order_id.in_(order_ids)))
    return {contract.order_id: contract for contract in rows}


async def contract_visible_to(
    session: AsyncSession, principal: Principal | None, number: str
) -> Contract | None:
    """A contract is public once announced; before that only its order's viewers see it."""
    contract = await session.scalar(select(Contract).where(Contract.number == number))
    if contract is None or contract.announced_at is not None:
        return contract
    seen = await visible_by_ids(session, principal, [contract.order_id])
    return contract if seen else None
