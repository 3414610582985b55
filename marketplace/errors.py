from enum import StrEnum

from core.errors import DomainError


class CatalogueErrorCode(StrEnum):
    INVALID_CATEGORY_CODE = "INVALID_CATEGORY_CODE"
    UNKNOWN_CATEGORY = "UNKNOWN_CATEGORY"
    DUPLICATE_CATEGORY = "DUPLICATE_CATEGORY"
    DUPLICATE_PRODUCT = "DUPLICATE_PRODUCT"
    INVALID_GTIN = "INVALID_GTIN"
    INVALID_SPEC = "INVALID_SPEC"
    DUPLICATE_SUPPLIER_SKU = "DUPLICATE_SUPPLIER_SKU"
    INVALID_STOCK = "INVALID_STOCK"
    NOT_OFFER_OWNER = "NOT_OFFER_OWNER"


class CatalogueError(DomainError):
    pass


class ImageErrorCode(StrEnum):
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    IMAGE_NOT_AN_IMAGE = "IMAGE_NOT_AN_IMAGE"
    IMAGE_FORMAT_UNSUPPORTED = "IMAGE_FORMAT_UNSUPPORTED"
    IMAGE_TOO_MANY_PIXELS = "IMAGE_TOO_MANY_PIXELS"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    IMAGE_CORRUPT = "IMAGE_CORRUPT"


class ImageError(DomainError):
    pass


class OfferErrorCode(StrEnum):
    # The same name and value as supplier_portal's ListingErrorCode member: the API's ErrorCode
    # lists it once, where it always stood.
    WRONG_LISTING_STATUS = "WRONG_LISTING_STATUS"


class OfferError(DomainError):
    pass
