"""The rules over history (事后分析): splitting, supplier concentration and the policy shares,
judged on orders written straight into the tables."""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.db import Database
from identity.models import Organisation, Region, SupplierSize
from marketplace.models import OfferStatus
from marketplace.policy import RegionPolicy
from orders.models import Order, OrderState
from supervision.errors import SupervisionError, SupervisionErrorCode
from supervision.models import SubjectType, SupervisionWarning
from supervision.rules import concentration, policy_shares, splitting
from supervision.settings import RuleBook, RuleConfig, load_rule_book
from supervision.warnings import Finding, raise_findings
from tests.factories import T0
from tests.supervision.history_data import (
    CHANGZHOU,
    DESK,
    LAPTOP,
    OFFICE,
    PC,
    PRODUCE_832,
    RICE,
    WAN,
    History,
    Line,
    make_history,
    set_rule,
    shanghai,
)

SPLITTING = "ORDER_SPLITTING"
CONCENTRATION = "SUPPLIER_CONCENTRATION"
SME = "SME_RESERVATION_SHORTFALL"
POVERTY = "POVERTY_832_SHORTFALL"


@pytest.fixture
async def h(db: Database) -> History:
    return await make_history(db)


async def _book(db: Database) -> RuleBook:
    async with db.reader() as s:
        return await load_rule_book(s)


async def _split(db: Database, fiscal_year: int = 2026) -> list[Finding]:
    async with db.reader() as s:
        return await splitting.sweep(s, await load_rule_book(s), fiscal_year=fiscal_year)


async def _concentrated(db: Database, quarter: int = 4) -> list[Finding]:
    async with db.reader() as s:
        return await concentration.sweep(s, await load_rule_book(s), year=2026, quarter=quarter)


async def _shares(db: Database) -> list[Finding]:
    async with db.reader() as s:
        return await policy_shares.sweep(s, await load_rule_book(s), fiscal_year=2026)


def _kind(finding: Finding) -> str:
    return finding.scope.split(":")[0]


def _by_kind(findings: list[Finding]) -> dict[str, Finding]:
    by_kind = {_kind(f): f for f in findings}
    assert len(by_kind) == len(findings)
    return by_kind


def _numbers(*orders: Order) -> list[str]:
    return [order.number for order in orders]


def _listed(finding: Finding) -> list[str]:
    return [order["number"] for order in finding.evidence["orders"]]


# 化整为零


async def test_orders_each_within_the_limit_adding_up_past_the_tender_threshold(h: History) -> None:
    unit, supplier = await h.unit(), await h.supplier()
    # 30 + 50 万 in A0201, and a desk that belongs to another category.
    first = await h.order(
        unit,
        supplier,
        Line(PC, 30 * WAN),
        Line(LAPTOP, 50 * WAN),
        Line(DESK, 10 * WAN),
        at=shanghai(2, 10),
    )
    second = await h.order(unit, supplier, Line(PC, 80 * WAN), at=shanghai(6, 10))
    third = await h.order(unit, supplier, Line(LAPTOP, 80 * WAN), at=shanghai(10, 10))
    await h.order(
        unit, supplier, Line(PC, 95 * WAN), at=shanghai(11, 10), state=OrderState.CANCELLED
    )

    [finding] = await _split(h.db)

    assert finding.rule_code == SPLITTING
    assert (finding.subject_type, finding.subject_id) == (SubjectType.UNIT, str(unit.id))
    assert (finding.region_code, finding.purchaser_id) == ("331102", unit.id)
    assert finding.scope.startswith("T:A0201:2026:")
    evidence = finding.evidence
    assert evidence["threshold_name"] == "公开招标数额标准"
    assert (evidence["threshold_fen"], evidence["threshold"]) == (200_000_000, "2,000,000.00 元")
    assert (evidence["total_fen"], evidence["total"]) == (240_000_000, "2,400,000.00 元")
    assert (evidence["budget_item"], evidence["category_prefix"]) == ("办公设备购置费", "A0201")
    assert _listed(finding) == _numbers(first, second, third)
    assert [o["amount_fen"] for o in evidence["orders"]] == [80 * WAN] * 3
    assert "2,400,000.00 元" in finding.title


async def test_orders_within_a_short_window_past_the_direct_purchase_limit(h: History) -> None:
    unit, supplier = await h.unit(), await h.supplier()
    march = [
        await h.order(unit, supplier, Line(PC, 30 * WAN), at=shanghai(3, day))
        for day in (2, 9, 16, 23)
    ]
    july = await h.order(unit, supplier, Line(PC, 30 * WAN), at=shanghai(7, 1))

    found = _by_kind(await _split(h.db))

    assert set(found) == {"Y", "W"}
    window = found["W"].evidence
    assert (window["window_from"], window["window_to"], window["window_days"]) == (
        "2026-03-02",
        "2026-03-23",
        30,
    )
    assert (window["total_fen"], window["threshold_fen"]) == (120_000_000, 100_000_000)
    assert _listed(found["W"]) == _numbers(*march)
    year = found["Y"].evidence
    assert (year["threshold_name"], year["total_fen"]) == ("网上直购限额", 150_000_000)
    assert _listed(found["Y"]) == _numbers(*march, july)


async def test_orders_again_and_again_just_under_the_limit(h: History) -> None:
    unit, supplier = await h.unit(), await h.supplier()
    near = [
        await h.order(unit, supplier, Line(DESK, amount * WAN), at=shanghai(month, 3))
        for amount, month in ((95, 2), (92, 6), (99, 10))
    ]
    await h.order(unit, supplier, Line(DESK, 85 * WAN), at=shanghai(8, 3))  # 15 % under

    found = _by_kind(await _split(h.db))

    assert set(found) == {"T", "N"}
    evidence = found["N"].evidence
    assert (evidence["near_floor_fen"], evidence["near_below"]) == (90_000_000, "10.00%")
    assert _listed(found["N"]) == _numbers(*near)
    assert evidence["total_fen"] == 286_000_000
    assert found["T"].evidence["total_fen"] == 371_000_000


async def test_passing_the_tender_threshold_later_is_a_warning_of_its_own(
    h: History, clock: FrozenClock
) -> None:
    unit, supplier = await h.unit(), await h.supplier()
    for month in (2, 6):
        await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(month, 1))
    first = await _split(h.db)
    await h.order(unit, supplier, Line(PC, 90 * WAN), at=shanghai(10, 1))
    later = await _split(h.db)

    for findings in (first, later):
        async with h.db.unit_of_work() as s:
            await raise_findings(s, findings, book=await load_rule_book(s), clock=clock)

    assert [f.evidence["threshold_name"] for f in later] == ["公开招标数额标准"]
    async with h.db.reader() as s:
        rows = (await s.scalars(select(SupervisionWarning).order_by(SupervisionWarning.id))).all()
    assert [(w.scope[:1], w.evidence["total_fen"]) for w in rows] == [
        ("Y", 120 * WAN),
        ("T", 210 * WAN),
    ]


async def test_normal_purchases_are_not_splitting(h: History) -> None:
    supplier = await h.supplier()
    regular = await h.unit()
    for month in range(1, 13):
        await h.order(regular, supplier, Line(PC, 5 * WAN), at=shanghai(month, 15))
    big_once = await h.unit()  # above the limit on its own: another problem, not splitting
    await h.order(big_once, supplier, Line(PC, 150 * WAN), at=shanghai(3, 1))
    await h.order(big_once, supplier, Line(PC, 1 * WAN), at=shanghai(3, 2))
    apart = await h.unit()  # different budget items, different categories
    await h.order(apart, supplier, Line(PC, 60 * WAN), at=shanghai(4, 1))
    await h.order(
        apart, supplier, Line(PC, 60 * WAN), at=shanghai(4, 2), budget_item="专用设备购置费"
    )
    await h.order(apart, supplier, Line(DESK, 60 * WAN), at=shanghai(4, 3))
    undone = await h.unit()  # only what was not cancelled or rejected counts
    await h.order(undone, supplier, Line(PC, 45 * WAN), at=shanghai(5, 1))
    await h.order(undone, supplier, Line(PC, 45 * WAN), at=shanghai(5, 2))
    await h.order(
        undone, supplier, Line(PC, 45 * WAN), at=shanghai(5, 3), state=OrderState.CANCELLED
    )
    await h.order(
        undone, supplier, Line(PC, 45 * WAN), at=shanghai(5, 4), state=OrderState.REJECTED
    )

    assert await _split(h.db) == []


async def test_the_fiscal_year_is_the_calendar_year_in_shanghai(h: History) -> None:
    unit, supplier = await h.unit(), await h.supplier()
    december = [
        await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(12, 20)),
        await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(12, 31, 23, 30)),
    ]
    new_year = [
        await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(1, 1, 0, 30, 2027)),
        await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(1, 10, year=2027)),
    ]
    assert new_year[0].placed_at.astimezone(UTC).year == 2026

    found = _by_kind(await _split(h.db))

    assert set(found) == {"Y", "W"}
    assert _listed(found["Y"]) == _numbers(*december)
    next_year = _by_kind(await _split(h.db, 2027))
    assert _listed(next_year["Y"]) == _numbers(*new_year)


async def test_the_regions_direct_purchase_limit_is_the_one_judged(h: History) -> None:
    supplier = await h.supplier()
    lishui, changzhou = await h.unit(), await h.unit(CHANGZHOU)
    for unit in (lishui, changzhou):
        for month in (2, 10):
            await h.order(unit, supplier, Line(PC, 30 * WAN), at=shanghai(month, 1))
    async with h.db.unit_of_work() as s:
        s.add(RegionPolicy(region_code="331100", direct_purchase_limit_fen=50 * WAN))

    [finding] = await _split(h.db)

    assert finding.subject_id == str(lishui.id)
    assert (finding.evidence["threshold_fen"], finding.evidence["total_fen"]) == (
        50 * WAN,
        60 * WAN,
    )


async def test_a_regional_setting_changes_the_threshold_judged(h: History) -> None:
    supplier = await h.supplier()
    lishui, changzhou = await h.unit(), await h.unit(CHANGZHOU)
    for unit in (lishui, changzhou):
        for month in (2, 6, 10):
            await h.order(unit, supplier, Line(PC, 80 * WAN), at=shanghai(month, 1))
    # Zhejiang raises its tender threshold; 丽水 inherits it, 常州 keeps the central one.
    await set_rule(h.db, "330000", SPLITTING, tender_threshold_fen=300 * WAN)

    found = {f.subject_id: f.evidence for f in await _split(h.db)}

    assert found[str(lishui.id)]["threshold_fen"] == 100 * WAN
    assert found[str(lishui.id)]["threshold_name"] == "网上直购限额"
    assert found[str(changzhou.id)]["threshold_fen"] == 200 * WAN


async def test_a_regional_prefix_length_sets_what_one_category_is(h: History) -> None:
    lishui, changzhou, supplier = await h.unit(), await h.unit(CHANGZHOU), await h.supplier()
    pcs = {}
    for unit in (lishui, changzhou):
        pcs[unit.id] = await h.order(unit, supplier, Line(PC, 60 * WAN), at=shanghai(2, 1))
        await h.order(unit, supplier, Line(LAPTOP, 60 * WAN), at=shanghai(9, 1))
    assert [f.scope[:13] for f in await _split(h.db)] == ["Y:A0201:2026:"] * 2

    # 丽水 counts 7 characters (A020101: computers), 江苏 9 (PCs and laptops apart).
    await set_rule(h.db, "331100", SPLITTING, category_prefix_length=7)
    await set_rule(h.db, "320000", SPLITTING, category_prefix_length=9)

    [finding] = await _split(h.db)
    assert finding.subject_id == str(lishui.id)
    assert finding.scope.startswith("Y:A020101:2026:")
    async with h.db.reader() as s:
        on_placement = await splitting.for_orders(s, await load_rule_book(s), [pcs[lishui.id].id])
    assert [f.scope for f in on_placement] == [finding.scope]


async def test_only_the_groups_of_the_given_orders_are_judged(h: History) -> None:
    unit, other, supplier = await h.unit(), await h.unit(), await h.supplier()
    pcs = [
        await h.order(unit, supplier, Line(PC, 80 * WAN), at=shanghai(month, 1)) for month in (2, 6)
    ]
    desks = [
        await h.order(unit, supplier, Line(DESK, 80 * WAN), at=shanghai(month, 1))
        for month in (3, 7)
    ]
    both = await h.order(
        unit, supplier, Line(PC, 20 * WAN), Line(DESK, 20 * WAN), at=shanghai(10, 1)
    )
    elsewhere = await h.order(other, supplier, Line(PC, 80 * WAN), at=shanghai(2, 1))
    await h.order(other, supplier, Line(PC, 80 * WAN), at=shanghai(8, 1))
    book = await _book(h.db)

    async def judged(*orders: Order) -> set[tuple[str, str]]:
        async with h.db.reader() as s:
            found = await splitting.for_orders(s, book, [o.id for o in orders])
        return {(f.subject_id, f.scope[:7]) for f in found}

    me, them = str(unit.id), str(other.id)
    assert await judged(pcs[0]) == {(me, "Y:A0201")}
    assert await judged(desks[1]) == {(me, "Y:A0501")}
    assert await judged(both) == {(me, "Y:A0201"), (me, "Y:A0501")}
    assert await judged(pcs[1], elsewhere) == {(me, "Y:A0201"), (them, "Y:A0201")}
    assert len(await _split(h.db)) == 3


def _group(*orders: tuple[datetime, int]) -> splitting.PurchaseGroup:
    spends = tuple(
        splitting.OrderSpend(i, f"YW{i}", at, amount) for i, (at, amount) in enumerate(orders)
    )
    return splitting.PurchaseGroup(1, "331102", OFFICE, "A0201", 2026, 100 * WAN, spends)


def _central(rule_code: str) -> RuleConfig:
    return RuleBook(()).config(rule_code, "331102")


def test_a_window_holds_orders_placed_less_than_its_days_apart() -> None:
    start = shanghai(3, 1)
    apart = _group((start, 60 * WAN), (start + timedelta(days=30), 60 * WAN))
    inside = _group((start, 60 * WAN), (start + timedelta(days=29, hours=23), 60 * WAN))

    assert {_kind(f) for f in splitting.evaluate(apart, _central(SPLITTING))} == {"Y"}
    assert {_kind(f) for f in splitting.evaluate(inside, _central(SPLITTING))} == {"Y", "W"}


def test_once_just_under_the_limit_is_not_repeatedly() -> None:
    once = _group((shanghai(3, 1), 99 * WAN), (shanghai(6, 1), 1 * WAN))
    central = _central(SPLITTING)
    config = replace(central, params={**central.params, "near_count": 1})

    assert splitting.evaluate(once, config) == []


def test_a_disabled_rule_finds_nothing_in_facts_that_break_it() -> None:
    group = _group((shanghai(3, 1), 80 * WAN), (shanghai(3, 2), 80 * WAN))
    numbers = ("YW1", "YW2", "YW3")
    spend = concentration.CategorySpend(
        1,
        "331102",
        "A0201",
        concentration.Quarter(2026, 4),
        (concentration.SupplierSpend(7, 90 * WAN, numbers),),
    )
    choice = concentration.SupplierChoice(
        concentration.Listing(supplier, PC, "331100", None) for supplier in (7, 8)
    )
    sme = policy_shares.SmeSpend(1, "331102", 2026, 100 * WAN, 0, 0, 3, 1, 0)
    food = policy_shares.FoodSpend(1, "331102", 2026, "A0706", "A07060105", 10 * WAN, 0, 2)
    judges: dict[str, Callable[[RuleConfig], list[Finding]]] = {
        SPLITTING: lambda config: splitting.evaluate(group, config),
        CONCENTRATION: lambda config: concentration.evaluate(spend, config, choice),
        SME: lambda config: policy_shares.evaluate_sme(sme, config),
        POVERTY: lambda config: policy_shares.evaluate_832(food, config),
    }
    for rule_code, judge in judges.items():
        assert judge(_central(rule_code)) != []
        assert judge(replace(_central(rule_code), enabled=False)) == []


# 供应商集中度


async def test_one_supplier_taking_most_of_a_units_category_in_a_quarter(h: History) -> None:
    unit, main, rival = await h.unit(), await h.supplier(), await h.supplier()
    for supplier in (main, rival):
        await h.listing(supplier, PC)
    mains = [
        await h.order(unit, main, Line(PC, 20 * WAN), at=shanghai(month, day))
        for month, day in ((10, 8), (10, 20), (11, 5), (12, 1))
    ]
    await h.order(unit, main, Line(PC, 50 * WAN), at=shanghai(9, 30, 23, 0))  # still Q3
    await h.order(
        unit,
        rival,
        Line(LAPTOP, 10 * WAN),
        Line(PC, 30 * WAN, passed=False),
        at=shanghai(10, 1, 0, 30),
    )

    [finding] = await _concentrated(h.db)

    assert finding.rule_code == CONCENTRATION
    assert (finding.subject_id, finding.supplier_id) == (str(unit.id), main.id)
    assert finding.scope == f"S{main.id}:A0201:2026Q4"
    evidence = finding.evidence
    assert (evidence["total_fen"], evidence["supplier_fen"]) == (90 * WAN, 80 * WAN)
    assert (evidence["share"], evidence["threshold"]) == ("88.89%", "50.00%")
    assert evidence["order_count"] == 5
    assert (evidence["period_from"], evidence["period_to"]) == ("2026-10-01", "2026-12-31")
    assert evidence["orders"] == sorted(_numbers(*mains))
    assert evidence["choosable_suppliers"] == sorted([main.id, rival.id])
    assert [s["amount_fen"] for s in evidence["by_supplier"]] == [80 * WAN, 10 * WAN]


async def test_no_concentration_when_no_other_supplier_could_be_chosen(h: History) -> None:
    unit, main, rival = await h.unit(), await h.supplier(), await h.supplier()
    await h.listing(main, PC)
    await h.listing(rival, PC, status=OfferStatus.OFF_SHELF)
    await h.listing(rival, DESK)  # listed, but in another category
    async with h.db.unit_of_work() as s:
        s.add(Region(code="331121", name="青田县", parent_code="331100", level=3))
    await h.listing(rival, LAPTOP, delivers_to=("331121",))  # but not to 莲都区
    for day in (5, 12, 19):
        await h.order(unit, main, Line(PC, 20 * WAN), at=shanghai(10, day))

    assert await _concentrated(h.db) == []


async def test_a_supplier_bought_from_was_a_choice_though_off_the_shelf_now(h: History) -> None:
    unit, main, rival = await h.unit(), await h.supplier(), await h.supplier()
    await h.listing(main, PC, status=OfferStatus.OFF_SHELF)
    await h.listing(rival, PC)
    for day in (5, 12, 19):
        await h.order(unit, main, Line(PC, 20 * WAN), at=shanghai(10, day))

    [finding] = await _concentrated(h.db)

    assert finding.evidence["choosable_suppliers"] == sorted([main.id, rival.id])
    assert finding.evidence["share"] == "100.00%"


async def test_spread_or_small_purchases_are_not_concentration(h: History) -> None:
    first, second = await h.supplier(), await h.supplier()
    for supplier in (first, second):
        await h.listing(supplier, PC)
    even = await h.unit()  # exactly half is not above half
    for supplier in (first, second):
        for day in (5, 12, 19):
            await h.order(even, supplier, Line(PC, 10 * WAN), at=shanghai(11, day))
    few = await h.unit()  # two orders are too few to judge
    for day in (5, 12):
        await h.order(few, first, Line(PC, 40 * WAN), at=shanghai(11, day))
    small = await h.unit()  # 3 万 is too little to judge
    for day in (5, 12, 19):
        await h.order(small, first, Line(PC, 1 * WAN), at=shanghai(11, day))

    assert await _concentrated(h.db) == []


async def test_a_regional_share_threshold_changes_concentration(h: History) -> None:
    unit, main, rival = await h.unit(), await h.supplier(), await h.supplier()
    for supplier in (main, rival):
        await h.listing(supplier, PC)
    for day in (5, 12, 19):
        await h.order(unit, main, Line(PC, 20 * WAN), at=shanghai(10, day))
    await h.order(unit, rival, Line(PC, 10 * WAN), at=shanghai(10, 26))
    assert len(await _concentrated(h.db)) == 1

    await set_rule(h.db, "331100", CONCENTRATION, share_bp=9000)

    assert await _concentrated(h.db) == []


async def test_a_quarter_is_one_to_four(db: Database) -> None:
    with pytest.raises(SupervisionError) as raised:
        await _concentrated(db, quarter=5)
    assert raised.value.code == SupervisionErrorCode.PERIOD_INVALID


# 中小企业预留份额


async def test_too_little_awarded_to_smes(h: History) -> None:
    unit = await h.unit()
    large, medium = await h.supplier(SupplierSize.LARGE), await h.supplier(SupplierSize.MEDIUM)
    small = await h.supplier(SupplierSize.SMALL)
    # Accepted at 35 of 40 万: the accepted amount is what was spent.
    await h.order(
        unit,
        large,
        Line(PC, 40 * WAN),
        at=shanghai(3, 1),
        state=OrderState.ACCEPTED,
        accepted_fen=35 * WAN,
    )
    await h.order(unit, large, Line(PC, 40 * WAN), at=shanghai(4, 1))
    await h.order(unit, large, Line(PC, 99 * WAN), at=shanghai(4, 2), state=OrderState.CANCELLED)
    await h.order(unit, medium, Line(DESK, 15 * WAN), at=shanghai(5, 1))
    await h.order(unit, small, Line(RICE, 5 * WAN), at=shanghai(6, 1))

    [finding] = [f for f in await _shares(h.db) if f.rule_code == SME]

    assert (finding.subject_id, finding.scope) == (str(unit.id), "SME:2026")
    evidence = finding.evidence
    assert evidence["shortfalls"] == ["SME", "SMALL_MICRO"]
    assert (evidence["eligible_fen"], evidence["sme_fen"]) == (95 * WAN, 20 * WAN)
    assert evidence["small_micro_fen"] == 5 * WAN
    assert (evidence["sme_share"], evidence["sme_threshold"]) == ("21.05%", "30.00%")
    assert evidence["small_micro_share_of_sme"] == "25.00%"
    assert (evidence["order_count"], evidence["supplier_count"]) == (4, 3)


async def test_enough_for_smes_but_too_little_for_small_and_micro(h: History) -> None:
    unit = await h.unit()
    large, medium = await h.supplier(SupplierSize.LARGE), await h.supplier(SupplierSize.MEDIUM)
    await h.order(unit, large, Line(PC, 60 * WAN), at=shanghai(3, 1))
    await h.order(unit, medium, Line(PC, 40 * WAN), at=shanghai(3, 2))

    [finding] = [f for f in await _shares(h.db) if f.rule_code == SME]

    assert finding.evidence["shortfalls"] == ["SMALL_MICRO"]
    assert finding.evidence["sme_share"] == "40.00%"
    assert finding.evidence["small_micro_share_of_sme"] == "0.00%"


async def test_normal_sme_shares_raise_nothing(h: History) -> None:
    large, medium = await h.supplier(SupplierSize.LARGE), await h.supplier(SupplierSize.MEDIUM)
    welfare = await h.supplier(None, welfare=True)  # 福利企业 count as small and micro
    shared = await h.unit()
    await h.order(shared, large, Line(PC, 60 * WAN), at=shanghai(3, 1))
    await h.order(shared, medium, Line(PC, 10 * WAN), at=shanghai(3, 2))
    await h.order(shared, welfare, Line(DESK, 30 * WAN), at=shanghai(3, 3))
    little = await h.unit()  # 5 万 is below the 10 万 worth judging
    await h.order(little, large, Line(PC, 5 * WAN), at=shanghai(3, 1))

    assert [f for f in await _shares(h.db) if f.rule_code == SME] == []


# 832


async def test_too_little_832_produce_in_the_canteens_food(h: History) -> None:
    unit, farm = await h.unit(), await h.supplier()
    await h.order(
        unit,
        farm,
        Line(RICE, 90 * WAN, passed=True),
        Line(PRODUCE_832, 5 * WAN),
        Line(PRODUCE_832, 10 * WAN, passed=False),  # failed acceptance: not bought
        Line(DESK, 50 * WAN),
        at=shanghai(4, 1),
    )

    [finding] = [f for f in await _shares(h.db) if f.rule_code == POVERTY]

    assert (finding.subject_id, finding.scope) == (str(unit.id), "832:2026")
    evidence = finding.evidence
    assert (evidence["food_fen"], evidence["poverty_fen"]) == (95 * WAN, 5 * WAN)
    assert (evidence["share"], evidence["threshold"]) == ("5.26%", "10.00%")
    assert (evidence["food_prefix"], evidence["poverty_prefix"]) == ("A0706", "A07060105")


async def test_normal_832_shares_raise_nothing(h: History) -> None:
    farm = await h.supplier()
    enough = await h.unit()
    await h.order(enough, farm, Line(RICE, 8 * WAN), Line(PRODUCE_832, 2 * WAN), at=shanghai(4, 1))
    little = await h.unit()  # 5,000 元 of food is below the 1 万 worth judging
    await h.order(little, farm, Line(RICE, WAN // 2), at=shanghai(4, 1))

    assert [f for f in await _shares(h.db) if f.rule_code == POVERTY] == []


async def test_a_province_raising_the_832_share_changes_the_outcome(h: History) -> None:
    farm = await h.supplier()
    lishui, changzhou = await h.unit(), await h.unit(CHANGZHOU)
    for unit in (lishui, changzhou):
        await h.order(
            unit, farm, Line(RICE, 8 * WAN), Line(PRODUCE_832, 2 * WAN), at=shanghai(4, 1)
        )
    await set_rule(h.db, "330000", POVERTY, share_bp=3000)

    [finding] = [f for f in await _shares(h.db) if f.rule_code == POVERTY]

    assert finding.subject_id == str(lishui.id)
    assert (finding.evidence["share"], finding.evidence["threshold"]) == ("20.00%", "30.00%")


# Every rule at once


async def _troubled_unit(h: History) -> tuple[Organisation, Organisation]:
    """A unit that breaks all four rules in 2026: splits PCs in October, all with one large
    supplier though another lists PCs, and buys its canteen's rice without any 832 produce."""
    unit = await h.unit()
    large, rival = await h.supplier(SupplierSize.LARGE), await h.supplier(SupplierSize.SMALL)
    for supplier in (large, rival):
        await h.listing(supplier, PC)
    for day in (5, 12, 19, 26):
        await h.order(unit, large, Line(PC, 30 * WAN), at=shanghai(10, day))
    await h.order(unit, large, Line(RICE, 5 * WAN), at=shanghai(11, 2))
    return unit, large


async def _everything(db: Database) -> list[Finding]:
    return await _split(db) + await _concentrated(db) + await _shares(db)


@pytest.mark.parametrize("rule_code", [SPLITTING, CONCENTRATION, SME, POVERTY])
async def test_a_disabled_rule_raises_nothing(h: History, rule_code: str) -> None:
    await _troubled_unit(h)
    every_rule = {SPLITTING, CONCENTRATION, SME, POVERTY}
    assert {f.rule_code for f in await _everything(h.db)} == every_rule

    await set_rule(h.db, "330000", rule_code, enabled=False)

    assert {f.rule_code for f in await _everything(h.db)} == every_rule - {rule_code}


async def test_splitting_judged_on_placement_is_off_where_disabled(h: History) -> None:
    unit, _ = await _troubled_unit(h)

    async def judged() -> list[Finding]:
        async with h.db.reader() as s:
            ids = list(await s.scalars(select(Order.id).where(Order.purchaser_id == unit.id)))
            return await splitting.for_orders(s, await load_rule_book(s), ids)

    assert sorted(_kind(f) for f in await judged()) == ["W", "Y"]
    await set_rule(h.db, "331102", SPLITTING, enabled=False)
    assert await judged() == []


async def test_raising_a_sweep_twice_keeps_one_warning_per_subject_and_scope(
    h: History, clock: FrozenClock
) -> None:
    unit, large = await _troubled_unit(h)
    findings = await _everything(h.db)
    assert sorted((f.rule_code, _kind(f)) for f in findings) == [
        (SPLITTING, "W"),
        (SPLITTING, "Y"),
        (POVERTY, "832"),
        (SME, "SME"),
        (CONCENTRATION, f"S{large.id}"),
    ]

    raised = []
    for sweep in (findings, await _everything(h.db)):
        async with h.db.unit_of_work() as s:
            book = await load_rule_book(s)
            raised.append(await raise_findings(s, sweep, book=book, clock=clock))
        clock.advance(timedelta(days=1))

    assert (len(raised[0]), raised[1]) == (5, [])
    async with h.db.reader() as s:
        rows = (await s.scalars(select(SupervisionWarning))).all()
    assert {(w.rule_code, w.subject_id, w.scope) for w in rows} == {
        (f.rule_code, str(unit.id), f.scope) for f in findings
    }
    assert len(rows) == 5
    assert {w.raised_at for w in rows} == {T0}
