"""Partners push their catalogue: bulk upserts of products, prices, stock and shelf status, each
item answered on its own; operators keep the partners' category maps."""

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry import relay

from api import mutations
from api.catalogue.inputs import SpecInput
from api.context import Info
from api.errors import UserError
from api.mutations import NodeId, decode_id, run_mutation
from core.principal import Role
from partners import categories
from partners.models import PartnerCategory
from partners.sync import items as sync_items
from partners.sync.batch import Outcome, SyncReport, sync
from partners.sync.items import Patch
from partners.sync.state import HoldReason

Item = TypeVar("Item")

_VERSION = "The partner's version of this data: an integer that grows with every change (e.g. "
_VERSION += "the update time in ms), as a string. Older or equal versions never overwrite newer."


@strawberry.input
class RegionStockInput:
    region: str = strawberry.field(description="6-digit 行政区划代码.")
    quantity: int


@strawberry.input(description="One partner SKU: what it is, its two prices, stock and shelf.")
class PartnerProductInput:
    sku: str
    version: str = strawberry.field(description=_VERSION)
    category: str = strawberry.field(description="The partner's own category code (mapped).")
    brand: str
    model: str
    name: str
    platform_price: Decimal = strawberry.field(
        description="电商价: the public price on the platform."
    )
    agreement_price: Decimal = strawberry.field(
        description="协议价: the price to the mall's buyers."
    )
    unit: str = "件"
    specs: list[SpecInput] = strawberry.field(default_factory=list)
    image_urls: list[str] = strawberry.field(default_factory=list)
    stock: list[RegionStockInput] = strawberry.field(default_factory=list)
    on_shelf: bool = True
    gtin: str | None = None
    agreement_code: str | None = strawberry.field(
        default=None, description="Default: the partner's agreement covering the category."
    )

    def to_item(self) -> sync_items.ProductItem:
        return sync_items.ProductItem(
            sku=self.sku,
            version=self.version,
            category=self.category,
            brand=self.brand,
            model=self.model,
            name=self.name,
            platform_price=self.platform_price,
            agreement_price=self.agreement_price,
            unit=self.unit,
            specs=[s.to_spec() for s in self.specs],
            image_urls=self.image_urls,
            stock=_stock(self.stock),
            on_shelf=self.on_shelf,
            gtin=self.gtin,
            agreement_code=self.agreement_code,
        )


def _stock(lines: Sequence[RegionStockInput]) -> list[sync_items.RegionStock]:
    return [sync_items.RegionStock(line.region, line.quantity) for line in lines]


@strawberry.input
class PartnerPriceInput:
    sku: str
    version: str = strawberry.field(description=_VERSION)
    platform_price: Decimal | None = None
    agreement_price: Decimal | None = None


@strawberry.input
class PartnerStockInput:
    sku: str
    version: str = strawberry.field(description=_VERSION)
    stock: list[RegionStockInput]


@strawberry.input
class PartnerShelfInput:
    sku: str
    version: str = strawberry.field(description=_VERSION)
    on_shelf: bool


@strawberry.type(description="What became of one item of a batch.")
class SyncItemResult:
    index: int = strawberry.field(description="The item's position in the batch, from 0.")
    sku: str
    outcome: Outcome
    code: sync_items.ItemCode | None
    message: str | None = strawberry.field(description="Why it was rejected, in Chinese.")
    offer_id: relay.GlobalID | None
    held: HoldReason | None = strawberry.field(
        description="Stored but kept off the shelf, and why."
    )
    held_message: str | None


@strawberry.type
class PartnerSyncPayload:
    results: list[SyncItemResult]
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[UserError]

    @classmethod
    def of(cls, report: SyncReport | None, errors: list[UserError]) -> "PartnerSyncPayload":
        results = report.results if report else []
        return cls(
            results=[
                SyncItemResult(
                    index=r.index,
                    sku=r.sku,
                    outcome=r.outcome,
                    code=sync_items.ItemCode(r.code) if r.code else None,
                    message=r.message,
                    offer_id=relay.GlobalID("Offer", str(r.offer_id)) if r.offer_id else None,
                    held=r.held,
                    held_message=r.held_message,
                )
                for r in results
            ],
            created=report.count(Outcome.CREATED) if report else 0,
            updated=report.count(Outcome.UPDATED) if report else 0,
            unchanged=report.count(Outcome.UNCHANGED) if report else 0,
            rejected=report.count(Outcome.REJECTED) if report else 0,
            errors=errors,
        )


@strawberry.type(description="A partner's category and the 品目 it maps to.")
class PartnerCategoryMapping:
    partner_category: str
    name: str
    category_code: str
    updated_at: datetime

    @classmethod
    def from_model(cls, row: PartnerCategory) -> "PartnerCategoryMapping":
        return cls(
            partner_category=row.partner_category,
            name=row.name,
            category_code=row.category_code,
            updated_at=row.updated_at,
        )


@strawberry.input
class PartnerCategoryMappingInput:
    partner_category: str
    name: str = ""
    category_code: str | None = strawberry.field(
        default=None, description="A 品目 code; null removes the mapping."
    )


@strawberry.type
class PartnerCategoryMappingsPayload:
    mappings: list[PartnerCategoryMapping]
    errors: list[UserError]


async def _sync(
    info: Info, items: Sequence[Item], to_patch: Callable[[int, Item], Patch]
) -> PartnerSyncPayload:
    return await run_mutation(info, sync, items, to_patch, payload=_sync_payload)


def _sync_payload(outcome: mutations.Outcome[SyncReport]) -> PartnerSyncPayload:
    return PartnerSyncPayload.of(outcome.value, outcome.errors)


def _product(index: int, item: PartnerProductInput) -> Patch:
    return sync_items.product_patch(index, item.to_item())


def _price(index: int, item: PartnerPriceInput) -> Patch:
    given = sync_items.PriceItem(item.sku, item.version, item.platform_price, item.agreement_price)
    return sync_items.price_patch(index, given)


def _stock_patch(index: int, item: PartnerStockInput) -> Patch:
    given = sync_items.StockItem(item.sku, item.version, _stock(item.stock))
    return sync_items.stock_patch(index, given)


def _shelf(index: int, item: PartnerShelfInput) -> Patch:
    return sync_items.shelf_patch(
        index, sync_items.ShelfItem(item.sku, item.version, item.on_shelf)
    )


@strawberry.type
class PartnerCatalogueMutation:
    @strawberry.mutation(
        description="Create or update up to 1,000 SKUs (API key with the catalogue scope)."
    )
    async def partner_upsert_products(
        self, info: Info, items: list[PartnerProductInput]
    ) -> PartnerSyncPayload:
        return await _sync(info, items, _product)

    @strawberry.mutation(description="New 电商价 and/or 协议价 for up to 1,000 SKUs.")
    async def partner_update_prices(
        self, info: Info, items: list[PartnerPriceInput]
    ) -> PartnerSyncPayload:
        return await _sync(info, items, _price)

    @strawberry.mutation(description="Stock by region for up to 1,000 SKUs.")
    async def partner_update_stock(
        self, info: Info, items: list[PartnerStockInput]
    ) -> PartnerSyncPayload:
        return await _sync(info, items, _stock_patch)

    @strawberry.mutation(description="On or off the shelf for up to 1,000 SKUs.")
    async def partner_set_shelf_status(
        self, info: Info, items: list[PartnerShelfInput]
    ) -> PartnerSyncPayload:
        return await _sync(info, items, _shelf)

    @strawberry.mutation(description="Operators: map partner categories to 品目 codes.")
    async def set_partner_category_mappings(
        self,
        info: Info,
        partner_id: relay.GlobalID,
        mappings: list[PartnerCategoryMappingInput],
    ) -> PartnerCategoryMappingsPayload:
        given = [categories.Mapping(m.partner_category, m.name, m.category_code) for m in mappings]
        return await run_mutation(
            info,
            categories.set_mappings,
            NodeId(partner_id, "Organisation", "partnerId"),
            given,
            payload=_mappings_payload,
        )


def _mappings_payload(
    outcome: mutations.Outcome[list[PartnerCategory]],
) -> PartnerCategoryMappingsPayload:
    rows = outcome.value or []
    return PartnerCategoryMappingsPayload(
        mappings=[PartnerCategoryMapping.from_model(r) for r in rows], errors=outcome.errors
    )


@strawberry.type
class PartnerCatalogueQuery:
    @strawberry.field(description="A partner's category map (the partner itself, or operators).")
    async def partner_category_mappings(
        self, info: Info, partner_id: relay.GlobalID | None = None
    ) -> list[PartnerCategoryMapping]:
        principal = (await info.context.actor()).require(Role.PARTNER, Role.OPERATOR)
        partner = (
            decode_id(partner_id, "Organisation", field="partnerId")
            if partner_id
            else principal.organisation_id
        )
        async with info.context.db.reader() as session:
            rows = await categories.mappings_of(session, principal, partner)
        return [PartnerCategoryMapping.from_model(r) for r in rows]
