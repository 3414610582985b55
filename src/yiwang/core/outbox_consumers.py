"""Consuming the outbox: each consumer keeps its own cursor (the last event id it has handled) and
is handed the events after it, oldest first, in batches.

Delivery is at least once: a batch is handled, then the cursor moves; a crash in between hands
the same events over again, so handlers must be idempotent (by event id or by nature, like an
index upsert). The handler runs with no transaction of ours open, so it may call the network.

On PostgreSQL, ids are taken at insert but become visible at commit, so a lower id can appear
after a higher one was read. A consumer there only reads events older than a short grace period;
SQLite commits one writer at a time, in id order, and needs none.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from yiwang.core.clock import Clock
from yiwang.core.db import Base, BigId, Database
from yiwang.core.outbox import OutboxEvent

POSTGRES_GRACE = timedelta(seconds=5)

Handler = Callable[[Sequence[OutboxEvent]], Awaitable[None]]


class OutboxCursor(Base):
    __tablename__ = "outbox_cursor"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigId, default=0)
    updated_at: Mapped[datetime]


@dataclass(frozen=True)
class Lag:
    consumer: str
    pending: int
    oldest_pending_at: datetime | None

    def seconds(self, now: datetime) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max(0.0, (now - self.oldest_pending_at).total_seconds())


async def _cursor(session: AsyncSession, consumer: str, clock: Clock) -> int:
    row = await session.get(OutboxCursor, consumer)
    if row is None:
        session.add(OutboxCursor(consumer=consumer, last_event_id=0, updated_at=clock.now()))
        await session.flush()
        return 0
    return row.last_event_id


async def start_at_end(db: Database, consumer: str, *, clock: Clock) -> None:
    """A consumer that has just rebuilt its state from the tables skips the events before."""
    async with db.unit_of_work() as session:
        last = await session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0)))
        await _cursor(session, consumer, clock)
        await session.execute(
            update(OutboxCursor)
            .where(OutboxCursor.consumer == consumer)
            .values(last_event_id=int(last or 0), updated_at=clock.now())
        )


async def drain_once(
    db: Database, consumer: str, handle: Handler, *, clock: Clock, batch: int = 500
) -> int:
    """Hand one batch to the consumer and move its cursor; returns how many events it got."""
    async with db.unit_of_work() as session:
        after = await _cursor(session, consumer, clock)
    async with db.reader() as session:
        query = select(OutboxEvent).where(OutboxEvent.id > after)
        if db.dialect == "postgresql":
            query = query.where(OutboxEvent.occurred_at < clock.now() - POSTGRES_GRACE)
        events = list((await session.scalars(query.order_by(OutboxEvent.id).limit(batch))).all())
    if not events:
        return 0
    await handle(events)
    async with db.unit_of_work() as session:
        await session.execute(
            update(OutboxCursor)
            .where(OutboxCursor.consumer == consumer, OutboxCursor.last_event_id == after)
            .values(last_event_id=events[-1].id, updated_at=clock.now())
        )
    return len(events)


async def drain(
    db: Database, consumer: str, handle: Handler, *, clock: Clock, batch: int = 500
) -> int:
    """Hand over everything pending; returns how many events were handled."""
    total = 0
    while handled := await drain_once(db, consumer, handle, clock=clock, batch=batch):
        total += handled
    return total


async def lag(db: Database, consumer: str) -> Lag:
    async with db.reader() as session:
        row = await session.get(OutboxCursor, consumer)
        after = row.last_event_id if row else 0
        pending = await session.scalar(select(func.count()).where(OutboxEvent.id > after))
        oldest = await session.scalar(
            select(OutboxEvent.occurred_at)
            .where(OutboxEvent.id > after)
            .order_by(OutboxEvent.id)
            .limit(1)
        )
    return Lag(consumer, int(pending or 0), oldest)
