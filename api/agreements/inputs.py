from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay

from marketplace.agreements import models, rules


@strawberry.input(description="An agreement's terms; all of them may change while it is a draft.")
class AgreementInput:
    title: str
    kind: models.AgreementKind
    scope: models.ProcurementScope
    region_code: str
    category_codes: list[str]
    starts_on: date
    ends_on: date
    selection_method: models.SelectionMethod
    second_competition_above: Decimal | None = None
    total_quota: Decimal | None = None
    supplier_share_percent: Decimal | None = strawberry.field(
        default=None, description='Each supplier\'s maximum share of the total, e.g. "30" for 30 %.'
    )
    per_order_limit: Decimal | None = None


@strawberry.input
class CreateAgreementInput(AgreementInput):
    code: str
    idempotency_key: str | None = None


@strawberry.input
class UpdateAgreementInput(AgreementInput):
    id: relay.GlobalID


@strawberry.input
class SpecConstraintInput:
    key: str
    op: rules.ConstraintOp
    value: str


@strawberry.input(
    description="A ceiling for one product, or for a category (with optional spec constraints)."
)
class SetCeilingInput:
    agreement_id: relay.GlobalID
    price: Decimal
    product_id: relay.GlobalID | None = None
    category_code: str | None = None
    spec_constraints: list[SpecConstraintInput] = strawberry.field(default_factory=list)


@strawberry.input
class RejectEntrantInput:
    entrant_id: strawberry.ID
    reason: str
    eliminated: bool = strawberry.field(
        default=False, description="Qualified but outcompeted (淘汰), as opposed to not qualified."
    )


@strawberry.input
class QuotePriceInput:
    agreement_id: relay.GlobalID
    product_id: relay.GlobalID
    price: Decimal


@strawberry.input
class AgreementFilter:
    status: models.AgreementStatus | None = None
    kind: models.AgreementKind | None = None
    region_code: str | None = None
    category_code: str | None = strawberry.field(
        default=None, description="Agreements covering this 品目 (or an ancestor of it)."
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Agreements this supplier is admitted to."
    )


@strawberry.input(description="Replace a quoted model with a newer one at no higher price.")
class ProposeUpgradeInput:
    agreement_id: relay.GlobalID
    old_product_id: relay.GlobalID
    new_product_id: relay.GlobalID
    price: Decimal
