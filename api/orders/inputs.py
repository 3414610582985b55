from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from identity.models import BlacklistKind
from orders.models import OrderState, PaymentMethod


@strawberry.input(description="A purchase plan for a unit's fiscal year.")
class CreatePurchasePlanInput:
    organisation_id: relay.GlobalID
    code: str
    name: str
    fiscal_year: int
    category_code: str = strawberry.field(description="The 品目 (and its subtree) it pays for.")
    amount: Decimal = strawberry.field(description="Yuan, at most two decimals, as a string.")
    fund_source: str = strawberry.field(description="资金来源, e.g. 一般公共预算.")
    budget_item: str = strawberry.field(description="预算项目.")
    idempotency_key: str | None = None


@strawberry.input(description="Place the cart (or some of its offers) as orders.")
class PlaceOrderInput:
    plan_id: relay.GlobalID | None = strawberry.field(
        description="The purchase plan that pays; required (无预算不采购)."
    )
    delivery_address: str
    contact_name: str
    contact_phone: str
    note: str | None = None
    offer_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Only these cart lines; the whole cart when omitted."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the same orders."
    )


@strawberry.input
class OrderFilterInput:
    states: list[OrderState] | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    supplier_id: relay.GlobalID | None = None
    purchaser_id: relay.GlobalID | None = None
    category_code: str | None = strawberry.field(default=None, description="A 品目 prefix.")


@strawberry.input(description="The verdict on one order line.")
class LineVerdictInput:
    line_id: strawberry.ID
    passed: bool
    note: str | None = strawberry.field(default=None, description="Required when it failed.")


@strawberry.input(description="Ratings of the supplier, each 1 to 5.")
class RatingsInput:
    quality: int
    delivery: int
    service: int


@strawberry.input
class AcceptOrderInput:
    order_id: relay.GlobalID
    lines: list[LineVerdictInput]
    ratings: RatingsInput
    note: str | None = None


@strawberry.input
class ShipOrderInput:
    order_id: relay.GlobalID
    carrier: str
    tracking_number: str


@strawberry.input(description="How many of one order line a shipment carries.")
class ShipmentLineInput:
    line_id: strawberry.ID = strawberry.field(description="The order line's ID.")
    quantity: int


@strawberry.input(description="Ship part of an order (拆单): these quantities in one parcel.")
class ShipOrderLinesInput:
    order_id: relay.GlobalID
    carrier: str
    tracking_number: str
    lines: list[ShipmentLineInput] = strawberry.field(
        description="At most what is ordered minus what earlier shipments carried, per line."
    )


@strawberry.input
class RequestPaymentInput:
    order_id: relay.GlobalID
    method: PaymentMethod


@strawberry.input(description="A listing on a credit blacklist, as published by its authority.")
class AddBlacklistEntryInput:
    credit_code: str
    name: str
    kind: BlacklistKind
    reason: str
    authority: str = strawberry.field(description="The body that made the listing.")
    starts_on: date
    ends_on: date | None = None
