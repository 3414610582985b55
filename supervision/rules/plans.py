"""OVER_PLAN: the live orders charged to a purchase plan add up to more than the plan holds.

Placement reserves plan money under a guard, so this should never fire; it is the after-the-fact
audit that proves the guard held (and catches a plan whose amount was cut after the orders)."""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from orders.models import Order, OrderState, PurchasePlan
from supervision.models import SubjectType
from supervision.rules.prices import yuan
from supervision.settings import RuleBook
from supervision.warnings import Finding

NOT_SPEND = (OrderState.CANCELLED, OrderState.REJECTED)


@dataclass(frozen=True)
class PlanUse:
    plan: PurchasePlan
    region_code: str
    committed_fen: int
    orders: int


async def plan_uses(session: AsyncSession, plan_ids: Collection[int] | None) -> list[PlanUse]:
    spend = func.sum(func.coalesce(Order.accepted_fen, Order.total_fen))
    query = (
        select(PurchasePlan, func.min(Order.region_code), spend, func.count(Order.id))
        .join(Order, Order.plan_id == PurchasePlan.id)
        .where(Order.state.not_in(NOT_SPEND))
        .group_by(PurchasePlan.id)
    )
    if plan_ids is not None:
        query = query.where(PurchasePlan.id.in_(sorted(plan_ids)))
    rows = await session.execute(query)
    return [PlanUse(plan, region, int(total or 0), int(n)) for plan, region, total, n in rows]


def over_plan(use: PlanUse, book: RuleBook) -> Finding | None:
    plan = use.plan
    if use.committed_fen <= plan.amount_fen:
        return None
    if not book.config("OVER_PLAN", use.region_code).enabled:
        return None
    return Finding(
        rule_code="OVER_PLAN",
        subject_type=SubjectType.UNIT,
        subject_id=str(plan.organisation_id),
        scope=f"P{plan.id}",
        region_code=use.region_code,
        title=f"采购计划 {plan.code} 下的订单合计 {yuan(use.committed_fen)} 超过计划金额",
        evidence={
            "plan": {"id": plan.id, "code": plan.code, "name": plan.name},
            "plan_amount_fen": plan.amount_fen,
            "plan_amount": yuan(plan.amount_fen),
            "committed_fen": use.committed_fen,
            "committed": yuan(use.committed_fen),
            "orders": use.orders,
        },
        purchaser_id=plan.organisation_id,
    )
