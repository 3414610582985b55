"""Payment, only after acceptance (无验收不结算).

Treasury (国库集中支付) is recorded: requested, then paid with the treasury's voucher number.
The official card (公务卡) goes through a payment gateway (Stripe): the intent is created with
no transaction open (see `request_payment` callers), and the order becomes PAID only when the
gateway's signed webhook says so; each webhook event acts once, however often it arrives.
"""

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import InvalidInput, NotFound
from core.events.orders import OrderPaid, PaymentCompleted, PaymentFailed, PaymentRequested
from core.principal import Actor, Principal
from orders import plans, rules
from orders.errors import OrderError, OrderErrorCode
from orders.lifecycle import require_order
from orders.models import (
    Order,
    OrderState,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProcessedWebhook,
)
from orders.timeline import announce, move


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str | None
    status: str


@dataclass(frozen=True)
class GatewayEvent:
    id: str
    type: str
    intent_id: str | None
    failure_message: str | None = None


class PaymentGateway(Protocol):
    async def create_intent(
        self, *, amount_fen: int, idempotency_key: str, metadata: dict[str, str]
    ) -> Intent: ...

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent: ...


async def require_payment(session: AsyncSession, payment_id: int) -> Payment:
    payment = await session.get(Payment, payment_id, with_for_update=True)
    if payment is None:
        raise NotFound("付款", payment_id, field="paymentId")
    return payment


async def live_payment(session: AsyncSession, order_id: int) -> Payment | None:
    return await session.scalar(
        select(Payment).where(Payment.order_id == order_id, Payment.status != PaymentStatus.FAILED)
    )


async def request_payment(
    session: AsyncSession,
    order_id: int,
    method: PaymentMethod,
    *,
    card_enabled: bool,
    actor: Actor,
    clock: Clock,
) -> Payment:
    """Asking again for an order already being paid returns the same payment."""
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_side(principal, order, rules.Side.PURCHASER)
    if order.state != OrderState.ACCEPTED or not order.accepted_fen:
        raise OrderError(
            OrderErrorCode.NOT_ACCEPTED,
            f"订单 {order.number} 尚未验收合格, 不能付款 (无验收不结算)",
        )
    if method == PaymentMethod.OFFICIAL_CARD and not card_enabled:
        raise OrderError(OrderErrorCode.PAYMENT_METHOD_UNAVAILABLE, "本平台未开通公务卡支付")
    existing = await live_payment(session, order.id)
    if existing is not None:
        if existing.method != method:
            raise OrderError(
                OrderErrorCode.PAYMENT_EXISTS, "该订单已以另一种方式申请付款", field="method"
            )
        return existing
    payment = Payment(
        order_id=order.id,
        method=method,
        status=PaymentStatus.REQUESTED,
        amount_fen=order.accepted_fen,
        requested_by_user_id=principal.user_id,
        requested_at=clock.now(),
    )
    session.add(payment)
    await session.flush()
    announce(session, PaymentRequested.of(payment), clock=clock)
    return payment


def intent_idempotency_key(payment: Payment) -> str:
    return f"yiwang-payment-{payment.id}"


async def attach_intent(
    session: AsyncSession, payment_id: int, intent: Intent, *, clock: Clock
) -> Payment:
    payment = await require_payment(session, payment_id)
    if payment.stripe_payment_intent_id is None:
        payment.stripe_payment_intent_id = intent.id
    if payment.status == PaymentStatus.REQUESTED:
        payment.status = PaymentStatus.PROCESSING
    return payment


async def record_treasury_payment(
    session: AsyncSession, payment_id: int, voucher_number: str, *, actor: Actor, clock: Clock
) -> Payment:
    """The purchaser's finance staff record the treasury's payment voucher (支付凭证)."""
    principal = actor.require()
    payment = await require_payment(session, payment_id)
    order = await require_order(session, payment.order_id)
    rules.require_side(principal, order, rules.Side.PURCHASER)
    if payment.method != PaymentMethod.TREASURY:
        raise InvalidInput("只有国库集中支付需要录入支付凭证", field="paymentId")
    voucher = voucher_number.strip()
    if not 1 <= len(voucher) <= 64:
        raise InvalidInput("支付凭证号长度须为 1 到 64", field="voucherNumber")
    if payment.status == PaymentStatus.PAID:
        return payment
    await _complete(session, payment, order, voucher, principal, clock=clock)
    return payment


async def handle_gateway_event(session: AsyncSession, event: GatewayEvent, *, clock: Clock) -> bool:
    """Apply a verified webhook event once; False when it was seen before or is not ours."""
    try:
        async with session.begin_nested():
            session.add(
                ProcessedWebhook(
                    provider="stripe",
                    event_id=event.id,
                    event_type=event.type,
                    received_at=clock.now(),
                )
            )
    except IntegrityError:
        return False
    if event.intent_id is None:
        return False
    payment = await session.scalar(
        select(Payment).where(Payment.stripe_payment_intent_id == event.intent_id).with_for_update()
    )
    if payment is None or payment.status in (PaymentStatus.PAID, PaymentStatus.FAILED):
        return False
    order = await require_order(session, payment.order_id)
    if event.type == "payment_intent.succeeded":
        await _complete(session, payment, order, None, None, clock=clock)
        return True
    if event.type == "payment_intent.payment_failed":
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = (event.failure_message or "支付失败")[:500]
        announce(session, PaymentFailed.of(payment, reason=payment.failure_reason), clock=clock)
        return True
    return False


async def _complete(
    session: AsyncSession,
    payment: Payment,
    order: Order,
    voucher: str | None,
    principal: Principal | None,
    *,
    clock: Clock,
) -> None:
    """Paid: the plan's reservation becomes spending, the order is closed as PAID."""
    payment.status = PaymentStatus.PAID
    payment.voucher_number = voucher
    payment.paid_at = clock.now()
    await plans.consume(session, order.plan_id, order.plan_reserved_fen, payment.amount_fen)
    order.plan_reserved_fen = 0
    order.paid_at = clock.now()
    move(session, order, OrderState.PAID, "pay", principal, clock=clock)
    late = 0
    if order.payment_due_on is not None:
        late = max(0, (local_today(clock) - order.payment_due_on).days)
    announce(
        session,
        PaymentCompleted.of(
            payment,
            voucher_number=voucher,
            payment_due_on=str(order.payment_due_on) if order.payment_due_on else None,
            days_late=late,
        ),
        clock=clock,
    )
    announce(session, OrderPaid.of(order), clock=clock)
