"""Pure translation between Yiwang's search types and Meilisearch's JSON (no I/O here).

Filters are built from validated values only; every string value is double-quoted with its
quotes and backslashes escaped, so no user text can change a filter's meaning.
"""

import html
from collections import Counter
from datetime import date, datetime
from typing import Any

from search.analysis import ParsedQuery, index_tokens, is_latin, normalize, pinyin_tokens
from search.documents import (
    PRICE_BANDS,
    Facet,
    FacetName,
    OfferDocument,
    PolicyTag,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchSort,
    price_band_of,
    region_chain,
)
from search.facets import make_facet
from search.highlight import highlight
from search.keys import category_prefixes
from search.rules import MAX_FACET_VALUES

PRIMARY_KEY = "offer_id"
MAX_TOTAL_HITS = 100_000  # Meilisearch counts hits exactly up to here
_PRE, _POST = "\ue000", "\ue001"  # private-use marks, swapped for <em> after escaping

SETTINGS: dict[str, Any] = {
    "searchableAttributes": [
        "title",
        "brand",
        "model",
        "model_tokens",
        "pinyin",
        "category_name",
        "supplier_name",
    ],
    # What filters read, and every facet (Meilisearch counts only filterable attributes).
    "filterableAttributes": [
        "offer_id",
        "visible_region_codes",
        "active",
        "agreement_ends_on_day",
        "category_path",
        "brand_key",
        "price_fen",
        "hall_ids",
        "agreement_id",
        "policy_tags",
        "brand",
        "category_facet",
        "price_band",
    ],
    "sortableAttributes": ["price_fen", "sales_count", "rating_x100", "offer_id"],
    # "sort" first: a price or sales order is strict, relevance only breaks its ties.
    "rankingRules": [
        "sort",
        "words",
        "typo",
        "proximity",
        "attribute",
        "exactness",
        "sales_count:desc",
    ],
    "localizedAttributes": [
        {
            "attributePatterns": ["title", "brand", "category_name", "supplier_name"],
            "locales": ["cmn"],
        }
    ],
    "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
    "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    "faceting": {"maxValuesPerFacet": MAX_FACET_VALUES, "sortFacetValuesBy": {"*": "count"}},
}

FACET_ATTRIBUTES: dict[FacetName, str] = {
    FacetName.BRAND: "brand",
    FacetName.CATEGORY: "category_facet",
    FacetName.POLICY_TAG: "policy_tags",
    FacetName.PRICE_BAND: "price_band",
    FacetName.AGREEMENT: "agreement_id",
    FacetName.HALL: "hall_ids",
}


def to_document(doc: OfferDocument) -> dict[str, Any]:
    return {
        PRIMARY_KEY: doc.offer_id,
        "product_id": doc.product_id,
        "title": doc.title,
        "brand": doc.brand,
        "brand_key": brand_key(doc.brand),
        "model": doc.model,
        # The split and joined forms of model numbers ("LJ-2605D": lj 2605d lj2605d), which
        # Meilisearch's tokenizer would not make, so "lj2605d" finds it on both backends.
        "model_tokens": " ".join(
            t for t in index_tokens(f"{doc.title} {doc.model}") if is_latin(t)
        ),
        "pinyin": " ".join(pinyin_tokens(f"{doc.brand} {doc.title} {doc.category_name}")),
        "category_code": doc.category_code,
        "category_name": doc.category_name,
        "category_path": category_prefixes(doc.category_code),
        "category_facet": f"{doc.category_code} {doc.category_name}",
        "supplier_id": doc.supplier_id,
        "supplier_name": doc.supplier_name,
        "price_fen": doc.price_fen,
        "price_band": PRICE_BANDS[price_band_of(doc.price_fen)].key,
        "market_price_fen": doc.market_price_fen,
        "stock": doc.stock,
        "sales_count": doc.sales_count,
        "rating_x100": doc.rating_x100,
        "agreement_id": doc.agreement_id,
        "agreement_region_code": doc.agreement_region_code,
        "agreement_ends_on": doc.agreement_ends_on.isoformat(),
        "agreement_ends_on_day": _day(doc.agreement_ends_on),
        "active": doc.active,
        "delivery_region_codes": list(doc.delivery_region_codes),
        "visible_region_codes": list(doc.visible_region_codes),
        "hall_ids": list(doc.hall_ids),
        "policy_tags": [tag.value for tag in doc.policy_tags],
        "updated_at": doc.updated_at.isoformat(),
    }


def from_document(hit: dict[str, Any]) -> OfferDocument:
    return OfferDocument(
        offer_id=int(hit[PRIMARY_KEY]),
        product_id=hit["product_id"],
        title=hit["title"],
        brand=hit["brand"],
        model=hit["model"],
        category_code=hit["category_code"],
        category_name=hit["category_name"],
        supplier_id=hit["supplier_id"],
        supplier_name=hit["supplier_name"],
        price_fen=hit["price_fen"],
        market_price_fen=hit["market_price_fen"],
        stock=hit["stock"],
        sales_count=hit["sales_count"],
        rating_x100=hit["rating_x100"],
        agreement_id=hit["agreement_id"],
        agreement_region_code=hit["agreement_region_code"],
        agreement_ends_on=date.fromisoformat(hit["agreement_ends_on"]),
        active=hit["active"],
        delivery_region_codes=tuple(hit["delivery_region_codes"]),
        hall_ids=tuple(hit["hall_ids"]),
        policy_tags=tuple(PolicyTag(t) for t in hit["policy_tags"]),
        updated_at=datetime.fromisoformat(hit["updated_at"]),
    )


def brand_key(brand: str) -> str:
    return "".join(normalize(brand).split())


def search_params(query: SearchQuery, facets: tuple[FacetName, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {
        "filter": filters(query),
        "page": query.page,
        "hitsPerPage": query.page_size,
        "attributesToHighlight": ["title"],
        "highlightPreTag": _PRE,
        "highlightPostTag": _POST,
    }
    if facets:
        params["facets"] = [FACET_ATTRIBUTES[f] for f in facets]
    if sort := _SORTS.get(query.sort):
        params["sort"] = [*sort, f"{PRIMARY_KEY}:asc"]
    return params


_SORTS: dict[SearchSort, list[str]] = {
    SearchSort.PRICE_ASC: ["price_fen:asc"],
    SearchSort.PRICE_DESC: ["price_fen:desc"],
    SearchSort.SALES: ["sales_count:desc"],
    SearchSort.RATING: ["rating_x100:desc", "sales_count:desc"],
}


def filters(query: SearchQuery) -> list[str]:
    """Conditions that must all hold: visibility first, then the filters asked for."""
    f = query.filter
    found = [
        _any("visible_region_codes", region_chain(query.viewer_region_code)),
        "active = true",
        f"agreement_ends_on_day >= {_day(query.today)}",
    ]
    if f.delivers_to is not None:
        found.append(_any("visible_region_codes", region_chain(f.delivers_to)))
    if f.category_code is not None:
        found.append(f"category_path = {quote(f.category_code)}")
    if f.brands:
        found.append(_any("brand_key", [brand_key(b) for b in f.brands]))
    if f.price_min_fen is not None:
        found.append(f"price_fen >= {int(f.price_min_fen)}")
    if f.price_max_fen is not None:
        found.append(f"price_fen <= {int(f.price_max_fen)}")
    if f.hall_id is not None:
        found.append(f"hall_ids = {int(f.hall_id)}")
    if f.agreement_id is not None:
        found.append(f"agreement_id = {int(f.agreement_id)}")
    found += [f"policy_tags = {quote(PolicyTag(t).value)}" for t in dict.fromkeys(f.policy_tags)]
    return found


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any(attribute: str, values: Any) -> str:
    return f"{attribute} IN [{', '.join(quote(v) for v in values)}]"


def _day(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def to_result(
    query: SearchQuery, words: ParsedQuery, response: dict[str, Any], facets: tuple[FacetName, ...]
) -> SearchResult:
    hits = tuple(_hit(hit, words) for hit in response["hits"])
    distribution = response.get("facetDistribution") or {}
    return SearchResult(
        hits=hits,
        total=int(response.get("totalHits", len(hits))),
        page=query.page,
        page_size=query.page_size,
        facets=tuple(_facet(f, distribution.get(FACET_ATTRIBUTES[f], {})) for f in facets),
    )


def _hit(hit: dict[str, Any], words: ParsedQuery) -> SearchHit:
    """Meilisearch's own highlight when it marked something (it knows which typo matched),
    else ours (a pinyin match is in another attribute, so Meilisearch marks no title word)."""
    doc = from_document(hit)
    formatted = (hit.get("_formatted") or {}).get("title") or ""
    if _PRE in formatted:
        return SearchHit(doc, marked_html(formatted))
    marked, prefixes = words.highlight_words()
    return SearchHit(doc, highlight(doc.title, marked, prefixes))


def marked_html(formatted: str) -> str:
    """Meilisearch's highlight with our marks, HTML-escaped, the marks turned into <em>."""
    return html.escape(formatted).replace(_PRE, "<em>").replace(_POST, "</em>")


def _facet(name: FacetName, distribution: dict[str, int]) -> Facet:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for raw, count in distribution.items():
        value = raw
        if name == FacetName.CATEGORY:
            code, _, label = raw.partition(" ")
            value = code.upper()
            labels[value] = label
        counts[value] += int(count)
    return make_facet(name, counts, labels)


def synonym_map(groups: list[tuple[str, ...]]) -> dict[str, list[str]]:
    """Meilisearch's multi-way synonyms: each term maps to the others of its group."""
    return {term: [t for t in group if t != term] for group in groups for term in group}


def synonym_groups(mapping: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Groups back from the mapping: the terms connected through it, in first-seen order."""
    seen: set[str] = set()
    groups: list[tuple[str, ...]] = []
    for term in mapping:
        group: list[str] = []
        todo = [term]
        while todo:
            member = todo.pop(0)
            if member not in seen:
                seen.add(member)
                group.append(member)
                todo += mapping.get(member, [])
        if group:
            groups.append(tuple(group))
    return groups
