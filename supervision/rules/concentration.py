"""供应商集中度: in a quarter, one supplier takes too large a share of a unit's spend in a
category prefix, though others could have been chosen.

Spend is the order lines in the prefix, without lines that failed acceptance, of live orders
placed in the quarter (Shanghai time). Who could have been chosen: the suppliers the unit bought
from, and those with offers on today's shelf (its past is not kept) in the prefix, under an
agreement in force during the quarter that covers the unit's region and delivers there.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI
from identity.models import Organisation
from marketplace.agreements.models import Agreement, AgreementStatus
from marketplace.buyable import reaches
from marketplace.models import Category, Offer, OfferDeliveryRegion, OfferStatus, Product
from orders.models import Order, OrderLine, OrderState
from supervision.errors import SupervisionError, SupervisionErrorCode
from supervision.models import SubjectType
from supervision.rules.category_groups import category_prefix, regions_by_prefix_length
from supervision.rules.prices import percent, yuan
from supervision.settings import RuleBook, RuleConfig
from supervision.warnings import Finding

RULE = "SUPPLIER_CONCENTRATION"
NOT_SPEND = (OrderState.CANCELLED, OrderState.REJECTED)
NEVER_IN_FORCE = (AgreementStatus.DRAFT, AgreementStatus.SOLICITING)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise SupervisionError(
                SupervisionErrorCode.PERIOD_INVALID, "季度须为 1 到 4", field="quarter"
            )

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self._next_first_day - timedelta(days=1)

    @property
    def _next_first_day(self) -> date:
        if self.number == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.number + 1, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first day's midnight in Shanghai to the midnight after the last day."""
        return _midnight(self.first_day), _midnight(self._next_first_day)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class SupplierSpend:
    supplier_id: int
    amount_fen: int
    order_numbers: tuple[str, ...]


@dataclass(frozen=True)
class CategorySpend:
    """A unit's spend in one category prefix in one quarter, supplier by supplier."""

    purchaser_id: int
    region_code: str
    category_prefix: str
    quarter: Quarter
    by_supplier: tuple[SupplierSpend, ...]  # the largest first

    @property
    def total_fen(self) -> int:
        return sum(supplier.amount_fen for supplier in self.by_supplier)

    @property
    def order_count(self) -> int:
        # An order has one supplier, so no order is counted twice.
        return sum(len(supplier.order_numbers) for supplier in self.by_supplier)


@dataclass(frozen=True)
class Listing:
    """A supplier's on-shelf offer in a category under an agreement, with one region it
    delivers to (None: the agreement's whole region)."""

    supplier_id: int
    category_code: str
    agreement_region_code: str
    delivers_to: str | None


class SupplierChoice:
    """Which suppliers a unit in a region could have bought a category prefix from."""

    def __init__(self, listings: Iterable[Listing]) -> None:
        self._listings = tuple(listings)
        self._memo: dict[tuple[str, str], frozenset[int]] = {}

    def suppliers(self, region_code: str, prefix: str) -> frozenset[int]:
        key = (region_code, prefix)
        if key not in self._memo:
            self._memo[key] = frozenset(
                listing.supplier_id
                for listing in self._listings
                if listing.category_code.startswith(prefix) and _reaches(listing, region_code)
            )
        return self._memo[key]


def _reaches(listing: Listing, region_code: str) -> bool:
    delivers_to = [listing.delivers_to] if listing.delivers_to else []
    return reaches(region_code, listing.agreement_region_code, delivers_to)


def evaluate(spend: CategorySpend, config: RuleConfig, choice: SupplierChoice) -> list[Finding]:
    if not config.enabled or not _enough_to_judge(spend, config):
        return []
    share_bp = config.number("share_bp")
    dominant = [s for s in spend.by_supplier if s.amount_fen * 10_000 > share_bp * spend.total_fen]
    if not dominant:
        return []
    bought_from = {supplier.supplier_id for supplier in spend.by_supplier}
    choosable = choice.suppliers(spend.region_code, spend.category_prefix) | bought_from
    # With a single supplier to choose from, the share says nothing about the unit's choices.
    if len(choosable) < 2:
        return []
    return [_finding(spend, supplier, config, choosable) for supplier in dominant]


def _enough_to_judge(spend: CategorySpend, config: RuleConfig) -> bool:
    # Nothing bought means no shares, whatever the minimum spend is set to.
    enough_spend = spend.total_fen >= max(1, config.number("min_spend_fen"))
    return enough_spend and spend.order_count >= config.number("min_orders")


def _finding(
    spend: CategorySpend, supplier: SupplierSpend, config: RuleConfig, choosable: frozenset[int]
) -> Finding:
    share_bp = config.number("share_bp")
    title = (
        f"{spend.quarter.label} 品目 {spend.category_prefix} 采购额 {yuan(spend.total_fen)} 中,"
        f" 供应商 {supplier.supplier_id} 占 {percent(supplier.amount_fen, spend.total_fen)}"
        f" ({len(supplier.order_numbers)} 笔), 超过 {percent(share_bp, 10_000)};"
        f" 可选供应商 {len(choosable)} 家"
    )
    return Finding(
        rule_code=RULE,
        subject_type=SubjectType.UNIT,
        subject_id=str(spend.purchaser_id),
        region_code=spend.region_code,
        title=title,
        evidence=_evidence(spend, supplier, config, choosable),
        scope=f"S{supplier.supplier_id}:{spend.category_prefix}:{spend.quarter.label}",
        purchaser_id=spend.purchaser_id,
        supplier_id=supplier.supplier_id,
    )


def _evidence(
    spend: CategorySpend, supplier: SupplierSpend, config: RuleConfig, choosable: frozenset[int]
) -> dict[str, Any]:
    return {
        "quarter": spend.quarter.label,
        "period_from": spend.quarter.first_day.isoformat(),
        "period_to": spend.quarter.last_day.isoformat(),
        "category_prefix": spend.category_prefix,
        "total_fen": spend.total_fen,
        "total": yuan(spend.total_fen),
        "order_count": spend.order_count,
        "supplier_id": supplier.supplier_id,
        "supplier_fen": supplier.amount_fen,
        "supplier_amount": yuan(supplier.amount_fen),
        "share": percent(supplier.amount_fen, spend.total_fen),
        "threshold_bp": config.number("share_bp"),
        "threshold": percent(config.number("share_bp"), 10_000),
        "min_spend_fen": config.number("min_spend_fen"),
        "min_spend": yuan(config.number("min_spend_fen")),
        "min_orders": config.number("min_orders"),
        "orders": list(supplier.order_numbers),
        "by_supplier": [_supplier_evidence(s, spend.total_fen) for s in spend.by_supplier],
        "choosable_suppliers": sorted(choosable),
    }


def _supplier_evidence(supplier: SupplierSpend, total_fen: int) -> dict[str, Any]:
    return {
        "supplier_id": supplier.supplier_id,
        "amount_fen": supplier.amount_fen,
        "amount": yuan(supplier.amount_fen),
        "share": percent(supplier.amount_fen, total_fen),
        "order_count": len(supplier.order_numbers),
    }


# Loading


async def sweep(session: AsyncSession, book: RuleBook, *, year: int, quarter: int) -> list[Finding]:
    period = Quarter(year, quarter)
    spends = await load_spend(session, book, period)
    choice = await load_choice(session, period) if spends else SupplierChoice(())
    return [
        finding
        for spend in spends
        for finding in evaluate(spend, book.config(RULE, spend.region_code), choice)
    ]


async def load_spend(
    session: AsyncSession, book: RuleBook, quarter: Quarter
) -> list[CategorySpend]:
    """Grouped by unit, supplier and prefix in SQL: one query per prefix length the regions use
    (usually one); units in regions where the rule is off are left out."""
    start, end = quarter.bounds()
    where = [Order.state.not_in(NOT_SPEND), Order.placed_at >= start, Order.placed_at < end]
    rows: list[_Row] = []
    for length, region_codes in (
        await regions_by_prefix_length(session, book, RULE, where)
    ).items():
        rows += await _supplier_spends(session, where, length, region_codes)
    return _grouped(rows, quarter)


@dataclass(frozen=True)
class _Row:
    purchaser_id: int
    region_code: str
    prefix: str
    supplier: SupplierSpend


async def _supplier_spends(
    session: AsyncSession, where: list[ColumnElement[bool]], length: int, region_codes: list[str]
) -> list[_Row]:
    prefix = category_prefix(length).label("prefix")
    order_keys = (Order.purchaser_id, Organisation.region_code, Order.supplier_id, prefix)
    per_order = (
        select(*order_keys, Order.number, func.sum(OrderLine.amount_fen).label("amount_fen"))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Organisation, Organisation.id == Order.purchaser_id)
        .where(*where, OrderLine.acceptance_passed.is_not(False))
        .where(Organisation.region_code.in_(region_codes))
        .group_by(*order_keys, Order.id, Order.number)
        .subquery()
    )
    keys = (per_order.c.purchaser_id, per_order.c.region_code, per_order.c.prefix)
    query = select(
        *keys,
        per_order.c.supplier_id,
        func.sum(per_order.c.amount_fen),
        func.aggregate_strings(per_order.c.number, ","),
    ).group_by(*keys, per_order.c.supplier_id)
    return [
        _Row(unit, region, code, SupplierSpend(supplier, int(amount), _sorted(numbers)))
        for unit, region, code, supplier, amount, numbers in await session.execute(query)
    ]


def _sorted(numbers: str) -> tuple[str, ...]:
    return tuple(sorted(numbers.split(",")))


def _grouped(rows: Iterable[_Row], quarter: Quarter) -> list[CategorySpend]:
    suppliers: dict[tuple[int, str, str], list[SupplierSpend]] = defaultdict(list)
    for row in rows:
        suppliers[(row.purchaser_id, row.region_code, row.prefix)].append(row.supplier)
    return [
        CategorySpend(unit, region, prefix, quarter, _largest_first(spends))
        for (unit, region, prefix), spends in sorted(suppliers.items())
    ]


def _largest_first(spends: list[SupplierSpend]) -> tuple[SupplierSpend, ...]:
    return tuple(sorted(spends, key=lambda s: (-s.amount_fen, s.supplier_id)))


async def load_choice(session: AsyncSession, quarter: Quarter) -> SupplierChoice:
    """Every (supplier, category, agreement region, delivery region) on the shelf, distinct."""
    query = (
        select(
            Offer.supplier_id,
            Category.code,
            Agreement.region_code,
            OfferDeliveryRegion.region_code,
        )
        .join(Product, Product.id == Offer.product_id)
        .join(Category, Category.id == Product.category_id)
        .join(Agreement, Agreement.id == Offer.agreement_id)
        .outerjoin(OfferDeliveryRegion, OfferDeliveryRegion.offer_id == Offer.id)
        .where(
            Offer.status == OfferStatus.ON_SHELF,
            Agreement.status.not_in(NEVER_IN_FORCE),
            Agreement.starts_on <= quarter.last_day,
            Agreement.ends_on >= quarter.first_day,
        )
        .distinct()
    )
    return SupplierChoice(Listing(*row) for row in await session.execute(query))
