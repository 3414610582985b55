"""The scheduled pass (事后分析): judges history as a batch.

It catches what no event announces (a step that never happened: an order never confirmed, a
contract never announced, an SME never paid), audits what placement blocks (plans, blacklist)
and runs the rules that need a whole period (splitting over the fiscal year, concentration over
the last full quarter, the policy shares over the last full fiscal year). Running it twice raises
nothing new.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import SHANGHAI, Clock, local_today
from core.db import Database
from core.workdays import WorkCalendar
from orders.models import Order
from supervision import facts as order_facts
from supervision.rules import concentration, parties, plans, policy_shares, splitting
from supervision.rules.clocks import judge_clocks
from supervision.settings import RuleBook, load_rule_book
from supervision.warnings import Finding, raise_findings

CHUNK = 1000


@dataclass(frozen=True)
class Period:
    fiscal_year: int  # splitting, with the year before (orders of its last days come late)
    quarter: tuple[int, int]  # concentration: (year, quarter)
    shares_year: int  # SME and 832 shares

    @classmethod
    def ending(cls, today: date) -> "Period":
        """The current fiscal year, the last full quarter and the last full fiscal year."""
        quarter = (today.month - 1) // 3
        last_quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
        return cls(today.year, last_quarter, today.year - 1)


@dataclass(frozen=True)
class SweepReport:
    orders_judged: int
    findings: int
    raised: int


async def sweep(
    db: Database, *, clock: Clock, calendar: WorkCalendar, period: Period | None = None
) -> SweepReport:
    today = local_today(clock)
    period = period or Period.ending(today)
    since = datetime(today.year - 1, 1, 1, tzinfo=SHANGHAI)
    judged, found, raised = 0, 0, 0
    async with db.reader() as session:
        book = await load_rule_book(session)
    async for ids in _orders_since(db, since):
        async with db.reader() as session:
            findings = await _judge_orders(session, book, ids, clock=clock, calendar=calendar)
        judged += len(ids)
        found += len(findings)
        raised += await _raise(db, findings, book, clock)
    async with db.reader() as session:
        findings = await _judge_periods(session, book, period)
    found += len(findings)
    raised += await _raise(db, findings, book, clock)
    return SweepReport(judged, found, raised)


async def _orders_since(db: Database, since: datetime) -> AsyncIterator[list[int]]:
    after = 0
    while True:
        async with db.reader() as session:
            ids = list(
                await session.scalars(
                    select(Order.id)
                    .where(Order.id > after, Order.placed_at >= since)
                    .order_by(Order.id)
                    .limit(CHUNK)
                )
            )
        if not ids:
            return
        yield ids
        after = ids[-1]


async def _judge_orders(
    session: AsyncSession, book: RuleBook, ids: list[int], *, clock: Clock, calendar: WorkCalendar
) -> list[Finding]:
    findings: list[Finding] = []
    now = clock.now()
    for facts in await order_facts.load(session, ids, with_prices=False):
        findings += judge_clocks(facts, book, now=now, calendar=calendar)
        findings += parties.blacklisted(facts, book)
        findings += parties.without_plan(facts, book)
        findings += parties.related_party(facts, book)
    return findings


async def _judge_periods(session: AsyncSession, book: RuleBook, period: Period) -> list[Finding]:
    uses = await plans.plan_uses(session, None)
    findings = [f for use in uses if (f := plans.over_plan(use, book)) is not None]
    for year in (period.fiscal_year - 1, period.fiscal_year):
        findings += await splitting.sweep(session, book, fiscal_year=year)
    year, quarter = period.quarter
    findings += await concentration.sweep(session, book, year=year, quarter=quarter)
    findings += await policy_shares.sweep(session, book, fiscal_year=period.shares_year)
    return findings


async def _raise(db: Database, findings: list[Finding], book: RuleBook, clock: Clock) -> int:
    if not findings:
        return 0
    async with db.unit_of_work() as session:
        return len(await raise_findings(session, findings, book=book, clock=clock))
