from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import Clock
from core.db import Base, BigId, Json
from core.principal import Actor


class AuditEntry(Base):
    """Who did what to which record, when and from where. Written in the change's transaction."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_api_key_id: Mapped[int | None] = mapped_column(BigId)
    actor_organisation_id: Mapped[int | None] = mapped_column(BigId)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


def write_audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    clock: Clock,
    target_type: str | None = None,
    target_id: object = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        **_actor_values(actor, clock),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details or {},
    )
    session.add(entry)
    return entry


async def write_audits(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    clock: Clock,
    target_type: str,
    targets: Sequence[tuple[object, dict[str, Any] | None]],
) -> None:
    """`write_audit` of one action on many targets (target id, details), in one INSERT batch."""
    if not targets:
        return
    common = _actor_values(actor, clock) | {"action": action, "target_type": target_type}
    rows = [
        common | {"target_id": str(target_id), "details": details or {}}
        for target_id, details in targets
    ]
    await session.execute(insert(AuditEntry), rows)


def _actor_values(actor: Actor, clock: Clock) -> dict[str, Any]:
    p = actor.principal
    return {
        "occurred_at": clock.now(),
        "actor_user_id": p.user_id if p else None,
        "actor_api_key_id": p.api_key_id if p else None,
        "actor_organisation_id": p.organisation_id if p else None,
        "actor_role": p.role.value if p else None,
        "client_address": actor.client_address,
        "request_id": actor.request_id,
    }
