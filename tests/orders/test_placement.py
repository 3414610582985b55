"""Cart and placement: the blocking checks (事前), each tripped, and what a placement reserves."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from identity.models import BlacklistEntry, BlacklistKind
from marketplace.agreements.models import Agreement, QuotaUse
from marketplace.models import Offer, OfferStatus
from marketplace.policy import RegionPolicy
from orders.models import CartLine, Order, PurchasePlan
from tests import factories
from tests.orders.world import (
    ADD,
    CART,
    PLACE,
    PLANS,
    UPDATE_LINE,
    World,
    codes,
    make_plan,
    make_world,
    market_price,
)


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _stock(db: Database, offer_id: int) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(Offer.stock).where(Offer.id == offer_id)) or 0)


async def _order_count(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(Order)) or 0)


async def _plan(db: Database, plan_id: int) -> PurchasePlan:
    async with db.reader() as s:
        plan = await s.get(PurchasePlan, plan_id)
        assert plan is not None
        return plan


async def _unchanged(w: World, stocks: tuple[int, int] = (100, 100)) -> None:
    """Nothing was placed, reserved or taken from the cart."""
    assert await _order_count(w.db) == 0
    assert (await _stock(w.db, w.offers[0].id), await _stock(w.db, w.offers[1].id)) == stocks
    assert (await _plan(w.db, w.plan.id)).reserved_fen == 0
    async with w.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(QuotaUse)) == 0
        assert (await s.scalar(select(func.count()).select_from(CartLine)) or 0) > 0


async def _edit(db: Database, model: type[Any], pk: int, **values: object) -> None:
    async with db.unit_of_work() as s:
        row = await s.get(model, pk)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


async def test_a_cart_over_two_suppliers_becomes_two_orders_with_everything_reserved(
    w: World,
) -> None:
    await w.cart_with((0, 2), (1, 3))
    cart = await w.as_(w.buyer, CART)
    assert cart["lineCount"] == 2
    assert cart["total"]["amount"] == "18000.00"

    placed = await w.place(note="请工作日送货")

    assert placed["errors"] == []
    orders = placed["orders"]
    assert [o["state"] for o in orders] == ["PLACED", "PLACED"]
    assert sorted(o["total"]["amount"] for o in orders) == ["9000.00", "9000.00"]
    assert orders[0]["totalInWords"] == "玖仟元整"
    line = orders[0]["lines"][0]
    assert line["snapshot"]["ceiling"]["amount"] == "5000.00"
    assert line["snapshot"]["marketRule"] == "LOWEST"
    assert [e["action"] for e in orders[0]["timeline"]] == ["place"]
    assert (await _stock(w.db, w.offers[0].id), await _stock(w.db, w.offers[1].id)) == (98, 97)
    assert (await _plan(w.db, w.plan.id)).reserved_fen == 1_800_000
    assert (await w.as_(w.buyer, CART))["lineCount"] == 0
    async with w.db.reader() as s:
        uses = (await s.scalars(select(QuotaUse))).all()
        kinds = (await s.scalars(select(OutboxEvent.event_type))).all()
    assert sorted(u.amount_fen for u in uses) == [900_000, 900_000]
    assert kinds.count("OrderPlaced") == 2
    plans = await w.as_(w.buyer, PLANS)
    assert plans[0]["available"]["amount"] == "182000.00"


async def test_a_retried_placement_returns_the_same_orders_and_reserves_once(w: World) -> None:
    await w.cart_with((0, 2))
    first = await w.place(idempotencyKey="checkout-7f3a")
    again = await w.place(idempotencyKey="checkout-7f3a")

    assert first["errors"] == []
    assert again["errors"] == []
    assert [o["id"] for o in again["orders"]] == [o["id"] for o in first["orders"]]
    assert await _order_count(w.db) == 1
    assert await _stock(w.db, w.offers[0].id) == 98
    assert (await _plan(w.db, w.plan.id)).reserved_fen == 900_000


async def test_a_changed_price_stops_placement_until_the_buyer_accepts_it(w: World) -> None:
    await w.cart_with((0, 1))
    await _edit(w.db, Offer, w.offers[0].id, price_fen=460000)
    assert (await w.as_(w.buyer, CART))["groups"][0]["lines"][0]["priceChanged"] is True

    blocked = await w.place()

    assert codes(blocked) == ["PRICE_CHANGED"]
    assert blocked["errors"][0]["field"] == f"offer:{w.offer_id(0)}"
    assert "4500.00" in blocked["errors"][0]["message"]
    await _unchanged(w)
    acknowledged = await w.as_(w.buyer, UPDATE_LINE, {"o": w.offer_id(0), "q": 1})
    assert acknowledged["errors"] == []
    placed = await w.place()
    assert placed["errors"] == []
    assert placed["orders"][0]["total"]["amount"] == "4600.00"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": OfferStatus.OFF_SHELF}, "OFFER_UNAVAILABLE"),
        ({"agreement_id": None}, "OFFER_UNAVAILABLE"),
        ({"stock": 1}, "OUT_OF_STOCK"),
    ],
)
async def test_an_offer_that_cannot_be_sold_blocks_placement(
    w: World, change: dict[str, object], code: str
) -> None:
    await w.cart_with((0, 2))
    await _edit(w.db, Offer, w.offers[0].id, **change)

    blocked = await w.place()

    assert codes(blocked) == [code]
    stock = change.get("stock", 100)
    assert await _order_count(w.db) == 0
    assert await _stock(w.db, w.offers[0].id) == stock


async def test_an_agreement_that_has_ended_blocks_its_offers(w: World) -> None:
    await w.cart_with((0, 1))
    await _edit(w.db, Agreement, w.agreement.id, ends_on=date(2026, 11, 1))
    assert codes(await w.place()) == ["OFFER_UNAVAILABLE"]
    await _unchanged(w)


async def test_an_agreement_not_yet_in_force_blocks_its_offers(w: World) -> None:
    await w.cart_with((0, 1))
    await _edit(w.db, Agreement, w.agreement.id, starts_on=date(2026, 11, 3))
    blocked = await w.place()
    assert codes(blocked) == ["OFFER_UNAVAILABLE"]
    assert "不在执行期" in blocked["errors"][0]["message"]
    await _unchanged(w)


async def test_a_buyer_outside_the_agreement_region_cannot_order(w: World, db: Database) -> None:
    elsewhere = await factories.member(db, Role.PURCHASER, region="320402")
    await make_plan(db, elsewhere, amount_fen=1_000_000)
    plan = await make_plan(db, elsewhere, amount_fen=2_000_000, code="CZ-1")
    await w.cart_with((0, 1), buyer=elsewhere)

    blocked = await w.place(buyer=elsewhere, planId=factories.gid("PurchasePlan", plan.id))

    assert codes(blocked) == ["OFFER_UNAVAILABLE"]
    assert "不向本地区供货" in blocked["errors"][0]["message"]


async def test_prices_over_the_ceiling_or_the_platform_price_are_refused(w: World) -> None:
    await w.cart_with((0, 1), (1, 1))
    async with w.db.unit_of_work() as s:
        offer = await s.get(Offer, w.offers[0].id)
        assert offer is not None
        offer.price_fen = 520000  # above the 5000 yuan ceiling, seen by the buyer as such
    await w.as_(w.buyer, UPDATE_LINE, {"o": w.offer_id(0), "q": 1})
    await market_price(w.db, w, 1, 299000)  # JD sells product 1 for 2990, we list it at 3000

    blocked = await w.place()

    assert sorted(codes(blocked)) == ["OVER_CEILING", "OVER_MARKET_PRICE"]
    assert any("2990.00" in e["message"] for e in blocked["errors"])
    await _unchanged(w)


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"per_order_limit_fen": 800_000}, "OVER_ORDER_LIMIT"),
        ({"second_competition_above_fen": 800_000}, "SECOND_COMPETITION_REQUIRED"),
        ({"total_quota_fen": 500_000}, "QUOTA_EXHAUSTED"),
        ({"total_quota_fen": 10_000_000, "supplier_share_bp": 500}, "SUPPLIER_SHARE_EXHAUSTED"),
    ],
)
async def test_agreement_limits_block_an_order_over_them(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock, terms: dict[str, int], code: str
) -> None:
    w = await make_world(client, db, clock, **terms)
    await w.cart_with((0, 2))  # 9000 yuan
    assert codes(await w.place()) == [code]
    await _unchanged(w)


async def test_the_regions_direct_purchase_limit_applies(w: World) -> None:
    async with w.db.unit_of_work() as s:
        s.add(RegionPolicy(region_code="331100", direct_purchase_limit_fen=500_000))
    await w.cart_with((0, 2))
    blocked = await w.place()
    assert codes(blocked) == ["OVER_ORDER_LIMIT"]
    assert "直购限额" in blocked["errors"][0]["message"]


async def test_a_blacklisted_supplier_cannot_be_ordered_from(w: World) -> None:
    async with w.db.unit_of_work() as s:
        s.add(
            BlacklistEntry(
                credit_code=w.suppliers[0].organisation.credit_code,
                name=w.suppliers[0].organisation.name,
                kind=BlacklistKind.PROCUREMENT_VIOLATION,
                reason="提供虚假材料谋取中标",
                authority="丽水市财政局",
                starts_on=date(2026, 6, 1),
                ends_on=date(2027, 5, 31),
                created_at=factories.T0,
            )
        )
    await w.cart_with((0, 1), (1, 1))
    blocked = await w.place()
    assert codes(blocked) == ["SUPPLIER_BLACKLISTED"]
    assert blocked["errors"][0]["field"] == f"offer:{w.offer_id(0)}"
    await _unchanged(w)


async def test_a_listing_that_has_run_out_no_longer_blocks(w: World) -> None:
    async with w.db.unit_of_work() as s:
        s.add(
            BlacklistEntry(
                credit_code=w.suppliers[0].organisation.credit_code,
                name="过期名单",
                kind=BlacklistKind.MAJOR_TAX_VIOLATION,
                reason="欠税",
                authority="税务局",
                starts_on=date(2024, 1, 1),
                ends_on=date(2025, 12, 31),
                created_at=factories.T0,
            )
        )
    await w.cart_with((0, 1))
    assert (await w.place())["errors"] == []


async def test_no_plan_no_purchase(w: World, db: Database) -> None:
    await w.cart_with((0, 2))
    other_unit = await factories.member(db, Role.PURCHASER)
    foreign = await make_plan(db, other_unit, amount_fen=10_000_000)
    small = await make_plan(db, w.buyer, amount_fen=100_000, code="SMALL")
    furniture = await make_plan(
        db, w.buyer, amount_fen=10_000_000, code="FURN", category_code="A05"
    )
    next_year = await make_plan(db, w.buyer, amount_fen=10_000_000, code="2027", fiscal_year=2027)

    cases = {
        None: "NO_PLAN",
        foreign.id: "NO_PLAN",
        small.id: "PLAN_INSUFFICIENT",
        furniture.id: "PLAN_NOT_APPLICABLE",
        next_year.id: "PLAN_NOT_APPLICABLE",
    }
    for plan_id, code in cases.items():
        plan_gid = factories.gid("PurchasePlan", plan_id) if plan_id else None
        blocked = await w.place(planId=plan_gid)
        assert codes(blocked) == [code], (plan_id, blocked)
    await _unchanged(w)


async def test_every_failed_check_is_reported_at_once(w: World) -> None:
    await w.cart_with((0, 2), (1, 1))
    await _edit(w.db, Offer, w.offers[0].id, status=OfferStatus.OFF_SHELF)
    await _edit(w.db, Offer, w.offers[1].id, stock=0)
    blocked = await w.place(planId=None)
    assert sorted(codes(blocked)) == ["NO_PLAN", "OFFER_UNAVAILABLE", "OUT_OF_STOCK"]


async def test_bad_cart_input_is_refused(w: World) -> None:
    for quantity in (0, -1, 100_001):
        added = await w.as_(w.buyer, ADD, {"o": w.offer_id(0), "q": quantity})
        assert codes(added) == ["INVALID_INPUT"]
    missing = await w.as_(w.buyer, ADD, {"o": factories.gid("Offer", 999999), "q": 1})
    assert codes(missing) == ["NOT_FOUND"]
    assert codes(await w.place()) == ["CART_EMPTY"]
    await w.cart_with((0, 1))
    assert codes(await w.place(deliveryAddress="  ")) == ["INVALID_INPUT"]
    supplier_add = await w.as_(w.suppliers[0], ADD, {"o": w.offer_id(1), "q": 1})
    assert codes(supplier_add) == ["FORBIDDEN"]


async def test_placement_is_refused_to_anyone_but_a_purchaser(w: World) -> None:
    placed = await w.as_(w.suppliers[0], PLACE, {"input": w.placement()})
    assert codes(placed) == ["FORBIDDEN"]
