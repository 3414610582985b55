"""What the per-order rules judge and the open-data releases publish, read in bulk for a batch of
orders: a few queries per batch, never one per order."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.db import Base
from identity.models import BlacklistEntry, Organisation
from marketplace.models import Offer, OfferPricePoint
from orders.models import Contract, Order, OrderLine, PurchasePlan

_CHUNK = 900  # stays under SQLite's bound-parameter limit
M = TypeVar("M", bound=Base)


@dataclass(frozen=True)
class PricePoint:
    price_fen: int
    at: datetime


@dataclass
class OrderFacts:
    order: Order
    lines: list[OrderLine]
    purchaser: Organisation
    supplier: Organisation
    plan: PurchasePlan
    contract: Contract | None
    # each line's offer's price history, oldest first
    offer_prices: dict[int, list[PricePoint]] = field(default_factory=dict)
    # the other offers of each line's product: offer id -> price history
    peer_prices: dict[int, dict[int, list[PricePoint]]] = field(default_factory=dict)
    blacklisted: list[BlacklistEntry] = field(default_factory=list)


def _chunks(ids: Collection[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


async def load(
    session: AsyncSession,
    order_ids: Collection[int],
    *,
    with_prices: bool,
    with_blacklist: bool = True,
) -> list[OrderFacts]:
    """The orders with their lines, parties, plan and contract; the supplier's blacklist entries
    and the lines' price histories when asked."""
    orders: list[Order] = []
    for chunk in _chunks(order_ids):
        orders += (await session.scalars(select(Order).where(Order.id.in_(chunk)))).all()
    if not orders:
        return []
    ids = [o.id for o in orders]
    lines = await _by_order(session, ids)
    orgs = await _organisations(session, {o.purchaser_id for o in orders} | _suppliers(orders))
    plans = await _plans(session, {o.plan_id for o in orders})
    contracts = {c.order_id: c for c in await _in(session, Contract, Contract.order_id, ids)}
    codes = {orgs[o.supplier_id].credit_code for o in orders} if with_blacklist else set()
    listed = await _blacklist(session, codes)
    facts = [
        OrderFacts(
            order=o,
            lines=lines[o.id],
            purchaser=orgs[o.purchaser_id],
            supplier=orgs[o.supplier_id],
            plan=plans[o.plan_id],
            contract=contracts.get(o.id),
            blacklisted=listed.get(orgs[o.supplier_id].credit_code or "", []),
        )
        for o in orders
    ]
    if with_prices:
        await attach_prices(session, facts)
    return facts


def _suppliers(orders: Sequence[Order]) -> set[int]:
    return {o.supplier_id for o in orders}


async def _in(
    session: AsyncSession, model: type[M], column: InstrumentedAttribute[int], ids: Collection[int]
) -> list[M]:
    found: list[M] = []
    for chunk in _chunks(ids):
        found += (await session.scalars(select(model).where(column.in_(chunk)))).all()
    return found


async def _by_order(session: AsyncSession, ids: list[int]) -> dict[int, list[OrderLine]]:
    grouped: dict[int, list[OrderLine]] = defaultdict(list)
    for line in sorted(await _in(session, OrderLine, OrderLine.order_id, ids), key=_line_key):
        grouped[line.order_id].append(line)
    return grouped


def _line_key(line: OrderLine) -> int:
    return line.id


async def _organisations(session: AsyncSession, ids: set[int]) -> dict[int, Organisation]:
    return {o.id: o for o in await _in(session, Organisation, Organisation.id, ids)}


async def _plans(session: AsyncSession, ids: set[int]) -> dict[int, PurchasePlan]:
    return {p.id: p for p in await _in(session, PurchasePlan, PurchasePlan.id, ids)}


async def _blacklist(
    session: AsyncSession, credit_codes: set[str | None]
) -> dict[str, list[BlacklistEntry]]:
    codes = sorted(c for c in credit_codes if c)
    if not codes:
        return {}
    rows = await session.scalars(
        select(BlacklistEntry).where(BlacklistEntry.credit_code.in_(codes))
    )
    listed: dict[str, list[BlacklistEntry]] = defaultdict(list)
    for entry in rows:
        listed[entry.credit_code].append(entry)
    return listed


async def attach_prices(session: AsyncSession, facts: list[OrderFacts]) -> None:
    if not facts:
        return
    product_ids = {line.product_id for f in facts for line in f.lines}
    offers = await _in(session, Offer, Offer.product_id, product_ids)
    offers_of_product: dict[int, list[int]] = defaultdict(list)
    for offer in offers:
        offers_of_product[offer.product_id].append(offer.id)
    latest = max(f.order.placed_at for f in facts)
    history = await _price_points(session, [o.id for o in offers], until=latest)
    for f in facts:
        for line in f.lines:
            f.offer_prices[line.offer_id] = history.get(line.offer_id, [])
            f.peer_prices[line.id] = {
                other: history.get(other, [])
                for other in offers_of_product[line.product_id]
                if other != line.offer_id
            }


async def _price_points(
    session: AsyncSession, offer_ids: list[int], *, until: datetime
) -> dict[int, list[PricePoint]]:
    history: dict[int, list[PricePoint]] = defaultdict(list)
    for chunk in _chunks(offer_ids):
        rows = await session.execute(
            select(OfferPricePoint.offer_id, OfferPricePoint.price_fen, OfferPricePoint.at)
            .where(OfferPricePoint.offer_id.in_(chunk), OfferPricePoint.at <= until)
            .order_by(OfferPricePoint.offer_id, OfferPricePoint.at, OfferPricePoint.id)
        )
        for offer_id, price, at in rows:
            history[offer_id].append(PricePoint(price, at))
    return history


def listed_on(entries: Sequence[BlacklistEntry], day: date) -> BlacklistEntry | None:
    return next(
        (e for e in entries if e.starts_on <= day and (e.ends_on is None or day <= e.ends_on)),
        None,
    )
