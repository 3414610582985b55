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
from orders.models import Contract, Order, OrderLine, Payment, PaymentStatus, PurchasePlan
from supervision.ocds_agreement import AgreementFacts
from supervision.ocds_order import OrderFacts

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


async def order_facts(session: AsyncSession, ids: list[int]) -> dict[int, OrderFacts]:
    orders = await _by_id(session, Order, ids)
    lines = await rows_by(session, OrderLine, OrderLine.order_id, ids)
    paid = Payment.status == PaymentStatus.PAID
    payments = await rows_by(session, Payment, Payment.order_id, ids, paid)
    contracts = await session.scalars(select(Contract).where(Contract.order_id.in_(ids)))
    contract_of = {c.order_id: c for c in contracts}
    plans = await _by_id(session, PurchasePlan, (o.plan_id for o in orders.values()))
    agreements = await _by_id(session, Agreement, (o.agreement_id for o in orders.values()))
    parties = [o.purchaser_id for o in orders.values()] + [o.supplier_id for o in orders.values()]
    organisations = await _by_id(session, Organisation, parties)
    codes = {line.category_code for rows in lines.values() for line in rows}
    names = await session.execute(
        select(Category.code, Category.name).where(Category.code.in_(codes))
    )
    category_names = {code: name for code, name in names}
    return {
        o.id: OrderFacts(
            order=o,
            lines=lines.get(o.id, []),
            contract=contract_of[o.id],
            payments=payments.get(o.id, []),
            plan=plans[o.plan_id],
            agreement=agreements[o.agreement_id],
            purchaser=organisations[o.purchaser_id],
            supplier=organisations[o.supplier_id],
            category_names=category_names,
        )
        for o in orders.values()
    }
