"""Consuming the outbox: each consumer keeps its own cursor and is handed the events after it,
oldest first, in batches.

Delivery is at least once: a batch is handled, then the cursor moves; a crash in between hands
the same events over again, so handlers must be idempotent (by event id or by nature, like an
index upsert). The handler runs with no transaction of ours open, so it may call the network.

Order is (xact_id, id), and on PostgreSQL only events of transactions older than every running
one are read (`outbox.py` says why): an event can then never commit behind a cursor.

A consumer may be split into parts, each a share of the outbox's partitions with its own cursor.
Whoever drains a part first takes a lease on its cursor row (`FOR UPDATE SKIP LOCKED`, so two
workers never wait on each other); the lease lapses if its holder dies, and the cursor only moves
for the lease holder from where it found it.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, func, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import Clock
from core.db import Base, BigId, Database, insert_ignoring_conflicts
from core.outbox import PARTITIONS, OutboxEvent

LEASE = timedelta(seconds=60)
# The oldest transaction still running, leaving out those known to run in other databases of
# the cluster (they never write our outbox, and a long one there must not stall us). One that
# finished since the snapshot is not in pg_stat_activity any more and so still counts: its
# events are invisible to this statement and must not be passed.
_HORIZON = text(
    """(SELECT coalesce(
      (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
       WHERE x::text::bigint % 4294967296 NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
      pg_snapshot_xmax(pg_current_snapshot())::text::bigint))"""
)

Handler = Callable[[Sequence[OutboxEvent]], Awaitable[None]]


class OutboxCursor(Base):
    __tablename__ = "outbox_cursor"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_xact_id: Mapped[int] = mapped_column(BigId, default=0, server_default="0")
    last_event_id: Mapped[int] = mapped_column(BigId, default=0)
    updated_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


@dataclass(frozen=True)
class Part:
    """Partitions p with p % count == index."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if PARTITIONS % self.count or not 0 <= self.index < self.count:
            raise ValueError(f"part {self.index}/{self.count} of {PARTITIONS} partitions")

    def cursor(self, consumer: str) -> str:
        return consumer if self.count == 1 else f"{consumer}#{self.index}/{self.count}"


WHOLE = Part()


def parts(count: int) -> list[Part]:
    return [Part(i, count) for i in range(count)]


@dataclass(frozen=True)
class Lag:
    consumer: str
    pending: int
    oldest_pending_at: datetime | None

    def seconds(self, now: datetime) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max(0.0, (now - self.oldest_pending_at).total_seconds())


@dataclass(frozen=True)
class _Position:
    xact_id: int
    event_id: int


def new_owner() -> str:
    return uuid.uuid4().hex


async def _ensure(session: AsyncSession, names: Sequence[str], clock: Clock) -> None:
    rows = [{"consumer": n, "last_event_id": 0, "updated_at": clock.now()} for n in names]
    await session.execute(insert_ignoring_conflicts(session, OutboxCursor), rows)


async def _claim(db: Database, name: str, owner: str, clock: Clock) -> _Position | None:
    """Take the cursor's lease, or None when another worker holds it."""
    now = clock.now()
    async with db.unit_of_work() as session:
        await _ensure(session, [name], clock)
        row = await session.scalar(
            select(OutboxCursor)
            .where(
                OutboxCursor.consumer == name,
                or_(
                    OutboxCursor.lease_until.is_(None),
                    OutboxCursor.lease_until < now,
                    OutboxCursor.lease_owner == owner,
                ),
            )
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return None
        row.lease_owner, row.lease_until = owner, now + LEASE
        return _Position(row.last_xact_id, row.last_event_id)


async def _release(
    db: Database, name: str, owner: str, at: _Position, to: _Position | None, clock: Clock
) -> None:
    values: dict[str, object] = {"lease_owner": None, "lease_until": None}
    if to is not None:
        values |= {"last_xact_id": to.xact_id, "last_event_id": to.event_id}
        values["updated_at"] = clock.now()
    async with db.unit_of_work() as session:
        await session.execute(
            update(OutboxCursor)
            .where(
                OutboxCursor.consumer == name,
                OutboxCursor.lease_owner == owner,
                OutboxCursor.last_xact_id == at.xact_id,
                OutboxCursor.last_event_id == at.event_id,
            )
            .values(values)
        )


def _after(at: _Position) -> ColumnElement[bool]:
    return tuple_(OutboxEvent.xact_id, OutboxEvent.id) > tuple_(at.xact_id, at.event_id)


def _settled(db: Database) -> list[ColumnElement[bool]]:
    return [OutboxEvent.xact_id < _HORIZON] if db.dialect == "postgresql" else []


def _in(part: Part) -> list[ColumnElement[bool]]:
    return [] if part.count == 1 else [OutboxEvent.partition % part.count == part.index]


async def drain_once(
    db: Database,
    consumer: str,
    handle: Handler,
    *,
    clock: Clock,
    batch: int = 500,
    part: Part = WHOLE,
    owner: str | None = None,
) -> int:
    """Hand one batch to the consumer and move its cursor; returns how many events it got (0 also
    when another worker holds this part)."""
    owner = owner or new_owner()
    name = part.cursor(consumer)
    at = await _claim(db, name, owner, clock)
    if at is None:
        return 0
    try:
        async with db.reader() as session:
            query = (
                select(OutboxEvent)
                .where(_after(at), *_settled(db), *_in(part))
                .order_by(OutboxEvent.xact_id, OutboxEvent.id)
                .limit(batch)
            )
            events = list((await session.scalars(query)).all())
        if events:
            await handle(events)
    except BaseException:
        await _release(db, name, owner, at, None, clock)
        raise
    last = _Position(events[-1].xact_id, events[-1].id) if events else None
    await _release(db, name, owner, at, last, clock)
    return len(events)


async def drain(
    db: Database,
    consumer: str,
    handle: Handler,
    *,
    clock: Clock,
    batch: int = 500,
    part: Part = WHOLE,
) -> int:
    """Hand over everything pending; returns how many events were handled."""
    total, owner = 0, new_owner()
    while handled := await drain_once(
        db, consumer, handle, clock=clock, batch=batch, part=part, owner=owner
    ):
        total += handled
    return total


async def start_at_end(db: Database, consumer: str, *, clock: Clock) -> None:
    """A consumer that has just rebuilt its state from the tables skips the events before."""
    async with db.unit_of_work() as session:
        last = (
            await session.execute(
                select(OutboxEvent.xact_id, OutboxEvent.id)
                .order_by(OutboxEvent.xact_id.desc(), OutboxEvent.id.desc())
                .limit(1)
            )
        ).first()
        await _ensure(session, [consumer], clock)
        await session.execute(
            update(OutboxCursor)
            .where(OutboxCursor.consumer == consumer)
            .values(
                last_xact_id=last[0] if last else 0,
                last_event_id=last[1] if last else 0,
                updated_at=clock.now(),
            )
        )


async def lag(db: Database, consumer: str, *, count: int = 1) -> Lag:
    """What the consumer (all its parts) has yet to handle."""
    pending, oldest = 0, None
    async with db.reader() as session:
        for part in parts(count):
            row = await session.get(OutboxCursor, part.cursor(consumer))
            at = _Position(row.last_xact_id, row.last_event_id) if row else _Position(0, 0)
            behind = select(OutboxEvent).where(_after(at), *_in(part)).subquery()
            found, first = (
                await session.execute(select(func.count(), func.min(behind.c.occurred_at)))
            ).one()
            pending += int(found or 0)
            if first is not None and (oldest is None or first < oldest):
                oldest = first
    return Lag(consumer, pending, oldest)
