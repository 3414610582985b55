"""What a supplier's listings tell the rest of the mall (the search index re-reads them)."""

from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class ListingEvent(Event, abstract=True):
    aggregate_type: ClassVar[str] = "Offer"
    offer_id: int
    product_id: int
    supplier_id: int
    agreement_id: int | None
    status: str

    @property
    def aggregate_id(self) -> str:
        return str(self.offer_id)


@dataclass(frozen=True, kw_only=True)
class ListingCreated(ListingEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ListingSubmitted(ListingEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ListingWithdrawn(ListingEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ListingApproved(ListingEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ListingRejected(ListingEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class OfferShelfChanged(ListingEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ListingChanged(ListingEvent):
    """Price, market price, stock, delivery regions or picture changed (old and new values)."""

    changes: dict[str, list[object]]
