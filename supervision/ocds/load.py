"""The rows behind a page of releases, read in a fixed number of queries whatever the page size."""

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import IdMixin, rows_by
from identity.models import Organisation, Region
from marketplace.agreements.models import (
    Agreement,
    Ceiling,
    Entrant,
    EntrantStatus,
    Quote,
)
from marketplace.models import Category, Product
from orders.models import Contract, Payment, PaymentStatus
from supervision import facts as order_facts
from supervision.facts import OrderFacts
from supervision.ocds.agreement import AgreementFacts
from supervision.ocds.order import PublishedOrder

T = TypeVar("T", bound=IdMixin)
# Still in the agreement: a supplier who asked to leave is admitted until the operator agrees.
_ADMITTED = (EntrantStatus.ADMITTED, EntrantStatus.LEAVE_REQUESTED)


async def _by_id(session: AsyncSession, model: type[T], ids: Iterable[int | None]) -> dict[int, T]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await session.scalars(select(model).where(model.id.in_(wanted)))
    return {row.id: row for row in rows}


async def agreement_facts(session: AsyncSession, ids: list[int]) -> dict[int, AgreementFacts]:
    agreements = await _by_id(session, Agreement, ids)
    entrants = await rows_by(
        session, Entrant, Entrant.agreement_id, ids, Entrant.status.in_(_ADMITTED)
    )
    quotes = await rows_by(session, Quote, Quote.agreement_id, ids)
    ceilings = await rows_by(session, Ceiling, Ceiling.agreement_id, ids)
    every = [*quotes.values(), *ceilings.values()]
    products = await _by_id(session, Product, (r.product_id for rows in every for r in rows))
    categories = await _by_id(
        session,
        Category,
        [p.category_id for p in products.values()]
        + [c.category_id for rows in ceilings.values() for c in rows],
    )
    organisations = await _by_id(
        session,
        Organisation,
        [a.operator_id for a in agreements.values()]
        + [e.supplier_id for rows in entrants.values() for e in rows],
    )
    regions = await _region_names(session, {a.region_code for a in agreements.values()})
    return {
        a.id: AgreementFacts(
            agreement=a,
            region_name=regions.get(a.region_code, a.region_code),
            operator=organisations[a.operator_id],
            suppliers=[organisations[e.supplier_id] for e in entrants.get(a.id, [])],
            quotes=quotes.get(a.id, []),
            ceilings=ceilings.get(a.id, []),
            products=products,
            categories=categories,
        )
        for a in agreements.values()
    }


async def _region_names(session: AsyncSession, codes: set[str]) -> dict[str, str]:
    rows = await session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))
    return {code: name for code, name in rows}


async def published_orders(session: AsyncSession, ids: list[int]) -> dict[int, PublishedOrder]:
    """The orders' facts as supervision reads them, with what only their releases need."""
    loaded = await order_facts.load(session, ids, with_prices=False, with_blacklist=False)
    if not loaded:
        return {}
    paid = Payment.status == PaymentStatus.PAID
    payments = await rows_by(session, Payment, Payment.order_id, ids, paid)
    agreements = await _by_id(session, Agreement, (f.order.agreement_id for f in loaded))
    codes = {line.category_code for f in loaded for line in f.lines}
    names = await session.execute(
        select(Category.code, Category.name).where(Category.code.in_(codes))
    )
    category_names = {code: name for code, name in names}
    return {
        f.order.id: PublishedOrder(
            facts=f,
            contract=_announced(f),
            payments=payments.get(f.order.id, []),
            agreement=agreements[f.order.agreement_id],
            category_names=category_names,
        )
        for f in loaded
    }


def _announced(facts: OrderFacts) -> Contract:
    """Only an order whose contract was announced has a release."""
    if facts.contract is None:
        raise LookupError(f"order {facts.order.id} has a release but no contract")
    return facts.contract
