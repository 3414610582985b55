"""Price comparison (比价): every offer of one product side by side, and products compared spec by
spec.

Offers of the same item from JD, Suning and local suppliers already share one product (a GTIN or
a normalised brand + model is unique), so comparing is reading that product's offers. A
purchaser sees only offers it could buy: on the shelf, under an agreement active for its region,
delivering there. The platforms' own public listings show as market prices, not as offers.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, local_today
from core.errors import InvalidInput, NotFound
from core.principal import Principal
from identity.models import Organisation, OrganisationKind, SupplierSize
from marketplace.agreements.models import Agreement, AgreementStatus
from marketplace.agreements.quotes import applicable_ceiling
from marketplace.agreements.rules import effective_status
from marketplace.buyable import reaches
from marketplace.catalogue import delivery_regions
from marketplace.models import Offer, OfferStatus, Product, SupplierRating
from marketplace.policy import CENTRAL, policy_for

MAX_COMPARED = 5

Listed = tuple[Offer, Organisation, Agreement | None]


def policy_tags(org: Organisation) -> list[str]:
    """政府采购政策功能 the supplier qualifies for (disabled-welfare and prison enterprises count
    as small and micro, 财库〔2020〕46号)."""
    tags = []
    small_micro = org.supplier_size in (SupplierSize.SMALL, SupplierSize.MICRO)
    special = org.is_disabled_welfare or org.is_prison_enterprise
    if small_micro or special or org.supplier_size == SupplierSize.MEDIUM:
        tags.append("SME")
    if small_micro or special:
        tags.append("SMALL_MICRO")
    if org.is_disabled_welfare:
        tags.append("DISABLED_WELFARE")
    if org.is_prison_enterprise:
        tags.append("PRISON")
    return tags


@dataclass(frozen=True)
class MarketPrice:
    platform: Organisation
    offer_id: int
    price_fen: int
    observed_at: datetime


@dataclass
class ComparedOffer:
    offer: Offer
    supplier: Organisation
    agreement: Agreement
    ceiling_fen: int | None
    delivery_region_codes: list[str]
    rating: SupplierRating | None
    policy_tags: list[str]
    lowest: bool = False

    @property
    def saving_vs_ceiling_fen(self) -> int | None:
        return None if self.ceiling_fen is None else self.ceiling_fen - self.offer.price_fen


@dataclass
class PriceComparison:
    product: Product
    offers: list[ComparedOffer]
    market_prices: list[MarketPrice]
    lowest_price_fen: int | None = None
    market_low_fen: int | None = None
    notes: list[str] = field(default_factory=list)

    def saving_vs_market_fen(self, offer: ComparedOffer) -> int | None:
        if self.market_low_fen is None:
            return None
        return self.market_low_fen - offer.offer.price_fen


async def compare_offers(
    session: AsyncSession, product_id: int, *, viewer: Principal | None, clock: Clock
) -> PriceComparison:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound("商品", product_id, field="id")
    rows = await session.execute(
        select(Offer, Organisation, Agreement)
        .join(Organisation, Organisation.id == Offer.supplier_id)
        .outerjoin(Agreement, Agreement.id == Offer.agreement_id)
        .where(Offer.product_id == product_id, Offer.status == OfferStatus.ON_SHELF)
        .order_by(Offer.price_fen, Offer.id)
    )
    listed: list[Listed] = [(o, s, a) for o, s, a in rows]
    compared = await _buyable(session, product, listed, viewer, clock)
    market = await _market(session, listed, viewer, clock)
    result = PriceComparison(product, compared, market)
    if compared:
        result.lowest_price_fen = min(c.offer.price_fen for c in compared)
        for c in compared:
            c.lowest = c.offer.price_fen == result.lowest_price_fen
    if market:
        result.market_low_fen = min(m.price_fen for m in market)
    return result


async def _buyable(
    session: AsyncSession,
    product: Product,
    listed: list[Listed],
    viewer: Principal | None,
    clock: Clock,
) -> list[ComparedOffer]:
    today = local_today(clock)
    candidates = [
        (o, s, a)
        for o, s, a in listed
        if a is not None and effective_status(a.status, a.ends_on, today) == AgreementStatus.ACTIVE
    ]
    regions_of = await delivery_regions(session, [o.id for o, _, _ in candidates])
    ratings = await _ratings(session, {s.id for _, s, _ in candidates})
    ceilings: dict[int, int | None] = {}
    compared = []
    for offer, supplier, agreement in candidates:
        assert agreement is not None
        delivers = regions_of.get(offer.id, [])
        if viewer is not None and not reaches(viewer.region_code, agreement.region_code, delivers):
            continue
        if agreement.id not in ceilings:
            ceilings[agreement.id] = await applicable_ceiling(session, agreement.id, product)
        compared.append(
            ComparedOffer(
                offer=offer,
                supplier=supplier,
                agreement=agreement,
                ceiling_fen=ceilings[agreement.id],
                delivery_region_codes=delivers,
                rating=ratings.get(supplier.id),
                policy_tags=policy_tags(supplier),
            )
        )
    return compared


async def _ratings(session: AsyncSession, supplier_ids: set[int]) -> dict[int, SupplierRating]:
    rows = await session.scalars(
        select(SupplierRating).where(SupplierRating.supplier_id.in_(supplier_ids))
    )
    return {r.supplier_id: r for r in rows}


async def _market(
    session: AsyncSession,
    listed: list[Listed],
    viewer: Principal | None,
    clock: Clock,
) -> list[MarketPrice]:
    """The platforms' public prices seen within the viewer's region's market window."""
    policy = await policy_for(session, viewer.region_code) if viewer else CENTRAL
    window = policy.market_window_days
    since = clock.now() - timedelta(days=window)
    return [
        MarketPrice(platform=s, offer_id=o.id, price_fen=price, observed_at=o.updated_at)
        for o, s, _ in listed
        if s.kind == OrganisationKind.PARTNER
        and (price := o.market_price_fen) is not None
        and o.updated_at >= since
    ]


@dataclass(frozen=True)
class SpecRow:
    key: str
    unit: str | None
    values: list[str | None]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


async def compare_products(
    session: AsyncSession, product_ids: list[int]
) -> tuple[list[Product], list[SpecRow]]:
    """2 to 5 products, their specs aligned row by row (every key any of them has, in the order
    first seen), each row marked when the products differ on it."""
    unique = list(dict.fromkeys(product_ids))
    if not 2 <= len(unique) <= MAX_COMPARED:
        raise InvalidInput(f"请选择 2 到 {MAX_COMPARED} 个不同的商品进行对比", field="ids")
    found = {p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(unique)))}
    missing = [i for i in unique if i not in found]
    if missing:
        raise NotFound("商品", missing[0], field="ids")
    products = [found[i] for i in unique]
    keys: dict[str, str | None] = {}
    for product in products:
        for spec in product.specs:
            keys.setdefault(spec["key"], spec.get("unit"))
    rows = [SpecRow(key, unit, [_value(p, key) for p in products]) for key, unit in keys.items()]
    fixed = [
        SpecRow("品牌", None, [p.brand for p in products]),
        SpecRow("型号", None, [p.model for p in products]),
    ]
    return products, fixed + rows


def _value(product: Product, key: str) -> str | None:
    return next((str(s["value"]) for s in product.specs if s["key"] == key), None)
