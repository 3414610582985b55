import strawberry
from strawberry import relay

from identity import models


@strawberry.input
class OrganisationFilter:
    kind: models.OrganisationKind | None = None
    region_code: str | None = strawberry.field(
        default=None, description="A region code; its whole subtree matches."
    )
    name_contains: str | None = None


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class CreateOrganisationInput:
    kind: models.OrganisationKind
    name: str
    region_code: str
    credit_code: str | None = None
    supplier_size: models.SupplierSize | None = None
    is_disabled_welfare: bool = False
    is_prison_enterprise: bool = False
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class CreateApiKeyInput:
    organisation_id: relay.GlobalID
    name: str
    scopes: list[str] = strawberry.field(
        default_factory=lambda: ["catalogue", "orders"],
        description="catalogue (sync the catalogue), orders (receive and handle orders).",
    )
    rate_per_second: int | None = strawberry.field(
        default=None, description="Requests a second for this key; default: the server's."
    )
