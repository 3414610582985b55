"""Every behavioural search test runs against each backend: the embedded one always, and
Meilisearch when YIWANG_MEILI_URL names a server (read here, at import: the root conftest
removes YIWANG_* variables before each test)."""

import os
import uuid

import pytest

from core.db import Database
from search.embedded import EmbeddedSearchIndex
from search.port import SearchIndex

MEILI_URL = os.environ.get("YIWANG_MEILI_URL")
MEILI_API_KEY = os.environ.get("YIWANG_MEILI_API_KEY")
_MEILI_INDEX = f"yiwang_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["embedded", "meilisearch"])
async def index(request: pytest.FixtureRequest, db: Database) -> SearchIndex:
    backend: SearchIndex
    if request.param == "meilisearch":
        if not MEILI_URL:
            pytest.skip("YIWANG_MEILI_URL is not set: no Meilisearch server to test against")
        from search.meili import MeiliSearchIndex

        backend = MeiliSearchIndex(MEILI_URL, api_key=MEILI_API_KEY, index_name=_MEILI_INDEX)
    else:
        backend = EmbeddedSearchIndex(db)
    # The root conftest empties ORM tables only: the FTS5 index and Meilisearch need this.
    await backend.clear()
    await backend.set_synonyms([])
    return backend
