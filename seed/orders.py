"""The demo order history (`orders_stories.py` tells it), made through the ordering use cases on
clocks stopped in the past weeks, then judged by supervision as the running mall would: the
supervision consumer drains the outbox, then the scheduled pass looks at what never happened.

The whole history is one transaction, so it is made completely or not at all; the demo
purchaser's unit having any order means it was made, and nothing is added again. Judging runs on
every seed: it only picks up what it has not judged yet, and a warning is never raised twice.
"""

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock, FrozenClock, local_today
from core.db import Database
from core.holidays_cn import default_calendar
from core.outbox import OutboxEvent
from core.outbox_consumers import drain, parts
from core.workdays import WorkCalendar
from identity.models import OrganisationKind
from orders.models import Order
from seed.orders_cast import Cast, cast, demo_purchaser, purchase, share_phone
from seed.orders_steps import TAKE, Deal
from seed.orders_stories import STORIES, Step, Story, placed_on, timeline
from seed.plans import seed_plans
from supervision import engine
from supervision.catalogue import BY_CODE
from supervision.models import SupervisionWarning
from supervision.sweep import sweep


@dataclass(frozen=True)
class OrderHistory:
    orders: int
    warnings: Counter[str] = field(default_factory=Counter)  # new warnings by rule code
    seconds: float = 0.0

    def summary(self) -> str:
        by_rule = "、".join(
            f"{BY_CODE[code].name} {count}" for code, count in sorted(self.warnings.items())
        )
        return (
            f"订单历史: 订单 +{self.orders}  监管预警 +{self.warnings.total()}"
            + (f" ({by_rule})" if by_rule else "")
            + f", 用时 {self.seconds:.1f}s"
        )


async def seed_orders(db: Database, *, clock: Clock) -> OrderHistory:
    """The history up to `clock`'s now, then supervision's verdict on it as of now."""
    started = time.perf_counter()
    async with db.unit_of_work() as session:
        made = await _make_history(session, clock)
    warnings = await judge(db, clock=clock)
    return OrderHistory(made, warnings, time.perf_counter() - started)


async def _make_history(session: AsyncSession, clock: Clock) -> int:
    user = await demo_purchaser(session)
    if user is None or await _has_orders(session, user.organisation_id):
        return 0
    today, calendar = local_today(clock), default_calendar()
    steps = [step for step in timeline(STORIES, today, calendar) if step.at <= clock.now()]
    if not steps:
        return 0
    await _plans_for_year_of(session, steps[0].at)
    the_cast = await cast(session, user, first=_day(steps[0].at), last=today)
    deals = _deals(the_cast, today, calendar)
    await _play(session, deals, steps)
    return sum(1 for deal in deals.values() if deal.order_id)


async def _play(session: AsyncSession, deals: dict[str, Deal], steps: list[Step]) -> None:
    """The related seller's phone is changed first, so its contracts print it too; a platform's
    (in a catalogue too small for a local seller) is left alone."""
    for deal in deals.values():
        if deal.story.related and deal.seller.organisation.kind is OrganisationKind.SUPPLIER:
            await share_phone(session, deal.seller.organisation, deal.buyer.organisation)
    for step in steps:
        found = deals.get(step.story.key)
        if found is not None:
            await TAKE[step.action](session, found, FrozenClock(step.at))


async def _has_orders(session: AsyncSession, organisation_id: int) -> bool:
    found = await session.scalar(
        select(Order.id).where(Order.purchaser_id == organisation_id).limit(1)
    )
    return found is not None


def _day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


async def _plans_for_year_of(session: AsyncSession, first: datetime) -> None:
    """A history that began last year needs last year's plans (this year's are seeded already)."""
    await seed_plans(session, clock=FrozenClock(first))


def _deals(the_cast: Cast, today: date, calendar: WorkCalendar) -> dict[str, Deal]:
    """Each story with its seller, offer and plan; a story nobody could sell is left out."""
    deals = {}
    for story in STORIES:
        deal = _deal(the_cast, story, placed_on(story, today, calendar).year)
        if deal is not None:
            deals[story.key] = deal
    return deals


def _deal(the_cast: Cast, story: Story, year: int) -> Deal | None:
    if not the_cast.sellers[story.goods]:
        return None
    seller = the_cast.seller(story.goods, story.seller)
    listing, quantity = purchase(seller.listings, story.amount * 100, story.placed)
    plan = the_cast.plan_for(year, listing.category_code)
    if plan is None:
        return None
    return Deal(
        story=story,
        buyer=the_cast.buyer,
        contact_name=the_cast.contact_name,
        seller=seller.party,
        offer_id=listing.offer_id,
        quantity=quantity,
        plan_id=plan.id,
    )


async def judge(db: Database, *, clock: Clock) -> Counter[str]:
    """Supervision's consumer over every part of the outbox, then its scheduled pass; returns
    the warnings that are new, by rule."""
    calendar = default_calendar()
    before = await _warnings_by_rule(db)

    async def handle(events: Sequence[OutboxEvent]) -> None:
        await engine.judge_events(db, events, clock=clock, calendar=calendar)

    for part in parts(engine.PARTS):
        await drain(db, engine.CONSUMER, handle, clock=clock, batch=engine.BATCH, part=part)
    await sweep(db, clock=clock, calendar=calendar)
    return await _warnings_by_rule(db) - before


async def _warnings_by_rule(db: Database) -> Counter[str]:
    async with db.reader() as session:
        rows = await session.execute(
            select(SupervisionWarning.rule_code, func.count()).group_by(
                SupervisionWarning.rule_code
            )
        )
        return Counter({code: int(count) for code, count in rows})
