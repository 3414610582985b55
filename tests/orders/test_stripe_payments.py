"""公务卡 through Stripe: the real adapter against a fake Stripe HTTP endpoint, and the webhook
driven with payloads signed by a test secret."""

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import select

from core.clock import FrozenClock
from core.db import Database
from core.settings import Settings
from orders.models import Payment, PaymentStatus, PurchasePlan
from orders.stripe_gateway import StripeGateway
from tests.orders.world import REQUEST_PAYMENT, World, codes, make_world
from yiwang.app import create_app

SECRET = "whsec_test_0123456789"


class FakeStripe:
    """Answers PaymentIntent creation as Stripe does, replaying by idempotency key."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        self.fail_next = False

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        if self.fail_next:
            self.fail_next = False
            return httpx.Response(
                402,
                json={
                    "error": {"type": "card_error", "code": "card_declined", "message": "declined"}
                },
            )
        key = request.headers["idempotency-key"]
        form = dict(httpx.QueryParams(request.content.decode()))
        if key not in self.by_key:
            n = len(self.by_key) + 1
            self.by_key[key] = {
                "id": f"pi_test_{n}",
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "client_secret": f"pi_test_{n}_secret_x",
                "status": "requires_payment_method",
                "metadata": {},
            }
        return httpx.Response(200, json=self.by_key[key])


@pytest.fixture
def fake_stripe() -> FakeStripe:
    return FakeStripe()


@pytest.fixture
def gateway(fake_stripe: FakeStripe) -> StripeGateway:
    http = stripe.HTTPXClient()
    http._client_async = httpx.AsyncClient(transport=httpx.MockTransport(fake_stripe))
    return StripeGateway("sk_test_yiwang", SECRET, http_client=http, base_url="https://stripe.test")


@pytest.fixture
async def card_client(
    settings: Settings, clock: FrozenClock, db: Database, gateway: StripeGateway
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock, db=db, payment_gateway=gateway)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mall.test") as http:
        yield http


@pytest.fixture
async def w(card_client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(card_client, db, clock)


def signed(event: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return payload, {"stripe-signature": f"t={timestamp},v1={digest.hexdigest()}"}


def intent_event(
    event_id: str, intent_id: str, kind: str = "payment_intent.succeeded"
) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "api_version": "2025-01-01",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "status": "succeeded",
                "last_payment_error": {"message": "卡被拒绝"} if kind.endswith("failed") else None,
            }
        },
    }


async def _payment(db: Database) -> Payment:
    async with db.reader() as s:
        row: Payment | None = await s.scalar(select(Payment))
        assert row is not None
        return row


async def _card(w: World, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order_id, "method": "OFFICIAL_CARD"}}
    )
    return result


async def test_a_card_payment_creates_one_intent_and_pays_only_on_the_signed_webhook(
    w: World, fake_stripe: FakeStripe
) -> None:
    order = await w.accepted_order()
    first = await _card(w, order["id"])
    assert first["errors"] == []
    assert first["clientSecret"] == "pi_test_1_secret_x"
    assert first["payment"]["status"] == "PROCESSING"
    sent = fake_stripe.requests[0]
    assert sent.url.path == "/v1/payment_intents"
    form = dict(httpx.QueryParams(sent.content.decode()))
    assert (form["amount"], form["currency"]) == ("900000", "cny")
    again = await _card(w, order["id"])
    assert again["payment"]["id"] == first["payment"]["id"]
    assert again["clientSecret"] == first["clientSecret"]
    assert len(fake_stripe.by_key) == 1

    payload, headers = signed(intent_event("evt_1", "pi_test_1"))
    response = await w.client.post("/webhooks/stripe", content=payload, headers=headers)
    assert response.json() == {"received": True, "applied": True}
    replay = await w.client.post("/webhooks/stripe", content=payload, headers=headers)
    assert replay.json() == {"received": True, "applied": False}

    payment = await _payment(w.db)
    assert payment.status == PaymentStatus.PAID
    async with w.db.reader() as s:
        plan = await s.get(PurchasePlan, w.plan.id)
    assert plan is not None
    assert (plan.reserved_fen, plan.consumed_fen) == (0, 900_000)


async def test_a_webhook_with_a_bad_signature_changes_nothing(w: World) -> None:
    order = await w.accepted_order()
    await _card(w, order["id"])
    payload, headers = signed(intent_event("evt_2", "pi_test_1"), secret="whsec_wrong")
    response = await w.client.post("/webhooks/stripe", content=payload, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "WEBHOOK_SIGNATURE_INVALID"
    missing = await w.client.post("/webhooks/stripe", content=payload)
    assert missing.status_code == 400
    assert (await _payment(w.db)).status == PaymentStatus.PROCESSING


async def test_a_failed_card_payment_can_be_tried_again(w: World) -> None:
    order = await w.accepted_order()
    await _card(w, order["id"])
    payload, headers = signed(intent_event("evt_3", "pi_test_1", "payment_intent.payment_failed"))
    assert (await w.client.post("/webhooks/stripe", content=payload, headers=headers)).json()[
        "applied"
    ]
    assert (await _payment(w.db)).failure_reason == "卡被拒绝"
    retry = await _card(w, order["id"])
    assert retry["errors"] == []
    assert retry["clientSecret"] == "pi_test_2_secret_x"


async def test_a_provider_error_is_reported_and_can_be_retried(
    w: World, fake_stripe: FakeStripe
) -> None:
    order = await w.accepted_order()
    fake_stripe.fail_next = True
    failed = await _card(w, order["id"])
    assert codes(failed) == ["PAYMENT_PROVIDER_ERROR"]
    assert failed["payment"]["status"] == "REQUESTED"
    retried = await _card(w, order["id"])
    assert retried["errors"] == []
    assert retried["payment"]["status"] == "PROCESSING"


async def test_a_card_payment_before_acceptance_is_refused(
    w: World, fake_stripe: FakeStripe
) -> None:
    order = await w.delivered_order()
    assert codes(await _card(w, order["id"])) == ["NOT_ACCEPTED"]
    assert fake_stripe.requests == []
