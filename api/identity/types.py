from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from api.catalogue.ratings import SupplierRating
from api.context import Info
from api.relay import int_ids
from core.principal import Role
from identity import models


@strawberry.type(description="An administrative division (行政区划), by its 6-digit code.")
class Region:
    code: str
    name: str
    level: int = strawberry.field(description="1 province, 2 city, 3 county.")
    parent_code: str | None

    @classmethod
    def from_model(cls, row: models.Region) -> "Region":
        return cls(code=row.code, name=row.name, level=row.level, parent_code=row.parent_code)


@strawberry.type(
    description="A purchasing unit, supplier, e-commerce partner, operator or supervisor."
)
class Organisation(relay.Node):
    id: relay.NodeID[int]
    name: str
    kind: models.OrganisationKind
    region_code: str
    credit_code: str | None = strawberry.field(
        description="统一社会信用代码 (18 characters, check character verified)."
    )
    supplier_size: models.SupplierSize | None
    is_disabled_welfare: bool = strawberry.field(description="残疾人福利性单位.")
    is_prison_enterprise: bool = strawberry.field(description="监狱企业.")

    @classmethod
    def from_model(cls, row: models.Organisation) -> "Organisation":
        return cls(
            id=row.id,
            name=row.name,
            kind=row.kind,
            region_code=row.region_code,
            credit_code=row.credit_code,
            supplier_size=row.supplier_size,
            is_disabled_welfare=row.is_disabled_welfare,
            is_prison_enterprise=row.is_prison_enterprise,
        )

    @strawberry.field(description="Sellers: average acceptance ratings, once rated.")
    async def rating(self, info: Info) -> SupplierRating | None:
        if self.kind not in (models.OrganisationKind.SUPPLIER, models.OrganisationKind.PARTNER):
            return None
        row = await info.context.loaders.rating_by_supplier_id.load(self.id)
        return SupplierRating.from_model(row) if row else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.organisation_by_id.load_many(int_ids(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type(description="The logged-in user.")
class Viewer:
    user_id: strawberry.ID
    username: str
    display_name: str
    role: Role
    organisation: Organisation
    last_login_at: datetime | None


@strawberry.type(
    description="A short-lived access token (JWT, `Authorization: Bearer …`) and a refresh token."
)
class AuthTokens:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(description="Single use: refreshing returns a new one.")
    refresh_token_expires_at: datetime
    token_type: str = "Bearer"


@strawberry.type(description="A page of organisations.")
class OrganisationConnection(relay.Connection[Organisation]):
    pass
