"""A purchasing history written straight into the tables, for the rules that judge a period:
purchasing units, suppliers of any size, one agreement of 丽水市 (2026), and orders with lines
in any 品目, charged to a plan per budget item and placed whenever a test says."""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import update

from core.clock import SHANGHAI
from core.db import Database
from core.principal import Role
from identity.models import Organisation, OrganisationKind, SupplierSize
from marketplace.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ProcurementScope,
    SelectionMethod,
)
from marketplace.models import Offer, OfferDeliveryRegion, OfferStatus, Product
from orders.models import Checkout, Order, OrderLine, OrderState, PlanStatus, PurchasePlan
from supervision.models import RuleSetting
from tests import factories
from tests.factories import T0

LISHUI = "331102"  # 丽水市莲都区, under the agreement's 丽水市
CHANGZHOU = "320402"  # 常州市天宁区, elsewhere

PC = "A02010104"  # 台式计算机
LAPTOP = "A02010105"  # 便携式计算机: the same prefix A0201 as a PC
DESK = "A05010201"  # 办公桌
RICE = "A07060101"  # canteen food, not 832
PRODUCE_832 = "A07060105"  # 脱贫地区农副产品

WAN = 1_000_000  # 1 万元 in fen
OFFICE = "办公设备购置费"

_numbers = itertools.count(1)


def shanghai(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Line:
    category: str
    amount_fen: int
    passed: bool | None = None


@dataclass
class History:
    db: Database
    agreement: Agreement
    product: Product  # what the lines point at, whatever their 品目
    _buyers: dict[int, int] = field(default_factory=dict)  # unit id -> a buyer's user id
    _offers: dict[int, int] = field(default_factory=dict)  # supplier id -> an offer for lines
    _plans: dict[tuple[int, str], int] = field(default_factory=dict)

    async def unit(self, region: str = LISHUI) -> Organisation:
        org = await factories.organisation(self.db, OrganisationKind.PURCHASING_UNIT, region=region)
        self._buyers[org.id] = (
            await factories.member(self.db, Role.PURCHASER, organisation=org)
        ).user.id
        return org

    async def supplier(
        self, size: SupplierSize | None = SupplierSize.SMALL, *, welfare: bool = False
    ) -> Organisation:
        org = await factories.organisation(self.db, OrganisationKind.SUPPLIER)
        async with self.db.unit_of_work() as s:
            await s.execute(
                update(Organisation)
                .where(Organisation.id == org.id)
                .values(supplier_size=size, is_disabled_welfare=welfare)
            )
        # Off the shelf and under no agreement: it only gives the lines an offer to point at.
        offer = await factories.offer(self.db, self.product, org)
        await _set_offer(self.db, offer.id, status=OfferStatus.DRAFT)
        self._offers[org.id] = offer.id
        return org

    async def listing(
        self,
        supplier: Organisation,
        category: str,
        status: OfferStatus = OfferStatus.ON_SHELF,
        *,
        delivers_to: tuple[str, ...] = (),
    ) -> Offer:
        """An offer of the supplier in the category under the agreement; delivering to the
        agreement's whole region unless told where."""
        product = await factories.product(self.db, await factories.category_path(self.db, category))
        offer = await factories.offer(self.db, product, supplier)
        await _set_offer(self.db, offer.id, status=status, agreement_id=self.agreement.id)
        async with self.db.unit_of_work() as s:
            s.add_all(OfferDeliveryRegion(offer_id=offer.id, region_code=c) for c in delivers_to)
        return offer

    async def order(
        self,
        unit: Organisation,
        supplier: Organisation,
        *lines: Line,
        at: datetime,
        state: OrderState = OrderState.CONFIRMED,
        budget_item: str = OFFICE,
        accepted_fen: int | None = None,
    ) -> Order:
        plan_id = await self._plan(unit, budget_item)
        total = sum(line.amount_fen for line in lines)
        async with self.db.unit_of_work() as s:
            checkout = Checkout(
                organisation_id=unit.id,
                user_id=self._buyers[unit.id],
                plan_id=plan_id,
                total_fen=total,
                placed_at=at,
            )
            s.add(checkout)
            await s.flush()
            order = self._order_row(unit, supplier, checkout, total, at, state, accepted_fen)
            s.add(order)
            await s.flush()
            s.add_all(self._line_row(order, supplier, line, at) for line in lines)
        return order

    def _order_row(
        self,
        unit: Organisation,
        supplier: Organisation,
        checkout: Checkout,
        total: int,
        at: datetime,
        state: OrderState,
        accepted_fen: int | None,
    ) -> Order:
        return Order(
            number=f"YW{at.astimezone(SHANGHAI):%Y%m%d}{next(_numbers):08d}",
            checkout_id=checkout.id,
            purchaser_id=unit.id,
            buyer_user_id=checkout.user_id,
            supplier_id=supplier.id,
            agreement_id=self.agreement.id,
            plan_id=checkout.plan_id,
            region_code=unit.region_code,
            state=state,
            total_fen=total,
            plan_reserved_fen=0,
            accepted_fen=accepted_fen,
            delivery_address="丽水市莲都区人民街 1 号",
            contact_name="王老师",
            contact_phone="0578-2123456",
            placed_at=at,
            confirm_due_at=at,
            updated_at=at,
        )

    def _line_row(
        self, order: Order, supplier: Organisation, line: Line, at: datetime
    ) -> OrderLine:
        return OrderLine(
            order_id=order.id,
            offer_id=self._offers[supplier.id],
            product_id=self.product.id,
            category_code=line.category,
            name=f"品目 {line.category}",
            brand="联想",
            model="M1",
            unit="件",
            quantity=1,
            unit_price_fen=line.amount_fen,
            amount_fen=line.amount_fen,
            ceiling_fen=line.amount_fen,
            market_rule="LOWEST",
            priced_at=at,
            acceptance_passed=line.passed,
        )

    async def _plan(self, unit: Organisation, budget_item: str) -> int:
        key = (unit.id, budget_item)
        if key not in self._plans:
            plan = PurchasePlan(
                organisation_id=unit.id,
                code=f"JH-{next(_numbers):06d}",
                name="2026年度采购",
                fiscal_year=2026,
                category_code="A",
                amount_fen=10**12,
                fund_source="一般公共预算",
                budget_item=budget_item,
                status=PlanStatus.ACTIVE,
                created_at=T0,
            )
            async with self.db.unit_of_work() as s:
                s.add(plan)
            self._plans[key] = plan.id
        return self._plans[key]


async def make_history(db: Database) -> History:
    operator = await factories.organisation(db, OrganisationKind.OPERATOR, region="331100")
    agreement = Agreement(
        code="LS-2026-ALL",
        title="丽水市2026年通用办公设备及食材框架协议",
        kind=AgreementKind.OPEN,
        scope=ProcurementScope.GOODS,
        operator_id=operator.id,
        region_code="331100",
        status=AgreementStatus.ACTIVE,
        selection_method=SelectionMethod.DIRECT_SELECTION,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        created_at=T0,
        updated_at=T0,
    )
    async with db.unit_of_work() as s:
        s.add(agreement)
    product = await factories.product(db, await factories.category_path(db))
    return History(db, agreement, product)


async def set_rule(
    db: Database, region: str, rule_code: str, *, enabled: bool | None = None, **params: Any
) -> None:
    """A region's own setting of a rule, as a supervisor would leave it."""
    async with db.unit_of_work() as s:
        s.add(
            RuleSetting(
                region_code=region,
                rule_code=rule_code,
                enabled=enabled,
                level=None,
                params=params,
                updated_at=T0,
            )
        )


async def _set_offer(db: Database, offer_id: int, **values: Any) -> None:
    async with db.unit_of_work() as s:
        await s.execute(update(Offer).where(Offer.id == offer_id).values(**values))
