from enum import StrEnum

from core.errors import DomainError


class SupervisionErrorCode(StrEnum):
    WARNING_CLOSED = "WARNING_CLOSED"
    NOTE_REQUIRED = "NOTE_REQUIRED"
    ASSIGNEE_INVALID = "ASSIGNEE_INVALID"
    PERIOD_INVALID = "PERIOD_INVALID"


class SupervisionError(DomainError):
    pass
