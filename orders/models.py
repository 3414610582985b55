from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, IdMixin, Json, enum_column


class PlanStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class PurchasePlan(IdMixin, Base):
    """采购计划: budgeted money for a 品目 in a fiscal year (无预算不采购).

    `reserved_fen` is held by placed orders not yet paid; `consumed_fen` has been paid out.
    """

    __tablename__ = "purchase_plan"
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(
            "reserved_fen >= 0 AND consumed_fen >= 0 AND reserved_fen + consumed_fen <= amount_fen",
            name="within_amount",
        ),
    )

    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    fiscal_year: Mapped[int]
    category_code: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigId)
    reserved_fen: Mapped[int] = mapped_column(BigId, default=0)
    consumed_fen: Mapped[int] = mapped_column(BigId, default=0)
    fund_source: Mapped[str] = mapped_column(String(64))
    budget_item: Mapped[str] = mapped_column(String(64))
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus, "plan_status", length=16))
    created_by_user_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime]


class CartLine(IdMixin, Base):
    """One offer in a buyer's cart, with the price the buyer was shown."""

    __tablename__ = "cart_line"
    __table_args__ = (
        UniqueConstraint("user_id", "offer_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offer.id"))
    quantity: Mapped[int]
    seen_price_fen: Mapped[int] = mapped_column(BigId)
    added_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OrderState(StrEnum):
    PLACED = "PLACED"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    ACCEPTED = "ACCEPTED"
    ACCEPTANCE_FAILED = "ACCEPTANCE_FAILED"
    PAID = "PAID"
    CANCELLED = "CANCELLED"


class Checkout(IdMixin, Base):
    """One `placeOrder`: the orders (one per supplier) made from a cart in one go."""

    __tablename__ = "checkout"

    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_plan.id"))
    total_fen: Mapped[int] = mapped_column(BigId)
    placed_at: Mapped[datetime]


class Order(IdMixin, Base):
    __tablename__ = "purchase_order"
    __table_args__ = (
        Index("ix_purchase_order_purchaser", "purchaser_id", "id"),
        Index("ix_purchase_order_supplier", "supplier_id", "id"),
        Index("ix_purchase_order_region", "region_code", "id"),
        Index("ix_purchase_order_state_due", "state", "confirm_due_at"),
        # supervision's period rules and statistics read a unit's orders by placement time
        Index("ix_purchase_order_purchaser_placed", "purchaser_id", "placed_at"),
        Index("ix_purchase_order_placed_at", "placed_at"),
        CheckConstraint("total_fen > 0", name="total_positive"),
        CheckConstraint("plan_reserved_fen >= 0", name="reservation_not_negative"),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    checkout_id: Mapped[int] = mapped_column(BigId, ForeignKey("checkout.id"), index=True)
    purchaser_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    buyer_user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    agreement_id: Mapped[int] = mapped_column(BigId, ForeignKey("agreement.id"), index=True)
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_plan.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("region.code"))
    state: Mapped[OrderState] = mapped_column(enum_column(OrderState, "order_state", length=24))
    total_fen: Mapped[int] = mapped_column(BigId)
    plan_reserved_fen: Mapped[int] = mapped_column(BigId)
    accepted_fen: Mapped[int | None] = mapped_column(BigId)
    delivery_address: Mapped[str] = mapped_column(String(256))
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(500))
    supplier_reference: Mapped[str | None] = mapped_column(String(64))
    placed_at: Mapped[datetime]
    confirm_due_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    deliver_due_on: Mapped[date | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    accept_due_on: Mapped[date | None]
    accepted_at: Mapped[datetime | None]
    payment_due_on: Mapped[date | None]
    paid_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closing_reason: Mapped[str | None] = mapped_column(String(500))
    cancel_requested_at: Mapped[datetime | None]
    cancel_request_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime]


class OrderLine(IdMixin, Base):
    """One item of an order, with the price evidence frozen at placement."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_fen > 0", name="price_positive"),
        Index("ix_order_line_offer_id", "offer_id"),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offer.id"))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("product.id"))
    category_code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int]
    unit_price_fen: Mapped[int] = mapped_column(BigId)
    amount_fen: Mapped[int] = mapped_column(BigId)
    ceiling_fen: Mapped[int] = mapped_column(BigId)
    market_rule: Mapped[str] = mapped_column(String(16))
    market_reference_fen: Mapped[int | None] = mapped_column(BigId)
    # [{"offerId", "supplierId", "priceFen", "observedAt"}]: the platform prices the check used.
    market_prices: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    priced_at: Mapped[datetime]
    acceptance_passed: Mapped[bool | None]
    acceptance_note: Mapped[str | None] = mapped_column(String(500))


class TimelineEntry(IdMixin, Base):
    """Who moved an order from which state to which, when, and why."""

    __tablename__ = "order_timeline_entry"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_organisation_id: Mapped[int | None] = mapped_column(BigId)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime]


class Shipment(IdMixin, Base):
    __tablename__ = "shipment"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime]


class ShipmentLine(Base):
    """拆单: what one shipment carries of each order line."""

    __tablename__ = "shipment_line"

    shipment_id: Mapped[int] = mapped_column(BigId, ForeignKey("shipment.id"), primary_key=True)
    order_line_id: Mapped[int] = mapped_column(BigId, ForeignKey("order_line.id"), primary_key=True)
    quantity: Mapped[int]


class InvoiceKind(StrEnum):
    VAT_SPECIAL = "VAT_SPECIAL"  # 增值税专用发票
    VAT_NORMAL = "VAT_NORMAL"  # 增值税普通发票
    DIGITAL_SPECIAL = "DIGITAL_SPECIAL"  # 数电发票 (增值税专用发票)
    DIGITAL_NORMAL = "DIGITAL_NORMAL"  # 数电发票 (普通发票)


class Invoice(IdMixin, Base):
    """A fapiao the supplier issued for an order; 数电发票 have a 20-digit number and no code."""

    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("supplier_id", "code", "number"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    kind: Mapped[InvoiceKind] = mapped_column(enum_column(InvoiceKind, "invoice_kind", length=16))
    code: Mapped[str] = mapped_column(String(12), default="")
    number: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigId)
    tax_fen: Mapped[int] = mapped_column(BigId)
    issued_on: Mapped[date]
    submitted_at: Mapped[datetime]


class Acceptance(IdMixin, Base):
    """履约验收: the purchaser's verdict on a delivery, and its rating of the supplier."""

    __tablename__ = "acceptance"
    __table_args__ = (
        CheckConstraint(
            "quality BETWEEN 1 AND 5 AND delivery BETWEEN 1 AND 5 AND service BETWEEN 1 AND 5",
            name="ratings_one_to_five",
        ),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    passed: Mapped[bool]
    accepted_fen: Mapped[int] = mapped_column(BigId)
    quality: Mapped[int]
    delivery: Mapped[int]
    service: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))
    accepted_by_user_id: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime]


class DisputeStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


class Dispute(IdMixin, Base):
    """Opened by a failed (or partly failed) acceptance; the supplier answers it."""

    __tablename__ = "dispute"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), index=True)
    acceptance_id: Mapped[int] = mapped_column(BigId, ForeignKey("acceptance.id"))
    status: Mapped[DisputeStatus] = mapped_column(
        enum_column(DisputeStatus, "dispute_status", length=16)
    )
    reason: Mapped[str] = mapped_column(String(1000))
    answer: Mapped[str | None] = mapped_column(String(1000))
    opened_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class ContractStatus(StrEnum):
    AWAITING_SIGNATURES = "AWAITING_SIGNATURES"
    SIGNED = "SIGNED"
    TERMINATED = "TERMINATED"


class Contract(IdMixin, Base):
    """The 政府采购合同 generated from a confirmed order; its text is frozen in `document`."""

    __tablename__ = "contract"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"), unique=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus, "contract_status", length=24)
    )
    amount_fen: Mapped[int] = mapped_column(BigId)
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    purchaser_signed_at: Mapped[datetime | None]
    purchaser_signed_by: Mapped[int | None] = mapped_column(BigId)
    supplier_signed_at: Mapped[datetime | None]
    supplier_signed_by: Mapped[int | None] = mapped_column(BigId)
    signed_on: Mapped[date | None]
    announce_due_on: Mapped[date | None]
    filing_due_on: Mapped[date | None]
    announced_at: Mapped[datetime | None]
    filed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class PaymentMethod(StrEnum):
    TREASURY = "TREASURY"  # 国库集中支付
    OFFICIAL_CARD = "OFFICIAL_CARD"  # 公务卡, through Stripe


class PaymentStatus(StrEnum):
    REQUESTED = "REQUESTED"
    PROCESSING = "PROCESSING"
    PAID = "PAID"
    FAILED = "FAILED"


class Payment(IdMixin, Base):
    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index(
            "uq_payment_order_live",
            "order_id",
            unique=True,
            sqlite_where=text("status != 'FAILED'"),
            postgresql_where=text("status != 'FAILED'"),
        ),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("purchase_order.id"))
    method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, "payment_method", length=16)
    )
    status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus, "payment_status", length=16)
    )
    amount_fen: Mapped[int] = mapped_column(BigId)
    voucher_number: Mapped[str | None] = mapped_column(String(64))
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    requested_by_user_id: Mapped[int | None] = mapped_column(BigId)
    requested_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]


class ProcessedWebhook(Base):
    """A provider's event already handled: a webhook delivered twice acts once."""

    __tablename__ = "processed_webhook"

    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
