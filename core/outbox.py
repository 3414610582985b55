"""The transactional outbox: an event is written in the same transaction as the change it reports.

The dispatcher (`outbox_consumers`) hands each row to every consumer at least once; consumers
dedupe by `OutboxEvent.event_id` or are idempotent by nature.

`xact_id` is the writing transaction's id on PostgreSQL (0 on SQLite): consumers read events in
(xact_id, id) order and only those of transactions older than every transaction still running,
so an event that commits late can never slip behind a consumer's cursor. `partition` spreads
aggregates over PARTITIONS buckets, so several workers can share one consumer and still see each
aggregate's events in order.
"""

import dataclasses
import uuid
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Index, SmallInteger, String, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from core.clock import Clock
from core.db import Base, BigId, Json

PARTITIONS = 64


class current_xact_id(FunctionElement[int]):
    type = BigInteger()
    inherit_cache = True


@compiles(current_xact_id)
def _current_xact_id_default(element: current_xact_id, compiler: SQLCompiler, **kw: Any) -> str:
    return "0"


@compiles(current_xact_id, "postgresql")
def _current_xact_id_pg(element: current_xact_id, compiler: SQLCompiler, **kw: Any) -> str:
    return "pg_current_xact_id()::text::bigint"


def partition_of(aggregate_type: str, aggregate_id: str) -> int:
    return zlib.crc32(f"{aggregate_type}:{aggregate_id}".encode()) % PARTITIONS


class OutboxEvent(Base):
    __tablename__ = "outbox_event"
    __table_args__ = (
        Index("ix_outbox_event_pending", "dispatched_at", "id"),
        Index("ix_outbox_event_xact_id_id", "xact_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    occurred_at: Mapped[datetime]
    dispatched_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    xact_id: Mapped[int] = mapped_column(BigInteger, default=current_xact_id(), server_default="0")
    partition: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


_REGISTERED: dict[str, type["Event"]] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event; subclasses are frozen dataclasses of JSON-able fields.

    A concrete subclass's `event_type` is its class name, stored in the outbox row; a base that
    only shares fields says `abstract=True` and is never stored.
    """

    event_type: ClassVar[str]
    aggregate_type: ClassVar[str]

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in vars(cls):
            raise TypeError(f"{cls.__qualname__}: event_type is the class name, not written")
        if abstract:
            return
        if cls.__name__ in _REGISTERED:
            raise TypeError(f"event type {cls.__name__} is already {_REGISTERED[cls.__name__]}")
        cls.event_type = cls.__name__
        _REGISTERED[cls.__name__] = cls

    @property
    def aggregate_id(self) -> str:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def registered() -> Mapping[str, type[Event]]:
    """Every concrete event class by its stored `event_type` (those imported so far)."""
    return MappingProxyType(_REGISTERED)


def record(session: AsyncSession, event: Event, *, clock: Clock) -> OutboxEvent:
    row = OutboxEvent(**_values(event, clock.now()))
    session.add(row)
    return row


async def record_all(session: AsyncSession, events: Sequence[Event], *, clock: Clock) -> None:
    """`record` of many events, in one INSERT batch."""
    if events:
        now = clock.now()
        await session.execute(insert(OutboxEvent), [_values(event, now) for event in events])


def _values(event: Event, now: datetime) -> dict[str, Any]:
    return {
        "event_id": uuid.uuid4().hex,
        "event_type": event.event_type,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "payload": event.payload(),
        "occurred_at": now,
        "dispatched_at": None,
        "attempts": 0,
        "partition": partition_of(event.aggregate_type, event.aggregate_id),
    }
