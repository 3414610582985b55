"""A partner pushing its catalogue over GraphQL: per-item results, the good items applied beside
the bad, versions that never go backwards, ceilings that hold items off the shelf, and the synced
offers showing up in search and as market prices."""

import base64
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from core.clock import FrozenClock
from core.db import Database
from core.principal import Actor
from identity import service
from identity.models import ApiKey
from marketplace.agreements.models import Entrant, EntrantStatus
from marketplace.models import Offer, OfferDeliveryRegion, OfferPricePoint, OfferStatus
from search import indexing
from search.embedded import EmbeddedSearchIndex
from tests import factories
from tests.gql import gql
from tests.orders.world import World, make_world

RESULT = """results { index sku outcome code message offerId held heldMessage }
  created updated unchanged rejected errors { code field message }"""
UPSERT = f"""mutation($items: [PartnerProductInput!]!) {{
  partnerUpsertProducts(items: $items) {{ {RESULT} }} }}"""
PRICES = f"""mutation($items: [PartnerPriceInput!]!) {{
  partnerUpdatePrices(items: $items) {{ {RESULT} }} }}"""
STOCK = f"""mutation($items: [PartnerStockInput!]!) {{
  partnerUpdateStock(items: $items) {{ {RESULT} }} }}"""
SHELF = f"""mutation($items: [PartnerShelfInput!]!) {{
  partnerSetShelfStatus(items: $items) {{ {RESULT} }} }}"""
MAP = """mutation($p: ID!, $m: [PartnerCategoryMappingInput!]!) {
  setPartnerCategoryMappings(partnerId: $p, mappings: $m) {
    mappings { partnerCategory categoryCode } errors { code field message } } }"""
SEARCH = """query($q: String!) { search(query: $q, first: 10) { totalCount
  edges { node { offer { id } } } } }"""


class Partner:
    def __init__(self, w: World, key: str) -> None:
        self.w = w
        self.key = key

    async def send(self, query: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        body = await gql(self.w.client, query, {"items": items}, headers={"X-Api-Key": self.key})
        result: dict[str, Any] = next(iter(body["data"].values()))
        return result


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _key(w: World, scopes: list[str]) -> str:
    operator = Actor(principal=w.operator.principal)
    async with w.db.unit_of_work() as s:
        _, secret = await service.create_api_key(
            s, w.partner.organisation.id, "sync", scopes=scopes, actor=operator, clock=w.clock
        )
    return secret


@pytest.fixture
async def jd(w: World) -> Partner:
    async with w.db.unit_of_work() as s:
        s.add(
            Entrant(
                agreement_id=w.agreement.id,
                supplier_id=w.partner.organisation.id,
                status=EntrantStatus.ADMITTED,
                applied_at=w.clock.now(),
                decided_at=w.clock.now(),
            )
        )
    mapped = await w.as_(
        w.operator,
        MAP,
        {
            "p": factories.gid("Organisation", w.partner.organisation.id),
            "m": [
                {"partnerCategory": "670-671-672", "name": "台式机", "categoryCode": "A02010104"}
            ],
        },
    )
    assert mapped["errors"] == [], mapped
    return Partner(w, await _key(w, ["catalogue", "orders"]))


def item(sku: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    return {
        "sku": sku,
        "version": str(version),
        "category": "670-671-672",
        "brand": "华为",
        "model": f"擎云 B{sku[-3:]}",
        "name": f"华为擎云 B{sku[-3:]} 台式计算机 i5/16G/512G",
        "platformPrice": "4899.00",
        "agreementPrice": "4699.00",
        "unit": "台",
        "specs": [{"key": "内存", "kind": "NUMBER", "value": "16", "unit": "GB"}],
        "imageUrls": [f"https://img.jd.com/{sku}.jpg"],
        "stock": [{"region": "331102", "quantity": 20}, {"region": "331100", "quantity": 5}],
    } | changes


async def _offer(w: World, offer_gid: str) -> Offer:
    async with w.db.reader() as s:
        offer = await s.get(Offer, _pk(offer_gid))
    assert offer is not None
    return offer


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().partition(":")[2])


async def _count(w: World, model: Any) -> int:
    async with w.db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_batch_applies_its_good_items_and_answers_for_each(w: World, jd: Partner) -> None:
    existing = w.products[0]  # 联想 M740t, already in the catalogue
    batch = [
        item("JD-100001"),
        item("JD-100002", brand=existing.brand, model=existing.model, agreementPrice="4500.00"),
        item("JD-100003", agreementPrice="5200.00", platformPrice="5600.00"),  # over 5,000.00
        item("JD-100004", category="9999"),
        item("JD-100005", agreementPrice="-1.00"),
        item("JD-100006", stock=[{"region": "999999", "quantity": 1}]),
        item("JD-100007", name="长" * 201),
        item("JD-100001"),
    ]
    result = await jd.send(UPSERT, batch)
    assert result["errors"] == []
    outcomes = [(r["outcome"], r["code"], r["held"]) for r in result["results"]]
    assert outcomes == [
        ("CREATED", None, None),
        ("CREATED", None, None),
        ("CREATED", None, "PRICE_OVER_CEILING"),
        ("REJECTED", "CATEGORY_UNMAPPED", None),
        ("REJECTED", "PRICE_INVALID", None),
        ("REJECTED", "REGION_UNKNOWN", None),
        ("REJECTED", "TEXT_INVALID", None),
        ("REJECTED", "DUPLICATE_IN_BATCH", None),
    ]
    assert (result["created"], result["rejected"]) == (3, 5)
    assert all(r["message"] for r in result["results"][3:])
    first, matched, held = [await _offer(w, r["offerId"]) for r in result["results"][:3]]
    assert (first.status, first.stock, first.price_fen, first.market_price_fen) == (
        OfferStatus.ON_SHELF,
        25,
        469_900,
        489_900,
    )
    assert first.agreement_id == w.agreement.id
    assert matched.product_id == existing.id  # matched by brand and model for comparison
    assert held.status == OfferStatus.OFF_SHELF
    assert "最高限制单价" in result["results"][2]["heldMessage"]
    async with w.db.reader() as s:
        regions = set(
            await s.scalars(
                select(OfferDeliveryRegion.region_code).where(
                    OfferDeliveryRegion.offer_id == first.id
                )
            )
        )
    assert regions == {"331100", "331102"}


async def test_a_replayed_batch_changes_nothing(w: World, jd: Partner) -> None:
    batch = [item("JD-200001"), item("JD-200002", version=5)]
    await jd.send(UPSERT, batch)
    points, offers = await _count(w, OfferPricePoint), await _count(w, Offer)
    again = await jd.send(UPSERT, batch)
    assert [r["outcome"] for r in again["results"]] == ["UNCHANGED", "UNCHANGED"]
    assert (await _count(w, OfferPricePoint), await _count(w, Offer)) == (points, offers)


async def test_an_older_message_never_overwrites_a_newer_one(w: World, jd: Partner) -> None:
    created = await jd.send(UPSERT, [item("JD-300001", version=10)])
    offer_id = created["results"][0]["offerId"]
    newer = await jd.send(PRICES, [{"sku": "JD-300001", "version": "12", "agreementPrice": "4599"}])
    assert newer["results"][0]["outcome"] == "UPDATED"
    older = [{"sku": "JD-300001", "version": "11", "agreementPrice": "4000"}]
    late = await jd.send(PRICES, older)
    assert late["results"][0]["outcome"] == "UNCHANGED"
    stale_upsert = await jd.send(UPSERT, [item("JD-300001", version=11, agreementPrice="3999")])
    assert stale_upsert["results"][0]["outcome"] == "UNCHANGED"
    assert (await _offer(w, offer_id)).price_fen == 459_900
    # Each aspect keeps its own version: the stale upsert (11) was still newer than the stock
    # set at 10, so it moved the stock's version to 11; a stock message at 11 is now a replay.
    stock = [{"sku": "JD-300001", "version": "11", "stock": [{"region": "331102", "quantity": 3}]}]
    assert (await jd.send(STOCK, stock))["results"][0]["outcome"] == "UNCHANGED"
    stock[0]["version"] = "13"
    assert (await jd.send(STOCK, stock))["results"][0]["outcome"] == "UPDATED"
    assert (await _offer(w, offer_id)).stock == 3


async def test_shelf_and_stock_updates_reach_search(w: World, jd: Partner) -> None:
    index = EmbeddedSearchIndex(w.db)
    created = await jd.send(UPSERT, [item("JD-400001", name="华为擎云 B401 商用台式机")])
    await indexing.catch_up(w.db, index, clock=w.clock)
    found = await gql(w.client, SEARCH, {"q": "擎云"}, headers=_bearer(w))
    assert [e["node"]["offer"]["id"] for e in found["data"]["search"]["edges"]] == [
        created["results"][0]["offerId"]
    ]
    off = await jd.send(SHELF, [{"sku": "JD-400001", "version": "2", "onShelf": False}])
    assert off["results"][0]["outcome"] == "UPDATED"
    await indexing.catch_up(w.db, index, clock=w.clock)
    gone = await gql(w.client, SEARCH, {"q": "擎云"}, headers=_bearer(w))
    assert gone["data"]["search"]["totalCount"] == 0


def _bearer(w: World) -> dict[str, str]:
    return factories.bearer(w.buyer, now=w.clock.now())


async def test_updates_for_unknown_skus_are_rejected(w: World, jd: Partner) -> None:
    result = await jd.send(PRICES, [{"sku": "JD-NOPE", "version": "1", "platformPrice": "1"}])
    assert [(r["outcome"], r["code"]) for r in result["results"]] == [("REJECTED", "SKU_UNKNOWN")]


async def test_a_batch_over_the_limit_stores_nothing(w: World, jd: Partner) -> None:
    result = await jd.send(UPSERT, [item(f"JD-{i:06d}") for i in range(1001)])
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", "items")]
    assert result["results"] == []
    assert await _count(w, Offer) == 2  # the world's own


async def test_keys_without_the_scope_or_revoked_are_refused(w: World, jd: Partner) -> None:
    orders_only = Partner(w, await _key(w, ["orders"]))
    refused = await orders_only.send(UPSERT, [item("JD-500001")])
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    async with w.db.unit_of_work() as s:
        await s.execute(update(ApiKey).values(revoked_at=w.clock.now()))
    revoked = await jd.send(UPSERT, [item("JD-500002")])
    assert [e["code"] for e in revoked["errors"]] == ["API_KEY_INVALID"]
    assert await _count(w, Offer) == 2


async def test_the_platform_price_becomes_the_market_reference_for_orders(
    w: World, jd: Partner
) -> None:
    from tests.orders.world import codes

    same = w.products[0]  # another supplier lists it at 4,500.00
    synced = await jd.send(
        UPSERT,
        [
            item(
                "JD-600001",
                brand=same.brand,
                model=same.model,
                platformPrice="4400.00",
                agreementPrice="4300.00",
            )
        ],
    )
    assert synced["results"][0]["outcome"] == "CREATED"
    await w.cart_with((0, 1))
    refused = await w.place()
    assert "OVER_MARKET_PRICE" in codes(refused)
