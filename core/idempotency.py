"""Idempotency keys: a retried create returns what the first attempt made, and makes nothing new."""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import Clock
from core.db import Base, IdMixin
from core.errors import CoreErrorCode, DomainError


class IdempotencyRecord(IdMixin, Base):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "operation", "key"),)

    scope: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    request_digest: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


def request_digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


async def replayed_target(
    session: AsyncSession, *, scope: str, operation: str, key: str, digest: str
) -> str | None:
    row = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.operation == operation,
            IdempotencyRecord.key == key,
        )
    )
    if row is None:
        return None
    if row.request_digest != digest:
        raise DomainError(
            CoreErrorCode.CONFLICT, "同一幂等键已用于内容不同的请求", field="idempotencyKey"
        )
    return row.target_id


def remember(
    session: AsyncSession,
    *,
    scope: str,
    operation: str,
    key: str,
    digest: str,
    target_id: object,
    clock: Clock,
) -> None:
    session.add(
        IdempotencyRecord(
            scope=scope,
            operation=operation,
            key=key,
            request_digest=digest,
            target_id=str(target_id),
            created_at=clock.now(),
        )
    )
