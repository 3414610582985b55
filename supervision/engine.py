"""Supervision as an outbox consumer (事中监控): each batch of order, contract and payment events
is judged against the rules, on what the tables say now, and the findings become warnings.

Facts are read from the tables, never from the event payloads, so a replayed or reordered event
judges the same state again and the warnings' uniqueness drops the repeats.
"""

import dataclasses
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.db import Database
from core.events import decode
from core.events.orders import ContractEvent, OrderEvent, OrderPlaced, PaymentEvent
from core.outbox import OutboxEvent
from core.workdays import WorkCalendar
from supervision import facts as order_facts
from supervision.facts import OrderFacts
from supervision.rules import parties, plans, splitting
from supervision.rules.clocks import judge_clocks
from supervision.rules.prices import judge_lines
from supervision.settings import RuleBook, load_rule_book
from supervision.warnings import Finding, raise_findings

CONSUMER = "supervision"
PARTS = 4  # workers that may judge at once; a unit's orders can land in different parts
BATCH = 2000


def _order_events(events: Sequence[OutboxEvent]) -> tuple[dict[int, str], set[int]]:
    """Each order the events touch, with the last event that touched it; and the new orders."""
    touched: dict[int, str] = {}
    placed: set[int] = set()
    for row in events:
        match decode(row):
            case OrderPlaced(order_id=order_id):
                touched[order_id] = row.event_id
                placed.add(order_id)
            case (
                OrderEvent(order_id=order_id)
                | ContractEvent(order_id=order_id)
                | PaymentEvent(order_id=order_id)
            ):
                touched[order_id] = row.event_id
    return touched, placed


async def judge_events(
    db: Database, events: Sequence[OutboxEvent], *, clock: Clock, calendar: WorkCalendar
) -> list[int]:
    """Judge a batch of events; returns the ids of the warnings it raised."""
    touched, placed = _order_events(events)
    if not touched:
        return []
    async with db.reader() as session:
        book = await load_rule_book(session)
        findings = await _judge(session, book, touched, placed, clock=clock, calendar=calendar)
    async with db.unit_of_work() as session:
        return await raise_findings(session, findings, book=book, clock=clock)


async def _judge(
    session: AsyncSession,
    book: RuleBook,
    touched: dict[int, str],
    placed: set[int],
    *,
    clock: Clock,
    calendar: WorkCalendar,
) -> list[Finding]:
    loaded = await order_facts.load(session, touched.keys(), with_prices=False)
    new = [f for f in loaded if f.order.id in placed]
    await order_facts.attach_prices(session, new)
    now = clock.now()
    findings: list[Finding] = []
    for facts in loaded:
        found = judge_clocks(facts, book, now=now, calendar=calendar)
        if facts.order.id in placed:
            found += judge_placed(facts, book)
        findings += [dataclasses.replace(f, source_event_id=touched[facts.order.id]) for f in found]
    findings += await placed_across_orders(session, book, new)
    return findings


def judge_placed(facts: OrderFacts, book: RuleBook) -> list[Finding]:
    """What an order's placement alone can show."""
    return (
        judge_lines(facts, book)
        + parties.related_party(facts, book)
        + parties.blacklisted(facts, book)
        + parties.without_plan(facts, book)
    )


async def placed_across_orders(
    session: AsyncSession, book: RuleBook, placed: Sequence[OrderFacts]
) -> list[Finding]:
    """What new orders show together with the unit's earlier ones: plans and splitting."""
    if not placed:
        return []
    uses = await plans.plan_uses(session, {f.plan.id for f in placed})
    found = [f for use in uses if (f := plans.over_plan(use, book)) is not None]
    return found + await splitting.for_orders(session, book, [f.order.id for f in placed])
