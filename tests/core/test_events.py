"""Event types are class names: a rename or a moved field changes what the outbox stores, so it
must fail here, not in a partner's webhook receiver."""

import dataclasses
from typing import Any

import pytest

from core.events import UndecodableEvent, UnknownEvent, decode
from core.events.orders import OrderAccepted
from core.outbox import Event, OutboxEvent, registered

# What the outbox stores today: event_type -> (aggregate_type, payload keys in order).
_ORDER = "order_id number purchaser_id supplier_id agreement_id region_code state total_fen"
_CONTRACT = "contract_id number order_id amount_fen"
_PAYMENT = "payment_id order_id method amount_fen"
_LISTING = "offer_id product_id supplier_id agreement_id status"
_STATUS = "agreement_id old_status new_status"
_ENTRANT = "agreement_id supplier_id status"
STORED = {
    "AgreementActivated": ("Agreement", _STATUS),
    "AgreementCreated": ("Agreement", "agreement_id code"),
    "AgreementExpired": ("Agreement", _STATUS),
    "AgreementTerminated": ("Agreement", _STATUS),
    "CategoryCreated": ("Category", "category_id code"),
    "CeilingSet": ("Agreement", "agreement_id ceiling_id ceiling_fen"),
    "ContractAnnounced": ("Contract", _CONTRACT),
    "ContractFiled": ("Contract", _CONTRACT),
    "ContractGenerated": ("Contract", _CONTRACT),
    "ContractSigned": ("Contract", f"{_CONTRACT} signed_on announce_due_on filing_due_on"),
    "DisputeAnswered": ("Order", f"{_ORDER} dispute_id"),
    "HallChanged": ("Hall", "hall_id supplier_ids product_ids"),
    "ImageUploaded": ("Image", "image_id sha256 format width height organisation_id"),
    "InvoiceSubmitted": (
        "Order",
        f"{_ORDER} invoice_id kind code invoice_number amount_fen tax_fen issued_on",
    ),
    "ListingApproved": ("Offer", _LISTING),
    "ListingChanged": ("Offer", f"{_LISTING} changes"),
    "ListingCreated": ("Offer", _LISTING),
    "ListingRejected": ("Offer", f"{_LISTING} reason"),
    "ListingSubmitted": ("Offer", _LISTING),
    "ListingWithdrawn": ("Offer", _LISTING),
    "OfferShelfChanged": ("Offer", _LISTING),
    "OrderAcceptanceFailed": ("Order", f"{_ORDER} reason"),
    "OrderAccepted": ("Order", f"{_ORDER} accepted_fen ratings"),
    "OrderCancellationRequested": ("Order", f"{_ORDER} reason"),
    "OrderCancelled": ("Order", f"{_ORDER} reason"),
    "OrderConfirmed": ("Order", _ORDER),
    "OrderDelivered": ("Order", _ORDER),
    "OrderPaid": ("Order", _ORDER),
    "OrderPlaced": ("Order", f"{_ORDER} plan_id lines"),
    "OrderRejected": ("Order", f"{_ORDER} reason"),
    "OrderShipmentDispatched": (
        "Order",
        f"{_ORDER} shipment_id carrier tracking_number lines complete",
    ),
    "OrderShipped": ("Order", f"{_ORDER} carrier tracking_number"),
    "OrganisationRegistered": ("Organisation", "organisation_id kind region_code"),
    "PartnerCatalogueSynced": ("Partner", "partner_id offer_ids"),
    "PaymentCompleted": ("Payment", f"{_PAYMENT} voucher_number payment_due_on days_late"),
    "PaymentFailed": ("Payment", f"{_PAYMENT} reason"),
    "PaymentRequested": ("Payment", _PAYMENT),
    "ProductCreated": ("Product", "product_id category_code"),
    "QuotaChanged": ("Agreement", "agreement_id supplier_id reference amount_fen released"),
    "QuoteChanged": (
        "Agreement",
        "agreement_id supplier_id product_id old_price_fen new_price_fen",
    ),
    "SolicitationOpened": ("Agreement", _STATUS),
    "SupplierAdmitted": ("Agreement", _ENTRANT),
    "SupplierApplied": ("Agreement", _ENTRANT),
    "SupplierLeaveRequested": ("Agreement", _ENTRANT),
    "SupplierLeft": ("Agreement", _ENTRANT),
    "SupplierRejected": ("Agreement", _ENTRANT),
    "UpgradeDecided": ("Agreement", "agreement_id upgrade_id status"),
    "UpgradeProposed": ("Agreement", "agreement_id upgrade_id"),
}


def _ours() -> dict[str, type[Event]]:
    return {name: cls for name, cls in registered().items() if cls.__module__.startswith("core.")}


def test_the_derived_event_types_are_exactly_those_stored_today() -> None:
    found = {
        name: (cls.aggregate_type, " ".join(f.name for f in dataclasses.fields(cls)))
        for name, cls in _ours().items()
    }
    assert found == STORED


def test_each_event_type_is_its_class_name() -> None:
    assert all(cls.event_type == name == cls.__name__ for name, cls in _ours().items())


def test_a_second_class_of_the_same_name_is_refused() -> None:
    with pytest.raises(TypeError, match="already"):

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class OrderPlaced(Event):
            aggregate_type = "Order"


def test_an_event_type_written_by_hand_is_refused() -> None:
    with pytest.raises(TypeError, match="class name"):

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class HandWritten(Event):
            event_type = "Other"


def _row(event_type: str, payload: dict[str, Any]) -> OutboxEvent:
    return OutboxEvent(id=7, event_type=event_type, payload=payload)


def test_decode_gives_back_the_event_that_was_recorded() -> None:
    stored = {"order_id": 1, "number": "DD1", "purchaser_id": 2, "supplier_id": 3}
    stored |= {"agreement_id": 4, "region_code": "110000", "state": "ACCEPTED"}
    stored |= {"total_fen": 100, "accepted_fen": 100, "ratings": {"quality": 5}}
    event = decode(_row("OrderAccepted", stored))
    assert isinstance(event, OrderAccepted)
    assert (event.supplier_id, event.payload()) == (3, stored)


def test_an_event_type_no_class_has_decodes_as_unknown() -> None:
    assert decode(_row("OrderTeleported", {"order_id": 1})) == UnknownEvent(
        "OrderTeleported", {"order_id": 1}
    )


def test_a_payload_that_does_not_fit_its_class_is_an_error() -> None:
    with pytest.raises(UndecodableEvent, match="outbox row 7"):
        decode(_row("OrderPaid", {"order_id": 1}))
