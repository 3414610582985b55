"""Managing partners' API keys: rotation with an optional overlap, revocation, the list of a
partner's keys, and each key's own request rate."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import Forbidden, InvalidInput, NotFound
from core.principal import Actor, Principal, Role
from identity import secrets
from identity.models import ApiKey
from identity.service import issue_api_key, split_api_key

MAX_GRACE_MINUTES = 7 * 24 * 60


async def _own_key(session: AsyncSession, principal: Principal, key_id: int) -> ApiKey:
    """Operators manage any key; a partner its own organisation's."""
    key = await session.get(ApiKey, key_id, with_for_update=True)
    if key is None or (
        principal.role is Role.PARTNER and key.organisation_id != principal.organisation_id
    ):
        raise NotFound("API 密钥", key_id, field="id")
    if principal.role not in (Role.OPERATOR, Role.PARTNER):
        raise Forbidden("只有运营机构或电商平台本身可以管理 API 密钥")
    return key


async def rotate(
    session: AsyncSession, key_id: int, *, grace_minutes: int, actor: Actor, clock: Clock
) -> tuple[ApiKey, str]:
    """A new key with the same name, scopes and rate; the old one stops working after the grace
    period (at once when it is 0), so a partner can roll its fleet over without downtime."""
    principal = actor.require(Role.OPERATOR, Role.PARTNER)
    if not 0 <= grace_minutes <= MAX_GRACE_MINUTES:
        raise InvalidInput(f"过渡期须在 0 到 {MAX_GRACE_MINUTES} 分钟之间", field="graceMinutes")
    old = await _own_key(session, principal, key_id)
    now = clock.now()
    if old.revoked_at is not None and old.revoked_at <= now:
        raise InvalidInput("该密钥已吊销, 不能轮换", field="id")
    new, raw = await issue_api_key(
        session,
        old.organisation_id,
        old.name,
        scopes=list(old.scopes),
        rate_per_second=old.rate_per_second,
        clock=clock,
    )
    old.revoked_at = now + timedelta(minutes=grace_minutes)
    write_audit(
        session,
        actor,
        "api_key.rotate",
        clock=clock,
        target_type="ApiKey",
        target_id=old.id,
        details={"new_key_id": new.id, "grace_minutes": grace_minutes},
    )
    return new, raw


async def revoke(session: AsyncSession, key_id: int, *, actor: Actor, clock: Clock) -> ApiKey:
    principal = actor.require(Role.OPERATOR, Role.PARTNER)
    key = await _own_key(session, principal, key_id)
    now = clock.now()
    if key.revoked_at is None or key.revoked_at > now:
        key.revoked_at = now
    write_audit(
        session, actor, "api_key.revoke", clock=clock, target_type="ApiKey", target_id=key.id
    )
    return key


async def keys_of(
    session: AsyncSession, principal: Principal, organisation_id: int
) -> list[ApiKey]:
    if principal.role is Role.PARTNER and principal.organisation_id != organisation_id:
        raise Forbidden("只能查看本平台的 API 密钥")
    if principal.role not in (Role.OPERATOR, Role.PARTNER):
        raise Forbidden("只有运营机构或电商平台本身可以查看 API 密钥")
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.organisation_id == organisation_id).order_by(ApiKey.id)
    )
    return list(rows)


async def own_rate(session: AsyncSession, raw: str) -> int | None:
    """The key's own requests-per-second, if the raw key is a real one and sets one."""
    parts = split_api_key(raw)
    if parts is None:
        return None
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0]))
    if key is None or not secrets.same_digest(key.secret_hash, secrets.digest(parts[1])):
        return None
    return key.rate_per_second
