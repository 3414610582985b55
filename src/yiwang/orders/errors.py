from enum import StrEnum

from yiwang.core.errors import DomainError


class OrderErrorCode(StrEnum):
    # Cart and placement (事前 blocking checks)
    CART_EMPTY = "CART_EMPTY"
    CART_TOO_LARGE = "CART_TOO_LARGE"
    PRICE_CHANGED = "PRICE_CHANGED"
    OFFER_UNAVAILABLE = "OFFER_UNAVAILABLE"
    OVER_CEILING = "OVER_CEILING"
    OVER_MARKET_PRICE = "OVER_MARKET_PRICE"
    SECOND_COMPETITION_REQUIRED = "SECOND_COMPETITION_REQUIRED"
    SUPPLIER_BLACKLISTED = "SUPPLIER_BLACKLISTED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    NO_PLAN = "NO_PLAN"
    PLAN_NOT_APPLICABLE = "PLAN_NOT_APPLICABLE"
    PLAN_INSUFFICIENT = "PLAN_INSUFFICIENT"
    # Lifecycle
    WRONG_ORDER_STATE = "WRONG_ORDER_STATE"
    NOT_ORDER_PARTY = "NOT_ORDER_PARTY"
    CONFIRMATION_OVERDUE = "CONFIRMATION_OVERDUE"
    CANCELLATION_NOT_REQUESTED = "CANCELLATION_NOT_REQUESTED"
    CONTRACT_NOT_SIGNED = "CONTRACT_NOT_SIGNED"
    ALREADY_SIGNED = "ALREADY_SIGNED"
    # Payment
    NOT_ACCEPTED = "NOT_ACCEPTED"
    PAYMENT_EXISTS = "PAYMENT_EXISTS"
    PAYMENT_METHOD_UNAVAILABLE = "PAYMENT_METHOD_UNAVAILABLE"
    PAYMENT_PROVIDER_ERROR = "PAYMENT_PROVIDER_ERROR"
    WEBHOOK_SIGNATURE_INVALID = "WEBHOOK_SIGNATURE_INVALID"


class OrderError(DomainError):
    pass


class CheckoutBlocked(DomainError):
    """Several blocking checks failed at once; each is reported, nothing was changed."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        super().__init__(first.code, first.message, field=first.field)
        self.problems = problems
