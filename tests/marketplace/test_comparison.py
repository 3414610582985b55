"""Price comparison, price history and product comparison through GraphQL."""

from datetime import timedelta

import httpx
import pytest

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from marketplace.models import Offer, OfferDeliveryRegion
from marketplace.policy import RegionPolicy
from tests import factories
from tests.orders.world import World, make_world, market_price

COMPARISON = """query($id: ID!) { product(id: $id) { priceComparison {
  lowestPrice { amount } marketLow { amount } savingVsMarketPercent
  marketPrices { platform { name } price { amount } }
  offers { offer { id price { amount } } isPlatform agreementCode ceiling { amount }
           savingVsCeiling { amount } savingVsMarket { amount } stock policyTags lowest
           supplier { id } deliveryRegionCodes } } } }"""
HISTORY = """query($id: ID!, $days: Int!) { product(id: $id) { priceHistory(days: $days) {
  offer { id } points { day price { amount } } } } }"""
UPDATE = (
    """mutation($input: UpdateOfferInput!) { updateOffer(input: $input) { errors { code } } }"""
)
COMPARE = """query($ids: [ID!]!) { compareProducts(ids: $ids) {
  products { model } rows { key unit values differs } } }"""


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    world = await make_world(client, db, clock)
    # A second, cheaper supplier of product 0 under the same agreement.
    second = await factories.offer(
        db, world.products[0], world.suppliers[1].organisation, price_fen=440000
    )
    async with db.unit_of_work() as s:
        row = await s.get(Offer, second.id)
        assert row is not None
        row.agreement_id = world.agreement.id
    world.offers.append(row)
    return world


def _product(w: World, index: int = 0) -> str:
    return factories.gid("Product", w.products[index].id)


async def test_every_buyable_offer_side_by_side_with_the_platforms_price(w: World) -> None:
    await market_price(w.db, w, 0, 470000)

    result = await w.as_(w.buyer, COMPARISON, {"id": _product(w)})

    offers = result["priceComparison"]["offers"]
    assert [o["offer"]["price"]["amount"] for o in offers] == ["4400.00", "4500.00"]
    assert [o["lowest"] for o in offers] == [True, False]
    assert offers[0]["ceiling"]["amount"] == "5000.00"
    assert offers[0]["savingVsCeiling"]["amount"] == "600.00"
    assert offers[0]["savingVsMarket"]["amount"] == "300.00"
    assert offers[0]["agreementCode"] == "LS-2026-PC"
    assert offers[0]["policyTags"] == ["SME", "SMALL_MICRO"]
    comparison = result["priceComparison"]
    assert comparison["marketLow"]["amount"] == "4700.00"
    assert comparison["savingVsMarketPercent"] == "6.38"
    assert [m["price"]["amount"] for m in comparison["marketPrices"]] == ["4700.00"]


async def test_a_buyer_sees_only_offers_that_deliver_to_it(w: World, db: Database) -> None:
    async with db.unit_of_work() as s:
        s.add(OfferDeliveryRegion(offer_id=w.offers[2].id, region_code="331100"))
        s.add(OfferDeliveryRegion(offer_id=w.offers[0].id, region_code="320400"))
    result = await w.as_(w.buyer, COMPARISON, {"id": _product(w)})
    assert [o["offer"]["price"]["amount"] for o in result["priceComparison"]["offers"]] == [
        "4400.00"
    ]
    elsewhere = await factories.member(db, Role.PURCHASER, region="320402")
    none = await w.as_(elsewhere, COMPARISON, {"id": _product(w)})
    assert none["priceComparison"]["offers"] == []


async def test_price_history_has_one_point_a_day(w: World) -> None:
    async with w.db.unit_of_work() as s:
        s.add(RegionPolicy(region_code="331100", review_listing_changes=False))
    w.clock.advance(timedelta(days=1))
    changed = await w.as_(
        w.suppliers[0], UPDATE, {"input": {"id": w.offer_id(0), "price": "4300.00"}}
    )
    assert changed["errors"] == []
    w.clock.advance(timedelta(days=2))

    history = await w.as_(w.buyer, HISTORY, {"id": _product(w), "days": 5})

    series = {h["offer"]["id"]: h["points"] for h in history["priceHistory"]}
    mine = series[w.offer_id(0)]
    assert [(p["day"], p["price"]["amount"]) for p in mine] == [
        ("2026-11-02", "4500.00"),
        ("2026-11-03", "4300.00"),
        ("2026-11-04", "4300.00"),
        ("2026-11-05", "4300.00"),
    ]


async def test_products_compared_spec_by_spec(w: World, db: Database) -> None:
    category = await factories.category_path(db)
    third = await factories.product(db, category, model="P330")
    ids = [_product(w, 0), _product(w, 1), factories.gid("Product", third.id)]
    result = await w.as_(w.buyer, COMPARE, {"ids": ids})
    rows = {r["key"]: r for r in result["rows"]}
    assert rows["型号"]["values"] == ["M740t", "M741t", "P330"]
    assert rows["型号"]["differs"] is True
    assert rows["品牌"]["differs"] is False
    assert rows["内存"] == {
        "key": "内存",
        "unit": "GB",
        "values": ["16", "16", "16"],
        "differs": False,
    }


async def test_comparing_needs_two_to_five_distinct_products(w: World) -> None:
    from tests.gql import gql

    body = await gql(w.client, COMPARE, {"ids": [_product(w)] * 2}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
