"""Framework agreements through GraphQL: operator → suppliers → quotes, and the rules that bite."""

import base64
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from identity.models import OrganisationKind
from marketplace.agreements import quotas
from marketplace.agreements.models import Quote
from tests import factories
from tests.agreements import (
    ACTIVATE,
    ADMIT,
    APPLY,
    CEILING,
    CREATE,
    LEAVE,
    OPEN,
    QUOTE,
    World,
    active,
    codes,
    drafted,
    make_world,
    soliciting,
    terms,
)
from tests.factories import gid
from tests.gql import gql


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def test_the_whole_path_from_draft_to_a_quote(world: World) -> None:
    agreement_id = await active(world)
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
        "SolicitationOpened",
        "AgreementActivated",
        "SupplierApplied",
        "SupplierAdmitted",
        "SupplierRejected",
        "QuoteChanged",
    } <= kinds


async def test_a_closed_agreement_may_not_admit_everyone(world: World) -> None:
    agreement_id = await soliciting(world)
    for supplier in world.suppliers[:2]:
        entrant = (await world.as_(supplier, APPLY, {"a": agreement_id}))["entrant"]
        await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    refused = await world.as_(world.operator, ACTIVATE, {"id": agreement_id})
    assert codes(refused) == ["CLOSED_ADMITS_EVERYONE"]
    assert "至少应淘汰 1 家" in refused["errors"][0]["message"]


async def test_an_open_agreement_may_admit_everyone(world: World) -> None:
    agreement_id = await soliciting(world, kind="OPEN")
    for supplier in world.suppliers[:2]:
        entrant = (await world.as_(supplier, APPLY, {"a": agreement_id}))["entrant"]
        await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    assert (await world.as_(world.operator, ACTIVATE, {"id": agreement_id}))["errors"] == []


async def test_pending_applications_block_activation(world: World) -> None:
    agreement_id = await soliciting(world, kind="OPEN")
    await world.as_(world.suppliers[0], APPLY, {"a": agreement_id})
    assert codes(await world.as_(world.operator, ACTIVATE, {"id": agreement_id})) == [
        "APPLICATIONS_PENDING"
    ]


async def test_joining_a_closed_agreement_after_solicitation_is_refused(world: World) -> None:
    agreement_id = await active(world)
    latecomer = await factories.member(world.db, Role.SUPPLIER)
    refused = await world.as_(latecomer, APPLY, {"a": agreement_id})
    assert codes(refused) == ["SOLICITATION_CLOSED"]


async def test_an_open_agreement_takes_joins_and_leaves_while_active(world: World) -> None:
    agreement_id = await active(world, kind="OPEN")
    latecomer = await factories.member(world.db, Role.SUPPLIER)
    joined = await world.as_(latecomer, APPLY, {"a": agreement_id})
    assert joined["entrant"]["status"] == "APPLIED"
    assert (await world.as_(world.operator, ADMIT, {"e": joined["entrant"]["id"]}))["entrant"][
        "rotationPosition"
    ] == 3
    left = await world.as_(latecomer, LEAVE, {"a": agreement_id, "r": ""})
    assert left["entrant"]["status"] == "LEFT"


async def test_leaving_a_closed_agreement_needs_a_reason_and_approval(world: World) -> None:
    agreement_id = await active(world)
    entrant = world.suppliers[0]
    assert codes(await world.as_(entrant, LEAVE, {"a": agreement_id, "r": ""})) == [
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
    agreement_id = await active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "5000.01",
    }
    refused = await world.as_(world.suppliers[0], QUOTE, {"input": quote})
    assert codes(refused) == ["OVER_CEILING"]
    assert "最高限制单价 5000.00 元" in refused["errors"][0]["message"]
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "5000.00"}}))[
        "errors"
    ] == []


async def test_a_quote_above_the_platforms_public_price_is_refused(world: World) -> None:
    agreement_id = await active(world)
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
    assert codes(refused) == ["OVER_MARKET_PRICE"]
    assert "最低价 4699.00 元" in refused["errors"][0]["message"]
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "4699.00"}}))[
        "errors"
    ] == []


async def test_stale_platform_prices_do_not_bind(world: World, clock: FrozenClock) -> None:
    agreement_id = await active(world)
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
    agreement_id = await active(world)
    quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", world.product.id),
        "price": "4000",
    }
    outsider = world.suppliers[2]  # eliminated
    assert codes(await world.as_(outsider, QUOTE, {"input": quote})) == ["NOT_AN_ENTRANT"]
    async with world.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Quote)) == 0


async def test_ceilings_are_fixed_once_published(world: World) -> None:
    agreement_id = await soliciting(world)
    later = {"agreementId": agreement_id, "price": "6000", "categoryCode": "A02010104"}
    assert codes(await world.as_(world.operator, CEILING, {"input": later})) == [
        "WRONG_AGREEMENT_STATUS"
    ]


async def test_a_ceiling_outside_the_agreement_is_refused(world: World) -> None:
    agreement_id = await drafted(world)
    await factories.category_path(world.db, "A05010201", "办公椅")
    chair = {"agreementId": agreement_id, "price": "800", "categoryCode": "A05010201"}
    assert codes(await world.as_(world.operator, CEILING, {"input": chair})) == [
        "CATEGORY_NOT_COVERED"
    ]


async def test_terms_are_checked(world: World) -> None:
    too_long = await world.as_(world.operator, CREATE, {"input": terms(endsOn="2027-11-01")})
    assert codes(too_long) == ["TERM_TOO_LONG"]
    bad_share = await world.as_(
        world.operator, CREATE, {"input": terms(supplierSharePercent="120")}
    )
    assert codes(bad_share) == ["INVALID_QUOTA"]
    elsewhere = await world.as_(world.operator, CREATE, {"input": terms(regionCode="320400")})
    assert codes(elsewhere) == ["NOT_AGREEMENT_OPERATOR"]
    supplier = await world.as_(world.suppliers[0], CREATE, {"input": terms()})
    assert codes(supplier) == ["FORBIDDEN"]


async def test_drafts_are_private_and_agreements_expire_by_the_clock(
    world: World, clock: FrozenClock
) -> None:
    draft_id = await drafted(world)
    listing = "{ agreements(first: 10) { edges { node { code status } } } }"
    assert (await gql(world.client, listing))["data"]["agreements"]["edges"] == []
    await world.as_(world.operator, OPEN, {"id": draft_id})
    assert (await gql(world.client, listing))["data"]["agreements"]["edges"] == [
        {"node": {"code": "LS-2026-PC", "status": "SOLICITING"}}
    ]


async def test_an_agreement_past_its_term_is_expired(world: World, clock: FrozenClock) -> None:
    agreement_id = await active(world)
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
    assert codes(await world.as_(world.suppliers[0], QUOTE, {"input": quote})) == [
        "WRONG_AGREEMENT_STATUS"
    ]


async def test_the_most_specific_ceiling_applies(world: World) -> None:
    """A product's own ceiling beats its category's; among category tiers, the highest it meets."""
    made = await world.as_(world.operator, CREATE, {"input": terms()})
    agreement_id = made["agreement"]["id"]
    tiers: list[dict[str, Any]] = [
        {"price": "5000", "categoryCode": "A02010104"},
        {
            "price": "6000",
            "categoryCode": "A02010104",
            "specConstraints": [{"key": "内存", "op": "GTE", "value": "16"}],
        },
        {
            "price": "6500",
            "categoryCode": "A02010104",
            "specConstraints": [{"key": "内存", "op": "GTE", "value": "32"}],
        },
    ]
    for tier in tiers:
        assert (
            await world.as_(
                world.operator, CEILING, {"input": {"agreementId": agreement_id} | tier}
            )
        )["errors"] == []
    other = await factories.product(
        world.db, await factories.category_path(world.db), model="M920t"
    )
    own = {"agreementId": agreement_id, "price": "5200", "productId": gid("Product", other.id)}
    assert (await world.as_(world.operator, CEILING, {"input": own}))["errors"] == []
    await world.as_(world.operator, OPEN, {"id": agreement_id})
    for supplier in world.suppliers:
        entrant = (await world.as_(supplier, APPLY, {"a": agreement_id}))["entrant"]
        await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    quote = {"agreementId": agreement_id, "productId": gid("Product", world.product.id)}
    assert codes(
        await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "6000.01"}})
    ) == ["OVER_CEILING"]
    assert (await world.as_(world.suppliers[0], QUOTE, {"input": quote | {"price": "6000.00"}}))[
        "errors"
    ] == []
    own_quote = {
        "agreementId": agreement_id,
        "productId": gid("Product", other.id),
        "price": "5200.01",
    }
    assert codes(await world.as_(world.suppliers[0], QUOTE, {"input": own_quote})) == [
        "OVER_CEILING"
    ]


async def test_quota_in_use_shows_in_lists_with_one_query(world: World) -> None:
    agreement_id = await active(world)
    row_id = int(base64.b64decode(agreement_id).decode().split(":")[1])
    async with world.db.unit_of_work() as s:
        await quotas.reserve(
            s, row_id, world.suppliers[0].organisation.id, 30_000_00, "order-1", clock=world.clock
        )
    body = await gql(
        world.client,
        "{ agreements(first: 5) { edges { node { quota { used { amount } remaining { amount } } } } } }",
    )
    assert body["data"]["agreements"]["edges"] == [
        {"node": {"quota": {"used": {"amount": "30000.00"}, "remaining": {"amount": "970000.00"}}}}
    ]
