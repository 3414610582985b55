from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class ListingEvent(Event):
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
    event_type: ClassVar[str] = "ListingCreated"


@dataclass(frozen=True, kw_only=True)
class ListingSubmitted(ListingEvent):
    event_type: ClassVar[str] = "ListingSubmitted"


@dataclass(frozen=True, kw_only=True)
class ListingWithdrawn(ListingEvent):
    event_type: ClassVar[str] = "ListingWithdrawn"


@dataclass(frozen=True, kw_only=True)
class ListingApproved(ListingEvent):
    event_type: ClassVar[str] = "ListingApproved"


@dataclass(frozen=True, kw_only=True)
class ListingRejected(ListingEvent):
    event_type: ClassVar[str] = "ListingRejected"
    reason: str


@dataclass(frozen=True, kw_only=True)
class OfferShelfChanged(ListingEvent):
    event_type: ClassVar[str] = "OfferShelfChanged"


@dataclass(frozen=True, kw_only=True)
class ListingChanged(ListingEvent):
    """Price, market price, stock, delivery regions or picture changed (old and new values)."""

    event_type: ClassVar[str] = "ListingChanged"
    changes: dict[str, list[object]]
