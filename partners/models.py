"""What the mall keeps about a partner's catalogue and how it talks to the partner."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, IdMixin, Json, enum_column


class PartnerCategory(Base):
    """A partner's own category mapped to a 品目 code; operators edit the map."""

    __tablename__ = "partner_category"

    partner_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), primary_key=True)
    partner_category: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    category_code: Mapped[str] = mapped_column(String(16))
    updated_by_user_id: Mapped[int | None] = mapped_column(BigId)
    updated_at: Mapped[datetime]


class PartnerSku(Base):
    """A partner's SKU and the offer it syncs into. Each aspect keeps the version of the message
    that last set it, so a replayed or older message never overwrites newer data."""

    __tablename__ = "partner_sku"

    partner_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offer.id"), unique=True)
    partner_category: Mapped[str] = mapped_column(String(64))
    content_version: Mapped[int] = mapped_column(BigInteger, default=0)
    price_version: Mapped[int] = mapped_column(BigInteger, default=0)
    stock_version: Mapped[int] = mapped_column(BigInteger, default=0)
    shelf_version: Mapped[int] = mapped_column(BigInteger, default=0)
    image_urls: Mapped[list[str]] = mapped_column(Json, default=list)
    stock_by_region: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    wants_shelf: Mapped[bool] = mapped_column(default=True)
    # Why the mall holds it off the shelf although the partner wants it on (e.g. over ceiling).
    hold_reason: Mapped[str | None] = mapped_column(String(300))
    synced_at: Mapped[datetime]


class Webhook(IdMixin, Base):
    """Where a partner wants its events POSTed. The signing secret is derived from the server's
    key and `secret_salt` (shown once, never stored); a new salt rotates it."""

    __tablename__ = "partner_webhook"

    partner_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret_salt: Mapped[str] = mapped_column(String(64))
    event_types: Mapped[list[str]] = mapped_column(Json, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    GAVE_UP = "GAVE_UP"


class WebhookDelivery(IdMixin, Base):
    """One event for one webhook; retried with backoff until delivered or given up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    webhook_id: Mapped[int] = mapped_column(BigId, ForeignKey("partner_webhook.id"))
    event_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status", length=16)
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_latency_ms: Mapped[int | None]
    occurred_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class WebhookAttempt(IdMixin, Base):
    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_delivery.id"), index=True)
    at: Mapped[datetime]
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(500))


class PartnerMessage(IdMixin, Base):
    """An order event as the partner sees it (VOP's message queue, pushed instead of polled).
    One consumer part writes them, one batch per transaction, so ids commit in order and a
    reconnecting subscriber can resume after the last id it saw."""

    __tablename__ = "partner_message"
    __table_args__ = (
        UniqueConstraint("partner_id", "event_id"),
        Index("ix_partner_message_partner_id_id", "partner_id", "id"),
    )

    partner_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisation.id"))
    event_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(BigId)
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime]
