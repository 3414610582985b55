"""Order events as a partner sees them (VOP's message queue, pushed instead of polled).

An outbox consumer turns each order, contract and payment event of an order a partner sells
into one `PartnerMessage` in the partner's inbox, and queues one `WebhookDelivery` per active
webhook of the partner that wants the event type, in one transaction per batch. Both inserts
skip what exists, so a replayed batch changes nothing.

The message is built from the tables (SKUs, address, the partner's own order number, totals), so
it holds what the partner needs and not merely what the event happened to carry; the event adds
its own facts (a reason, a tracking number) under `details`. One consumer part writes the
messages, one batch per transaction, so their ids commit in order and a subscriber that has seen
id n has seen every message before it.
"""

import base64
import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.clock import Clock
from core.db import Database
from core.errors import InvalidInput
from core.events import decode
from core.events.orders import ContractEvent, OrderEvent, OrderPlaced, PaymentEvent
from core.money import CURRENCY, fen_to_yuan
from core.outbox import OutboxEvent
from core.principal import Actor, Role
from identity.models import Organisation, OrganisationKind
from marketplace.models import Offer
from orders.models import Contract, Order, OrderLine, Payment
from partners.models import DeliveryStatus, PartnerMessage, Webhook, WebhookDelivery
from partners.webhooks import acting_partner, readable_partner, subscribes

CONSUMER = "partner-messages"
PARTS = 1  # one writer, so message ids commit in order (see the module's docstring)
BATCH = 500
# What every event of its kind carries; the message states these from the tables instead.
_COMMON = {f.name for c in (OrderEvent, ContractEvent, PaymentEvent) for f in dataclasses.fields(c)}
_Row = TypeVar("_Row", Contract, Payment)
_AboutAnOrder = OrderEvent | ContractEvent | PaymentEvent
_PurchaserOrg = aliased(Organisation)
_SupplierOrg = aliased(Organisation)


@dataclass(frozen=True)
class _Told:
    """A stored event about an order, with the class it decodes to."""

    row: OutboxEvent
    event: _AboutAnOrder


@dataclass
class _Facts:
    orders: dict[int, tuple[Order, Organisation]]  # a partner's order and its purchaser
    lines: dict[int, list[tuple[OrderLine, str]]]  # with the partner's SKU
    contracts: dict[int, Contract]
    payments: dict[int, Payment]
    webhooks: dict[int, list[Webhook]]  # active ones, by partner


async def on_events(db: Database, events: Sequence[OutboxEvent], *, clock: Clock) -> int:
    """Write the batch's partner messages and their deliveries; how many messages were new."""
    relevant = [
        _Told(row, event) for row in events if isinstance(event := decode(row), _AboutAnOrder)
    ]
    if not relevant:
        return 0
    async with db.unit_of_work() as session:
        facts = await _load(session, relevant)
        mine = [e for e in relevant if e.event.order_id in facts.orders]
        rows = [_message_row(e, facts, clock.now()) for e in mine]
        written = await _insert_messages(session, rows)
        await _insert_deliveries(session, [r for r in rows if _key(r) in written], facts, clock)
    return len(written)


async def _load(session: AsyncSession, told: Sequence[_Told]) -> _Facts:
    """Everything the batch's messages need, in a few reads whatever the batch's size."""
    events = [t.event for t in told]
    orders = await _partner_orders(session, {e.order_id for e in events})
    placed = {e.order_id for e in events if isinstance(e, OrderPlaced)} & orders.keys()
    contracts = {e.contract_id for e in events if isinstance(e, ContractEvent)}
    payments = {e.payment_id for e in events if isinstance(e, PaymentEvent)}
    partners = {order.supplier_id for order, _ in orders.values()}
    return _Facts(
        orders=orders,
        lines=await _lines(session, placed) if placed else {},
        contracts=await _by_id(session, Contract, contracts) if contracts else {},
        payments=await _by_id(session, Payment, payments) if payments else {},
        webhooks=await _active_webhooks(session, partners) if partners else {},
    )


async def _partner_orders(
    session: AsyncSession, order_ids: set[int]
) -> dict[int, tuple[Order, Organisation]]:
    query = (
        select(Order, _PurchaserOrg)
        .join(_SupplierOrg, _SupplierOrg.id == Order.supplier_id)
        .join(_PurchaserOrg, _PurchaserOrg.id == Order.purchaser_id)
        .where(Order.id.in_(order_ids), _SupplierOrg.kind == OrganisationKind.PARTNER)
    )
    return {order.id: (order, purchaser) for order, purchaser in await session.execute(query)}


async def _lines(
    session: AsyncSession, order_ids: set[int]
) -> dict[int, list[tuple[OrderLine, str]]]:
    query = (
        select(OrderLine, Offer.supplier_sku)
        .join(Offer, Offer.id == OrderLine.offer_id)
        .where(OrderLine.order_id.in_(order_ids))
        .order_by(OrderLine.id)
    )
    found: dict[int, list[tuple[OrderLine, str]]] = defaultdict(list)
    for line, sku in await session.execute(query):
        found[line.order_id].append((line, sku))
    return found


async def _by_id(session: AsyncSession, model: type[_Row], ids: set[int]) -> dict[int, _Row]:
    return {row.id: row for row in await session.scalars(select(model).where(model.id.in_(ids)))}


async def _active_webhooks(session: AsyncSession, partners: set[int]) -> dict[int, list[Webhook]]:
    query = select(Webhook).where(Webhook.partner_id.in_(partners), Webhook.active)
    found: dict[int, list[Webhook]] = defaultdict(list)
    for webhook in await session.scalars(query.order_by(Webhook.id)):
        found[webhook.partner_id].append(webhook)
    return found


def _message_row(told: _Told, facts: _Facts, now: datetime) -> dict[str, Any]:
    order, _ = facts.orders[told.event.order_id]
    return {
        "partner_id": order.supplier_id,
        "event_id": told.row.event_id,
        "event_type": told.event.event_type,
        "order_id": order.id,
        "payload": _payload(told, facts),
        "occurred_at": told.row.occurred_at,
        "created_at": now,
    }


def _key(row: dict[str, Any]) -> tuple[int, str]:
    return row["partner_id"], row["event_id"]


def _payload(told: _Told, facts: _Facts) -> dict[str, Any]:
    event = told.event
    order, purchaser = facts.orders[event.order_id]
    payload: dict[str, Any] = {
        "eventId": told.row.event_id,
        "eventType": event.event_type,
        "occurredAt": _when(told.row.occurred_at),
        "order": _order(order, event.state if isinstance(event, OrderEvent) else None),
        "details": _details(event),
    }
    match event:
        case OrderPlaced():
            payload["purchaser"] = {"name": purchaser.name, "creditCode": purchaser.credit_code}
            payload["delivery"] = _delivery(order)
            payload["lines"] = [_line(line, sku) for line, sku in facts.lines.get(order.id, [])]
        case ContractEvent(contract_id=contract_id) if contract_id in facts.contracts:
            payload["contract"] = _contract(facts.contracts[contract_id])
        case PaymentEvent(payment_id=payment_id) if payment_id in facts.payments:
            payload["payment"] = _payment(facts.payments[payment_id])
    return payload


def _order(order: Order, state_then: str | None) -> dict[str, Any]:
    """The order, in the state the event left it in (later events may have moved it on)."""
    return {
        "id": base64.b64encode(f"Order:{order.id}".encode()).decode(),  # the API's global ID
        "number": order.number,
        "partnerOrderNumber": order.supplier_reference,
        "state": state_then or order.state.value,
        "total": _yuan(order.total_fen),
        "currency": CURRENCY,
        "placedAt": _when(order.placed_at),
        "deliverDueOn": _day(order.deliver_due_on),
    }


def _delivery(order: Order) -> dict[str, Any]:
    return {
        "address": order.delivery_address,
        "contactName": order.contact_name,
        "contactPhone": order.contact_phone,
        "note": order.note,
        "confirmBy": _when(order.confirm_due_at),
    }


def _line(line: OrderLine, sku: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "name": line.name,
        "brand": line.brand,
        "model": line.model,
        "unit": line.unit,
        "quantity": line.quantity,
        "unitPrice": _yuan(line.unit_price_fen),
        "amount": _yuan(line.amount_fen),
    }


def _contract(contract: Contract) -> dict[str, Any]:
    return {
        "number": contract.number,
        "status": contract.status.value,
        "amount": _yuan(contract.amount_fen),
        "signedOn": _day(contract.signed_on),
    }


def _payment(payment: Payment) -> dict[str, Any]:
    return {
        "method": payment.method.value,
        "status": payment.status.value,
        "amount": _yuan(payment.amount_fen),
        "voucherNumber": payment.voucher_number,
        "paidAt": _when(payment.paid_at) if payment.paid_at else None,
    }


def _details(event: _AboutAnOrder) -> dict[str, Any]:
    """The event's own facts, camelCased; amounts in fen become yuan strings."""
    skip = _COMMON | ({"lines", "plan_id"} if isinstance(event, OrderPlaced) else set())
    details = {}
    for name, value in event.payload().items():
        if name in skip:
            continue
        if name.endswith("_fen") and isinstance(value, int):
            name, value = name.removesuffix("_fen"), _yuan(value)
        details[_camel(name)] = value
    return details


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _yuan(fen: int) -> str:
    return str(fen_to_yuan(fen))


def _when(at: datetime) -> str:
    return at.isoformat()


def _day(on: date | None) -> str | None:
    return on.isoformat() if on else None


def _insert(session: AsyncSession) -> Any:
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert


async def _insert_messages(
    session: AsyncSession, rows: list[dict[str, Any]]
) -> set[tuple[int, str]]:
    """Insert in the batch's order; the (partner, event) pairs that were not there before."""
    if not rows:
        return set()
    statement = (
        _insert(session)(PartnerMessage)
        .on_conflict_do_nothing(index_elements=["partner_id", "event_id"])
        .returning(PartnerMessage.partner_id, PartnerMessage.event_id)
    )
    return {(p, e) for p, e in await session.execute(statement, rows)}


async def _insert_deliveries(
    session: AsyncSession, messages: list[dict[str, Any]], facts: _Facts, clock: Clock
) -> None:
    now = clock.now()
    rows = [
        _delivery_row(webhook, message, now)
        for message in messages
        for webhook in facts.webhooks.get(message["partner_id"], [])
        if subscribes(webhook, message["event_type"])
    ]
    if rows:
        statement = _insert(session)(WebhookDelivery).on_conflict_do_nothing(
            index_elements=["webhook_id", "event_id"]
        )
        await session.execute(statement, rows)


def _delivery_row(webhook: Webhook, message: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "webhook_id": webhook.id,
        "event_id": message["event_id"],
        "event_type": message["event_type"],
        "payload": message["payload"],
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "occurred_at": message["occurred_at"],
        "created_at": now,
    }


# Reading the inbox


def parse_after(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit():
        raise InvalidInput("after 须为消息序号", field="after")
    return int(after)


async def list_messages(
    session: AsyncSession,
    actor: Actor,
    *,
    after: int | None,
    limit: int,
    partner_id: int | None = None,
) -> list[PartnerMessage]:
    """The inbox after a message id, oldest first. An operator sees every partner's unless it
    names one."""
    scope = readable_partner(actor, partner_id)
    return await inbox_after(session, scope, after or 0, limit=limit)


def subscriber(actor: Actor) -> int:
    """Only a partner itself follows its messages live."""
    actor.require(Role.PARTNER)
    return acting_partner(actor)


async def last_message_id(session: AsyncSession, partner_id: int) -> int:
    query = select(func.max(PartnerMessage.id)).where(PartnerMessage.partner_id == partner_id)
    return int(await session.scalar(query) or 0)


async def inbox_after(
    session: AsyncSession, partner_id: int | None, after: int, *, limit: int
) -> list[PartnerMessage]:
    """A partner's messages (every partner's: None) after an id, oldest first."""
    query = select(PartnerMessage).where(PartnerMessage.id > after)
    if partner_id is not None:
        query = query.where(PartnerMessage.partner_id == partner_id)
    return list(await session.scalars(query.order_by(PartnerMessage.id).limit(limit)))
