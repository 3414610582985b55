"""SQLite: an FTS5 table over `search_document` (external content, `detail=column`).

The analysed text is stored once, in `search_document.fts_*`; FTS5 keeps only its inverted
index. External content (rather than contentless) because SQLite 3.40 can only remove a row
from a contentless index by repeating the exact tokens it was indexed with: here they are read
back from the content row, so a change of jieba dictionary or pypinyin can never corrupt the
index. `detail=column` drops token positions (no phrase queries are made: cut_for_search
emits overlapping words, so phrases would not match anyway) and keeps column filters.

Matches are joined to the narrow `search_row` by rowid (= offer id); `active` is left out of
the row conditions (keys carry it) so SQLite never plans a search through the row table's
partial index, which would run the full-text query once per row.

Queries are built only from quoted tokens (letters and digits, see analysis), so no user text
reaches the FTS5 query syntax.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Text,
    bindparam,
    case,
    column,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from search.analysis import Alternative, Clause, ParsedQuery, Term
from search.embedded.rows import Analysed
from search.embedded.text import Match, chunks
from search.models import FTS_TABLE, document_table, row_table

# The FTS5 columns, in the migration's order: fts_title, fts_pinyin, fts_body, fts_keys.
_NAME_COLUMNS = "{fts_title fts_pinyin}"  # the product's own words (and their pinyin)
_TEXT_COLUMNS = "{fts_title fts_pinyin fts_body}"
_INDEX_COLUMNS = ("offer_id", "fts_title", "fts_pinyin", "fts_body", "fts_keys")
_IN_BATCH = 500


_fts = table(FTS_TABLE, column("rowid", Integer))
_UNINDEX = text(
    "INSERT INTO search_fts(search_fts, rowid, fts_title, fts_pinyin, fts_body, fts_keys) "
    "SELECT 'delete', offer_id, fts_title, fts_pinyin, fts_body, fts_keys "
    "FROM search_document WHERE offer_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_INDEX = text(
    "INSERT INTO search_fts(rowid, fts_title, fts_pinyin, fts_body, fts_keys) "
    "VALUES (:offer_id, :fts_title, :fts_pinyin, :fts_body, :fts_keys)"
)
_DELETE_ALL = text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")


class SqliteFullText:
    def match(self, words: ParsedQuery, keys: list[tuple[str, ...]], excluded: list[str]) -> Match:
        source = _fts.join(row_table, row_table.c.offer_id == _fts.c.rowid)
        condition = _matches(fts_query(words, keys, excluded), "fts_query")
        return Match(
            source=source,
            where=condition,
            relevance=self._relevance(words, keys, excluded),
            count=select(func.count()).select_from(_fts).where(condition),
        )

    def _relevance(
        self, words: ParsedQuery, keys: list[tuple[str, ...]], excluded: list[str]
    ) -> Any:
        """0 when every word is in the product's name, 1 when some only in the category or
        supplier name. A subquery SQLite runs once, not bm25: bm25 costs ~10 µs a row, too
        much for the tens of thousands of rows a one-word query matches at a million offers."""
        if words.is_empty:
            return None
        name_query = fts_query(words, keys, excluded, columns=_NAME_COLUMNS)
        in_name = select(_fts.c.rowid).where(_matches(name_query, "fts_name_query"))
        in_name = in_name.correlate(None)  # its own search_fts, not the outer query's
        return case((row_table.c.offer_id.in_(in_name), 0), else_=1)

    async def write(
        self, session: AsyncSession, rows: Sequence[dict[str, Any]], text: Sequence[Analysed]
    ) -> None:
        await session.execute(insert(document_table), list(rows))
        fts_rows = [{c: row[c] for c in _INDEX_COLUMNS} for row in rows]
        await session.execute(_INDEX, fts_rows)

    async def remove(self, session: AsyncSession, offer_ids: Sequence[int]) -> None:
        for ids in chunks(offer_ids, _IN_BATCH):
            await session.execute(_UNINDEX, {"ids": list(ids)})
            await session.execute(document_table.delete().where(document_table.c.offer_id.in_(ids)))

    async def clear(self, session: AsyncSession) -> None:
        await session.execute(_DELETE_ALL)
        await session.execute(document_table.delete())


def _matches(query: str, name: str) -> ColumnElement[bool]:
    bound = bindparam(name, query, type_=Text)
    return literal_column(FTS_TABLE).op("MATCH", return_type=Boolean)(bound)


def fts_query(
    words: ParsedQuery,
    keys: list[tuple[str, ...]],
    excluded: list[str],
    *,
    columns: str = _TEXT_COLUMNS,
) -> str:
    """An FTS5 MATCH expression: the words in `columns`, each key group in fts_keys, and
    none of the excluded keys."""
    parts = [_keys(group) for group in keys]
    if not words.is_empty:
        clauses = " AND ".join(_clause(c) for c in words.clauses)
        parts.insert(0, f"{columns} : ({clauses})")
    found = " AND ".join(parts)
    return f"({found}) NOT {_keys(excluded)}" if excluded else found


def _keys(keys: Sequence[str]) -> str:
    return f"fts_keys : ({' OR '.join(_quote(k) for k in keys)})"


def _clause(clause: Clause) -> str:
    return "(" + " OR ".join(_alternative(a) for a in clause) + ")"


def _alternative(alternative: Alternative) -> str:
    return "(" + " AND ".join(_term(t) for t in alternative) + ")"


def _term(term: Term) -> str:
    own = _quote(term.text) + (" *" if term.prefix else "")
    if not term.variants:
        return own
    return "(" + " OR ".join([own, *(_quote(v) for v in term.variants)]) + ")"


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'
