from enum import StrEnum

from yiwang.core.errors import DomainError


class ListingErrorCode(StrEnum):
    DUPLICATE_LISTING = "DUPLICATE_LISTING"
    WRONG_LISTING_STATUS = "WRONG_LISTING_STATUS"
    NOT_UNDER_AGREEMENT = "NOT_UNDER_AGREEMENT"
    REGION_OUTSIDE_AGREEMENT = "REGION_OUTSIDE_AGREEMENT"
    UNKNOWN_IMAGE = "UNKNOWN_IMAGE"


class ListingError(DomainError):
    pass
