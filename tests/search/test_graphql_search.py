"""`search` over GraphQL on the embedded index, fed by the outbox indexer from real listings."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from marketplace.models import Offer, OfferStatus
from marketplace.policy import RegionPolicy
from search import indexing
from search.embedded import EmbeddedSearchIndex
from tests import factories
from tests.gql import gql
from tests.orders.world import World, make_world

SEARCH = """query($q: String!, $f: SearchFilterInput, $s: SearchSort, $facets: [String!], $first: Int!,
                  $after: String, $r: String) {
  search(query: $q, filter: $f, sort: $s, facets: $facets, first: $first, after: $after, regionCode: $r) {
    totalCount facetsExact pageInfo { hasNextPage endCursor }
    facets { name values { value label count } }
    edges { cursor node { title titleHtml brand price { amount } policyTags offer { id } } } } }"""
SYNONYMS = (
    """mutation($g: [[String!]!]!) { setSearchSynonyms(groups: $g) { groups errors { code } } }"""
)
UPDATE = (
    """mutation($input: UpdateOfferInput!) { updateOffer(input: $input) { errors { code } } }"""
)
SHELF = """mutation($id: ID!, $on: Boolean!) { setOfferShelf(id: $id, onShelf: $on) { errors { code } } }"""


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    world = await make_world(client, db, clock)
    index = EmbeddedSearchIndex(db)
    await index.clear()
    await index.set_synonyms([])
    await indexing.reindex(db, index, clock=clock)
    return world


async def _search(w: World, who: factories.Member | None, query: str = "", **variables: Any) -> Any:
    headers = factories.bearer(who, now=w.clock.now()) if who else {}
    body = await gql(
        w.client, SEARCH, {"q": query, "first": 20} | variables, headers=headers, expect_errors=True
    )
    if "errors" in body:
        return body["errors"]
    return body["data"]["search"]


async def _catch_up(w: World) -> None:
    await indexing.catch_up(w.db, EmbeddedSearchIndex(w.db), clock=w.clock)


async def test_a_purchaser_finds_offers_in_chinese_and_by_model_number(w: World) -> None:
    found = await _search(w, w.buyer, "台式计算机")
    assert found["totalCount"] == 2
    by_model = await _search(w, w.buyer, "M740t")
    assert [e["node"]["offer"]["id"] for e in by_model["edges"]] == [w.offer_id(0)]
    assert "<em>" in by_model["edges"][0]["node"]["titleHtml"]
    pinyin = await _search(w, w.buyer, "lianxiang")
    assert pinyin["totalCount"] == 2


async def test_only_buyers_in_the_agreement_region_see_its_offers(w: World, db: Database) -> None:
    elsewhere = await factories.member(db, Role.PURCHASER, region="320402")
    assert (await _search(w, elsewhere, "联想"))["totalCount"] == 0
    # Filters cannot widen what a purchaser sees.
    assert (await _search(w, elsewhere, "联想", r="331102"))["totalCount"] == 0
    anonymous = await _search(w, None, "联想", r="331102")
    assert anonymous["totalCount"] == 2
    assert (await _search(w, None, "联想"))[0]["extensions"]["code"] == "INVALID_REGION"


async def test_facets_sorts_and_pages(w: World) -> None:
    result = await _search(w, w.buyer, "", s="PRICE_ASC", facets=["brand", "price_band"], first=1)
    assert result["totalCount"] == 2
    assert result["edges"][0]["node"]["price"]["amount"] == "3000.00"
    brands = next(f for f in result["facets"] if f["name"] == "brand")
    assert brands["values"] == [{"value": "联想", "label": "联想", "count": 2}]
    assert result["pageInfo"]["hasNextPage"] is True
    second = await _search(
        w, w.buyer, "", s="PRICE_ASC", first=1, after=result["pageInfo"]["endCursor"]
    )
    assert second["edges"][0]["node"]["price"]["amount"] == "4500.00"
    assert second["pageInfo"]["hasNextPage"] is False
    filtered = await _search(w, w.buyer, "", f={"priceMax": "3500"})
    assert filtered["totalCount"] == 1
    tags = await _search(w, w.buyer, "", f={"policyTags": ["SMALL_MICRO"]})
    assert tags["totalCount"] == 2


async def test_the_indexer_follows_price_and_shelf_changes(w: World) -> None:
    async with w.db.unit_of_work() as s:
        s.add(RegionPolicy(region_code="331100", review_listing_changes=False))
    changed = await w.as_(
        w.suppliers[0], UPDATE, {"input": {"id": w.offer_id(0), "price": "4100.00"}}
    )
    assert changed["errors"] == []
    await _catch_up(w)
    cheap = await _search(w, w.buyer, "M740t")
    assert cheap["edges"][0]["node"]["price"]["amount"] == "4100.00"

    off = await w.as_(w.suppliers[0], SHELF, {"id": w.offer_id(0), "on": False})
    assert off["errors"] == []
    await _catch_up(w)
    assert (await _search(w, w.buyer, "M740t"))["totalCount"] == 0
    await _catch_up(w)  # nothing pending: a second pass changes nothing
    assert (await _search(w, w.buyer, "台式计算机"))["totalCount"] == 1


async def test_operators_edit_synonyms(w: World, db: Database) -> None:
    assert (await _search(w, w.buyer, "微机"))["totalCount"] == 0
    province = await factories.member(db, Role.OPERATOR, region="330000")
    set_ = await w.as_(province, SYNONYMS, {"g": [["微机", "台式计算机"]]})
    assert set_["errors"] == []
    assert (await _search(w, w.buyer, "微机"))["totalCount"] == 2
    city = await w.as_(w.operator, SYNONYMS, {"g": [["电脑", "计算机"]]})
    assert [e["code"] for e in city["errors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"q": "联" * 101}, "QUERY_TOO_LONG"),
        ({"first": 101}, "PAGE_SIZE_TOO_LARGE"),
        ({"facets": ["colour"]}, "UNKNOWN_FACET"),
        ({"after": "not-a-cursor"}, "INVALID_PAGE"),
        ({"f": {"categoryCode": "X1"}}, "INVALID_CATEGORY_CODE"),
    ],
)
async def test_bad_input_gets_a_stable_code(w: World, variables: dict[str, Any], code: str) -> None:
    query = variables.pop("q", "联想")
    errors = await _search(w, w.buyer, query, **variables)
    assert errors[0]["extensions"]["code"] == code


async def test_fts_syntax_never_raises(w: World) -> None:
    for text in ['"', "-", "联想 AND", "NEAR(", "*", "M740t:^", "( ) OR"]:
        result = await _search(w, w.buyer, text)
        assert isinstance(result["totalCount"], int), text


async def test_readiness_reports_the_index_lag(w: World) -> None:
    async with w.db.unit_of_work() as s:
        offer = await s.scalar(select(Offer).where(Offer.id == w.offers[0].id))
        assert offer is not None
        offer.status = OfferStatus.OFF_SHELF
    ready = (await w.client.get("/readyz")).json()
    assert ready["consumers"]["search-indexer"]["pendingEvents"] == 0
    await w.as_(w.suppliers[0], SHELF, {"id": w.offer_id(0), "on": True})
    ready = (await w.client.get("/readyz")).json()
    assert ready["consumers"]["search-indexer"]["pendingEvents"] == 1
