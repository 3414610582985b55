"""Order events become partner messages: what a message holds, only for partners' orders, once
per event however often a batch is replayed, a delivery per interested webhook, the inbox query,
and the subscription over a real graphql-transport-ws websocket."""

import asyncio
import base64
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from sqlalchemy import func, select, update

from api.context import Context, Credentials
from api.schema import build_schema
from core.clock import FrozenClock
from core.db import Database
from core.errors import Forbidden
from core.outbox import OutboxEvent
from core.outbox_consumers import OutboxCursor
from core.principal import Role
from core.settings import Settings
from identity.models import OrganisationKind
from partners import messages
from partners.models import PartnerMessage, WebhookDelivery
from tests import factories
from tests.api.test_query_counts import count_statements
from tests.orders.world import World, make_world
from tests.partners.receiver import Seller, order_from, seller, tell_partners
from yiwang.app import create_app

ERRORS = "errors { code field message }"
CONFIRM = f"""mutation($o: ID!, $ref: String) {{ confirmOrder(orderId: $o, supplierReference: $ref) {{
  order {{ id state }} {ERRORS} }} }}"""
INBOX = """query($after: ID, $first: Int, $p: ID) {
  partnerMessages(after: $after, first: $first, partnerId: $p) {
    id eventId eventType occurredAt payload } }"""
SUBSCRIBE = (
    "subscription($after: ID) { partnerOrderEvents(after: $after) { id eventType payload } }"
)
ORDER_DUE = "query($id: ID!) { order(id: $id) { confirmDueAt } }"


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


@pytest.fixture
async def jd(w: World) -> Seller:
    return await seller(w)


async def _messages(w: World) -> list[PartnerMessage]:
    async with w.db.reader() as s:
        return list(await s.scalars(select(PartnerMessage).order_by(PartnerMessage.id)))


async def _deliveries(w: World) -> list[tuple[int, str]]:
    query = select(WebhookDelivery.webhook_id, WebhookDelivery.event_type)
    async with w.db.reader() as s:
        return [(h, t) for h, t in await s.execute(query.order_by(WebhookDelivery.id))]


async def _confirm(s: Seller, order: dict[str, Any], reference: str) -> None:
    confirmed = await s.send(CONFIRM, {"o": order["id"], "ref": reference})
    assert confirmed["errors"] == [], confirmed


async def test_an_order_for_a_partner_becomes_one_message_with_what_it_needs(
    w: World, jd: Seller
) -> None:
    order = await order_from(jd, quantity=2)
    await tell_partners(w)
    [message] = await _messages(w)
    body = message.payload
    assert (message.partner_id, message.event_type) == (jd.organisation_id, "OrderPlaced")
    assert body["eventId"] == message.event_id
    assert body["order"] | {"placedAt": None} == {
        "id": order["id"],
        "number": order["number"],
        "partnerOrderNumber": None,
        "state": "PLACED",
        "total": "5798.00",
        "currency": "CNY",
        "placedAt": None,
        "deliverDueOn": None,
    }
    assert body["lines"] == [
        {
            "sku": jd.offer.supplier_sku,
            "name": w.products[1].name,
            "brand": "联想",
            "model": w.products[1].model,
            "unit": "台",
            "quantity": 2,
            "unitPrice": "2899.00",
            "amount": "5798.00",
        }
    ]
    due = (await jd.send(ORDER_DUE, {"id": order["id"]}))["confirmDueAt"]
    delivery = body["delivery"]
    assert datetime.fromisoformat(delivery.pop("confirmBy")) == datetime.fromisoformat(due)
    assert delivery == {
        "address": "丽水市莲都区人民街 1 号 302 室",
        "contactName": "王老师",
        "contactPhone": "0578-2123456",
        "note": None,
    }
    assert body["purchaser"] == {
        "name": w.buyer.organisation.name,
        "creditCode": w.buyer.organisation.credit_code,
    }


async def test_orders_of_admitted_suppliers_tell_no_partner(w: World, jd: Seller) -> None:
    await jd.webhook("https://jd.example.com/hook")
    await w.placed_order()
    assert await tell_partners(w) > 0
    assert await _messages(w) == []
    assert await _deliveries(w) == []


async def test_a_replayed_batch_writes_no_second_message_or_delivery(w: World, jd: Seller) -> None:
    await jd.webhook("https://jd.example.com/hook")
    await _confirm(jd, await order_from(jd), "JD-1")
    handled = await tell_partners(w)
    first = [(m.id, m.event_id) for m in await _messages(w)]
    deliveries = await _deliveries(w)
    async with w.db.unit_of_work() as s:
        await s.execute(
            update(OutboxCursor)
            .where(OutboxCursor.consumer == messages.CONSUMER)
            .values(last_xact_id=0, last_event_id=0)
        )
    assert await tell_partners(w) == handled
    assert [(m.id, m.event_id) for m in await _messages(w)] == first
    assert await _deliveries(w) == deliveries
    assert len(deliveries) == len(first) == 3


async def test_later_events_carry_the_partners_own_number_and_the_contract(
    w: World, jd: Seller
) -> None:
    await _confirm(jd, await order_from(jd), "JD-80001")
    await tell_partners(w)
    placed, confirmed, contract = await _messages(w)
    assert [placed.event_type, confirmed.event_type, contract.event_type] == [
        "OrderPlaced",
        "OrderConfirmed",
        "ContractGenerated",
    ]
    assert "lines" not in confirmed.payload
    order = confirmed.payload["order"]
    assert (order["partnerOrderNumber"], order["state"]) == ("JD-80001", "CONFIRMED")
    assert contract.payload["contract"]["status"] == "AWAITING_SIGNATURES"
    assert contract.payload["contract"]["amount"] == "5798.00"
    assert contract.payload["contract"]["number"]


async def test_each_webhook_gets_only_the_event_types_it_asked_for(w: World, jd: Seller) -> None:
    confirmations = await jd.webhook("https://jd.example.com/confirmed", "OrderConfirmed")
    everything = await jd.webhook("https://jd.example.com/all")
    await _confirm(jd, await order_from(jd), "JD-2")
    await tell_partners(w)
    ids = {_pk(confirmations): "confirmations", _pk(everything): "everything"}
    assert [(ids[h], t) for h, t in await _deliveries(w)] == [
        ("everything", "OrderPlaced"),
        ("confirmations", "OrderConfirmed"),
        ("everything", "OrderConfirmed"),
        ("everything", "ContractGenerated"),
    ]


async def _statements_to_tell(w: World, after: int) -> tuple[int, int]:
    """Hand the events after an outbox id to the consumer; the events and the statements run."""
    async with w.db.reader() as s:
        query = select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id)
        events = list(await s.scalars(query))
    with count_statements(w.db) as statements:
        await messages.on_events(w.db, events, clock=w.clock)
    return len(events), len(statements)


async def test_a_batch_costs_the_same_few_statements_whatever_its_size(
    w: World, jd: Seller
) -> None:
    await jd.webhook("https://jd.example.com/hook")
    await _confirm(jd, await order_from(jd, quantity=1), "JD-1")
    one_order, small = await _statements_to_tell(w, 0)
    async with w.db.reader() as s:
        seen = int(await s.scalar(select(func.max(OutboxEvent.id))) or 0)
    for n in range(4):
        await _confirm(jd, await order_from(jd, quantity=1), f"JD-{n + 2}")
    four_orders, large = await _statements_to_tell(w, seen)
    assert four_orders >= 4 * one_order
    assert large == small <= 8
    assert len(await _messages(w)) == 15


def _pk(made: dict[str, Any]) -> int:
    return int(base64.b64decode(made["webhook"]["id"]).decode().partition(":")[2])


async def test_the_inbox_lists_messages_after_an_id_oldest_first(w: World, jd: Seller) -> None:
    for _ in range(2):
        await order_from(jd, quantity=1)
    await w.placed_order()  # an admitted supplier's: not in the partner's inbox
    await tell_partners(w)
    oldest = await jd.send(INBOX, {"first": 1})
    rest = await jd.send(INBOX, {"after": oldest[-1]["id"], "first": 10})
    ids = [m.id for m in await _messages(w)]
    assert [int(m["id"]) for m in oldest + rest] == ids
    assert len(ids) == 2
    partner = factories.gid("Organisation", jd.organisation_id)
    seen_by_operator = await w.as_(w.operator, INBOX, {"p": partner})
    assert seen_by_operator == oldest + rest
    other = await factories.organisation(w.db, OrganisationKind.PARTNER, region="331100")
    stranger = await seller(w, await factories.member(w.db, Role.PARTNER, organisation=other))
    assert await stranger.send(INBOX) == []
    refused = await stranger.body(INBOX, {"p": partner})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await jd.body(INBOX, {"after": "abc"})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_only_partners_may_follow_order_events(w: World, settings: Settings) -> None:
    schema = build_schema(settings)
    context = Context(
        db=w.db,
        settings=settings,
        clock=w.clock,
        credentials=Credentials(bearer_token=None),
        client_address=None,
        request_id="test",
        connection_params=factories.bearer(w.operator, now=w.clock.now()),
    )
    stream = await schema.subscribe(SUBSCRIBE, context_value=context)
    assert not isinstance(stream, type(None))
    result = await asyncio.wait_for(anext(stream), timeout=5)
    assert result.errors is not None
    assert isinstance(result.errors[0].original_error, Forbidden)


@asynccontextmanager
async def _serving(w: World, settings: Settings) -> AsyncIterator[str]:
    quiet = settings.model_copy(
        update={"dispatch_in_process": False, "supervision_sweep_interval_seconds": 0}
    )
    app = create_app(quiet, clock=w.clock, db=w.db)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110 — uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{listener.getsockname()[1]}/graphql"
    finally:
        server.should_exit = True
        await serving
        listener.close()


async def _next(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
    assert message["type"] == "next", message
    event: dict[str, Any] = message["payload"]["data"]["partnerOrderEvents"]
    return event


async def test_the_subscription_pushes_new_messages_and_replays_missed_ones(
    w: World, jd: Seller, settings: Settings
) -> None:
    missed = await order_from(jd)
    await tell_partners(w)
    async with (
        _serving(w, settings) as url,
        websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws,  # type: ignore[list-item]
    ):
        init = {"type": "connection_init", "payload": {"X-Api-Key": jd.key}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        live = {"query": SUBSCRIBE, "variables": {}}
        await ws.send(json.dumps({"id": "live", "type": "subscribe", "payload": live}))
        await asyncio.sleep(0.3)  # the subscription has started at the newest message
        new = await order_from(jd)
        await tell_partners(w)
        pushed = await _next(ws)
        await ws.send(json.dumps({"id": "live", "type": "complete"}))
        again = {"query": SUBSCRIBE, "variables": {"after": "0"}}
        await ws.send(json.dumps({"id": "again", "type": "subscribe", "payload": again}))
        replayed = [await _next(ws), await _next(ws)]
    assert (pushed["eventType"], pushed["payload"]["order"]["number"]) == (
        "OrderPlaced",
        new["number"],
    )
    numbers = [m["payload"]["order"]["number"] for m in replayed]
    assert numbers == [missed["number"], new["number"]]
    assert replayed[1]["id"] == pushed["id"]
    assert int(replayed[0]["id"]) < int(replayed[1]["id"])
