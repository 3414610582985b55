from enum import StrEnum

from core.errors import DomainError


class ListingErrorCode(StrEnum):
    DUPLICATE_LISTING = "DUPLICATE_LISTING"
    WRONG_LISTING_STATUS = "WRONG_LISTING_STATUS"
    NOT_UNDER_AGREEMENT = "NOT_UNDER_AGREEMENT"
    REGION_OUTSIDE_AGREEMENT = "REGION_OUTSIDE_AGREEMENT"
    UNKNOWN_IMAGE = "UNKNOWN_IMAGE"
    # Bulk import: the file as a whole (nothing is stored) ...
    IMPORT_UNREADABLE = "IMPORT_UNREADABLE"
    IMPORT_WRONG_COLUMNS = "IMPORT_WRONG_COLUMNS"
    IMPORT_TOO_LARGE = "IMPORT_TOO_LARGE"
    IMPORT_EMPTY = "IMPORT_EMPTY"
    # ... and one row's cell (that row is not stored).
    INVALID_ROW_VALUE = "INVALID_ROW_VALUE"


class ListingError(DomainError):
    pass
