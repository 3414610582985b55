"""Which offers a purchaser in a region can buy today, as one SQL condition: on the shelf, under
an agreement active today whose region covers the buyer, delivering to the buyer's region (an
offer without delivery regions delivers to the agreement's whole region)."""

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, not_, or_

from identity import regions
from marketplace.agreements.models import Agreement, AgreementStatus
from marketplace.models import Offer, OfferDeliveryRegion, OfferStatus


def buyable_in(region_code: str | None, today: date) -> ColumnElement[bool]:
    agreement_active = [
        Agreement.id == Offer.agreement_id,
        Agreement.status == AgreementStatus.ACTIVE,
        Agreement.starts_on <= today,
        Agreement.ends_on >= today,
    ]
    if region_code is None:
        return and_(Offer.status == OfferStatus.ON_SHELF, exists().where(*agreement_active))
    lineage = regions.lineage(region_code)
    restricted = exists().where(OfferDeliveryRegion.offer_id == Offer.id)
    delivers_here = exists().where(
        OfferDeliveryRegion.offer_id == Offer.id, OfferDeliveryRegion.region_code.in_(lineage)
    )
    return and_(
        Offer.status == OfferStatus.ON_SHELF,
        exists().where(*agreement_active, Agreement.region_code.in_(lineage)),
        or_(not_(restricted), delivers_here),
    )


def reaches(region_code: str, agreement_region_code: str, delivers_to: list[str]) -> bool:
    """The same rule for one offer already loaded: the agreement covers the buyer's region and
    the offer delivers there (no delivery regions: the agreement's whole region)."""
    if not regions.in_subtree(region_code, agreement_region_code):
        return False
    return not delivers_to or any(regions.in_subtree(region_code, c) for c in delivers_to)
