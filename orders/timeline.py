"""An order's timeline: every move, who made it and when."""

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.outbox import Event, record
from core.principal import Principal
from orders.models import Order, OrderState, TimelineEntry


def move(
    session: AsyncSession,
    order: Order,
    to_state: OrderState,
    action: str,
    principal: Principal | None,
    *,
    clock: Clock,
    note: str | None = None,
) -> None:
    """Change state and write who did it to the timeline."""
    now = clock.now()
    session.add(
        TimelineEntry(
            order_id=order.id,
            action=action,
            from_state=order.state.value,
            to_state=to_state.value,
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            actor_role=principal.role.value if principal else None,
            note=note,
            at=now,
        )
    )
    order.state = to_state
    order.updated_at = now


def announce(session: AsyncSession, event: Event, *, clock: Clock) -> None:
    record(session, event, clock=clock)
