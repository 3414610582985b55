"""A supplier's score from purchasers' acceptance ratings: shown wherever a supplier is."""

from decimal import Decimal

import strawberry

from marketplace.models import SupplierRating as SupplierRatingRow


@strawberry.type(description="A supplier's average acceptance ratings (1–5).")
class SupplierRating:
    ratings: int
    quality: Decimal
    delivery: Decimal
    service: Decimal
    overall: Decimal

    @classmethod
    def from_model(cls, row: SupplierRatingRow) -> "SupplierRating":
        def mean(total: int) -> Decimal:
            return (Decimal(total) / row.ratings).quantize(Decimal("0.01"))

        overall = row.quality_sum + row.delivery_sum + row.service_sum
        return cls(
            ratings=row.ratings,
            quality=mean(row.quality_sum),
            delivery=mean(row.delivery_sum),
            service=mean(row.service_sum),
            overall=(Decimal(overall) / (3 * row.ratings)).quantize(Decimal("0.01")),
        )
