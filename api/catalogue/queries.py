import strawberry
from strawberry import relay

from api.catalogue import inputs
from api.catalogue.comparison import ProductComparison, SpecComparisonRow
from api.catalogue.types import Category, Product, ProductConnection
from api.context import Info
from api.mutations import decode_id
from api.relay import page_limits, page_request, to_connection
from marketplace import catalogue, comparison


@strawberry.type
class CatalogueQuery:
    @strawberry.field(
        description="2 to 5 products with their specs aligned and differences marked."
    )
    async def compare_products(self, info: Info, ids: list[relay.GlobalID]) -> ProductComparison:
        product_ids = [decode_id(i, "Product", field="ids") for i in ids]
        async with info.context.db.reader() as session:
            products, rows = await comparison.compare_products(session, product_ids)
        return ProductComparison(
            products=[Product.from_model(p) for p in products],
            rows=[
                SpecComparisonRow(key=r.key, unit=r.unit, values=r.values, differs=r.differs)
                for r in rows
            ],
        )

    @strawberry.field(
        description="Categories one level below `parentCode`, or the roots (A, B, C)."
    )
    async def categories(self, info: Info, parent_code: str | None = None) -> list[Category]:
        async with info.context.db.reader() as session:
            rows = await catalogue.list_categories(session, parent_code=parent_code)
        return [Category.from_model(r) for r in rows]

    @strawberry.field(description="One category by its 品目 code.")
    async def category(self, info: Info, code: str) -> Category | None:
        async with info.context.db.reader() as session:
            row = await catalogue.get_category_by_code(session, code.strip().upper())
        return Category.from_model(row) if row else None

    @strawberry.field(description="Products, filtered and sorted, a page at a time.")
    async def products(
        self,
        info: Info,
        filter: inputs.ProductFilter | None = None,
        sort: catalogue.ProductSort = catalogue.ProductSort.NEWEST,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ProductConnection:
        ctx = info.context
        await ctx.viewer()  # a bad token fails here, once, not in every offer's loader
        filters = _filters(filter)
        async with ctx.db.reader() as session:
            page = await catalogue.list_products(
                session,
                filters,
                sort,
                page_request(first=first, after=after, last=last, before=before),
                **page_limits(ctx.settings),
            )
        return to_connection(ProductConnection, page, Product.from_model)

    @strawberry.field
    async def product(self, info: Info, id: relay.GlobalID) -> Product | None:
        if id.type_name != "Product" or not id.node_id.isdigit():
            return None
        row = await info.context.loaders.product_by_id.load(int(id.node_id))
        return Product.from_model(row) if row else None


def _filters(given: inputs.ProductFilter | None) -> catalogue.ProductFilter:
    if given is None:
        return catalogue.ProductFilter()
    supplier_id = (
        None
        if given.supplier_id is None
        else decode_id(given.supplier_id, "Organisation", field="supplierId")
    )
    return catalogue.ProductFilter(
        category_code=given.category_code,
        brand=given.brand,
        name_contains=given.name_contains,
        supplier_id=supplier_id,
    )
