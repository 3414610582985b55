"""Keeping the index fresh: documents built from the tables, a full reindex, and the outbox
consumer that re-reads the offers an event touched.

A document is only ever built from what the tables say now, so an event is a hint of *which*
offers to look at, never the data itself: replaying or reordering events cannot leave the index
stale. Offers that are not on the shelf under an agreement are deleted from the index.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.db import Database
from core.events import UnknownEvent, decode
from core.events.agreements import (
    AgreementActivated,
    AgreementExpired,
    AgreementTerminated,
    SupplierLeft,
)
from core.events.listings import ListingEvent
from core.events.marketplace import HallChanged
from core.events.orders import OrderAccepted
from core.events.partners import PartnerCatalogueSynced
from core.outbox import Event, OutboxEvent
from core.outbox_consumers import drain, start_at_end
from identity.models import Organisation
from marketplace.agreements.models import Agreement, AgreementStatus
from marketplace.catalogue import delivery_regions
from marketplace.comparison import policy_tags
from marketplace.halls import hall_ids_of_offers
from marketplace.models import (
    Category,
    Hall,
    Offer,
    OfferStatus,
    Product,
    SupplierRating,
)
from search.documents import OfferDocument, PolicyTag
from search.port import SearchIndex

CONSUMER = "search-indexer"
BATCH = 1000


@dataclass(frozen=True)
class _Row:
    offer: Offer
    product: Product
    category: Category
    supplier: Organisation
    agreement: Agreement


async def build_documents(session: AsyncSession, offer_ids: Sequence[int]) -> list[OfferDocument]:
    """Documents for those of the offers that are on the shelf under an active agreement."""
    rows = [
        _Row(*row)
        for row in await session.execute(
            select(Offer, Product, Category, Organisation, Agreement)
            .join(Product, Product.id == Offer.product_id)
            .join(Category, Category.id == Product.category_id)
            .join(Organisation, Organisation.id == Offer.supplier_id)
            .join(Agreement, Agreement.id == Offer.agreement_id)
            .where(
                Offer.id.in_(offer_ids),
                Offer.status == OfferStatus.ON_SHELF,
                Agreement.status == AgreementStatus.ACTIVE,
            )
        )
    ]
    if not rows:
        return []
    offers = [r.offer for r in rows]
    regions_of = await delivery_regions(session, [o.id for o in offers])
    halls_of = await hall_ids_of_offers(session, offers)
    poverty_halls = await _poverty_halls(session)
    ratings = await _ratings(session, {r.supplier.id for r in rows})
    return [
        _document(
            r,
            regions_of.get(r.offer.id, []),
            halls_of.get(r.offer.id, []),
            poverty_halls,
            ratings.get(r.supplier.id),
        )
        for r in rows
    ]


def _document(
    row: _Row,
    delivers_to: list[str],
    hall_ids: list[int],
    poverty_halls: set[int],
    rating: SupplierRating | None,
) -> OfferDocument:
    tags = [PolicyTag(t) for t in policy_tags(row.supplier)]
    if poverty_halls & set(hall_ids):
        tags.append(PolicyTag.POVERTY_832)
    return OfferDocument(
        offer_id=row.offer.id,
        product_id=row.product.id,
        title=row.product.name,
        brand=row.product.brand,
        model=row.product.model,
        category_code=row.category.code,
        category_name=row.category.name,
        supplier_id=row.supplier.id,
        supplier_name=row.supplier.name,
        price_fen=row.offer.price_fen,
        market_price_fen=row.offer.market_price_fen,
        stock=row.offer.stock,
        sales_count=row.offer.sales_count,
        rating_x100=_stars_x100(rating),
        agreement_id=row.agreement.id,
        agreement_region_code=row.agreement.region_code,
        agreement_ends_on=row.agreement.ends_on,
        active=True,
        delivery_region_codes=tuple(delivers_to),
        hall_ids=tuple(hall_ids),
        policy_tags=tuple(tags),
        updated_at=row.offer.updated_at,
    )


def _stars_x100(rating: SupplierRating | None) -> int:
    if rating is None or rating.ratings == 0:
        return 0
    total = rating.quality_sum + rating.delivery_sum + rating.service_sum
    return round(total * 100 / (3 * rating.ratings))


async def _ratings(session: AsyncSession, supplier_ids: set[int]) -> dict[int, SupplierRating]:
    rows = await session.scalars(
        select(SupplierRating).where(SupplierRating.supplier_id.in_(supplier_ids))
    )
    return {r.supplier_id: r for r in rows}


async def _poverty_halls(session: AsyncSession) -> set[int]:
    halls = await session.scalars(select(Hall))
    return {h.id for h in halls if PolicyTag.POVERTY_832.value in h.policy_tags}


async def refresh_offers(db: Database, index: SearchIndex, offer_ids: Sequence[int]) -> int:
    """Re-read these offers: index those that are buyable, delete the rest."""
    ids = sorted(set(offer_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        async with db.reader() as session:
            docs = await build_documents(session, chunk)
        found = {d.offer_id for d in docs}
        if docs:
            await index.upsert(docs)
        gone = [i for i in chunk if i not in found]
        if gone:
            await index.delete(gone)
    return len(ids)


@dataclass
class _Touched:
    offers: set[int] = field(default_factory=set)
    agreements: set[int] = field(default_factory=set)
    suppliers: set[int] = field(default_factory=set)
    products: set[int] = field(default_factory=set)

    def note(self, event: Event | UnknownEvent) -> None:
        match event:
            case ListingEvent(offer_id=offer_id):
                self.offers.add(offer_id)
            case PartnerCatalogueSynced(offer_ids=offer_ids):
                self.offers.update(offer_ids)
            case (
                AgreementActivated(agreement_id=agreement_id)
                | AgreementExpired(agreement_id=agreement_id)
                | AgreementTerminated(agreement_id=agreement_id)
                | SupplierLeft(agreement_id=agreement_id)
            ):
                self.agreements.add(agreement_id)
            case OrderAccepted(supplier_id=supplier_id):  # sales counts and the rating moved
                self.suppliers.add(supplier_id)
            case HallChanged(supplier_ids=supplier_ids, product_ids=product_ids):
                self.suppliers.update(supplier_ids)
                self.products.update(product_ids)


async def offers_touched(db: Database, events: Sequence[OutboxEvent]) -> set[int]:
    """The offers whose documents an event may have changed."""
    touched = _Touched()
    for event in events:
        touched.note(decode(event))
    offer_ids = touched.offers
    if touched.agreements or touched.suppliers or touched.products:
        async with db.reader() as session:
            query = select(Offer.id).where(
                Offer.agreement_id.in_(touched.agreements)
                | Offer.supplier_id.in_(touched.suppliers)
                | Offer.product_id.in_(touched.products)
            )
            offer_ids |= set(await session.scalars(query))
    return offer_ids


async def catch_up(db: Database, index: SearchIndex, *, clock: Clock) -> int:
    """Apply every pending outbox event to the index; returns how many events were read."""

    async def handle(events: Sequence[OutboxEvent]) -> None:
        await refresh_offers(db, index, sorted(await offers_touched(db, events)))

    return await drain(db, CONSUMER, handle, clock=clock)


async def reindex(
    db: Database,
    index: SearchIndex,
    *,
    clock: Clock,
    progress: Callable[[int], None] = lambda _: None,
) -> int:
    """Rebuild the whole index from the tables; the consumer then starts from the latest event
    (taken first, so a change made during the rebuild is applied again afterwards)."""
    await start_at_end(db, CONSUMER, clock=clock)
    await index.clear()
    after, total = 0, 0
    while True:
        async with db.reader() as session:
            ids = list(
                await session.scalars(
                    select(Offer.id)
                    .where(Offer.id > after, Offer.status == OfferStatus.ON_SHELF)
                    .order_by(Offer.id)
                    .limit(BATCH)
                )
            )
            docs = await build_documents(session, ids) if ids else []
        if not ids:
            return total
        if docs:
            await index.upsert(docs)
        total += len(docs)
        after = ids[-1]
        progress(len(ids))
