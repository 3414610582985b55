from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class _AgreementEvent(Event):
    aggregate_type: ClassVar[str] = "Agreement"
    agreement_id: int

    @property
    def aggregate_id(self) -> str:
        return str(self.agreement_id)


@dataclass(frozen=True, kw_only=True)
class AgreementCreated(_AgreementEvent):
    event_type: ClassVar[str] = "AgreementCreated"
    code: str


@dataclass(frozen=True, kw_only=True)
class AgreementStatusChanged(_AgreementEvent):
    old_status: str
    new_status: str


@dataclass(frozen=True, kw_only=True)
class SolicitationOpened(AgreementStatusChanged):
    event_type: ClassVar[str] = "SolicitationOpened"


@dataclass(frozen=True, kw_only=True)
class AgreementActivated(AgreementStatusChanged):
    event_type: ClassVar[str] = "AgreementActivated"


@dataclass(frozen=True, kw_only=True)
class AgreementExpired(AgreementStatusChanged):
    event_type: ClassVar[str] = "AgreementExpired"


@dataclass(frozen=True, kw_only=True)
class AgreementTerminated(AgreementStatusChanged):
    event_type: ClassVar[str] = "AgreementTerminated"


@dataclass(frozen=True, kw_only=True)
class CeilingSet(_AgreementEvent):
    event_type: ClassVar[str] = "CeilingSet"
    ceiling_id: int
    ceiling_fen: int


@dataclass(frozen=True, kw_only=True)
class EntrantChanged(_AgreementEvent):
    supplier_id: int
    status: str


@dataclass(frozen=True, kw_only=True)
class SupplierApplied(EntrantChanged):
    event_type: ClassVar[str] = "SupplierApplied"


@dataclass(frozen=True, kw_only=True)
class SupplierAdmitted(EntrantChanged):
    event_type: ClassVar[str] = "SupplierAdmitted"


@dataclass(frozen=True, kw_only=True)
class SupplierRejected(EntrantChanged):
    """Not qualified, or (status ELIMINATED) qualified but outcompeted."""

    event_type: ClassVar[str] = "SupplierRejected"


@dataclass(frozen=True, kw_only=True)
class SupplierLeaveRequested(EntrantChanged):
    event_type: ClassVar[str] = "SupplierLeaveRequested"


@dataclass(frozen=True, kw_only=True)
class SupplierLeft(EntrantChanged):
    event_type: ClassVar[str] = "SupplierLeft"


@dataclass(frozen=True, kw_only=True)
class QuoteChanged(_AgreementEvent):
    event_type: ClassVar[str] = "QuoteChanged"
    supplier_id: int
    product_id: int
    old_price_fen: int | None
    new_price_fen: int


@dataclass(frozen=True, kw_only=True)
class QuotaChanged(_AgreementEvent):
    event_type: ClassVar[str] = "QuotaChanged"
    supplier_id: int
    reference: str
    amount_fen: int
    released: bool


@dataclass(frozen=True, kw_only=True)
class UpgradeProposed(_AgreementEvent):
    event_type: ClassVar[str] = "UpgradeProposed"
    upgrade_id: int


@dataclass(frozen=True, kw_only=True)
class UpgradeDecided(_AgreementEvent):
    event_type: ClassVar[str] = "UpgradeDecided"
    upgrade_id: int
    status: str
