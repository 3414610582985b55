"""The aggregate SQL behind the regional statistics: one GROUP BY per figure, never a row per
order, written once for SQLite and PostgreSQL."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.clock import SHANGHAI
from identity import regions
from identity.models import Organisation
from orders.models import Order, OrderLine, OrderState, PurchasePlan
from supervision.catalogue import BY_CODE
from supervision.models import Level, SupervisionWarning, WarningStatus

NOT_LIVE = (OrderState.CANCELLED, OrderState.REJECTED)
_SETTLED = (OrderState.ACCEPTED, OrderState.PAID)


def _central_prefix(name: str) -> str:
    # The 832 rule's own defaults, so the statistic and the warning count the same lines.
    value = BY_CODE["POVERTY_832_SHORTFALL"].param(name).default
    assert isinstance(value, str)
    return value


FOOD_PREFIX = _central_prefix("food_prefix")
POVERTY_832_PREFIX = _central_prefix("poverty_prefix")


@dataclass(frozen=True)
class Scope:
    """A region's subtree over whole Shanghai days, as the half-open UTC interval they cover."""

    region_prefix: str
    since: datetime
    before: datetime
    first_year: int
    last_year: int


def scope_of(region_code: str, start: date, end: date) -> Scope:
    return Scope(
        region_prefix=regions.subtree_prefix(region_code),
        since=datetime.combine(start, time(), SHANGHAI),
        before=datetime.combine(end + timedelta(days=1), time(), SHANGHAI),
        first_year=start.year,
        last_year=end.year,
    )


def _in_region(column: InstrumentedAttribute[str], scope: Scope) -> ColumnElement[bool]:
    return column.startswith(scope.region_prefix, autoescape=True)


def _placed_in(scope: Scope) -> ColumnElement[bool]:
    return and_(
        _in_region(Order.region_code, scope),
        Order.placed_at >= scope.since,
        Order.placed_at < scope.before,
    )


def _live_in(scope: Scope) -> ColumnElement[bool]:
    return and_(_placed_in(scope), Order.state.not_in(NOT_LIVE))


# What an order cost: the accepted amount once accepted (failed lines are not paid), else its total.
SPEND = case(
    (Order.state.in_(_SETTLED), func.coalesce(Order.accepted_fen, Order.total_fen)),
    else_=Order.total_fen,
)


def fen(value: Any) -> int:
    """A SUM of fen as an int: NULL over no rows is 0, and PostgreSQL sums BIGINT as NUMERIC."""
    return int(value or 0)


@dataclass(frozen=True)
class StateTotal:
    state: OrderState
    order_count: int
    amount_fen: int


async def totals_by_state(session: AsyncSession, scope: Scope) -> list[StateTotal]:
    query = (
        select(Order.state, func.count(), func.sum(SPEND))
        .where(_placed_in(scope))
        .group_by(Order.state)
    )
    rows = await session.execute(query)
    return [StateTotal(state, count, fen(amount)) for state, count, amount in rows]


@dataclass(frozen=True)
class Spend:
    organisation: Organisation
    order_count: int
    amount_fen: int


def _spend_by(party: InstrumentedAttribute[int], scope: Scope) -> Select[Organisation, int, Any]:
    amount = func.sum(SPEND)
    return (
        select(Organisation, func.count(Order.id), amount)
        .join(Order, party == Organisation.id)
        .where(_live_in(scope))
        .group_by(Organisation.id)
        .order_by(amount.desc(), Organisation.id)
    )


async def spend_by_supplier(session: AsyncSession, scope: Scope) -> list[Spend]:
    """Every supplier that sold in the scope, biggest first (their policy status is needed)."""
    rows = await session.execute(_spend_by(Order.supplier_id, scope))
    return [Spend(org, count, fen(amount)) for org, count, amount in rows]


async def top_purchasers(session: AsyncSession, scope: Scope, limit: int) -> list[Spend]:
    rows = await session.execute(_spend_by(Order.purchaser_id, scope).limit(limit))
    return [Spend(org, count, fen(amount)) for org, count, amount in rows]


@dataclass(frozen=True)
class PlanTotals:
    plan_count: int
    budget_fen: int
    actual_fen: int


async def plan_totals(session: AsyncSession, scope: Scope) -> PlanTotals:
    """Plans of the region's units for an overlapping fiscal year that the live orders drew on."""
    per_plan = (
        select(PurchasePlan.amount_fen.label("budget"), func.sum(SPEND).label("actual"))
        .join(Order, Order.plan_id == PurchasePlan.id)
        .join(Organisation, Organisation.id == PurchasePlan.organisation_id)
        .where(
            _live_in(scope),
            _in_region(Organisation.region_code, scope),
            PurchasePlan.fiscal_year.between(scope.first_year, scope.last_year),
        )
        .group_by(PurchasePlan.id, PurchasePlan.amount_fen)
        .subquery()
    )
    query = select(func.count(), func.sum(per_plan.c.budget), func.sum(per_plan.c.actual))
    count, budget, actual = (await session.execute(query)).one()
    return PlanTotals(count, fen(budget), fen(actual))


@dataclass(frozen=True)
class LineTotals:
    ceiling_fen: int
    paid_fen: int
    food_fen: int
    poverty_832_fen: int


def _sum_where(condition: ColumnElement[bool], value: Any) -> Any:
    return func.sum(case((condition, value), else_=0))


async def line_totals(session: AsyncSession, scope: Scope) -> LineTotals:
    """Over the live orders' lines: ceilings and prices of all, food and 832 of those not failed
    at acceptance."""
    kept = OrderLine.acceptance_passed.is_not(False)
    food = and_(kept, OrderLine.category_code.startswith(FOOD_PREFIX, autoescape=True))
    poverty = and_(kept, OrderLine.category_code.startswith(POVERTY_832_PREFIX, autoescape=True))
    query = (
        select(
            func.sum(OrderLine.ceiling_fen * OrderLine.quantity),
            func.sum(OrderLine.unit_price_fen * OrderLine.quantity),
            _sum_where(food, OrderLine.amount_fen),
            _sum_where(poverty, OrderLine.amount_fen),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(_live_in(scope))
    )
    ceiling, paid, food_fen, poverty_fen = (await session.execute(query)).one()
    return LineTotals(fen(ceiling), fen(paid), fen(food_fen), fen(poverty_fen))


@dataclass(frozen=True)
class WarningTotal:
    rule_code: str
    level: Level
    status: WarningStatus
    count: int


async def warning_totals(session: AsyncSession, scope: Scope) -> list[WarningTotal]:
    columns = (SupervisionWarning.rule_code, SupervisionWarning.level, SupervisionWarning.status)
    query = (
        select(*columns, func.count())
        .where(
            _in_region(SupervisionWarning.region_code, scope),
            SupervisionWarning.raised_at >= scope.since,
            SupervisionWarning.raised_at < scope.before,
        )
        .group_by(*columns)
        .order_by(*columns)
    )
    rows = await session.execute(query)
    return [WarningTotal(rule, level, status, count) for rule, level, status, count in rows]


@dataclass(frozen=True)
class Elapsed:
    """Whole seconds summed over the orders that reached a step, and how many did."""

    seconds: int
    order_count: int


_STEPS = (
    (Order.placed_at, Order.confirmed_at),
    (Order.confirmed_at, Order.delivered_at),
    (Order.delivered_at, Order.accepted_at),
    (Order.accepted_at, Order.paid_at),
)


async def step_elapsed(session: AsyncSession, scope: Scope) -> list[Elapsed]:
    """Placed→confirmed, confirmed→delivered, delivered→accepted, accepted→paid, over every order
    placed in the scope (a step an order reached counts even if it was cancelled later)."""
    dialect = session.get_bind().dialect.name
    spans = [_seconds(since, dialect, until) for since, until in _STEPS]
    aggregates = [part for span in spans for part in (func.sum(span), func.count(span))]
    row = (await session.execute(select(*aggregates).where(_placed_in(scope)))).one()
    return [Elapsed(fen(row[i]), row[i + 1]) for i in range(0, len(aggregates), 2)]


def _seconds(
    since: InstrumentedAttribute[Any], dialect: str, until: InstrumentedAttribute[Any]
) -> Any:
    # NULL when either end is missing, so SUM and COUNT skip orders that never got there.
    return _epoch(until, dialect) - _epoch(since, dialect)


def _epoch(column: InstrumentedAttribute[Any], dialect: str) -> Any:
    if dialect == "postgresql":
        return cast(func.floor(extract("epoch", column)), BigInteger)
    # SQLite keeps UTC timestamps as text; strftime('%s') reads them as whole UTC seconds.
    return cast(func.strftime("%s", column), Integer)
