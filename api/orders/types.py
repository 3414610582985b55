from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.catalogue.ratings import SupplierRating
from api.catalogue.types import Offer
from api.context import Info
from api.identity.types import Organisation
from api.money import Money
from api.relay import int_ids
from core.capital_numerals import amount_in_words
from orders import cart, models, plans, queries

if TYPE_CHECKING:
    from api.loaders import Loaders


@strawberry.type(description="采购计划: budgeted money for a 品目 in a fiscal year.")
class PurchasePlan(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    fiscal_year: int
    category_code: str = strawberry.field(description="Orders must be within this 品目 subtree.")
    amount: Money
    reserved: Money = strawberry.field(description="Held by placed orders not yet paid.")
    consumed: Money = strawberry.field(description="Paid out.")
    available: Money
    fund_source: str
    budget_item: str
    organisation_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.PurchasePlan) -> "PurchasePlan":
        return cls(
            id=row.id,
            code=row.code,
            name=row.name,
            fiscal_year=row.fiscal_year,
            category_code=row.category_code,
            amount=Money.from_fen(row.amount_fen),
            reserved=Money.from_fen(row.reserved_fen),
            consumed=Money.from_fen(row.consumed_fen),
            available=Money.from_fen(plans.available_fen(row)),
            fund_source=row.fund_source,
            budget_item=row.budget_item,
            organisation_id=row.organisation_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        viewer = await info.context.viewer()
        ids = int_ids(node_ids)
        if viewer is None:
            return [None for _ in ids]
        async with info.context.db.reader() as session:
            found = await plans.visible_by_ids(session, viewer, ids)
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="An offer in the cart, at the price the buyer last saw.")
class CartLine:
    quantity: int
    seen_price: Money = strawberry.field(description="The price when added or last updated.")
    price_changed: bool = strawberry.field(
        description="The offer's price is no longer the seen one: update the line to accept it."
    )
    amount: Money = strawberry.field(description="Quantity × the current price.")
    offer: Offer


@strawberry.type(description="The cart lines of one supplier: they become one order.")
class CartGroup:
    supplier: Organisation
    lines: list[CartLine]
    total: Money


@strawberry.type
class Cart:
    groups: list[CartGroup]
    total: Money
    line_count: int


def cart_of(items: list[cart.CartItem], suppliers: dict[int, Any]) -> Cart:
    groups: dict[int, list[cart.CartItem]] = {}
    for item in items:
        groups.setdefault(item.offer.supplier_id, []).append(item)
    return Cart(
        groups=[
            CartGroup(
                supplier=Organisation.from_model(suppliers[supplier_id]),
                lines=[_cart_line(item) for item in group],
                total=Money.from_fen(sum(item.amount_fen for item in group)),
            )
            for supplier_id, group in groups.items()
        ],
        total=Money.from_fen(sum(item.amount_fen for item in items)),
        line_count=len(items),
    )


def _cart_line(item: cart.CartItem) -> CartLine:
    return CartLine(
        quantity=item.line.quantity,
        seen_price=Money.from_fen(item.line.seen_price_fen),
        price_changed=item.price_changed,
        amount=Money.from_fen(item.amount_fen),
        offer=Offer.from_model(item.offer),
    )


@strawberry.type(description="A platform's public price a line was judged against.")
class MarketObservation:
    offer_id: relay.GlobalID
    price: Money
    observed_at: datetime


@strawberry.type(
    description="The price evidence frozen when the order was placed: what supervision judges."
)
class PriceSnapshot:
    unit_price: Money
    ceiling: Money = strawberry.field(description="The agreement's 最高限制单价 that applied.")
    market_rule: str = strawberry.field(description="LOWEST or AVERAGE of the platform prices.")
    market_reference: Money | None = strawberry.field(
        description="The reference the rule gave; null when no platform price was seen."
    )
    market_prices: list[MarketObservation]
    priced_at: datetime


@strawberry.type
class OrderLine:
    id: strawberry.ID
    name: str
    brand: str
    model: str
    unit: str
    category_code: str
    quantity: int
    unit_price: Money
    amount: Money
    snapshot: PriceSnapshot
    acceptance_passed: bool | None = strawberry.field(
        description="The purchaser's verdict at acceptance; null before."
    )
    acceptance_note: str | None
    offer_id: strawberry.Private[int]
    order_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.OrderLine) -> "OrderLine":
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            brand=row.brand,
            model=row.model,
            unit=row.unit,
            category_code=row.category_code,
            quantity=row.quantity,
            unit_price=Money.from_fen(row.unit_price_fen),
            amount=Money.from_fen(row.amount_fen),
            snapshot=PriceSnapshot(
                unit_price=Money.from_fen(row.unit_price_fen),
                ceiling=Money.from_fen(row.ceiling_fen),
                market_rule=row.market_rule,
                market_reference=Money.maybe(row.market_reference_fen),
                market_prices=[
                    MarketObservation(
                        offer_id=relay.GlobalID("Offer", str(o["offerId"])),
                        price=Money.from_fen(int(o["priceFen"])),
                        observed_at=datetime.fromisoformat(o["observedAt"]),
                    )
                    for o in row.market_prices
                ],
                priced_at=row.priced_at,
            ),
            acceptance_passed=row.acceptance_passed,
            acceptance_note=row.acceptance_note,
            offer_id=row.offer_id,
            order_id=row.order_id,
        )

    @strawberry.field(description="The offer as it is now (null if no longer visible).")
    async def offer(self, info: Info) -> Offer | None:
        row = await info.context.loaders.offer_by_id.load(self.offer_id)
        return Offer.from_model(row) if row else None

    @strawberry.field(description="How many of the line the order's shipments have carried.")
    async def shipped_quantity(self, info: Info) -> int:
        views = await info.context.loaders.shipments_by_order_id.load(self.order_id)
        return sum(
            line.quantity
            for view in views
            for line in view.lines
            if line.order_line_id == int(self.id)
        )


@strawberry.type(description="One move in the order's life: who, when, from and to which state.")
class TimelineEntry:
    action: str
    from_state: models.OrderState | None
    to_state: models.OrderState
    actor_role: str | None
    actor_organisation_id: relay.GlobalID | None
    note: str | None
    at: datetime

    @classmethod
    def from_model(cls, row: models.TimelineEntry) -> "TimelineEntry":
        org = row.actor_organisation_id
        return cls(
            action=row.action,
            from_state=models.OrderState(row.from_state) if row.from_state else None,
            to_state=models.OrderState(row.to_state),
            actor_role=row.actor_role,
            actor_organisation_id=relay.GlobalID("Organisation", str(org)) if org else None,
            note=row.note,
            at=row.at,
        )


@strawberry.type(description="What one shipment carries of an order line.")
class ShipmentLine:
    line_id: strawberry.ID = strawberry.field(description="The order line's ID.")
    quantity: int


@strawberry.type(description="One parcel; an order may ship in several (拆单).")
class Shipment:
    carrier: str
    tracking_number: str
    shipped_at: datetime
    lines: list[ShipmentLine] = strawberry.field(
        description="What it carries; empty for shipments recorded before split shipping."
    )

    @classmethod
    def from_view(cls, view: queries.ShipmentView) -> "Shipment":
        return cls(
            carrier=view.shipment.carrier,
            tracking_number=view.shipment.tracking_number,
            shipped_at=view.shipment.shipped_at,
            lines=[
                ShipmentLine(line_id=strawberry.ID(str(line.order_line_id)), quantity=line.quantity)
                for line in view.lines
            ],
        )


@strawberry.type(description="A fapiao (发票) the supplier issued for the order.")
class Invoice:
    order_id: relay.GlobalID
    kind: models.InvoiceKind
    code: str = strawberry.field(description="发票代码; empty for a 数电发票.")
    number: str = strawberry.field(description="发票号码.")
    amount: Money = strawberry.field(description="价税合计: the total including tax.")
    tax: Money = strawberry.field(description="税额: the tax included in the amount.")
    issued_on: date
    submitted_at: datetime

    @classmethod
    def from_model(cls, row: models.Invoice) -> "Invoice":
        return cls(
            order_id=relay.GlobalID("Order", str(row.order_id)),
            kind=row.kind,
            code=row.code,
            number=row.number,
            amount=Money.from_fen(row.amount_fen),
            tax=Money.from_fen(row.tax_fen),
            issued_on=row.issued_on,
            submitted_at=row.submitted_at,
        )


_invoice_loaders: "WeakKeyDictionary[Loaders, DataLoader[int, list[models.Invoice]]]" = (
    WeakKeyDictionary()
)


def _invoices_by_order_id(info: Info) -> DataLoader[int, list[models.Invoice]]:
    """One loader per request, kept beside the request's `Loaders` (to move into
    `api/loaders.py` as `invoices_by_order_id` when that file is next edited)."""
    loaders = info.context.loaders
    loader = _invoice_loaders.get(loaders)
    if loader is None:
        db = info.context.db

        async def load(order_ids: list[int]) -> list[list[models.Invoice]]:
            async with db.reader() as session:
                found = await queries.invoices_for(session, order_ids)
            return [found.get(i, []) for i in order_ids]

        loader = _invoice_loaders[loaders] = DataLoader(load)
    return loader


@strawberry.type(description="履约验收: the verdict and the supplier's rating.")
class Acceptance:
    passed: bool = strawberry.field(description="Every line passed.")
    accepted_amount: Money = strawberry.field(description="What is payable: the passed lines.")
    quality: int
    delivery: int
    service: int
    note: str | None
    at: datetime


@strawberry.type(description="Opened by a failed acceptance; the supplier answers it.")
class Dispute:
    id: relay.GlobalID
    status: models.DisputeStatus
    reason: str
    answer: str | None
    opened_at: datetime
    answered_at: datetime | None


@strawberry.type(description="The 政府采购合同 drafted from the confirmed order.")
class Contract(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: models.ContractStatus
    amount: Money
    amount_in_words: str = strawberry.field(description="The amount in 大写, as printed.")
    purchaser_signed_at: datetime | None
    supplier_signed_at: datetime | None
    signed_on: date | None
    announce_due_on: date | None = strawberry.field(
        description="Announce within 2 working days of signing (实施条例 Art. 50)."
    )
    filing_due_on: date | None = strawberry.field(
        description="File within 7 working days of signing (政府采购法 Art. 47)."
    )
    announced_at: datetime | None
    filed_at: datetime | None
    pdf_url: str = strawberry.field(description="The printable contract (PDF), for its viewers.")

    @classmethod
    def from_model(cls, row: models.Contract) -> "Contract":
        return cls(
            id=row.id,
            number=row.number,
            status=row.status,
            amount=Money.from_fen(row.amount_fen),
            amount_in_words=amount_in_words(row.amount_fen),
            purchaser_signed_at=row.purchaser_signed_at,
            supplier_signed_at=row.supplier_signed_at,
            signed_on=row.signed_on,
            announce_due_on=row.announce_due_on,
            filing_due_on=row.filing_due_on,
            announced_at=row.announced_at,
            filed_at=row.filed_at,
            pdf_url=f"/contracts/{row.number}.pdf",
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        from orders.models import Contract as ContractRow

        ids = int_ids(node_ids)
        async with info.context.db.reader() as session:
            rows = {r.id: r for r in [await session.get(ContractRow, i) for i in ids] if r}
        orders = await info.context.loaders.order_by_id.load_many(
            [r.order_id for r in rows.values()]
        )
        visible = {o.id for o in orders if o is not None}
        return [
            cls.from_model(rows[i]) if i in rows and rows[i].order_id in visible else None
            for i in ids
        ]


@strawberry.type
class Payment(relay.Node):
    id: relay.NodeID[int]
    method: models.PaymentMethod
    status: models.PaymentStatus
    amount: Money
    voucher_number: str | None = strawberry.field(description="The treasury's 支付凭证号.")
    failure_reason: str | None
    requested_at: datetime
    paid_at: datetime | None

    @classmethod
    def from_model(cls, row: models.Payment) -> "Payment":
        return cls(
            id=row.id,
            method=row.method,
            status=row.status,
            amount=Money.from_fen(row.amount_fen),
            voucher_number=row.voucher_number,
            failure_reason=row.failure_reason,
            requested_at=row.requested_at,
            paid_at=row.paid_at,
        )


@strawberry.type(description="采购订单: one supplier's part of a placement, and its whole life.")
class Order(relay.Node):
    id: relay.NodeID[int]
    number: str
    state: models.OrderState
    total: Money
    total_in_words: str = strawberry.field(description="The total in 大写.")
    accepted_amount: Money | None = strawberry.field(description="Payable after acceptance.")
    delivery_address: str
    contact_name: str
    contact_phone: str
    note: str | None
    supplier_reference: str | None = strawberry.field(description="The supplier's own order no.")
    placed_at: datetime
    confirm_due_at: datetime = strawberry.field(description="The supplier must confirm by then.")
    confirmed_at: datetime | None
    deliver_due_on: date | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    accept_due_on: date | None = strawberry.field(description="Working-day acceptance deadline.")
    accepted_at: datetime | None
    payment_due_on: date | None = strawberry.field(
        description="SME suppliers: pay by this day (30 days from acceptance by default)."
    )
    paid_at: datetime | None
    closing_reason: str | None = strawberry.field(description="Why it was cancelled or rejected.")
    cancellation_requested_at: datetime | None = strawberry.field(
        description="The purchaser asked to cancel after confirmation; awaiting the supplier."
    )
    purchaser_id: strawberry.Private[int]
    supplier_id: strawberry.Private[int]
    plan_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Order) -> "Order":
        return cls(
            id=row.id,
            number=row.number,
            state=row.state,
            total=Money.from_fen(row.total_fen),
            total_in_words=amount_in_words(row.total_fen),
            accepted_amount=Money.maybe(row.accepted_fen),
            delivery_address=row.delivery_address,
            contact_name=row.contact_name,
            contact_phone=row.contact_phone,
            note=row.note,
            supplier_reference=row.supplier_reference,
            placed_at=row.placed_at,
            confirm_due_at=row.confirm_due_at,
            confirmed_at=row.confirmed_at,
            deliver_due_on=row.deliver_due_on,
            shipped_at=row.shipped_at,
            delivered_at=row.delivered_at,
            accept_due_on=row.accept_due_on,
            accepted_at=row.accepted_at,
            payment_due_on=row.payment_due_on,
            paid_at=row.paid_at,
            closing_reason=row.closing_reason,
            cancellation_requested_at=row.cancel_requested_at,
            purchaser_id=row.purchaser_id,
            supplier_id=row.supplier_id,
            plan_id=row.plan_id,
        )

    @strawberry.field
    async def purchaser(self, info: Info) -> Organisation:
        row = await info.context.loaders.party_by_id.load(self.purchaser_id)
        assert row is not None
        return Organisation.from_model(row)

    @strawberry.field
    async def supplier(self, info: Info) -> Organisation:
        row = await info.context.loaders.party_by_id.load(self.supplier_id)
        assert row is not None
        return Organisation.from_model(row)

    @strawberry.field(description="The supplier's average acceptance ratings, if rated.")
    async def supplier_rating(self, info: Info) -> SupplierRating | None:
        row = await info.context.loaders.rating_by_supplier_id.load(self.supplier_id)
        return SupplierRating.from_model(row) if row else None

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.lines_by_order_id.load(self.id)
        return [OrderLine.from_model(r) for r in rows]

    @strawberry.field(description="Every move, oldest first.")
    async def timeline(self, info: Info) -> list[TimelineEntry]:
        rows = await info.context.loaders.timeline_by_order_id.load(self.id)
        return [TimelineEntry.from_model(r) for r in rows]

    @strawberry.field(description="Its parcels, oldest first.")
    async def shipments(self, info: Info) -> list[Shipment]:
        views = await info.context.loaders.shipments_by_order_id.load(self.id)
        return [Shipment.from_view(view) for view in views]

    @strawberry.field(
        description="Confirmed and some of it shipped (拆单): it becomes SHIPPED with its last "
        "parcel."
    )
    async def shipped_in_part(self, info: Info) -> bool:
        if self.state != models.OrderState.CONFIRMED:
            return False
        return bool(await info.context.loaders.shipments_by_order_id.load(self.id))

    @strawberry.field(description="The supplier's fapiao for it, oldest first.")
    async def invoices(self, info: Info) -> list[Invoice]:
        rows = await _invoices_by_order_id(info).load(self.id)
        return [Invoice.from_model(row) for row in rows]

    @strawberry.field(description="Acceptances, oldest first (a failed one may be followed).")
    async def acceptances(self, info: Info) -> list[Acceptance]:
        rows = await info.context.loaders.acceptances_by_order_id.load(self.id)
        return [
            Acceptance(
                passed=r.passed,
                accepted_amount=Money.from_fen(r.accepted_fen),
                quality=r.quality,
                delivery=r.delivery,
                service=r.service,
                note=r.note,
                at=r.at,
            )
            for r in rows
        ]

    @strawberry.field
    async def disputes(self, info: Info) -> list[Dispute]:
        rows = await info.context.loaders.disputes_by_order_id.load(self.id)
        return [
            Dispute(
                id=relay.GlobalID("Dispute", str(r.id)),
                status=r.status,
                reason=r.reason,
                answer=r.answer,
                opened_at=r.opened_at,
                answered_at=r.answered_at,
            )
            for r in rows
        ]

    @strawberry.field(description="Drafted when the supplier confirms.")
    async def contract(self, info: Info) -> Contract | None:
        row = await info.context.loaders.contract_by_order_id.load(self.id)
        return Contract.from_model(row) if row else None

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loaders.payments_by_order_id.load(self.id)
        return [Payment.from_model(r) for r in rows]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        rows = await info.context.loaders.order_by_id.load_many(int_ids(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


@strawberry.type
class OrderConnection(relay.Connection[Order]):
    pass
