"""Framework agreements through GraphQL: operator → suppliers → quotes, and the rules that bite."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import Member, gid
from tests.gql import gql
from yiwang.core.clock import FrozenClock
from yiwang.core.db import Database
from yiwang.core.outbox import OutboxEvent
from yiwang.core.principal import Role
from yiwang.identity.models import OrganisationKind
from yiwang.marketplace.agreements.models import Quote
from yiwang.marketplace.models import Product

FIELDS = "agreement { id code status kind } errors { code field message }"
CREATE = (
    f"mutation($input: CreateAgreementInput!) {{ createAgreement(input: $input) {{ {FIELDS} }} }}"
)
CEILING = """mutation($input: SetCeilingInput!) {
  setAgreementCeiling(input: $input) { ceiling { price { amount } specConstraints { key op value } } errors { code field message } }
}"""
OPEN = f"mutation($id: ID!) {{ openSolicitation(id: $id) {{ {FIELDS} }} }}"
ACTIVATE = f"mutation($id: ID!) {{ activateAgreement(id: $id) {{ {FIELDS} }} }}"
ENTRANT = "entrant { id status reason rotationPosition } errors { code field message }"
APPLY = f"mutation($a: ID!) {{ applyToAgreement(agreementId: $a) {{ {ENTRANT} }} }}"
ADMIT = f"mutation($e: ID!) {{ admitEntrant(entrantId: $e) {{ {ENTRANT} }} }}"
REJECT = f"mutation($input: RejectEntrantInput!) {{ rejectEntrant(input: $input) {{ {ENTRANT} }} }}"
LEAVE = f"mutation($a: ID!, $r: String!) {{ leaveAgreement(agreementId: $a, reason: $r) {{ {ENTRANT} }} }}"
QUOTE = """mutation($input: QuotePriceInput!) {
  quotePrice(input: $input) { quote { price { amount } priceHistory { oldPrice { amount } newPrice { amount } } }
                              errors { code field message } }
}"""


@dataclass
class World:
    operator: Member
    suppliers: list[Member]
    product: Product
    db: Database
    client: httpx.AsyncClient
    clock: FrozenClock

    async def as_(self, who: Member, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = factories.bearer(who, now=self.clock.now())
        body = await gql(self.client, query, variables, headers=headers)
        data: dict[str, Any] = body["data"]
        return next(iter(data.values()))


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    operator = await factories.member(db, Role.OPERATOR, region="331100")
    suppliers = [await factories.member(db, Role.SUPPLIER) for _ in range(3)]
    category = await factories.category_path(db)
    product = await factories.product(db, category, brand="联想", model="M740t")
    return World(operator, suppliers, product, db, client, clock)


def _terms(kind: str = "CLOSED", **overrides: Any) -> dict[str, Any]:
    return {
        "code": "LS-2026-PC",
        "title": "丽水市2026年台式计算机框架协议",
        "kind": kind,
        "scope": "GOODS",
        "regionCode": "331100",
        "categoryCodes": ["A02010104"],
        "startsOn": "2026-11-01",
        "endsOn": "2027-10-31",
        "selectionMethod": "DIRECT_SELECTION",
        "secondCompetitionAbove": "200000",
        "totalQuota": "1000000",
        "supplierSharePercent": "40",
        "perOrderLimit": "50000",
    } | overrides


async def _drafted(w: World, kind: str = "CLOSED", ceiling: str = "5000") -> str:
    made = await w.as_(w.operator, CREATE, {"input": _terms(kind)})
    assert made["errors"] == [], made
    agreement_id: str = made["agreement"]["id"]
    ceiling_input = {"agreementId": agreement_id, "price": ceiling, "categoryCode": "A02010104"}
    assert (await w.as_(w.operator, CEILING, {"input": ceiling_input}))["errors"] == []
    return agreement_id


async def _soliciting(w: World, kind: str = "CLOSED") -> str:
    agreement_id = await _drafted(w, kind)
    opened = await w.as_(w.operator, OPEN, {"id": agreement_id})
    assert opened["agreement"]["status"] == "SOLICITING", opened
    return agreement_id


async def _active(w: World, kind: str = "CLOSED") -> str:
    """Three applicants: two admitted, one eliminated."""
    agreement_id = await _soliciting(w, kind)
    entrant_ids = [
        (await w.as_(s, APPLY, {"a": agreement_id}))["entrant"]["id"] for s in w.suppliers
    ]
    for entrant_id in entrant_ids[:2]:
        assert (await w.as_(w.operator, ADMIT, {"e": entrant_id}))["errors"] == []
    eliminated = {"entrantId": entrant_ids[2], "reason": "综合评分排名靠后", "eliminated": True}
    assert (await w.as_(w.operator, REJECT, {"input": eliminated}))["errors"] == []
    active = await w.as_(w.operator, ACTIVATE, {"id": agreement_id})
    assert active["agreement"]["status"] == "ACTIVE", active
    return agreement_id


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def test_the_whole_path_from_draft_to_a_quote(world: World) -> None:
    agreement_id = await _active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4899.00",
    }
    first = await world.as_(world.suppliers[0], QUOTE, {"input": quote})
    assert first["errors"] == []
    lower = await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "4799.00"}})
    assert lower["quote"]["priceHistory"] == [
        {"oldPrice": None, "newPrice": {"amount": "4899.00"}},
        {"oldPrice": {"amount": "4899.00"}, "newPrice": {"amount": "4799.00"}},
    ]
    detail = await gql(
        world.client,
        """query($id: ID!) { agreement(id: $id) {
             status categories { code } ceilings { price { amount } category { code } }
             entrants { status rotationPosition supplier { name } }
             quotes { price { amount } supplier { name } }
             quota { total { amount } used { amount } remaining { amount } perOrderLimit { amount } supplierCap { amount } } } }""",
        {"id": agreement_id},
    )
    agreement = detail["data"]["agreement"]
    assert agreement["categories"] == [{"code": "A02010104"}]
    assert [e["status"] for e in agreement["entrants"]] == [
        "ADMITTED",
        "ADMITTED",
    ]  # the public list
    assert agreement["quotes"] == [
        {"price": {"amount": "4799.00"}, "supplier": {"name": world.suppliers[0].organisation.name}}
    ]
    assert agreement["quota"] == {
        "total": {"amount": "1000000.00"},
        "used": {"amount": "0.00"},
        "remaining": {"amount": "1000000.00"},
        "perOrderLimit": {"amount": "50000.00"},
        "supplierCap": {"amount": "400000.00"},
    }
    async with world.db.reader() as s:
        kinds = set((await s.scalars(select(OutboxEvent.event_type))).all())
    assert {
        "AgreementCreated",
        "CeilingSet",
        "AgreementStatusChanged",
        "EntrantChanged",
        "QuoteChanged",
    } <= kinds


async def test_a_closed_agreement_may_not_admit_everyone(world: World) -> None:
    agreement_id = await _soliciting(world)
    for supplier in world.suppliers[:2]:
        entrant = (await world.as_(supplier, APPLY, {"a": agreement_id}))["entrant"]
        await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    refused = await world.as_(world.operator, ACTIVATE, {"id": agreement_id})
    assert _codes(refused) == ["CLOSED_ADMITS_EVERYONE"]
    assert "至少应淘汰 1 家" in refused["errors"][0]["message"]


async def test_an_open_agreement_may_admit_everyone(world: World) -> None:
    agreement_id = await _soliciting(world, kind="OPEN")
    for supplier in world.suppliers[:2]:
        entrant = (await world.as_(supplier, APPLY, {"a": agreement_id}))["entrant"]
        await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    assert (await world.as_(world.operator, ACTIVATE, {"id": agreement_id}))["errors"] == []


async def test_pending_applications_block_activation(world: World) -> None:
    agreement_id = await _soliciting(world, kind="OPEN")
    await world.as_(world.suppliers[0], APPLY, {"a": agreement_id})
    assert _codes(await world.as_(world.operator, ACTIVATE, {"id": agreement_id})) == [
        "APPLICATIONS_PENDING"
    ]


async def test_joining_a_closed_agreement_after_solicitation_is_refused(world: World) -> None:
    agreement_id = await _active(world)
    latecomer = await factories.member(world.db, Role.SUPPLIER)
    refused = await world.as_(latecomer, APPLY, {"a": agreement_id})
    assert _codes(refused) == ["SOLICITATION_CLOSED"]


async def test_an_open_agreement_takes_joins_and_leaves_while_active(world: World) -> None:
    agreement_id = await _active(world, kind="OPEN")
    latecomer = await factories.member(world.db, Role.SUPPLIER)
    joined = await world.as_(latecomer, APPLY, {"a": agreement_id})
    assert joined["entrant"]["status"] == "APPLIED"
    assert (await world.as_(world.operator, ADMIT, {"e": joined["entrant"]["id"]}))["entrant"][
        "rotationPosition"
    ] == 3
    left = await world.as_(latecomer, LEAVE, {"a": agreement_id, "r": ""})
    assert left["entrant"]["status"] == "LEFT"


async def test_leaving_a_closed_agreement_needs_a_reason_and_approval(world: World) -> None:
    agreement_id = await _active(world)
    entrant = world.suppliers[0]
    assert _codes(await world.as_(entrant, LEAVE, {"a": agreement_id, "r": ""})) == [
        "CLOSED_LEAVE_NEEDS_APPROVAL"
    ]
    asked = await world.as_(entrant, LEAVE, {"a": agreement_id, "r": "企业转产"})
    assert asked["entrant"]["status"] == "LEAVE_REQUESTED"
    approve = (
        "mutation($e: ID!) { approveLeave(entrantId: $e) { entrant { status } errors { code } } }"
    )
    assert (await world.as_(world.operator, approve, {"e": asked["entrant"]["id"]}))["entrant"] == {
        "status": "LEFT"
    }


async def test_a_quote_above_the_ceiling_is_refused_with_the_ceiling_named(world: World) -> None:
    agreement_id = await _active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "5000.01",
    }
    refused = await world.as_(world.suppliers[0], QUOTE, {"input": quote})
    assert _codes(refused) == ["OVER_CEILING"]
    assert "最高限制单价 5000.00 元" in refused["errors"][0]["message"]
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "5000.00"}}))[
        "errors"
    ] == []


async def test_a_quote_above_the_platforms_public_price_is_refused(world: World) -> None:
    agreement_id = await _active(world)
    jd = await factories.organisation(world.db, OrganisationKind.PARTNER, name="京东")
    suning = await factories.organisation(world.db, OrganisationKind.PARTNER, name="苏宁")
    for partner, public_price in ((jd, 469900), (suning, 489900)):
        offer = await factories.offer(
            world.db, world.product, partner, price_fen=public_price - 10000
        )
        async with world.db.unit_of_work() as s:
            row = await s.get(type(offer), offer.id)
            assert row is not None
            row.market_price_fen = public_price
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4700.00",
    }
    refused = await world.as_(world.suppliers[0], QUOTE, {"input": quote})
    assert _codes(refused) == ["OVER_MARKET_PRICE"]
    assert "最低价 4699.00 元" in refused["errors"][0]["message"]
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "4699.00"}}))[
        "errors"
    ] == []


async def test_stale_platform_prices_do_not_bind(world: World, clock: FrozenClock) -> None:
    agreement_id = await _active(world)
    jd = await factories.organisation(world.db, OrganisationKind.PARTNER, name="京东")
    offer = await factories.offer(world.db, world.product, jd, price_fen=400000)
    async with world.db.unit_of_work() as s:
        row = await s.get(type(offer), offer.id)
        assert row is not None
        row.market_price_fen = 410000
    clock.advance(timedelta(days=31))
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4899.00",
    }
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote}))["errors"] == []


async def test_only_entrants_quote(world: World) -> None:
    agreement_id = await _active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4000",
    }
    outsider = world.suppliers[2]  # eliminated
    assert _codes(await world.as_(outsider, QUOTE, {"input": quote})) == ["NOT_AN_ENTRANT"]
    async with world.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Quote)) == 0


async def test_ceilings_are_fixed_once_published(world: World) -> None:
    agreement_id = await _soliciting(world)
    later = {"agreementId": agreement_id, "price": "6000", "categoryCode": "A02010104"}
    assert _codes(await world.as_(world.operator, CEILING, {"input": later})) == [
        "WRONG_AGREEMENT_STATUS"
    ]


async def test_a_ceiling_outside_the_agreement_is_refused(world: World) -> None:
    agreement_id = await _drafted(world)
    await factories.category_path(world.db, "A05010201", "办公椅")
    chair = {"agreementId": agreement_id, "price": "800", "categoryCode": "A05010201"}
    assert _codes(await world.as_(world.operator, CEILING, {"input": chair})) == [
        "CATEGORY_NOT_COVERED"
    ]


async def test_terms_are_checked(world: World) -> None:
    too_long = await world.as_(world.operator, CREATE, {"input": _terms(endsOn="2027-11-01")})
    assert _codes(too_long) == ["TERM_TOO_LONG"]
    bad_share = await world.as_(
        world.operator, CREATE, {"input": _terms(supplierSharePercent="120")}
    )
    assert _codes(bad_share) == ["INVALID_QUOTA"]
    elsewhere = await world.as_(world.operator, CREATE, {"input": _terms(regionCode="320400")})
    assert _codes(elsewhere) == ["NOT_AGREEMENT_OPERATOR"]
    supplier = await world.as_(world.suppliers[0], CREATE, {"input": _terms()})
    assert _codes(supplier) == ["FORBIDDEN"]


async def test_drafts_are_private_and_agreements_expire_by_the_clock(
    world: World, clock: FrozenClock
) -> None:
    draft_id = await _drafted(world)
    listing = "{ agreements(first: 10) { edges { node { code status } } } }"
    assert (await gql(world.client, listing))["data"]["agreements"]["edges"] == []
    await world.as_(world.operator, OPEN, {"id": draft_id})
    assert (await gql(world.client, listing))["data"]["agreements"]["edges"] == [
        {"node": {"code": "LS-2026-PC", "status": "SOLICITING"}}
    ]


async def test_an_agreement_past_its_term_is_expired(world: World, clock: FrozenClock) -> None:
    agreement_id = await _active(world)
    clock.advance(timedelta(days=400))
    body = await gql(
        world.client, "query($id: ID!) { agreement(id: $id) { status } }", {"id": agreement_id}
    )
    assert body["data"]["agreement"] == {"status": "EXPIRED"}
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4000",
    }
    assert _codes(await world.as_(world.suppliers[0], QUOTE, {"input": quote})) == [
        "WRONG_AGREEMENT_STATUS"
    ]
