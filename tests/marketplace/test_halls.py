"""Regional boutique halls: operators curate, purchasers browse their region's halls first."""

import httpx
import pytest

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from marketplace.models import Offer, OfferStatus
from tests import factories
from tests.orders.world import World, make_world

ERRORS = "errors { code field message }"
CREATE = f"mutation($input: HallInput!) {{ createHall(input: $input) {{ hall {{ id slug name policyTags }} {ERRORS} }} }}"
CURATE = f"mutation($input: CurateHallInput!) {{ curateHall(input: $input) {{ hall {{ slug }} {ERRORS} }} }}"
HALLS = "query($r: String) { halls(regionCode: $r) { slug regionCode } }"
HALL = """query($s: String!) { hall(slug: $s) { name offers(first: 10) {
  edges { node { id price { amount } } } } } }"""


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


def hall(slug: str, region: str = "331100", **extra: object) -> dict[str, object]:
    return {
        "slug": slug,
        "name": "丽水山耕精品馆",
        "regionCode": region,
        "description": "丽水本地农产品与手工艺品",
        "policyTags": ["LOCAL_PRODUCE", "CRAFTS"],
    } | extra


async def test_an_operator_opens_and_curates_a_hall_that_lists_its_offers(w: World) -> None:
    made = await w.as_(w.operator, CREATE, {"input": hall("lishui")})
    assert made["errors"] == []
    curated = await w.as_(
        w.operator,
        CURATE,
        {
            "input": {
                "hallId": made["hall"]["id"],
                "addSupplierIds": [factories.gid("Organisation", w.suppliers[1].organisation.id)],
            }
        },
    )
    assert curated["errors"] == []

    page = await w.as_(w.buyer, HALL, {"s": "lishui"})

    assert [e["node"]["id"] for e in page["offers"]["edges"]] == [w.offer_id(1)]
    outsider = await factories.member(w.db, Role.PURCHASER, region="320402")
    assert (await w.as_(outsider, HALL, {"s": "lishui"}))["offers"]["edges"] == []
    async with w.db.unit_of_work() as s:
        row = await s.get(Offer, w.offers[1].id)
        assert row is not None
        row.status = OfferStatus.OFF_SHELF
    assert (await w.as_(w.buyer, HALL, {"s": "lishui"}))["offers"]["edges"] == []


async def test_purchasers_see_their_own_regions_halls_first(w: World, db: Database) -> None:
    changzhou_operator = await factories.member(db, Role.OPERATOR, region="320400")
    assert (
        await w.as_(changzhou_operator, CREATE, {"input": hall("changzhou", "320400", position=-1)})
    )["errors"] == []
    assert (await w.as_(w.operator, CREATE, {"input": hall("lishui")}))["errors"] == []

    mine_first = await w.as_(w.buyer, HALLS)
    assert [h["slug"] for h in mine_first] == ["lishui", "changzhou"]
    only = await w.as_(w.buyer, HALLS, {"r": "320000"})
    assert [h["slug"] for h in only] == ["changzhou"]


async def test_bad_halls_are_refused(w: World, db: Database) -> None:
    cases = [
        (hall("Bad Slug"), "INVALID_INPUT"),
        (hall("ok", policyTags=["NOPE"]), "INVALID_INPUT"),
        (hall("ok", region="320400"), "FORBIDDEN"),
        (hall("ok", region="999999"), "UNKNOWN_REGION"),
    ]
    for draft, code in cases:
        result = await w.as_(w.operator, CREATE, {"input": draft})
        assert [e["code"] for e in result["errors"]] == [code], draft
    assert (await w.as_(w.operator, CREATE, {"input": hall("lishui")}))["errors"] == []
    again = await w.as_(w.operator, CREATE, {"input": hall("lishui")})
    assert [e["code"] for e in again["errors"]] == ["INVALID_INPUT"]
    supplier = await w.as_(w.suppliers[0], CREATE, {"input": hall("mine")})
    assert [e["code"] for e in supplier["errors"]] == ["FORBIDDEN"]
