"""What framework agreements tell the rest of the mall (search, supervision)."""

from dataclasses import dataclass
from typing import ClassVar

from core.outbox import Event


@dataclass(frozen=True, kw_only=True)
class _AgreementEvent(Event, abstract=True):
    aggregate_type: ClassVar[str] = "Agreement"
    agreement_id: int

    @property
    def aggregate_id(self) -> str:
        return str(self.agreement_id)


@dataclass(frozen=True, kw_only=True)
class AgreementCreated(_AgreementEvent):
    code: str


@dataclass(frozen=True, kw_only=True)
class AgreementStatusChanged(_AgreementEvent, abstract=True):
    old_status: str
    new_status: str


@dataclass(frozen=True, kw_only=True)
class SolicitationOpened(AgreementStatusChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class AgreementActivated(AgreementStatusChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class AgreementExpired(AgreementStatusChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class AgreementTerminated(AgreementStatusChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class CeilingSet(_AgreementEvent):
    ceiling_id: int
    ceiling_fen: int


@dataclass(frozen=True, kw_only=True)
class EntrantChanged(_AgreementEvent, abstract=True):
    supplier_id: int
    status: str


@dataclass(frozen=True, kw_only=True)
class SupplierApplied(EntrantChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class SupplierAdmitted(EntrantChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class SupplierRejected(EntrantChanged):
    """Not qualified, or (status ELIMINATED) qualified but outcompeted."""


@dataclass(frozen=True, kw_only=True)
class SupplierLeaveRequested(EntrantChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class SupplierLeft(EntrantChanged):
    pass


@dataclass(frozen=True, kw_only=True)
class QuoteChanged(_AgreementEvent):
    supplier_id: int
    product_id: int
    old_price_fen: int | None
    new_price_fen: int


@dataclass(frozen=True, kw_only=True)
class QuotaChanged(_AgreementEvent):
    supplier_id: int
    reference: str
    amount_fen: int
    released: bool


@dataclass(frozen=True, kw_only=True)
class UpgradeProposed(_AgreementEvent):
    upgrade_id: int


@dataclass(frozen=True, kw_only=True)
class UpgradeDecided(_AgreementEvent):
    upgrade_id: int
    status: str
