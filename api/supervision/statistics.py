from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from api.context import Info
from api.money import Money
from supervision import models as m
from supervision import statistics as domain

_RATIO = "A fraction rounded to 4 places (0.1333 is 13.33 %); null when its base is zero."


@strawberry.type(
    description="Orders placed in the period; live orders are neither cancelled nor rejected."
)
class OrderTotals:
    live_count: int
    live_amount: Money = strawberry.field(
        description="What the live orders cost: the accepted amount once accepted, else the total."
    )
    cancelled_count: int
    rejected_count: int

    @classmethod
    def from_domain(cls, totals: domain.OrderTotals) -> "OrderTotals":
        return cls(
            live_count=totals.live_count,
            live_amount=Money.from_fen(totals.live_fen),
            cancelled_count=totals.cancelled_count,
            rejected_count=totals.rejected_count,
        )


@strawberry.type(
    description="Budget against actual: savings rate (节约率) = (budget − actual) / budget. "
    "Budget sums the plans of the region's units for a fiscal year overlapping the period that "
    "a live order placed in the period drew on; actual is what those orders cost."
)
class BudgetExecution:
    plan_count: int
    budget: Money
    actual: Money
    savings_rate: Decimal | None = strawberry.field(description=_RATIO)

    @classmethod
    def from_domain(cls, budget: domain.BudgetExecution) -> "BudgetExecution":
        return cls(
            plan_count=budget.plan_count,
            budget=Money.from_fen(budget.budget_fen),
            actual=Money.from_fen(budget.actual_fen),
            savings_rate=budget.savings_rate,
        )


@strawberry.type(
    description="Savings against agreement ceilings = (Σ ceiling × quantity − Σ unit price × "
    "quantity) / Σ ceiling × quantity, over the live orders' lines."
)
class PriceSavings:
    at_ceilings: Money
    paid: Money
    rate: Decimal | None = strawberry.field(description=_RATIO)

    @classmethod
    def from_domain(cls, savings: domain.PriceSavings) -> "PriceSavings":
        return cls(
            at_ceilings=Money.from_fen(savings.ceiling_fen),
            paid=Money.from_fen(savings.paid_fen),
            rate=savings.rate,
        )


@strawberry.type(
    description="政策功能: SME and small/micro shares of live spend; the 832 share of canteen "
    "food (lines not failed at acceptance)."
)
class PolicyShares:
    spend: Money
    sme: Money
    small_micro: Money
    sme_share: Decimal | None = strawberry.field(description=_RATIO)
    small_micro_share: Decimal | None = strawberry.field(description=_RATIO)
    canteen_food: Money
    poverty_832: Money
    poverty_832_share: Decimal | None = strawberry.field(description=_RATIO)

    @classmethod
    def from_domain(cls, shares: domain.PolicyShares) -> "PolicyShares":
        return cls(
            spend=Money.from_fen(shares.spend_fen),
            sme=Money.from_fen(shares.sme_fen),
            small_micro=Money.from_fen(shares.small_micro_fen),
            sme_share=shares.sme_share,
            small_micro_share=shares.small_micro_share,
            canteen_food=Money.from_fen(shares.food_fen),
            poverty_832=Money.from_fen(shares.poverty_832_fen),
            poverty_832_share=shares.poverty_832_share,
        )


@strawberry.type
class RuleLevelCount:
    rule_code: str
    level: m.Level
    count: int


@strawberry.type
class WarningStatusCount:
    status: m.WarningStatus
    count: int


@strawberry.type(description="Warnings raised in the period in the region's subtree.")
class WarningCounts:
    total: int
    by_rule: list[RuleLevelCount]
    by_status: list[WarningStatusCount] = strawberry.field(description="Every status, zeros too.")

    @classmethod
    def from_domain(cls, counts: domain.WarningCounts) -> "WarningCounts":
        return cls(
            total=counts.total,
            by_rule=[
                RuleLevelCount(rule_code=c.rule_code, level=c.level, count=c.count)
                for c in counts.by_rule
            ],
            by_status=[
                WarningStatusCount(status=c.status, count=c.count) for c in counts.by_status
            ],
        )


@strawberry.type(description="A supplier or purchasing unit ranked by live spend.")
class SpendRank:
    organisation_id: relay.GlobalID
    name: str
    amount: Money
    order_count: int

    @classmethod
    def from_domain(cls, ranked: domain.RankedOrganisation) -> "SpendRank":
        return cls(
            organisation_id=relay.GlobalID("Organisation", str(ranked.organisation_id)),
            name=ranked.name,
            amount=Money.from_fen(ranked.amount_fen),
            order_count=ranked.order_count,
        )


@strawberry.type
class StepTime:
    order_count: int = strawberry.field(description="Orders that reached the step.")
    average_days: Decimal | None = strawberry.field(description="Days to 2 places.")

    @classmethod
    def from_domain(cls, step: domain.StepTime) -> "StepTime":
        return cls(order_count=step.order_count, average_days=step.average_days)


@strawberry.type(description="How long each step took, over the orders placed in the period.")
class StepTimes:
    to_confirm: StepTime = strawberry.field(description="Placed → confirmed by the supplier.")
    to_deliver: StepTime = strawberry.field(description="Confirmed → delivered.")
    to_accept: StepTime = strawberry.field(description="Delivered → accepted.")
    to_pay: StepTime = strawberry.field(description="Accepted → paid.")

    @classmethod
    def from_domain(cls, times: domain.StepTimes) -> "StepTimes":
        return cls(
            to_confirm=StepTime.from_domain(times.to_confirm),
            to_deliver=StepTime.from_domain(times.to_deliver),
            to_accept=StepTime.from_domain(times.to_accept),
            to_pay=StepTime.from_domain(times.to_pay),
        )


@strawberry.type(
    description="A region's procurement over a period of Shanghai days, ends included."
)
class RegionStatistics:
    region_code: str
    from_: date = strawberry.field(name="from")
    to: date
    orders: OrderTotals
    budget: BudgetExecution
    price_savings: PriceSavings
    policy: PolicyShares
    warnings: WarningCounts
    top_suppliers: list[SpendRank] = strawberry.field(description="Up to 10, by live spend.")
    top_purchasers: list[SpendRank] = strawberry.field(description="Up to 10, by live spend.")
    step_times: StepTimes

    @classmethod
    def from_domain(cls, stats: domain.RegionStatistics) -> "RegionStatistics":
        return cls(
            region_code=stats.region_code,
            from_=stats.start,
            to=stats.end,
            orders=OrderTotals.from_domain(stats.orders),
            budget=BudgetExecution.from_domain(stats.budget),
            price_savings=PriceSavings.from_domain(stats.price_savings),
            policy=PolicyShares.from_domain(stats.policy),
            warnings=WarningCounts.from_domain(stats.warnings),
            top_suppliers=[SpendRank.from_domain(r) for r in stats.top_suppliers],
            top_purchasers=[SpendRank.from_domain(r) for r in stats.top_purchasers],
            step_times=StepTimes.from_domain(stats.step_times),
        )


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Supervisors and operators: a region's statistics over at most 366 days. "
        "The region must be yours or below it."
    )
    async def statistics(
        self,
        info: Info,
        region: str,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> RegionStatistics:
        domain.require_reader(await info.context.actor(), region)
        async with info.context.db.reader() as session:
            stats = await domain.regional_statistics(
                session, region_code=region, start=from_, end=to
            )
        return RegionStatistics.from_domain(stats)
