"""Placing orders from the cart: every blocking check (事前) first, then the reservations.

All checks run before anything is written and every failure is reported at once; stock, quota
and plan money are then reserved with guarded updates in the same transaction, so a race lost
between check and write rolls the whole placement back and nothing is half done.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import DomainError, InvalidInput
from core.events.orders import OrderPlaced
from core.money import fen_to_yuan
from core.outbox import record
from core.principal import Actor, Principal, Role
from identity import credit
from identity.models import Organisation
from marketplace.agreements import quotas
from marketplace.agreements.access import status_now
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.models import Agreement, AgreementStatus
from marketplace.agreements.quotes import (
    MarketEvidence,
    applicable_ceiling,
    market_price_evidence,
)
from marketplace.buyable import reaches
from marketplace.catalogue import delivery_regions
from marketplace.models import Category, Offer, OfferStatus, Product
from marketplace.offers import stock
from marketplace.policy import Policy, policy_for
from orders import plans, rules
from orders.errors import CheckoutBlocked, OrderError, OrderErrorCode
from orders.models import (
    CartLine,
    Checkout,
    Order,
    OrderLine,
    OrderState,
    PurchasePlan,
    TimelineEntry,
)


@dataclass(frozen=True)
class PlacementRequest:
    plan_id: int | None
    delivery_address: str
    contact_name: str
    contact_phone: str
    note: str | None = None
    offer_ids: tuple[int, ...] | None = None  # None: the whole cart


@dataclass
class _Line:
    """A cart line with everything the checks need, loaded once."""

    cart: CartLine
    offer: Offer
    product: Product
    category: Category
    agreement: Agreement | None
    supplier: Organisation
    ceiling_fen: int | None = None
    market: MarketEvidence | None = None

    @property
    def amount_fen(self) -> int:
        return self.offer.price_fen * self.cart.quantity

    def problem(self, code: OrderErrorCode, message: str) -> OrderError:
        return OrderError(code, f"{self.product.name}: {message}", field=f"offer:{self.offer.id}")


async def place_order(
    session: AsyncSession, request: PlacementRequest, *, actor: Actor, clock: Clock
) -> Checkout:
    buyer = actor.require(Role.PURCHASER)
    assert buyer.user_id is not None
    _check_request(request)
    lines = await _load_lines(session, buyer, request)
    today = local_today(clock)
    policy = await policy_for(session, buyer.region_code)
    problems = await _line_problems(session, lines, buyer, today, clock=clock)
    groups = _by_supplier(lines)
    problems += [p for g in groups.values() if (p := _total_problem(g, policy)) is not None]
    plan = await session.get(PurchasePlan, request.plan_id) if request.plan_id else None
    total = sum(line.amount_fen for line in lines)
    try:
        plans.check_plan_covers(
            plan,
            organisation_id=buyer.organisation_id,
            fiscal_year=today.year,
            category_codes={line.category.code for line in lines},
            amount_fen=total,
        )
    except OrderError as error:
        problems.append(error)
    if problems:
        raise CheckoutBlocked(problems)
    assert plan is not None
    return await _write(session, buyer, request, plan, groups, policy, clock=clock)


def _check_request(request: PlacementRequest) -> None:
    for value, name, label, limit in (
        (request.delivery_address, "deliveryAddress", "送货地址", 256),
        (request.contact_name, "contactName", "联系人", 64),
        (request.contact_phone, "contactPhone", "联系电话", 32),
    ):
        if not 1 <= len(value.strip()) <= limit:
            raise InvalidInput(f"{label}长度须为 1 到 {limit}", field=name)
    if request.note is not None and len(request.note) > 500:
        raise InvalidInput("备注不能超过 500 字", field="note")


async def _load_lines(
    session: AsyncSession, buyer: Principal, request: PlacementRequest
) -> list[_Line]:
    query = (
        select(CartLine, Offer, Product, Category, Agreement, Organisation)
        .join(Offer, Offer.id == CartLine.offer_id)
        .join(Product, Product.id == Offer.product_id)
        .join(Category, Category.id == Product.category_id)
        .join(Organisation, Organisation.id == Offer.supplier_id)
        .outerjoin(Agreement, Agreement.id == Offer.agreement_id)
        .where(CartLine.user_id == buyer.user_id)
        .order_by(Offer.id)
    )
    if request.offer_ids is not None:
        query = query.where(CartLine.offer_id.in_(request.offer_ids))
    lines = [_Line(*row) for row in await session.execute(query)]
    if not lines:
        raise OrderError(OrderErrorCode.CART_EMPTY, "购物车中没有要下单的商品")
    return lines


async def _line_problems(
    session: AsyncSession, lines: list[_Line], buyer: Principal, today: date, *, clock: Clock
) -> list[DomainError]:
    regions_by_offer = await delivery_regions(session, [line.offer.id for line in lines])
    problems: list[DomainError] = []
    for line in lines:
        problem = _availability(line, buyer, clock, regions_by_offer.get(line.offer.id, []))
        if problem is None:
            problem = await _price_problem(session, line, clock=clock)
        if problem is None:
            problem = await _supplier_problem(session, line, today)
        if problem is None and line.offer.stock < line.cart.quantity:
            problem = line.problem(
                OrderErrorCode.OUT_OF_STOCK,
                f"库存 {line.offer.stock}, 不足 {line.cart.quantity}",
            )
        if problem is not None:
            problems.append(problem)
    return problems


def _availability(
    line: _Line, buyer: Principal, clock: Clock, delivers_to: list[str]
) -> OrderError | None:
    agreement = line.agreement
    if line.offer.status != OfferStatus.ON_SHELF or agreement is None:
        return line.problem(OrderErrorCode.OFFER_UNAVAILABLE, "商品未上架或不在框架协议内")
    active = status_now(agreement, clock) == AgreementStatus.ACTIVE
    if not active or agreement.starts_on > local_today(clock):
        return line.problem(OrderErrorCode.OFFER_UNAVAILABLE, f"协议 {agreement.code} 不在执行期")
    if not reaches(buyer.region_code, agreement.region_code, delivers_to):
        return line.problem(OrderErrorCode.OFFER_UNAVAILABLE, "该商品不向本地区供货")
    if line.offer.price_fen != line.cart.seen_price_fen:
        return line.problem(
            OrderErrorCode.PRICE_CHANGED,
            f"价格已由 {fen_to_yuan(line.cart.seen_price_fen)} 元"
            f"变为 {fen_to_yuan(line.offer.price_fen)} 元, 请确认后再下单",
        )
    return None


async def _price_problem(session: AsyncSession, line: _Line, *, clock: Clock) -> OrderError | None:
    agreement = line.agreement
    assert agreement is not None
    line.ceiling_fen = await applicable_ceiling(session, agreement.id, line.product)
    if line.ceiling_fen is None:
        return line.problem(OrderErrorCode.OVER_CEILING, "协议未对该商品设定最高限制单价")
    line.market = await market_price_evidence(session, agreement, line.product, clock=clock)
    problem = rules.check_unit_price(
        line.offer.price_fen, line.ceiling_fen, line.market.reference_fen, line.market.rule
    )
    return None if problem is None else line.problem(OrderErrorCode(problem.code), problem.message)


async def _supplier_problem(session: AsyncSession, line: _Line, today: date) -> OrderError | None:
    code = line.supplier.credit_code
    entry = await credit.listing_on(session, code, today) if code else None
    if entry is None:
        return None
    until = f"至 {entry.ends_on.isoformat()}" if entry.ends_on else "长期"
    return line.problem(
        OrderErrorCode.SUPPLIER_BLACKLISTED,
        f"供应商 {line.supplier.name} 已被列入信用黑名单 ({entry.authority}, {until})",
    )


def _by_supplier(lines: list[_Line]) -> dict[tuple[int, int], list[_Line]]:
    groups: dict[tuple[int, int], list[_Line]] = defaultdict(list)
    for line in lines:
        groups[(line.offer.supplier_id, line.offer.agreement_id or 0)].append(line)
    return dict(groups)


def _total_problem(group: list[_Line], policy: Policy) -> DomainError | None:
    agreement = group[0].agreement
    if agreement is None:
        return None
    limits = rules.OrderLimits(
        agreement_code=agreement.code,
        per_order_limit_fen=agreement.per_order_limit_fen,
        second_competition_above_fen=agreement.second_competition_above_fen,
        direct_purchase_limit_fen=policy.direct_purchase_limit_fen,
    )
    problem = rules.check_order_total(sum(line.amount_fen for line in group), limits)
    if problem is not None:
        problem.message = f"{group[0].supplier.name}: {problem.message}"
    return problem


async def _write(
    session: AsyncSession,
    buyer: Principal,
    request: PlacementRequest,
    plan: PurchasePlan,
    groups: dict[tuple[int, int], list[_Line]],
    policy: Policy,
    *,
    clock: Clock,
) -> Checkout:
    assert buyer.user_id is not None
    now = clock.now()
    all_lines = [line for group in groups.values() for line in group]
    total = sum(line.amount_fen for line in all_lines)
    # Locks in one order for every placement (capped agreements, then offers by id, then the
    # plan), and the hot rows (offers, plan) last, so they are held for the shortest time.
    await quotas.lock_for_reservation(session, sorted({k[1] for k in groups}))
    checkout = Checkout(
        organisation_id=buyer.organisation_id,
        user_id=buyer.user_id,
        plan_id=plan.id,
        total_fen=total,
        placed_at=now,
    )
    session.add(checkout)
    await session.flush()
    for index, group in enumerate(sorted(groups.values(), key=lambda g: g[0].offer.id), start=1):
        order = _order(checkout, index, buyer, request, group, policy, clock=clock)
        session.add(order)
        await session.flush()
        await _reserve_quota(session, order, clock=clock)
        session.add_all(_order_lines(order, group, clock=clock))
        session.add(_placed_entry(order, buyer))
        record(session, _placed_event(order, group), clock=clock)
    await session.execute(
        delete(CartLine).where(CartLine.id.in_([line.cart.id for line in all_lines]))
    )
    await session.flush()
    await _take_stock(session, all_lines)
    await plans.reserve(session, plan, total)
    return checkout


async def _take_stock(session: AsyncSession, lines: list[_Line]) -> None:
    try:
        await stock.take(session, [(line.offer.id, line.cart.quantity) for line in lines])
    except stock.OutOfStock as short:
        line = next(line for line in lines if line.offer.id == short.offer_id)
        raise CheckoutBlocked(
            [line.problem(OrderErrorCode.OUT_OF_STOCK, "库存已被其他订单占用")]
        ) from short


async def _reserve_quota(session: AsyncSession, order: Order, *, clock: Clock) -> None:
    try:
        await quotas.reserve(
            session,
            order.agreement_id,
            order.supplier_id,
            order.total_fen,
            order.number,
            clock=clock,
        )
    except AgreementError as error:
        raise CheckoutBlocked([error]) from error


def _order(
    checkout: Checkout,
    index: int,
    buyer: Principal,
    request: PlacementRequest,
    group: list[_Line],
    policy: Policy,
    *,
    clock: Clock,
) -> Order:
    now = clock.now()
    total = sum(line.amount_fen for line in group)
    first = group[0]
    assert first.agreement is not None
    assert buyer.user_id is not None
    return Order(
        number=f"YW{local_today(clock):%Y%m%d}{checkout.id:08d}{index:02d}",
        checkout_id=checkout.id,
        purchaser_id=buyer.organisation_id,
        buyer_user_id=buyer.user_id,
        supplier_id=first.offer.supplier_id,
        agreement_id=first.agreement.id,
        plan_id=checkout.plan_id,
        region_code=buyer.region_code,
        state=OrderState.PLACED,
        total_fen=total,
        plan_reserved_fen=total,
        delivery_address=request.delivery_address.strip(),
        contact_name=request.contact_name.strip(),
        contact_phone=request.contact_phone.strip(),
        note=request.note,
        placed_at=now,
        confirm_due_at=now + timedelta(hours=policy.confirm_within_hours),
        updated_at=now,
    )


def _order_lines(order: Order, group: list[_Line], *, clock: Clock) -> list[OrderLine]:
    made = []
    for line in group:
        assert line.ceiling_fen is not None
        assert line.market is not None
        made.append(
            OrderLine(
                order_id=order.id,
                offer_id=line.offer.id,
                product_id=line.product.id,
                category_code=line.category.code,
                name=line.product.name,
                brand=line.product.brand,
                model=line.product.model,
                unit=line.product.unit,
                quantity=line.cart.quantity,
                unit_price_fen=line.offer.price_fen,
                amount_fen=line.amount_fen,
                ceiling_fen=line.ceiling_fen,
                market_rule=line.market.rule.value,
                market_reference_fen=line.market.reference_fen,
                market_prices=line.market.observations,
                priced_at=clock.now(),
            )
        )
    return made


def _placed_entry(order: Order, buyer: Principal) -> TimelineEntry:
    return TimelineEntry(
        order_id=order.id,
        action="place",
        from_state=None,
        to_state=OrderState.PLACED.value,
        actor_user_id=buyer.user_id,
        actor_organisation_id=buyer.organisation_id,
        actor_role=buyer.role.value,
        note=order.note,
        at=order.placed_at,
    )


def _placed_event(order: Order, group: list[_Line]) -> OrderPlaced:
    return OrderPlaced.of(
        order,
        plan_id=order.plan_id,
        lines=[
            {
                "offerId": line.offer.id,
                "productId": line.product.id,
                "categoryCode": line.category.code,
                "quantity": line.cart.quantity,
                "unitPriceFen": line.offer.price_fen,
                "ceilingFen": line.ceiling_fen,
                "marketReferenceFen": line.market.reference_fen if line.market else None,
            }
            for line in group
        ],
    )
