"""Partners' webhooks: who may register them, which URLs and events, and how a POST is signed.

A webhook's signing secret is HMAC-SHA256(server key, "webhook:{id}:{salt}"): shown when the
webhook is made or rotated, never stored; rotating draws a new salt. A POST carries
`X-Yiwang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, which the
partner checks with `verify_signature` (or its own ten lines of code).
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput, NotFound
from core.events.orders import ContractEvent, OrderEvent, PaymentEvent
from core.outbox import registered
from core.pagination import Page, PageRequest, SortKey, paginate
from core.principal import Actor, Role
from identity.models import Organisation, OrganisationKind
from orders.rules import ORDERS_SCOPE
from partners.errors import PartnerError, PartnerErrorCode
from partners.models import DeliveryStatus, Webhook, WebhookDelivery

MAX_ACTIVE = 5
SIGNATURE_TOLERANCE_SECONDS = 300
# Plain http only to this machine: the tests' receiver and the partner simulator.
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_MAX_URL = 500


# Every order, contract and payment event: what a partner's messages and webhooks carry.
EVENT_TYPES = frozenset(
    name
    for name, cls in registered().items()
    if issubclass(cls, (OrderEvent, ContractEvent, PaymentEvent))
)


@dataclass(frozen=True)
class WebhookDraft:
    url: str
    event_types: Sequence[str] = ()
    partner_id: int | None = None  # operators name the partner; a partner registers its own


def readable_partner(actor: Actor, partner_id: int | None = None) -> int | None:
    """Whose webhooks, deliveries and messages the actor may see: a partner (with the "orders"
    scope) its own, an operator the given partner's or, given none, everyone's (None)."""
    principal = actor.require(Role.PARTNER, Role.OPERATOR)
    if principal.role is Role.OPERATOR:
        return partner_id
    principal.require_scope(ORDERS_SCOPE)
    if partner_id is not None and partner_id != principal.organisation_id:
        raise Forbidden("只能查看和管理本平台的数据")
    return principal.organisation_id


def acting_partner(actor: Actor, partner_id: int | None = None) -> int:
    """The partner the actor acts for; an operator has to say which."""
    found = readable_partner(actor, partner_id)
    if found is None:
        raise InvalidInput("请指定电商平台", field="partnerId")
    return found


def may_see(actor: Actor, partner_id: int) -> bool:
    return readable_partner(actor) in (None, partner_id)


async def create_webhook(
    session: AsyncSession, draft: WebhookDraft, *, actor: Actor, clock: Clock
) -> Webhook:
    partner_id = acting_partner(actor, draft.partner_id)
    url = checked_url(draft.url)
    event_types = checked_event_types(draft.event_types)
    await _lock_partner(session, partner_id)
    if await _active_count(session, partner_id) >= MAX_ACTIVE:
        raise PartnerError(
            PartnerErrorCode.WEBHOOK_LIMIT_REACHED, f"每个平台最多 {MAX_ACTIVE} 个启用的 webhook"
        )
    now = clock.now()
    webhook = Webhook(
        partner_id=partner_id,
        url=url,
        secret_salt=_new_salt(),
        event_types=event_types,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    await session.flush()
    _audit(session, actor, "webhook.create", webhook, clock, url=url, eventTypes=event_types)
    return webhook


async def rotate_secret(
    session: AsyncSession, webhook_id: int, *, actor: Actor, clock: Clock
) -> Webhook:
    """A new salt, so a new secret: POSTs from now on are signed with it."""
    webhook = await require_webhook(session, webhook_id, actor)
    if not webhook.active:
        raise PartnerError(PartnerErrorCode.WEBHOOK_INACTIVE, "webhook 已停用", field="id")
    webhook.secret_salt = _new_salt()
    webhook.updated_at = clock.now()
    _audit(session, actor, "webhook.rotate_secret", webhook, clock)
    return webhook


async def deactivate_webhook(
    session: AsyncSession, webhook_id: int, *, actor: Actor, clock: Clock
) -> Webhook:
    webhook = await require_webhook(session, webhook_id, actor)
    if webhook.active:
        await retire_webhook(session, webhook, reason="webhook 已停用", clock=clock)
        _audit(session, actor, "webhook.deactivate", webhook, clock)
    return webhook


async def retire_webhook(
    session: AsyncSession, webhook: Webhook, *, reason: str, clock: Clock
) -> None:
    """No more deliveries: the webhook is off and what it still had pending is given up."""
    webhook.active = False
    webhook.updated_at = clock.now()
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.GAVE_UP, last_error=reason)
    )


async def require_webhook(session: AsyncSession, webhook_id: int, actor: Actor) -> Webhook:
    """The webhook, if the actor may see it; another partner's is as good as missing."""
    webhook = await session.get(Webhook, webhook_id)
    if webhook is None or not may_see(actor, webhook.partner_id):
        raise NotFound("webhook", webhook_id, field="id")
    return webhook


async def list_webhooks(
    session: AsyncSession,
    actor: Actor,
    request: PageRequest,
    *,
    partner_id: int | None = None,
    default_size: int,
    max_size: int,
) -> Page[Webhook]:
    scope = readable_partner(actor, partner_id)
    query = select(Webhook)
    if scope is not None:
        query = query.where(Webhook.partner_id == scope)
    key = SortKey(Webhook.id, Webhook.id)
    return await paginate(
        session, query, key, request, default_size=default_size, max_size=max_size
    )


async def webhooks_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Webhook]:
    rows = await session.scalars(select(Webhook).where(Webhook.id.in_(set(ids))))
    return {row.id: row for row in rows}


def subscribes(webhook: Webhook, event_type: str) -> bool:
    return webhook.active and (not webhook.event_types or event_type in webhook.event_types)


def checked_url(raw: str) -> str:
    url = raw.strip()
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise _bad_url("URL 格式不正确") from None
    if len(url) > _MAX_URL or not host or port == 0 or any(c.isspace() for c in url):
        raise _bad_url(f"URL 须为不超过 {_MAX_URL} 个字符的完整地址")
    if parts.scheme != "https" and not (parts.scheme == "http" and host in _LOCAL_HOSTS):
        raise _bad_url("URL 须以 https:// 开头 (仅本机地址可用 http)")
    if parts.username is not None or parts.fragment:
        raise _bad_url("URL 不能包含用户名、密码或 # 片段")
    if _internal(host):
        raise _bad_url("URL 不能指向内网地址")
    return url


def _internal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not (address.is_global or address.is_loopback)


def _bad_url(message: str) -> PartnerError:
    return PartnerError(PartnerErrorCode.WEBHOOK_URL_INVALID, message, field="url")


def checked_event_types(given: Iterable[str]) -> list[str]:
    """The event types, each once; none at all means every event."""
    wanted = list(dict.fromkeys(t.strip() for t in given))
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise PartnerError(
            PartnerErrorCode.WEBHOOK_EVENT_TYPE_INVALID,
            f"未知的事件类型: {'、'.join(unknown)}",
            field="eventTypes",
        )
    return wanted


async def _lock_partner(session: AsyncSession, partner_id: int) -> None:
    """Webhooks of one partner are made one at a time, so the limit holds under concurrency."""
    found = await session.scalar(
        select(Organisation.kind)
        .where(Organisation.id == partner_id)
        .with_for_update(key_share=True)
    )
    if found is not OrganisationKind.PARTNER:
        raise NotFound("电商平台", partner_id, field="partnerId")


async def _active_count(session: AsyncSession, partner_id: int) -> int:
    query = select(func.count()).where(Webhook.partner_id == partner_id, Webhook.active)
    return int(await session.scalar(query) or 0)


def _new_salt() -> str:
    return secrets.token_hex(16)


def _audit(
    session: AsyncSession, actor: Actor, action: str, webhook: Webhook, clock: Clock, **details: Any
) -> None:
    details["partnerId"] = webhook.partner_id
    write_audit(
        session,
        actor,
        action,
        clock=clock,
        target_type="Webhook",
        target_id=webhook.id,
        details=details,
    )


# Signing


def secret_of(webhook: Webhook, *, key: str) -> str:
    message = f"webhook:{webhook.id}:{webhook.secret_salt}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def encode_body(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON with sorted keys: the same bytes whichever database stored it."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.encode()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={_mac(secret, body, timestamp)}"


def _mac(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, *, delivery_id: int, event_id: str, event_type: str, at: datetime
) -> dict[str, str]:
    timestamp = int(at.timestamp())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Yiwang-Event-Id": event_id,
        "X-Yiwang-Event-Type": event_type,
        "X-Yiwang-Delivery-Id": str(delivery_id),
        "X-Yiwang-Timestamp": str(timestamp),
        "X-Yiwang-Signature": signature(secret, body, timestamp),
    }


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: datetime,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """The body is ours and fresh: one `t` within `tolerance` seconds of now, and a `v1` that
    matches (compared in constant time)."""
    pairs = [part.strip().partition("=") for part in header.split(",")]
    stamps = [value for name, _, value in pairs if name == "t"]
    macs = [value for name, _, value in pairs if name == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not macs:
        return False
    timestamp = int(stamps[0])
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    expected = _mac(secret, body, timestamp).encode()
    return any(hmac.compare_digest(expected, mac.encode()) for mac in macs)
