"""The outbox dispatcher: runs every registered consumer's parts until stopped.

It runs inside each server process by default, and as `yiwang worker` processes at scale; any
number of them share the work through the cursor leases in `outbox_consumers`.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

from core.clock import Clock
from core.db import Database
from core.outbox_consumers import Handler, Lag, Part, drain_once, lag, new_owner, parts

log = logging.getLogger("yiwang.dispatcher")


@dataclass(frozen=True)
class Consumer:
    name: str
    handle: Handler
    parts: int = 1
    batch: int = 500


async def dispatch_round(
    db: Database, consumers: Sequence[Consumer], *, clock: Clock, owner: str
) -> int:
    """One batch for every part that has work and no other worker on it; how many events moved.

    A consumer whose handler fails is logged and left for the next round; the others go on.
    """
    work = [(c, p) for c in consumers for p in parts(c.parts)]
    random.shuffle(work)
    moved = 0
    for consumer, part in work:
        moved += await _one(db, consumer, part, clock=clock, owner=owner)
    return moved


async def _one(db: Database, consumer: Consumer, part: Part, *, clock: Clock, owner: str) -> int:
    try:
        return await drain_once(
            db,
            consumer.name,
            consumer.handle,
            clock=clock,
            batch=consumer.batch,
            part=part,
            owner=owner,
        )
    except (OSError, ConnectionError, TimeoutError) as error:
        log.warning("consumer %s: %s; retrying", part.cursor(consumer.name), error)
    except Exception:
        log.exception("consumer %s failed; retrying", part.cursor(consumer.name))
    return 0


async def run(
    db: Database,
    consumers: Sequence[Consumer],
    *,
    clock: Clock,
    idle_seconds: float,
    stop: asyncio.Event | None = None,
) -> None:
    """Dispatch until `stop` is set (or the task is cancelled), resting only when idle."""
    owner = new_owner()
    stop = stop or asyncio.Event()
    while not stop.is_set():
        if not await dispatch_round(db, consumers, clock=clock, owner=owner):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle_seconds)


async def backlog(db: Database, consumers: Sequence[Consumer]) -> list[Lag]:
    return [await lag(db, c.name, count=c.parts) for c in consumers]
