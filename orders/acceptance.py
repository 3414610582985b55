"""履约验收: the purchaser's verdict per line and rating of the supplier.

Lines that pass become payable; lines that fail open a dispute the supplier must answer. When
nothing passes the order is ACCEPTANCE_FAILED until the supplier delivers again.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import InvalidInput
from core.events.orders import OrderAcceptanceFailed, OrderAccepted
from core.principal import Actor
from identity.models import Organisation
from marketplace.offers import sales
from marketplace.policy import policy_for
from orders import rules
from orders.contracts import is_sme
from orders.lifecycle import order_lines, require_order
from orders.models import (
    Acceptance,
    Dispute,
    DisputeStatus,
    Order,
    OrderLine,
    OrderState,
)
from orders.timeline import announce, move


@dataclass(frozen=True)
class LineVerdict:
    line_id: int
    passed: bool
    note: str | None = None


@dataclass(frozen=True)
class Ratings:
    quality: int
    delivery: int
    service: int


@dataclass(frozen=True)
class AcceptanceDraft:
    verdicts: tuple[LineVerdict, ...]
    ratings: Ratings
    note: str | None = None


def _check(draft: AcceptanceDraft, lines: list[OrderLine]) -> None:
    for name in ("quality", "delivery", "service"):
        if not 1 <= getattr(draft.ratings, name) <= 5:
            raise InvalidInput("评分须为 1 到 5", field=f"ratings.{name}")
    given = [v.line_id for v in draft.verdicts]
    if sorted(given) != sorted(line.id for line in lines):
        raise InvalidInput("须对订单的每一项商品逐项给出验收结果, 且每项只给一次", field="lines")
    for verdict in draft.verdicts:
        if not verdict.passed and not (verdict.note or "").strip():
            raise InvalidInput("验收不合格的商品须写明原因", field="lines")
        if verdict.note is not None and len(verdict.note) > 500:
            raise InvalidInput("验收说明不能超过 500 字", field="lines")
    if draft.note is not None and len(draft.note) > 500:
        raise InvalidInput("验收意见不能超过 500 字", field="note")


async def accept_order(
    session: AsyncSession, order_id: int, draft: AcceptanceDraft, *, actor: Actor, clock: Clock
) -> Order:
    principal = actor.require()
    order = await require_order(session, order_id)
    rules.require_transition(principal, order, "accept")
    lines = await order_lines(session, order.id)
    _check(draft, lines)
    verdicts = {v.line_id: v for v in draft.verdicts}
    for line in lines:
        line.acceptance_passed = verdicts[line.id].passed
        line.acceptance_note = verdicts[line.id].note
    passed = [line for line in lines if line.acceptance_passed]
    accepted_fen = sum(line.amount_fen for line in passed)
    acceptance = Acceptance(
        order_id=order.id,
        supplier_id=order.supplier_id,
        passed=len(passed) == len(lines),
        accepted_fen=accepted_fen,
        quality=draft.ratings.quality,
        delivery=draft.ratings.delivery,
        service=draft.ratings.service,
        note=draft.note,
        accepted_by_user_id=principal.user_id,
        at=clock.now(),
    )
    session.add(acceptance)
    await session.flush()
    await _rate(session, order.supplier_id, draft.ratings, clock=clock)
    failed = [line for line in lines if not line.acceptance_passed]
    if failed:
        session.add(_dispute(order, acceptance, failed, clock=clock))
    if not passed:
        reason = "; ".join(f"{line.name}: {line.acceptance_note}" for line in failed)
        move(session, order, OrderState.ACCEPTANCE_FAILED, "accept", principal, clock=clock)
        announce(session, OrderAcceptanceFailed.of(order, reason=reason), clock=clock)
        return order
    await _accepted(session, order, passed, accepted_fen, clock=clock)
    move(session, order, OrderState.ACCEPTED, "accept", principal, clock=clock, note=draft.note)
    announce(
        session,
        OrderAccepted.of(
            order,
            accepted_fen=accepted_fen,
            ratings={
                "quality": draft.ratings.quality,
                "delivery": draft.ratings.delivery,
                "service": draft.ratings.service,
            },
        ),
        clock=clock,
    )
    return order


async def _accepted(
    session: AsyncSession, order: Order, passed: list[OrderLine], accepted_fen: int, *, clock: Clock
) -> None:
    """The payment clock starts for an SME; what was accepted counts as sold."""
    order.accepted_at = clock.now()
    order.accepted_fen = accepted_fen
    supplier = await session.get(Organisation, order.supplier_id)
    assert supplier is not None
    if is_sme(supplier):
        policy = await policy_for(session, order.region_code)
        order.payment_due_on = local_today(clock) + timedelta(days=policy.sme_payment_days)
    await sales.count_sales(session, [(line.offer_id, line.quantity) for line in passed])


def _dispute(
    order: Order, acceptance: Acceptance, failed: list[OrderLine], *, clock: Clock
) -> Dispute:
    reason = "; ".join(f"{line.name}: {line.acceptance_note}" for line in failed)
    return Dispute(
        order_id=order.id,
        acceptance_id=acceptance.id,
        status=DisputeStatus.OPEN,
        reason=reason[:1000],
        opened_at=clock.now(),
    )


async def _rate(session: AsyncSession, supplier_id: int, ratings: Ratings, *, clock: Clock) -> None:
    await sales.rate_supplier(
        session,
        supplier_id,
        quality=ratings.quality,
        delivery=ratings.delivery,
        service=ratings.service,
        clock=clock,
    )
