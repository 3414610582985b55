"""The transactional outbox: an event is written in the same transaction as the change it reports.

A dispatcher (later) delivers each row at least once; consumers dedupe by `OutboxEvent.id`.
"""

import dataclasses
import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Index, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from yiwang.core.clock import Clock
from yiwang.core.db import Base, BigId, Json


class OutboxEvent(Base):
    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_pending", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    occurred_at: Mapped[datetime]
    dispatched_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event; subclasses are frozen dataclasses of JSON-able fields."""

    event_type: ClassVar[str]
    aggregate_type: ClassVar[str]

    @property
    def aggregate_id(self) -> str:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def record(session: AsyncSession, event: Event, *, clock: Clock) -> OutboxEvent:
    row = OutboxEvent(
        event_id=uuid.uuid4().hex,
        event_type=event.event_type,
        aggregate_type=event.aggregate_type,
        aggregate_id=event.aggregate_id,
        payload=event.payload(),
        occurred_at=clock.now(),
        dispatched_at=None,
        attempts=0,
    )
    session.add(row)
    return row
