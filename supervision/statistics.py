"""Regional statistics for supervisors (事后分析): what a region bought in a period and what it
saved, how much went to SMEs and to 832 produce, the warnings raised, who sold and bought the
most, and how long each step of an order took.

The period is whole days in Shanghai time, both ends included; the orders are those placed in
it whose region is in the requested region's subtree. A *live* order is neither cancelled nor
rejected. An order's *spend* is its accepted amount once accepted or paid (lines that failed
acceptance are not paid for), else its total. Money is integer fen; ratios are Decimals rounded
half up to 4 places (0.1333 is 13.33 %), None when their base is zero; durations are Decimal
days to 2 places, None when no order reached the step.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Forbidden, InvalidInput
from core.principal import OVERSEERS, Actor, Principal, Role
from identity import regions
from identity.service import require_region
from marketplace.comparison import policy_tags
from orders.models import OrderState
from supervision import statistics_queries as sql
from supervision.models import Level, WarningStatus

MAX_PERIOD_DAYS = 366
TOP = 10
_RATIO = Decimal("0.0001")
_DAYS = Decimal("0.01")
_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class OrderTotals:
    live_count: int
    live_fen: int
    cancelled_count: int
    rejected_count: int


@dataclass(frozen=True)
class BudgetExecution:
    """Changzhou's savings rate (节约率) = (budget − actual) / budget.

    budget: the amounts of the purchase plans of units in the region whose fiscal year overlaps
    the period and that at least one live order placed in the period drew on; actual: the spend
    of those orders.
    """

    plan_count: int
    budget_fen: int
    actual_fen: int
    savings_rate: Decimal | None


@dataclass(frozen=True)
class PriceSavings:
    """Savings against agreement ceilings = (Σ ceiling × quantity − Σ unit price × quantity) /
    Σ ceiling × quantity, over every line of the live orders (ceilings frozen at placement)."""

    ceiling_fen: int
    paid_fen: int
    rate: Decimal | None


@dataclass(frozen=True)
class PolicyShares:
    """政策功能: shares of live spend won by SMEs and by small and micro enterprises (as the
    mall's policy tags class suppliers), and the 832 share of canteen food: 832 lines' amounts /
    food lines' amounts, over live orders' lines not failed at acceptance."""

    spend_fen: int
    sme_fen: int
    small_micro_fen: int
    sme_share: Decimal | None
    small_micro_share: Decimal | None
    food_fen: int
    poverty_832_fen: int
    poverty_832_share: Decimal | None


@dataclass(frozen=True)
class RuleLevelCount:
    rule_code: str
    level: Level
    count: int


@dataclass(frozen=True)
class StatusCount:
    status: WarningStatus
    count: int


@dataclass(frozen=True)
class WarningCounts:
    """Warnings raised in the period in the region's subtree."""

    total: int
    by_rule: tuple[RuleLevelCount, ...]
    by_status: tuple[StatusCount, ...]  # every status, zeros included


@dataclass(frozen=True)
class RankedOrganisation:
    organisation_id: int
    name: str
    amount_fen: int
    order_count: int


@dataclass(frozen=True)
class StepTime:
    order_count: int
    average_days: Decimal | None


@dataclass(frozen=True)
class StepTimes:
    """Average days from placed to confirmed, confirmed to delivered, delivered to accepted and
    accepted to paid, over the orders placed in the period that reached the step."""

    to_confirm: StepTime
    to_deliver: StepTime
    to_accept: StepTime
    to_pay: StepTime


@dataclass(frozen=True)
class RegionStatistics:
    region_code: str
    start: date
    end: date
    orders: OrderTotals
    budget: BudgetExecution
    price_savings: PriceSavings
    policy: PolicyShares
    warnings: WarningCounts
    top_suppliers: tuple[RankedOrganisation, ...]
    top_purchasers: tuple[RankedOrganisation, ...]
    step_times: StepTimes


def require_reader(actor: Actor, region_code: str) -> Principal:
    """Supervisors and operators read the statistics of their own region and the regions below."""
    principal = actor.require(*OVERSEERS, Role.OPERATOR)
    if not regions.in_subtree(region_code, principal.region_code):
        raise Forbidden("只能查看本辖区及下级地区的统计")
    return principal


def check_period(start: date, end: date) -> None:
    if start > end:
        raise InvalidInput("统计起始日期不能晚于截止日期", field="from")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"统计期间最长 {MAX_PERIOD_DAYS} 天, 请缩短期间", field="from")


async def regional_statistics(
    session: AsyncSession, *, region_code: str, start: date, end: date
) -> RegionStatistics:
    check_period(start, end)
    await require_region(session, region_code, field="region")
    scope = sql.scope_of(region_code, start, end)
    orders = _order_totals(await sql.totals_by_state(session, scope))
    suppliers = await sql.spend_by_supplier(session, scope)
    lines = await sql.line_totals(session, scope)
    return RegionStatistics(
        region_code=region_code,
        start=start,
        end=end,
        orders=orders,
        budget=_budget(await sql.plan_totals(session, scope)),
        price_savings=_price_savings(lines),
        policy=_policy_shares(orders.live_fen, suppliers, lines),
        warnings=_warning_counts(await sql.warning_totals(session, scope)),
        top_suppliers=_ranked(suppliers[:TOP]),
        top_purchasers=_ranked(await sql.top_purchasers(session, scope, TOP)),
        step_times=_step_times(await sql.step_elapsed(session, scope)),
    )


def ratio(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATIO, rounding=ROUND_HALF_UP)


def _order_totals(totals: Sequence[sql.StateTotal]) -> OrderTotals:
    live = [t for t in totals if t.state not in sql.NOT_LIVE]
    by_state = {t.state: t.order_count for t in totals}
    return OrderTotals(
        live_count=sum(t.order_count for t in live),
        live_fen=sum(t.amount_fen for t in live),
        cancelled_count=by_state.get(OrderState.CANCELLED, 0),
        rejected_count=by_state.get(OrderState.REJECTED, 0),
    )


def _budget(plans: sql.PlanTotals) -> BudgetExecution:
    saved = plans.budget_fen - plans.actual_fen
    return BudgetExecution(
        plans.plan_count, plans.budget_fen, plans.actual_fen, ratio(saved, plans.budget_fen)
    )


def _price_savings(lines: sql.LineTotals) -> PriceSavings:
    saved = lines.ceiling_fen - lines.paid_fen
    return PriceSavings(lines.ceiling_fen, lines.paid_fen, ratio(saved, lines.ceiling_fen))


def _policy_shares(
    spend_fen: int, suppliers: Sequence[sql.Spend], lines: sql.LineTotals
) -> PolicyShares:
    sme = _spend_tagged(suppliers, "SME")
    small_micro = _spend_tagged(suppliers, "SMALL_MICRO")
    return PolicyShares(
        spend_fen=spend_fen,
        sme_fen=sme,
        small_micro_fen=small_micro,
        sme_share=ratio(sme, spend_fen),
        small_micro_share=ratio(small_micro, spend_fen),
        food_fen=lines.food_fen,
        poverty_832_fen=lines.poverty_832_fen,
        poverty_832_share=ratio(lines.poverty_832_fen, lines.food_fen),
    )


def _spend_tagged(suppliers: Sequence[sql.Spend], tag: str) -> int:
    return sum(s.amount_fen for s in suppliers if tag in policy_tags(s.organisation))


def _warning_counts(totals: Sequence[sql.WarningTotal]) -> WarningCounts:
    by_rule: dict[tuple[str, Level], int] = {}
    by_status = dict.fromkeys(WarningStatus, 0)
    for t in totals:
        by_rule[t.rule_code, t.level] = by_rule.get((t.rule_code, t.level), 0) + t.count
        by_status[t.status] += t.count
    return WarningCounts(
        total=sum(t.count for t in totals),
        by_rule=tuple(RuleLevelCount(rule, level, n) for (rule, level), n in by_rule.items()),
        by_status=tuple(StatusCount(status, n) for status, n in by_status.items()),
    )


def _ranked(spends: Sequence[sql.Spend]) -> tuple[RankedOrganisation, ...]:
    return tuple(
        RankedOrganisation(s.organisation.id, s.organisation.name, s.amount_fen, s.order_count)
        for s in spends
    )


def _step_times(elapsed: Sequence[sql.Elapsed]) -> StepTimes:
    confirm, deliver, accept, pay = (_step_time(e) for e in elapsed)
    return StepTimes(to_confirm=confirm, to_deliver=deliver, to_accept=accept, to_pay=pay)


def _step_time(elapsed: sql.Elapsed) -> StepTime:
    if elapsed.order_count == 0:
        return StepTime(0, None)
    days = Decimal(elapsed.seconds) / (elapsed.order_count * _SECONDS_PER_DAY)
    return StepTime(elapsed.order_count, days.quantize(_DAYS, rounding=ROUND_HALF_UP))
