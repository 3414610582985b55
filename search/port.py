"""The index port: what the rest of Yiwang may ask of a search backend.

Pages are offsets (`SearchQuery.page`), not keysets: relevance order has no stable key to seek
from (a score depends on the query and, on Meilisearch, is not even returned exactly), results
are capped at `rules.MAX_RESULT_WINDOW` so an offset never grows unbounded, and a result list
that shifts a little while the index changes is acceptable for search, unlike for orders.
"""

from collections.abc import Sequence
from typing import Protocol

from search.documents import OfferDocument, SearchQuery, SearchResult


class SearchIndex(Protocol):
    """Documents in, visible and filtered hits out. Writes are idempotent: an upsert replaces
    a document with the same offer_id, deleting a missing offer does nothing.

    No method may be called while a database transaction of the caller is open (a remote
    backend would hold that transaction open across the network).
    """

    async def upsert(self, docs: Sequence[OfferDocument]) -> None: ...

    async def delete(self, offer_ids: Sequence[int]) -> None: ...

    async def search(self, query: SearchQuery) -> SearchResult:
        """Raises SearchError for a query no backend should run (see rules.check_query)."""
        ...

    async def set_synonyms(self, groups: Sequence[Sequence[str]]) -> None:
        """Replaces every synonym group (each a sequence of interchangeable terms)."""
        ...

    async def synonyms(self) -> list[tuple[str, ...]]: ...

    async def clear(self) -> None:
        """Removes every document (synonyms stay)."""
        ...

    async def count(self) -> int: ...
