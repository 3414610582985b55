from collections.abc import Awaitable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import inspect as sa_inspect
from strawberry import relay

from api.context import Info
from api.identity.types import Organisation
from api.money import Money
from api.relay import int_ids
from core.clock import local_today
from identity.models import Organisation as OrganisationRow
from marketplace import comparison, models
from marketplace.offers import prices

if TYPE_CHECKING:
    from api.agreements.types import Agreement
    from api.catalogue.comparison import OfferPriceHistory, PriceComparison
    from api.catalogue.images import Image


@strawberry.type(description="A 品目 of the 政府采购品目分类目录, e.g. A02010104 台式计算机.")
class Category(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    level: int
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Category) -> "Category":
        return cls(
            id=row.id, code=row.code, name=row.name, level=row.level, parent_id=row.parent_id
        )

    @strawberry.field(description="The category one level up; null at the root.")
    async def parent(self, info: Info) -> "Category | None":
        if self.parent_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.parent_id)
        return Category.from_model(row) if row else None

    @strawberry.field(description="The categories one level down, by code.")
    async def children(self, info: Info) -> list["Category"]:
        rows = await info.context.loaders.categories_by_parent_id.load(self.id)
        return [Category.from_model(r) for r in rows]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.category_by_id.load_many(int_ids(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="One specification of a product, typed.")
class SpecValue:
    key: str
    kind: models.SpecKind
    value: str
    unit: str | None


@strawberry.type(
    description="A product (SPU): one make and model, offered by one or more suppliers."
)
class Product(relay.Node):
    id: relay.NodeID[int]
    name: str
    brand: str
    model: str = strawberry.field(description="型号.")
    unit: str = strawberry.field(description="Unit of measure, e.g. 台, 把, 箱.")
    gtin: str | None
    specs: list[SpecValue]
    created_at: datetime
    category_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Product) -> "Product":
        return cls(
            id=row.id,
            name=row.name,
            brand=row.brand,
            model=row.model,
            unit=row.unit,
            gtin=row.gtin,
            specs=[
                SpecValue(
                    key=s["key"],
                    kind=models.SpecKind(s["kind"]),
                    value=s["value"],
                    unit=s.get("unit"),
                )
                for s in row.specs
            ],
            created_at=row.created_at,
            category_id=row.category_id,
        )

    @strawberry.field
    async def category(self, info: Info) -> Category:
        row = await info.context.loaders.category_by_id.load(self.category_id)
        assert row is not None  # a foreign key guarantees it
        return Category.from_model(row)

    @strawberry.field(description="The offers you may see, cheapest first.")
    async def offers(self, info: Info) -> list["Offer"]:
        rows = await info.context.loaders.offers_by_product_id.load(self.id)
        return [Offer.from_model(r) for r in rows]

    @strawberry.field(description="The lowest price among the offers you may see.")
    async def lowest_price(self, info: Info) -> Money | None:
        rows = await info.context.loaders.offers_by_product_id.load(self.id)
        return Money.from_fen(min(r.price_fen for r in rows)) if rows else None

    @strawberry.field(
        description="Every offer you could buy side by side with the platforms' prices; the "
        "lowest marked, savings against the ceiling and the market."
    )
    async def price_comparison(
        self, info: Info
    ) -> Annotated["PriceComparison", strawberry.lazy("api.catalogue.comparison")]:
        from api.catalogue.comparison import PriceComparison

        viewer = await info.context.viewer()
        async with info.context.db.reader() as session:
            result = await comparison.compare_offers(
                session, self.id, viewer=viewer, clock=info.context.clock
            )
        return PriceComparison.of(result)

    @strawberry.field(description="Daily prices of each offer you may see, for a chart.")
    async def price_history(
        self, info: Info, days: int = 90
    ) -> list[Annotated["OfferPriceHistory", strawberry.lazy("api.catalogue.comparison")]]:
        from api.catalogue.comparison import OfferPriceHistory

        offers = await info.context.loaders.offers_by_product_id.load(self.id)
        async with info.context.db.reader() as session:
            series = await prices.daily_prices(
                session, offers, days=days, today=local_today(info.context.clock)
            )
        return [OfferPriceHistory.of(Offer.from_model(o), series[o.id]) for o in offers]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.product_by_id.load_many(int_ids(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="One supplier's SKU of a product, at its price.")
class Offer(relay.Node):
    id: relay.NodeID[int]
    supplier_sku: str = strawberry.field(
        description="The supplier's own SKU code, unique per supplier."
    )
    price: Money
    market_price: Money | None = strawberry.field(
        description="Market reference price (e.g. the platform's public price) when known."
    )
    stock: int
    status: models.OfferStatus
    rejection_reason: str | None = strawberry.field(description="Why review sent it back.")
    updated_at: datetime
    product_id: strawberry.Private[int]
    supplier_id: strawberry.Private[int]
    agreement_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]
    preloaded_supplier: strawberry.Private[OrganisationRow | None]

    @classmethod
    def from_model(cls, row: models.Offer) -> "Offer":
        return cls(
            id=row.id,
            supplier_sku=row.supplier_sku,
            price=Money.from_fen(row.price_fen),
            market_price=Money.maybe(row.market_price_fen),
            stock=row.stock,
            status=row.status,
            rejection_reason=row.rejection_reason,
            updated_at=row.updated_at,
            product_id=row.product_id,
            supplier_id=row.supplier_id,
            agreement_id=row.agreement_id,
            image_id=row.image_id,
            preloaded_supplier=_loaded(row, "supplier"),
        )

    @strawberry.field(graphql_type=Organisation)
    def supplier(self, info: Info) -> Organisation | Awaitable[Organisation]:
        # Listings join the supplier in (a sync field costs a fraction of an async one);
        # an offer from anywhere else falls back to the dataloader.
        if self.preloaded_supplier is not None:
            return Organisation.from_model(self.preloaded_supplier)
        return self._load_supplier(info)

    @strawberry.field(description="The framework agreement it is sold under.")
    async def agreement(
        self, info: Info
    ) -> Annotated["Agreement", strawberry.lazy("api.agreements.types")] | None:
        from api.agreements.types import agreement_node

        if self.agreement_id is None:
            return None
        row = await info.context.loaders.agreement_by_id.load(self.agreement_id)
        return agreement_node(row, info) if row else None

    @strawberry.field(description="Where it delivers; empty means the agreement's whole region.")
    async def delivery_region_codes(self, info: Info) -> list[str]:
        codes: list[str] = await info.context.loaders.delivery_regions_by_offer_id.load(self.id)
        return codes

    @strawberry.field
    async def image(
        self, info: Info
    ) -> Annotated["Image", strawberry.lazy("api.catalogue.images")] | None:
        from api.catalogue.images import Image

        if self.image_id is None:
            return None
        row = await info.context.loaders.image_by_id.load(self.image_id)
        return Image.from_model(row) if row else None

    async def _load_supplier(self, info: Info) -> Organisation:
        row = await info.context.loaders.organisation_by_id.load(self.supplier_id)
        assert row is not None
        return Organisation.from_model(row)

    @strawberry.field
    async def product(self, info: Info) -> Product:
        row = await info.context.loaders.product_by_id.load(self.product_id)
        assert row is not None
        return Product.from_model(row)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.offer_by_id.load_many(int_ids(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="A page of products.")
class ProductConnection(relay.Connection[Product]):
    pass


def _loaded(row: Any, relation: str) -> Any:
    """The related object if the query loaded it, else None (never a lazy load)."""
    return None if relation in sa_inspect(row).unloaded else getattr(row, relation)


@strawberry.type(description="A page of offers.")
class OfferConnection(relay.Connection[Offer]):
    pass
