"""The statements of an embedded search, built on what the full-text index matched."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from search.documents import SearchQuery, SearchSort
from search.embedded.text import Match
from search.models import SearchDocument, SearchFacetSet, SearchRow

_R = SearchRow
_DOCUMENT_COLUMNS = [c for c in SearchDocument.__table__.c if not c.name.startswith("fts_")]


def expired_day(today: date, after: date | None) -> Select[Any]:
    """The first day after `after` and before today on which the agreement of a still-active
    document ended (between an agreement running out and its offers being reindexed as
    inactive): one seek in the partial index, where DISTINCT would read every such row."""
    # Spelled as the partial index's condition on each dialect, or it will not be used.
    query = select(func.min(_R.agreement_ends_on)).where(_R.active, _R.agreement_ends_on < today)
    return query if after is None else query.where(_R.agreement_ends_on > after)


def page_ids(match: Match, query: SearchQuery) -> Select[Any]:
    return (
        select(_R.offer_id)
        .select_from(match.source)
        .where(*_conditions(match, query))
        .order_by(*_order(match, query.sort))
        .limit(query.page_size)
        .offset(query.offset)
    )


def documents(offer_ids: Sequence[int]) -> Select[Any]:
    return select(*_DOCUMENT_COLUMNS).where(SearchDocument.offer_id.in_(offer_ids))


def total(match: Match, query: SearchQuery) -> Select[Any]:
    """From the index alone when every condition is a key; a price range needs the rows."""
    if not _has_price_range(query):
        return match.count
    return select(func.count()).select_from(match.source).where(*_conditions(match, query))


def facet_counts(match: Match, query: SearchQuery, sample: int) -> Select[Any]:
    """Matched offers by facet set, counted over at most `sample` of them (the first by
    offer id): each set's values and how many offers share them."""
    sampled = (
        select(_R.facet_set_id)
        .select_from(match.source)
        .where(*_conditions(match, query))
        .limit(sample)
        .subquery()
    )
    counted = (
        select(sampled.c.facet_set_id, func.count().label("offers"))
        .group_by(sampled.c.facet_set_id)
        .subquery()
    )
    return select(SearchFacetSet, counted.c.offers).join(
        counted, counted.c.facet_set_id == SearchFacetSet.id
    )


def _has_price_range(query: SearchQuery) -> bool:
    return query.filter.price_min_fen is not None or query.filter.price_max_fen is not None


def _conditions(match: Match, query: SearchQuery) -> list[ColumnElement[bool]]:
    """The match, then what keys cannot say: a price range. The end date holds by the keys
    too, checked again on the row, which is read anyway; `active` is left to the keys (an
    inactive offer has no region key), as the row's index on it must not be used here."""
    f = query.filter
    conditions = [match.where, _R.agreement_ends_on >= query.today]
    if f.price_min_fen is not None:
        conditions.append(_R.price_fen >= f.price_min_fen)
    if f.price_max_fen is not None:
        conditions.append(_R.price_fen <= f.price_max_fen)
    return conditions


def _order(match: Match, sort: SearchSort) -> list[Any]:
    by_sales = [_R.sales_count.desc(), _R.offer_id]
    if sort == SearchSort.PRICE_ASC:
        return [_R.price_fen, _R.offer_id]
    if sort == SearchSort.PRICE_DESC:
        return [_R.price_fen.desc(), _R.offer_id]
    if sort == SearchSort.SALES:
        return by_sales
    if sort == SearchSort.RATING:
        return [_R.rating_x100.desc(), *by_sales]
    return [match.relevance, *by_sales] if match.relevance is not None else by_sales
