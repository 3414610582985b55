"""The credit blacklist: a listed supplier may not win or be ordered from while its listing runs."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.errors import InvalidInput
from core.principal import Actor, Role
from identity import uscc
from identity.models import BlacklistEntry, BlacklistKind


@dataclass(frozen=True)
class BlacklistDraft:
    credit_code: str
    name: str
    kind: BlacklistKind
    reason: str
    authority: str
    starts_on: date
    ends_on: date | None


async def listing_on(session: AsyncSession, credit_code: str, day: date) -> BlacklistEntry | None:
    """The entry that bars this credit code on that day, if any."""
    return await session.scalar(
        select(BlacklistEntry)
        .where(
            BlacklistEntry.credit_code == credit_code,
            BlacklistEntry.starts_on <= day,
            or_(BlacklistEntry.ends_on.is_(None), BlacklistEntry.ends_on >= day),
        )
        .order_by(BlacklistEntry.starts_on.desc())
        .limit(1)
    )


async def add_entry(
    session: AsyncSession, draft: BlacklistDraft, *, actor: Actor, clock: Clock
) -> BlacklistEntry:
    """Supervisors and operators record a listing published by the authority that made it."""
    actor.require(Role.SUPERVISOR, Role.OPERATOR)
    if not uscc.is_valid(draft.credit_code):
        raise InvalidInput("统一社会信用代码无效", field="creditCode")
    if draft.ends_on is not None and draft.ends_on < draft.starts_on:
        raise InvalidInput("截止日期不能早于起始日期", field="endsOn")
    if not draft.reason.strip() or not draft.authority.strip():
        raise InvalidInput("须写明列入原因和认定机关", field="reason")
    entry = BlacklistEntry(
        credit_code=draft.credit_code,
        name=draft.name.strip()[:128],
        kind=draft.kind,
        reason=draft.reason.strip()[:500],
        authority=draft.authority.strip()[:128],
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        created_at=clock.now(),
    )
    session.add(entry)
    await session.flush()
    write_audit(
        session,
        actor,
        "credit_blacklist.add",
        clock=clock,
        target_type="BlacklistEntry",
        target_id=str(entry.id),
        details={"creditCode": draft.credit_code, "kind": draft.kind.value},
    )
    return entry
