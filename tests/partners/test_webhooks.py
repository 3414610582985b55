"""Partners' webhooks: registration and its refusals, signed POSTs to a real local receiver,
retries with backoff, giving up, redelivery, secret rotation, who sees which deliveries, and no
HTTP call while a database transaction is open."""

import asyncio
import base64
import contextlib
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from core.settings import Settings
from identity.models import ApiKey, OrganisationKind
from partners.delivery import MAX_ATTEMPTS, backoff, run_deliveries
from partners.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from partners.webhooks import signature, verify_signature
from tests import factories
from tests.gql import gql
from tests.orders.world import World, make_world
from tests.partners.receiver import (
    CREATE,
    ERRORS,
    HANG,
    Receiver,
    Seller,
    api_key,
    order_from,
    receiving,
    seller,
    send_due,
    tell_partners,
)

ROTATE = f"""mutation($id: ID!) {{ rotateWebhookSecret(id: $id) {{
  webhook {{ id }} secret {ERRORS} }} }}"""
DEACTIVATE = f"""mutation($id: ID!) {{ deactivateWebhook(id: $id) {{
  webhook {{ id active }} {ERRORS} }} }}"""
REDELIVER = f"""mutation($id: ID!) {{ redeliverWebhookDelivery(id: $id) {{
  delivery {{ id status attemptCount }} {ERRORS} }} }}"""
WEBHOOKS = """query($p: ID) { webhooks(partnerId: $p, first: 50) {
  edges { node { id url active eventTypes partner { id } } } } }"""
DELIVERIES = """query($f: WebhookDeliveryFilterInput) { webhookDeliveries(filter: $f, first: 50) {
  edges { node { id eventId eventType status attemptCount lastStatusCode deliveredAt
    webhook { id } attempts { statusCode latencyMs error at } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


class _Longest(random.Random):
    """Jitter that always waits the longest it may, so the schedule can be read off."""

    def uniform(self, a: float, b: float) -> float:
        return b


class _Average(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return (a + b) / 2


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


@pytest.fixture
async def jd(w: World) -> Seller:
    return await seller(w)


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def _pk(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]


def _codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _deliveries(w: World) -> list[WebhookDelivery]:
    async with w.db.reader() as s:
        return list(await s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


async def _attempts(w: World) -> list[WebhookAttempt]:
    async with w.db.reader() as s:
        return list(await s.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)))


def _signed_by(secret: str, receiver: Receiver, w: World) -> list[bool]:
    return [
        verify_signature(secret, r.headers["x-yiwang-signature"], r.body, now=w.clock.now())
        for r in receiver.received
    ]


async def _ordered_and_told(s: Seller) -> dict[str, Any]:
    order = await order_from(s)
    await tell_partners(s.w)
    return order


async def test_an_order_for_a_partner_is_posted_signed_and_logged(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        hook = await jd.webhook(receiver.url)
        order = await _ordered_and_told(jd)
        assert await send_due(w, settings) == 1
    [post] = receiver.received
    assert _signed_by(hook["secret"], receiver, w) == [True]
    body = json.loads(post.body)
    assert (body["eventType"], body["order"]["number"]) == ("OrderPlaced", order["number"])
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert post.headers["x-yiwang-event-id"] == body["eventId"]
    assert post.headers["x-yiwang-event-type"] == "OrderPlaced"
    assert post.headers["x-yiwang-timestamp"] == str(int(w.clock.now().timestamp()))
    [node] = _nodes(await jd.send(DELIVERIES))
    assert post.headers["x-yiwang-delivery-id"] == _pk(node["id"])
    assert (node["status"], node["attemptCount"], node["lastStatusCode"]) == ("DELIVERED", 1, 200)
    assert node["webhook"]["id"] == hook["webhook"]["id"]
    [attempt] = node["attempts"]
    assert (attempt["statusCode"], attempt["error"]) == (200, None)
    assert attempt["latencyMs"] >= 0
    assert datetime.fromisoformat(node["deliveredAt"]) == w.clock.now()


async def test_no_post_is_made_while_a_database_transaction_is_open(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        await jd.webhook(receiver.url)
        await jd.webhook(receiver.url, "OrderPlaced")
        for _ in range(3):
            await order_from(jd, quantity=1)
        await tell_partners(w)
        assert await send_due(w, settings) == 6
    assert len(receiver.received) == 6
    assert [r.connections_in_use for r in receiver.received] == [0] * 6


async def test_the_background_loop_delivers_what_falls_due(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        loop = asyncio.create_task(run_deliveries(w.db, settings=settings, clock=w.clock))
        try:
            await asyncio.wait_for(receiver.arrived.wait(), timeout=5)
            for _ in range(100):
                if (await _deliveries(w))[0].status is DeliveryStatus.DELIVERED:
                    break
                await asyncio.sleep(0.05)
        finally:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop
    [row] = await _deliveries(w)
    assert row.status is DeliveryStatus.DELIVERED
    assert receiver.received[0].headers["user-agent"] == "Yiwang-Webhooks/1"


async def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        receiver.answer(500, 503)
        hook = await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        for wait in (2, 4):
            assert await send_due(w, settings, rng=_Longest()) == 1
            [row] = await _deliveries(w)
            assert (row.status, row.attempts) == (DeliveryStatus.PENDING, wait // 2)
            assert row.next_attempt_at == w.clock.now() + timedelta(seconds=wait)
            w.clock.advance(timedelta(seconds=wait - 1))
            assert await send_due(w, settings) == 0  # not due yet
            w.clock.advance(timedelta(seconds=1))
        assert await send_due(w, settings) == 1
    [row] = await _deliveries(w)
    assert (row.status, row.attempts, row.delivered_at) == (
        DeliveryStatus.DELIVERED,
        3,
        w.clock.now(),
    )
    assert [a.status_code for a in await _attempts(w)] == [500, 503, 200]
    assert _signed_by(hook["secret"], receiver, w) == [True] * 3
    assert len({r.headers["x-yiwang-event-id"] for r in receiver.received}) == 1


async def test_a_silent_receiver_is_given_up_after_the_last_attempt(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        receiver.answer(HANG)
        await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        async with w.db.unit_of_work() as s:
            await s.execute(update(WebhookDelivery).values(attempts=MAX_ATTEMPTS - 1))
        assert await send_due(w, settings, patience=0.2) == 1
        w.clock.advance(timedelta(days=1))
        assert await send_due(w, settings) == 0
    [row] = await _deliveries(w)
    assert (row.status, row.attempts) == (DeliveryStatus.GAVE_UP, MAX_ATTEMPTS)
    [attempt] = await _attempts(w)
    assert attempt.status_code is None
    assert str(attempt.error).startswith("ReadTimeout")


async def test_a_partner_redelivers_a_delivery_that_was_given_up(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        receiver.answer(500)
        await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        async with w.db.unit_of_work() as s:
            await s.execute(update(WebhookDelivery).values(attempts=MAX_ATTEMPTS - 1))
        await send_due(w, settings)
        [node] = _nodes(await jd.send(DELIVERIES, {"f": {"status": "GAVE_UP"}}))
        w.clock.advance(timedelta(hours=3))
        again = await jd.send(REDELIVER, {"id": node["id"]})
        assert again["errors"] == []
        assert (again["delivery"]["status"], again["delivery"]["attemptCount"]) == ("PENDING", 0)
        assert await send_due(w, settings) == 1
    [node] = _nodes(await jd.send(DELIVERIES))
    assert node["status"] == "DELIVERED"
    assert [a["statusCode"] for a in node["attempts"]] == [500, 200]
    assert len({r.headers["x-yiwang-delivery-id"] for r in receiver.received}) == 1


async def test_a_rotated_secret_signs_what_is_sent_after(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        hook = await jd.webhook(receiver.url)
        rotated = await jd.send(ROTATE, {"id": hook["webhook"]["id"]})
        await _ordered_and_told(jd)
        await send_due(w, settings)
    assert rotated["errors"] == []
    assert rotated["secret"] != hook["secret"]
    assert _signed_by(rotated["secret"], receiver, w) == [True]
    assert _signed_by(hook["secret"], receiver, w) == [False]


async def test_a_partner_sees_and_redelivers_only_its_own_deliveries(
    w: World, jd: Seller, settings: Settings
) -> None:
    suning_org = await factories.organisation(w.db, OrganisationKind.PARTNER, region="331100")
    suning = await seller(w, await factories.member(w.db, Role.PARTNER, organisation=suning_org))
    async with receiving(w) as receiver:
        await jd.webhook(receiver.url)
        theirs = await suning.webhook(receiver.url)
        await _ordered_and_told(jd)
    [mine] = _nodes(await jd.send(DELIVERIES))
    assert _nodes(await suning.send(DELIVERIES)) == []
    assert [h["id"] for h in _nodes(await suning.send(WEBHOOKS))] == [theirs["webhook"]["id"]]
    assert await suning.send(NODE, {"id": mine["id"]}) is None
    refused = await suning.send(REDELIVER, {"id": mine["id"]})
    assert _codes(refused) == [("NOT_FOUND", "id")]
    peek = await suning.body(WEBHOOKS, {"p": factories.gid("Organisation", jd.organisation_id)})
    assert peek["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    everyone = _nodes(await w.as_(w.operator, WEBHOOKS))
    assert len(everyone) == 2
    assert len(_nodes(await w.as_(w.operator, DELIVERIES))) == 1


async def test_a_revoked_key_or_one_without_the_orders_scope_is_refused(
    w: World, jd: Seller
) -> None:
    catalogue_only = await api_key(w, jd.organisation_id, ["catalogue"])
    headers = {"X-Api-Key": catalogue_only}
    body = await gql(w.client, WEBHOOKS, {}, headers=headers, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with w.db.unit_of_work() as s:
        await s.execute(update(ApiKey).values(revoked_at=w.clock.now() - timedelta(seconds=1)))
    body = await jd.body(WEBHOOKS)
    assert body["errors"][0]["extensions"]["code"] == "API_KEY_INVALID"
    made = await jd.send(CREATE, {"url": "https://jd.example.com/hook"})
    assert _codes(made) == [("API_KEY_INVALID", None)]
    async with w.db.reader() as s:
        assert list(await s.scalars(select(Webhook))) == []


@pytest.mark.parametrize(
    ("url", "types", "code", "field"),
    [
        ("ftp://jd.example.com/hook", [], "WEBHOOK_URL_INVALID", "url"),
        ("http://jd.example.com/hook", [], "WEBHOOK_URL_INVALID", "url"),
        ("https://jd:secret@jd.example.com/hook", [], "WEBHOOK_URL_INVALID", "url"),
        ("https://10.1.2.3/hook", [], "WEBHOOK_URL_INVALID", "url"),
        ("https://169.254.169.254/latest/meta-data", [], "WEBHOOK_URL_INVALID", "url"),
        ("https://jd.example.com:99999/hook", [], "WEBHOOK_URL_INVALID", "url"),
        (
            "https://jd.example.com/hook",
            ["OrderPlaced", "OrderLost"],
            "WEBHOOK_EVENT_TYPE_INVALID",
            "eventTypes",
        ),
    ],
)
async def test_bad_registrations_are_refused_in_chinese_and_change_nothing(
    jd: Seller, url: str, types: list[str], code: str, field: str
) -> None:
    refused = await jd.send(CREATE, {"url": url, "types": types})
    assert _codes(refused) == [(code, field)]
    assert refused["secret"] is None
    assert any("\u4e00" <= c <= "\u9fff" for c in refused["errors"][0]["message"])
    assert _nodes(await jd.send(WEBHOOKS)) == []


async def test_a_partner_has_at_most_five_active_webhooks(jd: Seller) -> None:
    made = [await jd.webhook(f"https://jd.example.com/hook/{i}") for i in range(5)]
    refused = await jd.send(CREATE, {"url": "https://jd.example.com/hook/6"})
    assert _codes(refused) == [("WEBHOOK_LIMIT_REACHED", None)]
    off = await jd.send(DEACTIVATE, {"id": made[0]["webhook"]["id"]})
    assert (off["errors"], off["webhook"]["active"]) == ([], False)
    assert (await jd.send(CREATE, {"url": "https://jd.example.com/hook/6"}))["errors"] == []


async def test_a_deactivated_webhook_gets_nothing_more(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        hook = await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        await jd.send(DEACTIVATE, {"id": hook["webhook"]["id"]})
        await _ordered_and_told(jd)
        assert await send_due(w, settings) == 0
    assert receiver.received == []
    [given_up] = await _deliveries(w)
    assert (given_up.status, given_up.last_error) == (DeliveryStatus.GAVE_UP, "webhook 已停用")
    refused = await jd.send(REDELIVER, {"id": factories.gid("WebhookDelivery", given_up.id)})
    assert _codes(refused) == [("WEBHOOK_INACTIVE", "id")]


async def test_a_receiver_answering_gone_retires_its_webhook(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        receiver.answer(410)
        await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        await send_due(w, settings)
    [hook] = _nodes(await jd.send(WEBHOOKS))
    assert hook["active"] is False
    [row] = await _deliveries(w)
    assert (row.status, row.last_status_code) == (DeliveryStatus.GAVE_UP, 410)


async def test_an_operator_registers_a_webhook_for_a_partner_it_names(w: World, jd: Seller) -> None:
    url = "https://jd.example.com/hook"
    unnamed = await w.as_(w.operator, CREATE, {"url": url})
    assert _codes(unnamed) == [("INVALID_INPUT", "partnerId")]
    buyer = factories.gid("Organisation", w.buyer.organisation.id)
    assert _codes(await w.as_(w.operator, CREATE, {"url": url, "p": buyer})) == [
        ("NOT_FOUND", "partnerId")
    ]
    partner = factories.gid("Organisation", jd.organisation_id)
    made = await w.as_(w.operator, CREATE, {"url": url, "p": partner})
    assert made["errors"] == []
    [hook] = _nodes(await jd.send(WEBHOOKS))
    assert (hook["id"], hook["partner"]["id"]) == (made["webhook"]["id"], partner)
    refused = await w.as_(w.buyer, CREATE, {"url": url})
    assert _codes(refused) == [("FORBIDDEN", None)]


async def test_creating_again_with_the_same_idempotency_key_returns_the_same_webhook(
    jd: Seller,
) -> None:
    create = f"""mutation($url: String!, $k: String) {{
      createWebhook(url: $url, idempotencyKey: $k) {{ webhook {{ id }} secret {ERRORS} }} }}"""
    given = {"url": "https://jd.example.com/hook", "k": "hook-1"}
    first, again = [await jd.send(create, given) for _ in range(2)]
    assert first["errors"] == again["errors"] == []
    assert (again["webhook"], again["secret"]) == (first["webhook"], first["secret"])
    assert len(_nodes(await jd.send(WEBHOOKS))) == 1


async def test_the_delivery_log_filters_by_status_webhook_and_event_type(
    w: World, jd: Seller, settings: Settings
) -> None:
    async with receiving(w) as receiver:
        receiver.answer(500)
        failing = await jd.webhook(receiver.url)
        fine = await jd.webhook(receiver.url)
        await _ordered_and_told(jd)
        await send_due(w, settings)
    pending = _nodes(await jd.send(DELIVERIES, {"f": {"status": "PENDING"}}))
    done = _nodes(await jd.send(DELIVERIES, {"f": {"status": "DELIVERED"}}))
    assert {n["webhook"]["id"] for n in pending} | {n["webhook"]["id"] for n in done} == {
        failing["webhook"]["id"],
        fine["webhook"]["id"],
    }
    assert (len(pending), len(done)) == (1, 1)
    by_hook = {"webhookId": pending[0]["webhook"]["id"]}
    assert _nodes(await jd.send(DELIVERIES, {"f": by_hook})) == pending
    placed = _nodes(await jd.send(DELIVERIES, {"f": {"eventType": "OrderPlaced"}}))
    assert len(placed) == 2
    assert _nodes(await jd.send(DELIVERIES, {"f": {"eventType": "OrderPaid"}})) == []


def test_a_signature_holds_only_for_the_same_body_secret_and_a_fresh_time() -> None:
    now = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
    stamp = int(now.timestamp())
    body = '{"eventType":"OrderPlaced","note":"请于明日送达"}'.encode()
    header = signature("s3cret", body, stamp)
    assert verify_signature("s3cret", header, body, now=now)
    assert verify_signature("s3cret", f"{header},v1=00ff", body, now=now)
    assert not verify_signature("other", header, body, now=now)
    assert not verify_signature("s3cret", header, body + b" ", now=now)
    assert not verify_signature("s3cret", header, body, now=now + timedelta(seconds=301))
    assert not verify_signature("s3cret", f"t={stamp}", body, now=now)
    assert not verify_signature("s3cret", "v1=签名,t=x", body, now=now)


def test_retries_wait_up_to_double_each_time_capped_at_an_hour_for_about_a_day() -> None:
    longest = [backoff(n, _Longest()) for n in range(1, 14)]
    assert [d.total_seconds() for d in longest[:4]] == [2, 4, 8, 16]
    assert longest[-1] == timedelta(hours=1)
    assert backoff(3, random.Random(7)) <= timedelta(seconds=8)
    expected = sum((backoff(n, _Average()) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=23) <= expected <= timedelta(hours=25)
