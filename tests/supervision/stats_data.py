"""A region to take statistics of, inserted row by row: 丽水市 with unit A in 莲都区 and unit B in
青田县, unit X in 常州天宁区 outside it; a small, a medium, a large and a disabled-welfare
supplier; purchase plans; orders in every state around October 2026 (Shanghai time), with lines
of computers and canteen food (832 produce among it); and supervision warnings."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI
from core.db import Database
from core.principal import Role
from identity.models import Organisation, OrganisationKind, Region, SupplierSize
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.models import Offer, Product
from orders.models import Checkout, Order, OrderLine, OrderState, PlanStatus, PurchasePlan
from supervision.models import Level, SubjectType, SupervisionWarning, WarningStatus
from tests import factories
from tests.factories import T0

CITY = "331100"  # 丽水市
COUNTY_A = "331102"  # 莲都区
COUNTY_B = "331121"  # 青田县, added here
OUTSIDE = "320402"  # 常州市天宁区

PC = "A02010104"  # 台式计算机
RICE = "A07060101"  # 大米: canteen food, not 832
PRODUCE_832 = "A07060105"  # 农副产品 (扶贫832)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
_numbers = count(1)


def shanghai(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Line:
    category: str
    quantity: int
    unit_price_fen: int
    ceiling_fen: int
    passed: bool | None = None


@dataclass(frozen=True)
class OrderSpec:
    """`steps`: time from placed to confirmed, then to delivered, to accepted, to paid."""

    key: str
    unit: str
    supplier: str
    plan: str
    state: OrderState
    placed: datetime
    lines: tuple[Line, ...]
    accepted_fen: int | None = None
    steps: tuple[timedelta, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    key: str
    unit: str
    amount_fen: int
    fiscal_year: int = 2026


@dataclass(frozen=True)
class WarningSpec:
    rule_code: str
    level: Level
    status: WarningStatus
    region: str
    raised: datetime


UNITS = {"A": COUNTY_A, "B": COUNTY_B, "X": OUTSIDE}
SUPPLIERS: dict[str, dict[str, object]] = {
    "small": {"supplier_size": SupplierSize.SMALL},
    "medium": {"supplier_size": SupplierSize.MEDIUM},
    "large": {"supplier_size": SupplierSize.LARGE},
    # 福利企业 count as small and micro whatever their size (财库〔2020〕46号).
    "welfare": {"supplier_size": None, "is_disabled_welfare": True},
}

PLANS = (
    PlanSpec("A", "A", 2_000_000),
    PlanSpec("B", "B", 1_000_000),
    PlanSpec("A-2025", "A", 300_000, fiscal_year=2025),
    PlanSpec("A-idle", "A", 800_000),  # no order at all
    PlanSpec("A-dead", "A", 400_000),  # only a cancelled and a rejected order
    PlanSpec("X", "X", 5_000_000),  # outside the region
)

ORDERS = (
    OrderSpec(
        "O1",
        "A",
        "small",
        "A",
        OrderState.PAID,
        shanghai(10, 10),
        (Line(PC, 2, 45_000, 50_000, passed=True), Line(PRODUCE_832, 1, 10_000, 12_000, False)),
        accepted_fen=90_000,
        steps=(DAY, 3 * DAY, 2 * DAY, 5 * DAY),
    ),
    OrderSpec(
        "O2",
        "B",
        "medium",
        "B",
        OrderState.ACCEPTED,
        shanghai(10, 15),
        (Line(PRODUCE_832, 100, 1_000, 1_200, True), Line(RICE, 20, 5_000, 5_000, True)),
        accepted_fen=200_000,
        steps=(12 * HOUR, 2 * DAY, DAY),
    ),
    OrderSpec(
        "O3",
        "A",
        "large",
        "A",
        OrderState.CONFIRMED,
        shanghai(10, 31, 23, 30),  # 15:30 UTC: still October in Shanghai
        (Line(PC, 6, 50_000, 50_000),),
        steps=(2 * DAY,),
    ),
    OrderSpec(
        "O4",
        "B",
        "welfare",
        "B",
        OrderState.PLACED,
        shanghai(10, 1, 0, 5),  # 30 September 16:05 UTC: already October in Shanghai
        (Line(PRODUCE_832, 50, 1_000, 1_000),),
    ),
    OrderSpec(
        "O5",
        "A",
        "small",
        "A-dead",
        OrderState.CANCELLED,
        shanghai(10, 12),
        (Line(PRODUCE_832, 70, 1_000, 1_000),),
        steps=(6 * HOUR,),  # confirmed, then cancelled
    ),
    OrderSpec(
        "O6",
        "A",
        "small",
        "A-dead",
        OrderState.REJECTED,
        shanghai(10, 13),
        (Line(PC, 1, 40_000, 50_000),),
    ),
    OrderSpec(
        "O7",
        "X",
        "small",
        "X",
        OrderState.PAID,
        shanghai(10, 20),
        (Line(PC, 10, 50_000, 60_000, True),),
        accepted_fen=500_000,
        steps=(10 * DAY, 10 * DAY, 10 * DAY, 10 * DAY),
    ),
    OrderSpec(
        "O8",
        "A",
        "small",
        "A",
        OrderState.CONFIRMED,
        shanghai(11, 1, 0, 10),  # 31 October 16:10 UTC: November in Shanghai
        (Line(PC, 1, 30_000, 50_000),),
        steps=(20 * DAY,),
    ),
    OrderSpec(
        "O9",
        "A",
        "small",
        "A",
        OrderState.PLACED,
        shanghai(9, 30, 23, 50),
        (Line(PC, 1, 20_000, 50_000),),
    ),
    OrderSpec(
        "O10",
        "A",
        "medium",
        "A-2025",
        OrderState.DELIVERED,
        shanghai(10, 20),
        (Line(PC, 3, 20_000, 25_000),),
        steps=(36 * HOUR, 4 * DAY + HOUR),
    ),
)

WARNINGS = (
    WarningSpec("PRICE_OVER_CEILING", Level.RED, WarningStatus.OPEN, COUNTY_A, shanghai(10, 5)),
    WarningSpec(
        "PRICE_OVER_CEILING",
        Level.RED,
        WarningStatus.RESOLVED,
        COUNTY_B,
        shanghai(10, 31, 23, 30),
    ),
    WarningSpec("CONFIRM_LATE", Level.YELLOW, WarningStatus.OPEN, COUNTY_A, shanghai(10, 20)),
    # A region that raised the rule's level to orange.
    WarningSpec(
        "PRICE_OVER_CEILING", Level.ORANGE, WarningStatus.ACKNOWLEDGED, COUNTY_B, shanghai(10, 7)
    ),
    WarningSpec("PRICE_OVER_CEILING", Level.RED, WarningStatus.OPEN, OUTSIDE, shanghai(10, 9)),
    WarningSpec("CONFIRM_LATE", Level.YELLOW, WarningStatus.OPEN, CITY, shanghai(11, 1, 0, 10)),
)


@dataclass
class StatsWorld:
    db: Database
    units: dict[str, Organisation]
    suppliers: dict[str, Organisation]
    plans: dict[str, PurchasePlan] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    offers: dict[tuple[str, str], Offer] = field(default_factory=dict)
    buyer_ids: dict[str, int] = field(default_factory=dict)
    agreement_id: int = 0


async def build(db: Database) -> StatsWorld:
    """The whole region, with every order, plan and warning above."""
    await _regions(db)
    world = StatsWorld(db, units={}, suppliers={})
    for key, region in UNITS.items():
        await add_unit(world, key, region)
    for key, size in SUPPLIERS.items():
        await add_supplier(world, key, size)
    world.agreement_id = await _agreement(db)
    for plan in PLANS:
        await add_plan(world, plan)
    await add_orders(world, ORDERS)
    await add_warnings(db, WARNINGS)
    return world


async def add_unit(world: StatsWorld, key: str, region: str) -> None:
    buyer = await factories.member(world.db, Role.PURCHASER, region=region)
    world.units[key] = buyer.organisation
    world.buyer_ids[key] = buyer.user.id


async def add_supplier(world: StatsWorld, key: str, size: dict[str, object]) -> None:
    org = Organisation(
        kind=OrganisationKind.SUPPLIER,
        name=f"供应商-{key}",
        region_code=COUNTY_A,
        credit_code=factories.credit_code(COUNTY_A),
        created_at=T0,
        **size,
    )
    async with world.db.unit_of_work() as s:
        s.add(org)
    world.suppliers[key] = org


async def add_plan(world: StatsWorld, spec: PlanSpec) -> None:
    plan = PurchasePlan(
        organisation_id=world.units[spec.unit].id,
        code=f"JH-{spec.key}",
        name=f"计划 {spec.key}",
        fiscal_year=spec.fiscal_year,
        category_code="A",
        amount_fen=spec.amount_fen,
        reserved_fen=0,
        consumed_fen=0,
        fund_source="一般公共预算",
        budget_item="办公费",
        status=PlanStatus.ACTIVE,
        created_at=T0,
    )
    async with world.db.unit_of_work() as s:
        s.add(plan)
    world.plans[spec.key] = plan


async def add_orders(world: StatsWorld, specs: tuple[OrderSpec, ...]) -> None:
    for spec in specs:
        lines = [(line, await _offer(world, spec.supplier, line.category)) for line in spec.lines]
        async with world.db.unit_of_work() as s:
            world.orders[spec.key] = await _order(s, world, spec, lines)


async def add_warnings(db: Database, specs: tuple[WarningSpec, ...]) -> None:
    async with db.unit_of_work() as s:
        for spec in specs:
            s.add(
                SupervisionWarning(
                    rule_code=spec.rule_code,
                    level=spec.level,
                    status=spec.status,
                    subject_type=SubjectType.ORDER,
                    subject_id=str(next(_numbers)),
                    region_code=spec.region,
                    title=f"{spec.rule_code} 测试预警",
                    evidence={},
                    raised_at=spec.raised,
                    updated_at=spec.raised,
                )
            )


async def _regions(db: Database) -> None:
    await factories.regions(db)
    async with db.unit_of_work() as s:
        if await s.get(Region, COUNTY_B) is None:
            s.add(Region(code=COUNTY_B, name="青田县", parent_code=CITY, level=3))


async def _agreement(db: Database) -> int:
    operator = await factories.organisation(db, OrganisationKind.OPERATOR, region=CITY)
    agreement = Agreement(
        code="LS-2026-STATS",
        title="丽水市2026年统计测试框架协议",
        kind=AgreementKind.CLOSED,
        scope=ProcurementScope.GOODS,
        operator_id=operator.id,
        region_code=CITY,
        status=AgreementStatus.ACTIVE,
        selection_method=SelectionMethod.DIRECT_SELECTION,
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        created_at=T0,
        updated_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(agreement)
    return agreement.id


async def _offer(world: StatsWorld, supplier: str, category: str) -> Offer:
    if category not in world.products:
        path = await factories.category_path(world.db, category, name=f"品目{category}")
        world.products[category] = await factories.product(world.db, path)
    key = (supplier, category)
    if key not in world.offers:
        world.offers[key] = await factories.offer(
            world.db, world.products[category], world.suppliers[supplier]
        )
    return world.offers[key]


async def _order(
    s: AsyncSession, world: StatsWorld, spec: OrderSpec, lines: list[tuple[Line, Offer]]
) -> Order:
    unit = world.units[spec.unit]
    plan = world.plans[spec.plan]
    total = sum(line.quantity * line.unit_price_fen for line, _ in lines)
    checkout = Checkout(
        organisation_id=unit.id,
        user_id=world.buyer_ids[spec.unit],
        plan_id=plan.id,
        total_fen=total,
        placed_at=spec.placed,
    )
    s.add(checkout)
    await s.flush()
    order = Order(
        number=f"YW-STATS-{next(_numbers):06d}",
        checkout_id=checkout.id,
        purchaser_id=unit.id,
        buyer_user_id=world.buyer_ids[spec.unit],
        supplier_id=world.suppliers[spec.supplier].id,
        agreement_id=world.agreement_id,
        plan_id=plan.id,
        region_code=unit.region_code,
        state=spec.state,
        total_fen=total,
        plan_reserved_fen=total,
        accepted_fen=spec.accepted_fen,
        delivery_address="丽水市莲都区人民街 1 号",
        contact_name="王老师",
        contact_phone="0578-2123456",
        placed_at=spec.placed,
        confirm_due_at=spec.placed + DAY,
        updated_at=spec.placed,
        **_step_times(spec),
    )
    s.add(order)
    await s.flush()
    s.add_all(_line_row(order, line, offer) for line, offer in lines)
    return order


def _step_times(spec: OrderSpec) -> dict[str, datetime]:
    names = ("confirmed_at", "delivered_at", "accepted_at", "paid_at")
    times: dict[str, datetime] = {}
    at = spec.placed
    for name, step in zip(names, spec.steps, strict=False):
        at += step
        times[name] = at
    if "delivered_at" in times:
        times["shipped_at"] = times["delivered_at"]
    return times


def _line_row(order: Order, line: Line, offer: Offer) -> OrderLine:
    return OrderLine(
        order_id=order.id,
        offer_id=offer.id,
        product_id=offer.product_id,
        category_code=line.category,
        name=f"商品 {line.category}",
        brand="测试",
        model="T1",
        unit="件",
        quantity=line.quantity,
        unit_price_fen=line.unit_price_fen,
        amount_fen=line.quantity * line.unit_price_fen,
        ceiling_fen=line.ceiling_fen,
        market_rule="LOWEST",
        market_reference_fen=None,
        market_prices=[],
        priced_at=order.placed_at,
        acceptance_passed=line.passed,
    )
