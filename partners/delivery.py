"""Sending partners' webhooks, and the delivery log partners and operators read.

Each round claims the due deliveries in a short transaction (`FOR UPDATE SKIP LOCKED`, then a
lease pushes their `next_attempt_at` forward so other workers pass them by), commits, POSTs
them concurrently with no transaction open, and records each attempt and its outcome in a second
short transaction: 2xx delivers; anything else is retried after a full-jitter exponential backoff
until MAX_ATTEMPTS, then given up. A 410 Gone retires the webhook. At least once: a worker that
dies mid-round leaves its claims to be sent again when their lease lapses.
"""

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.db import Database, rows_by
from core.errors import NotFound
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import Actor
from core.settings import Settings
from partners.errors import PartnerError, PartnerErrorCode
from partners.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from partners.webhooks import (
    encode_body,
    may_see,
    readable_partner,
    retire_webhook,
    secret_of,
    signed_headers,
    webhooks_by_id,
)

log = logging.getLogger("yiwang.webhooks")

BASE_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 3600.0
# Waits are drawn from [0, min(2 s · 2^(n-1), 1 h)]: on average about 24 h until the last try.
MAX_ATTEMPTS = 59
TIMEOUT_SECONDS = 10.0
CONCURRENCY = 32
# Longer than a round can take (limit / CONCURRENCY POSTs of TIMEOUT_SECONDS each, in sequence).
LEASE = timedelta(minutes=5)
IDLE_SECONDS = 0.2
_AFTER_FAILURE_SECONDS = 5.0
_GONE = 410
_RANDOM = random.Random()  # noqa: S311 — jitter, not a secret


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    webhook_id: int
    event_id: str
    event_type: str
    url: str
    secret: str
    body: bytes
    leased_until: datetime


@dataclass(frozen=True)
class _Result:
    claim: _Claim
    at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Full jitter: a wait drawn from nothing up to 2 s doubled per failed attempt, at most 1 h."""
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2.0 ** min(attempts - 1, 64))
    return timedelta(seconds=rng.uniform(0, ceiling))


async def deliver_due(
    db: Database,
    http: httpx.AsyncClient,
    *,
    clock: Clock,
    settings: Settings,
    limit: int = 100,
    rng: random.Random = _RANDOM,
) -> int:
    """One round; how many deliveries it attempted."""
    claims = await _claim(db, clock=clock, key=settings.signing_key, limit=limit)
    if not claims:
        return 0
    results = await _post_all(http, claims, clock)
    await _record(db, results, clock=clock, rng=rng)
    return len(claims)


async def run_deliveries(db: Database, *, settings: Settings, clock: Clock) -> None:
    """Deliver until cancelled, with one HTTP client (and its connection pool) for every POST."""
    headers = {"User-Agent": "Yiwang-Webhooks/1"}
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, headers=headers) as http:
        while True:
            try:
                sent = await deliver_due(db, http, clock=clock, settings=settings)
            except Exception:
                log.exception("webhook delivery round failed; trying again")
                await asyncio.sleep(_AFTER_FAILURE_SECONDS)
                continue
            if not sent:
                await asyncio.sleep(IDLE_SECONDS)


async def _claim(db: Database, *, clock: Clock, key: str, limit: int) -> list[_Claim]:
    now = clock.now()
    leased_until = now + LEASE
    query = (
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            Webhook.active,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )
    async with db.unit_of_work() as session:
        rows = (await session.execute(query)).all()
        for delivery, _ in rows:
            delivery.next_attempt_at = leased_until
    return [_claim_of(delivery, webhook, key, leased_until) for delivery, webhook in rows]


def _claim_of(
    delivery: WebhookDelivery, webhook: Webhook, key: str, leased_until: datetime
) -> _Claim:
    return _Claim(
        delivery_id=delivery.id,
        webhook_id=webhook.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        url=webhook.url,
        secret=secret_of(webhook, key=key),
        body=encode_body(delivery.payload),
        leased_until=leased_until,
    )


async def _post_all(
    http: httpx.AsyncClient, claims: Sequence[_Claim], clock: Clock
) -> list[_Result]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(claim: _Claim) -> _Result:
        async with gate:
            return await _post(http, claim, clock)

    return list(await asyncio.gather(*(one(claim) for claim in claims)))


async def _post(http: httpx.AsyncClient, claim: _Claim, clock: Clock) -> _Result:
    at = clock.now()
    headers = signed_headers(
        claim.secret,
        claim.body,
        delivery_id=claim.delivery_id,
        event_id=claim.event_id,
        event_type=claim.event_type,
        at=at,
    )
    status_code, error = None, None
    started = time.perf_counter()
    try:
        # Streamed and never read: only the status matters, whatever the receiver sends back.
        async with http.stream("POST", claim.url, content=claim.body, headers=headers) as reply:
            status_code = reply.status_code
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}".rstrip(": ")[:500]
    latency_ms = round((time.perf_counter() - started) * 1000)
    return _Result(claim, at, status_code, error, latency_ms)


async def _record(
    db: Database, results: Sequence[_Result], *, clock: Clock, rng: random.Random
) -> None:
    now = clock.now()
    ids = [result.claim.delivery_id for result in results]
    async with db.unit_of_work() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).with_for_update()
        deliveries = {row.id: row for row in await session.scalars(query)}
        for result in results:
            session.add(_attempt(result))
            _settle(deliveries[result.claim.delivery_id], result, now=now, rng=rng)
        await session.flush()
        gone = {r.claim.webhook_id for r in results if r.status_code == _GONE}
        for webhook in (await webhooks_by_id(session, gone)).values():
            reason = "接收方返回 410 Gone, webhook 已停用"
            await retire_webhook(session, webhook, reason=reason, clock=clock)


def _attempt(result: _Result) -> WebhookAttempt:
    return WebhookAttempt(
        delivery_id=result.claim.delivery_id,
        at=result.at,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
    )


def _settle(
    delivery: WebhookDelivery, result: _Result, *, now: datetime, rng: random.Random
) -> None:
    """Delivered, retried later or given up. A failure only reschedules a delivery still under
    this round's lease: one redelivered or claimed anew meanwhile is someone else's to decide."""
    delivery.attempts += 1
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    delivery.last_latency_ms = result.latency_ms
    if delivery.status is not DeliveryStatus.PENDING:
        return
    if result.ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, result.at
    elif delivery.next_attempt_at == result.claim.leased_until:
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.GAVE_UP
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts, rng)


# Redelivery and the delivery log


async def redeliver(
    session: AsyncSession, delivery_id: int, *, actor: Actor, clock: Clock
) -> WebhookDelivery:
    """Send it again now, with a fresh round of retries (the partner itself, or an operator)."""
    delivery, webhook = await require_delivery(session, delivery_id, actor)
    if not webhook.active:
        raise PartnerError(
            PartnerErrorCode.WEBHOOK_INACTIVE, "webhook 已停用, 不能重新投递", field="id"
        )
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at, delivery.delivered_at = clock.now(), None
    write_audit(
        session,
        actor,
        "webhook_delivery.redeliver",
        clock=clock,
        target_type="WebhookDelivery",
        target_id=delivery.id,
    )
    return delivery


async def require_delivery(
    session: AsyncSession, delivery_id: int, actor: Actor
) -> tuple[WebhookDelivery, Webhook]:
    """The delivery and its webhook, if the actor may see them; another partner's is missing."""
    query = (
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.id == delivery_id)
    )
    found = (await session.execute(query)).first()
    if found is None or not may_see(actor, found[1].partner_id):
        raise NotFound("投递记录", delivery_id, field="id")
    return found


@dataclass(frozen=True)
class DeliveryFilter:
    status: DeliveryStatus | None = None
    webhook_id: int | None = None
    event_type: str | None = None
    partner_id: int | None = None  # operators only; a partner always sees its own


@dataclass(frozen=True)
class LoggedDelivery:
    delivery: WebhookDelivery
    webhook: Webhook
    attempts: list[WebhookAttempt]  # oldest first


async def list_deliveries(
    session: AsyncSession,
    actor: Actor,
    filters: DeliveryFilter,
    request: PageRequest,
    *,
    default_size: int,
    max_size: int,
) -> Page[WebhookDelivery]:
    """Newest first."""
    scope = readable_partner(actor, filters.partner_id)
    query = select(WebhookDelivery)
    if scope is not None:
        query = query.join(Webhook, Webhook.id == WebhookDelivery.webhook_id).where(
            Webhook.partner_id == scope
        )
    if filters.status is not None:
        query = query.where(WebhookDelivery.status == filters.status)
    if filters.webhook_id is not None:
        query = query.where(WebhookDelivery.webhook_id == filters.webhook_id)
    if filters.event_type is not None:
        query = query.where(WebhookDelivery.event_type == filters.event_type)
    key = SortKey(WebhookDelivery.id, WebhookDelivery.id, descending=True)
    return await paginate(
        session, query, key, request, default_size=default_size, max_size=max_size
    )


async def deliveries_by_id(
    session: AsyncSession, ids: Sequence[int], *, partner_id: int | None
) -> list[WebhookDelivery]:
    """Those of the ids that exist and belong to the partner (to anyone: None)."""
    query = select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
    if partner_id is not None:
        query = query.join(Webhook, Webhook.id == WebhookDelivery.webhook_id).where(
            Webhook.partner_id == partner_id
        )
    return list(await session.scalars(query))


async def with_log(
    session: AsyncSession, deliveries: Sequence[WebhookDelivery]
) -> list[LoggedDelivery]:
    """Each delivery with its webhook and attempts: two reads for a whole page."""
    ids = [d.id for d in deliveries]
    attempts = await rows_by(session, WebhookAttempt, WebhookAttempt.delivery_id, ids)
    webhooks = await webhooks_by_id(session, {d.webhook_id for d in deliveries})
    return [LoggedDelivery(d, webhooks[d.webhook_id], attempts.get(d.id, [])) for d in deliveries]
