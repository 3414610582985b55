from dataclasses import asdict

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.catalogue import inputs
from api.catalogue.types import Category, Product
from api.context import Info
from api.errors import UserError
from api.mutations import Idempotent, Outcome, run_create
from marketplace import catalogue, models


@strawberry.type
class CreateCategoryPayload:
    category: Category | None
    errors: list[UserError]


@strawberry.type
class CreateProductPayload:
    product: Product | None
    errors: list[UserError]


async def _category_by_id(session: AsyncSession, category_id: int) -> models.Category | None:
    return await session.get(models.Category, category_id)


@strawberry.type
class CatalogueMutation:
    @strawberry.mutation(description="Operators add a 品目 under an existing parent.")
    async def create_category(
        self, info: Info, input: inputs.CreateCategoryInput
    ) -> CreateCategoryPayload:
        draft = catalogue.CategoryDraft(code=input.code, name=input.name)

        spec = Idempotent(
            "createCategory",
            input.idempotency_key,
            {"code": input.code, "name": input.name},
            _category_by_id,
        )
        return await run_create(
            info, spec, catalogue.create_category, draft, payload=_category_payload
        )

    @strawberry.mutation(description="Suppliers, partners and operators add a product (SPU).")
    async def create_product(
        self, info: Info, input: inputs.CreateProductInput
    ) -> CreateProductPayload:
        draft = catalogue.ProductDraft(
            category_code=input.category_code,
            name=input.name,
            brand=input.brand,
            model=input.model,
            unit=input.unit,
            gtin=input.gtin,
            specs=[s.to_spec() for s in input.specs],
        )

        spec = Idempotent(
            "createProduct", input.idempotency_key, _as_request(draft), catalogue.get_product
        )
        return await run_create(
            info, spec, catalogue.create_product, draft, payload=_product_payload
        )


def _as_request(draft: catalogue.ProductDraft) -> dict[str, object]:
    return asdict(draft)


def _category_payload(outcome: Outcome[models.Category]) -> CreateCategoryPayload:
    return CreateCategoryPayload(
        category=Category.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )


def _product_payload(outcome: Outcome[models.Product]) -> CreateProductPayload:
    return CreateProductPayload(
        product=Product.from_model(outcome.value) if outcome.value else None,
        errors=outcome.errors,
    )
