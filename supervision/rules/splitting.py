"""化整为零 (实施条例 第二十八条): a unit's orders each within a limit but together above it, over
a fiscal year or within a short window, or again and again just under the limit.

A group is one unit's live orders under one budget item (its plan's) in one category prefix and
fiscal year (the calendar year of placement in Shanghai); an order counts in a group with the sum
of its lines in that prefix. One order above a limit on its own is not splitting: it never counts
towards that limit (so it takes two orders or more to exceed one).

Scopes: `Y` (the year's orders past the direct-purchase limit), `T` (past the tender threshold),
`W` (within the window), `N` (just under the limit again and again), then the prefix, the year
and a digest of the budget item.
"""

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI
from identity.models import Organisation
from marketplace.policy import policy_for
from orders.models import Order, OrderLine, OrderState, PurchasePlan
from supervision.models import SubjectType
from supervision.rules.category_groups import category_prefix, regions_by_prefix_length
from supervision.rules.prices import percent, yuan
from supervision.settings import RuleBook, RuleConfig
from supervision.warnings import Finding

RULE = "ORDER_SPLITTING"
NOT_SPEND = (OrderState.CANCELLED, OrderState.REJECTED)
DIRECT_LIMIT = "网上直购限额"
TENDER_THRESHOLD = "公开招标数额标准"


@dataclass(frozen=True)
class OrderSpend:
    order_id: int
    number: str
    placed_at: datetime
    amount_fen: int  # the order's lines in the group's category prefix


class GroupKey(NamedTuple):
    purchaser_id: int
    budget_item: str
    category_prefix: str
    fiscal_year: int


@dataclass(frozen=True)
class PurchaseGroup:
    purchaser_id: int
    region_code: str
    budget_item: str
    category_prefix: str
    fiscal_year: int
    direct_limit_fen: int  # the unit's region's 网上直购限额
    orders: tuple[OrderSpend, ...]  # in the order they were placed

    @property
    def key(self) -> GroupKey:
        return GroupKey(self.purchaser_id, self.budget_item, self.category_prefix, self.fiscal_year)


def evaluate(group: PurchaseGroup, config: RuleConfig) -> list[Finding]:
    if not config.enabled:
        return []
    found = (_over_year(group, config), _over_window(group, config), _near_limit(group, config))
    return [finding for finding in found if finding is not None]


def _over_year(group: PurchaseGroup, config: RuleConfig) -> Finding | None:
    """Against the highest threshold the orders within it exceed together."""
    limits = {
        group.direct_limit_fen: DIRECT_LIMIT,
        config.number("tender_threshold_fen"): TENDER_THRESHOLD,
    }
    for limit in sorted(limits, reverse=True):
        within = [order for order in group.orders if order.amount_fen <= limit]
        if _total(within) > limit:
            name = limits[limit]
            title = (
                f"{group.fiscal_year} 年度同一预算项目「{group.budget_item}」"
                f"品目 {group.category_prefix} 下 {len(within)} 笔订单均未超过{name},"
                f" 合计 {yuan(_total(within))}, 超过{name} {yuan(limit)}, 疑似化整为零"
            )
            evidence = _evidence(group, "FISCAL_YEAR", within, name, limit)
            # Each threshold has its own scope: passing the tender threshold later in the year
            # is a warning of its own, not a repeat of passing the direct-purchase limit.
            return _finding(group, "T" if name == TENDER_THRESHOLD else "Y", title, evidence)
    return None


def _over_window(group: PurchaseGroup, config: RuleConfig) -> Finding | None:
    limit = group.direct_limit_fen
    days = config.number("window_days")
    within = [order for order in group.orders if order.amount_fen <= limit]
    window = _heaviest_window(within, timedelta(days=days))
    if _total(window) <= limit:
        return None
    first, last = (_local_day(order.placed_at) for order in (window[0], window[-1]))
    title = (
        f"{first} 至 {last} ({days} 天内) 品目 {group.category_prefix} 下"
        f" {len(window)} 笔订单均未超过{DIRECT_LIMIT}, 合计 {yuan(_total(window))},"
        f" 超过{DIRECT_LIMIT} {yuan(limit)}, 疑似化整为零"
    )
    evidence = _evidence(group, "WINDOW", window, DIRECT_LIMIT, limit) | {
        "window_days": days,
        "window_from": first,
        "window_to": last,
    }
    return _finding(group, "W", title, evidence)


def _heaviest_window(orders: Sequence[OrderSpend], span: timedelta) -> Sequence[OrderSpend]:
    """The run of orders, each placed less than `span` after the run's first, with the largest
    sum."""
    best: Sequence[OrderSpend] = ()
    best_total = running = start = 0
    for end, order in enumerate(orders):
        running += order.amount_fen
        while order.placed_at - orders[start].placed_at >= span:
            running -= orders[start].amount_fen
            start += 1
        if running > best_total:
            best, best_total = orders[start : end + 1], running
    return best


def _near_limit(group: PurchaseGroup, config: RuleConfig) -> Finding | None:
    limit = group.direct_limit_fen
    below_bp = config.number("near_below_bp")
    floor = max(0, -(-limit * (10_000 - below_bp) // 10_000))
    near = [order for order in group.orders if floor <= order.amount_fen <= limit]
    # Once is not "repeatedly", whatever a region sets.
    if len(near) < max(2, config.number("near_count")):
        return None
    title = (
        f"{group.fiscal_year} 年度品目 {group.category_prefix} 下 {len(near)} 笔订单"
        f"金额在 {yuan(floor)} 至 {yuan(limit)} 之间,"
        f" 反复略低于{DIRECT_LIMIT}, 疑似规避限额"
    )
    evidence = _evidence(group, "NEAR_LIMIT", near, DIRECT_LIMIT, limit) | {
        "near_below_bp": below_bp,
        "near_below": percent(below_bp, 10_000),
        "near_floor_fen": floor,
        "near_floor": yuan(floor),
        "near_count": config.number("near_count"),
    }
    return _finding(group, "N", title, evidence)


def _finding(group: PurchaseGroup, kind: str, title: str, evidence: dict[str, Any]) -> Finding:
    # The budget item is free text of up to 64 characters: the scope keeps a digest of it.
    item = hashlib.blake2s(group.budget_item.encode(), digest_size=4).hexdigest()
    return Finding(
        rule_code=RULE,
        subject_type=SubjectType.UNIT,
        subject_id=str(group.purchaser_id),
        region_code=group.region_code,
        title=title,
        evidence=evidence,
        scope=f"{kind}:{group.category_prefix}:{group.fiscal_year}:{item}",
        purchaser_id=group.purchaser_id,
    )


def _evidence(
    group: PurchaseGroup, kind: str, orders: Sequence[OrderSpend], name: str, limit: int
) -> dict[str, Any]:
    return {
        "kind": kind,
        "fiscal_year": group.fiscal_year,
        "period_from": f"{group.fiscal_year}-01-01",
        "period_to": f"{group.fiscal_year}-12-31",
        "budget_item": group.budget_item,
        "category_prefix": group.category_prefix,
        "threshold_name": name,
        "threshold_fen": limit,
        "threshold": yuan(limit),
        "total_fen": _total(orders),
        "total": yuan(_total(orders)),
        "order_count": len(orders),
        "orders": [_order_evidence(order) for order in orders],
    }


def _order_evidence(order: OrderSpend) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "number": order.number,
        "placed_on": _local_day(order.placed_at),
        "amount_fen": order.amount_fen,
        "amount": yuan(order.amount_fen),
    }


def _total(orders: Iterable[OrderSpend]) -> int:
    return sum(order.amount_fen for order in orders)


def _local_day(at: datetime) -> str:
    return at.astimezone(SHANGHAI).date().isoformat()


# Loading


async def sweep(session: AsyncSession, book: RuleBook, *, fiscal_year: int) -> list[Finding]:
    """Every unit's groups in the fiscal year."""
    return _judge(await load_groups(session, book, fiscal_year), book)


async def for_orders(
    session: AsyncSession, book: RuleBook, order_ids: Collection[int]
) -> list[Finding]:
    """Only the groups these orders belong to (after OrderPlaced)."""
    touched = await _groups_of(session, book, order_ids)
    findings: list[Finding] = []
    for year in sorted({key.fiscal_year for key in touched}):
        units = {key.purchaser_id for key in touched if key.fiscal_year == year}
        groups = await load_groups(session, book, year, purchaser_ids=units)
        findings += _judge([group for group in groups if group.key in touched], book)
    return findings


def _judge(groups: Iterable[PurchaseGroup], book: RuleBook) -> list[Finding]:
    return [f for group in groups for f in evaluate(group, book.config(RULE, group.region_code))]


async def load_groups(
    session: AsyncSession,
    book: RuleBook,
    fiscal_year: int,
    *,
    purchaser_ids: Collection[int] | None = None,
) -> list[PurchaseGroup]:
    """One query per category prefix length the regions use (usually one), grouped by order and
    prefix in SQL; units in regions where the rule is off are left out."""
    where = _live_in_year(fiscal_year, purchaser_ids)
    spends: list[_Spend] = []
    for length, region_codes in (
        await regions_by_prefix_length(session, book, RULE, where)
    ).items():
        spends += await _order_spends(session, where, length, region_codes)
    limits = {
        code: (await policy_for(session, code)).direct_purchase_limit_fen
        for code in sorted({spend.region_code for spend in spends})
    }
    return _grouped(spends, fiscal_year, limits)


def _live_in_year(
    fiscal_year: int, purchaser_ids: Collection[int] | None
) -> list[ColumnElement[bool]]:
    where = [
        Order.state.not_in(NOT_SPEND),
        Order.placed_at >= datetime(fiscal_year, 1, 1, tzinfo=SHANGHAI),
        Order.placed_at < datetime(fiscal_year + 1, 1, 1, tzinfo=SHANGHAI),
    ]
    if purchaser_ids is not None:
        where.append(Order.purchaser_id.in_(sorted(purchaser_ids)))
    return where


@dataclass(frozen=True)
class _Spend:
    purchaser_id: int
    region_code: str
    budget_item: str
    prefix: str
    order: OrderSpend


async def _order_spends(
    session: AsyncSession, where: list[ColumnElement[bool]], length: int, region_codes: list[str]
) -> list[_Spend]:
    prefix = category_prefix(length)
    keys = (
        Order.purchaser_id,
        Organisation.region_code,
        PurchasePlan.budget_item,
        prefix,
        Order.id,
        Order.number,
        Order.placed_at,
    )
    query = (
        select(*keys, func.sum(OrderLine.amount_fen))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(PurchasePlan, PurchasePlan.id == Order.plan_id)
        .join(Organisation, Organisation.id == Order.purchaser_id)
        .where(*where, Organisation.region_code.in_(region_codes))
        .group_by(*keys)
        .order_by(Order.placed_at, Order.id)
    )
    return [
        _Spend(unit, region, item, code, OrderSpend(id_, number, at, int(amount)))
        for unit, region, item, code, id_, number, at, amount in await session.execute(query)
    ]


def _grouped(
    spends: Iterable[_Spend], fiscal_year: int, limits: dict[str, int]
) -> list[PurchaseGroup]:
    orders: dict[tuple[int, str, str, str], list[OrderSpend]] = defaultdict(list)
    for spend in spends:
        key = (spend.purchaser_id, spend.region_code, spend.budget_item, spend.prefix)
        orders[key].append(spend.order)
    return [
        PurchaseGroup(unit, region, item, prefix, fiscal_year, limits[region], tuple(group))
        for (unit, region, item, prefix), group in orders.items()
    ]


async def _groups_of(
    session: AsyncSession, book: RuleBook, order_ids: Collection[int]
) -> set[GroupKey]:
    query = (
        select(
            Order.purchaser_id,
            Organisation.region_code,
            PurchasePlan.budget_item,
            Order.placed_at,
            OrderLine.category_code,
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(PurchasePlan, PurchasePlan.id == Order.plan_id)
        .join(Organisation, Organisation.id == Order.purchaser_id)
        .where(Order.id.in_(sorted(order_ids)))
        .distinct()
    )
    keys = set()
    for unit, region, item, placed_at, code in await session.execute(query):
        config = book.config(RULE, region)
        if config.enabled:
            prefix = code[: config.number("category_prefix_length")]
            keys.add(GroupKey(unit, item, prefix, placed_at.astimezone(SHANGHAI).year))
    return keys
