from decimal import Decimal

import strawberry
from strawberry import relay

from api.catalogue.types import Offer
from api.context import Info
from api.money import Money
from search import documents


@strawberry.type(description="One value of a facet and how many results have it.")
class FacetValue:
    value: str
    label: str
    count: int


@strawberry.type(description="Counts over the whole filtered result, not just the page.")
class Facet:
    name: str
    values: list[FacetValue]


@strawberry.type(description="One offer that matched.")
class SearchHit:
    title: str
    title_html: str = strawberry.field(
        description="The title, HTML-escaped, with the matched words wrapped in <em>…</em>."
    )
    brand: str
    model: str
    category_code: str
    supplier_name: str
    price: Money
    market_price: Money | None
    stock: int
    sales_count: int
    rating: Decimal | None = strawberry.field(description="Average stars, once rated.")
    policy_tags: list[documents.PolicyTag]
    offer_id: relay.GlobalID
    product_id: relay.GlobalID
    row_id: strawberry.Private[int]

    @strawberry.field(description="The offer itself, for ordering.")
    async def offer(self, info: Info) -> Offer | None:
        row = await info.context.loaders.offer_by_id.load(self.row_id)
        return Offer.from_model(row) if row else None


@strawberry.type
class SearchEdge:
    cursor: str
    node: SearchHit


@strawberry.type
class SearchPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A page of search results with facets and the total count.")
class SearchConnection:
    edges: list[SearchEdge]
    page_info: SearchPageInfo
    total_count: int
    facets: list[Facet]
    facets_exact: bool = strawberry.field(
        description="False when a very large result's counts were estimated from a sample."
    )
