"""Price comparison and product comparison types (比价)."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from api.catalogue.ratings import SupplierRating
from api.catalogue.types import Offer, Product
from api.identity.types import Organisation
from api.money import Money
from marketplace import comparison
from marketplace.offers import prices


@strawberry.type(description="A platform's public price (电商价) for the product.")
class MarketPrice:
    platform: Organisation
    price: Money
    observed_at: datetime


@strawberry.type(description="One buyable offer in the comparison.")
class ComparedOffer:
    offer: Offer
    supplier: Organisation
    is_platform: bool = strawberry.field(description="Sold by an e-commerce platform (JD, Suning).")
    agreement_code: str
    agreement_id: relay.GlobalID
    ceiling: Money | None = strawberry.field(description="The agreement's 最高限制单价 for it.")
    saving_vs_ceiling: Money | None
    saving_vs_market: Money | None = strawberry.field(
        description="Lowest platform price minus this price; negative when dearer than the market."
    )
    delivery_region_codes: list[str] = strawberry.field(
        description="Empty: the agreement's whole region."
    )
    stock: int
    rating: SupplierRating | None
    policy_tags: list[str] = strawberry.field(
        description="SME, SMALL_MICRO, DISABLED_WELFARE, PRISON: the supplier's policy status."
    )
    lowest: bool = strawberry.field(description="The cheapest offer in the comparison.")


@strawberry.type(description="Every offer of the product you could buy, side by side.")
class PriceComparison:
    offers: list[ComparedOffer] = strawberry.field(description="Cheapest first.")
    market_prices: list[MarketPrice]
    lowest_price: Money | None
    market_low: Money | None = strawberry.field(description="The lowest platform price.")
    saving_vs_market_percent: Decimal | None = strawberry.field(
        description="How much cheaper the lowest offer is than the lowest platform price."
    )

    @classmethod
    def of(cls, result: comparison.PriceComparison) -> "PriceComparison":
        percent = None
        if result.market_low_fen and result.lowest_price_fen is not None:
            saved = Decimal(result.market_low_fen - result.lowest_price_fen)
            percent = (saved * 100 / result.market_low_fen).quantize(Decimal("0.01"))
        return cls(
            offers=[_compared(result, c) for c in result.offers],
            market_prices=[
                MarketPrice(
                    platform=Organisation.from_model(m.platform),
                    price=Money.from_fen(m.price_fen),
                    observed_at=m.observed_at,
                )
                for m in result.market_prices
            ],
            lowest_price=Money.maybe(result.lowest_price_fen),
            market_low=Money.maybe(result.market_low_fen),
            saving_vs_market_percent=percent,
        )


def _compared(result: comparison.PriceComparison, c: comparison.ComparedOffer) -> ComparedOffer:
    return ComparedOffer(
        offer=Offer.from_model(c.offer),
        supplier=Organisation.from_model(c.supplier),
        is_platform=c.supplier.kind.value == "PARTNER",
        agreement_code=c.agreement.code,
        agreement_id=relay.GlobalID("Agreement", str(c.agreement.id)),
        ceiling=Money.maybe(c.ceiling_fen),
        saving_vs_ceiling=Money.maybe(c.saving_vs_ceiling_fen),
        saving_vs_market=Money.maybe(result.saving_vs_market_fen(c)),
        delivery_region_codes=c.delivery_region_codes,
        stock=c.offer.stock,
        rating=SupplierRating.from_model(c.rating) if c.rating else None,
        policy_tags=c.policy_tags,
        lowest=c.lowest,
    )


@strawberry.type(description="The price in force at the end of one day.")
class PricePoint:
    day: date
    price: Money
    market_price: Money | None


@strawberry.type(description="One offer's daily prices, oldest first.")
class OfferPriceHistory:
    offer: Offer
    points: list[PricePoint]

    @classmethod
    def of(cls, offer: Offer, points: list[prices.DailyPrice]) -> "OfferPriceHistory":
        return cls(
            offer=offer,
            points=[
                PricePoint(
                    day=p.day,
                    price=Money.from_fen(p.price_fen),
                    market_price=Money.maybe(p.market_price_fen),
                )
                for p in points
            ],
        )


@strawberry.type(description="One spec across the compared products.")
class SpecComparisonRow:
    key: str
    unit: str | None
    values: list[str | None] = strawberry.field(description="In the order the products were given.")
    differs: bool


@strawberry.type(description="2 to 5 products with their specs aligned row by row.")
class ProductComparison:
    products: list[Product]
    rows: list[SpecComparisonRow]
