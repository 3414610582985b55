"""Rows of an embedded search turned into a SearchResult: hits with highlights, facets."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from search.analysis import ParsedQuery
from search.documents import (
    PRICE_BANDS,
    Facet,
    FacetName,
    SearchHit,
    SearchQuery,
    SearchResult,
    tags_of,
)
from search.embedded.rows import from_row
from search.facets import make_facet
from search.highlight import highlight


def hits(words: ParsedQuery, ids: Sequence[int], rows: Sequence[Any]) -> tuple[SearchHit, ...]:
    """The page's documents in the page's order, titles highlighted."""
    marked, prefixes = words.highlight_words()
    by_id = {row.offer_id: from_row(row) for row in rows}
    found = (by_id[i] for i in ids if i in by_id)
    return tuple(SearchHit(doc, highlight(doc.title, marked, prefixes)) for doc in found)


def result(
    query: SearchQuery,
    found: tuple[SearchHit, ...],
    total: int,
    facets: tuple[FacetName, ...],
    facet_rows: Sequence[Any],
) -> SearchResult:
    """`facet_rows`: (SearchFacetSet, offers) counted over a sample of the matches; counts
    are scaled up to `total` when the sample was smaller."""
    sampled = sum(offers for _, offers in facet_rows)
    scale = total / sampled if sampled and sampled < total else 1.0
    return SearchResult(
        hits=found,
        total=total,
        page=query.page,
        page_size=query.page_size,
        facets=tuple(_facet(name, facet_rows, scale) for name in facets),
        facets_exact=scale == 1.0,
    )


def _facet(name: FacetName, rows: Sequence[Any], scale: float) -> Facet:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for facet_set, offers in rows:
        for value in _VALUES[name](facet_set):
            counts[value] += offers
        if name == FacetName.CATEGORY:
            labels[facet_set.category_code] = facet_set.category_name
    if scale != 1.0:
        counts = Counter({v: max(1, round(n * scale)) for v, n in counts.items()})
    return make_facet(name, counts, labels)


_VALUES: dict[FacetName, Any] = {
    FacetName.BRAND: lambda s: [s.brand],
    FacetName.CATEGORY: lambda s: [s.category_code],
    FacetName.POLICY_TAG: lambda s: [t.value for t in tags_of(s.policy_tag_bits)],
    FacetName.PRICE_BAND: lambda s: [PRICE_BANDS[s.price_band].key],
    FacetName.AGREEMENT: lambda s: [str(s.agreement_id)],
    FacetName.HALL: lambda s: [str(h) for h in s.hall_ids],
}
