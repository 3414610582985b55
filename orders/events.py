"""What the ordering flow tells the rest of the mall (supervision, partners, search)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from core.outbox import Event

if TYPE_CHECKING:
    from orders.models import Contract, Order, Payment


@dataclass(frozen=True, kw_only=True)
class OrderEvent(Event):
    aggregate_type: ClassVar[str] = "Order"
    order_id: int
    number: str
    purchaser_id: int
    supplier_id: int
    agreement_id: int
    region_code: str
    state: str
    total_fen: int

    @property
    def aggregate_id(self) -> str:
        return str(self.order_id)

    @classmethod
    def of(cls, order: "Order", **extra: Any) -> Self:
        return cls(
            order_id=order.id,
            number=order.number,
            purchaser_id=order.purchaser_id,
            supplier_id=order.supplier_id,
            agreement_id=order.agreement_id,
            region_code=order.region_code,
            state=order.state.value,
            total_fen=order.total_fen,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(OrderEvent):
    event_type: ClassVar[str] = "OrderPlaced"
    plan_id: int
    lines: list[dict[str, object]]


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(OrderEvent):
    event_type: ClassVar[str] = "OrderConfirmed"


@dataclass(frozen=True, kw_only=True)
class OrderRejected(OrderEvent):
    event_type: ClassVar[str] = "OrderRejected"
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderShipped(OrderEvent):
    event_type: ClassVar[str] = "OrderShipped"
    carrier: str
    tracking_number: str


@dataclass(frozen=True, kw_only=True)
class OrderShipmentDispatched(OrderEvent):
    """One parcel (拆单: an order may ship in several); `complete` when nothing is left to ship."""

    event_type: ClassVar[str] = "OrderShipmentDispatched"
    shipment_id: int
    carrier: str
    tracking_number: str
    lines: list[dict[str, int]]  # [{"lineId", "offerId", "quantity"}]
    complete: bool


@dataclass(frozen=True, kw_only=True)
class InvoiceSubmitted(OrderEvent):
    event_type: ClassVar[str] = "InvoiceSubmitted"
    invoice_id: int
    kind: str
    code: str
    invoice_number: str
    amount_fen: int
    tax_fen: int
    issued_on: str


@dataclass(frozen=True, kw_only=True)
class OrderDelivered(OrderEvent):
    event_type: ClassVar[str] = "OrderDelivered"


@dataclass(frozen=True, kw_only=True)
class OrderAccepted(OrderEvent):
    event_type: ClassVar[str] = "OrderAccepted"
    accepted_fen: int
    ratings: dict[str, int]


@dataclass(frozen=True, kw_only=True)
class OrderAcceptanceFailed(OrderEvent):
    event_type: ClassVar[str] = "OrderAcceptanceFailed"
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderCancellationRequested(OrderEvent):
    event_type: ClassVar[str] = "OrderCancellationRequested"
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent):
    event_type: ClassVar[str] = "OrderCancelled"
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderPaid(OrderEvent):
    event_type: ClassVar[str] = "OrderPaid"


@dataclass(frozen=True, kw_only=True)
class DisputeAnswered(OrderEvent):
    event_type: ClassVar[str] = "DisputeAnswered"
    dispute_id: int


@dataclass(frozen=True, kw_only=True)
class ContractEvent(Event):
    aggregate_type: ClassVar[str] = "Contract"
    contract_id: int
    number: str
    order_id: int
    amount_fen: int

    @property
    def aggregate_id(self) -> str:
        return str(self.contract_id)

    @classmethod
    def of(cls, contract: "Contract", **extra: Any) -> Self:
        return cls(
            contract_id=contract.id,
            number=contract.number,
            order_id=contract.order_id,
            amount_fen=contract.amount_fen,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class ContractGenerated(ContractEvent):
    event_type: ClassVar[str] = "ContractGenerated"


@dataclass(frozen=True, kw_only=True)
class ContractSigned(ContractEvent):
    event_type: ClassVar[str] = "ContractSigned"
    signed_on: str
    announce_due_on: str
    filing_due_on: str


@dataclass(frozen=True, kw_only=True)
class ContractAnnounced(ContractEvent):
    event_type: ClassVar[str] = "ContractAnnounced"


@dataclass(frozen=True, kw_only=True)
class ContractFiled(ContractEvent):
    event_type: ClassVar[str] = "ContractFiled"


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(Event):
    aggregate_type: ClassVar[str] = "Payment"
    payment_id: int
    order_id: int
    method: str
    amount_fen: int

    @property
    def aggregate_id(self) -> str:
        return str(self.payment_id)

    @classmethod
    def of(cls, payment: "Payment", **extra: Any) -> Self:
        return cls(
            payment_id=payment.id,
            order_id=payment.order_id,
            method=payment.method.value,
            amount_fen=payment.amount_fen,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class PaymentRequested(PaymentEvent):
    event_type: ClassVar[str] = "PaymentRequested"


@dataclass(frozen=True, kw_only=True)
class PaymentCompleted(PaymentEvent):
    event_type: ClassVar[str] = "PaymentCompleted"
    voucher_number: str | None
    payment_due_on: str | None
    days_late: int


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(PaymentEvent):
    event_type: ClassVar[str] = "PaymentFailed"
    reason: str
