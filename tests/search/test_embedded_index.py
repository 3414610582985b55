"""What only the embedded backend has: its schema, its facet sample, its full-text index."""

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from core.db import Database
from search.documents import FacetName
from search.embedded import EmbeddedSearchIndex
from search.models import include_name
from tests.search.catalogue import catalogue, query
from yiwang.all_models import Base


def _diffs(connection: Connection, hook: Any) -> list[Any]:
    opts = {"compare_type": True, "include_name": hook}
    context = MigrationContext.configure(connection, opts=opts)
    return [d for d in compare_metadata(context, Base.metadata) if "search_" in repr(d)]


async def test_the_migration_matches_the_models_once_the_hook_hides_the_full_text_index(
    db: Database,
) -> None:
    async with db.read_engine.connect() as connection:
        assert await connection.run_sync(_diffs, include_name) == []
        unhooked = await connection.run_sync(_diffs, None)
    hidden = "search_fts" if db.dialect == "sqlite" else "tsv"
    assert unhooked
    assert all(hidden in repr(diff) for diff in unhooked)


async def test_facets_of_a_large_result_are_estimated_from_a_sample(db: Database) -> None:
    index = EmbeddedSearchIndex(db, facet_sample=3)
    await index.clear()
    await index.upsert(catalogue())
    result = await index.search(query(facets=("brand",)))
    assert result.total == 7
    assert not result.facets_exact
    brand = result.facet(FacetName.BRAND)
    assert brand is not None
    assert [v.count for v in brand.values] == [2, 2, 2]  # 1 each in 3 of 7, scaled


async def test_concurrent_searches_and_writes(db: Database) -> None:
    index = EmbeddedSearchIndex(db)
    await index.clear()
    await index.upsert(catalogue())
    searches = [index.search(query("联想")) for _ in range(10)]
    results = await asyncio.gather(*searches, index.upsert(catalogue()[:2]))
    assert all(r is None or r.total == 2 for r in results)


async def test_the_full_text_index_stays_consistent_after_replacements(db: Database) -> None:
    index = EmbeddedSearchIndex(db)
    await index.clear()
    for _ in range(3):
        await index.upsert(catalogue())
    await index.delete([1, 2])
    if db.dialect == "sqlite":
        async with db.reader() as session:
            check = "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"
            await session.execute(text(check))  # raises if the index and its content disagree
    assert await index.count() == len(catalogue()) - 2
