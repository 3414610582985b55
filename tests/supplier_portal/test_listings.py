"""The listing workflow: draft → review → shelf, and the rules each step enforces."""

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from marketplace.models import Offer
from marketplace.policy import RegionPolicy
from tests import factories
from tests.agreements import ADMIT, APPLY, World, active, codes, make_world, soliciting
from tests.factories import gid

OFFER = "offer { id status price { amount } stock rejectionReason deliveryRegionCodes agreement { code } } errors { code field message }"
CREATE = f"mutation($input: CreateOfferInput!) {{ createOffer(input: $input) {{ {OFFER} }} }}"
UPDATE = f"mutation($input: UpdateOfferInput!) {{ updateOffer(input: $input) {{ {OFFER} }} }}"
SUBMIT = f"mutation($id: ID!) {{ submitOffer(id: $id) {{ {OFFER} }} }}"
WITHDRAW = f"mutation($id: ID!) {{ withdrawOffer(id: $id) {{ {OFFER} }} }}"
APPROVE = f"mutation($id: ID!) {{ approveOffer(id: $id) {{ {OFFER} }} }}"
REJECT = f"mutation($id: ID!, $r: String!) {{ rejectOffer(id: $id, reason: $r) {{ {OFFER} }} }}"
SHELF = (
    f"mutation($id: ID!, $on: Boolean!) {{ setOfferShelf(id: $id, onShelf: $on) {{ {OFFER} }} }}"
)
QUEUE = "{ reviewQueue(first: 20) { edges { node { id status supplierSku } } } }"
MINE = "query($s: [OfferStatus!]) { myOffers(status: $s, first: 20) { edges { node { status } } } }"


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


def _listing(w: World, agreement_id: str | None, **overrides: Any) -> dict[str, Any]:
    return {
        "productId": gid("Product", w.product.id),
        "agreementId": agreement_id,
        "supplierSku": "LX-M740T",
        "price": "4888.00",
        "stock": 50,
        "deliveryRegionCodes": ["331102"],
    } | overrides


async def _on_shelf(w: World) -> tuple[str, str]:
    agreement_id = await active(w)
    made = await w.as_(w.suppliers[0], CREATE, {"input": _listing(w, agreement_id)})
    offer_id = made["offer"]["id"]
    await w.as_(w.suppliers[0], SUBMIT, {"id": offer_id})
    approved = await w.as_(w.operator, APPROVE, {"id": offer_id})
    assert approved["offer"]["status"] == "ON_SHELF", approved
    return agreement_id, offer_id


async def test_draft_review_approve_puts_it_on_the_shelf(world: World) -> None:
    agreement_id = await active(world)
    made = await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    assert made["errors"] == []
    assert made["offer"]["status"] == "DRAFT"
    assert made["offer"]["deliveryRegionCodes"] == ["331102"]
    assert made["offer"]["agreement"] == {"code": "LS-2026-PC"}
    offer_id = made["offer"]["id"]
    submitted = await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id})
    assert submitted["offer"]["status"] == "PENDING_REVIEW"
    queue = await world.as_(world.operator, QUEUE, {})
    assert [e["node"]["id"] for e in queue["edges"]] == [offer_id]
    approved = await world.as_(world.operator, APPROVE, {"id": offer_id})
    assert approved["offer"]["status"] == "ON_SHELF"
    async with world.db.reader() as s:
        kinds = list(
            (
                await s.scalars(
                    select(OutboxEvent.event_type)
                    .where(OutboxEvent.aggregate_type == "Offer")
                    .order_by(OutboxEvent.id)
                )
            ).all()
        )
    assert kinds == ["ListingCreated", "ListingSubmitted", "ListingApproved"]


async def test_rejection_carries_a_reason_and_the_listing_can_be_fixed_and_resubmitted(
    world: World,
) -> None:
    agreement_id = await active(world)
    offer_id = (
        await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    )["offer"]["id"]
    await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id})
    rejected = await world.as_(world.operator, REJECT, {"id": offer_id, "r": "商品图片与型号不符"})
    assert rejected["offer"]["status"] == "REJECTED"
    assert rejected["offer"]["rejectionReason"] == "商品图片与型号不符"
    fixed = await world.as_(
        world.suppliers[0], UPDATE, {"input": {"id": offer_id, "price": "4777.00"}}
    )
    assert fixed["errors"] == []
    again = await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id})
    assert again["offer"]["status"] == "PENDING_REVIEW"
    assert again["offer"]["rejectionReason"] is None


async def test_a_listing_is_withdrawn_from_review(world: World) -> None:
    agreement_id = await active(world)
    offer_id = (
        await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    )["offer"]["id"]
    await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id})
    assert codes(
        await world.as_(world.suppliers[0], UPDATE, {"input": {"id": offer_id, "price": "4000"}})
    ) == ["WRONG_LISTING_STATUS"]
    withdrawn = await world.as_(world.suppliers[0], WITHDRAW, {"id": offer_id})
    assert withdrawn["offer"]["status"] == "DRAFT"


async def test_the_same_product_cannot_be_listed_twice_under_one_agreement(world: World) -> None:
    agreement_id = await active(world)
    first = await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    again = _listing(world, agreement_id, supplierSku="LX-M740T-B", price="4777.00")
    refused = await world.as_(world.suppliers[0], CREATE, {"input": again})
    assert codes(refused) == ["DUPLICATE_LISTING"]
    assert (
        f"报价 {first['offer']['id']}" not in refused["errors"][0]["message"]
    )  # the row id, not the global id
    assert "LX-M740T" in refused["errors"][0]["message"]
    async with world.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Offer)) == 1


async def test_listing_terms_are_checked_when_drafted(world: World) -> None:
    agreement_id = await active(world)
    over = await world.as_(
        world.suppliers[0], CREATE, {"input": _listing(world, agreement_id, price="5000.01")}
    )
    assert codes(over) == ["OVER_CEILING"]
    outsider = world.suppliers[2]  # eliminated
    assert codes(await world.as_(outsider, CREATE, {"input": _listing(world, agreement_id)})) == [
        "NOT_AN_ENTRANT"
    ]
    far = _listing(world, agreement_id, deliveryRegionCodes=["320400"])
    assert codes(await world.as_(world.suppliers[0], CREATE, {"input": far})) == [
        "REGION_OUTSIDE_AGREEMENT"
    ]
    nopic = _listing(world, agreement_id, imageSha256="0" * 64)
    assert codes(await world.as_(world.suppliers[0], CREATE, {"input": nopic})) == ["UNKNOWN_IMAGE"]
    async with world.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Offer)) == 0


async def test_a_listing_without_an_agreement_cannot_be_submitted(world: World) -> None:
    made = await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, None)})
    assert made["offer"]["status"] == "DRAFT"
    assert codes(await world.as_(world.suppliers[0], SUBMIT, {"id": made["offer"]["id"]})) == [
        "NOT_UNDER_AGREEMENT"
    ]


async def test_nothing_goes_on_the_shelf_before_the_agreement_is_active(world: World) -> None:
    agreement_id = await soliciting(world, kind="OPEN")
    entrant = (await world.as_(world.suppliers[0], APPLY, {"a": agreement_id}))["entrant"]
    await world.as_(world.operator, ADMIT, {"e": entrant["id"]})
    offer_id = (
        await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    )["offer"]["id"]
    assert (await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id}))["errors"] == []
    assert codes(await world.as_(world.operator, APPROVE, {"id": offer_id})) == [
        "WRONG_AGREEMENT_STATUS"
    ]


async def test_off_the_shelf_any_time_back_on_within_the_rules(world: World) -> None:
    _, offer_id = await _on_shelf(world)
    off = await world.as_(world.suppliers[0], SHELF, {"id": offer_id, "on": False})
    assert off["offer"]["status"] == "OFF_SHELF"
    on = await world.as_(world.suppliers[0], SHELF, {"id": offer_id, "on": True})
    assert on["offer"]["status"] == "ON_SHELF"
    mine = await world.as_(world.suppliers[0], MINE, {"s": ["ON_SHELF"]})
    assert len(mine["edges"]) == 1


async def test_a_price_change_goes_back_to_review_where_the_region_says_so(world: World) -> None:
    _, offer_id = await _on_shelf(world)
    repriced = await world.as_(
        world.suppliers[0], UPDATE, {"input": {"id": offer_id, "price": "4799.00"}}
    )
    assert repriced["offer"]["status"] == "PENDING_REVIEW"
    stock_only = await world.as_(world.suppliers[0], WITHDRAW, {"id": offer_id})
    assert stock_only["offer"]["status"] == "DRAFT"


async def test_a_region_may_let_price_changes_stand(world: World) -> None:
    async with world.db.unit_of_work() as s:
        s.add(RegionPolicy(region_code="331100", review_listing_changes=False))
    _, offer_id = await _on_shelf(world)
    repriced = await world.as_(
        world.suppliers[0], UPDATE, {"input": {"id": offer_id, "price": "4799.00"}}
    )
    assert repriced["offer"]["status"] == "ON_SHELF"
    over = await world.as_(
        world.suppliers[0], UPDATE, {"input": {"id": offer_id, "price": "5100.00"}}
    )
    assert codes(over) == ["OVER_CEILING"]


async def test_only_the_agreements_operator_reviews(world: World) -> None:
    agreement_id = await active(world)
    offer_id = (
        await world.as_(world.suppliers[0], CREATE, {"input": _listing(world, agreement_id)})
    )["offer"]["id"]
    await world.as_(world.suppliers[0], SUBMIT, {"id": offer_id})
    other_operator = await factories.member(world.db, Role.OPERATOR, region="331100")
    assert codes(await world.as_(other_operator, APPROVE, {"id": offer_id})) == [
        "NOT_AGREEMENT_OPERATOR"
    ]
    assert codes(await world.as_(world.suppliers[0], APPROVE, {"id": offer_id})) == ["FORBIDDEN"]
