from enum import StrEnum

from core.errors import DomainError


class SearchErrorCode(StrEnum):
    QUERY_TOO_LONG = "QUERY_TOO_LONG"
    PAGE_SIZE_TOO_LARGE = "PAGE_SIZE_TOO_LARGE"
    INVALID_PAGE = "INVALID_PAGE"
    PAGE_TOO_DEEP = "PAGE_TOO_DEEP"
    UNKNOWN_FACET = "UNKNOWN_FACET"
    INVALID_REGION = "INVALID_REGION"
    INVALID_CATEGORY_CODE = "INVALID_CATEGORY_CODE"
    INVALID_PRICE_RANGE = "INVALID_PRICE_RANGE"
    INVALID_FILTER = "INVALID_FILTER"
    INVALID_SYNONYMS = "INVALID_SYNONYMS"


class SearchError(DomainError):
    pass


class SearchBackendError(RuntimeError):
    """The search engine failed or timed out: not the user's doing, so not a DomainError."""
