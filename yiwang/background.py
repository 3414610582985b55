"""What each server process (and each `yiwang worker`) runs beside requests: the outbox
dispatcher with every consumer, partners' webhook deliveries, and supervision's scheduled pass."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from core.clock import Clock
from core.db import Database
from core.dispatcher import Consumer, run
from core.holidays_cn import default_calendar
from core.outbox import OutboxEvent
from core.settings import Settings
from partners import delivery, messages
from search import indexing
from search.port import SearchIndex
from supervision import engine
from supervision.sweep import sweep

log = logging.getLogger("yiwang.background")


def consumers(db: Database, index: SearchIndex, *, clock: Clock) -> list[Consumer]:
    calendar = default_calendar()

    async def index_events(events: Sequence[OutboxEvent]) -> None:
        await indexing.refresh_offers(db, index, sorted(await indexing.offers_touched(db, events)))

    async def judge(events: Sequence[OutboxEvent]) -> None:
        await engine.judge_events(db, events, clock=clock, calendar=calendar)

    async def tell_partners(events: Sequence[OutboxEvent]) -> None:
        await messages.on_events(db, events, clock=clock)

    return [
        Consumer(indexing.CONSUMER, index_events, batch=indexing.BATCH),
        Consumer(engine.CONSUMER, judge, parts=engine.PARTS, batch=engine.BATCH),
        Consumer(messages.CONSUMER, tell_partners, parts=messages.PARTS, batch=messages.BATCH),
    ]


async def run_dispatcher(
    db: Database, index: SearchIndex, *, settings: Settings, clock: Clock
) -> None:
    await run(
        db,
        consumers(db, index, clock=clock),
        clock=clock,
        idle_seconds=settings.dispatch_idle_seconds,
    )


async def run_worker(db: Database, index: SearchIndex, *, settings: Settings, clock: Clock) -> None:
    """`yiwang worker`: the dispatcher and the webhook sender, until cancelled."""
    await asyncio.gather(
        run_dispatcher(db, index, settings=settings, clock=clock),
        delivery.run_deliveries(db, settings=settings, clock=clock),
    )


async def run_sweeps(db: Database, *, settings: Settings, clock: Clock) -> None:
    calendar = default_calendar()
    while True:
        await asyncio.sleep(settings.supervision_sweep_interval_seconds)
        try:
            report = await sweep(db, clock=clock, calendar=calendar)
            log.info("supervision sweep: %s", report)
        except Exception:
            log.exception("supervision sweep failed; trying again next time")


def start(
    db: Database, index: SearchIndex, *, settings: Settings, clock: Clock
) -> list["asyncio.Task[None]"]:
    tasks = []
    if settings.dispatch_in_process:
        tasks.append(asyncio.create_task(run_dispatcher(db, index, settings=settings, clock=clock)))
        tasks.append(
            asyncio.create_task(delivery.run_deliveries(db, settings=settings, clock=clock))
        )
    if settings.supervision_sweep_interval_seconds > 0:
        tasks.append(asyncio.create_task(run_sweeps(db, settings=settings, clock=clock)))
    return tasks


async def stop(tasks: list["asyncio.Task[None]"]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
