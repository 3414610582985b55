"""Policy shares of a unit's purchases over a fiscal year (the calendar year of placement in
Shanghai), live orders only:

- 中小企业预留 (财库〔2020〕46号): the share of the unit's e-mall spend that went to SMEs, and of
  that the share of small and micro enterprises (disabled-welfare units and prison enterprises
  count as small and micro). An order's spend is what was accepted once it has been, else its
  total.
- 832 平台: the share of the unit's canteen food lines that bought poverty-area produce, leaving
  out lines that failed acceptance.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI
from identity.models import Organisation
from marketplace.comparison import policy_tags
from orders.models import Order, OrderLine, OrderState
from supervision.models import SubjectType
from supervision.rules.prices import percent, yuan
from supervision.settings import RuleBook, RuleConfig
from supervision.warnings import Finding

SME_RULE = "SME_RESERVATION_SHORTFALL"
POVERTY_RULE = "POVERTY_832_SHORTFALL"
NOT_SPEND = (OrderState.CANCELLED, OrderState.REJECTED)
_SCOPE = {SME_RULE: "SME", POVERTY_RULE: "832"}


@dataclass(frozen=True)
class SmeSpend:
    purchaser_id: int
    region_code: str
    fiscal_year: int
    eligible_fen: int  # all of the unit's live e-mall spend
    sme_fen: int
    small_micro_fen: int
    order_count: int
    supplier_count: int
    sme_supplier_count: int


@dataclass(frozen=True)
class FoodSpend:
    purchaser_id: int
    region_code: str
    fiscal_year: int
    food_prefix: str
    poverty_prefix: str
    food_fen: int
    poverty_fen: int  # the food lines that are also 832 produce
    order_count: int


def evaluate_sme(spend: SmeSpend, config: RuleConfig) -> list[Finding]:
    # A unit that spent nothing has no share to fall short of, whatever the minimum is set to.
    if not config.enabled or spend.eligible_fen < max(1, config.number("min_eligible_fen")):
        return []
    shortfalls = _sme_shortfalls(spend, config)
    if not shortfalls:
        return []
    title = f"{spend.fiscal_year} 年度" + "; ".join(shortfalls.values())
    evidence = {"shortfalls": list(shortfalls)} | _sme_evidence(spend, config)
    return [_finding(SME_RULE, spend, title, evidence)]


def _sme_shortfalls(spend: SmeSpend, config: RuleConfig) -> dict[str, str]:
    """Each share below its floor, with a sentence saying so."""
    found = {}
    sme_bp = config.number("sme_share_bp")
    if _below(spend.sme_fen, spend.eligible_fen, sme_bp):
        found["SME"] = (
            f"授予中小企业 {yuan(spend.sme_fen)}, 占可预留采购额 {yuan(spend.eligible_fen)}"
            f" 的 {percent(spend.sme_fen, spend.eligible_fen)}, 低于 {percent(sme_bp, 10_000)}"
        )
    small_micro_bp = config.number("small_micro_share_bp")
    # Without SME spend there is no small and micro share of it.
    if spend.sme_fen > 0 and _below(spend.small_micro_fen, spend.sme_fen, small_micro_bp):
        found["SMALL_MICRO"] = (
            f"小微企业 {yuan(spend.small_micro_fen)}, 占中小企业份额的"
            f" {percent(spend.small_micro_fen, spend.sme_fen)},"
            f" 低于 {percent(small_micro_bp, 10_000)}"
        )
    return found


def _sme_evidence(spend: SmeSpend, config: RuleConfig) -> dict[str, Any]:
    sme_bp = config.number("sme_share_bp")
    small_micro_bp = config.number("small_micro_share_bp")
    return _period(spend.fiscal_year) | {
        "eligible_fen": spend.eligible_fen,
        "eligible": yuan(spend.eligible_fen),
        "min_eligible_fen": config.number("min_eligible_fen"),
        "min_eligible": yuan(config.number("min_eligible_fen")),
        "sme_fen": spend.sme_fen,
        "sme": yuan(spend.sme_fen),
        "sme_share": percent(spend.sme_fen, spend.eligible_fen),
        "sme_threshold_bp": sme_bp,
        "sme_threshold": percent(sme_bp, 10_000),
        "small_micro_fen": spend.small_micro_fen,
        "small_micro": yuan(spend.small_micro_fen),
        "small_micro_share_of_sme": (
            percent(spend.small_micro_fen, spend.sme_fen) if spend.sme_fen else None
        ),
        "small_micro_threshold_bp": small_micro_bp,
        "small_micro_threshold": percent(small_micro_bp, 10_000),
        "order_count": spend.order_count,
        "supplier_count": spend.supplier_count,
        "sme_supplier_count": spend.sme_supplier_count,
    }


def evaluate_832(spend: FoodSpend, config: RuleConfig) -> list[Finding]:
    if not config.enabled or spend.food_fen < max(1, config.number("min_food_fen")):
        return []
    share_bp = config.number("share_bp")
    if not _below(spend.poverty_fen, spend.food_fen, share_bp):
        return []
    title = (
        f"{spend.fiscal_year} 年度食堂食材采购 {yuan(spend.food_fen)} 中,"
        f" 832 脱贫地区农副产品 {yuan(spend.poverty_fen)},"
        f" 占 {percent(spend.poverty_fen, spend.food_fen)}, 低于 {percent(share_bp, 10_000)}"
    )
    evidence = _period(spend.fiscal_year) | {
        "food_prefix": spend.food_prefix,
        "poverty_prefix": spend.poverty_prefix,
        "food_fen": spend.food_fen,
        "food": yuan(spend.food_fen),
        "min_food_fen": config.number("min_food_fen"),
        "min_food": yuan(config.number("min_food_fen")),
        "poverty_fen": spend.poverty_fen,
        "poverty": yuan(spend.poverty_fen),
        "share": percent(spend.poverty_fen, spend.food_fen),
        "threshold_bp": share_bp,
        "threshold": percent(share_bp, 10_000),
        "order_count": spend.order_count,
    }
    return [_finding(POVERTY_RULE, spend, title, evidence)]


def _finding(
    rule_code: str, spend: SmeSpend | FoodSpend, title: str, evidence: dict[str, Any]
) -> Finding:
    return Finding(
        rule_code=rule_code,
        subject_type=SubjectType.UNIT,
        subject_id=str(spend.purchaser_id),
        region_code=spend.region_code,
        title=title,
        evidence=evidence,
        scope=f"{_SCOPE[rule_code]}:{spend.fiscal_year}",
        purchaser_id=spend.purchaser_id,
    )


def _below(part: int, whole: int, floor_bp: int) -> bool:
    return part * 10_000 < floor_bp * whole


def _period(year: int) -> dict[str, Any]:
    return {"fiscal_year": year, "period_from": f"{year}-01-01", "period_to": f"{year}-12-31"}


# Loading


async def sweep(session: AsyncSession, book: RuleBook, *, fiscal_year: int) -> list[Finding]:
    """Both shares for every unit that bought in the fiscal year."""
    findings = [
        finding
        for spend in await load_sme_spend(session, fiscal_year)
        for finding in evaluate_sme(spend, book.config(SME_RULE, spend.region_code))
    ]
    return findings + [
        finding
        for spend in await load_food_spend(session, book, fiscal_year)
        for finding in evaluate_832(spend, book.config(POVERTY_RULE, spend.region_code))
    ]


def _live_in_year(fiscal_year: int) -> list[ColumnElement[bool]]:
    return [
        Order.state.not_in(NOT_SPEND),
        Order.placed_at >= datetime(fiscal_year, 1, 1, tzinfo=SHANGHAI),
        Order.placed_at < datetime(fiscal_year + 1, 1, 1, tzinfo=SHANGHAI),
    ]


class _SupplierTotal(NamedTuple):
    supplier_id: int
    amount_fen: int
    order_count: int


async def load_sme_spend(session: AsyncSession, fiscal_year: int) -> list[SmeSpend]:
    """Two queries: spend by unit and supplier, and the suppliers it went to."""
    where = _live_in_year(fiscal_year)
    spent = func.sum(func.coalesce(Order.accepted_fen, Order.total_fen))
    keys = (Order.purchaser_id, Organisation.region_code, Order.supplier_id)
    query = (
        select(*keys, spent, func.count())
        .join(Organisation, Organisation.id == Order.purchaser_id)
        .where(*where)
        .group_by(*keys)
    )
    by_unit: dict[tuple[int, str], list[_SupplierTotal]] = defaultdict(list)
    for unit, region, supplier, amount, orders in await session.execute(query):
        by_unit[(unit, region)].append(_SupplierTotal(supplier, int(amount), orders))
    tags = await _supplier_tags(session, where)
    return [
        _sme_spend(unit, region, fiscal_year, suppliers, tags)
        for (unit, region), suppliers in sorted(by_unit.items())
    ]


async def _supplier_tags(
    session: AsyncSession, where: list[ColumnElement[bool]]
) -> dict[int, list[str]]:
    supplier_ids = select(Order.supplier_id).where(*where)
    query = select(Organisation).where(Organisation.id.in_(supplier_ids))
    return {org.id: policy_tags(org) for org in await session.scalars(query)}


def _sme_spend(
    unit: int,
    region: str,
    fiscal_year: int,
    suppliers: Sequence[_SupplierTotal],
    tags: dict[int, list[str]],
) -> SmeSpend:
    sme = [s for s in suppliers if "SME" in tags[s.supplier_id]]
    small_micro = [s for s in sme if "SMALL_MICRO" in tags[s.supplier_id]]
    return SmeSpend(
        purchaser_id=unit,
        region_code=region,
        fiscal_year=fiscal_year,
        eligible_fen=_sum(suppliers),
        sme_fen=_sum(sme),
        small_micro_fen=_sum(small_micro),
        order_count=sum(s.order_count for s in suppliers),
        supplier_count=len(suppliers),
        sme_supplier_count=len(sme),
    )


def _sum(suppliers: Iterable[_SupplierTotal]) -> int:
    return sum(s.amount_fen for s in suppliers)


async def load_food_spend(
    session: AsyncSession, book: RuleBook, fiscal_year: int
) -> list[FoodSpend]:
    """Summed by unit in SQL: one query per pair of prefixes the regions use (usually one);
    units in regions where the rule is off are left out."""
    where = _live_in_year(fiscal_year)
    spends: list[FoodSpend] = []
    for prefixes, region_codes in (await _regions_by_prefixes(session, book, where)).items():
        spends += await _food_spends(session, where, prefixes, region_codes, fiscal_year)
    return spends


async def _regions_by_prefixes(
    session: AsyncSession, book: RuleBook, where: list[ColumnElement[bool]]
) -> dict[tuple[str, str], list[str]]:
    query = (
        select(Organisation.region_code)
        .join(Order, Order.purchaser_id == Organisation.id)
        .where(*where)
        .distinct()
    )
    by_prefixes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code in await session.scalars(query):
        config = book.config(POVERTY_RULE, code)
        if config.enabled:
            by_prefixes[(config.text("food_prefix"), config.text("poverty_prefix"))].append(code)
    return by_prefixes


async def _food_spends(
    session: AsyncSession,
    where: list[ColumnElement[bool]],
    prefixes: tuple[str, str],
    region_codes: list[str],
    fiscal_year: int,
) -> list[FoodSpend]:
    food, poverty = prefixes
    is_poverty = OrderLine.category_code.startswith(poverty, autoescape=True)
    keys = (Order.purchaser_id, Organisation.region_code)
    query = (
        select(
            *keys,
            func.sum(OrderLine.amount_fen),
            func.sum(case((is_poverty, OrderLine.amount_fen), else_=0)),
            func.count(distinct(Order.id)),
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Organisation, Organisation.id == Order.purchaser_id)
        .where(*where, Organisation.region_code.in_(region_codes))
        .where(
            OrderLine.category_code.startswith(food, autoescape=True),
            OrderLine.acceptance_passed.is_not(False),
        )
        .group_by(*keys)
        .order_by(*keys)
    )
    return [
        FoodSpend(unit, region, fiscal_year, food, poverty, int(food_fen), int(poor_fen), orders)
        for unit, region, food_fen, poor_fen, orders in await session.execute(query)
    ]
