from enum import StrEnum

from core.errors import DomainError


class PartnerErrorCode(StrEnum):
    WEBHOOK_URL_INVALID = "WEBHOOK_URL_INVALID"
    WEBHOOK_EVENT_TYPE_INVALID = "WEBHOOK_EVENT_TYPE_INVALID"
    WEBHOOK_LIMIT_REACHED = "WEBHOOK_LIMIT_REACHED"
    WEBHOOK_INACTIVE = "WEBHOOK_INACTIVE"


class PartnerError(DomainError):
    pass
