"""`search`: Chinese full-text search over the offers a viewer could buy, with facets."""

import base64
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from api.catalogue.types import Offer
from api.context import Info
from api.errors import UserError
from api.money import Money
from api.mutations import decode_id, perform
from core.audit import write_audit
from core.clock import local_today
from core.errors import Forbidden
from core.money import parse_fen
from core.principal import Actor, Role
from search import documents, rules
from search.errors import SearchError, SearchErrorCode


@strawberry.input(description="Every field set must hold; brands: any of them; tags: all.")
class SearchFilterInput:
    category_code: str | None = strawberry.field(default=None, description="With its subtree.")
    brands: list[str] = strawberry.field(default_factory=list)
    price_min: Decimal | None = strawberry.field(default=None, description="Yuan, a string.")
    price_max: Decimal | None = None
    delivers_to: str | None = strawberry.field(
        default=None, description="A region the offer must deliver to."
    )
    hall_id: relay.GlobalID | None = None
    agreement_id: relay.GlobalID | None = None
    policy_tags: list[documents.PolicyTag] = strawberry.field(default_factory=list)

    def to_filter(self) -> documents.SearchFilter:
        return documents.SearchFilter(
            category_code=self.category_code.strip().upper() if self.category_code else None,
            brands=tuple(self.brands),
            price_min_fen=_fen(self.price_min, "priceMin"),
            price_max_fen=_fen(self.price_max, "priceMax"),
            delivers_to=self.delivers_to,
            hall_id=decode_id(self.hall_id, "Hall", field="hallId") if self.hall_id else None,
            agreement_id=decode_id(self.agreement_id, "Agreement", field="agreementId")
            if self.agreement_id
            else None,
            policy_tags=tuple(documents.PolicyTag(t) for t in self.policy_tags),
        )


def _fen(value: Decimal | None, field: str) -> int | None:
    return None if value is None else parse_fen(value, field=field, allow_zero=True)


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


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    try:
        kind, _, value = base64.b64decode(after, validate=True).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except ValueError:
        pass
    raise SearchError(SearchErrorCode.INVALID_PAGE, "翻页游标无效", field="after")


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
        viewer = await ctx.viewer()
        region = viewer.region_code if viewer and viewer.role == Role.PURCHASER else region_code
        if region is None:
            raise SearchError(
                SearchErrorCode.INVALID_REGION,
                "请指定要浏览的地区 (regionCode)",
                field="regionCode",
            )
        offset = _offset(after)
        size = max(1, first)
        if offset % size:
            raise SearchError(SearchErrorCode.INVALID_PAGE, "翻页游标与每页条数不符", field="after")
        request = documents.SearchQuery(
            viewer_region_code=region,
            today=local_today(ctx.clock),
            text=query,
            filter=filter.to_filter() if filter else documents.SearchFilter(),
            sort=documents.SearchSort(sort),
            facets=tuple(facets or ()),
            page=offset // size + 1,
            page_size=first,
        )
        rules.check_query(request)
        result = await ctx.search_index().search(request)
        edges = [
            SearchEdge(cursor=_cursor(offset + i + 1), node=_hit(h))
            for i, h in enumerate(result.hits)
        ]
        return SearchConnection(
            edges=edges,
            page_info=SearchPageInfo(
                has_next_page=result.has_next_page,
                end_cursor=_cursor(offset + len(edges)) if edges else None,
            ),
            total_count=result.total,
            facets=[
                Facet(
                    name=f.name.value,
                    values=[
                        FacetValue(value=v.value, label=v.label, count=v.count) for v in f.values
                    ],
                )
                for f in result.facets
            ],
            facets_exact=result.facets_exact,
        )

    @strawberry.field(description="Operators: the synonym groups search expands queries with.")
    async def search_synonyms(self, info: Info) -> list[list[str]]:
        (await info.context.actor()).require(Role.OPERATOR)
        return [list(g) for g in await info.context.search_index().synonyms()]


@strawberry.type
class SynonymsPayload:
    groups: list[list[str]] | None
    errors: list[UserError]


@strawberry.type
class SearchMutation:
    @strawberry.mutation(
        description="Operators replace the synonym groups (e.g. 电脑 / 计算机 / 台式机)."
    )
    async def set_search_synonyms(self, info: Info, groups: list[list[str]]) -> SynonymsPayload:
        async def check(session: AsyncSession, actor: Actor) -> list[tuple[str, ...]]:
            principal = actor.require(Role.OPERATOR)
            if not principal.region_code.endswith("0000"):
                raise Forbidden("同义词全平台生效, 只有省级以上采购中心可以修改")
            cleaned = rules.check_synonyms(groups)
            write_audit(
                session,
                actor,
                "search.synonyms.set",
                clock=info.context.clock,
                target_type="SearchSynonyms",
                target_id="all",
                details={"groups": [list(g) for g in cleaned]},
            )
            return cleaned

        checked = await perform(info, check)
        if checked.value is None:
            return SynonymsPayload(groups=None, errors=checked.errors)
        # Outside any transaction: the index may be a remote Meilisearch.
        await info.context.search_index().set_synonyms(checked.value)
        return SynonymsPayload(groups=[list(g) for g in checked.value], errors=[])
