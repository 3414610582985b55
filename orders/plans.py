"""Purchase plans (采购计划): no budget, no purchase.

Money moves between three buckets with single guarded UPDATEs, so concurrent orders can
never reserve more than a plan holds: available → reserved (placed) → consumed (paid), and
reserved → available again when an order is cancelled or rejected.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock, local_today
from core.errors import Forbidden, InvalidInput, NotFound
from core.money import fen_to_yuan
from core.principal import OVERSEERS, Actor, Principal, Role
from identity import regions
from identity.directory import in_region
from identity.models import Organisation, OrganisationKind
from identity.service import require_organisation
from marketplace.catalogue import require_category_by_code
from orders.errors import OrderError, OrderErrorCode
from orders.models import PlanStatus, PurchasePlan


@dataclass(frozen=True)
class PlanDraft:
    organisation_id: int
    code: str
    name: str
    fiscal_year: int
    category_code: str
    amount_fen: int
    fund_source: str
    budget_item: str


def available_fen(plan: PurchasePlan) -> int:
    return plan.amount_fen - plan.reserved_fen - plan.consumed_fen


async def create_plan(
    session: AsyncSession, draft: PlanDraft, *, actor: Actor, clock: Clock
) -> PurchasePlan:
    """A unit's own purchasers, or an operator for a unit in its region, enter a plan."""
    principal = actor.require(Role.PURCHASER, Role.OPERATOR)
    unit = await require_organisation(session, draft.organisation_id)
    _require_may_plan_for(principal, unit)
    _check_draft(draft, clock)
    await require_category_by_code(session, draft.category_code, field="categoryCode")
    clash = await session.scalar(
        select(PurchasePlan.id).where(
            PurchasePlan.organisation_id == unit.id, PurchasePlan.code == draft.code.strip()
        )
    )
    if clash is not None:
        raise InvalidInput(f"本单位已有计划编号 {draft.code}", field="code")
    plan = PurchasePlan(
        organisation_id=unit.id,
        code=draft.code.strip(),
        name=draft.name.strip(),
        fiscal_year=draft.fiscal_year,
        category_code=draft.category_code,
        amount_fen=draft.amount_fen,
        reserved_fen=0,
        consumed_fen=0,
        fund_source=draft.fund_source.strip(),
        budget_item=draft.budget_item.strip(),
        status=PlanStatus.ACTIVE,
        created_by_user_id=principal.user_id,
        created_at=clock.now(),
    )
    session.add(plan)
    await session.flush()
    write_audit(
        session,
        actor,
        "purchase_plan.create",
        clock=clock,
        target_type="PurchasePlan",
        target_id=str(plan.id),
        details={"code": plan.code, "amountFen": plan.amount_fen},
    )
    return plan


def _require_may_plan_for(principal: Principal, unit: Organisation) -> None:
    if unit.kind != OrganisationKind.PURCHASING_UNIT:
        raise InvalidInput("采购计划只能属于采购单位", field="organisationId")
    if principal.role == Role.PURCHASER and unit.id != principal.organisation_id:
        raise Forbidden("只能为本单位录入采购计划")
    if principal.role == Role.OPERATOR and not regions.in_subtree(
        unit.region_code, principal.region_code
    ):
        raise Forbidden("只能为本辖区的采购单位录入采购计划")


def _check_draft(draft: PlanDraft, clock: Clock) -> None:
    this_year = local_today(clock).year
    if not 1 <= len(draft.code.strip()) <= 32:
        raise InvalidInput("计划编号长度须为 1 到 32", field="code")
    if not 1 <= len(draft.name.strip()) <= 128:
        raise InvalidInput("计划名称长度须为 1 到 128", field="name")
    if draft.fiscal_year not in (this_year, this_year + 1):
        raise InvalidInput(f"预算年度只能是 {this_year} 或 {this_year + 1}", field="fiscalYear")
    if draft.amount_fen <= 0:
        raise InvalidInput("计划金额须大于零", field="amount")
    for value, name, label in (
        (draft.fund_source, "fundSource", "资金来源"),
        (draft.budget_item, "budgetItem", "预算项目"),
    ):
        if not 1 <= len(value.strip()) <= 64:
            raise InvalidInput(f"{label}长度须为 1 到 64", field=name)


async def require_plan(session: AsyncSession, plan_id: int) -> PurchasePlan:
    plan = await session.get(PurchasePlan, plan_id)
    if plan is None:
        raise NotFound("采购计划", plan_id, field="planId")
    return plan


def visible_plans(principal: Principal) -> ColumnElement[bool]:
    if principal.role == Role.PURCHASER:
        return PurchasePlan.organisation_id == principal.organisation_id
    if principal.role in (Role.OPERATOR, *OVERSEERS):
        units = select(Organisation.id).where(
            in_region(Organisation.region_code, principal.region_code)
        )
        return PurchasePlan.organisation_id.in_(units)
    return ~true()


async def visible_by_ids(
    session: AsyncSession, principal: Principal, ids: list[int]
) -> dict[int, PurchasePlan]:
    query = select(PurchasePlan).where(PurchasePlan.id.in_(ids), visible_plans(principal))
    return {plan.id: plan for plan in (await session.scalars(query)).all()}


async def list_plans(
    session: AsyncSession, actor: Actor, *, fiscal_year: int | None
) -> list[PurchasePlan]:
    principal = actor.require(Role.PURCHASER, Role.OPERATOR, *OVERSEERS)
    query = select(PurchasePlan).where(visible_plans(principal))
    if fiscal_year is not None:
        query = query.where(PurchasePlan.fiscal_year == fiscal_year)
    return list((await session.scalars(query.order_by(PurchasePlan.id).limit(500))).all())


def check_plan_covers(
    plan: PurchasePlan | None,
    *,
    organisation_id: int,
    fiscal_year: int,
    category_codes: set[str],
    amount_fen: int,
) -> None:
    """The placement-time checks, before anything is written."""
    if plan is None or plan.organisation_id != organisation_id:
        raise OrderError(OrderErrorCode.NO_PLAN, "请选择本单位的采购计划", field="planId")
    if plan.status != PlanStatus.ACTIVE or plan.fiscal_year != fiscal_year:
        raise OrderError(
            OrderErrorCode.PLAN_NOT_APPLICABLE,
            f"采购计划 {plan.code} 不是 {fiscal_year} 年度的有效计划",
            field="planId",
        )
    outside = sorted(c for c in category_codes if not c.startswith(plan.category_code))
    if outside:
        raise OrderError(
            OrderErrorCode.PLAN_NOT_APPLICABLE,
            f"采购计划 {plan.code} 的品目 {plan.category_code} 不包括品目 {'、'.join(outside)}",
            field="planId",
        )
    if amount_fen > available_fen(plan):
        raise _insufficient(plan, available_fen(plan), amount_fen)


def _insufficient(plan: PurchasePlan, available: int, wanted: int) -> OrderError:
    return OrderError(
        OrderErrorCode.PLAN_INSUFFICIENT,
        f"采购计划 {plan.code} 可用金额 {fen_to_yuan(available)} 元, 不足 {fen_to_yuan(wanted)} 元",
        field="planId",
    )


async def reserve(session: AsyncSession, plan: PurchasePlan, amount_fen: int) -> None:
    result = await session.execute(
        update(PurchasePlan)
        .where(
            PurchasePlan.id == plan.id,
            PurchasePlan.amount_fen - PurchasePlan.reserved_fen - PurchasePlan.consumed_fen
            >= amount_fen,
        )
        .values(reserved_fen=PurchasePlan.reserved_fen + amount_fen)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.refresh(plan)
        raise _insufficient(plan, available_fen(plan), amount_fen)


async def release(session: AsyncSession, plan_id: int, amount_fen: int) -> None:
    if amount_fen:
        await session.execute(
            update(PurchasePlan)
            .where(PurchasePlan.id == plan_id)
            .values(reserved_fen=PurchasePlan.reserved_fen - amount_fen)
            .execution_options(synchronize_session=False)
        )


async def consume(session: AsyncSession, plan_id: int, reserved_fen: int, paid_fen: int) -> None:
    """Payment: the order's reservation leaves the plan's reserve; what was paid is consumed."""
    await session.execute(
        update(PurchasePlan)
        .where(PurchasePlan.id == plan_id)
        .values(
            reserved_fen=PurchasePlan.reserved_fen - reserved_fen,
            consumed_fen=PurchasePlan.consumed_fen + paid_fen,
        )
        .execution_options(synchronize_session=False)
    )
