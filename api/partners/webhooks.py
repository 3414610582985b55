"""Partners' order events over GraphQL: webhooks (the secret shown once), their delivery log and
redelivery, the message inbox, and a subscription that pushes each new message."""

import asyncio
from collections.abc import AsyncGenerator, Iterable
from datetime import datetime
from functools import partial
from typing import Any, cast

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from api.context import Info
from api.errors import UserError
from api.identity.types import Organisation
from api.mutations import (
    Idempotent,
    Outcome,
    Parsed,
    decode_id,
    perform,
    perform_create,
    run_mutation,
)
from api.relay import int_ids, page_limits, page_request, to_connection
from core.errors import DomainError
from core.pagination import Page, PageRequest, page_size
from core.principal import Actor
from partners import delivery, messages, webhooks
from partners import models as m

POLL_SECONDS = 0.25
POLL_BATCH = 100
_EVENT_TYPES = "、".join(sorted(webhooks.EVENT_TYPES))


@strawberry.type(description="Where a partner wants its order events POSTed.")
class PartnerWebhook(relay.Node):
    id: relay.NodeID[int]
    url: str
    event_types: list[str] = strawberry.field(description="The events it gets; empty: all.")
    active: bool
    created_at: datetime
    updated_at: datetime
    partner_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: m.Webhook) -> "PartnerWebhook":
        return cls(
            id=row.id,
            url=row.url,
            event_types=list(row.event_types),
            active=row.active,
            created_at=row.created_at,
            updated_at=row.updated_at,
            partner_id=row.partner_id,
        )

    @strawberry.field(description="The partner (e-commerce platform) it belongs to.")
    async def partner(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.party_by_id.load(self.partner_id)
        return Organisation.from_model(row) if row else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = int_ids(node_ids)
        scope = await _scope(info)
        async with info.context.db.reader() as session:
            found = await webhooks.webhooks_by_id(session, ids)
        seen = {i: w for i, w in found.items() if scope in (None, w.partner_id)}
        return [cls.from_model(seen[i]) if i in seen else None for i in ids]


async def _scope(info: Info) -> int | None:
    """Whose rows the viewer may see: a partner's, everyone's (None), or, for a viewer who may
    see none, those of partner 0, which no organisation is."""
    try:
        return webhooks.readable_partner(await info.context.actor())
    except DomainError:
        return 0


@strawberry.type(description="One try at POSTing a delivery.")
class WebhookAttempt:
    at: datetime
    status_code: int | None = strawberry.field(description="The receiver's answer, if any.")
    latency_ms: int
    error: str | None = strawberry.field(description="Why no answer came (timeout, refused).")

    @classmethod
    def from_model(cls, row: m.WebhookAttempt) -> "WebhookAttempt":
        return cls(
            at=row.at, status_code=row.status_code, latency_ms=row.latency_ms, error=row.error
        )


@strawberry.type(description="One event for one webhook: its status and every attempt.")
class WebhookDelivery(relay.Node):
    id: relay.NodeID[int]
    event_id: str
    event_type: str
    status: m.DeliveryStatus
    attempt_count: int = strawberry.field(description="Attempts since it was last (re)queued.")
    next_attempt_at: datetime | None = strawberry.field(description="While PENDING.")
    last_status_code: int | None
    last_error: str | None
    last_latency_ms: int | None
    occurred_at: datetime
    delivered_at: datetime | None
    created_at: datetime
    payload: JSON = strawberry.field(description="The body POSTed (as JSON).")
    webhook: PartnerWebhook
    attempts: list[WebhookAttempt] = strawberry.field(description="Oldest first.")

    @classmethod
    def from_logged(cls, logged: delivery.LoggedDelivery) -> "WebhookDelivery":
        row = logged.delivery
        pending = row.status is m.DeliveryStatus.PENDING
        return cls(
            id=row.id,
            event_id=row.event_id,
            event_type=row.event_type,
            status=row.status,
            attempt_count=row.attempts,
            next_attempt_at=row.next_attempt_at if pending else None,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            last_latency_ms=row.last_latency_ms,
            occurred_at=row.occurred_at,
            delivered_at=row.delivered_at,
            created_at=row.created_at,
            payload=cast(JSON, row.payload),
            webhook=PartnerWebhook.from_model(logged.webhook),
            attempts=[WebhookAttempt.from_model(a) for a in logged.attempts],
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        ids = int_ids(node_ids)
        scope = await _scope(info)
        async with info.context.db.reader() as session:
            rows = await delivery.deliveries_by_id(session, ids, partner_id=scope)
            found = {d.delivery.id: d for d in await delivery.with_log(session, rows)}
        return [cls.from_logged(found[i]) if i in found else None for i in ids]


@strawberry.type(
    description="An order, contract or payment event of one of your orders; `payload` is the "
    "same JSON a webhook POSTs."
)
class PartnerMessage:
    id: strawberry.ID = strawberry.field(
        description="Increasing: pass the last one you handled as `after` to resume."
    )
    event_id: str
    event_type: str
    occurred_at: datetime
    payload: JSON

    @classmethod
    def from_model(cls, row: m.PartnerMessage) -> "PartnerMessage":
        return cls(
            id=strawberry.ID(str(row.id)),
            event_id=row.event_id,
            event_type=row.event_type,
            occurred_at=row.occurred_at,
            payload=cast(JSON, row.payload),
        )


@strawberry.type(description="Webhooks in the order they were registered.")
class PartnerWebhookConnection(relay.Connection[PartnerWebhook]):
    pass


@strawberry.type(description="Deliveries, newest first.")
class WebhookDeliveryConnection(relay.Connection[WebhookDelivery]):
    pass


@strawberry.input
class WebhookDeliveryFilterInput:
    status: m.DeliveryStatus | None = None
    webhook_id: relay.GlobalID | None = None
    event_type: str | None = None
    partner_id: relay.GlobalID | None = strawberry.field(default=None, description="Operators.")


def _optional_id(given: relay.GlobalID | None, type_name: str, *, field: str) -> int | None:
    return decode_id(given, type_name, field=field) if given else None


def _partner_id(given: relay.GlobalID | None) -> int | None:
    return _optional_id(given, "Organisation", field="partnerId")


def _delivery_filter(given: WebhookDeliveryFilterInput | None) -> delivery.DeliveryFilter:
    if given is None:
        return delivery.DeliveryFilter()
    return delivery.DeliveryFilter(
        status=given.status,
        webhook_id=_optional_id(given.webhook_id, "PartnerWebhook", field="webhookId"),
        event_type=given.event_type,
        partner_id=_partner_id(given.partner_id),
    )


@strawberry.type
class PartnerWebhooksQuery:
    @strawberry.field(
        description="Your webhooks (partners); every partner's, or one's (operators)."
    )
    async def webhooks(
        self,
        info: Info,
        partner_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> PartnerWebhookConnection:
        ctx = info.context
        actor = await ctx.actor()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await webhooks.list_webhooks(
                session,
                actor,
                request,
                partner_id=_partner_id(partner_id),
                **page_limits(ctx.settings),
            )
        return to_connection(PartnerWebhookConnection, page, PartnerWebhook.from_model)

    @strawberry.field(description="The delivery log: each POST's attempts, newest first.")
    async def webhook_deliveries(
        self,
        info: Info,
        filter: WebhookDeliveryFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        ctx = info.context
        actor = await ctx.actor()
        request = page_request(first=first, after=after, last=None, before=None)
        async with ctx.db.reader() as session:
            page = await delivery.list_deliveries(
                session, actor, _delivery_filter(filter), request, **page_limits(ctx.settings)
            )
            logged = await delivery.with_log(session, page.items)
        shown = Page(logged, page.cursors, page.has_next_page, page.has_previous_page)
        return to_connection(WebhookDeliveryConnection, shown, WebhookDelivery.from_logged)

    @strawberry.field(
        description="Your messages after `after` (a message id), oldest first, at most `first`: "
        "what you missed while disconnected; ask again after the last until fewer come back. "
        "Operators see every partner's, or one's."
    )
    async def partner_messages(
        self,
        info: Info,
        after: strawberry.ID | None = None,
        first: int | None = None,
        partner_id: relay.GlobalID | None = None,
    ) -> list[PartnerMessage]:
        ctx = info.context
        actor = await ctx.actor()
        limits = page_limits(ctx.settings)
        size = page_size(
            PageRequest(first=first), default=limits["default_size"], maximum=limits["max_size"]
        )
        async with ctx.db.reader() as session:
            rows = await messages.list_messages(
                session,
                actor,
                after=messages.parse_after(after),
                limit=size,
                partner_id=_partner_id(partner_id),
            )
        return [PartnerMessage.from_model(row) for row in rows]


@strawberry.type
class WebhookSecretPayload:
    webhook: PartnerWebhook | None
    secret: str | None = strawberry.field(
        description="The signing secret: shown only here and now; keep it safe."
    )
    errors: list[UserError]


@strawberry.type
class PartnerWebhookPayload:
    webhook: PartnerWebhook | None
    errors: list[UserError]


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    errors: list[UserError]


def _webhook_id(id: relay.GlobalID) -> int:
    return decode_id(id, "PartnerWebhook", field="id")


def _secret_payload(info: Info, outcome: Outcome[m.Webhook]) -> WebhookSecretPayload:
    row, errors = outcome.value, outcome.errors
    if row is None:
        return WebhookSecretPayload(webhook=None, secret=None, errors=errors)
    secret = webhooks.secret_of(row, key=info.context.settings.signing_key)
    return WebhookSecretPayload(
        webhook=PartnerWebhook.from_model(row), secret=secret, errors=errors
    )


def _webhook_payload(outcome: Outcome[m.Webhook]) -> PartnerWebhookPayload:
    row = outcome.value
    return PartnerWebhookPayload(
        webhook=PartnerWebhook.from_model(row) if row else None, errors=outcome.errors
    )


async def _reload_webhook(session: AsyncSession, id_: int) -> m.Webhook | None:
    return await session.get(m.Webhook, id_)


@strawberry.type
class PartnerWebhooksMutation:
    @strawberry.mutation(
        description="Register a URL for your order events (https; http only for 127.0.0.1 and "
        f"localhost). Event types: {_EVENT_TYPES}; none means all. At most "
        f"{webhooks.MAX_ACTIVE} active webhooks per partner. Operators name the partner."
    )
    async def create_webhook(
        self,
        info: Info,
        url: str,
        event_types: list[str] | None = None,
        partner_id: relay.GlobalID | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSecretPayload:
        clock = info.context.clock

        async def action(s: AsyncSession, a: Actor) -> m.Webhook:
            draft = webhooks.WebhookDraft(url, event_types or (), _partner_id(partner_id))
            return await webhooks.create_webhook(s, draft, actor=a, clock=clock)

        request = {"url": url, "eventTypes": event_types, "partnerId": str(partner_id)}
        spec = Idempotent("createWebhook", idempotency_key, request, _reload_webhook)
        outcome = await perform_create(info, spec, action)
        return _secret_payload(info, outcome)

    @strawberry.mutation(description="A new signing secret; the old one stops working at once.")
    async def rotate_webhook_secret(self, info: Info, id: relay.GlobalID) -> WebhookSecretPayload:
        return await run_mutation(
            info,
            webhooks.rotate_secret,
            Parsed(_webhook_id, id),
            payload=partial(_secret_payload, info),
        )

    @strawberry.mutation(description="Stop POSTing to it; its pending deliveries are given up.")
    async def deactivate_webhook(self, info: Info, id: relay.GlobalID) -> PartnerWebhookPayload:
        return await run_mutation(
            info, webhooks.deactivate_webhook, Parsed(_webhook_id, id), payload=_webhook_payload
        )

    @strawberry.mutation(description="POST a delivery again now, with a fresh round of retries.")
    async def redeliver_webhook_delivery(
        self, info: Info, id: relay.GlobalID
    ) -> WebhookDeliveryPayload:
        clock = info.context.clock

        async def action(s: AsyncSession, a: Actor) -> delivery.LoggedDelivery:
            delivery_id = decode_id(id, "WebhookDelivery", field="id")
            row = await delivery.redeliver(s, delivery_id, actor=a, clock=clock)
            [logged] = await delivery.with_log(s, [row])
            return logged

        outcome = await perform(info, action)
        shown = WebhookDelivery.from_logged(outcome.value) if outcome.value else None
        return WebhookDeliveryPayload(delivery=shown, errors=outcome.errors)


@strawberry.type
class PartnerWebhooksSubscription:
    @strawberry.subscription(
        description="Your order events as they happen (partners with the orders scope): first "
        "the messages after `after` (a message id), then each new one."
    )
    async def partner_order_events(
        self, info: Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[PartnerMessage, None]:
        ctx = info.context
        partner_id = messages.subscriber(await ctx.actor())
        last = messages.parse_after(after)
        if last is None:
            async with ctx.db.reader() as session:
                last = await messages.last_message_id(session, partner_id)
        while True:
            async with ctx.db.reader() as session:
                rows = await messages.inbox_after(session, partner_id, last, limit=POLL_BATCH)
            for row in rows:
                yield PartnerMessage.from_model(row)
            last = rows[-1].id if rows else last
            if len(rows) < POLL_BATCH:
                await asyncio.sleep(POLL_SECONDS)
