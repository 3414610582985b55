"""Purchase plans for every demo purchasing unit, for the current fiscal year: enough budget to
buy under each demo agreement, in the amounts a unit of that size would plan."""

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from identity.models import Organisation, OrganisationKind
from orders.models import PlanStatus, PurchasePlan
from seed.common import Row


@dataclass(frozen=True)
class PlanSpec:
    suffix: str
    name: str
    category_code: str
    amount_fen: int
    budget_item: str


PLANS = (
    PlanSpec("XX", "信息化设备购置", "A0201", 80_000_000, "办公设备购置费"),
    PlanSpec("JJ", "办公家具购置", "A05", 30_000_000, "办公设备购置费"),
    PlanSpec("HC", "办公耗材", "A0504", 5_000_000, "办公费"),
    PlanSpec("ST", "食堂食材 (含832平台采购)", "A07", 20_000_000, "伙食费"),
)


async def seed_plans(session: AsyncSession, *, clock: Clock) -> int:
    year = local_today(clock).year
    units = (
        await session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.PURCHASING_UNIT)
            .order_by(Organisation.id)
        )
    ).all()
    existing = set(
        (await session.execute(select(PurchasePlan.organisation_id, PurchasePlan.code))).all()
    )
    rows: list[Row] = []
    for unit in units:
        for spec in PLANS:
            code = f"{year}-{unit.id:04d}-{spec.suffix}"
            if (unit.id, code) not in existing:
                rows.append(_row(unit, code, spec, year, clock))
    if rows:
        await session.execute(insert(PurchasePlan), rows)
    return len(rows)


def _row(unit: Organisation, code: str, spec: PlanSpec, year: int, clock: Clock) -> Row:
    return {
        "organisation_id": unit.id,
        "code": code,
        "name": f"{unit.name}{year}年{spec.name}",
        "fiscal_year": year,
        "category_code": spec.category_code,
        "amount_fen": spec.amount_fen,
        "reserved_fen": 0,
        "consumed_fen": 0,
        "fund_source": "一般公共预算",
        "budget_item": spec.budget_item,
        "status": PlanStatus.ACTIVE,
        "created_by_user_id": None,
        "created_at": clock.now(),
    }
