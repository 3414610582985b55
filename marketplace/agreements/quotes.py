"""Quotes (协议价): an entrant's price for a product, within the ceiling and the market rule."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import write_audit
from core.clock import Clock
from core.db import rows_by
from core.errors import NotFound
from core.events.agreements import QuoteChanged
from core.money import parse_fen
from core.outbox import record
from core.principal import SELLERS, Actor
from identity.models import Organisation, OrganisationKind
from marketplace.agreements import rules
from marketplace.agreements.access import require_agreement, require_status
from marketplace.agreements.entrants import is_admitted
from marketplace.agreements.errors import AgreementError, AgreementErrorCode
from marketplace.agreements.models import (
    Agreement,
    AgreementStatus,
    Ceiling,
    Quote,
    QuotePriceChange,
)
from marketplace.agreements.service import require_covered
from marketplace.models import Category, Offer, Product
from marketplace.policy import MarketPriceRule, policy_for


@dataclass(frozen=True)
class PriceLimits:
    """What a quote for this product under this agreement may not exceed, and why."""

    ceiling_fen: int
    market_fen: int | None
    market_rule: MarketPriceRule


async def applicable_ceiling(
    session: AsyncSession, agreement_id: int, product: Product
) -> int | None:
    """The product's own ceiling, else the most specific category ceiling whose constraints it
    meets; of several at that level (tiers), the highest it qualifies for. One query."""
    category = await session.get(Category, product.category_id)
    assert category is not None
    ancestors = [category.code[:i] for i in range(1, len(category.code) + 1, 2)]
    rows = await session.execute(
        select(Ceiling, Category.code)
        .outerjoin(Category, Category.id == Ceiling.category_id)
        .where(
            Ceiling.agreement_id == agreement_id,
            or_(Ceiling.product_id == product.id, Category.code.in_(ancestors)),
        )
    )
    own, by_category = None, []
    for ceiling, code in rows:
        if ceiling.product_id is not None:
            own = ceiling.ceiling_fen
        elif rules.specs_match(product.specs, ceiling.spec_constraints):
            by_category.append((len(code), ceiling.ceiling_fen))
    if own is not None:
        return int(own)
    return max(by_category)[1] if by_category else None


@dataclass(frozen=True)
class MarketEvidence:
    """The platforms' public prices (电商价) a price was judged against, and the verdict's basis."""

    rule: MarketPriceRule
    reference_fen: int | None
    observations: list[dict[str, Any]]


async def market_price_evidence(
    session: AsyncSession, agreement: Agreement, product: Product, *, clock: Clock
) -> MarketEvidence:
    """Platform prices for this product seen within the agreement region's window."""
    policy = await policy_for(session, agreement.region_code)
    since = clock.now() - timedelta(days=policy.market_window_days)
    rows = await session.execute(
        select(Offer.id, Offer.supplier_id, Offer.market_price_fen, Offer.updated_at)
        .join(Organisation, Organisation.id == Offer.supplier_id)
        .where(
            Offer.product_id == product.id,
            Offer.market_price_fen.is_not(None),
            Offer.updated_at >= since,
            Organisation.kind == OrganisationKind.PARTNER,
        )
        .order_by(Offer.id)
    )
    found = [(o, s, p, at) for o, s, p, at in rows if p is not None]
    observations: list[dict[str, Any]] = [
        {"offerId": o, "supplierId": s, "priceFen": p, "observedAt": at.isoformat()}
        for o, s, p, at in found
    ]
    prices = [p for _, _, p, _ in found]
    reference = rules.market_reference_fen(prices, policy.market_price_rule)
    return MarketEvidence(policy.market_price_rule, reference, observations)


async def price_limits(
    session: AsyncSession, agreement: Agreement, product: Product, *, clock: Clock
) -> PriceLimits:
    ceiling = await applicable_ceiling(session, agreement.id, product)
    if ceiling is None:
        raise AgreementError(
            AgreementErrorCode.NO_CEILING,
            f"协议 {agreement.code} 未对该商品设定最高限制单价, 不能报价",
            field="productId",
        )
    market = await market_price_evidence(session, agreement, product, clock=clock)
    return PriceLimits(ceiling, market.reference_fen, market.rule)


async def check_offer_terms(
    session: AsyncSession,
    agreement_id: int,
    supplier_id: int,
    product_id: int,
    price_fen: int,
    *,
    clock: Clock,
    statuses: tuple[AgreementStatus, ...] = (AgreementStatus.ACTIVE,),
) -> Agreement:
    """May this seller offer this product under this agreement at this price? The one check
    behind quotes, listings and (later) orders."""
    agreement = await require_agreement(session, agreement_id)
    require_status(agreement, clock, *statuses)
    if not await is_admitted(session, agreement_id, supplier_id):
        raise AgreementError(
            AgreementErrorCode.NOT_AN_ENTRANT, f"本单位不是协议 {agreement.code} 的入围供应商"
        )
    product = await _require_product(session, product_id)
    category = await session.get(Category, product.category_id)
    assert category is not None
    await require_covered(session, agreement, category.code, field="productId")
    limits = await price_limits(session, agreement, product, clock=clock)
    rules.check_quote_price(price_fen, limits.ceiling_fen, limits.market_fen, limits.market_rule)
    return agreement


async def set_quote(
    session: AsyncSession,
    agreement_id: int,
    product_id: int,
    price: Decimal,
    *,
    actor: Actor,
    clock: Clock,
) -> Quote:
    principal = actor.require(*SELLERS)
    price_fen = parse_fen(price, field="price")
    soliciting_or_active = (AgreementStatus.SOLICITING, AgreementStatus.ACTIVE)
    await check_offer_terms(
        session,
        agreement_id,
        principal.organisation_id,
        product_id,
        price_fen,
        clock=clock,
        statuses=soliciting_or_active,
    )
    return await store_quote(
        session,
        agreement_id,
        principal.organisation_id,
        product_id,
        price_fen,
        actor=actor,
        clock=clock,
    )


async def _require_product(session: AsyncSession, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound("商品", product_id, field="productId")
    return product


async def store_quote(
    session: AsyncSession,
    agreement_id: int,
    supplier_id: int,
    product_id: int,
    price_fen: int,
    *,
    actor: Actor,
    clock: Clock,
) -> Quote:
    """Write a checked price and its history; `actor` is who set it (the supplier, or the
    operator approving an upgrade)."""
    principal = actor.require()
    quote = await session.scalar(
        select(Quote).where(
            Quote.agreement_id == agreement_id,
            Quote.supplier_id == supplier_id,
            Quote.product_id == product_id,
        )
    )
    old = quote.price_fen if quote else None
    if quote is None:
        quote = Quote(agreement_id=agreement_id, supplier_id=supplier_id, product_id=product_id)
        session.add(quote)
    if old == price_fen:
        return quote
    quote.price_fen, quote.updated_at = price_fen, clock.now()
    await session.flush()
    session.add(
        QuotePriceChange(
            quote_id=quote.id,
            old_price_fen=old,
            new_price_fen=price_fen,
            changed_at=clock.now(),
            changed_by_user_id=principal.user_id,
            changed_by_organisation_id=principal.organisation_id,
        )
    )
    record(
        session,
        QuoteChanged(
            agreement_id=agreement_id,
            supplier_id=quote.supplier_id,
            product_id=product_id,
            old_price_fen=old,
            new_price_fen=price_fen,
        ),
        clock=clock,
    )
    write_audit(
        session,
        actor,
        "agreement.quote",
        clock=clock,
        target_type="AgreementQuote",
        target_id=quote.id,
        details={"old_price_fen": old, "new_price_fen": price_fen},
    )
    return quote


async def price_history(
    session: AsyncSession, quote_ids: list[int]
) -> dict[int, list[QuotePriceChange]]:
    return await rows_by(session, QuotePriceChange, QuotePriceChange.quote_id, quote_ids)
