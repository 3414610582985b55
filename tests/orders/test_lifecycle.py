"""The order's life from confirmation to payment: every guard tripped, the whole path walked."""

from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from marketplace.agreements.models import QuotaUse
from marketplace.models import Offer, SupplierRating
from orders.models import PurchasePlan
from tests import factories
from tests.orders.world import (
    ACCEPT,
    ANNOUNCE,
    ANSWER_CANCEL,
    ANSWER_DISPUTE,
    CANCEL,
    CONFIRM,
    DELIVER,
    FILE,
    ORDERS,
    PLANS,
    RECORD_TREASURY,
    REJECT,
    REQUEST_CANCEL,
    REQUEST_PAYMENT,
    SHIP,
    SIGN,
    World,
    acceptance,
    codes,
    make_world,
)


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _stock(db: Database, offer_id: int) -> int:
    async with db.reader() as s:
        offer = await s.get(Offer, offer_id)
        assert offer is not None
        return offer.stock


async def _plan(db: Database, plan_id: int) -> PurchasePlan:
    async with db.reader() as s:
        plan = await s.get(PurchasePlan, plan_id)
        assert plan is not None
        return plan


async def test_the_whole_path_from_cart_to_payment(w: World) -> None:
    order = await w.placed_order((0, 2))
    confirmed = await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]})
    assert confirmed["errors"] == []
    contract = confirmed["order"]["contract"]
    assert contract["status"] == "AWAITING_SIGNATURES"
    assert contract["amountInWords"] == "玖仟元整"
    assert confirmed["order"]["deliverDueOn"] == "2026-11-09"

    ship = {"orderId": order["id"], "carrier": "顺丰速运", "trackingNumber": "SF1234567890"}
    assert codes(await w.as_(w.suppliers[0], SHIP, {"input": ship})) == ["CONTRACT_NOT_SIGNED"]
    first = await w.as_(w.buyer, SIGN, {"c": contract["id"]})
    assert first["contract"]["status"] == "AWAITING_SIGNATURES"
    assert codes(await w.as_(w.buyer, SIGN, {"c": contract["id"]})) == ["ALREADY_SIGNED"]
    signed = await w.as_(w.suppliers[0], SIGN, {"c": contract["id"]})
    # Signed on Monday 2026-11-02: announce by Wednesday, file within 7 working days.
    assert signed["contract"]["status"] == "SIGNED"
    assert signed["contract"]["signedOn"] == "2026-11-02"
    assert signed["contract"]["announceDueOn"] == "2026-11-04"
    assert signed["contract"]["filingDueOn"] == "2026-11-11"
    assert (await w.as_(w.buyer, ANNOUNCE, {"c": contract["id"]}))["contract"]["announcedAt"]
    assert (await w.as_(w.buyer, FILE, {"c": contract["id"]}))["contract"]["filedAt"]

    shipped = await w.as_(w.suppliers[0], SHIP, {"input": ship})
    assert shipped["order"]["state"] == "SHIPPED"
    early = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert codes(early) == ["NOT_ACCEPTED"]
    w.clock.advance(timedelta(days=2))
    delivered = await w.as_(w.suppliers[0], DELIVER, {"o": order["id"]})
    assert delivered["order"]["acceptDueOn"] == "2026-11-13"  # 7 working days from Wed 11-04
    accepted = await w.as_(w.buyer, ACCEPT, {"input": acceptance(delivered["order"])})
    assert accepted["errors"] == []
    assert accepted["order"]["state"] == "ACCEPTED"
    assert accepted["order"]["acceptedAmount"]["amount"] == "9000.00"
    assert accepted["order"]["paymentDueOn"] == "2026-12-04"  # an SME: 30 days

    requested = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert requested["payment"]["status"] == "REQUESTED"
    again = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert again["payment"]["id"] == requested["payment"]["id"]
    paid = await w.as_(
        w.buyer, RECORD_TREASURY, {"p": requested["payment"]["id"], "v": "GK2026110400123"}
    )
    assert paid["payment"]["status"] == "PAID"
    assert paid["payment"]["voucherNumber"] == "GK2026110400123"

    final = await w.as_(w.buyer, ORDERS)
    assert final["edges"][0]["node"]["state"] == "PAID"
    plan = await _plan(w.db, w.plan.id)
    assert (plan.reserved_fen, plan.consumed_fen) == (0, 900_000)
    async with w.db.reader() as s:
        events = (await s.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id))).all()
        rating = await s.get(SupplierRating, w.suppliers[0].organisation.id)
        offer = await s.get(Offer, w.offers[0].id)
    for kind in (
        "OrderPlaced",
        "OrderConfirmed",
        "ContractGenerated",
        "ContractSigned",
        "ContractAnnounced",
        "ContractFiled",
        "OrderShipped",
        "OrderDelivered",
        "OrderAccepted",
        "PaymentRequested",
        "PaymentCompleted",
        "OrderPaid",
    ):
        assert kind in events, kind
    assert rating is not None
    assert (rating.ratings, rating.quality_sum) == (1, 5)
    assert offer is not None
    assert offer.sales_count == 2


async def test_the_timeline_records_who_moved_the_order(w: World) -> None:
    order = await w.accepted_order()
    steps = [(e["action"], e["toState"], e["actorRole"]) for e in order["timeline"]]
    assert steps == [
        ("place", "PLACED", "PURCHASER"),
        ("confirm", "CONFIRMED", "SUPPLIER"),
        ("sign_contract_purchaser", "CONFIRMED", "PURCHASER"),
        ("sign_contract_supplier", "CONFIRMED", "SUPPLIER"),
        ("ship", "SHIPPED", "SUPPLIER"),
        ("deliver", "DELIVERED", "SUPPLIER"),
        ("accept", "ACCEPTED", "PURCHASER"),
    ]


async def test_the_contract_pdf_is_for_the_parties_until_it_is_announced(w: World) -> None:
    order = await w.signed_order()
    url = order["contract"]["pdfUrl"]
    response = await w.client.get(url, headers=factories.bearer(w.buyer, now=w.clock.now()))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "玖仟元整" in text
    assert (w.suppliers[0].organisation.credit_code or "-") in text
    outsider = await factories.member(w.db, Role.PURCHASER)
    assert (
        await w.client.get(url, headers=factories.bearer(outsider, now=w.clock.now()))
    ).status_code == 404
    assert (await w.client.get(url)).status_code == 404
    await w.as_(w.buyer, ANNOUNCE, {"c": order["contract"]["id"]})
    assert (await w.client.get(url)).status_code == 200


async def test_only_the_right_party_moves_an_order_and_only_from_the_right_state(w: World) -> None:
    order = await w.placed_order()
    assert codes(await w.as_(w.buyer, CONFIRM, {"o": order["id"]})) == ["NOT_ORDER_PARTY"]
    assert codes(await w.as_(w.suppliers[1], CONFIRM, {"o": order["id"]})) == ["NOT_ORDER_PARTY"]
    assert codes(await w.as_(w.suppliers[0], DELIVER, {"o": order["id"]})) == ["WRONG_ORDER_STATE"]
    assert codes(await w.as_(w.buyer, ACCEPT, {"input": acceptance(order)})) == [
        "WRONG_ORDER_STATE"
    ]
    assert (await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]}))["errors"] == []
    assert codes(await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]})) == ["WRONG_ORDER_STATE"]
    assert codes(await w.as_(w.buyer, CANCEL, {"o": order["id"], "r": "不要了"})) == [
        "WRONG_ORDER_STATE"
    ]
    other_buyer = await factories.member(w.db, Role.PURCHASER)
    assert codes(await w.as_(other_buyer, SIGN, {"c": order["id"]})) == ["INVALID_INPUT"]


async def test_outsiders_do_not_see_the_order(w: World) -> None:
    order = await w.placed_order()
    outsider = await factories.member(w.db, Role.PURCHASER)
    assert (await w.as_(outsider, ORDERS))["edges"] == []
    supervisor_elsewhere = await factories.member(w.db, Role.SUPERVISOR, region="320400")
    assert (await w.as_(supervisor_elsewhere, ORDERS))["edges"] == []
    supervisor = await factories.member(w.db, Role.SUPERVISOR, region="331100")
    seen = await w.as_(supervisor, ORDERS)
    assert [e["node"]["id"] for e in seen["edges"]] == [order["id"]]
    assert len((await w.as_(w.suppliers[0], ORDERS))["edges"]) == 1
    assert (await w.as_(w.suppliers[1], ORDERS))["edges"] == []
    filtered = await w.as_(w.buyer, ORDERS, {"f": {"states": ["PAID"]}})
    assert filtered["edges"] == []


async def test_rejection_and_cancellation_give_everything_back(w: World) -> None:
    rejected = await w.placed_order((0, 3))
    assert await _stock(w.db, w.offers[0].id) == 97
    result = await w.as_(w.suppliers[0], REJECT, {"o": rejected["id"], "r": "该型号停产"})
    assert result["order"]["state"] == "REJECTED"
    assert result["order"]["closingReason"] == "该型号停产"

    cancelled = await w.placed_order((0, 2))
    result = await w.as_(w.buyer, CANCEL, {"o": cancelled["id"], "r": "预算调整"})
    assert result["order"]["state"] == "CANCELLED"

    assert await _stock(w.db, w.offers[0].id) == 100
    assert (await _plan(w.db, w.plan.id)).reserved_fen == 0
    async with w.db.reader() as s:
        uses = (await s.scalars(select(QuotaUse))).all()
    assert all(u.released_at is not None for u in uses)
    assert len(uses) == 2


async def test_after_confirmation_cancelling_needs_the_suppliers_consent(w: World) -> None:
    order = await w.signed_order()
    assert codes(await w.as_(w.suppliers[0], ANSWER_CANCEL, {"o": order["id"], "a": True})) == [
        "CANCELLATION_NOT_REQUESTED"
    ]
    requested = await w.as_(w.buyer, REQUEST_CANCEL, {"o": order["id"], "r": "项目取消"})
    assert requested["order"]["state"] == "CONFIRMED"
    declined = await w.as_(w.suppliers[0], ANSWER_CANCEL, {"o": order["id"], "a": False})
    assert declined["order"]["state"] == "CONFIRMED"
    await w.as_(w.buyer, REQUEST_CANCEL, {"o": order["id"], "r": "项目取消"})
    agreed = await w.as_(w.suppliers[0], ANSWER_CANCEL, {"o": order["id"], "a": True})
    assert agreed["order"]["state"] == "CANCELLED"
    assert agreed["order"]["contract"]["status"] == "TERMINATED"
    assert await _stock(w.db, w.offers[0].id) == 100


async def test_a_supplier_cannot_confirm_after_the_deadline(w: World) -> None:
    order = await w.placed_order()
    w.clock.advance(timedelta(hours=24, minutes=1))
    assert codes(await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]})) == [
        "CONFIRMATION_OVERDUE"
    ]


async def test_overdue_orders_are_cancelled_by_the_sweep(w: World) -> None:
    from orders.lifecycle import expire_unconfirmed

    order = await w.placed_order((0, 4))
    async with w.db.unit_of_work() as s:
        assert await expire_unconfirmed(s, clock=w.clock) == []
    w.clock.advance(timedelta(hours=25))
    async with w.db.unit_of_work() as s:
        expired = await expire_unconfirmed(s, clock=w.clock)
    assert [e.number for e in expired] == [order["number"]]
    assert await _stock(w.db, w.offers[0].id) == 100


async def test_partial_acceptance_pays_what_passed_and_opens_a_dispute(w: World) -> None:
    w_lines = ((0, 1),)
    await w.cart_with(*w_lines)
    # A second product of the same supplier, so one line can fail and one pass.
    second = await factories.offer(
        w.db, w.products[1], w.suppliers[0].organisation, price_fen=280000
    )
    async with w.db.unit_of_work() as s:
        row = await s.get(Offer, second.id)
        assert row is not None
        row.agreement_id = w.agreement.id
    from tests.orders.world import ADD

    await w.as_(w.buyer, ADD, {"o": factories.gid("Offer", second.id), "q": 1})
    placed = await w.place()
    order = placed["orders"][0]
    assert len(order["lines"]) == 2
    await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]})
    contract_id = (await w.as_(w.buyer, SIGN, {"c": await _contract_id(w, order)}))["contract"][
        "id"
    ]
    await w.as_(w.suppliers[0], SIGN, {"c": contract_id})
    ship = {"orderId": order["id"], "carrier": "京东物流", "trackingNumber": "JD0001"}
    await w.as_(w.suppliers[0], SHIP, {"input": ship})
    await w.as_(w.suppliers[0], DELIVER, {"o": order["id"]})

    missing_note = acceptance(order, failed=(1,))
    missing_note["lines"][1]["note"] = None
    assert codes(await w.as_(w.buyer, ACCEPT, {"input": missing_note})) == ["INVALID_INPUT"]
    bad_rating = acceptance(order) | {"ratings": {"quality": 6, "delivery": 4, "service": 5}}
    assert codes(await w.as_(w.buyer, ACCEPT, {"input": bad_rating})) == ["INVALID_INPUT"]

    result = await w.as_(w.buyer, ACCEPT, {"input": acceptance(order, failed=(1,))})
    accepted = result["order"]
    assert accepted["state"] == "ACCEPTED"
    assert accepted["acceptedAmount"]["amount"] == "4500.00"
    assert [line["acceptancePassed"] for line in accepted["lines"]] == [True, False]
    assert accepted["disputes"][0]["status"] == "OPEN"
    answered = await w.as_(
        w.suppliers[0], ANSWER_DISPUTE, {"d": accepted["disputes"][0]["id"], "a": "三日内换货"}
    )
    assert answered["order"]["disputes"][0]["status"] == "ANSWERED"
    paid = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert paid["payment"]["amount"]["amount"] == "4500.00"
    await w.as_(w.buyer, RECORD_TREASURY, {"p": paid["payment"]["id"], "v": "GK-1"})
    plan = await _plan(w.db, w.plan.id)
    assert (plan.reserved_fen, plan.consumed_fen) == (0, 450_000)
    plans = await w.as_(w.buyer, PLANS)
    assert plans[0]["consumed"]["amount"] == "4500.00"


async def _contract_id(w: World, order: dict[str, object]) -> str:
    from tests.orders.world import ORDER_FIELDS

    query = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
    node = await w.as_(w.buyer, query, {"id": order["id"]})
    contract_id: str = node["contract"]["id"]
    return contract_id


async def test_a_failed_acceptance_waits_for_redelivery(w: World) -> None:
    order = await w.delivered_order()
    failed = await w.as_(w.buyer, ACCEPT, {"input": acceptance(order, failed=(0,))})
    assert failed["order"]["state"] == "ACCEPTANCE_FAILED"
    early = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert codes(early) == ["NOT_ACCEPTED"]
    again = await w.as_(w.suppliers[0], DELIVER, {"o": order["id"]})
    assert again["order"]["state"] == "DELIVERED"
    accepted = await w.as_(w.buyer, ACCEPT, {"input": acceptance(order)})
    assert accepted["order"]["state"] == "ACCEPTED"


async def test_official_card_is_unavailable_without_a_payment_provider(w: World) -> None:
    order = await w.accepted_order()
    card = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "OFFICIAL_CARD"}}
    )
    assert codes(card) == ["PAYMENT_METHOD_UNAVAILABLE"]


async def test_acceptance_ratings_become_the_suppliers_score(w: World) -> None:
    order = await w.accepted_order()
    query = """query($id: ID!) { order(id: $id) {
      supplierRating { ratings quality delivery service overall }
      supplier { rating { ratings overall } } } }"""
    seen = await w.as_(w.buyer, query, {"id": order["id"]})
    assert seen["supplierRating"] == {
        "ratings": 1,
        "quality": "5.00",
        "delivery": "4.00",
        "service": "5.00",
        "overall": "4.67",
    }
    assert seen["supplier"]["rating"] == {"ratings": 1, "overall": "4.67"}
