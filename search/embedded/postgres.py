"""PostgreSQL: a tsvector column over the same analysed text, with a GIN index.

The tsvector and tsquery are written as literals and cast, never parsed by `to_tsvector`: the
tokens are already the `simple` configuration's lexemes (lower case, no stemming, no stop
words), and skipping the server's parser keeps Chinese tokens intact whatever its locale.
Weights: A title, B pinyin, C category and supplier names, D filter keys.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    insert,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession

from search.analysis import Alternative, Clause, ParsedQuery, Term
from search.embedded.rows import Analysed
from search.embedded.text import Match, chunks
from search.models import TSV_COLUMN, document_table, row_table

_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_IN_BATCH = 1000
_tsv = literal_column("search_document.tsv", TSVECTOR)
_with_tsv = table(
    "search_document",
    *(column(c.name, c.type) for c in document_table.c),
    column(TSV_COLUMN, TSVECTOR),
)
_INSERT = insert(_with_tsv).values(
    {TSV_COLUMN: cast(bindparam("tsv_literal", type_=Text), TSVECTOR)}
)


class PostgresFullText:
    def match(self, words: ParsedQuery, keys: list[tuple[str, ...]], excluded: list[str]) -> Match:
        matching = " & ".join([*_words(words), *(_any(group) for group in keys)])
        if excluded:
            matching += f" & !{_any(tuple(excluded))}"
        where = _tsv.op("@@")(cast(bindparam("tsquery", matching, type_=Text), TSQUERY))
        source = document_table.join(row_table, row_table.c.offer_id == document_table.c.offer_id)
        return Match(
            source=source,
            where=where,
            relevance=_relevance(words),
            count=select(func.count()).select_from(document_table).where(where),
        )

    async def write(
        self, session: AsyncSession, rows: Sequence[dict[str, Any]], text: Sequence[Analysed]
    ) -> None:
        params = [{**row, "tsv_literal": tsvector(t)} for row, t in zip(rows, text, strict=True)]
        await session.execute(_INSERT, params)

    async def remove(self, session: AsyncSession, offer_ids: Sequence[int]) -> None:
        for ids in chunks(offer_ids, _IN_BATCH):
            await session.execute(document_table.delete().where(document_table.c.offer_id.in_(ids)))

    async def clear(self, session: AsyncSession) -> None:
        await session.execute(document_table.delete())


def _relevance(words: ParsedQuery) -> Any:
    """0 when every word is in the product's name (weights A, B), else 1: the same tiers as
    on SQLite, and cheaper than ts_rank, which reads every matched row's positions."""
    if words.is_empty:
        return None
    in_name = " & ".join(_words(words, weights="AB"))
    named = _tsv.op("@@")(cast(bindparam("name_tsquery", in_name, type_=Text), TSQUERY))
    return case((named, 0), else_=1)


def tsvector(text: Analysed) -> str:
    """A tsvector literal: every token with its position and its field's weight."""
    fields = ((text.title, "A"), (text.pinyin, "B"), (text.body, "C"), (text.keys, ""))
    entries: list[str] = []
    position = 0
    for tokens, weight in fields:
        for token in tokens:
            position = min(position + 1, _MAX_POSITION)
            entries.append(f"{_quote(token)}:{position}{weight}")
    return " ".join(entries)


def _words(words: ParsedQuery, *, weights: str = "") -> Iterator[str]:
    """tsquery text of each clause; `weights` restricts every lexeme to those fields."""
    return (_clause(c, weights) for c in words.clauses)


def _clause(clause: Clause, weights: str) -> str:
    return "(" + " | ".join(_alternative(a, weights) for a in clause) + ")"


def _alternative(alternative: Alternative, weights: str) -> str:
    return "(" + " & ".join(_term(t, weights) for t in alternative) + ")"


def _term(term: Term, weights: str) -> str:
    marks = ("*" if term.prefix else "") + weights
    own = _quote(term.text) + (f":{marks}" if marks else "")
    if not term.variants:
        return own
    suffix = f":{weights}" if weights else ""
    return "(" + " | ".join([own, *(_quote(v) + suffix for v in term.variants)]) + ")"


def _any(keys: tuple[str, ...]) -> str:
    return "(" + " | ".join(_quote(k) for k in keys) + ")"


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
