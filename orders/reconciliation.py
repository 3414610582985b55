"""对账: a partner's orders of a period, our side against the records the partner sends.

Read-only. Our side is every order of the partner placed in the period (Shanghai days, both ends
included) that the caller may see; the partner's side is what it sends: its order number and/or
ours, its status and its amount. `compare` is pure: each of our orders and each record ends up
matched or in a mismatch with a reason.

The amount compared is what is due (应结算金额): 0 for a cancelled or rejected order, the accepted
amount once accepted, the order's total before. The partner's statuses map to ours as in
`STATUS_STATES`; an order shipped in part (拆单, still CONFIRMED) may be CONFIRMED or SHIPPED there.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.clock import SHANGHAI
from core.errors import Forbidden, InvalidInput, NotFound
from core.money import fen_to_yuan, parse_fen
from core.principal import Actor, Principal, Role
from identity.models import Organisation, OrganisationKind
from orders.errors import OrderError, OrderErrorCode
from orders.models import Invoice, Order, OrderState, Payment, PaymentStatus, Shipment
from orders.queries import visible_orders
from orders.rules import ORDERS_SCOPE, STATE_NAMES

MAX_RECORDS = 5000
MAX_ORDERS = 5000
MAX_DAYS = 31
S = OrderState


class PartnerStatus(StrEnum):
    """The statuses a partner reports, mapped from its own (JD VOP, Suning …) by the partner."""

    SUBMITTED = "SUBMITTED"  # 新建/待确认 (VOP submitted, not confirmed)
    CONFIRMED = "CONFIRMED"  # 已确认/待发货
    SHIPPED = "SHIPPED"  # 已发货/配送中 (also shipped in part)
    DELIVERED = "DELIVERED"  # 已妥投/已签收
    COMPLETED = "COMPLETED"  # 已完成 (the buyer has accepted)
    SETTLED = "SETTLED"  # 已结算 (paid)
    CANCELLED = "CANCELLED"  # 已取消/拒单


STATUS_STATES: dict[PartnerStatus, frozenset[OrderState]] = {
    PartnerStatus.SUBMITTED: frozenset({S.PLACED}),
    PartnerStatus.CONFIRMED: frozenset({S.CONFIRMED}),
    PartnerStatus.SHIPPED: frozenset({S.SHIPPED}),
    PartnerStatus.DELIVERED: frozenset({S.DELIVERED, S.ACCEPTANCE_FAILED}),
    PartnerStatus.COMPLETED: frozenset({S.ACCEPTED, S.PAID}),
    PartnerStatus.SETTLED: frozenset({S.PAID}),
    PartnerStatus.CANCELLED: frozenset({S.CANCELLED, S.REJECTED}),
}
_CLOSED = frozenset({S.CANCELLED, S.REJECTED})


class MismatchReason(StrEnum):
    MISSING_ON_PARTNER_SIDE = "MISSING_ON_PARTNER_SIDE"
    MISSING_ON_OUR_SIDE = "MISSING_ON_OUR_SIDE"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    STATE_MISMATCH = "STATE_MISMATCH"
    PARTNER_NUMBER_MISMATCH = "PARTNER_NUMBER_MISMATCH"
    DUPLICATE_RECORD = "DUPLICATE_RECORD"


@dataclass(frozen=True)
class OurOrder:
    number: str
    partner_number: str | None  # the partner's own order number (`supplier_reference`)
    state: OrderState
    shipped_in_part: bool
    placed_at: datetime
    total_fen: int
    accepted_fen: int | None
    invoiced_fen: int
    paid_fen: int

    @property
    def due_fen(self) -> int:
        if self.state in _CLOSED:
            return 0
        return self.total_fen if self.accepted_fen is None else self.accepted_fen


@dataclass(frozen=True)
class RecordInput:
    """One of the partner's orders as it sends it; `amount` in yuan as typed."""

    partner_number: str | None
    order_number: str | None
    status: PartnerStatus
    amount: Decimal | str


@dataclass(frozen=True)
class PartnerRecord:
    partner_number: str | None
    order_number: str | None
    status: PartnerStatus
    amount_fen: int


@dataclass(frozen=True)
class Match:
    ours: OurOrder
    theirs: PartnerRecord


@dataclass(frozen=True)
class Mismatch:
    reason: MismatchReason
    message: str
    ours: OurOrder | None
    theirs: PartnerRecord | None


@dataclass(frozen=True)
class Comparison:
    matched: list[Match]
    mismatches: list[Mismatch]


@dataclass(frozen=True)
class ReconciliationRequest:
    period_from: date
    period_to: date
    records: tuple[RecordInput, ...] = ()
    partner_id: int | None = None  # an operator names the partner; a partner is itself


@dataclass(frozen=True)
class Totals:
    count: int
    due_fen: int  # the partner's side: the amounts it sent
    invoiced_fen: int | None = None  # our side only
    paid_fen: int | None = None


@dataclass(frozen=True)
class Reconciliation:
    partner_id: int
    period_from: date
    period_to: date
    orders: list[OurOrder]
    records: list[PartnerRecord]
    comparison: Comparison

    @property
    def our_totals(self) -> Totals:
        return Totals(
            count=len(self.orders),
            due_fen=sum(order.due_fen for order in self.orders),
            invoiced_fen=sum(order.invoiced_fen for order in self.orders),
            paid_fen=sum(order.paid_fen for order in self.orders),
        )

    @property
    def partner_totals(self) -> Totals:
        return Totals(len(self.records), sum(record.amount_fen for record in self.records))


def agrees(status: PartnerStatus, order: OurOrder) -> bool:
    """Whether the partner's status agrees with our order's state."""
    if order.shipped_in_part and status in (PartnerStatus.CONFIRMED, PartnerStatus.SHIPPED):
        return True
    return order.state in STATUS_STATES[status]


def compare(ours: Sequence[OurOrder], theirs: Sequence[PartnerRecord]) -> Comparison:
    by_number = {order.number: order for order in ours}
    by_partner_number = {o.partner_number: o for o in ours if o.partner_number}
    claimed: set[str] = set()
    matched: list[Match] = []
    mismatches: list[Mismatch] = []
    for record in theirs:
        order = by_number.get(record.order_number or "") or by_partner_number.get(
            record.partner_number or ""
        )
        if order is None:
            mismatches.append(_missing_on_our_side(record))
        elif order.number in claimed:
            mismatches.append(_duplicate(order, record))
        else:
            claimed.add(order.number)
            found = _differences(order, record)
            if found:
                mismatches.extend(found)
            else:
                matched.append(Match(order, record))
    mismatches.extend(_missing_on_partner_side(o) for o in ours if o.number not in claimed)
    return Comparison(matched, mismatches)


def _differences(order: OurOrder, record: PartnerRecord) -> list[Mismatch]:
    found = []
    if record.partner_number and record.partner_number != order.partner_number:
        ours = order.partner_number or "无"
        message = f"平台单号不符: 我方记为 {ours}, 平台为 {record.partner_number}"
        found.append(Mismatch(MismatchReason.PARTNER_NUMBER_MISMATCH, message, order, record))
    if not agrees(record.status, order):
        message = f"状态不符: 我方{STATE_NAMES[order.state]}, 平台 {record.status.value}"
        found.append(Mismatch(MismatchReason.STATE_MISMATCH, message, order, record))
    if record.amount_fen != order.due_fen:
        message = (
            f"金额不符: 我方应结算 {fen_to_yuan(order.due_fen)} 元,"
            f" 平台 {fen_to_yuan(record.amount_fen)} 元"
        )
        found.append(Mismatch(MismatchReason.AMOUNT_MISMATCH, message, order, record))
    return found


def _missing_on_our_side(record: PartnerRecord) -> Mismatch:
    shown = record.order_number or record.partner_number
    message = f"平台订单 {shown} 在本期我方订单中不存在"
    return Mismatch(MismatchReason.MISSING_ON_OUR_SIDE, message, None, record)


def _missing_on_partner_side(order: OurOrder) -> Mismatch:
    message = f"我方订单 {order.number} 在平台对账记录中不存在"
    return Mismatch(MismatchReason.MISSING_ON_PARTNER_SIDE, message, order, None)


def _duplicate(order: OurOrder, record: PartnerRecord) -> Mismatch:
    message = f"平台对账记录中订单 {order.number} 出现了不止一次"
    return Mismatch(MismatchReason.DUPLICATE_RECORD, message, order, record)


async def partner_reconciliation(
    session: AsyncSession, request: ReconciliationRequest, *, actor: Actor
) -> Reconciliation:
    principal = actor.require(Role.PARTNER, Role.OPERATOR)
    principal.require_scope(ORDERS_SCOPE)
    partner_id = await _partner_of(session, principal, request.partner_id)
    since, before = _period(request.period_from, request.period_to)
    records = _records(request.records)
    ours = await our_side(session, principal, partner_id, since, before)
    return Reconciliation(
        partner_id,
        request.period_from,
        request.period_to,
        ours,
        records,
        compare(ours, records),
    )


async def _partner_of(session: AsyncSession, principal: Principal, asked: int | None) -> int:
    if principal.role is Role.PARTNER:
        if asked not in (None, principal.organisation_id):
            raise Forbidden("电商平台只能与本平台对账")
        return principal.organisation_id
    if asked is None:
        raise InvalidInput("请指定对账的电商平台", field="partnerId")
    partner = await session.get(Organisation, asked)
    if partner is None or partner.kind is not OrganisationKind.PARTNER:
        raise NotFound("电商平台", asked, field="partnerId")
    return partner.id


def _period(period_from: date, period_to: date) -> tuple[datetime, datetime]:
    """The days as instants: from the first day's 00:00 to the day after the last (Shanghai)."""
    if period_to < period_from:
        raise InvalidInput("对账期间的结束日期不能早于开始日期", field="to")
    if (period_to - period_from).days + 1 > MAX_DAYS:
        raise InvalidInput(f"对账期间最长 {MAX_DAYS} 天, 请分段对账", field="to")
    since = datetime.combine(period_from, time(), SHANGHAI)
    before = datetime.combine(period_to + timedelta(days=1), time(), SHANGHAI)
    return since, before


def _records(given: Sequence[RecordInput]) -> list[PartnerRecord]:
    if len(given) > MAX_RECORDS:
        raise OrderError(
            OrderErrorCode.RECONCILIATION_TOO_LARGE,
            f"每次最多提交 {MAX_RECORDS} 条对账记录, 本次 {len(given)} 条, 请缩短对账期间",
            field="records",
        )
    return [_record(index, raw) for index, raw in enumerate(given)]


def _record(index: int, raw: RecordInput) -> PartnerRecord:
    partner_number = (raw.partner_number or "").strip() or None
    order_number = (raw.order_number or "").strip() or None
    if partner_number is None and order_number is None:
        raise InvalidInput(f"第 {index + 1} 条对账记录须有平台单号或本平台订单号", field="records")
    if len(partner_number or "") > 64 or len(order_number or "") > 32:
        raise InvalidInput(f"第 {index + 1} 条对账记录的单号过长", field="records")
    amount_fen = parse_fen(raw.amount, field=f"records[{index}].amount", allow_zero=True)
    return PartnerRecord(partner_number, order_number, raw.status, amount_fen)


async def our_side(
    session: AsyncSession, principal: Principal, partner_id: int, since: datetime, before: datetime
) -> list[OurOrder]:
    """The partner's orders placed in [since, before) that the principal may see."""
    scope = (
        visible_orders(principal),
        Order.supplier_id == partner_id,
        Order.placed_at >= since,
        Order.placed_at < before,
    )
    rows = await session.scalars(
        select(Order).where(*scope).order_by(Order.placed_at, Order.id).limit(MAX_ORDERS + 1)
    )
    orders = list(rows.all())
    if len(orders) > MAX_ORDERS:
        raise OrderError(
            OrderErrorCode.RECONCILIATION_TOO_LARGE,
            f"本期订单超过 {MAX_ORDERS} 笔, 请缩短对账期间",
            field="to",
        )
    invoiced = await _per_order(session, Invoice.order_id, func.sum(Invoice.amount_fen), scope)
    paid_scope = (*scope, Payment.status == PaymentStatus.PAID)
    paid = await _per_order(session, Payment.order_id, func.sum(Payment.amount_fen), paid_scope)
    shipped = await _per_order(session, Shipment.order_id, func.count(Shipment.id), scope)
    return [_our_order(o, invoiced, paid, shipped) for o in orders]


async def _per_order(
    session: AsyncSession,
    order_id: InstrumentedAttribute[int],
    aggregate: ColumnElement[Any],
    scope: Sequence[ColumnElement[bool]],
) -> dict[int, int]:
    """Order id → the aggregate over that order's rows, for the orders in scope."""
    rows = await session.execute(
        select(order_id, aggregate)
        .join(Order, Order.id == order_id)
        .where(*scope)
        .group_by(order_id)
    )
    return {key: int(total) for key, total in rows}


def _our_order(
    order: Order, invoiced: dict[int, int], paid: dict[int, int], shipped: dict[int, int]
) -> OurOrder:
    return OurOrder(
        number=order.number,
        partner_number=order.supplier_reference,
        state=order.state,
        shipped_in_part=order.state == S.CONFIRMED and shipped.get(order.id, 0) > 0,
        placed_at=order.placed_at,
        total_fen=order.total_fen,
        accepted_fen=order.accepted_fen,
        invoiced_fen=invoiced.get(order.id, 0),
        paid_fen=paid.get(order.id, 0),
    )
