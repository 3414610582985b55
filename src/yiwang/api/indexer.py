"""The search indexer running inside each server process: it applies pending outbox events to
the index every few moments. Several processes may run it at once; the index writes are
idempotent and the cursor only moves forward."""

import asyncio
import contextlib
import logging

from yiwang.core.clock import Clock
from yiwang.core.db import Database
from yiwang.core.settings import Settings
from yiwang.search import indexing
from yiwang.search.errors import SearchBackendError
from yiwang.search.port import SearchIndex

log = logging.getLogger("yiwang.indexer")


def start_indexer(
    db: Database, index: SearchIndex, *, settings: Settings, clock: Clock
) -> "asyncio.Task[None] | None":
    if settings.search_index_interval_seconds <= 0:
        return None
    return asyncio.create_task(_run(db, index, settings.search_index_interval_seconds, clock))


async def _run(db: Database, index: SearchIndex, interval: float, clock: Clock) -> None:
    while True:
        try:
            await indexing.catch_up(db, index, clock=clock)
        except (SearchBackendError, OSError) as error:
            log.warning("search indexer: %s; retrying in %.0f s", error, interval)
        await asyncio.sleep(interval)


async def stop_indexer(task: "asyncio.Task[None] | None") -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
