"""Quota reservations (the ordering flow's entry point) and 顺序轮候 rotation, at service level."""

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from core.clock import FrozenClock
from core.db import Database
from core.outbox import OutboxEvent
from core.principal import Role
from marketplace.agreements import quotas, rotation, service
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Entrant,
    EntrantStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.policy import MarketPriceRule, Policy, RegionPolicy, policy_for
from tests import factories


async def _agreement(db: Database, **quota: int | None) -> tuple[Agreement, list[int]]:
    operator = await factories.member(db, Role.OPERATOR)
    suppliers = [(await factories.member(db, Role.SUPPLIER)).organisation.id for _ in range(3)]
    agreement = Agreement(
        code=f"Q-{suppliers[0]}",
        title="额度测试",
        kind=AgreementKind.OPEN,
        scope=ProcurementScope.GOODS,
        operator_id=operator.organisation.id,
        region_code="331100",
        status=AgreementStatus.ACTIVE,
        selection_method=SelectionMethod.ROTATION,
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 10, 31),
        rotation_next_position=1,
        created_at=factories.T0,
        updated_at=factories.T0,
        **quota,
    )
    async with db.unit_of_work() as s:
        s.add(agreement)
        await s.flush()
        for position, supplier_id in enumerate(suppliers, start=1):
            s.add(
                Entrant(
                    agreement_id=agreement.id,
                    supplier_id=supplier_id,
                    status=EntrantStatus.ADMITTED,
                    rotation_position=position,
                    applied_at=factories.T0,
                )
            )
    return agreement, suppliers


async def _reserve(
    db: Database, agreement: Agreement, supplier: int, fen: int, ref: str, clock: FrozenClock
) -> None:
    async with db.unit_of_work() as s:
        await quotas.reserve(s, agreement.id, supplier, fen, ref, clock=clock)


async def _code_of(call: object) -> AgreementErrorCode:
    try:
        await call  # type: ignore[misc]
    except AgreementError as error:
        return AgreementErrorCode(error.code)
    raise AssertionError("no error")


async def test_reservations_respect_total_share_and_order_limit(
    db: Database, clock: FrozenClock
) -> None:
    agreement, (a, b, _) = await _agreement(
        db, total_quota_fen=1_000_000, supplier_share_bp=6000, per_order_limit_fen=400_000
    )
    await _reserve(db, agreement, a, 400_000, "order-1", clock)
    assert (
        await _code_of(_reserve(db, agreement, a, 400_001, "order-2", clock))
        is AgreementErrorCode.OVER_ORDER_LIMIT
    )
    assert (
        await _code_of(_reserve(db, agreement, a, 300_000, "order-2", clock))
        is AgreementErrorCode.SUPPLIER_SHARE_EXHAUSTED
    )
    await _reserve(db, agreement, b, 400_000, "order-3", clock)
    assert (
        await _code_of(_reserve(db, agreement, b, 200_001, "order-4", clock))
        is AgreementErrorCode.QUOTA_EXHAUSTED
    )
    async with db.reader() as s:
        status = await quotas.quota_status(s, agreement, a)
    assert (status.used_fen, status.remaining_fen, status.supplier_remaining_fen) == (
        800_000,
        200_000,
        200_000,
    )


async def test_a_retried_reservation_reserves_once_and_release_is_idempotent(
    db: Database, clock: FrozenClock
) -> None:
    agreement, (a, _, _) = await _agreement(db, total_quota_fen=500_000)
    for _ in range(3):
        await _reserve(db, agreement, a, 300_000, "order-1", clock)
    assert (
        await _code_of(_reserve(db, agreement, a, 100_000, "order-1", clock))
        is AgreementErrorCode.QUOTA_REFERENCE_REUSED
    )
    for _ in range(2):
        async with db.unit_of_work() as s:
            await quotas.release(s, agreement.id, "order-1", clock=clock)
    async with db.reader() as s:
        assert (await quotas.quota_status(s, agreement)).used_fen == 0


async def test_concurrent_reservations_never_overspend(db: Database, clock: FrozenClock) -> None:
    agreement, (a, b, c) = await _agreement(db, total_quota_fen=500_000)
    outcomes = await asyncio.gather(
        *(
            _reserve(db, agreement, (a, b, c)[i % 3], 100_000, f"order-{i}", clock)
            for i in range(12)
        ),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, AgreementError)]
    assert len(refused) == 7
    assert all(o.code is AgreementErrorCode.QUOTA_EXHAUSTED for o in refused)
    async with db.reader() as s:
        assert (await quotas.quota_status(s, agreement)).used_fen == 500_000


async def test_rotation_gives_each_entrant_one_turn_per_cycle(db: Database) -> None:
    agreement, suppliers = await _agreement(db)
    awarded = []
    for _ in range(7):
        async with db.unit_of_work() as s:
            awarded.append(await rotation.advance(s, agreement.id))
    assert awarded == [*suppliers, *suppliers, suppliers[0]]


async def test_rotation_skips_entrants_who_left(db: Database) -> None:
    agreement, suppliers = await _agreement(db)
    async with db.unit_of_work() as s:
        await rotation.advance(s, agreement.id)
        await s.execute(
            update(Entrant)
            .where(Entrant.supplier_id == suppliers[1])
            .values(status=EntrantStatus.LEFT)
        )
    async with db.unit_of_work() as s:
        assert await rotation.advance(s, agreement.id) == suppliers[2]
        assert await rotation.advance(s, agreement.id) == suppliers[0]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], Policy()),
        (
            [("330000", MarketPriceRule.AVERAGE, None)],
            Policy(market_price_rule=MarketPriceRule.AVERAGE),
        ),
        (
            [("330000", MarketPriceRule.AVERAGE, 20), ("331100", MarketPriceRule.LOWEST, None)],
            Policy(market_price_rule=MarketPriceRule.LOWEST, market_window_days=20),
        ),
    ],
)
async def test_region_policy_inherits_from_the_nearest_ancestor(
    db: Database, rows: list[tuple[str, MarketPriceRule, int | None]], expected: Policy
) -> None:
    await factories.regions(db)
    async with db.unit_of_work() as s:
        for code, rule, window in rows:
            s.add(RegionPolicy(region_code=code, market_price_rule=rule, market_window_days=window))
    async with db.reader() as s:
        assert await policy_for(s, "331102") == expected


async def test_the_expiry_batch_marks_agreements_past_their_term(
    db: Database, clock: FrozenClock
) -> None:
    agreement, _ = await _agreement(db)
    async with db.unit_of_work() as s:
        assert await service.expire_due(s, clock=clock) == []
    clock.advance(timedelta(days=365))
    async with db.unit_of_work() as s:
        assert await service.expire_due(s, clock=clock) == [agreement.id]
    async with db.reader() as s:
        stored = await s.get(Agreement, agreement.id)
        events = list((await s.scalars(select(OutboxEvent.event_type))).all())
    assert stored is not None
    assert stored.status is AgreementStatus.EXPIRED
    assert events == ["AgreementExpired"]
