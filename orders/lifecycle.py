"""An order's life after placement: every move checks who and from where, is written to the
order's timeline and announced on the outbox."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import InvalidInput, NotFound
from core.events.orders import (
    DisputeAnswered,
    OrderCancellationRequested,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderRejected,
    OrderShipped,
)
from core.holidays_cn import default_calendar
from core.principal import Actor, Principal
from marketplace.agreements import quotas
from marketplace.offers import stock
from marketplace.policy import policy_for
from orders import contracts, plans, rules, shipping
from orders.errors import OrderError, OrderErrorCode
from orders.models import (
    ContractStatus,
    Dispute,
    DisputeStatus,
    Order,
    OrderLine,
    OrderState,
)
from orders.timeline import announce, move


async def require_order(session: AsyncSession, order_id: int, *, lock: bool = True) -> Order:
    """Loaded for a change: the row is locked (PostgreSQL) so two moves cannot interleave."""
    order = await session.get(Order, order_id, with_for_update=lock or None)
    if order is None:
        raise NotFound("订单", order_id, field="orderId")
    return order


async def order_lines(session: AsyncSession, order_id: int) -> list[OrderLine]:
    query = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    return list((await session.scalars(query)).all())


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= limit:
        raise InvalidInput(f"{label}长度须为 1 到 {limit}", field=field)
    return value


async def confirm_order(
    session: AsyncSession,
    order_id: int,
    *,
    supplier_reference: str | None,
    actor: Actor,
    clock: Clock,
) -> Order:
    """The supplier accepts the order within the region's deadline; the contract is drafted."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "confirm")
    if clock.now() > order.confirm_due_at:
        raise OrderError(
            OrderErrorCode.CONFIRMATION_OVERDUE,
            f"订单 {order.number} 已超过确认时限, 不能再确认",
        )
    if supplier_reference is not None:
        order.supplier_reference = _text(supplier_reference, "supplierReference", "供应商单号", 64)
    policy = await policy_for(session, order.region_code)
    move(session, order, OrderState.CONFIRMED, "confirm", principal, clock=clock)
    order.confirmed_at = clock.now()
    order.deliver_due_on = local_today(clock) + timedelta(days=policy.deliver_within_days)
    announce(session, OrderConfirmed.of(order), clock=clock)
    await contracts.draft_contract(session, order, clock=clock)
    return order


async def reject_order(
    session: AsyncSession, order_id: int, *, reason: str, actor: Actor, clock: Clock
) -> Order:
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "reject")
    reason = _text(reason, "reason", "拒绝原因", 500)
    await _close(session, order, OrderState.REJECTED, "reject", principal, reason, clock=clock)
    announce(
        session,
        OrderRejected.of(order, reason=reason),
        clock=clock,
    )
    return order


async def ship_order(
    session: AsyncSession,
    order_id: int,
    *,
    carrier: str,
    tracking_number: str,
    lines: tuple[shipping.ShipLine, ...] | None = None,
    actor: Actor,
    clock: Clock,
) -> Order:
    """无合同不履约: nothing ships before both sides have signed the contract. Without `lines`
    everything not yet shipped goes; with them, only those quantities (拆单), and the order
    stays CONFIRMED until its last line has shipped."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "ship")
    parcel = shipping.Parcel(
        carrier=_text(carrier, "carrier", "承运商", 64),
        tracking_number=_text(tracking_number, "trackingNumber", "运单号", 64),
        lines=lines,
    )
    contract = await contracts.contract_of(session, order.id)
    if contract is None or contract.status != ContractStatus.SIGNED:
        raise OrderError(
            OrderErrorCode.CONTRACT_NOT_SIGNED, "合同双方签订后才能发货 (无合同不履约)"
        )
    shipped = await shipping.dispatch(
        session, order, await order_lines(session, order.id), parcel, clock=clock
    )
    _moved_by_shipment(session, order, shipped, principal, clock=clock)
    shipping.announce_dispatched(session, order, shipped, clock=clock)
    return order


def _moved_by_shipment(
    session: AsyncSession,
    order: Order,
    shipped: shipping.Dispatched,
    principal: Principal,
    *,
    clock: Clock,
) -> None:
    """The last parcel ships the order; an earlier one is a timeline entry in CONFIRMED."""
    shipment = shipped.shipment
    note = f"{shipment.carrier} {shipment.tracking_number}"
    if not shipped.complete:
        move(session, order, order.state, "ship_part", principal, clock=clock, note=note)
        return
    move(session, order, OrderState.SHIPPED, "ship", principal, clock=clock, note=note)
    order.shipped_at = clock.now()
    event = OrderShipped.of(
        order, carrier=shipment.carrier, tracking_number=shipment.tracking_number
    )
    announce(session, event, clock=clock)


async def mark_delivered(
    session: AsyncSession, order_id: int, *, actor: Actor, clock: Clock
) -> Order:
    """Delivered (or delivered again after a failed acceptance): the acceptance clock starts."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "deliver")
    policy = await policy_for(session, order.region_code)
    move(session, order, OrderState.DELIVERED, "deliver", principal, clock=clock)
    order.delivered_at = clock.now()
    order.accept_due_on = default_calendar().add_working_days(
        local_today(clock), policy.accept_within_days
    )
    announce(session, OrderDelivered.of(order), clock=clock)
    return order


async def cancel_order(
    session: AsyncSession, order_id: int, *, reason: str, actor: Actor, clock: Clock
) -> Order:
    """Before confirmation the purchaser cancels alone; after it, see `request_cancellation`."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "cancel")
    reason = _text(reason, "reason", "取消原因", 500)
    await _close(session, order, OrderState.CANCELLED, "cancel", principal, reason, clock=clock)
    _announce_cancelled(session, order, reason, clock=clock)
    return order


async def request_cancellation(
    session: AsyncSession, order_id: int, *, reason: str, actor: Actor, clock: Clock
) -> Order:
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "request_cancellation")
    order.cancel_request_reason = _text(reason, "reason", "取消原因", 500)
    order.cancel_requested_at = clock.now()
    move(session, order, order.state, "request_cancellation", principal, clock=clock, note=reason)
    announce(
        session,
        OrderCancellationRequested.of(order, reason=order.cancel_request_reason),
        clock=clock,
    )
    return order


async def answer_cancellation(
    session: AsyncSession, order_id: int, *, agree: bool, actor: Actor, clock: Clock
) -> Order:
    """The supplier consents (the order is cancelled and everything released) or declines."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "answer_cancellation")
    reason = order.cancel_request_reason
    if order.cancel_requested_at is None or reason is None:
        raise OrderError(OrderErrorCode.CANCELLATION_NOT_REQUESTED, "采购人没有申请取消该订单")
    order.cancel_requested_at = None
    if not agree:
        move(session, order, order.state, "decline_cancellation", principal, clock=clock)
        return order
    await _close(session, order, OrderState.CANCELLED, "cancel", principal, reason, clock=clock)
    _announce_cancelled(session, order, reason, clock=clock)
    return order


def _announce_cancelled(session: AsyncSession, order: Order, reason: str, *, clock: Clock) -> None:
    announce(
        session,
        OrderCancelled.of(order, reason=reason),
        clock=clock,
    )


async def _close(
    session: AsyncSession,
    order: Order,
    to_state: OrderState,
    action: str,
    principal: Principal | None,
    reason: str,
    *,
    clock: Clock,
) -> None:
    """Cancelled or rejected: stock, quota and plan money all go back, the contract ends."""
    lines = await order_lines(session, order.id)
    await stock.release(session, [(line.offer_id, line.quantity) for line in lines])
    await quotas.release(session, order.agreement_id, order.number, clock=clock)
    await plans.release(session, order.plan_id, order.plan_reserved_fen)
    order.plan_reserved_fen = 0
    await contracts.terminate(session, order.id)
    move(session, order, to_state, action, principal, clock=clock, note=reason)
    order.closed_at = clock.now()
    order.closing_reason = reason


async def answer_dispute(
    session: AsyncSession, dispute_id: int, *, answer: str, actor: Actor, clock: Clock
) -> Dispute:
    principal = actor.require()
    dispute = await session.get(Dispute, dispute_id, with_for_update=True)
    if dispute is None:
        raise NotFound("验收异议", dispute_id, field="disputeId")
    order = await require_order(session, dispute.order_id)
    rules.require_transition(principal, order, "answer_dispute")
    if dispute.status != DisputeStatus.OPEN:
        raise OrderError(OrderErrorCode.WRONG_ORDER_STATE, "该异议已答复")
    dispute.answer = _text(answer, "answer", "答复", 1000)
    dispute.status = DisputeStatus.ANSWERED
    dispute.answered_at = clock.now()
    move(session, order, order.state, "answer_dispute", principal, clock=clock, note=answer)
    announce(
        session,
        DisputeAnswered.of(order, dispute_id=dispute.id),
        clock=clock,
    )
    return dispute


@dataclass(frozen=True)
class Expired:
    order_id: int
    number: str


async def expire_unconfirmed(session: AsyncSession, *, clock: Clock) -> list[Expired]:
    """Placed orders the supplier let pass the confirmation deadline are cancelled."""
    overdue = await session.scalars(
        select(Order)
        .where(Order.state == OrderState.PLACED, Order.confirm_due_at < clock.now())
        .order_by(Order.id)
        .limit(1000)
        .with_for_update(skip_locked=True)
    )
    expired = []
    for order in overdue.all():
        reason = "供应商未在确认时限内确认, 订单自动取消"
        await _close(session, order, OrderState.CANCELLED, "expire", None, reason, clock=clock)
        _announce_cancelled(session, order, reason, clock=clock)
        expired.append(Expired(order.id, order.number))
    return expired
