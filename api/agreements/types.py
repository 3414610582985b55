from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from api.catalogue.types import Category, Product
from api.context import Info
from api.identity.types import Organisation
from api.money import Money
from api.relay import int_ids
from marketplace.agreements import access, models, quotas, rules


@strawberry.type(description="A spec a product must meet for a category ceiling to apply.")
class SpecConstraint:
    key: str
    op: rules.ConstraintOp
    value: str


@strawberry.type(
    description="最高限制单价: for one product, or a category's products meeting the constraints."
)
class Ceiling:
    id: strawberry.ID
    price: Money
    spec_constraints: list[SpecConstraint]
    product_id: strawberry.Private[int | None]
    category_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Ceiling) -> "Ceiling":
        return cls(
            id=strawberry.ID(str(row.id)),
            price=Money.from_fen(row.ceiling_fen),
            spec_constraints=[
                SpecConstraint(key=c["key"], op=rules.ConstraintOp(c["op"]), value=c["value"])
                for c in row.spec_constraints
            ],
            product_id=row.product_id,
            category_id=row.category_id,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        if self.product_id is None:
            return None
        row = await info.context.loaders.product_by_id.load(self.product_id)
        return Product.from_model(row) if row else None

    @strawberry.field
    async def category(self, info: Info) -> Category | None:
        if self.category_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.category_id)
        return Category.from_model(row) if row else None


@strawberry.type(description="A supplier's application to an agreement and its outcome.")
class Entrant:
    id: strawberry.ID
    status: models.EntrantStatus
    reason: str | None
    rotation_position: int | None
    applied_at: datetime
    decided_at: datetime | None
    supplier_id: strawberry.Private[int]
    agreement_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Entrant) -> "Entrant":
        return cls(
            id=strawberry.ID(str(row.id)),
            status=row.status,
            reason=row.reason,
            rotation_position=row.rotation_position,
            applied_at=row.applied_at,
            decided_at=row.decided_at,
            supplier_id=row.supplier_id,
            agreement_id=row.agreement_id,
        )

    @strawberry.field
    async def supplier(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.supplier_id)
        return Organisation.from_model(row) if row else None

    @strawberry.field
    async def agreement(self, info: Info) -> "Agreement | None":
        row = await info.context.loaders.agreement_by_id.load(self.agreement_id)
        return agreement_node(row, info) if row else None


@strawberry.type(description="产品升级: a replacement model, no worse in spec and no dearer.")
class Upgrade:
    id: strawberry.ID
    status: models.UpgradeStatus
    price: Money
    reason: str | None
    proposed_at: datetime
    decided_at: datetime | None
    old_product_id: strawberry.Private[int]
    new_product_id: strawberry.Private[int]
    supplier_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Upgrade) -> "Upgrade":
        return cls(
            id=strawberry.ID(str(row.id)),
            status=row.status,
            price=Money.from_fen(row.price_fen),
            reason=row.reason,
            proposed_at=row.proposed_at,
            decided_at=row.decided_at,
            old_product_id=row.old_product_id,
            new_product_id=row.new_product_id,
            supplier_id=row.supplier_id,
        )

    @strawberry.field
    async def old_product(self, info: Info) -> Product | None:
        row = await info.context.loaders.product_by_id.load(self.old_product_id)
        return Product.from_model(row) if row else None

    @strawberry.field
    async def new_product(self, info: Info) -> Product | None:
        row = await info.context.loaders.product_by_id.load(self.new_product_id)
        return Product.from_model(row) if row else None

    @strawberry.field
    async def supplier(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.supplier_id)
        return Organisation.from_model(row) if row else None


@strawberry.type(description="One price a quote has had.")
class PriceChange:
    old_price: Money | None
    new_price: Money
    changed_at: datetime


@strawberry.type(description="An entrant's agreement price (协议价) for a product.")
class Quote:
    id: strawberry.ID
    price: Money
    updated_at: datetime
    supplier_id: strawberry.Private[int]
    product_id: strawberry.Private[int]
    quote_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Quote) -> "Quote":
        return cls(
            id=strawberry.ID(str(row.id)),
            price=Money.from_fen(row.price_fen),
            updated_at=row.updated_at,
            supplier_id=row.supplier_id,
            product_id=row.product_id,
            quote_id=row.id,
        )

    @strawberry.field
    async def supplier(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.supplier_id)
        return Organisation.from_model(row) if row else None

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        row = await info.context.loaders.product_by_id.load(self.product_id)
        return Product.from_model(row) if row else None

    @strawberry.field(description="Every price this quote has had, oldest first, with when.")
    async def price_history(self, info: Info) -> list[PriceChange]:
        rows = await info.context.loaders.price_history_by_quote_id.load(self.quote_id)
        return [
            PriceChange(
                old_price=Money.maybe(r.old_price_fen),
                new_price=Money.from_fen(r.new_price_fen),
                changed_at=r.changed_at,
            )
            for r in rows
        ]


@strawberry.type(description="How much of the agreement's quota is used and left.")
class Quota:
    total: Money | None
    used: Money
    remaining: Money | None = strawberry.field(description="Null when the agreement has no total.")
    per_order_limit: Money | None
    supplier_cap: Money | None = strawberry.field(
        description="Each supplier's maximum share, in yuan."
    )

    @classmethod
    def from_status(cls, status: quotas.QuotaStatus, cap_fen: int | None) -> "Quota":
        return cls(
            total=Money.maybe(status.total_fen),
            used=Money.from_fen(status.used_fen),
            remaining=Money.maybe(status.remaining_fen),
            per_order_limit=Money.maybe(status.per_order_limit_fen),
            supplier_cap=Money.maybe(cap_fen),
        )


@strawberry.type(description="A framework agreement (框架协议, MOF Order No. 110).")
class Agreement(relay.Node):
    id: relay.NodeID[int]
    code: str
    title: str
    kind: models.AgreementKind
    scope: models.ProcurementScope
    region_code: str = strawberry.field(
        description="Purchasers in this region's subtree may buy under it."
    )
    status: models.AgreementStatus
    selection_method: models.SelectionMethod
    second_competition_above: Money | None = strawberry.field(
        description="Direct selection only: orders above this need a second competition."
    )
    starts_on: date
    ends_on: date
    supplier_share_percent: Decimal | None
    termination_reason: str | None
    model: strawberry.Private[models.Agreement]

    @classmethod
    def from_model(cls, row: models.Agreement, *, status: models.AgreementStatus) -> "Agreement":
        share = None if row.supplier_share_bp is None else Decimal(row.supplier_share_bp) / 100
        return cls(
            id=row.id,
            code=row.code,
            title=row.title,
            kind=row.kind,
            scope=row.scope,
            region_code=row.region_code,
            status=status,
            selection_method=row.selection_method,
            second_competition_above=Money.maybe(row.second_competition_above_fen),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            supplier_share_percent=share,
            termination_reason=row.termination_reason,
            model=row,
        )

    @strawberry.field
    async def operator(self, info: Info) -> Organisation | None:
        row = await info.context.loaders.organisation_by_id.load(self.model.operator_id)
        return Organisation.from_model(row) if row else None

    @strawberry.field(description="The 品目 covered, each with its subtree.")
    async def categories(self, info: Info) -> list[Category]:
        ids = await info.context.loaders.category_ids_by_agreement_id.load(self.id)
        rows = await info.context.loaders.category_by_id.load_many(ids)
        return sorted((Category.from_model(r) for r in rows if r), key=lambda c: c.code)

    @strawberry.field
    async def ceilings(self, info: Info) -> list[Ceiling]:
        rows = await info.context.loaders.ceilings_by_agreement_id.load(self.id)
        return [Ceiling.from_model(r) for r in rows]

    @strawberry.field(
        description="Admitted entrants for all; applications for the operator and the applicant."
    )
    async def entrants(self, info: Info) -> list[Entrant]:
        rows = await info.context.loaders.entrants_by_agreement_id.load(self.id)
        return [Entrant.from_model(r) for r in rows]

    @strawberry.field
    async def quotes(self, info: Info) -> list[Quote]:
        rows = await info.context.loaders.quotes_by_agreement_id.load(self.id)
        return [Quote.from_model(r) for r in rows]

    @strawberry.field(description="Upgrades: approved ones for all, proposals for their parties.")
    async def upgrades(self, info: Info) -> list[Upgrade]:
        rows = await info.context.loaders.upgrades_by_agreement_id.load(self.id)
        return [Upgrade.from_model(r) for r in rows]

    @strawberry.field
    async def quota(self, info: Info) -> Quota:
        used = await info.context.loaders.quota_used_by_agreement_id.load(self.id)
        return Quota.from_status(
            quotas.status_of(self.model, used), quotas.supplier_cap(self.model)
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.agreement_by_id.load_many(int_ids(node_ids))
        return [agreement_node(r, info) if r else None for r in rows]


def agreement_node(row: models.Agreement, info: Info) -> Agreement:
    return Agreement.from_model(row, status=access.status_now(row, info.context.clock))


@strawberry.type(description="A page of agreements.")
class AgreementConnection(relay.Connection[Agreement]):
    pass
