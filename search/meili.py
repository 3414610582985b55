"""The Meilisearch backend, through the official (synchronous) client run in worker threads.

Settings go in before the first document (the index is created and configured on first use),
documents in batches, and every write waits for its task, with a timeout, so a returned call
means the change is searchable. Callers must hold no database transaction (see port.py).
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

import meilisearch
from meilisearch.errors import MeilisearchApiError, MeilisearchError
from meilisearch.models.task import TaskInfo

from search.analysis import SynonymSet, parse_query, query_tokens
from search.documents import OfferDocument, SearchQuery, SearchResult
from search.errors import SearchBackendError
from search.meili_mapping import (
    PRIMARY_KEY,
    SETTINGS,
    search_params,
    synonym_groups,
    synonym_map,
    to_document,
    to_result,
)
from search.rules import check_query, check_synonyms

T = TypeVar("T")

_BATCH = 1_000
_REQUEST_TIMEOUT_S = 10
_TASK_TIMEOUT_MS = 60_000  # a batch of a thousand documents indexes in well under this
_TASK_POLL_MS = 50


class MeiliSearchIndex:
    """The SearchIndex on a Meilisearch server (used when YIWANG_MEILI_URL is set)."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        index_name: str = "offers",
        client: meilisearch.Client | None = None,
    ) -> None:
        self._client = client or meilisearch.Client(url, api_key, timeout=_REQUEST_TIMEOUT_S)
        self._index = self._client.index(index_name)
        self._name = index_name
        self._configured = False
        self._configuring = asyncio.Lock()

    async def upsert(self, docs: Sequence[OfferDocument]) -> None:
        latest = {doc.offer_id: doc for doc in docs}.values()
        payload = [to_document(doc) for doc in latest]
        if payload:
            await self._call(lambda: self._add(payload))

    async def delete(self, offer_ids: Sequence[int]) -> None:
        ids = sorted({int(i) for i in offer_ids})
        if ids:
            await self._call(lambda: self._delete(ids))

    async def search(self, query: SearchQuery) -> SearchResult:
        facets = check_query(query)
        await self._configure()
        # Our tokens, not the raw text: Meilisearch reads `"…"` as a phrase and `-word` as NOT,
        # which the embedded backend does not; words alone mean the same on both.
        text = " ".join(query_tokens(query.text))
        params = search_params(query, facets)
        response = await asyncio.to_thread(_translated, lambda: self._index.search(text, params))
        words = parse_query(query.text, SynonymSet())  # for highlights Meilisearch leaves out
        return to_result(query, words, response, facets)

    async def set_synonyms(self, groups: Sequence[Sequence[str]]) -> None:
        mapping = synonym_map(check_synonyms(groups))
        await self._call(lambda: self._wait(self._index.update_synonyms(mapping)))

    async def synonyms(self) -> list[tuple[str, ...]]:
        await self._configure()
        return synonym_groups(await asyncio.to_thread(_translated, self._index.get_synonyms))

    async def clear(self) -> None:
        await self._call(lambda: self._wait(self._index.delete_all_documents()))

    async def count(self) -> int:
        await self._configure()
        stats = await asyncio.to_thread(_translated, self._index.get_stats)
        return stats.number_of_documents

    async def _call(self, work: Callable[[], object]) -> None:
        await self._configure()
        await asyncio.to_thread(_translated, work)

    async def _configure(self) -> None:
        if self._configured:
            return
        async with self._configuring:
            if not self._configured:
                await asyncio.to_thread(_translated, self._create_and_configure)
                self._configured = True

    def _create_and_configure(self) -> None:
        try:
            self._wait(self._client.create_index(self._name, {"primaryKey": PRIMARY_KEY}))
        except SearchBackendError as exists:
            if "index_already_exists" not in str(exists):
                raise
        self._wait(self._index.update_settings(SETTINGS))

    def _add(self, payload: list[dict[str, object]]) -> None:
        for start in range(0, len(payload), _BATCH):
            batch = payload[start : start + _BATCH]
            self._wait(self._index.add_documents(batch, primary_key=PRIMARY_KEY))

    def _delete(self, ids: list[int]) -> None:
        for start in range(0, len(ids), _BATCH):
            batch = ", ".join(str(i) for i in ids[start : start + _BATCH])
            self._wait(self._index.delete_documents(filter=f"{PRIMARY_KEY} IN [{batch}]"))

    def _wait(self, task: TaskInfo) -> None:
        done = self._client.wait_for_task(
            task.task_uid, timeout_in_ms=_TASK_TIMEOUT_MS, interval_in_ms=_TASK_POLL_MS
        )
        if done.status != "succeeded":
            error = done.error or {}
            raise SearchBackendError(
                f"Meilisearch task {task.task_uid} {done.status}: "
                f"{error.get('code', '')} {error.get('message', '')}"
            )


def _translated(work: Callable[[], T]) -> T:
    """Client failures (connection, timeout, API) become SearchBackendError."""
    try:
        return work()
    except MeilisearchApiError as error:
        raise SearchBackendError(f"Meilisearch: {error.code}: {error.message}") from error
    except MeilisearchError as error:
        raise SearchBackendError(f"Meilisearch: {error}") from error
