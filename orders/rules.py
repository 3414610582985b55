"""Pure rules of the ordering flow: who may move an order from which state, and the price and
amount limits a placement must respect. No I/O."""

from dataclasses import dataclass
from enum import StrEnum

from core.money import fen_to_yuan
from core.principal import SELLERS, Principal, Role
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.policy import MarketPriceRule
from orders.errors import OrderError, OrderErrorCode
from orders.models import Order, OrderState

S = OrderState

STATE_NAMES = {
    S.PLACED: "待确认",
    S.CONFIRMED: "已确认",
    S.REJECTED: "已拒绝",
    S.SHIPPED: "已发货",
    S.DELIVERED: "已送达",
    S.ACCEPTED: "已验收",
    S.ACCEPTANCE_FAILED: "验收不合格",
    S.PAID: "已付款",
    S.CANCELLED: "已取消",
}


class Side(StrEnum):
    PURCHASER = "PURCHASER"
    SUPPLIER = "SUPPLIER"


@dataclass(frozen=True)
class Transition:
    sides: tuple[Side, ...]
    sources: frozenset[OrderState]
    label: str


TRANSITIONS = {
    "confirm": Transition((Side.SUPPLIER,), frozenset({S.PLACED}), "确认订单"),
    "reject": Transition((Side.SUPPLIER,), frozenset({S.PLACED}), "拒绝订单"),
    "ship": Transition((Side.SUPPLIER,), frozenset({S.CONFIRMED}), "发货"),
    "deliver": Transition((Side.SUPPLIER,), frozenset({S.SHIPPED, S.ACCEPTANCE_FAILED}), "送达"),
    "accept": Transition((Side.PURCHASER,), frozenset({S.DELIVERED}), "验收"),
    "cancel": Transition((Side.PURCHASER,), frozenset({S.PLACED}), "取消订单"),
    "request_cancellation": Transition(
        (Side.PURCHASER,), frozenset({S.CONFIRMED, S.SHIPPED}), "申请取消"
    ),
    "answer_cancellation": Transition(
        (Side.SUPPLIER,), frozenset({S.CONFIRMED, S.SHIPPED}), "答复取消申请"
    ),
    "answer_dispute": Transition(
        (Side.SUPPLIER,), frozenset({S.ACCEPTED, S.ACCEPTANCE_FAILED}), "答复验收异议"
    ),
    "sign_contract": Transition(
        (Side.PURCHASER, Side.SUPPLIER), frozenset({S.CONFIRMED}), "签订合同"
    ),
    "request_payment": Transition((Side.PURCHASER,), frozenset({S.ACCEPTED}), "申请付款"),
}

OPEN_STATES = frozenset({S.PLACED, S.CONFIRMED, S.SHIPPED, S.DELIVERED, S.ACCEPTANCE_FAILED})


def side_of(principal: Principal, order: Order) -> Side | None:
    if principal.role == Role.PURCHASER and principal.organisation_id == order.purchaser_id:
        return Side.PURCHASER
    if principal.role in SELLERS and principal.organisation_id == order.supplier_id:
        return Side.SUPPLIER
    return None


ORDERS_SCOPE = "orders"


def require_side(principal: Principal, order: Order, *sides: Side) -> Side:
    """The principal is a party to the order, on one of these sides; an API key must also carry
    the "orders" scope (checked here, so every transport gets it)."""
    principal.require_scope(ORDERS_SCOPE)
    side = side_of(principal, order)
    if side is None or side not in sides:
        wanted = "双方" if len(sides) > 1 else {Side.PURCHASER: "采购人"}.get(sides[0], "供应商")
        raise OrderError(OrderErrorCode.NOT_ORDER_PARTY, f"只有该订单的{wanted}可以操作")
    return side


def require_transition(principal: Principal, order: Order, action: str) -> Transition:
    """The caller is the right party and the order is in a state the action starts from."""
    transition = TRANSITIONS[action]
    require_side(principal, order, *transition.sides)
    if order.state not in transition.sources:
        allowed = "、".join(STATE_NAMES[s] for s in sorted(transition.sources))
        raise OrderError(
            OrderErrorCode.WRONG_ORDER_STATE,
            f"订单 {order.number} 当前{STATE_NAMES[order.state]}, 只有{allowed}的订单可以"
            f"{transition.label}",
        )
    return transition


def check_unit_price(
    price_fen: int, ceiling_fen: int, market_fen: int | None, rule: MarketPriceRule
) -> OrderError | None:
    if price_fen > ceiling_fen:
        return OrderError(
            OrderErrorCode.OVER_CEILING,
            f"单价 {fen_to_yuan(price_fen)} 元超过协议最高限制单价 {fen_to_yuan(ceiling_fen)} 元",
        )
    if market_fen is not None and price_fen > market_fen:
        basis = "最低" if rule == MarketPriceRule.LOWEST else "平均"
        return OrderError(
            OrderErrorCode.OVER_MARKET_PRICE,
            f"单价 {fen_to_yuan(price_fen)} 元高于电商平台同期{basis}价"
            f" {fen_to_yuan(market_fen)} 元",
        )
    return None


@dataclass(frozen=True)
class OrderLimits:
    agreement_code: str
    per_order_limit_fen: int | None
    second_competition_above_fen: int | None
    direct_purchase_limit_fen: int


def check_order_total(total_fen: int, limits: OrderLimits) -> AgreementError | OrderError | None:
    above = limits.second_competition_above_fen
    if above is not None and total_fen > above:
        return OrderError(
            OrderErrorCode.SECOND_COMPETITION_REQUIRED,
            f"订单金额 {fen_to_yuan(total_fen)} 元超过协议 {limits.agreement_code} 的二次竞价"
            f"起点 {fen_to_yuan(above)} 元, 须通过二次竞价采购",
        )
    per_order = limits.per_order_limit_fen
    if per_order is not None and total_fen > per_order:
        return AgreementError(
            AgreementErrorCode.OVER_ORDER_LIMIT,
            f"订单金额 {fen_to_yuan(total_fen)} 元超过协议 {limits.agreement_code} 的单笔限额"
            f" {fen_to_yuan(per_order)} 元",
        )
    if total_fen > limits.direct_purchase_limit_fen:
        return AgreementError(
            AgreementErrorCode.OVER_ORDER_LIMIT,
            f"订单金额 {fen_to_yuan(total_fen)} 元超过本地区网上直购限额"
            f" {fen_to_yuan(limits.direct_purchase_limit_fen)} 元",
        )
    return None
