"""Regional policy: what applies in a region (inherited), and operators setting their own."""

from decimal import Decimal
from functools import partial

import strawberry

from api.context import Info
from api.errors import UserError
from api.money import Money
from api.mutations import Outcome, Parsed, run_mutation
from core.errors import InvalidInput
from core.money import parse_optional_fen
from marketplace import policy


@strawberry.type(description="The rules in force in a region, each inherited if not set there.")
class RegionPolicy:
    region_code: str
    goods_term_months: int
    services_term_months: int
    market_price_rule: policy.MarketPriceRule
    market_window_days: int = strawberry.field(
        description="Platform prices older than this do not bind quotes."
    )
    closed_min_elimination_percent: Decimal = strawberry.field(
        description="A closed agreement must eliminate at least this share of qualified applicants."
    )
    review_listing_changes: bool = strawberry.field(
        description="Whether a listed offer's new price or picture goes back to review."
    )
    direct_purchase_limit: Money = strawberry.field(
        description="An order above this cannot be placed as a direct purchase (网上直购)."
    )
    confirm_within_hours: int = strawberry.field(
        description="Hours a supplier has to confirm or reject a placed order."
    )
    deliver_within_days: int = strawberry.field(description="Days from confirmation to delivery.")
    accept_within_days: int = strawberry.field(
        description="Working days the purchaser has to accept a delivery."
    )
    sme_payment_days: int = strawberry.field(
        description="Days from acceptance within which an SME supplier must be paid."
    )

    @classmethod
    def of(cls, region_code: str, applied: policy.Policy) -> "RegionPolicy":
        return cls(
            region_code=region_code,
            goods_term_months=applied.goods_term_months,
            services_term_months=applied.services_term_months,
            market_price_rule=applied.market_price_rule,
            market_window_days=applied.market_window_days,
            closed_min_elimination_percent=Decimal(applied.closed_min_elimination_bp) / 100,
            review_listing_changes=applied.review_listing_changes,
            direct_purchase_limit=Money.from_fen(applied.direct_purchase_limit_fen),
            confirm_within_hours=applied.confirm_within_hours,
            deliver_within_days=applied.deliver_within_days,
            accept_within_days=applied.accept_within_days,
            sme_payment_days=applied.sme_payment_days,
        )


@strawberry.input(description="A region's own settings; a field left null inherits from above.")
class RegionPolicyInput:
    region_code: str
    goods_term_months: int | None = None
    services_term_months: int | None = None
    market_price_rule: policy.MarketPriceRule | None = None
    market_window_days: int | None = None
    closed_min_elimination_percent: Decimal | None = None
    review_listing_changes: bool | None = None
    direct_purchase_limit: Decimal | None = strawberry.field(
        default=None, description="Yuan, as a string."
    )
    confirm_within_hours: int | None = None
    deliver_within_days: int | None = None
    accept_within_days: int | None = None
    sme_payment_days: int | None = None


@strawberry.type
class RegionPolicyPayload:
    policy: RegionPolicy | None
    errors: list[UserError]


def _basis_points(percent: Decimal | None) -> int | None:
    if percent is None:
        return None
    if percent != percent.quantize(Decimal("0.01")):
        raise InvalidInput("淘汰率最多保留两位小数", field="closedMinEliminationPercent")
    return int(percent * 100)


@strawberry.type
class PolicyQuery:
    @strawberry.field(description="The rules in force in a region.")
    async def region_policy(self, info: Info, region_code: str) -> RegionPolicy:
        async with info.context.db.reader() as session:
            applied = await policy.policy_for(session, region_code)
        return RegionPolicy.of(region_code, applied)


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(description="Operators set their region's (or a region below's) rules.")
    async def set_region_policy(self, info: Info, input: RegionPolicyInput) -> RegionPolicyPayload:
        return await run_mutation(
            info,
            policy.set_region_policy,
            input.region_code,
            Parsed(_overrides, input),
            payload=partial(_policy_payload, input.region_code),
        )


def _overrides(input: RegionPolicyInput) -> policy.PolicyOverrides:
    return policy.PolicyOverrides(
        goods_term_months=input.goods_term_months,
        services_term_months=input.services_term_months,
        market_price_rule=input.market_price_rule,
        market_window_days=input.market_window_days,
        closed_min_elimination_bp=_basis_points(input.closed_min_elimination_percent),
        review_listing_changes=input.review_listing_changes,
        direct_purchase_limit_fen=parse_optional_fen(
            input.direct_purchase_limit, field="directPurchaseLimit"
        ),
        confirm_within_hours=input.confirm_within_hours,
        deliver_within_days=input.deliver_within_days,
        accept_within_days=input.accept_within_days,
        sme_payment_days=input.sme_payment_days,
    )


def _policy_payload(region_code: str, outcome: Outcome[policy.Policy]) -> RegionPolicyPayload:
    applied = RegionPolicy.of(region_code, outcome.value) if outcome.value else None
    return RegionPolicyPayload(policy=applied, errors=outcome.errors)
