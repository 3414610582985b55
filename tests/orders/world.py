"""An ordering world: an active agreement in 丽水市 with two admitted SME suppliers listing under it,
a platform's public price, a purchasing unit in 莲都区 with a buyer and a purchase plan; and the
GraphQL operations of the ordering flow."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from identity.models import OrganisationKind
from marketplace.agreements.models import (
    Agreement,
    AgreementCategory,
    AgreementKind,
    AgreementStatus,
    Ceiling,
    Entrant,
    EntrantStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.models import Offer, Product
from orders.models import PlanStatus, PurchasePlan
from tests import factories
from tests.factories import T0, Member
from tests.gql import gql

ERRORS = "errors { code field message }"
ORDER_FIELDS = """id number state total { amount } totalInWords acceptedAmount { amount }
  confirmDueAt deliverDueOn acceptDueOn paymentDueOn closingReason
  supplier { id name } lines { id name quantity unitPrice { amount } amount { amount }
    acceptancePassed snapshot { ceiling { amount } marketRule marketReference { amount }
    marketPrices { price { amount } } } }
  timeline { action fromState toState actorRole }
  contract { id number status signedOn announceDueOn filingDueOn pdfUrl amountInWords }
  payments { id method status amount { amount } voucherNumber }
  disputes { id status reason answer }"""
ADD = f"""mutation($o: ID!, $q: Int!) {{ addToCart(offerId: $o, quantity: $q) {{
  cart {{ total {{ amount }} lineCount groups {{ supplier {{ id }} total {{ amount }}
    lines {{ quantity priceChanged seenPrice {{ amount }} offer {{ id }} }} }} }} {ERRORS} }} }}"""
UPDATE_LINE = f"""mutation($o: ID!, $q: Int!) {{ updateCartLine(offerId: $o, quantity: $q) {{
  cart {{ lineCount }} {ERRORS} }} }}"""
CART = "{ cart { lineCount total { amount } groups { lines { priceChanged offer { id } } } } }"
PLACE = f"""mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{
  orders {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""
ORDER_PAYLOAD = f"order {{ {ORDER_FIELDS} }} {ERRORS}"
CONFIRM = f'mutation($o: ID!) {{ confirmOrder(orderId: $o, supplierReference: "JD-1") {{ {ORDER_PAYLOAD} }} }}'
REJECT = f"mutation($o: ID!, $r: String!) {{ rejectOrder(orderId: $o, reason: $r) {{ {ORDER_PAYLOAD} }} }}"
SHIP = f"mutation($input: ShipOrderInput!) {{ shipOrder(input: $input) {{ {ORDER_PAYLOAD} }} }}"
DELIVER = f"mutation($o: ID!) {{ markDelivered(orderId: $o) {{ {ORDER_PAYLOAD} }} }}"
ACCEPT = (
    f"mutation($input: AcceptOrderInput!) {{ acceptOrder(input: $input) {{ {ORDER_PAYLOAD} }} }}"
)
CANCEL = f"mutation($o: ID!, $r: String!) {{ cancelOrder(orderId: $o, reason: $r) {{ {ORDER_PAYLOAD} }} }}"
REQUEST_CANCEL = f"""mutation($o: ID!, $r: String!) {{
  requestOrderCancellation(orderId: $o, reason: $r) {{ {ORDER_PAYLOAD} }} }}"""
ANSWER_CANCEL = f"""mutation($o: ID!, $a: Boolean!) {{
  answerOrderCancellation(orderId: $o, agree: $a) {{ {ORDER_PAYLOAD} }} }}"""
ANSWER_DISPUTE = f"""mutation($d: ID!, $a: String!) {{
  answerDispute(disputeId: $d, answer: $a) {{ {ORDER_PAYLOAD} }} }}"""
CONTRACT_FIELDS = "contract { id status signedOn announceDueOn filingDueOn announcedAt filedAt }"
SIGN = f"mutation($c: ID!) {{ signContract(contractId: $c) {{ {CONTRACT_FIELDS} {ERRORS} }} }}"
ANNOUNCE = (
    f"mutation($c: ID!) {{ announceContract(contractId: $c) {{ {CONTRACT_FIELDS} {ERRORS} }} }}"
)
FILE = f"mutation($c: ID!) {{ fileContract(contractId: $c) {{ {CONTRACT_FIELDS} {ERRORS} }} }}"
PAYMENT_FIELDS = "payment { id method status amount { amount } voucherNumber } clientSecret"
REQUEST_PAYMENT = f"""mutation($input: RequestPaymentInput!) {{
  requestPayment(input: $input) {{ {PAYMENT_FIELDS} {ERRORS} }} }}"""
RECORD_TREASURY = f"""mutation($p: ID!, $v: String!) {{
  recordTreasuryPayment(paymentId: $p, voucherNumber: $v) {{ {PAYMENT_FIELDS} {ERRORS} }} }}"""
ORDERS = """query($f: OrderFilterInput) { orders(filter: $f, first: 50) {
  edges { node { id number state } } } }"""
PLANS = "{ purchasePlans { id code amount { amount } reserved { amount } consumed { amount } available { amount } } }"


@dataclass
class World:
    db: Database
    client: httpx.AsyncClient
    clock: FrozenClock
    operator: Member
    buyer: Member
    suppliers: list[Member]
    partner: Member
    agreement: Agreement
    products: list[Product]
    offers: list[Offer]  # offers[i] is suppliers[i]'s listing of products[i]
    plan: PurchasePlan

    async def as_(self, who: Member, query: str, variables: dict[str, Any] | None = None) -> Any:
        headers = factories.bearer(who, now=self.clock.now())
        body = await gql(self.client, query, variables or {}, headers=headers)
        return next(iter(body["data"].values()))

    def offer_id(self, index: int) -> str:
        return factories.gid("Offer", self.offers[index].id)

    def placement(self, **overrides: Any) -> dict[str, Any]:
        return {
            "planId": factories.gid("PurchasePlan", self.plan.id),
            "deliveryAddress": "丽水市莲都区人民街 1 号 302 室",
            "contactName": "王老师",
            "contactPhone": "0578-2123456",
        } | overrides

    async def cart_with(self, *lines: tuple[int, int], buyer: Member | None = None) -> None:
        for index, quantity in lines:
            added = await self.as_(
                buyer or self.buyer, ADD, {"o": self.offer_id(index), "q": quantity}
            )
            assert added["errors"] == [], added

    async def place(self, buyer: Member | None = None, **overrides: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.as_(
            buyer or self.buyer, PLACE, {"input": self.placement(**overrides)}
        )
        return result

    async def placed_order(self, *lines: tuple[int, int]) -> dict[str, Any]:
        await self.cart_with(*(lines or ((0, 2),)))
        placed = await self.place()
        assert placed["errors"] == [], placed
        order: dict[str, Any] = placed["orders"][0]
        return order

    async def confirmed_order(self) -> dict[str, Any]:
        order = await self.placed_order()
        confirmed = await self.as_(self.suppliers[0], CONFIRM, {"o": order["id"]})
        assert confirmed["errors"] == [], confirmed
        result: dict[str, Any] = confirmed["order"]
        return result

    async def signed_order(self) -> dict[str, Any]:
        order = await self.confirmed_order()
        for who in (self.buyer, self.suppliers[0]):
            signed = await self.as_(who, SIGN, {"c": order["contract"]["id"]})
            assert signed["errors"] == [], signed
        return order

    async def delivered_order(self) -> dict[str, Any]:
        order = await self.signed_order()
        ship = {"orderId": order["id"], "carrier": "顺丰速运", "trackingNumber": "SF1234567890"}
        assert (await self.as_(self.suppliers[0], SHIP, {"input": ship}))["errors"] == []
        delivered = await self.as_(self.suppliers[0], DELIVER, {"o": order["id"]})
        assert delivered["errors"] == [], delivered
        result: dict[str, Any] = delivered["order"]
        return result

    async def accepted_order(self) -> dict[str, Any]:
        order = await self.delivered_order()
        accepted = await self.as_(self.buyer, ACCEPT, {"input": acceptance(order)})
        assert accepted["errors"] == [], accepted
        result: dict[str, Any] = accepted["order"]
        return result


def acceptance(order: dict[str, Any], *, failed: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "orderId": order["id"],
        "lines": [
            {
                "lineId": line["id"],
                "passed": i not in failed,
                "note": "外观破损" if i in failed else None,
            }
            for i, line in enumerate(order["lines"])
        ],
        "ratings": {"quality": 5, "delivery": 4, "service": 5},
        "note": "按合同验收",
    }


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def make_world(
    client: httpx.AsyncClient,
    db: Database,
    clock: FrozenClock,
    *,
    stock: int = 100,
    **agreement_terms: Any,
) -> World:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    buyer = await factories.member(db, Role.PURCHASER, region="331102")
    suppliers = [await factories.member(db, Role.SUPPLIER, region="331102") for _ in range(2)]
    partner_org = await factories.organisation(db, OrganisationKind.PARTNER, region="331100")
    partner = await factories.member(db, Role.PARTNER, organisation=partner_org)
    category = await factories.category_path(db)
    products = [await factories.product(db, category, model=f"M74{i}t") for i in range(2)]
    agreement = await _agreement(
        db, operator, category.id, [s.organisation.id for s in suppliers], agreement_terms
    )
    offers = []
    for supplier, product, price in zip(suppliers, products, (450000, 300000), strict=True):
        offers.append(await _listing(db, product, supplier, agreement, price, stock))
    plan = await make_plan(db, buyer, amount_fen=20_000_000)
    return World(
        db, client, clock, operator, buyer, suppliers, partner, agreement, products, offers, plan
    )


async def _agreement(
    db: Database, operator: Member, category_id: int, supplier_ids: list[int], terms: dict[str, Any]
) -> Agreement:
    agreement = Agreement(
        code="LS-2026-PC",
        title="丽水市2026年台式计算机框架协议",
        kind=AgreementKind.CLOSED,
        scope=ProcurementScope.GOODS,
        operator_id=operator.organisation.id,
        region_code="331100",
        status=AgreementStatus.ACTIVE,
        selection_method=SelectionMethod.DIRECT_SELECTION,
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 10, 31),
        created_at=T0,
        updated_at=T0,
        **terms,
    )
    async with db.unit_of_work() as s:
        s.add(agreement)
        await s.flush()
        s.add(AgreementCategory(agreement_id=agreement.id, category_id=category_id))
        s.add(
            Ceiling(
                agreement_id=agreement.id,
                category_id=category_id,
                ceiling_fen=500000,
                spec_constraints=[],
                created_at=T0,
            )
        )
        for supplier_id in supplier_ids:
            s.add(
                Entrant(
                    agreement_id=agreement.id,
                    supplier_id=supplier_id,
                    status=EntrantStatus.ADMITTED,
                    applied_at=T0,
                    decided_at=T0,
                )
            )
    return agreement


async def _listing(
    db: Database,
    product: Product,
    supplier: Member,
    agreement: Agreement,
    price_fen: int,
    stock: int,
) -> Offer:
    offer = await factories.offer(
        db, product, supplier.organisation, price_fen=price_fen, stock=stock
    )
    async with db.unit_of_work() as s:
        row = await s.get(Offer, offer.id)
        assert row is not None
        row.agreement_id = agreement.id
    offer.agreement_id = agreement.id
    return offer


async def make_plan(
    db: Database,
    buyer: Member,
    *,
    amount_fen: int,
    code: str | None = None,
    category_code: str = "A02",
    fiscal_year: int = 2026,
) -> PurchasePlan:
    plan = PurchasePlan(
        organisation_id=buyer.organisation.id,
        code=code or f"2026-JH-{buyer.organisation.id:04d}-{amount_fen}",
        name="2026年办公设备购置",
        fiscal_year=fiscal_year,
        category_code=category_code,
        amount_fen=amount_fen,
        reserved_fen=0,
        consumed_fen=0,
        fund_source="一般公共预算",
        budget_item="办公设备购置费",
        status=PlanStatus.ACTIVE,
        created_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(plan)
    return plan


async def market_price(db: Database, w: World, product_index: int, price_fen: int) -> Offer:
    """The partner's platform lists the product publicly at this price (电商价)."""
    offer = await factories.offer(
        db, w.products[product_index], w.partner.organisation, price_fen=price_fen
    )
    async with db.unit_of_work() as s:
        row = await s.get(Offer, offer.id)
        assert row is not None
        row.market_price_fen = price_fen
        row.updated_at = w.clock.now()
    return offer
