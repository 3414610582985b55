"""What the ordering flow tells the rest of the mall (supervision, partners, search).

`of` builds an event from the row it reports; the rows are described here by what `of` reads,
so this module (below `orders` in the layers) needs none of the order tables.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Protocol, Self

from core.outbox import Event


class _OrderRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def purchaser_id(self) -> int: ...
    @property
    def supplier_id(self) -> int: ...
    @property
    def agreement_id(self) -> int: ...
    @property
    def region_code(self) -> str: ...
    @property
    def state(self) -> StrEnum: ...
    @property
    def total_fen(self) -> int: ...


class _ContractRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def order_id(self) -> int: ...
    @property
    def amount_fen(self) -> int: ...


class _PaymentRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def order_id(self) -> int: ...
    @property
    def method(self) -> StrEnum: ...
    @property
    def amount_fen(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class OrderEvent(Event, abstract=True):
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
    def of(cls, order: _OrderRow, **extra: Any) -> Self:
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
    plan_id: int
    lines: list[dict[str, object]]


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(OrderEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class OrderRejected(OrderEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderShipped(OrderEvent):
    carrier: str
    tracking_number: str


@dataclass(frozen=True, kw_only=True)
class OrderShipmentDispatched(OrderEvent):
    """One parcel (拆单: an order may ship in several); `complete` when nothing is left to ship."""

    shipment_id: int
    carrier: str
    tracking_number: str
    lines: list[dict[str, int]]  # [{"lineId", "offerId", "quantity"}]
    complete: bool


@dataclass(frozen=True, kw_only=True)
class InvoiceSubmitted(OrderEvent):
    invoice_id: int
    kind: str
    code: str
    invoice_number: str
    amount_fen: int
    tax_fen: int
    issued_on: str


@dataclass(frozen=True, kw_only=True)
class OrderDelivered(OrderEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class OrderAccepted(OrderEvent):
    accepted_fen: int
    ratings: dict[str, int]


@dataclass(frozen=True, kw_only=True)
class OrderAcceptanceFailed(OrderEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderCancellationRequested(OrderEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderPaid(OrderEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class DisputeAnswered(OrderEvent):
    dispute_id: int


@dataclass(frozen=True, kw_only=True)
class ContractEvent(Event, abstract=True):
    aggregate_type: ClassVar[str] = "Contract"
    contract_id: int
    number: str
    order_id: int
    amount_fen: int

    @property
    def aggregate_id(self) -> str:
        return str(self.contract_id)

    @classmethod
    def of(cls, contract: _ContractRow, **extra: Any) -> Self:
        return cls(
            contract_id=contract.id,
            number=contract.number,
            order_id=contract.order_id,
            amount_fen=contract.amount_fen,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class ContractGenerated(ContractEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ContractSigned(ContractEvent):
    signed_on: str
    announce_due_on: str
    filing_due_on: str


@dataclass(frozen=True, kw_only=True)
class ContractAnnounced(ContractEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class ContractFiled(ContractEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(Event, abstract=True):
    aggregate_type: ClassVar[str] = "Payment"
    payment_id: int
    order_id: int
    method: str
    amount_fen: int

    @property
    def aggregate_id(self) -> str:
        return str(self.payment_id)

    @classmethod
    def of(cls, payment: _PaymentRow, **extra: Any) -> Self:
        return cls(
            payment_id=payment.id,
            order_id=payment.order_id,
            method=payment.method.value,
            amount_fen=payment.amount_fen,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class PaymentRequested(PaymentEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class PaymentCompleted(PaymentEvent):
    voucher_number: str | None
    payment_due_on: str | None
    days_late: int


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(PaymentEvent):
    reason: str
