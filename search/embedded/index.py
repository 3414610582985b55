"""The embedded backend: search in the application's own database (SQLite FTS5 or PostgreSQL
full text), so a fresh install searches with no other service.

One full-text lookup finds the offers whose words *and* filter keys match (visibility,
category, brand, agreement, hall, policy tags, end date; see keys.py), so the total comes from
the index alone. Only the matches are then read, through the narrow `search_row`: to apply a
price range, to order, and to count facets by facet set. Facet counts are exact up to
`facet_sample` matches; above, they are estimated from the first `facet_sample` (by offer id)
and scaled to the total, and the result says so (`facets_exact`), as hosted engines do.
"""

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database, insert_ignoring_conflicts
from search.analysis import (
    ParsedQuery,
    SynonymSet,
    parse_query,
    synonym_key,
    synonym_lookup_keys,
    vocabulary_lookups,
    with_vocabulary,
)
from search.documents import FacetName, OfferDocument, SearchQuery, SearchResult
from search.embedded import query as statements
from search.embedded.postgres import PostgresFullText
from search.embedded.result import hits, result
from search.embedded.rows import Analysed, document_row, prepare, search_row
from search.embedded.sqlite import SqliteFullText
from search.embedded.text import FullText, Match, chunks
from search.keys import expiry_key, query_key_groups
from search.models import (
    SearchFacetSet,
    SearchRow,
    SearchSynonym,
    SearchVocabulary,
    facet_set_table,
    row_table,
    synonym_table,
    vocabulary_table,
)
from search.rules import check_query, check_synonyms

_WRITE_BATCH = 500
FACET_SAMPLE = 20_000


class EmbeddedSearchIndex:
    """The SearchIndex over `db`: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

    def __init__(self, db: Database, *, facet_sample: int = FACET_SAMPLE) -> None:
        self._db = db
        self._text: FullText = SqliteFullText() if db.dialect == "sqlite" else PostgresFullText()
        self._facet_sample = facet_sample

    async def upsert(self, docs: Sequence[OfferDocument]) -> None:
        latest = {doc.offer_id: doc for doc in docs}.values()
        prepared = [prepare(doc) for doc in latest]  # CPU work before the write lock
        async with self._db.unit_of_work() as session:
            set_ids = await self._facet_set_ids(session, [p.facets for p in prepared])
            for batch in chunks(prepared, _WRITE_BATCH):
                await self._remove(session, [p.doc.offer_id for p in batch])
                rows = [document_row(p.doc, p.text) for p in batch]
                await self._text.write(session, rows, [p.text for p in batch])
                searchable = [search_row(p.doc, set_ids[p.signature]) for p in batch]
                await session.execute(row_table.insert(), searchable)
            await self._add_vocabulary(session, [p.text for p in prepared])

    async def delete(self, offer_ids: Sequence[int]) -> None:
        async with self._db.unit_of_work() as session:
            for batch in chunks(list(dict.fromkeys(offer_ids)), _WRITE_BATCH):
                await self._remove(session, batch)

    async def search(self, query: SearchQuery) -> SearchResult:
        facets = check_query(query)
        async with self._db.reader() as session:
            words = await self._parse(session, query.text)
            match = await self._match(session, query, words)
        # Three reads, each in its own short session, side by side (on SQLite each connection
        # works in its own thread): the answer waits for the slowest, not for the sum.
        total, (ids, rows), counted = await asyncio.gather(
            self._total(match, query), self._page(match, query), self._facets(match, query, facets)
        )
        return result(query, hits(words, ids, rows), total, facets, counted)

    async def _total(self, match: Match, query: SearchQuery) -> int:
        async with self._db.reader() as session:
            return int(await session.scalar(statements.total(match, query)) or 0)

    async def _page(self, match: Match, query: SearchQuery) -> tuple[list[int], list[Any]]:
        async with self._db.reader() as session:
            ids = list(await session.scalars(statements.page_ids(match, query)))
            rows = list(await session.execute(statements.documents(ids))) if ids else []
        return ids, rows

    async def _facets(
        self, match: Match, query: SearchQuery, facets: tuple[FacetName, ...]
    ) -> list[Any]:
        if not facets:
            return []
        async with self._db.reader() as session:
            counted = statements.facet_counts(match, query, self._facet_sample)
            return [tuple(row) for row in await session.execute(counted)]

    async def set_synonyms(self, groups: Sequence[Sequence[str]]) -> None:
        cleaned = check_synonyms(groups)
        rows = [
            {"group_id": g, "position": p, "term": term, "term_key": synonym_key(term)}
            for g, group in enumerate(cleaned, start=1)
            for p, term in enumerate(group, start=1)
        ]
        async with self._db.unit_of_work() as session:
            await session.execute(synonym_table.delete())
            if rows:
                await session.execute(synonym_table.insert(), rows)

    async def synonyms(self) -> list[tuple[str, ...]]:
        terms = select(SearchSynonym.group_id, SearchSynonym.term)
        async with self._db.reader() as session:
            found = await session.execute(
                terms.order_by(SearchSynonym.group_id, SearchSynonym.position)
            )
            return _grouped(found)

    async def clear(self) -> None:
        async with self._db.unit_of_work() as session:
            await self._text.clear(session)
            for table in (row_table, facet_set_table, vocabulary_table):
                await session.execute(table.delete())

    async def count(self) -> int:
        async with self._db.reader() as session:
            return int(await session.scalar(select(func.count()).select_from(SearchRow)) or 0)

    async def _match(self, session: AsyncSession, query: SearchQuery, words: ParsedQuery) -> Match:
        excluded = [expiry_key(day) for day in await _expired_days(session, query.today)]
        return self._text.match(words, query_key_groups(query), excluded)

    async def _parse(self, session: AsyncSession, text: str) -> ParsedQuery:
        words = parse_query(text, await _synonyms_for(session, text))
        lookups = vocabulary_lookups(words)
        if not lookups:
            return words
        known = select(SearchVocabulary.token).where(SearchVocabulary.token.in_(lookups))
        return with_vocabulary(words, set(await session.scalars(known)))

    async def _remove(self, session: AsyncSession, offer_ids: Sequence[int]) -> None:
        await self._text.remove(session, offer_ids)
        await session.execute(row_table.delete().where(row_table.c.offer_id.in_(offer_ids)))

    async def _facet_set_ids(
        self, session: AsyncSession, facet_sets: list[dict[str, Any]]
    ) -> dict[str, int]:
        """Every facet set these documents need, made if new: signature → id."""
        wanted = {row["signature"]: row for row in facet_sets}
        ids: dict[str, int] = {}
        for batch in chunks(list(wanted), _WRITE_BATCH):
            await session.execute(
                insert_ignoring_conflicts(self._db.dialect, facet_set_table),
                [wanted[signature] for signature in batch],
            )
            found = select(SearchFacetSet.signature, SearchFacetSet.id).where(
                SearchFacetSet.signature.in_(batch)
            )
            ids.update({signature: id_ for signature, id_ in await session.execute(found)})
        return ids

    async def _add_vocabulary(self, session: AsyncSession, analysed: list[Analysed]) -> None:
        tokens = sorted(set().union(*(a.vocabulary for a in analysed)))
        for batch in chunks(tokens, _WRITE_BATCH):
            await session.execute(
                insert_ignoring_conflicts(self._db.dialect, vocabulary_table),
                [{"token": t} for t in batch],
            )


async def _expired_days(session: AsyncSession, today: date) -> list[date]:
    """Usually none: the expiry job and the indexer turn such documents inactive."""
    days: list[date] = []
    while day := await session.scalar(statements.expired_day(today, days[-1] if days else None)):
        days.append(day)
    return days


async def _synonyms_for(session: AsyncSession, text: str) -> SynonymSet:
    """Only the groups a run of the query's tokens could spell: two indexed lookups."""
    keys = synonym_lookup_keys(text)
    if not keys:
        return SynonymSet()
    groups = select(SearchSynonym.group_id).where(SearchSynonym.term_key.in_(keys))
    found = await session.execute(
        select(SearchSynonym.group_id, SearchSynonym.term)
        .where(SearchSynonym.group_id.in_(groups))
        .order_by(SearchSynonym.group_id, SearchSynonym.position)
    )
    return SynonymSet(_grouped(found))


def _grouped(rows: Iterable[Any]) -> list[tuple[str, ...]]:
    groups: dict[int, list[str]] = {}
    for group_id, term in rows:
        groups.setdefault(group_id, []).append(term)
    return [tuple(terms) for terms in groups.values()]
