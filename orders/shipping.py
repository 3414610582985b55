"""拆单: an order ships in one or several parcels, each carrying part of its lines.

A shipment never carries more of a line than was ordered minus what earlier shipments carried;
the order is SHIPPED once every line has gone, and stays CONFIRMED (shipped in part) before.
`lifecycle.ship_order` loads and judges the order; this module plans and records the parcel.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import InvalidInput
from core.events.orders import OrderShipmentDispatched
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderLine, Shipment, ShipmentLine
from orders.timeline import announce


@dataclass(frozen=True)
class ShipLine:
    """How many of one order line a shipment carries."""

    line_id: int
    quantity: int


@dataclass(frozen=True)
class Parcel:
    carrier: str
    tracking_number: str
    # None: everything not yet shipped (a plain `shipOrder`).
    lines: tuple[ShipLine, ...] | None = None


@dataclass(frozen=True)
class Dispatched:
    shipment: Shipment
    carried: list[dict[str, int]]  # [{"lineId", "offerId", "quantity"}]
    complete: bool  # nothing of the order is left to ship


async def shipped_quantities(session: AsyncSession, order_id: int) -> dict[int, int]:
    """Order line id → how many earlier shipments carried."""
    rows = await session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id)
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: int(total) for line_id, total in rows}


def remaining(lines: Sequence[OrderLine], shipped: dict[int, int]) -> dict[int, int]:
    return {line.id: line.quantity - shipped.get(line.id, 0) for line in lines}


def plan_parcel(left: dict[int, int], wanted: tuple[ShipLine, ...] | None) -> dict[int, int]:
    """Order line id → quantity this parcel carries; refuses what is not left to ship."""
    if wanted is None:
        return {line_id: quantity for line_id, quantity in left.items() if quantity > 0}
    if not wanted:
        raise InvalidInput("请列出本次发货的商品及数量", field="lines")
    if len({item.line_id for item in wanted}) != len(wanted):
        raise InvalidInput("同一订单行在一次发货中只能出现一次", field="lines")
    for item in wanted:
        _check_line(left, item)
    return {item.line_id: item.quantity for item in wanted}


def _check_line(left: dict[int, int], item: ShipLine) -> None:
    if item.line_id not in left:
        raise InvalidInput(f"订单行 {item.line_id} 不属于该订单", field="lines")
    if item.quantity < 1:
        raise InvalidInput("发货数量须为正整数", field="lines")
    left_over = left[item.line_id]
    if item.quantity > left_over:
        raise OrderError(
            OrderErrorCode.SHIPMENT_OVER_QUANTITY,
            f"订单行 {item.line_id} 尚待发货 {left_over} 件, 本次不能发 {item.quantity} 件",
            field="lines",
        )


async def dispatch(
    session: AsyncSession,
    order: Order,
    lines: Sequence[OrderLine],
    parcel: Parcel,
    *,
    clock: Clock,
) -> Dispatched:
    """Record the parcel; the caller has judged who ships and from which state, and moves the
    order before announcing the parcel (so the event carries the order's new state)."""
    left = remaining(lines, await shipped_quantities(session, order.id))
    planned = plan_parcel(left, parcel.lines)
    if not planned:
        raise InvalidInput("该订单没有待发货的商品", field="lines")
    shipment = Shipment(
        order_id=order.id,
        carrier=parcel.carrier,
        tracking_number=parcel.tracking_number,
        shipped_at=clock.now(),
    )
    session.add(shipment)
    await session.flush()
    session.add_all(
        ShipmentLine(shipment_id=shipment.id, order_line_id=line_id, quantity=quantity)
        for line_id, quantity in planned.items()
    )
    complete = all(left[line_id] == planned.get(line_id, 0) for line_id in left)
    return Dispatched(shipment, _carried(lines, planned), complete)


def _carried(lines: Sequence[OrderLine], planned: dict[int, int]) -> list[dict[str, int]]:
    offer_of = {line.id: line.offer_id for line in lines}
    return [
        {"lineId": line_id, "offerId": offer_of[line_id], "quantity": quantity}
        for line_id, quantity in planned.items()
    ]


def announce_dispatched(
    session: AsyncSession, order: Order, dispatched: Dispatched, *, clock: Clock
) -> None:
    shipment = dispatched.shipment
    event = OrderShipmentDispatched.of(
        order,
        shipment_id=shipment.id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        lines=dispatched.carried,
        complete=dispatched.complete,
    )
    announce(session, event, clock=clock)
