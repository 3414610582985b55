import strawberry
from strawberry import relay

from marketplace import models, specs


@strawberry.input(description="One typed specification.")
class SpecInput:
    key: str
    kind: models.SpecKind = models.SpecKind.TEXT
    value: str
    unit: str | None = None

    def to_spec(self) -> specs.Spec:
        return specs.Spec(key=self.key, kind=self.kind, value=self.value, unit=self.unit)


@strawberry.input
class CreateCategoryInput:
    code: str = strawberry.field(
        description="品目 code; its parent (the code less its last two digits) must exist."
    )
    name: str
    idempotency_key: str | None = None


@strawberry.input
class CreateProductInput:
    category_code: str
    name: str
    brand: str
    model: str
    unit: str = "台"
    gtin: str | None = None
    specs: list[SpecInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input
class ProductFilter:
    category_code: str | None = strawberry.field(
        default=None, description="A 品目 code; its whole subtree matches."
    )
    brand: str | None = None
    name_contains: str | None = None
    supplier_id: relay.GlobalID | None = None
