"""`yiwang seed`'s order history: made through the ordering use cases, judged by supervision into
the warnings the demo supervisor sees, and made once."""

from datetime import datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from core.clock import SHANGHAI, FrozenClock, local_today
from core.db import Database
from core.holidays_cn import default_calendar
from core.outbox import OutboxEvent
from core.principal import Principal, Role
from core.settings import Settings
from identity.models import Organisation, User
from orders.models import (
    Contract,
    Order,
    OrderLine,
    OrderState,
    Payment,
    PaymentStatus,
    TimelineEntry,
)
from seed import run
from seed.orders_stories import STORIES, schedule
from supervision.models import SupervisionWarning
from supervision.warnings import visible_to

# A Monday morning: the history is the eight weeks before it.
ANCHOR = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
S = OrderState
EXPECTED_STATES = {
    "d01": S.PAID,
    "d02": S.PAID,
    "f01": S.PAID,
    "d03": S.PAID,
    "d04": S.ACCEPTED,  # accepted some six weeks ago, never paid
    "d05": S.PAID,
    "d06": S.PAID,
    "x01": S.CANCELLED,
    "d07": S.PAID,
    "d08": S.PAID,  # delivered late, then accepted and paid
    "d09": S.PAID,
    "f02": S.PAID,
    "d10": S.PAID,
    "d11": S.PAID,
    "x02": S.REJECTED,
    "d12": S.PAID,
    "d13": S.ACCEPTED,  # the treasury pays later this morning
    "f03": S.ACCEPTED,
    "d14": S.ACCEPTED,  # its contract never announced
    "d15": S.PLACED,  # never confirmed
    "d16": S.DELIVERED,
}
INTENDED = {
    ("PAYMENT_LATE_SME", "d04"),
    ("DELIVERY_LATE", "d08"),
    ("RELATED_PARTY", "f02"),
    ("CONTRACT_ANNOUNCE_LATE", "d14"),
    ("CONFIRM_LATE", "d15"),
}
_M = TypeVar("_M")


@pytest.fixture
def anchored(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """The whole seed (agreement terms, plans, history, judging) sees ANCHOR as now."""
    clock = FrozenClock(ANCHOR)
    monkeypatch.setattr(run, "SystemClock", lambda: clock)
    return clock


async def _seed(db: Database) -> None:
    settings = Settings(database_url=db.url, debug=True)
    assert await run.run_seed(settings, products=200, once=False) == 0


async def _all(db: Database, model: type[_M]) -> list[_M]:
    async with db.reader() as session:
        rows = list(await session.scalars(select(model)))
    await db.dispose()
    return rows


async def _orders_by_story(db: Database, clock: FrozenClock) -> dict[str, Order]:
    today, calendar = local_today(clock), default_calendar()
    story_placed_at = {schedule(s, today, calendar)[0].at: s.key for s in STORIES}
    return {story_placed_at[order.placed_at]: order for order in await _all(db, Order)}


async def _demo_unit(db: Database, username: str) -> Organisation:
    async with db.reader() as session:
        user = await session.scalar(select(User).where(User.username == username))
        assert user is not None
        unit = await session.get(Organisation, user.organisation_id)
    await db.dispose()
    assert unit is not None
    return unit


async def test_the_demo_purchaser_has_orders_in_every_state(
    db: Database, anchored: FrozenClock
) -> None:
    await _seed(db)

    orders = await _orders_by_story(db, anchored)
    unit = await _demo_unit(db, "purchaser")
    assert {key: order.state for key, order in orders.items()} == EXPECTED_STATES
    assert {order.purchaser_id for order in orders.values()} == {unit.id}
    contracts = {c.order_id: c for c in await _all(db, Contract)}
    paid = {p.order_id: p for p in await _all(db, Payment) if p.status is PaymentStatus.PAID}
    for key, order in orders.items():
        if order.state is S.PAID:
            assert paid[order.id].voucher_number, key
            assert contracts[order.id].announced_at is not None, key
            assert contracts[order.id].filed_at is not None, key
    assert contracts[orders["d14"].id].signed_on is not None
    assert contracts[orders["d14"].id].announced_at is None
    assert orders["d15"].id not in contracts


async def test_supervision_warns_of_what_went_wrong_and_of_nothing_else(
    db: Database, anchored: FrozenClock
) -> None:
    await _seed(db)

    story_of = {order.id: key for key, order in (await _orders_by_story(db, anchored)).items()}
    warnings = await _seen_by(db, "supervisor")
    assert {(w.rule_code, story_of[w.order_id or 0]) for w in warnings} == INTENDED
    evidence = {w.rule_code: w.evidence for w in warnings}
    unpaid: dict[str, Any] = evidence["PAYMENT_LATE_SME"]
    assert unpaid["days_late"] == 12
    assert unpaid["interest_fen"] > 0
    assert evidence["DELIVERY_LATE"]["days_late"] == 3
    assert evidence["CONTRACT_ANNOUNCE_LATE"]["working_days_late"] == 3
    assert evidence["CONFIRM_LATE"]["done"] is None
    shared = evidence["RELATED_PARTY"]["shared"]
    assert [s["field"] for s in shared] == ["联系电话"]
    assert shared[0]["purchaser"] == shared[0]["supplier"]


async def _seen_by(db: Database, username: str) -> list[SupervisionWarning]:
    unit = await _demo_unit(db, username)
    principal = Principal(
        role=Role.SUPERVISOR, organisation_id=unit.id, region_code=unit.region_code
    )
    async with db.reader() as session:
        rows = list(await session.scalars(select(SupervisionWarning).where(visible_to(principal))))
    await db.dispose()
    return rows


_COUNTED: dict[str, InstrumentedAttribute[int]] = {
    "order": Order.id,
    "line": OrderLine.id,
    "timeline": TimelineEntry.id,
    "contract": Contract.id,
    "payment": Payment.id,
    "event": OutboxEvent.id,
    "warning": SupervisionWarning.id,
}


async def _counts(db: Database) -> dict[str, int]:
    async with db.reader() as session:
        counts = {name: await session.scalar(select(func.count(c))) for name, c in _COUNTED.items()}
    await db.dispose()
    return {name: int(count or 0) for name, count in counts.items()}


async def test_seeding_again_adds_nothing(db: Database) -> None:
    await _seed(db)
    first = await _counts(db)
    rules = {w.rule_code for w in await _all(db, SupervisionWarning)}

    await _seed(db)

    assert first["order"] == len(STORIES)
    assert {rule for rule, _ in INTENDED} <= rules
    assert await _counts(db) == first
