"""What each dialect's full-text index must provide to the embedded backend."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause, Select
from sqlalchemy.ext.asyncio import AsyncSession

from search.analysis import ParsedQuery
from search.embedded.rows import Analysed


@dataclass(frozen=True)
class Match:
    """What the full-text index found. `source` joins the hits to `search_row`, restricted by
    `where`; `relevance` orders the best match first (None when the query has no words);
    `count` counts the hits from the index alone, without reading a row."""

    source: FromClause
    where: ColumnElement[bool]
    relevance: ColumnElement[Any] | None
    count: Select[Any]


class FullText(Protocol):
    def match(self, words: ParsedQuery, keys: list[tuple[str, ...]], excluded: list[str]) -> Match:
        """`keys`: groups that must all match, any key of a group (see keys.query_key_groups);
        `excluded`: keys none of which may match."""
        ...

    async def write(
        self, session: AsyncSession, rows: Sequence[dict[str, Any]], text: Sequence[Analysed]
    ) -> None:
        """Inserts new `search_document` rows and indexes their text."""
        ...

    async def remove(self, session: AsyncSession, offer_ids: Sequence[int]) -> None:
        """Unindexes and deletes these `search_document` rows; ids not present are ignored."""
        ...

    async def clear(self, session: AsyncSession) -> None: ...


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
