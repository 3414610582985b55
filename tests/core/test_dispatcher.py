"""The outbox dispatcher: at-least-once delivery to every consumer, nothing lost on a crash,
parts shared by workers without doubling, and (PostgreSQL) no event skipped when transactions
commit out of order."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.db import Database
from core.dispatcher import Consumer, backlog, dispatch_round
from core.outbox import Event, OutboxEvent, record
from core.outbox_consumers import LEASE, OutboxCursor, Part, drain, drain_once, lag


@dataclass(frozen=True, kw_only=True)
class Happened(Event):
    aggregate_type: ClassVar[str] = "Thing"
    thing: int
    step: int

    @property
    def aggregate_id(self) -> str:
        return str(self.thing)


async def _record(db: Database, clock: FrozenClock, things: int, steps: int) -> None:
    async with db.unit_of_work() as session:
        for step in range(steps):
            for thing in range(things):
                record(session, Happened(thing=thing, step=step), clock=clock)


class Collector:
    def __init__(self, *, fail_after: int | None = None) -> None:
        self.seen: list[tuple[int, int]] = []
        self.fail_after = fail_after

    async def __call__(self, events: Sequence[OutboxEvent]) -> None:
        if self.fail_after is not None and len(self.seen) >= self.fail_after:
            raise ConnectionError("the consumer's backend is down")
        self.seen += [(e.payload["thing"], e.payload["step"]) for e in events]


async def test_every_consumer_gets_every_event_once_in_order(
    db: Database, clock: FrozenClock
) -> None:
    await _record(db, clock, things=5, steps=4)
    first, second = Collector(), Collector()
    consumers = [Consumer("first", first, batch=3), Consumer("second", second, parts=4, batch=2)]
    while await dispatch_round(db, consumers, clock=clock, owner="worker-1"):
        pass
    expected = sorted((t, s) for s in range(4) for t in range(5))
    assert sorted(first.seen) == expected
    assert sorted(second.seen) == expected
    for thing in range(5):  # each thing's steps arrive in the order they happened
        assert [s for t, s in second.seen if t == thing] == [0, 1, 2, 3]
    assert [lag.pending for lag in await backlog(db, consumers)] == [0, 0]


async def test_a_failing_batch_is_handed_over_again_and_nothing_is_lost(
    db: Database, clock: FrozenClock
) -> None:
    await _record(db, clock, things=3, steps=2)
    flaky = Collector(fail_after=2)
    assert await drain_once(db, "flaky", flaky, clock=clock, batch=2) == 2
    with pytest.raises(ConnectionError):
        await drain_once(db, "flaky", flaky, clock=clock, batch=2)
    assert (await lag(db, "flaky")).pending == 4
    flaky.fail_after = None
    assert await drain(db, "flaky", flaky, clock=clock, batch=2) == 4
    assert len(flaky.seen) == 6


async def test_a_held_part_is_skipped_and_taken_over_when_its_lease_lapses(
    db: Database, clock: FrozenClock
) -> None:
    await _record(db, clock, things=8, steps=1)
    part = Part(0, 2)
    stuck = asyncio.Event()
    release = asyncio.Event()

    async def slow(events: Sequence[OutboxEvent]) -> None:
        stuck.set()
        await release.wait()

    holder = asyncio.create_task(drain_once(db, "shared", slow, clock=clock, part=part, owner="a"))
    await stuck.wait()
    other = Collector()
    assert await drain_once(db, "shared", other, clock=clock, part=part, owner="b") == 0
    clock.advance(LEASE + timedelta(seconds=1))  # worker a is presumed dead
    taken = await drain_once(db, "shared", other, clock=clock, part=part, owner="b")
    assert taken == len(other.seen) > 0
    release.set()
    await holder  # a wakes up late: its cursor move is refused, b's stands
    async with db.reader() as session:
        cursor = await session.get(OutboxCursor, part.cursor("shared"))
    assert cursor is not None
    events = await _events(db)
    assert cursor.last_event_id == max(e.id for e in events if e.partition % 2 == 0)


async def _events(db: Database) -> list[OutboxEvent]:
    async with db.reader() as session:
        return list((await session.scalars(select(OutboxEvent))).all())


async def test_an_event_that_commits_late_is_not_skipped(db: Database, clock: FrozenClock) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite commits one writer at a time, in order; nothing can commit late")
    seen = Collector()
    async with db.unit_of_work() as slow:
        record(slow, Happened(thing=1, step=0), clock=clock)
        await slow.flush()  # took its id (and a transaction id) first, commits last
        await _record(db, clock, things=1, steps=1)  # thing 0 commits while thing 1 is pending
        await drain(db, "late", seen, clock=clock)
        assert seen.seen == []  # an older transaction is still open: wait for it
    await drain(db, "late", seen, clock=clock)
    assert sorted(seen.seen) == [(0, 0), (1, 0)]


async def test_a_long_transaction_in_another_database_does_not_stall_consumers(
    db: Database, clock: FrozenClock
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("only PostgreSQL shares transaction ids across databases")
    import asyncpg  # type: ignore[import-untyped]

    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    other = None
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = 'yiwang_other'")
        if not exists:
            await admin.execute("CREATE DATABASE yiwang_other")
        other = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/yiwang_other")
        long = other.transaction()
        await long.start()
        await other.execute("CREATE TEMP TABLE held (n int); INSERT INTO held VALUES (1)")
        await _record(db, clock, things=2, steps=1)
        seen = Collector()
        await drain(db, "elsewhere", seen, clock=clock)
        assert sorted(seen.seen) == [(0, 0), (1, 0)]
        await long.rollback()
    finally:
        if other is not None:
            await other.close()
        await admin.close()
