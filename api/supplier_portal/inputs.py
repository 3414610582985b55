from decimal import Decimal

import strawberry
from strawberry import relay


@strawberry.input(description="A new listing; it starts as a DRAFT and is submitted for review.")
class CreateOfferInput:
    product_id: relay.GlobalID
    supplier_sku: str
    price: Decimal = strawberry.field(description="Yuan, at most two decimals, as a string.")
    stock: int
    agreement_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The agreement it is sold under; required before submitting."
    )
    market_price: Decimal | None = None
    delivery_region_codes: list[str] = strawberry.field(
        default_factory=list, description="Empty: the agreement's whole region."
    )
    image_sha256: str | None = strawberry.field(default=None, description="From `uploadImage`.")
    idempotency_key: str | None = None


@strawberry.input(
    description="Only the fields given change; a new price or picture may send it back to review."
)
class UpdateOfferInput:
    id: relay.GlobalID
    price: Decimal | None = None
    market_price: Decimal | None = None
    stock: int | None = None
    delivery_region_codes: list[str] | None = None
    image_sha256: str | None = None
