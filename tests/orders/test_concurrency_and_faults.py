"""Races and crashes: the last units go to exactly as many buyers as there are units, and a
process killed halfway through a placement leaves nothing half done."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.db import Database
from core.principal import Role
from marketplace.agreements.models import QuotaUse
from marketplace.models import Offer
from orders.models import CartLine, Order, PurchasePlan
from tests import factories
from tests.orders.world import PLACE, World, make_world

BUYERS = 50
UNITS = 10
_REPOSITORY = str(Path(__file__).resolve().parents[2])


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock, stock=UNITS)


async def _counts(db: Database) -> tuple[int, int, int, int]:
    async with db.reader() as s:
        orders = await s.scalar(select(func.count()).select_from(Order))
        stock = await s.scalar(select(Offer.stock).where(Offer.id.is_not(None)).order_by(Offer.id))
        reserved = await s.scalar(select(func.sum(PurchasePlan.reserved_fen)))
        quota = await s.scalar(select(func.count()).select_from(QuotaUse))
    return int(orders or 0), int(stock or 0), int(reserved or 0), int(quota or 0)


async def test_fifty_buyers_racing_for_the_last_ten_units_make_exactly_ten_orders(
    w: World, db: Database
) -> None:
    buyers = [w.buyer] + [
        await factories.member(db, Role.PURCHASER, organisation=w.buyer.organisation)
        for _ in range(BUYERS - 1)
    ]
    async with db.unit_of_work() as s:
        for buyer in buyers:
            s.add(
                CartLine(
                    user_id=buyer.user.id,
                    organisation_id=buyer.organisation.id,
                    offer_id=w.offers[0].id,
                    quantity=1,
                    seen_price_fen=w.offers[0].price_fen,
                    added_at=w.clock.now(),
                    updated_at=w.clock.now(),
                )
            )

    async def attempt(buyer: factories.Member) -> dict[str, object]:
        headers = factories.bearer(buyer, now=w.clock.now())
        response = await w.client.post(
            "/graphql",
            json={"query": PLACE, "variables": {"input": w.placement()}},
            headers=headers,
        )
        result: dict[str, object] = response.json()["data"]["placeOrder"]
        return result

    results = await asyncio.gather(*(attempt(b) for b in buyers))

    placed = [r for r in results if not r["errors"]]
    refused = [r for r in results if r["errors"]]
    assert len(placed) == UNITS
    assert {e["code"] for r in refused for e in r["errors"]} == {"OUT_OF_STOCK"}  # type: ignore[attr-defined]
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Order)) == UNITS
        offer = await s.get(Offer, w.offers[0].id)
        plan = await s.get(PurchasePlan, w.plan.id)
        uses = await s.scalar(select(func.count()).select_from(QuotaUse))
    assert offer is not None
    assert offer.stock == 0
    assert plan is not None
    assert plan.reserved_fen == UNITS * w.offers[0].price_fen
    assert uses == UNITS


_HALFWAY = textwrap.dedent(
    """
    import asyncio, sys, time
    from datetime import datetime
    from core.clock import FrozenClock
    from core.db import Database
    from core.principal import Actor, Principal, Role
    from orders.placement import PlacementRequest, place_order

    url, user, org, region, plan, now = sys.argv[1:7]

    async def main() -> None:
        db = Database(url)
        actor = Actor(principal=Principal(role=Role.PURCHASER, organisation_id=int(org),
                                          region_code=region, user_id=int(user)))
        request = PlacementRequest(plan_id=int(plan), delivery_address="丽水市莲都区人民街 1 号",
                                   contact_name="王老师", contact_phone="0578-2123456")
        async with db.unit_of_work() as session:
            await place_order(session, request, actor=actor,
                              clock=FrozenClock(datetime.fromisoformat(now)))
            await session.flush()
            print("RESERVED", flush=True)
            time.sleep(120)  # killed here, before the commit

    asyncio.run(main())
    """
)


async def test_a_process_killed_halfway_through_placing_leaves_no_trace(
    w: World, db: Database, database_url: str, tmp_path: Path
) -> None:
    await w.cart_with((0, 3))
    before = await _counts(db)
    script = tmp_path / "halfway.py"
    script.write_text(_HALFWAY, encoding="utf-8")
    args = [
        database_url,
        str(w.buyer.user.id),
        str(w.buyer.organisation.id),
        w.buyer.organisation.region_code,
        str(w.plan.id),
        w.clock.now().isoformat(),
    ]
    process = subprocess.Popen(  # noqa: ASYNC220 — the child runs beside the test's event loop
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": _REPOSITORY},
    )
    assert process.stdout is not None
    with process.stdout:
        line = await asyncio.to_thread(process.stdout.readline)
        assert line.strip() == b"RESERVED"
        os.kill(process.pid, signal.SIGKILL)
        await asyncio.to_thread(process.wait)

    assert await _counts(db) == before
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(CartLine)) == 1
    placed = await w.place()
    assert placed["errors"] == []
    assert (await _counts(db))[:3] == (1, UNITS - 3, 3 * w.offers[0].price_fen)
