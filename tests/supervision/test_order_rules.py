"""The rules judged on orders, through the real flow: orders placed and carried over GraphQL, the
outbox dispatched to the supervision consumer, the scheduled pass run on a moved clock."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from core.clock import FrozenClock
from core.db import Database
from identity.models import Organisation, OrganisationKind
from supervision.models import SubjectType
from tests import factories
from tests.orders.world import (
    ACCEPT,
    ANNOUNCE,
    FILE,
    RECORD_TREASURY,
    REQUEST_PAYMENT,
    World,
    acceptance,
    make_world,
)
from tests.supervision import flow


@pytest.fixture
async def w(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> World:
    return await make_world(client, db, clock)


async def _pay(w: World, order: dict[str, object]) -> None:
    requested = await w.as_(
        w.buyer, REQUEST_PAYMENT, {"input": {"orderId": order["id"], "method": "TREASURY"}}
    )
    assert requested["errors"] == [], requested
    paid = await w.as_(
        w.buyer, RECORD_TREASURY, {"p": requested["payment"]["id"], "v": "GK2026-0001"}
    )
    assert paid["errors"] == [], paid


async def test_a_normal_purchase_carried_out_on_time_raises_nothing(w: World) -> None:
    order = await w.accepted_order()
    contract = order["contract"]["id"]
    for step in (ANNOUNCE, FILE):
        assert (await w.as_(w.buyer, step, {"c": contract}))["errors"] == []
    await _pay(w, order)
    assert await flow.dispatch(w) > 0
    w.clock.advance(timedelta(days=90))  # every clock has long run out, and all was done in time
    report = await flow.run_sweep(w)
    assert report.orders_judged == 1
    assert await flow.rules_raised(w) == []


async def test_shared_contact_details_raise_one_related_party_warning_across_replays(
    w: World,
) -> None:
    async with w.db.unit_of_work() as s:
        await s.execute(
            update(Organisation)
            .where(Organisation.id == w.buyer.organisation.id)
            .values(contact_phone="0578-2123456", contact_email="Office@LS.gov.cn")
        )
        await s.execute(
            update(Organisation)
            .where(Organisation.id == w.suppliers[0].organisation.id)
            .values(contact_phone="05782123456", contact_email="office@ls.gov.cn ")
        )
    await w.placed_order()
    await w.placed_order()
    await flow.dispatch(w)
    warning = flow.one(await flow.warnings_in_db(w, "RELATED_PARTY"))
    assert warning.subject_type == SubjectType.SUPPLIER
    assert warning.subject_id == str(w.suppliers[0].organisation.id)
    assert [s["field"] for s in warning.evidence["shared"]] == ["联系电话", "电子邮箱"]
    await flow.replay_everything(w)
    await flow.run_sweep(w)
    assert len(await flow.warnings_in_db(w)) == 1


async def test_an_order_left_unconfirmed_is_caught_by_the_scheduled_pass(w: World) -> None:
    order = await w.placed_order()
    await flow.dispatch(w)
    assert await flow.rules_raised(w) == []
    w.clock.advance(timedelta(hours=30))  # confirm within 24 hours by default
    await flow.run_sweep(w)
    warning = flow.one(await flow.warnings_in_db(w, "CONFIRM_LATE"))
    assert warning.evidence["order_number"] == order["number"]
    assert warning.evidence["done"] is None
    assert warning.evidence["overdue"] == "6.0 小时"


async def test_a_contract_not_announced_within_two_working_days_is_flagged(w: World) -> None:
    await w.signed_order()  # signed on Monday 2 November 2026
    w.clock.advance(timedelta(days=2))  # Wednesday 4 November: still in time
    await flow.run_sweep(w)
    assert "CONTRACT_ANNOUNCE_LATE" not in await flow.rules_raised(w)
    w.clock.advance(timedelta(days=4))  # Sunday 8 November: 2 working days late (Thu, Fri)
    await flow.run_sweep(w)
    warning = flow.one(await flow.warnings_in_db(w, "CONTRACT_ANNOUNCE_LATE"))
    assert warning.subject_type == SubjectType.CONTRACT
    assert warning.evidence["due"] == "2026-11-04"
    assert warning.evidence["working_days_late"] == 2
    assert await flow.warnings_in_db(w, "CONTRACT_FILING_LATE") == []  # due 11 November


async def test_an_sme_left_unpaid_past_30_days_shows_the_overdue_interest(w: World) -> None:
    order = await w.accepted_order()  # 2 × 4,500.00 accepted on 2 November 2026
    w.clock.advance(timedelta(days=40))  # due 2 December; now 12 December: 10 days late
    await flow.run_sweep(w)
    warning = flow.one(await flow.warnings_in_db(w, "PAYMENT_LATE_SME"))
    assert warning.evidence["days_late"] == 10
    assert warning.evidence["owed_fen"] == 900_000
    assert warning.evidence["interest_fen"] == 4_500  # 900,000 fen × 0.05% × 10 days
    assert warning.evidence["interest"] == "45.00 元"
    assert warning.order_id is not None
    assert order["number"] in warning.title


async def test_a_price_raised_just_before_the_order_is_a_spike(w: World) -> None:
    offer = w.offers[0].id
    await flow.price_point(w, offer, 300_000, w.clock.now() - timedelta(days=20))
    await flow.price_point(w, offer, 450_000, w.clock.now() - timedelta(days=2))
    await w.placed_order()
    await flow.dispatch(w)
    warning = flow.one(await flow.warnings_in_db(w, "PRICE_SPIKE"))
    line = warning.evidence["lines"][0]
    assert line["lowest_in_window_fen"] == 300_000
    assert line["rise"] == "50.00%"


async def test_a_price_unchanged_for_weeks_is_no_spike(w: World) -> None:
    offer = w.offers[0].id
    await flow.price_point(w, offer, 300_000, w.clock.now() - timedelta(days=40))
    await flow.price_point(w, offer, 450_000, w.clock.now() - timedelta(days=20))
    await w.placed_order()
    await flow.dispatch(w)
    assert await flow.rules_raised(w) == []


async def test_a_price_far_above_the_same_products_other_offers_is_flagged(w: World) -> None:
    earlier = w.clock.now() - timedelta(days=30)
    await flow.price_point(w, w.offers[0].id, 450_000, earlier)
    for price in (300_000, 320_000, 340_000):
        supplier = await factories.organisation(w.db, OrganisationKind.SUPPLIER)
        peer = await factories.offer(w.db, w.products[0], supplier, price_fen=price)
        await flow.price_point(w, peer.id, price, earlier)
    await w.placed_order()
    await flow.dispatch(w)
    line = flow.one(await flow.warnings_in_db(w, "PRICE_ABOVE_PEERS")).evidence["lines"][0]
    assert line["peer_median_fen"] == 320_000
    assert line["above"] == "40.63%"  # (4,500 − 3,200) / 3,200


async def test_a_region_lowers_the_configuration_standard(w: World) -> None:
    chief = await flow.supervisor(w)
    await w.placed_order()  # 4,500.00 a desktop: under the central 5,000.00
    await flow.dispatch(w)
    assert await flow.rules_raised(w) == []
    caps = {"A02010104": 400_000}
    changed = await w.as_(
        chief,
        flow.SET_RULE,
        {
            "input": {
                "region": "331100",
                "ruleCode": "OVER_STANDARD_CONFIG",
                "params": {"caps": caps},
            }
        },
    )
    assert changed["errors"] == [], changed
    assert changed["rule"]["params"][0]["value"] == caps
    await w.placed_order()
    await flow.dispatch(w)
    line = flow.one(await flow.warnings_in_db(w, "OVER_STANDARD_CONFIG")).evidence["lines"][0]
    assert line["standard_fen"] == 400_000
    assert line["unit_price_fen"] == 450_000


async def test_a_supplier_blacklisted_after_the_order_is_not_blamed_for_it(w: World) -> None:
    from datetime import date

    from identity.models import BlacklistEntry, BlacklistKind

    await w.placed_order()
    async with w.db.unit_of_work() as s:
        s.add(
            BlacklistEntry(
                credit_code=w.suppliers[0].organisation.credit_code,
                name="供应商",
                kind=BlacklistKind.PROCUREMENT_VIOLATION,
                reason="提供虚假材料",
                authority="丽水市财政局",
                starts_on=date(2026, 11, 10),
                ends_on=date(2027, 11, 9),
                created_at=w.clock.now(),
            )
        )
    w.clock.advance(timedelta(days=10))
    await flow.run_sweep(w)
    assert "BLACKLISTED_SUPPLIER" not in await flow.rules_raised(w)


async def test_acceptance_after_its_deadline_is_flagged_when_it_happens(w: World) -> None:
    order = await w.delivered_order()
    w.clock.advance(timedelta(days=15))  # 7 working days to accept by default
    accepted = await w.as_(w.buyer, ACCEPT, {"input": acceptance(order)})
    assert accepted["errors"] == []
    await flow.dispatch(w)
    warning = flow.one(await flow.warnings_in_db(w, "ACCEPTANCE_LATE"))
    assert warning.evidence["done"] == "2026-11-17"


async def test_a_listing_back_dated_over_an_order_flags_it_after_the_fact(w: World) -> None:
    from datetime import date

    from identity.models import BlacklistEntry, BlacklistKind

    order = await w.placed_order()
    async with w.db.unit_of_work() as s:
        s.add(
            BlacklistEntry(
                credit_code=w.suppliers[0].organisation.credit_code,
                name="供应商",
                kind=BlacklistKind.DISHONEST_JUDGMENT_DEBTOR,
                reason="法院认定失信",
                authority="丽水市中级人民法院",
                starts_on=date(2026, 10, 20),  # decided later, effective before the order
                ends_on=None,
                created_at=w.clock.now() + timedelta(days=5),
            )
        )
    await flow.run_sweep(w)
    warning = flow.one(await flow.warnings_in_db(w, "BLACKLISTED_SUPPLIER"))
    assert warning.evidence["order_number"] == order["number"]
    assert warning.evidence["placed_on"] == "2026-11-02"
    assert warning.evidence["list"] == "DISHONEST_JUDGMENT_DEBTOR"


async def test_plans_cut_or_narrowed_after_the_orders_are_audited(w: World) -> None:
    from orders.models import PurchasePlan

    await w.placed_order()  # 9,000.00 against a 200,000.00 plan for 品目 A02
    await flow.run_sweep(w)
    assert await flow.rules_raised(w) == []
    async with w.db.unit_of_work() as s:
        await s.execute(
            update(PurchasePlan)
            .where(PurchasePlan.id == w.plan.id)
            .values(amount_fen=800_000, reserved_fen=0, category_code="A05")
        )
    await flow.run_sweep(w)
    assert await flow.rules_raised(w) == ["NO_PLAN", "OVER_PLAN"]
    over = flow.one(await flow.warnings_in_db(w, "OVER_PLAN"))
    assert (over.evidence["plan_amount_fen"], over.evidence["committed_fen"]) == (800_000, 900_000)
    no_plan = flow.one(await flow.warnings_in_db(w, "NO_PLAN"))
    assert no_plan.evidence["problems"] == ["品目 A02010104 不在计划品目 A05 内"]


def test_line_prices_above_the_ceiling_or_the_market_are_judged_on_the_snapshot() -> None:
    from datetime import UTC, datetime

    from orders.models import OrderLine
    from supervision.catalogue import BY_CODE
    from supervision.rules import prices
    from supervision.settings import RuleBook

    line = OrderLine(
        id=7,
        offer_id=1,
        product_id=1,
        name="台式计算机",
        category_code="A02010104",
        quantity=2,
        unit_price_fen=520_000,
        ceiling_fen=500_000,
        market_rule="LOWEST",
        market_reference_fen=510_000,
        market_prices=[{"price_fen": 510_000}],
        priced_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    book = RuleBook([])
    facts: Any = None
    ceiling = prices.over_ceiling(facts, line, book.config("PRICE_OVER_CEILING", "331102"))
    assert ceiling is not None
    assert (ceiling["ceiling_fen"], ceiling["over"]) == (500_000, "4.00%")
    market = prices.over_market(facts, line, book.config("PRICE_OVER_MARKET", "331102"))
    assert market is not None
    assert market["over"] == "1.96%"  # (5,200 − 5,100) / 5,100
    tolerant = RuleBook([_setting("PRICE_OVER_MARKET", {"tolerance_bp": 200})])
    assert prices.over_market(facts, line, tolerant.config("PRICE_OVER_MARKET", "331102")) is None
    line.unit_price_fen = 500_000
    assert prices.over_ceiling(facts, line, book.config("PRICE_OVER_CEILING", "331102")) is None
    assert BY_CODE["PRICE_OVER_CEILING"].level.value == "RED"


def _setting(rule: str, params: dict[str, Any]) -> Any:
    from supervision.models import RuleSetting

    return RuleSetting(
        region_code="331100", rule_code=rule, params=params, enabled=None, level=None
    )


async def test_a_batch_without_a_placement_is_judged_too(w: World) -> None:
    from core.outbox_consumers import lag
    from supervision import engine
    from tests.orders.world import CONFIRM

    order = await w.placed_order()
    await flow.dispatch(w)
    confirmed = await w.as_(w.suppliers[0], CONFIRM, {"o": order["id"]})
    assert confirmed["errors"] == []
    await flow.dispatch(w)  # OrderConfirmed and ContractGenerated: nothing placed
    assert (await lag(w.db, engine.CONSUMER, count=engine.PARTS)).pending == 0
