from decimal import Decimal

import strawberry
from strawberry import relay

from api.context import Info
from api.money import Money
from api.search.inputs import SearchFilterInput
from api.search.types import (
    Facet,
    FacetValue,
    SearchConnection,
    SearchEdge,
    SearchHit,
    SearchPageInfo,
)
from core.clock import local_today
from core.principal import Role
from search import documents, service


def _hit(hit: documents.SearchHit) -> SearchHit:
    doc = hit.document
    return SearchHit(
        title=doc.title,
        title_html=hit.title_html,
        brand=doc.brand,
        model=doc.model,
        category_code=doc.category_code,
        supplier_name=doc.supplier_name,
        price=Money.from_fen(doc.price_fen),
        market_price=Money.maybe(doc.market_price_fen),
        stock=doc.stock,
        sales_count=doc.sales_count,
        rating=Decimal(doc.rating_x100) / 100 if doc.rating_x100 else None,
        policy_tags=list(doc.policy_tags),
        offer_id=relay.GlobalID("Offer", str(doc.offer_id)),
        product_id=relay.GlobalID("Product", str(doc.product_id)),
        row_id=doc.offer_id,
    )


def _connection(page: service.SearchPage) -> SearchConnection:
    result = page.result
    edges = [
        SearchEdge(cursor=service.cursor(page.offset + i + 1), node=_hit(h))
        for i, h in enumerate(result.hits)
    ]
    return SearchConnection(
        edges=edges,
        page_info=SearchPageInfo(
            has_next_page=result.has_next_page,
            end_cursor=service.cursor(page.offset + len(edges)) if edges else None,
        ),
        total_count=result.total,
        facets=[_facet(f) for f in result.facets],
        facets_exact=result.facets_exact,
    )


def _facet(facet: documents.Facet) -> Facet:
    values = [FacetValue(value=v.value, label=v.label, count=v.count) for v in facet.values]
    return Facet(name=facet.name.value, values=values)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Offers you could buy, matched by Chinese, English, model numbers or pinyin "
        "(synonyms and one typo in a model number allowed). A purchaser always searches its own "
        "region; others name one with `regionCode`. An empty query browses."
    )
    async def search(
        self,
        info: Info,
        query: str = "",
        filter: SearchFilterInput | None = None,
        sort: documents.SearchSort = documents.SearchSort.RELEVANCE,
        facets: list[str] | None = None,
        first: int = 20,
        after: str | None = None,
        region_code: str | None = None,
    ) -> SearchConnection:
        ctx = info.context
        scope = service.search_scope(
            await ctx.viewer(), region_code=region_code, first=first, after=after
        )
        page = await service.search_offers(
            ctx.search_index(),
            scope,
            today=local_today(ctx.clock),
            text=query,
            filter=filter.to_filter() if filter else documents.SearchFilter(),
            sort=documents.SearchSort(sort),
            facets=tuple(facets or ()),
        )
        return _connection(page)

    @strawberry.field(description="Operators: the synonym groups search expands queries with.")
    async def search_synonyms(self, info: Info) -> list[list[str]]:
        (await info.context.actor()).require(Role.OPERATOR)
        return [list(g) for g in await info.context.search_index().synonyms()]
